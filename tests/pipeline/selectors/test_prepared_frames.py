"""A page's frame names every input of the reads prepared for it (SPEC B9, B21): in
production, where a read's shape is built once, a board whose currency changed must not be
answered with the SQL of its old currency."""

from decimal import Decimal

import pytest

from salespipe.lib import prepared
from salespipe.org.models import Collaborator, Company, ExchangeRate
from salespipe.pipeline.selectors.changed import changes
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import ByStage
from salespipe.test import World, make_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    # As in production: a shape is built once, then only run.
    settings.PREPARED_READS_CHECK = False
    prepared._SHAPES.clear()
    yield
    prepared._SHAPES.clear()


def _answer(user_pk: int, layout: ByStage, ids: list[int]) -> dict[int, int | None]:
    # Each request reads its user afresh.
    user = Collaborator.objects.get(pk=user_pk)
    found = changes(user=user, layout=layout, filters=BoardFilters(sort="amount"), ids=ids)
    return {item.card.id: item.after for item in found.placed}


def test_a_board_sorted_by_amount_after_its_companys_currency_changed(world: World, production):
    # No rate converts between the currencies, so the rates alone don't tell the two apart.
    ExchangeRate.objects.all().delete()
    usd_big = make_opportunity(world.portfolio_a, amount=Decimal("500"), currency_id="USD")
    make_opportunity(world.portfolio_a, amount=Decimal("100"), currency_id="EUR")
    usd_small = make_opportunity(world.portfolio_a, amount=Decimal("10"), currency_id="USD")
    layout = ByStage(portfolio_id=world.portfolio_a.pk)
    # In euros, the dollar deals have no amount to sort on and come last.
    _answer(world.alice.pk, layout, [usd_big.pk])

    Company.objects.filter(pk=world.company_a.pk).update(currency=world.usd)
    # In dollars: 10, then 500, then the euro deal, which has none.
    assert _answer(world.alice.pk, layout, [usd_big.pk]) == {usd_big.pk: usd_small.pk}


def test_a_group_board_sorted_by_amount_after_a_company_is_renamed(world: World, production):
    # A group's board is in the currency of the user's first company by name.
    ExchangeRate.objects.all().delete()
    world.alice.companies.add(world.company_b)
    gbp_big = make_opportunity(world.portfolio_b, amount=Decimal("500"))
    make_opportunity(world.portfolio_a, amount=Decimal("100"))
    gbp_small = make_opportunity(world.portfolio_b, amount=Decimal("10"))
    layout = ByStage(group_id=world.projects.pk)
    _answer(world.alice.pk, layout, [gbp_big.pk])

    # Company B, in pounds, now comes first.
    Company.objects.filter(pk=world.company_a.pk).update(name="Zeta")
    assert _answer(world.alice.pk, layout, [gbp_big.pk]) == {gbp_big.pk: gbp_small.pk}
