"""A date's month as "YYYY-MM" (as `Month.__str__` writes it), computed by the database.

Django's `TruncMonth` runs, on SQLite, as a Python function called for every row: on a
calendar of 10,000 opportunities that alone cost more than the rest of the totals query.
This key costs what the database's own date functions cost. The project runs on SQLite and
PostgreSQL (DESIGN.md); another database gets a clear error rather than a slow query.
"""

from typing import Any, override

from django.db import NotSupportedError
from django.db.models import CharField, Func


class MonthKey(Func):
    arity = 1
    output_field = CharField()

    @override
    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        raise NotSupportedError(f"MonthKey is not written for {connection.vendor}.")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="strftime('%%%%Y-%%%%m', %(expressions)s)", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')", **extra
        )
