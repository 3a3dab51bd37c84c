"""The board's views (SPEC B1-B20): pages, fragments and every transition's answers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.pipeline.models import Opportunity, OpportunityStatus, Quote
from salespipe.test import World, make_account, make_contact, make_opportunity
from tests.changes import column_totals, gone, placed


def board_url(world: World) -> str:
    return f"/board/?portfolio={world.portfolio_a.pk}"


def post(client: Client, path: str, data: dict, world: World, **extra):
    return client.post(f"{path}?portfolio={world.portfolio_a.pk}", data, **extra)


# -- the board ----------------------------------------------------------------------------


def test_the_board_shows_open_stages_as_columns_and_open_opportunities_as_cards(
    world: World, alice_client: Client
):
    """B1, B2, B3: columns in order; a card shows call name, account, amount, salesperson."""
    deal = make_opportunity(
        world.portfolio_a,
        account=world.account_a,
        stage=world.discovery,
        name="Bakery ovens",
        amount=Decimal("12500"),
        days=Decimal("4.5"),
        expected_signature_date=dt.date(2031, 3, 31),
    )
    deal.tags.add(world.tag_hot)
    make_opportunity(
        world.portfolio_a,
        name="Already won",
        status=OpportunityStatus.WON,
        stage=world.signed,
        signed_on=dt.date(2030, 1, 1),
    )

    response = alice_client.get(board_url(world), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    titles = [world.qualification.name, world.discovery.name, world.proposal.name]
    positions = [html.index(f'data-stage-name="{title}"') for title in titles]
    assert positions == sorted(positions)
    assert f'data-id="{deal.pk}"' in html
    assert "Bakery ovens" in html
    assert "Boulangerie Dupont" in html
    assert "€12,500.00" in html
    assert "4.5 d" in html
    assert f'class="tag tag-{world.tag_hot.pk}"' in html
    assert "Already won" not in html
    assert Opportunity.objects.filter(status=OpportunityStatus.OPEN).count() == 1


def test_an_htmx_request_gets_only_the_board_body_and_a_plain_address(
    world: World, alice_client: Client
):
    """B7, B8: the header form's compound choices come back as the plain address."""
    make_opportunity(world.portfolio_a, salesperson=world.bob, name="Deal of Bob")
    make_opportunity(world.portfolio_a, salesperson=world.alice, name="Deal of Alice")

    response = alice_client.get(
        f"/board/?scope=portfolio:{world.portfolio_a.pk}&seller=team:{world.presales_team.pk}",
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Deal of Bob" in html
    assert "Deal of Alice" not in html
    assert response["HX-Push-Url"] == (
        f"/board/?portfolio={world.portfolio_a.pk}&team={world.presales_team.pk}"
    )
    assert response["X-Fragment"] == "board"


def test_a_group_board_shows_every_portfolio_of_the_template_and_no_create_button(
    world: World, alice_client: Client
):
    """B7: a group's board gathers its portfolios; opportunities are not created there."""
    make_opportunity(world.portfolio_a, name="From A")
    make_opportunity(world.portfolio_a2, name="From A North")
    make_opportunity(world.portfolio_b, name="From B")

    response = alice_client.get(f"/board/?group={world.projects.pk}")

    html = response.content.decode()
    assert "From A" in html
    assert "From A North" in html
    assert "From B" not in html
    assert "create-button" not in html


def test_charlie_sees_company_as_portfolio_but_none_of_its_opportunities(
    world: World, charlie_client: Client
):
    """B7: every portfolio is listed; only the companies in scope are shown."""
    make_opportunity(world.portfolio_a, name="Secret of A")

    response = charlie_client.get(board_url(world))

    assert response.status_code == 200
    assert "Secret of A" not in response.content.decode()
    assert Opportunity.objects.filter(name="Secret of A").exists()


def test_the_board_without_a_portfolio_opens_the_users_first_portfolio(
    world: World, alice_client: Client
):
    make_opportunity(world.licences_a, name="A licence")

    response = alice_client.get("/board/", follow=True)

    assert response.redirect_chain == [(f"/board/?portfolio={world.licences_a.pk}", 302)]
    assert "A licence" in response.content.decode()


def test_a_change_posted_without_the_board_address_answers_for_the_default_board(
    world: World, alice_client: Client
):
    """B21: the card leaves, and the totals are those of the board shown by default."""
    deal = make_opportunity(world.licences_a, amount=Decimal("100"))
    make_opportunity(world.licences_a, name="Still here")

    response = alice_client.post(
        f"/board/opportunities/{deal.pk}/lose/",
        {"version": 1, "dialog": "1", "reason": world.reason_lost.pk, "lost_on": "2031-01-01"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert gone(html) == {deal.pk}
    assert column_totals(html) == {
        str(stage.pk): int(stage == world.licence_lead)
        for stage in world.licences_a.template.stages.filter(status="open")
    }
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.LOST


def test_the_weighted_switch_is_saved_for_the_user_and_weights_the_totals(
    world: World, alice_client: Client
):
    """B5: weighted amounts and days on cards, columns and summary; remembered."""
    make_opportunity(world.portfolio_a, stage=world.discovery, amount=Decimal("10000"))

    response = alice_client.post(
        "/board/weighted/",
        {"weighted": "on", "scope": f"portfolio:{world.portfolio_a.pk}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "€3,000.00" in response.content.decode()
    assert "€10,000.00" not in response.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.show_weighted is True

    alice_client.post("/board/weighted/", {"scope": f"portfolio:{world.portfolio_a.pk}"})
    world.alice.refresh_from_db()
    assert world.alice.show_weighted is False


def test_tag_colours_come_as_a_stylesheet_and_an_unsafe_colour_is_left_out(
    world: World, alice_client: Client
):
    from salespipe.pipeline.models import Tag

    bad = Tag.objects.create(name="Injected", color="red;}a{")
    newline = Tag.objects.create(name="Trailing", color="#abc\n")

    response = alice_client.get("/board/tags.css")

    css = response.content.decode()
    assert response["Content-Type"].startswith("text/css")
    # Red text on its own tint reads at 3.89:1: the text is darkened, and lightened in the
    # dark theme, until it reads at 4.5:1 (WCAG 1.4.3).
    hot = f".tag-{world.tag_hot.pk}{{--tag:#dc2626;--tag-ink:#b62729;--tag-ink-dark:#e07e80}}"
    assert hot in css
    assert f".tag-{bad.pk}" not in css
    assert f".tag-{newline.pk}" not in css


# -- moves (B14) --------------------------------------------------------------------------


def move(client: Client, world: World, deal: Opportunity, stage_id: int, **values):
    data = {"version": deal.version, "stage": stage_id, **values}
    return post(
        client, f"/board/opportunities/{deal.pk}/move/", data, world, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_a_move_that_needs_no_field_answers_with_the_card_in_its_new_column_and_the_totals(
    world: World, alice_client: Client
):
    deal = make_opportunity(world.portfolio_a, amount=Decimal("100"))

    response = move(alice_client, world, deal, world.discovery.pk)

    assert response.status_code == 200
    assert response["X-Fragment"] == "changes"
    html = response.content.decode()
    assert placed(html)[deal.pk].column == str(world.discovery.pk)
    assert 'data-version="2"' in placed(html)[deal.pk].html
    assert column_totals(html)[str(world.discovery.pk)] == 1
    assert column_totals(html)[str(world.qualification.pk)] == 0
    assert 'id="board-summary"' in html
    # Said to screen readers: the success, not only the errors.
    assert f"{deal.name} moved to Discovery." in html
    deal.refresh_from_db()
    assert deal.stage_id == world.discovery.pk
    assert deal.version == 2


def test_moving_two_stages_forward_asks_for_both_stages_fields_in_order(
    world: World, alice_client: Client
):
    """B14: one step per stage entered, in order, each naming its stage; nothing changed."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a)

    response = move(alice_client, world, deal, world.proposal.pk)

    assert response.status_code == 422
    assert response["X-Fragment"] == "dialog"
    html = response.content.decode()
    assert html.index("Stage Discovery") < html.index("Stage Proposal")
    assert 'name="amount"' in html
    assert 'name="expected_signature_date"' in html
    assert "Marie Dupont" in html
    assert "This field is required" not in html
    deal.refresh_from_db()
    assert deal.stage_id == world.qualification.pk
    assert deal.version == 1


def test_moving_with_the_values_of_every_stage_saves_them_with_the_move(
    world: World, alice_client: Client
):
    deal = make_opportunity(world.portfolio_a, account=world.account_a)

    response = move(
        alice_client,
        world,
        deal,
        world.proposal.pk,
        amount="1 500,50",
        expected_signature_date="2031-06-30",
        contact=str(world.contact_a.pk),
        dialog="1",
    )

    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage_id == world.proposal.pk
    assert deal.amount == Decimal("1500.50")
    assert deal.contact_id == world.contact_a.pk


def test_a_bad_value_comes_back_in_the_dialog_next_to_its_field_on_its_step(
    world: World, alice_client: Client
):
    deal = make_opportunity(world.portfolio_a, account=world.account_a)

    response = move(
        alice_client,
        world,
        deal,
        world.proposal.pk,
        amount="-5",
        expected_signature_date="2031-06-30",
        contact=str(world.contact_a.pk),
        dialog="1",
    )

    assert response.status_code == 422
    html = response.content.decode()
    current = html.index("data-current")
    assert html.index(f'data-step="stage-{world.discovery.pk}"') < current
    assert current < html.index(f'data-step="stage-{world.proposal.pk}"')
    assert 'id="dlg-amount-error"' in html
    assert 'value="2031-06-30"' in html
    deal.refresh_from_db()
    assert deal.stage_id == world.qualification.pk
    assert deal.amount is None


def test_a_stale_version_shows_the_card_where_it_really_is_with_the_reason(
    world: World, alice_client: Client
):
    """P7: someone moved the card meanwhile; the board shows where it really is."""
    deal = make_opportunity(world.portfolio_a, amount=Decimal("100"))
    Opportunity.objects.filter(pk=deal.pk).update(version=2, stage=world.negotiation)

    response = move(alice_client, world, deal, world.discovery.pk)

    assert response.status_code == 409
    assert response["X-Fragment"] == "changes"
    html = response.content.decode()
    assert "data-board-message" in html
    assert "changed by someone else" in html
    assert placed(html)[deal.pk].column == str(world.negotiation.pk)
    deal.refresh_from_db()
    assert deal.stage_id == world.negotiation.pk
    assert deal.version == 2


def test_moving_to_a_stage_of_another_template_is_refused(world: World, alice_client: Client):
    deal = make_opportunity(world.portfolio_a, amount=Decimal("100"))

    response = move(alice_client, world, deal, world.licence_lead.pk)

    assert response.status_code == 409
    deal.refresh_from_db()
    assert deal.stage_id == world.qualification.pk


def test_moving_on_a_group_board_keeps_the_portfolio(world: World, alice_client: Client):
    """B7: cards move between stages on a group's board; their portfolio stays."""
    deal = make_opportunity(world.portfolio_a2, amount=Decimal("100"))

    response = alice_client.post(
        f"/board/opportunities/{deal.pk}/move/?group={world.projects.pk}",
        {"version": 1, "stage": world.discovery.pk},
    )

    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage_id == world.discovery.pk
    assert deal.portfolio_id == world.portfolio_a2.pk


# -- won, lost, delete (B16-B18) ----------------------------------------------------------


def test_dropping_on_won_asks_for_the_stages_not_passed_then_the_won_step(
    world: World, alice_client: Client
):
    """B16: stage steps first, then New stage among the won stages and Signed on."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a)

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/win/",
        {"version": 1},
        world,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert (
        html.index("Stage Discovery") < html.index("Stage Proposal") < html.index('data-step="won"')
    )
    assert world.signed.name in html
    assert f'data-when-stage="{world.signed_partner.pk}"' in html
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.OPEN


def test_winning_with_every_value_marks_the_opportunity_won(world: World, alice_client: Client):
    deal = make_opportunity(world.portfolio_a, account=world.account_a)

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/win/",
        {
            "version": 1,
            "dialog": "1",
            "amount": "900",
            "expected_signature_date": "2031-01-31",
            "contact": world.contact_a.pk,
            "stage": world.signed_partner.pk,
            "days": "3",
            "signed_on": "2031-01-20",
        },
        world,
    )

    assert response.status_code == 200
    assert f'data-id="{deal.pk}"' not in response.content.decode()
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.WON
    assert deal.stage_id == world.signed_partner.pk
    assert deal.days == Decimal("3")


def test_winning_without_a_won_stage_shows_the_won_step_with_the_error(
    world: World, alice_client: Client
):
    deal = make_opportunity(world.portfolio_a, stage=world.negotiation)

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/win/",
        {"version": 1, "dialog": "1", "signed_on": "2031-01-20"},
        world,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-step="won" data-current' in html
    assert 'id="dlg-stage-error"' in html
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.OPEN


def test_a_win_with_values_that_cant_be_read_names_each_beside_its_input(
    world: World, alice_client: Client
):
    # B16: an amount and a day that can't be read, and a contact of another account, are
    # all refused at once, each beside its input; nothing changes.
    deal = make_opportunity(world.portfolio_a, account=world.account_a)
    stranger = make_contact(make_account(world.company_a, "Elsewhere"), "Stranger")

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/win/",
        {
            "version": 1,
            "dialog": "1",
            "amount": "nine hundred",
            "expected_signature_date": "2031-01-31",
            "contact": stranger.pk,
            "stage": world.signed_partner.pk,
            "days": "3",
            "signed_on": "20/01/2031",
        },
        world,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    html = response.content.decode()
    for name in ("amount", "contact", "signed_on"):
        assert f'id="dlg-{name}-error"' in html, name
    assert "A number is expected." in html
    assert "A date written YYYY-MM-DD is expected." in html
    assert 'value="nine hundred"' in html
    deal.refresh_from_db()
    assert (deal.status, deal.amount, deal.version) == (OpportunityStatus.OPEN, None, 1)


@pytest.mark.parametrize(
    ("action", "inputs"),
    [
        ("move", {"amount": "lots"}),
        ("win", {"signed_on": "20/01/2031"}),
        ("lose", {"lost_on": "yesterday"}),
    ],
)
def test_a_stale_card_is_told_stale_before_what_its_dialog_couldnt_read(
    world: World, alice_client: Client, action: str, inputs: dict[str, str]
):
    # P7: as the change would, someone else's change is said first, with the card as it is.
    deal = make_opportunity(world.portfolio_a, version=3)
    data = {
        "version": 1,
        "dialog": "1",
        "stage": {"move": world.proposal.pk, "win": world.signed_partner.pk}.get(action, ""),
        "reason": world.reason_lost.pk,
        **inputs,
    }

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/{action}/",
        data,
        world,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert response["X-Fragment"] == "changes"
    assert "changed by someone else" in response.content.decode()
    deal.refresh_from_db()
    assert (deal.version, deal.status) == (3, OpportunityStatus.OPEN)


def test_losing_asks_for_reason_and_date_then_takes_the_reasons_status(
    world: World, alice_client: Client
):
    """B17: one dialog only, whatever the stage."""
    deal = make_opportunity(world.portfolio_a)
    url = f"/board/opportunities/{deal.pk}/lose/"

    asked = post(alice_client, url, {"version": 1}, world, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 422
    assert asked.content.decode().count("data-step=") == 1
    assert "Out of target" in asked.content.decode()

    done = post(
        alice_client,
        url,
        {"version": 1, "dialog": "1", "reason": world.reason_out.pk, "lost_on": "2031-02-02"},
        world,
    )
    assert done.status_code == 200
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.OUT_OF_TARGET
    assert deal.lost_on == dt.date(2031, 2, 2)


def test_a_dialog_of_one_step_does_not_show_its_title_twice(world: World, alice_client: Client):
    """U1: "Mark as lost" over a step "Mark as lost" read twice; the step's name stays for
    screen readers (its fieldset's legend). Several steps each show theirs."""
    deal = make_opportunity(world.portfolio_a)
    lose = post(alice_client, f"/board/opportunities/{deal.pk}/lose/", {"version": 1}, world)
    html = lose.content.decode()
    assert '<legend class="visually-hidden">' in html
    assert html.count("Mark as lost</span>") == 1

    win = post(alice_client, f"/board/opportunities/{deal.pk}/win/", {"version": 1}, world)
    assert "<legend>" in win.content.decode()
    assert 'class="visually-hidden"' not in win.content.decode().split("<legend")[1][:40]


def test_delete_asks_for_confirmation_then_deletes_for_good(world: World, alice_client: Client):
    """B18: the account stays."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a, name="Old lead")
    url = f"/board/opportunities/{deal.pk}/delete/"

    asked = post(alice_client, url, {"version": 1}, world)
    assert asked.status_code == 422
    assert "Old lead" in asked.content.decode()
    assert Opportunity.objects.filter(pk=deal.pk).exists()

    done = post(alice_client, url, {"version": 1, "confirm": "1"}, world)
    assert done.status_code == 200
    assert not Opportunity.objects.filter(pk=deal.pk).exists()
    world.account_a.refresh_from_db()


def test_deleting_a_quoted_opportunity_is_refused_with_the_quote_number(
    world: World, alice_client: Client
):
    """B18: a quote refers to it; the user reads why."""
    deal = make_opportunity(world.portfolio_a)
    Quote.objects.create(company=world.company_a, number="Q-77", opportunity=deal)

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/delete/",
        {"version": 1, "confirm": "1"},
        world,
    )

    assert response.status_code == 409
    assert "Q-77" in response.content.decode()
    assert Opportunity.objects.filter(pk=deal.pk).exists()


# -- reuse and the closed lists (B19) -----------------------------------------------------


def lost_deal(world: World, **fields) -> Opportunity:
    return make_opportunity(
        world.portfolio_a,
        account=world.account_a,
        stage=world.negotiation,
        status=OpportunityStatus.LOST,
        loss_reason=world.reason_lost,
        lost_on=dt.date(2030, 5, 1),
        **fields,
    )


def test_the_lost_list_shows_lost_opportunities_and_searches_them(
    world: World, alice_client: Client
):
    found = lost_deal(world, name="Bakery ovens")
    other = make_opportunity(
        world.portfolio_a,
        status=OpportunityStatus.LOST,
        loss_reason=world.reason_lost,
        lost_on=dt.date(2030, 5, 2),
        account=world.account_a,
        name="Zinc counters",
    )

    listed = alice_client.get(f"/board/closed/?portfolio={world.portfolio_a.pk}&outcome=lost")
    searched = alice_client.get(
        f"/board/closed/?portfolio={world.portfolio_a.pk}&outcome=lost&search=bak&rows=1"
    )

    assert listed.status_code == 200
    assert f'data-closed-row="{found.pk}"' in listed.content.decode()
    assert f'data-closed-row="{other.pk}"' in listed.content.decode()
    assert f'data-closed-row="{found.pk}"' in searched.content.decode()
    assert f'data-closed-row="{other.pk}"' not in searched.content.decode()
    assert "<dialog" not in searched.content.decode()


def test_reuse_shows_account_and_name_read_only_and_puts_it_back_in_the_first_stage(
    world: World, alice_client: Client
):
    deal = lost_deal(world, name="Second chance")
    url = f"/board/opportunities/{deal.pk}/reuse/"

    asked = alice_client.get(f"{url}?portfolio={world.portfolio_a.pk}")
    assert asked.status_code == 200
    html = asked.content.decode()
    assert 'value="Second chance" readonly' in html
    assert 'value="Boulangerie Dupont" readonly' in html

    done = post(
        alice_client, url, {"version": deal.version, "portfolio": world.portfolio_a.pk}, world
    )
    assert done.status_code == 200
    assert f'data-id="{deal.pk}"' in done.content.decode()
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.OPEN
    assert deal.stage_id == world.qualification.pk
    assert deal.lost_on is None


def test_reuse_without_a_portfolio_comes_back_with_the_error(world: World, alice_client: Client):
    deal = lost_deal(world)

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/reuse/",
        {"version": deal.version, "portfolio": "", "dialog": "1"},
        world,
    )

    assert response.status_code == 422
    assert 'id="dlg-portfolio-error"' in response.content.decode()
    deal.refresh_from_db()
    assert deal.status == OpportunityStatus.LOST


# -- actions (B20) ------------------------------------------------------------------------


def test_the_action_icon_opens_the_new_action_form_when_none_is_planned(
    world: World, alice_client: Client
):
    deal = make_opportunity(world.portfolio_a)

    response = alice_client.get(f"/board/opportunities/{deal.pk}/actions/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-new-action hidden" not in html
    assert 'name="subject"' in html


def test_with_a_planned_action_it_shows_it_and_offers_a_new_one(world: World, alice_client: Client):
    deal = make_opportunity(world.portfolio_a)
    Action.objects.create(
        company=world.company_a,
        opportunity=deal,
        kind=ActionKind.DEMO,
        subject="Demo of the ovens",
        due_at=dt.datetime(2031, 1, 5, 10, tzinfo=dt.UTC),
        assignee=world.alice,
    )

    response = alice_client.get(f"/board/opportunities/{deal.pk}/actions/")

    html = response.content.decode()
    assert "Demo of the ovens" in html
    assert "data-new-action hidden" in html
    assert "data-reveal-new-action" in html


def test_a_new_action_is_saved_and_the_card_shows_it_planned(world: World, alice_client: Client):
    deal = make_opportunity(world.portfolio_a)

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/actions/",
        {
            "kind": "call",
            "subject": "Call the baker",
            "due_date": "2031-01-05",
            "due_time": "10:30",
            "assignee": world.bob.pk,
            "notes": "",
        },
        world,
    )

    assert response.status_code == 200
    assert "Call the baker" in response.content.decode()
    action = Action.objects.get(opportunity=deal)
    assert action.assignee == world.bob
    assert action.company == world.company_a
    assert not action.done


def test_a_new_action_without_subject_comes_back_with_the_error_and_saves_nothing(
    world: World, alice_client: Client
):
    deal = make_opportunity(world.portfolio_a)

    response = post(
        alice_client,
        f"/board/opportunities/{deal.pk}/actions/",
        {"kind": "call", "subject": " ", "due_date": "2031-01-05", "due_time": "10:30"},
        world,
    )

    assert response.status_code == 422
    assert "field-error" in response.content.decode()
    assert not Action.objects.filter(opportunity=deal).exists()


@pytest.mark.parametrize(
    ("inputs", "shown_at", "message"),
    [
        ({"due_date": "tomorrow"}, "due_date", "Enter a date and a time."),
        ({"due_date": ""}, "due_date", "Enter a date and a time."),
        ({"due_time": "25:00"}, "due_date", "Enter a date and a time."),
        ({"assignee": "abc"}, "assignee", "Choose a collaborator."),
        ({"assignee": "\u00b2"}, "assignee", "Choose a collaborator."),
        ({"subject": "Call\x00"}, "subject", "Null characters are not allowed."),
    ],
)
def test_an_input_that_cant_be_read_comes_back_named_and_saves_nothing(
    world: World, alice_client: Client, inputs: dict, shown_at: str, message: str
):
    """The dialog's form reads each input into its type; one it can't read is said beside
    that input, as the service's refusals are."""
    deal = make_opportunity(world.portfolio_a)
    posted = {"kind": "call", "subject": "Call", "due_date": "2031-01-05", "due_time": "10:30"}

    response = post(
        alice_client, f"/board/opportunities/{deal.pk}/actions/", {**posted, **inputs}, world
    )

    assert response.status_code == 422
    html = response.content.decode()
    field = html[html.index(f'name="{shown_at}"') :]
    assert field.index(message) < field.index("</div>")
    assert not Action.objects.filter(opportunity=deal).exists()


def test_the_dialog_says_every_fault_at_once_and_a_note_it_cant_store(
    world: World, alice_client: Client
):
    deal = make_opportunity(world.portfolio_a)
    url = f"/board/opportunities/{deal.pk}/actions/"

    every = post(alice_client, url, {"kind": "", "subject": " ", "due_date": "bad"}, world)
    note = post(
        alice_client,
        url,
        {"kind": "call", "subject": "Call", "due_date": "2031-01-05", "notes": "x\x00"},
        world,
    )

    assert every.status_code == note.status_code == 422
    assert every.content.decode().count('class="field-error"') == 3
    assert 'role="alert">Null characters are not allowed.' in note.content.decode()
    assert not Action.objects.filter(opportunity=deal).exists()


def test_marking_the_planned_action_done(world: World, alice_client: Client):
    deal = make_opportunity(world.portfolio_a)
    action = Action.objects.create(
        company=world.company_a,
        opportunity=deal,
        kind=ActionKind.CALL,
        subject="Call",
        due_at=dt.datetime(2031, 1, 5, 10, tzinfo=dt.UTC),
        assignee=world.alice,
    )

    response = post(alice_client, f"/board/actions/{action.pk}/done/", {}, world)

    assert response.status_code == 200
    action.refresh_from_db()
    assert action.done is True
    assert action.done_at is not None


# -- scope --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("post", "move/"),
        ("post", "win/"),
        ("post", "lose/"),
        ("post", "delete/"),
        ("get", "reuse/"),
        ("post", "reuse/"),
        ("get", "actions/"),
        ("post", "actions/"),
    ],
)
def test_charlie_gets_404_for_company_as_opportunities_on_every_transition(
    world: World, charlie_client: Client, method: str, suffix: str
):
    """P8: an opportunity of another company is answered as one that does not exist."""
    deal = make_opportunity(world.portfolio_a, amount=Decimal("100"))
    url = f"/board/opportunities/{deal.pk}/{suffix}"
    data = {
        "version": 1,
        "stage": world.discovery.pk,
        "confirm": "1",
        "dialog": "1",
        "subject": "x",
        "kind": "call",
        "due_date": "2031-01-01",
        "portfolio": world.portfolio_b.pk,
    }

    response = getattr(charlie_client, method)(url, data)

    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.stage_id == world.qualification.pk
    assert deal.version == 1
    assert not Action.objects.exists()


def test_charlie_gets_404_for_marking_an_action_of_company_a_done(
    world: World, charlie_client: Client
):
    deal = make_opportunity(world.portfolio_a)
    action = Action.objects.create(
        company=world.company_a,
        opportunity=deal,
        kind=ActionKind.CALL,
        subject="Call",
        due_at=dt.datetime(2031, 1, 5, 10, tzinfo=dt.UTC),
        assignee=world.alice,
    )

    response = charlie_client.post(f"/board/actions/{action.pk}/done/")

    assert response.status_code == 404
    action.refresh_from_db()
    assert action.done is False


def test_pages_need_a_login(world: World):
    response = Client().get(board_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_home_tiles_open_the_boards_of_portfolios_and_groups(
    world: World, alice_client: Client
):
    """B7: every portfolio and group leads to its board."""
    html = alice_client.get("/").content.decode()

    assert f'href="/board/?portfolio={world.portfolio_b.pk}"' in html
    assert f'href="/board/?group={world.projects.pk}"' in html
    assert alice_client.get(f"/board/?group={world.projects.pk}").status_code == 200


def test_a_late_card_is_re_dated_from_the_board_to_this_months_end(
    world: World, alice_client: Client
):
    """B2, C3: a late card's menu offers this month's end; the answer is for the board."""
    from salespipe.lib.months import Month

    deal = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2020, 1, 31))
    page = alice_client.get(f"/board/?portfolio={world.portfolio_a.pk}").content.decode()
    month = Month.of(timezone.localdate())
    assert f'data-redate-month="{month}"' in page

    answer = alice_client.post(
        f"/calendar/opportunities/{deal.pk}/schedule/?portfolio={world.portfolio_a.pk}&view=board",
        {"version": 1, "month": str(month)},
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 200
    deal.refresh_from_db()
    assert deal.expected_signature_date == month.last_day
    drawn = placed(answer.content.decode())[deal.pk]
    assert drawn.column == str(world.qualification.pk)
    assert 'class="late"' not in drawn.html
