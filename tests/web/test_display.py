"""Display filters: dates read in the user's time zone (SPEC B2, S4)."""

import datetime as dt

from django.test import override_settings
from django.utils import translation

from salespipe.pipeline.card_formats import CardFormats
from salespipe.web.templatetags.display import short_date


@override_settings(TIME_ZONE="Europe/Paris")
def test_an_action_due_just_after_midnight_in_paris_reads_as_that_day():
    due = dt.datetime(2026, 3, 4, 23, 30, tzinfo=dt.UTC)  # 00:30 on 5 March in Paris
    with translation.override("en"):
        assert short_date(due) == "Mar 5, 2026"
        assert CardFormats().short_date(due) == "Mar 5, 2026"
