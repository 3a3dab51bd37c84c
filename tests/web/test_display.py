"""Display filters: dates read in the user's time zone, currency names and percentages in
the user's language (SPEC B2, B5, S4)."""

import datetime as dt

from django.test import override_settings
from django.utils import translation

from salespipe.org.models import Currency
from salespipe.pipeline.presenters.card_formats import CardFormats
from salespipe.web.templatetags.display import currency_name, percent, short_date


@override_settings(TIME_ZONE="Europe/Paris")
def test_an_action_due_just_after_midnight_in_paris_reads_as_that_day():
    due = dt.datetime(2026, 3, 4, 23, 30, tzinfo=dt.UTC)  # 00:30 on 5 March in Paris
    with translation.override("en"):
        assert short_date(due) == "Mar 5, 2026"
        assert CardFormats().short_date(due) == "Mar 5, 2026"


def test_currency_names_and_percentages_read_in_the_users_language():
    franc = Currency(code="CHF", name="Franc suisse")
    own = Currency(code="BON", name="Bon d'achat")
    with translation.override("en"):
        assert currency_name(franc) == "Swiss Franc"
        assert percent(5) == "5%"
    with translation.override("fr"):
        assert currency_name(franc) == "franc suisse"
        assert percent(5) == "5\xa0%"
    # A code the language doesn't name keeps the name it was configured with.
    assert currency_name(own) == "Bon d'achat"
