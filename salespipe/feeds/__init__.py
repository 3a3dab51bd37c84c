"""A user's personal calendar feed (SPEC X4): his expected signatures and planned actions,
at a secret iCalendar address that calendar applications subscribe to."""
