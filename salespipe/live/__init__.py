"""Live updates (SPEC B21): what changed on the boards and calendars, as it happens.

Every change of an opportunity writes a row to a change feed in the same transaction as the
change itself (`publish`). Each server process reads that feed by cursor, once for all the
pages it serves (`hub`), and streams to each open page, as server-sent events, the changes of
the companies and portfolios that page shows (`feed`). The page then asks for what it shows
of them, through the same views and rights as any other read.
"""
