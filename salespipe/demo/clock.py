"""Time in the demo data: every date is placed relative to a reference day, the first day of
the current month, so that one seed gives the same data all month long, and the data stays
current (signatures ahead, overdue actions behind) whatever the month it is loaded in."""

import datetime as dt
import random

from django.utils import timezone


def reference_day(today: dt.date) -> dt.date:
    return today.replace(day=1)


def moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """A time of the working day `day`, in the project's time zone."""
    minutes = rng.randrange(8 * 60, 19 * 60)
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive)


def days_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day from `start` to `end`, both included."""
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))
