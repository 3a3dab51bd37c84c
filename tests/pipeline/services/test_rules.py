"""Which mandatory fields a stage change asks for (SPEC B14, B16, O4)."""

import datetime as dt
from decimal import Decimal

from salespipe.pipeline.services import rules
from salespipe.test import World, make_opportunity, make_stage


def as_names(missing: list[rules.StageFields]) -> list[tuple[str, list[str]]]:
    return [(item.stage.name, item.fields) for item in missing]


def test_moving_two_stages_forward_asks_for_both_stages_fields_in_order(world: World):
    # B14: qualification -> proposal enters discovery (amount), then proposal.
    opportunity = make_opportunity(world.portfolio_a)
    missing = rules.missing_for_move(opportunity, world.proposal)
    assert as_names(missing) == [
        ("Discovery", ["amount"]),
        ("Proposal", ["expected_signature_date", "contact"]),
    ]


def test_moving_backward_or_to_the_same_stage_asks_for_nothing(world: World):
    # B14: moving backward asks for nothing.
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    assert rules.missing_for_move(opportunity, world.qualification) == []
    assert rules.missing_for_move(opportunity, world.negotiation) == []


def test_values_given_fill_the_fields_before_checking(world: World):
    # B14: the dialogs' values count; what is already filled is not asked again.
    opportunity = make_opportunity(world.portfolio_a, amount=Decimal("0"))
    missing = rules.missing_for_move(
        opportunity, world.negotiation, {"expected_signature_date": "2030-01-31", "contact": ""}
    )
    assert as_names(missing) == [("Proposal", ["contact"])]


def test_a_field_two_stages_ask_for_is_asked_once_at_the_first(world: World):
    make_stage(world.projects, "Closing", 5, 90, mandatory_fields=["amount", "phone"])
    opportunity = make_opportunity(
        world.portfolio_a,
        stage=world.proposal,
        contact=world.contact_a,
        expected_signature_date=dt.date(2030, 1, 1),
    )
    closing = world.projects.stages.get(name="Closing")
    missing = rules.missing_for_move(opportunity, closing)
    # Discovery, already passed, is not asked again; Closing asks for both of its fields.
    assert as_names(missing) == [("Closing", ["amount", "phone"])]
    opportunity = make_opportunity(world.portfolio_a)
    missing = rules.missing_for_move(opportunity, closing)
    assert as_names(missing) == [
        ("Discovery", ["amount"]),
        ("Proposal", ["expected_signature_date", "contact"]),
        ("Closing", ["phone"]),
    ]


def test_a_win_from_the_first_stage_asks_every_open_stage_then_the_won_stage(world: World):
    # B16: the open stages not yet passed come first, then the won dialog's stage.
    opportunity = make_opportunity(world.portfolio_a)
    missing = rules.missing_for_win(opportunity, world.signed_partner)
    assert as_names(missing) == [
        ("Discovery", ["amount"]),
        ("Proposal", ["expected_signature_date", "contact"]),
        ("Signed by a partner", ["days"]),
    ]
    assert (
        rules.missing_for_win(
            opportunity,
            world.signed,
            {
                "amount": "10",
                "expected_signature_date": "2030-01-01",
                "contact": world.contact_a.pk,
            },
        )
        == []
    )


def test_a_win_from_the_last_open_stage_asks_only_the_won_stage(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    assert as_names(rules.missing_for_win(opportunity, world.signed_partner)) == [
        ("Signed by a partner", ["days"])
    ]
    assert rules.missing_for_win(opportunity, world.signed) == []


def test_creating_in_a_stage_asks_for_its_fields_and_those_of_earlier_stages(world: World):
    # O4: the chosen stage and every stage before it.
    missing = rules.missing_for_create(world.projects, world.proposal, {"amount": "5"})
    assert as_names(missing) == [("Proposal", ["expected_signature_date", "contact"])]
    assert rules.missing_for_create(world.projects, world.qualification, {}) == []


def test_zero_is_a_value_and_blank_text_or_no_tag_is_empty(world: World):
    assert not rules.is_empty(Decimal("0"))
    assert not rules.is_empty(0)
    assert rules.is_empty("   ")
    assert rules.is_empty([])
    assert rules.is_empty(None)
    stage = make_stage(world.projects, "Tagged", 6, 95, mandatory_fields=["tags", "description"])
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    assert as_names(rules.missing_for_move(opportunity, stage, {"description": " "})) == [
        ("Tagged", ["description", "tags"])
    ]
    opportunity.tags.add(world.tag_hot)
    assert as_names(rules.missing_for_move(opportunity, stage)) == [("Tagged", ["description"])]


def test_the_sheet_keeps_the_fields_of_the_stages_already_entered(world: World):
    required = rules.fields_required_up_to(world.proposal)
    assert {name: stage.name for name, stage in required.items()} == {
        "amount": "Discovery",
        "expected_signature_date": "Proposal",
        "contact": "Proposal",
    }
    assert rules.fields_required_up_to(world.qualification) == {}


# --- X3 readiness ------------------------------------------------------------------------------


def test_readiness_counts_the_next_stages_fields_filled_and_names_the_rest_in_screen_order(
    world,
):
    from salespipe.pipeline.models import Stage
    from salespipe.pipeline.services.rules import readiness

    stage = Stage(name="Proposal", mandatory_fields=["tags", "contact", "amount", "description"])
    values = {"amount": Decimal("0"), "contact": None, "tags": (), "description": "  "}

    found = readiness(stage, values.get)

    assert found is not None
    # Zero is an amount; blank text and no tags are empty; the configuration screen's order.
    assert (found.filled, found.total, found.missing) == (1, 4, ("contact", "description", "tags"))
    assert readiness(None, values.get) is None
    assert readiness(Stage(name="Free", mandatory_fields=[]), values.get) is None


def test_the_next_open_stage_is_the_following_one_of_the_same_template(world):
    from salespipe.pipeline.models import StageTemplate
    from salespipe.pipeline.services.rules import next_open_stages
    from salespipe.test import make_stage

    other = StageTemplate.objects.create(name="Other stages")
    first = make_stage(other, "First", 1, 10)
    ordered = [world.qualification, world.discovery, world.proposal, world.negotiation, first]

    following = next_open_stages(ordered)

    assert following == {
        world.qualification.pk: world.discovery,
        world.discovery.pk: world.proposal,
        world.proposal.pk: world.negotiation,
    }


# --- X1 staleness ------------------------------------------------------------------------------


def test_stale_since_counts_the_stages_delay_from_the_last_change_unless_an_action_is_ahead():
    from salespipe.pipeline.services.rules import stale_since

    now = dt.datetime(2031, 3, 20, 12, tzinfo=dt.UTC)
    changed = now - dt.timedelta(days=15)
    since = changed + dt.timedelta(days=10)

    assert stale_since(changed, 10, None, now) == since
    assert stale_since(changed, None, None, now) is None, "a stage without a delay"
    assert stale_since(changed, 16, None, now) is None, "not yet"
    assert stale_since(changed, 15, None, now) == now, "from the very moment"
    assert stale_since(changed, 10, now + dt.timedelta(hours=1), now) is None, "action ahead"
    assert stale_since(changed, 10, now, now) is None, "an action due now is not late"
    late = now - dt.timedelta(seconds=1)
    assert stale_since(changed, 10, late, now) == since, "only late actions planned"
