"""One change at a time, all or nothing (SPEC P7, S8; DESIGN: concurrency and history)."""

import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection

from salespipe.pipeline import services
from salespipe.pipeline.models import HistoryEntry, Opportunity
from salespipe.pipeline.services import rules
from salespipe.pipeline.services.errors import StaleVersion
from salespipe.test import World, make_opportunity
from tests.pipeline.conftest import state


def test_a_stale_version_changes_nothing(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    services.opportunity_move(
        user=world.alice, opportunity_id=opportunity.pk, version=1, stage_id=world.qualification.pk
    )
    before = state(opportunity)
    with pytest.raises(StaleVersion) as error:
        services.opportunity_move(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.negotiation.pk,
        )
    # The caller is told where the card really is.
    assert error.value.current.stage == world.qualification
    assert error.value.current.version == 2
    assert state(opportunity) == before


def test_a_change_made_between_the_read_and_the_write_makes_the_write_stale(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    # Someone commits a change after the service read the row and checked its version:
    # the conditional UPDATE matches no row, and nothing of this move is written.
    opportunity = make_opportunity(world.portfolio_a, amount=Decimal(1))
    before = state(opportunity)
    real_check = rules.missing_for_move
    seen: list[int] = []

    def check_while_someone_else_moves(*args, **kwargs):
        seen.append(
            Opportunity.objects.filter(pk=opportunity.pk).update(stage=world.negotiation, version=2)
        )
        return real_check(*args, **kwargs)

    monkeypatch.setattr(rules, "missing_for_move", check_while_someone_else_moves)
    with pytest.raises(StaleVersion) as error:
        services.opportunity_move(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.discovery.pk,
            values={"amount": Decimal("99")},
        )
    assert seen == [1]
    assert error.value.current.stage == world.negotiation
    assert error.value.current.amount == Decimal(1)
    # The other writer shares this test's connection, so its change is undone with the
    # service's transaction: what is left is exactly what was there before.
    assert state(opportunity) == before


def test_when_the_history_write_fails_after_the_update_nothing_is_changed(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    opportunity = make_opportunity(world.portfolio_a, amount=Decimal(5))
    before = state(opportunity)

    def failing_bulk_create(*args, **kwargs):
        # By now the opportunity's row has been updated inside the transaction.
        assert Opportunity.objects.get(pk=opportunity.pk).version == 2
        raise DatabaseError("history table unavailable")

    monkeypatch.setattr(HistoryEntry.objects, "bulk_create", failing_bulk_create)
    with pytest.raises(DatabaseError):
        services.opportunity_move(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.discovery.pk,
            values={"amount": Decimal("8")},
        )
    assert state(opportunity) == before


ROUNDS = 200


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_moving_the_same_card_at_once_exactly_one_wins_every_time(world: World):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent transactions and row locks")
    opportunity = make_opportunity(
        world.portfolio_a,
        amount=Decimal(10),
        contact=world.contact_a,
        expected_signature_date="2030-01-31",
    )
    # Each round both try to move the card from where it is to another stage.
    targets = {
        world.qualification.pk: (world.negotiation.pk, world.proposal.pk),
        world.negotiation.pk: (world.discovery.pk, world.qualification.pk),
        world.proposal.pk: (world.qualification.pk, world.discovery.pk),
        world.discovery.pk: (world.negotiation.pk, world.qualification.pk),
    }
    start = threading.Barrier(3)
    done = threading.Barrier(3)
    round_input: dict[str, int] = {}
    outcomes: list[list[str]] = [[], []]
    failures: list[BaseException] = []

    def person(index: int) -> None:
        user = world.alice if index == 0 else world.bob
        try:
            for _round in range(ROUNDS):
                start.wait(timeout=30)
                try:
                    services.opportunity_move(
                        user=user,
                        opportunity_id=opportunity.pk,
                        version=round_input["version"],
                        stage_id=targets[round_input["stage"]][index],
                    )
                    outcomes[index].append("moved")
                except StaleVersion:
                    outcomes[index].append("stale")
                done.wait(timeout=30)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
            start.abort()
            done.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for _round in range(ROUNDS):
        current = Opportunity.objects.get(pk=opportunity.pk)
        round_input.update(version=current.version, stage=current.stage_id)
        start.wait(timeout=30)
        done.wait(timeout=30)
    for thread in threads:
        thread.join()

    assert failures == []
    wins_per_round = [[outcomes[0][r], outcomes[1][r]].count("moved") for r in range(ROUNDS)]
    assert wins_per_round == [1] * ROUNDS
    saved = Opportunity.objects.get(pk=opportunity.pk)
    assert saved.version == 1 + ROUNDS
    moves = HistoryEntry.objects.filter(opportunity_ref=opportunity.pk, field="stage")
    assert moves.count() == ROUNDS
    # Each recorded move starts where the previous one ended: no lost update.
    chain = list(moves.order_by("id").values_list("old_value", "new_value"))
    assert all(chain[i][1] == chain[i + 1][0] for i in range(len(chain) - 1))
