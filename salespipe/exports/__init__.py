"""Taking out what a screen shows (SPEC X5): the board, the calendar, the won and lost lists
and the accounts, exactly as filtered and sorted there, to CSV or XLSX, streamed."""
