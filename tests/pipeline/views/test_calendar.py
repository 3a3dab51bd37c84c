"""The signature calendar's views (SPEC C1-C5, B4-B8): pages, fragments, drops on months."""

import datetime as dt
import re
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salespipe.lib.months import Month
from salespipe.pipeline.models import HistoryEntry, Opportunity, OpportunityStatus, Portfolio
from salespipe.test import World, make_opportunity
from tests.changes import placed


def this_month() -> Month:
    return Month.of(timezone.localdate())


def query(world: World, **params: str) -> str:
    """The query string of portfolio A's calendar, with `params` after it."""
    return "?" + "&".join(
        [f"portfolio={world.portfolio_a.pk}"] + [f"{k}={v}" for k, v in params.items()]
    )


def calendar_url(world: World, **params: str) -> str:
    return "/calendar/" + query(world, **params)


def shown_months(html: str) -> list[str]:
    """The `data-month` of each column, in page order ("" is *No date*)."""
    return re.findall(r'<div class="column month-column[^"]*"[^>]*data-month="([^"]*)"', html)


def column_of(html: str, opportunity: Opportunity) -> str:
    """The month of the column that holds the opportunity's card."""
    sections = re.split(r'(?=<div class="column month-column)', html)
    for section in sections:
        if f'data-id="{opportunity.pk}"' in section:
            found = re.search(r'data-month="([^"]*)"', section)
            assert found is not None
            return found.group(1)
    raise AssertionError(f"no card for {opportunity.name}")


def schedule(client: Client, world: World, deal: Opportunity, month: str, version=None, **params):
    url = reverse("pipeline:calendar_schedule", args=[deal.pk]) + query(world, **params)
    data = {"month": month, "version": deal.version if version is None else version}
    return client.post(url, data, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")


# -- the page -------------------------------------------------------------------------------


def test_the_calendar_shows_no_date_then_four_months_from_the_current_month(
    world: World, alice_client: Client
):
    """C1: *No date* first, then four months; each open card of every stage in its month."""
    now = this_month()
    undated = make_opportunity(world.portfolio_a, name="Undated deal")
    current = make_opportunity(
        world.portfolio_a,
        name="Signs this month",
        expected_signature_date=now.first_day,
        stage=world.negotiation,
    )
    later = make_opportunity(
        world.portfolio_a,
        name="Signs in month four",
        expected_signature_date=now.shifted(3).last_day,
    )
    too_late = make_opportunity(
        world.portfolio_a,
        name="Signs in month five",
        expected_signature_date=now.shifted(4).first_day,
    )
    make_opportunity(
        world.portfolio_a,
        name="Already won",
        stage=world.signed,
        status=OpportunityStatus.WON,
        signed_on=now.first_day,
        expected_signature_date=now.first_day,
    )

    response = alice_client.get(calendar_url(world), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert shown_months(html) == ["", *(str(now.shifted(i)) for i in range(4))]
    assert column_of(html, undated) == ""
    assert column_of(html, current) == str(now)
    assert column_of(html, later) == str(now.shifted(3))
    assert f'data-id="{too_late.pk}"' not in html
    assert "Already won" not in html
    assert 'data-drop="schedule"' in html
    assert Opportunity.objects.filter(status=OpportunityStatus.OPEN).count() == 4


def test_the_calendar_without_a_scope_opens_the_first_portfolio_in_the_address(
    world: World, alice_client: Client
):
    """C4, B7: like the board, the address names the portfolio shown."""
    response = alice_client.get("/calendar/?start=2031-01")

    assert response.status_code == 302
    assert response["Location"] == f"/calendar/?portfolio={world.licences_a.pk}&start=2031-01"


def test_start_and_months_in_the_address_choose_the_months_and_the_arrows_keep_the_rest(
    world: World, alice_client: Client
):
    """C2: arrows move by one month and *Current month* comes back; filters stay."""
    response = alice_client.get(
        calendar_url(world, start="2031-12", months="3", sort="amount"), HTTP_ACCEPT_LANGUAGE="en"
    )

    html = response.content.decode()
    assert shown_months(html) == ["", "2031-12", "2032-01", "2032-02"]
    base = f"/calendar/?portfolio={world.portfolio_a.pk}&amp;sort=amount"
    assert f'href="{base}&amp;start=2031-11&amp;months=3"' in html
    assert f'href="{base}&amp;start=2032-01&amp;months=3"' in html
    assert f'href="{base}&amp;start={this_month()}&amp;months=3"' in html
    assert "December 2031 to February 2032" in html
    # The header form sends the months shown with its other choices.
    assert 'name="start" value="2031-12" form="board-filters"' in html
    assert 'name="months" value="3" form="board-filters"' in html


def test_the_quick_drop_frames_are_the_month_before_and_three_after(
    world: World, alice_client: Client
):
    """C3: frames on the right for the months not shown next to the window."""
    html = alice_client.get(calendar_url(world, start="2031-11", months="4")).content.decode()

    frames = re.findall(
        r'<div class="month-frame[^"]*" data-drop="schedule" data-month="([^"]+)"', html
    )
    assert frames == ["2031-10", "2032-03", "2032-04", "2032-05"]


def test_unreadable_start_or_months_are_named_and_the_current_month_is_shown(
    world: World, alice_client: Client
):
    """C1, C2: a bad start or months is named; the calendar still shows, from this month."""
    html = alice_client.get(
        calendar_url(world, start="2031-13", months="99"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    now = this_month()
    assert shown_months(html) == ["", *(str(now.shifted(i)) for i in range(4))]
    assert "could not be read and were ignored" in html
    assert "start (A month written YYYY-MM is expected.)" in html
    assert "months (Between 1 and 36 months.)" in html


def test_months_beyond_the_year_9999_are_refused_without_an_error_page(
    world: World, alice_client: Client
):
    """C2, C3: the months shown and their frames must be real dates."""
    response = alice_client.get(calendar_url(world, start="9999-11"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert shown_months(response.content.decode())[1] == str(this_month())
    assert "between the years 1 and 9999" in response.content.decode()


def test_an_htmx_request_gets_only_the_calendar_body_and_a_plain_address(
    world: World, alice_client: Client
):
    """C4: the header form's *All portfolios* comes back as `all=1`, months kept."""
    response = alice_client.get(
        f"/calendar/?scope=all&seller=team:{world.sales_team.pk}&start=2031-02&months=4",
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert response["X-Fragment"] == "calendar"
    assert response["HX-Push-Url"] == (
        f"/calendar/?all=1&team={world.sales_team.pk}&start=2031-02&months=4"
    )
    assert "HX-Request" in response["Vary"]


def test_all_portfolios_shows_every_portfolio_of_the_users_companies_and_no_create_button(
    world: World, alice_client: Client
):
    """C4: *All portfolios* gathers what the user may see; opportunities aren't created there."""
    day = this_month().first_day
    projects = make_opportunity(
        world.portfolio_a, name="Projects deal", expected_signature_date=day
    )
    licence = make_opportunity(world.licences_a, name="Licence deal", expected_signature_date=day)
    other_company = make_opportunity(
        world.portfolio_b, name="Deal of B", expected_signature_date=day
    )

    response = alice_client.get("/calendar/?all=1", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert column_of(html, projects) == str(this_month())
    assert column_of(html, licence) == str(this_month())
    assert f'data-id="{other_company.pk}"' not in html
    assert "create-button" not in html
    assert '<option value="all" selected>All portfolios</option>' in html
    # The summary names each stage's template, as stages of several templates are mixed.
    assert 'Lead <span class="muted">· Licences</span>' in html
    assert Opportunity.objects.count() == 3


def test_a_group_has_no_create_button_and_a_portfolio_has_one(world: World, alice_client: Client):
    """C4, B7: creating needs one portfolio of the user's companies."""
    group = alice_client.get(f"/calendar/?group={world.projects.pk}").content.decode()
    single = alice_client.get(calendar_url(world)).content.decode()

    assert "create-button" not in group
    create = reverse("pipeline:opportunity_create")
    assert f'href="{create}?portfolio={world.portfolio_a.pk}"' in single


def test_the_salesperson_filter_and_sort_apply_to_the_calendar(world: World, alice_client: Client):
    """C4, B8, B9: the board's filters and sort, on the calendar."""
    day = this_month().first_day
    small = make_opportunity(
        world.portfolio_a, salesperson=world.bob, amount=100, expected_signature_date=day
    )
    large = make_opportunity(
        world.portfolio_a, salesperson=world.bob, amount=900, expected_signature_date=day
    )
    alices = make_opportunity(
        world.portfolio_a, salesperson=world.alice, expected_signature_date=day
    )

    html = alice_client.get(
        calendar_url(world, team=str(world.presales_team.pk), sort="-amount")
    ).content.decode()

    assert f'data-id="{alices.pk}"' not in html
    assert html.index(f'data-id="{large.pk}"') < html.index(f'data-id="{small.pk}"')


def test_the_summary_counts_per_stage_what_the_calendar_shows(world: World, alice_client: Client):
    """B4 on the calendar: overall and per stage, of the cards shown only."""
    day = this_month().first_day
    make_opportunity(
        world.portfolio_a, stage=world.discovery, amount=1000, expected_signature_date=day
    )
    make_opportunity(world.portfolio_a, stage=world.discovery, amount=500)
    make_opportunity(
        world.portfolio_a,
        stage=world.negotiation,
        amount=7000,
        expected_signature_date=this_month().shifted(6).first_day,
    )

    html = alice_client.get(calendar_url(world), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    summary = html[html.index('class="summary"') :]
    assert re.search(
        rf'data-summary-stage="{world.discovery.pk}">\s*<th scope="row">Discovery</th>\s*'
        r'<td data-total="count">2</td>\s*<td data-total="amount">€1,500.00</td>',
        summary,
    )
    assert re.search(
        rf'data-summary-stage="{world.negotiation.pk}">\s*<th scope="row">Negotiation</th>\s*'
        r'<td data-total="count">0</td>',
        summary,
    )


def test_the_weighted_switch_redraws_the_calendar_weighted_and_is_remembered(
    world: World, alice_client: Client
):
    """B5 on the calendar: 30 % of 10,000 in discovery; the months shown are kept."""
    make_opportunity(
        world.portfolio_a,
        stage=world.discovery,
        amount=10000,
        expected_signature_date=dt.date(2031, 5, 10),
    )

    response = alice_client.post(
        reverse("pipeline:calendar_weighted"),
        {"weighted": "on", "scope": f"portfolio:{world.portfolio_a.pk}", "start": "2031-04"},
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert shown_months(html)[1] == "2031-04"
    assert '<span class="amount" data-total="amount">€3,000.00</span>' in html
    world.alice.refresh_from_db()
    assert world.alice.show_weighted is True


def test_the_board_and_the_calendar_link_to_each_other(world: World, alice_client: Client):
    """C4: the view switch keeps the portfolio and the filters."""
    board = alice_client.get(f"/board/?portfolio={world.portfolio_a.pk}&sort=amount")
    calendar = alice_client.get(calendar_url(world, sort="amount", start="2031-01"))

    assert f'href="/calendar/?portfolio={world.portfolio_a.pk}&amp;sort=amount"' in (
        board.content.decode()
    )
    assert f'href="/board/?portfolio={world.portfolio_a.pk}&amp;sort=amount"' in (
        calendar.content.decode()
    )


def test_charlie_sees_the_calendar_of_company_a_portfolio_but_none_of_its_opportunities(
    world: World, charlie_client: Client
):
    """B7, C4: every portfolio may be chosen; only the companies in scope are shown."""
    make_opportunity(world.portfolio_a, name="Secret of A")

    response = charlie_client.get(calendar_url(world))

    assert response.status_code == 200
    assert "Secret of A" not in response.content.decode()


def test_an_unknown_portfolio_answers_404(world: World, alice_client: Client):
    """P8: an unknown portfolio is not found, as on the board."""
    assert alice_client.get("/calendar/?portfolio=999999").status_code == 404


# -- drops on months (C3) -------------------------------------------------------------------


def test_dropping_on_a_month_sets_the_last_day_of_that_month(world: World, alice_client: Client):
    """C3: February of a leap year ends on the 29th; the card is drawn in its new month."""
    deal = make_opportunity(world.portfolio_a, name="Leap deal", amount=100)

    response = schedule(alice_client, world, deal, "2032-02", start="2032-01")

    assert response.status_code == 200
    assert response["X-Fragment"] == "changes"
    assert placed(response.content.decode())[deal.pk].column == "2032-02"
    assert "Leap deal is now expected in February 2032." in response.content.decode()
    fresh = Opportunity.objects.get(pk=deal.pk)
    assert fresh.expected_signature_date == dt.date(2032, 2, 29)
    assert fresh.version == deal.version + 1
    assert HistoryEntry.objects.filter(
        opportunity_ref=deal.pk, field="expected_signature_date", new_value="2032-02-29"
    ).exists()


def test_dropping_on_no_date_clears_the_date(world: World, alice_client: Client):
    """C1, C3: *No date* takes cards too, when no stage entered made the date mandatory."""
    deal = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2031, 3, 31))

    response = schedule(alice_client, world, deal, "", start="2031-03")

    assert response.status_code == 200
    assert placed(response.content.decode())[deal.pk].column == "none"
    fresh = Opportunity.objects.get(pk=deal.pk)
    assert fresh.expected_signature_date is None
    assert fresh.version == deal.version + 1


def test_no_date_is_refused_when_a_stage_made_the_date_mandatory_and_the_user_is_told_why(
    world: World, alice_client: Client
):
    """C3, B14: the proposal stage made the date mandatory; it is kept, and 422 says why."""
    deal = make_opportunity(
        world.portfolio_a,
        name="Proposal deal",
        stage=world.proposal,
        contact=world.contact_a,
        expected_signature_date=dt.date(2031, 3, 31),
    )

    response = schedule(alice_client, world, deal, "", start="2031-03")

    assert response.status_code == 422
    html = response.content.decode()
    assert "Proposal deal keeps its expected signature date" in html
    assert "mandatory from the stage Proposal on" in html
    assert placed(html)[deal.pk].column == "2031-03"
    fresh = Opportunity.objects.get(pk=deal.pk)
    assert fresh.expected_signature_date == dt.date(2031, 3, 31)
    assert fresh.version == deal.version


def test_a_stale_version_is_refused_with_409_and_nothing_changes(
    world: World, alice_client: Client
):
    """P7: someone changed the card since it was drawn; the calendar shows it as it is."""
    deal = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2031, 3, 31))

    response = schedule(alice_client, world, deal, "2031-05", version=deal.version + 3)

    assert response.status_code == 409
    assert "data-board-message" in response.content.decode()
    assert Opportunity.objects.get(pk=deal.pk).expected_signature_date == dt.date(2031, 3, 31)


def test_a_stale_or_closed_card_dropped_on_a_bad_month_is_told_so_first(
    world: World, alice_client: Client
):
    """C3, P7: as the drop would, what refuses the card itself comes before the month."""
    deal = make_opportunity(world.portfolio_a, version=3)
    lost = make_opportunity(
        world.portfolio_a,
        status=OpportunityStatus.LOST,
        loss_reason=world.reason_lost,
        lost_on=dt.date(2031, 1, 5),
    )

    stale = schedule(alice_client, world, deal, "2031-13", version=1)
    closed = schedule(alice_client, world, lost, "2031-13")

    assert stale.status_code == 409
    assert "changed by someone else" in stale.content.decode()
    assert closed.status_code == 409
    assert "is closed" in closed.content.decode()


def test_a_bad_month_or_no_version_answers_422_and_nothing_changes(
    world: World, alice_client: Client
):
    """C3, P7: what can't be read is refused with the reason."""
    deal = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2031, 3, 31))

    bad_month = schedule(alice_client, world, deal, "2031-13")
    no_version = schedule(alice_client, world, deal, "2031-05", version="")

    assert bad_month.status_code == 422
    assert "A month written YYYY-MM is expected." in bad_month.content.decode()
    assert no_version.status_code == 422
    assert "The version last read is required." in no_version.content.decode()
    fresh = Opportunity.objects.get(pk=deal.pk)
    assert (fresh.expected_signature_date, fresh.version) == (dt.date(2031, 3, 31), deal.version)


def test_a_won_opportunity_is_not_rescheduled(world: World, alice_client: Client):
    """C3: only open opportunities are on the calendar and move on it."""
    deal = make_opportunity(
        world.portfolio_a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        signed_on=dt.date(2031, 1, 5),
        expected_signature_date=dt.date(2031, 1, 31),
    )

    response = schedule(alice_client, world, deal, "2031-05")

    assert response.status_code == 409
    assert Opportunity.objects.get(pk=deal.pk).expected_signature_date == dt.date(2031, 1, 31)


def test_a_card_sent_outside_the_months_shown_is_announced(world: World, alice_client: Client):
    """C3: a drop on a frame takes the card off the window; the user is told where it went."""
    deal = make_opportunity(world.portfolio_a, name="Far deal")

    response = schedule(alice_client, world, deal, "2031-07", start="2031-02", months="4")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Far deal is now expected in July 2031, outside the months shown." in html
    assert f'data-id="{deal.pk}"' not in html
    assert Opportunity.objects.get(pk=deal.pk).expected_signature_date == dt.date(2031, 7, 31)


def test_charlie_gets_404_when_scheduling_an_opportunity_of_company_a(
    world: World, charlie_client: Client
):
    """P8: an opportunity of another company is as if it did not exist."""
    deal = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2031, 3, 31))

    response = schedule(charlie_client, world, deal, "2031-05")

    assert response.status_code == 404
    fresh = Opportunity.objects.get(pk=deal.pk)
    assert (fresh.expected_signature_date, fresh.version) == (dt.date(2031, 3, 31), deal.version)


def test_amounts_in_several_currencies_are_converted_in_month_totals(
    world: World, alice_client: Client
):
    """B6 on the calendar: 1 USD = 0.90 EUR in the test world."""
    day = dt.date(2031, 4, 2)
    make_opportunity(
        world.portfolio_a, amount=Decimal(100), currency_id="USD", expected_signature_date=day
    )
    make_opportunity(world.portfolio_a, amount=Decimal(10), expected_signature_date=day)

    html = alice_client.get(
        calendar_url(world, start="2031-04"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert '<span class="amount" data-total="amount">€100.00</span>' in html


def test_without_any_portfolio_the_calendar_says_so_instead_of_failing(
    world: World, alice_client: Client
):
    """C4: with nothing configured yet, the page says an administrator creates portfolios."""
    Portfolio.objects.all().delete()

    page = alice_client.get("/calendar/", HTTP_ACCEPT_LANGUAGE="en")
    fragment = alice_client.get("/calendar/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == fragment.status_code == 200
    assert "No portfolio yet" in page.content.decode()
    assert "No portfolio yet" in fragment.content.decode()


def test_the_french_title_capitalises_only_the_first_month(world: World, alice_client: Client):
    """A month inside a sentence is lower case in French: "Décembre 2026 à mars 2027"."""
    world.alice.language = "fr"
    world.alice.save(update_fields=["language"])
    html = alice_client.get(calendar_url(world, start="2026-12", months="4")).content.decode()
    assert '<h2 class="month-range">Décembre 2026 à mars 2027</h2>' in html


# -- Overdue (C1) ---------------------------------------------------------------------------


def _overdue_section(html: str) -> str:
    found = re.search(r'<div class="column month-column overdue-column".*?</ol>', html, re.S)
    assert found is not None, "no Overdue column"
    return found.group(0)


def test_overdue_sits_between_no_date_and_this_month_in_french_and_english(
    world: World, alice_client: Client
):
    """C1, Overdue: past signatures still open are shown, and no drop is taken there."""
    late = make_opportunity(
        world.portfolio_a,
        name="Slipped deal",
        amount=Decimal("1200"),
        expected_signature_date=this_month().first_day - dt.timedelta(days=40),
    )

    english = alice_client.get(calendar_url(world), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = alice_client.get(calendar_url(world), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    column = _overdue_section(english)
    assert 'data-column-key="overdue"' in column
    assert 'data-drop="refuse"' in column
    assert "data-month=" not in column
    assert ">Overdue</h2>" in column
    assert f'data-id="{late.pk}"' in column
    assert re.search(r'id="totals-overdue" data-totals data-server-count="1"', column)
    assert "A card can&#x27;t be dropped on Overdue: a date in the past" in column
    # After *No date*, before this month's column.
    assert english.index('data-column-key="none"') < english.index('data-column-key="overdue"')
    assert english.index('data-column-key="overdue"') < english.index(
        f'data-column-key="{this_month()}"'
    )
    assert ">En retard</h2>" in _overdue_section(french)
    assert "Aucune carte ne se dépose dans En retard" in french


def test_a_calendar_of_months_to_come_has_no_overdue_column(world: World, alice_client: Client):
    make_opportunity(
        world.portfolio_a, expected_signature_date=this_month().first_day - dt.timedelta(days=1)
    )
    html = alice_client.get(calendar_url(world, start=str(this_month().shifted(1)))).content
    assert b"overdue-column" not in html


def test_no_quick_drop_frame_offers_a_month_already_over(world: World, alice_client: Client):
    """C1, Overdue: from this month, the frame before it would set a date in the past."""
    html = alice_client.get(calendar_url(world)).content.decode()
    frames = re.findall(
        r'<div class="month-frame[^"]*" data-drop="schedule" data-month="([^"]+)"', html
    )
    assert frames == [str(this_month().shifted(i)) for i in (4, 5, 6)]


def test_scheduling_into_a_month_already_over_is_refused_and_nothing_changes(
    world: World, alice_client: Client
):
    """C1, Overdue: a date in the past is typed on the sheet, never set by a drop; this month is
    still open to a drop."""
    deal = make_opportunity(
        world.portfolio_a, expected_signature_date=this_month().shifted(2).first_day
    )

    refused = schedule(alice_client, world, deal, str(this_month().shifted(-1)))

    assert refused.status_code == 422
    assert "That month is over" in refused.content.decode()
    fresh = Opportunity.objects.get(pk=deal.pk)
    assert (fresh.expected_signature_date, fresh.version) == (
        this_month().shifted(2).first_day,
        deal.version,
    )
    assert schedule(alice_client, world, deal, str(this_month())).status_code == 200
    assert Opportunity.objects.get(pk=deal.pk).expected_signature_date == this_month().last_day


def test_a_date_set_in_the_past_on_the_sheet_takes_the_card_to_overdue(
    world: World, alice_client: Client
):
    """B21 with C1's Overdue: the answer a calendar gets puts the card in *Overdue*."""
    from salespipe.pipeline import services

    deal = make_opportunity(
        world.portfolio_a, expected_signature_date=this_month().shifted(1).first_day
    )
    services.opportunity_update(
        user=world.alice,
        opportunity_id=deal.pk,
        version=deal.version,
        values={"expected_signature_date": this_month().first_day - dt.timedelta(days=3)},
    )

    answer = alice_client.get(
        reverse("pipeline:changes") + query(world, view="calendar") + f"&ids={deal.pk}",
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 200
    assert placed(answer.content.decode())[deal.pk].column == "overdue"


def test_show_more_of_overdue_gives_its_next_cards(world: World, alice_client: Client):
    first_day = this_month().first_day
    deals = [
        make_opportunity(
            world.portfolio_a,
            name=f"Late {n:02d}",
            expected_signature_date=first_day - dt.timedelta(days=60 - n),
        )
        for n in range(3)
    ]
    url = reverse("pipeline:calendar_more") + query(world, column="overdue", after=str(deals[0].pk))

    html = alice_client.get(url).content.decode()

    assert [int(pk) for pk in re.findall(r'data-card[^>]*data-id="(\d+)"', html)] == [
        deals[1].pk,
        deals[2].pk,
    ]


def test_a_month_already_over_takes_no_drop_on_a_calendar_started_earlier(
    world: World, alice_client: Client
):
    """C1, Overdue: the server refuses it (see above), so the page doesn't offer it."""
    html = alice_client.get(
        calendar_url(world, start=str(this_month().shifted(-2)), months="4")
    ).content.decode()

    past = str(this_month().shifted(-1))
    column = re.search(
        rf'<div class="column month-column"[^>]*data-column-key="{past}"[^>]*>', html
    )
    assert column is not None
    assert 'data-drop="refuse"' in column.group(0)
    assert "That month is over" in column.group(0)
    current = re.search(
        rf'<div class="column month-column"[^>]*data-column-key="{this_month()}"[^>]*>', html
    )
    assert current is not None
    assert 'data-drop="schedule"' in current.group(0)


def test_the_calendar_tells_each_month_what_moved_in_and_out_since_the_day_asked(
    world: World, alice_client: Client
):
    """X2 on the page: a date in the header; each month's line under its totals."""
    from salespipe.pipeline import services

    start = this_month().shifted(1)
    deal = make_opportunity(
        world.portfolio_a, amount=Decimal("250"), expected_signature_date=start.first_day
    )
    services.opportunity_update(
        user=world.alice,
        opportunity_id=deal.pk,
        version=deal.version,
        values={"expected_signature_date": start.shifted(1).first_day},
    )
    since = timezone.localdate() - dt.timedelta(days=7)

    html = alice_client.get(
        calendar_url(world, start=str(start), months="2", since=since.isoformat()),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    plain = alice_client.get(calendar_url(world, start=str(start), months="2")).content.decode()
    bad = alice_client.get(
        calendar_url(world, start=str(start), since="last week"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    lines = re.findall(r'<p class="column-moves">([^<]*)</p>', html)
    assert len(lines) == 2
    assert lines[0].endswith(": 0 in (€0.00), 1 out (€250.00)")
    assert lines[1].endswith(": 1 in (€250.00), 0 out (€0.00)")
    assert f'id="moves-since" name="since" value="{since.isoformat()}"' in html
    assert "column-moves" not in plain
    assert "since (A date written YYYY-MM-DD is expected.)" in bad
