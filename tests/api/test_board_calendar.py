"""The board, the calendar and the won and lost lists through the API (SPEC P6, B1-B10, B19,
C1-C4, P8): columns, cards, counts, totals in the board's currency, summary, weighting."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.org.models import ExchangeRate
from salespipe.pipeline.models import Opportunity, OpportunityStatus
from salespipe.test import World, make_account, make_opportunity
from tests.pipeline.conftest import bulk_opportunities


def _get(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.json()
    return response.json()


def _card_ids(column: dict[str, Any]) -> list[int]:
    return [card["id"] for card in column["cards"]]


@pytest.fixture
def deals(world: World) -> dict[str, Opportunity]:
    """Company A's open deals on portfolio A (EUR, and one in USD), one on A North, one won."""
    other = make_account(world.company_a, "Zinc Atelier")
    deals = {
        "ovens": make_opportunity(
            world.portfolio_a,
            account=world.account_a,
            name="Ovens",
            amount=Decimal("1000.00"),
            days=Decimal("2.00"),
            expected_signature_date=dt.date(2030, 1, 20),
        ),
        "mixers": make_opportunity(
            world.portfolio_a,
            account=other,
            stage=world.negotiation,
            salesperson=world.bob,
            name="Mixers",
            amount=Decimal("100.00"),
            currency_id="USD",
            days=Decimal("5.00"),
        ),
        "north": make_opportunity(
            world.portfolio_a2,
            name="North",
            amount=Decimal("50.00"),
            expected_signature_date=dt.date(2030, 3, 1),
        ),
        "won": make_opportunity(
            world.portfolio_a,
            name="Signed",
            stage=world.signed,
            status=OpportunityStatus.WON,
            signed_on=dt.date(2030, 1, 5),
            amount=Decimal("7.00"),
        ),
    }
    deals["ovens"].tags.set([world.tag_hot])
    return deals


# --- board (B1-B10, P6) -----------------------------------------------------------------------


def test_the_board_shows_open_stages_as_columns_with_cards_counts_and_totals(
    bob_api: Client, world: World, deals: dict[str, Opportunity]
):
    board = _get(bob_api, f"/api/v1/board?portfolio={world.portfolio_a.pk}")
    assert board["scope"] == {
        "label": "Projects A",
        "portfolio": world.portfolio_a.pk,
        "group": None,
        "can_create": True,
    }
    assert (board["currency"], board["weighted"], board["sort"]) == ("EUR", False, "signature")
    # B1: the open stages, in order; the won one is not a column.
    assert [column["stage"] for column in board["columns"]] == [
        world.qualification.pk,
        world.discovery.pk,
        world.proposal.pk,
        world.negotiation.pk,
    ]
    assert [_card_ids(column) for column in board["columns"]] == [
        [deals["ovens"].pk],
        [],
        [],
        [deals["mixers"].pk],
    ]
    # B3, B6: 100 USD is 90 EUR in the totals; the card keeps its own currency.
    assert [column["totals"] for column in board["columns"]] == [
        {"count": 1, "amount": "1000.00", "days": "2.00"},
        {"count": 0, "amount": "0.00", "days": "0.00"},
        {"count": 0, "amount": "0.00", "days": "0.00"},
        {"count": 1, "amount": "90.00", "days": "5.00"},
    ]
    assert board["summary"]["totals"] == {"count": 2, "amount": "1090.00", "days": "7.00"}
    assert [row["totals"]["count"] for row in board["summary"]["by_stage"]] == [1, 0, 0, 1]
    assert board["missing_rates"] == []
    # B2: what a card shows.
    card = board["columns"][0]["cards"][0]
    assert card == {
        "id": deals["ovens"].pk,
        "name": "Ovens",
        "account": world.account_a.pk,
        "account_name": "Boulangerie Dupont",
        "portfolio": world.portfolio_a.pk,
        "stage": world.qualification.pk,
        "amount": "1000.00",
        "days": "2.00",
        "currency": "EUR",
        "expected_signature_date": "2030-01-20",
        "salesperson": world.alice.pk,
        "salesperson_name": "Alice",
        "tags": [world.tag_hot.pk],
        "version": 1,
        "next_action": None,
    }
    assert board["columns"][3]["cards"][0]["currency"] == "USD"


def test_weighted_true_weighs_cards_totals_and_summary(
    bob_api: Client, world: World, deals: dict[str, Opportunity]
):
    # B5: qualification weighs 10 %, negotiation 80 %.
    board = _get(bob_api, f"/api/v1/board?portfolio={world.portfolio_a.pk}&weighted=true")
    assert board["weighted"] is True
    assert board["columns"][0]["cards"][0]["amount"] == "100.00"
    assert board["columns"][3]["cards"][0]["amount"] == "80.00"
    assert board["columns"][3]["totals"] == {"count": 1, "amount": "72.00", "days": "4.00"}
    assert board["summary"]["totals"] == {"count": 2, "amount": "172.00", "days": "4.20"}


def test_a_group_board_shows_every_portfolio_of_the_template_without_create(
    bob_api: Client, world: World, deals: dict[str, Opportunity]
):
    # B7
    board = _get(bob_api, f"/api/v1/board?group={world.projects.pk}")
    assert board["scope"]["group"] == world.projects.pk
    assert board["scope"]["can_create"] is False
    assert sorted(_card_ids(board["columns"][0])) == sorted([deals["ovens"].pk, deals["north"].pk])
    assert board["summary"]["totals"]["count"] == 3


def test_charlie_sees_portfolio_a_board_empty_and_its_totals_at_zero(
    charlie_api: Client, world: World, deals: dict[str, Opportunity]
):
    # B7, P8: every portfolio is listed; only the opportunities of charlie's company show.
    make_opportunity(world.portfolio_b, account=world.account_b, amount=Decimal(3))
    board = _get(charlie_api, f"/api/v1/board?portfolio={world.portfolio_a.pk}")
    assert all(column["cards"] == [] for column in board["columns"])
    assert board["summary"]["totals"] == {"count": 0, "amount": "0.00", "days": "0.00"}
    assert board["scope"]["can_create"] is False
    group = _get(charlie_api, f"/api/v1/board?group={world.projects.pk}")
    assert group["summary"]["totals"]["count"] == 1
    assert all(
        card["id"] not in {o.pk for o in deals.values()}
        for column in group["columns"]
        for card in column["cards"]
    )


def test_the_board_takes_the_filters_and_the_sort(
    bob_api: Client, world: World, deals: dict[str, Opportunity]
):
    # B8-B10
    base = f"/api/v1/board?group={world.projects.pk}"

    def shown(query: str) -> list[int]:
        board = _get(bob_api, f"{base}&{query}")
        return sorted(card["id"] for column in board["columns"] for card in column["cards"])

    assert shown(f"salesperson={world.bob.pk}") == [deals["mixers"].pk]
    assert shown(f"team={world.presales_team.pk}") == [deals["mixers"].pk]
    assert shown(f"tags={world.tag_hot.pk}") == [deals["ovens"].pk]
    assert shown("currency=USD") == [deals["mixers"].pk]
    assert shown("amount_min=60&amount_max=1000") == sorted([deals["mixers"].pk, deals["ovens"].pk])
    assert shown("signature_from=2030-02-01") == [deals["north"].pk]
    assert shown("q=zinc") == [deals["mixers"].pk]
    first = _get(bob_api, f"{base}&sort=-amount")["columns"][0]
    assert _card_ids(first) == [deals["ovens"].pk, deals["north"].pk]
    first = _get(bob_api, f"{base}&sort=amount")["columns"][0]
    assert _card_ids(first) == [deals["north"].pk, deals["ovens"].pk]


def test_the_card_shows_its_next_planned_action(
    bob_api: Client, world: World, deals: dict[str, Opportunity]
):
    # B2, B20
    due = timezone.now() - dt.timedelta(hours=1)
    action = Action.objects.create(
        company=world.company_a,
        opportunity=deals["ovens"],
        kind=ActionKind.CALL,
        subject="Call the baker",
        due_at=due,
        assignee=world.bob,
    )
    board = _get(bob_api, f"/api/v1/board?portfolio={world.portfolio_a.pk}&planned=true")
    cards = [card for column in board["columns"] for card in column["cards"]]
    assert [card["id"] for card in cards] == [deals["ovens"].pk]
    assert cards[0]["next_action"]["id"] == action.pk
    assert cards[0]["next_action"]["subject"] == "Call the baker"
    assert cards[0]["next_action"]["overdue"] is True


def test_the_limit_cuts_the_cards_of_a_column_but_not_its_totals(bob_api: Client, world: World):
    bulk_opportunities(world, 40)
    board = _get(bob_api, f"/api/v1/board?portfolio={world.portfolio_a.pk}&limit=3")
    for column in board["columns"]:
        stored = Opportunity.objects.filter(
            portfolio=world.portfolio_a, stage_id=column["stage"]
        ).count()
        assert column["totals"]["count"] == stored
        assert len(column["cards"]) == min(3, stored)
        assert column["remaining"] == stored - len(column["cards"])
        assert column["limit"] == 3


def test_the_board_costs_the_same_queries_for_10_and_200_opportunities(
    bob_api: Client, world: World
):
    bulk_opportunities(world, 10)
    url = f"/api/v1/board?group={world.projects.pk}&limit=500"
    _get(bob_api, url)  # The token's first use is recorded once; measure what follows.
    with CaptureQueriesContext(connection) as few:
        _get(bob_api, url)
    bulk_opportunities(world, 190)
    with CaptureQueriesContext(connection) as many:
        board = _get(bob_api, url)
    assert board["summary"]["totals"]["count"] == 200
    assert len(many) == len(few)


def test_a_currency_without_a_rate_is_left_out_and_named(
    bob_api: Client, world: World, deals: dict[str, Opportunity]
):
    # B6: never guessed.
    ExchangeRate.objects.filter(source=world.usd).delete()
    board = _get(bob_api, f"/api/v1/board?portfolio={world.portfolio_a.pk}")
    assert board["missing_rates"] == ["USD→EUR"]
    assert board["summary"]["totals"] == {"count": 2, "amount": "1000.00", "days": "7.00"}


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ("", ["query"]),
        ("portfolio=1&group=1", ["query"]),
        ("portfolio=abc", ["query", "portfolio"]),
        ("portfolio=1&weighted=maybe", ["query", "weighted"]),
        ("portfolio=1&sort=probability", ["query", "sort"]),
        ("portfolio=1&limit=501", ["query", "limit"]),
        ("portfolio=1&limit=-1", ["query", "limit"]),
        ("portfolio=1&signature_from=2026-02-30", ["query", "signature_from"]),
        ("portfolio=1&amount_min=-1", ["query", "amount_min"]),
        ("portfolio=1&tags=hot", ["query", "tags", 0]),
        ("portfolio=1&currency=euro", ["query", "currency"]),
    ],
)
def test_bad_board_parameters_answer_422_naming_them(
    bob_api: Client, world: World, query: str, loc: list[Any]
):
    query = query.replace("portfolio=1", f"portfolio={world.portfolio_a.pk}")
    query = query.replace("group=1", f"group={world.projects.pk}")
    response = bob_api.get(f"/api/v1/board?{query}")
    assert response.status_code == 422, response.json()
    assert loc in [error["loc"] for error in response.json()["errors"]]


def test_an_unknown_portfolio_or_group_answers_404(bob_api: Client, world: World):
    for query in ["portfolio=987654321", "group=987654321"]:
        response = bob_api.get(f"/api/v1/board?{query}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


# --- calendar (C1-C4, P6) ---------------------------------------------------------------------


def test_the_calendar_shows_no_date_then_each_month_with_its_cards(
    bob_api: Client, world: World, deals: dict[str, Opportunity]
):
    calendar = _get(
        bob_api, f"/api/v1/calendar?portfolio={world.portfolio_a.pk}&start=2030-01&months=3"
    )
    assert (calendar["start"], calendar["months"], calendar["currency"]) == ("2030-01", 3, "EUR")
    assert [column["month"] for column in calendar["columns"]] == [
        None,
        "2030-01",
        "2030-02",
        "2030-03",
    ]
    assert [_card_ids(column) for column in calendar["columns"]] == [
        [deals["mixers"].pk],
        [deals["ovens"].pk],
        [],
        [],
    ]
    assert calendar["columns"][1]["totals"] == {"count": 1, "amount": "1000.00", "days": "2.00"}
    assert calendar["summary"]["totals"] == {"count": 2, "amount": "1090.00", "days": "7.00"}
    assert [(row["stage"], row["totals"]["count"]) for row in calendar["summary"]["by_stage"]] == [
        (world.qualification.pk, 1),
        (world.discovery.pk, 0),
        (world.proposal.pk, 0),
        (world.negotiation.pk, 1),
    ]


def test_the_calendar_from_this_month_has_overdue_after_no_date(bob_api: Client, world: World):
    """C1, Overdue: the open opportunities expected before this month, and their totals."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    late = make_opportunity(
        world.portfolio_a,
        amount=Decimal("300"),
        days=Decimal("1.5"),
        expected_signature_date=this_month - dt.timedelta(days=20),
    )
    other = make_opportunity(world.portfolio_b, expected_signature_date=dt.date(2001, 1, 1))

    calendar = _get(bob_api, f"/api/v1/calendar?portfolio={world.portfolio_a.pk}&months=2")

    assert [(column["month"], column["overdue"]) for column in calendar["columns"]] == [
        (None, False),
        (None, True),
        (this_month.strftime("%Y-%m"), False),
        ((this_month + dt.timedelta(days=32)).strftime("%Y-%m"), False),
    ]
    overdue = calendar["columns"][1]
    assert _card_ids(overdue) == [late.pk]
    assert other.pk not in _card_ids(overdue)
    assert overdue["totals"] == {"count": 1, "amount": "300.00", "days": "1.50"}
    ahead = _get(
        bob_api,
        f"/api/v1/calendar?portfolio={world.portfolio_a.pk}&months=2&start="
        + (this_month + dt.timedelta(days=32)).strftime("%Y-%m"),
    )
    assert not any(column["overdue"] for column in ahead["columns"])


def test_since_a_day_each_month_of_the_calendar_tells_what_moved_in_and_out(
    bob_api: Client, world: World
):
    """X2 through the API: `since` adds `moved_in` and `moved_out` to each month."""
    from salespipe.pipeline import services

    deal = make_opportunity(
        world.portfolio_a, amount=Decimal("80"), expected_signature_date=dt.date(2030, 1, 10)
    )
    services.opportunity_update(
        user=world.bob,
        opportunity_id=deal.pk,
        version=deal.version,
        values={"expected_signature_date": dt.date(2030, 2, 10)},
    )
    address = f"/api/v1/calendar?portfolio={world.portfolio_a.pk}&start=2030-01&months=2"
    since = (timezone.localdate() - dt.timedelta(days=3)).isoformat()

    moved = _get(bob_api, f"{address}&since={since}")["columns"]
    plain = _get(bob_api, address)["columns"]

    assert [(c["month"], c["moved_in"], c["moved_out"]) for c in moved] == [
        (None, None, None),
        ("2030-01", {"count": 0, "amount": "0.00"}, {"count": 1, "amount": "80.00"}),
        ("2030-02", {"count": 1, "amount": "80.00"}, {"count": 0, "amount": "0.00"}),
    ]
    assert all(c["moved_in"] is None and c["moved_out"] is None for c in plain)


def test_the_calendar_of_all_portfolios_has_no_create_and_starts_this_month(
    bob_api: Client, world: World, deals: dict[str, Opportunity]
):
    # C1, C4
    calendar = _get(bob_api, "/api/v1/calendar?portfolio=all")
    today = timezone.localdate()
    assert calendar["start"] == f"{today.year:04d}-{today.month:02d}"
    assert calendar["months"] == 4
    assert calendar["scope"]["can_create"] is False
    undated = calendar["columns"][0]
    assert undated["month"] is None
    assert _card_ids(undated) == [deals["mixers"].pk]


def test_the_calendar_weighs_on_request_and_charlie_never_sees_company_a(
    bob_api: Client, charlie_api: Client, world: World, deals: dict[str, Opportunity]
):
    weighted = _get(
        bob_api,
        f"/api/v1/calendar?group={world.projects.pk}&start=2030-01&months=3&weighted=true",
    )
    # 1000 x 10 % + 100 USD x 0.90 x 80 % + 50 x 10 %
    assert weighted["summary"]["totals"]["amount"] == "177.00"
    theirs = _get(charlie_api, "/api/v1/calendar?portfolio=all&start=2030-01")
    assert theirs["summary"]["totals"]["count"] == 0
    assert all(column["cards"] == [] for column in theirs["columns"])


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ("portfolio=all&months=0", ["query", "months"]),
        ("portfolio=all&months=25", ["query", "months"]),
        ("portfolio=all&start=2030-13", ["query", "start"]),
        ("portfolio=all&start=2030", ["query", "start"]),
        ("portfolio=all&start=0000-01", ["query", "start"]),
        ("portfolio=every", ["query", "portfolio"]),
        ("portfolio=0", ["query", "portfolio"]),
        ("", ["query"]),
        ("portfolio=all&group=1", ["query"]),
    ],
)
def test_bad_calendar_parameters_answer_422_naming_them(
    bob_api: Client, world: World, query: str, loc: list[Any]
):
    query = query.replace("group=1", f"group={world.projects.pk}")
    response = bob_api.get(f"/api/v1/calendar?{query}")
    assert response.status_code == 422, response.json()
    assert loc in [error["loc"] for error in response.json()["errors"]]


# --- won and lost lists (B19) -----------------------------------------------------------------


def test_the_won_and_lost_lists_hold_the_closed_opportunities_newest_first(
    bob_api: Client, charlie_api: Client, world: World, deals: dict[str, Opportunity]
):
    later = make_opportunity(
        world.portfolio_a,
        name="Signed later",
        stage=world.signed,
        status=OpportunityStatus.WON,
        signed_on=dt.date(2030, 6, 1),
    )
    lost = make_opportunity(
        world.portfolio_a,
        name="Lost",
        status=OpportunityStatus.OUT_OF_TARGET,
        loss_reason=world.reason_out,
        lost_on=dt.date(2030, 2, 2),
    )
    won = _get(bob_api, "/api/v1/won")
    assert (won["outcome"], won["total"]) == ("won", 2)
    assert [row["id"] for row in won["items"]] == [later.pk, deals["won"].pk]
    assert won["items"][0]["signed_on"] == "2030-06-01"
    assert [row["id"] for row in _get(bob_api, "/api/v1/lost")["items"]] == [lost.pk]
    assert _get(bob_api, "/api/v1/won?search=signed l")["total"] == 1
    assert _get(bob_api, f"/api/v1/won?portfolio={world.portfolio_a2.pk}")["total"] == 0
    assert _get(charlie_api, "/api/v1/won") == {
        "outcome": "won",
        "items": [],
        "total": 0,
        "limit": 200,
    }


def test_the_won_list_honours_its_limit(bob_api: Client, world: World):
    for day in range(1, 6):
        make_opportunity(
            world.portfolio_a,
            stage=world.signed,
            status=OpportunityStatus.WON,
            signed_on=dt.date(2030, 1, day),
        )
    won = _get(bob_api, "/api/v1/won?limit=2")
    assert (len(won["items"]), won["total"], won["limit"]) == (2, 5, 2)
    assert bob_api.get("/api/v1/won?limit=0").status_code == 422


def test_a_calendar_running_past_the_last_year_a_date_holds_answers_422(bob_api: Client):
    response = bob_api.get("/api/v1/calendar?portfolio=all&start=9999-11&months=3")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "start"]
    assert bob_api.get("/api/v1/calendar?portfolio=all&start=9999-11&months=2").status_code == 200
