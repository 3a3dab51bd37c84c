"""*Show more* and the live search's request for cards not drawn (B9, B11-B13, C1).

A column draws its first cards; the next ones come by key after the last card drawn, in the
same sort and with the same filters, until none remain. The live search asks the same way
for the matching cards that aren't drawn yet.
"""

import dataclasses

import pytest
from django.utils import timezone

from salespipe.lib.errors import InvalidInput
from salespipe.lib.months import Month
from salespipe.org.access import OutOfScope
from salespipe.pipeline import selectors
from salespipe.pipeline.models import Opportunity
from salespipe.pipeline.selectors import ByMonth, ByStage, board, calendar
from salespipe.pipeline.selectors.filters import SORT_KEYS, BoardFilters
from salespipe.pipeline.selectors.layouts import MonthSlot
from salespipe.test import World, make_account, make_opportunity
from tests.pipeline.scale import add_cards

SORTS = [sort for key in SORT_KEYS for sort in (key, f"-{key}")]


def ids(cards) -> list[int]:
    return [card.id for card in cards]


@pytest.mark.parametrize("sort", SORTS)
def test_show_more_gives_the_rest_of_each_column_in_its_sort_page_after_page(
    world: World, sort: str
):
    """B9: first cards, then pages of 7, make up the whole column, in order, once each."""
    add_cards(world, 90)
    filters = BoardFilters(sort=sort)
    whole = board(user=world.alice, portfolio_id=world.portfolio_a.pk, filters=filters)
    first = board(
        user=world.alice, portfolio_id=world.portfolio_a.pk, filters=filters, card_limit=5
    )
    for full, column in zip(whole.columns, first.columns, strict=True):
        shown = ids(column.cards)
        remaining = column.remaining
        while remaining:
            more = selectors.more(
                user=world.alice,
                layout=ByStage(world.portfolio_a.pk),
                filters=filters,
                after={column.stage.pk: shown[-1]},
                limit=7,
            )[column.stage.pk]
            assert len(more.cards) == min(7, remaining)
            shown += ids(more.cards)
            remaining = more.remaining
        assert shown == ids(full.cards)
    assert Opportunity.objects.filter(portfolio=world.portfolio_a, status="open").count() == 90


def test_the_search_brings_the_matching_cards_not_drawn_and_only_those(world: World):
    """B11: a match beyond the first cards is found; the ones drawn don't come twice."""
    add_cards(world, 60)
    drawn = board(user=world.alice, portfolio_id=world.portfolio_a.pk, card_limit=3)
    column = drawn.columns[0]
    far = make_opportunity(
        world.portfolio_a,
        account=make_account(world.company_a, "Zanzibar Traders"),
        stage=column.stage,
        name="Far down",
    )
    near = make_opportunity(
        world.portfolio_a,
        account=make_account(world.company_a, "Zanzibar Imports"),
        stage=column.stage,
        name="Near",
        expected_signature_date=timezone.localdate().replace(year=2000),
    )
    drawn = board(user=world.alice, portfolio_id=world.portfolio_a.pk, card_limit=3)
    column = drawn.columns[0]
    assert near.pk in ids(column.cards)
    assert far.pk not in ids(column.cards)
    found = selectors.more(
        user=world.alice,
        layout=ByStage(world.portfolio_a.pk),
        filters=dataclasses.replace(BoardFilters(), search="zanz"),
        after={
            stage.pk: board_column.cards[-1].id
            for stage, board_column in ((c.stage, c) for c in drawn.columns)
        },
        limit=50,
    )
    assert ids(found[column.stage.pk].cards) == [far.pk]
    assert found[column.stage.pk].remaining == 0
    assert all(not more.cards for key, more in found.items() if key != column.stage.pk)


def test_a_gone_anchor_starts_the_column_again(world: World):
    add_cards(world, 20)
    first = board(user=world.alice, portfolio_id=world.portfolio_a.pk, card_limit=2).columns[0]
    anchor = Opportunity.objects.get(pk=first.cards[-1].id)
    anchor.delete()
    more = selectors.more(
        user=world.alice,
        layout=ByStage(world.portfolio_a.pk),
        after={first.stage.pk: anchor.pk},
        limit=3,
    )[first.stage.pk]
    # From the column's first card again: the page skips those it already has.
    assert len(more.cards) == 3
    assert ids(more.cards)[0] == ids(first.cards)[0]
    assert more.remaining == first.totals.count - 1 - 3


def test_more_cards_of_the_calendar_come_by_month(world: World):
    """C1: *No date* and a month, each after its own last card."""
    add_cards(world, 120)
    start = Month.of(timezone.localdate())
    first = calendar(user=world.alice, all_portfolios=True, start=start, months=6, card_limit=2)
    no_date, this_month = first.columns[0], first.columns[1]
    after: dict[MonthSlot, int | None] = {
        None: no_date.cards[-1].id,
        start: this_month.cards[-1].id,
    }
    more = selectors.more(
        user=world.alice, layout=ByMonth(start, 6, all_portfolios=True), after=after, limit=4
    )
    whole = calendar(user=world.alice, all_portfolios=True, start=start, months=6)
    assert ids(more[None].cards) == ids(whole.columns[0].cards)[2:6]
    assert ids(more[start].cards) == ids(whole.columns[1].cards)[2:6]
    assert more[None].remaining == whole.columns[0].totals.count - 6


def test_more_cards_refuse_what_cant_be_read_and_what_isnt_the_users(world: World):
    """P8: a column not shown or a bad limit says why; another company's group shows none."""
    add_cards(world, 10)
    with pytest.raises(InvalidInput):
        selectors.more(
            user=world.alice, layout=ByStage(world.portfolio_a.pk), after={0: None}, limit=5
        )
    with pytest.raises(InvalidInput):
        selectors.more(
            user=world.alice,
            layout=ByStage(world.portfolio_a.pk),
            after={world.qualification.pk: None},
            limit=0,
        )
    with pytest.raises(OutOfScope):
        selectors.more(user=world.alice, layout=ByStage(999999), after={}, limit=5)
    seen = selectors.more(
        user=world.charlie,
        layout=ByStage(world.portfolio_a.pk),
        after={world.qualification.pk: None},
        limit=50,
    )
    assert seen[world.qualification.pk].cards == []
    assert seen[world.qualification.pk].remaining == 0
