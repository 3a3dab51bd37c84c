"""`manage.py seed_demo`: realistic, deterministic demo data that keeps every rule
(SPEC glossary, AD1-AD3, B14, B16, B17, S8)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from stdnum.fr import siren

from salespipe.activities.models import Action
from salespipe.customers.models import Account, Contact
from salespipe.demo.clock import reference_day
from salespipe.demo.identity import luhn_check_digit
from salespipe.lib.phones import phone_search_key
from salespipe.lib.text import search_key
from salespipe.org.models import Collaborator, Company
from salespipe.pipeline.models import (
    HistoryEntry,
    HistoryKind,
    LossStatus,
    Opportunity,
    OpportunityStatus,
    Portfolio,
    Stage,
    StageStatus,
    StageTemplate,
)

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    """What a user reads of the opportunities, without the ids a database hands out."""
    return list(
        Opportunity.objects.order_by("id").values_list(
            "name",
            "amount",
            "currency_id",
            "days",
            "expected_signature_date",
            "status",
            "stage__name",
            "account__name",
            "salesperson__username",
        )
    )


@pytest.fixture
def demo() -> str:
    return seed()


def test_the_demo_holds_three_companies_two_templates_and_five_portfolios(demo: str):
    """The demo data: two companies in EUR, one in CHF; two portfolios share a template."""
    assert sorted(Company.objects.values_list("currency_id", flat=True)) == ["CHF", "EUR", "EUR"]
    assert StageTemplate.objects.count() == 2
    for template in StageTemplate.objects.all():
        stages = list(template.stages.order_by("order"))
        open_stages = [stage for stage in stages if stage.status == StageStatus.OPEN]
        won_stages = [stage for stage in stages if stage.status == StageStatus.WON]
        assert 5 <= len(open_stages) <= 6
        assert 1 <= len(won_stages) <= 2
        probabilities = [stage.probability for stage in open_stages]
        assert probabilities == sorted(set(probabilities))
        assert sum(1 for stage in open_stages if stage.mandatory_fields) >= 2
    assert Portfolio.objects.count() == 5
    shared = Portfolio.objects.values("template").annotate(n=Count("id")).filter(n__gte=2)
    assert shared.exists()
    for portfolio in Portfolio.objects.exclude(default_stage=None):
        assert portfolio.default_stage is not None
        assert portfolio.default_stage.template_id == portfolio.template_id
        assert portfolio.default_stage.status == StageStatus.OPEN


def test_the_demo_opportunities_fill_every_open_stage_and_every_outcome(demo: str):
    """The demo's opportunities: 600 by default, open in every stage, won and lost."""
    assert Opportunity.objects.count() == 600
    statuses = set(Opportunity.objects.values_list("status", flat=True))
    assert statuses == set(OpportunityStatus.values)
    for portfolio in Portfolio.objects.all():
        open_stage_ids = set(
            portfolio.template.stages.filter(status=StageStatus.OPEN).values_list("id", flat=True)
        )
        used = set(
            portfolio.opportunities.filter(status=OpportunityStatus.OPEN).values_list(
                "stage_id", flat=True
            )
        )
        assert used == open_stage_ids, portfolio.name
    currencies = set(Opportunity.objects.values_list("currency_id", flat=True))
    assert {"EUR", "CHF", "USD", "GBP"} <= currencies


def test_every_demo_opportunity_keeps_the_rules_a_user_goes_through(demo: str):
    """SPEC B14, B16, B17: entered stages' mandatory fields filled, outcomes complete."""
    opportunities = Opportunity.objects.select_related(
        "stage", "portfolio", "account", "contact", "loss_reason"
    ).prefetch_related("tags", "salesperson__companies")
    stages_of: dict[int, list[Stage]] = {}
    for stage in Stage.objects.order_by("order"):
        stages_of.setdefault(stage.template_id, []).append(stage)
    for index, opportunity in enumerate(opportunities):
        assert opportunity.stage.template_id == opportunity.portfolio.template_id
        assert opportunity.company_id == opportunity.portfolio.company_id
        assert opportunity.account.company_id == opportunity.company_id
        if opportunity.contact is not None:
            assert opportunity.contact.account_id == opportunity.account_id
        assert opportunity.company_id in {c.pk for c in opportunity.salesperson.companies.all()}
        open_stages = [
            stage
            for stage in stages_of[opportunity.portfolio.template_id]
            if stage.status == StageStatus.OPEN
        ]
        if opportunity.status == OpportunityStatus.WON:
            assert opportunity.stage.status == StageStatus.WON
            assert opportunity.signed_on is not None
            assert opportunity.lost_on is None
            entered = [*open_stages, opportunity.stage]
        else:
            assert opportunity.stage.status == StageStatus.OPEN
            assert opportunity.signed_on is None
            entered = [stage for stage in open_stages if stage.order <= opportunity.stage.order]
        if opportunity.status in LossStatus.values:
            assert opportunity.loss_reason is not None
            assert opportunity.loss_reason.status == opportunity.status
            assert opportunity.lost_on is not None
        else:
            assert opportunity.loss_reason is None
            assert opportunity.lost_on is None
        for stage in entered:
            for name in stage.mandatory_fields:
                value = (
                    list(opportunity.tags.all()) if name == "tags" else getattr(opportunity, name)
                )
                assert value not in (None, "", []), (opportunity.name, stage.name, name)
        assert opportunity.phone_key == phone_search_key(opportunity.phone)
        if index % 5 == 0:
            # The model's own validation (e-mail, decimals, choices) on a fifth of them.
            opportunity.full_clean()


def test_demo_dates_run_from_six_months_back_to_a_year_ahead_and_some_have_none(demo: str):
    """The demo's dates are relative to the first day of the current month."""
    reference = reference_day(timezone.localdate())
    open_deals = Opportunity.objects.filter(status=OpportunityStatus.OPEN)
    dated = open_deals.exclude(expected_signature_date=None)
    days = [day for day in dated.values_list("expected_signature_date", flat=True) if day]
    assert min(days) >= reference - dt.timedelta(days=183)
    assert max(days) <= reference + dt.timedelta(days=366)
    assert min(days) < reference < max(days)
    undated = Opportunity.objects.filter(expected_signature_date=None).count()
    assert 0.03 <= undated / Opportunity.objects.count() <= 0.2
    today = timezone.localdate()
    assert not Opportunity.objects.filter(signed_on__gt=today).exists()
    assert not Opportunity.objects.filter(lost_on__gt=today).exists()
    for created, updated in Opportunity.objects.values_list("created_at", "updated_at"):
        assert created <= updated <= timezone.now()
    # Creations spread over months, not all stamped with the time of loading.
    assert Opportunity.objects.dates("created_at", "month").count() > 6


def test_demo_accounts_and_contacts_pass_the_checks_of_their_fields(demo: str):
    """SPEC glossary: SIREN (Luhn-checked), phones and e-mails valid."""
    accounts = list(Account.objects.all())
    assert 280 <= len(accounts) <= 320
    with_siren = [account for account in accounts if account.siren]
    assert len(with_siren) > len(accounts) // 2
    for account in accounts:
        account.full_clean()
        assert account.name_key == search_key(account.name)
        if account.siren:
            assert siren.is_valid(account.siren)
    assert not Account.objects.filter(contacts=None).exists()
    for contact in Contact.objects.all():
        contact.full_clean()
    assert Contact.objects.exclude(mobile="").exists()
    assert Account.objects.filter(is_closed=True).exists()
    assert Account.objects.filter(name__startswith="Boulangerie").exists() or (
        Account.objects.filter(name__contains="SARL").exists()
    )


def test_the_luhn_check_digit_makes_a_valid_siren():
    """SPEC glossary: the demo's SIRENs are computed, not copied."""
    assert luhn_check_digit("73282932") == "0"
    assert siren.is_valid("73282932" + luhn_check_digit("73282932"))
    assert not siren.is_valid("73282932" + str((int(luhn_check_digit("73282932")) + 1) % 10))


def test_each_demo_opportunity_has_its_creation_in_the_history(demo: str):
    """SPEC S8."""
    created = HistoryEntry.objects.filter(kind=HistoryKind.CREATED)
    assert created.count() == Opportunity.objects.count()
    assert set(created.values_list("opportunity_ref", flat=True)) == set(
        Opportunity.objects.values_list("id", flat=True)
    )
    for entry in created.select_related("opportunity")[:50]:
        assert entry.opportunity is not None
        assert entry.at == entry.opportunity.created_at
        assert entry.company_id == entry.opportunity.company_id
    won = Opportunity.objects.filter(status=OpportunityStatus.WON).first()
    assert won is not None
    assert HistoryEntry.objects.filter(
        opportunity=won, kind=HistoryKind.CHANGED, field="status", new_value="won"
    ).exists()


def test_demo_actions_are_planned_overdue_and_done(demo: str):
    """SPEC B20, S4."""
    now = timezone.now()
    planned = Action.objects.filter(done=False)
    assert planned.filter(due_at__lt=now).exists()
    assert planned.filter(due_at__gt=now).exists()
    assert Action.objects.filter(done=True).exclude(done_at=None).exists()
    assert Action.objects.filter(opportunity=None).exclude(account=None).exists()
    for action in Action.objects.select_related("opportunity", "account")[:200]:
        holder = action.opportunity or action.account
        assert holder is not None
        assert holder.company_id == action.company_id


def test_the_demo_logins_have_the_password_demo_and_their_scopes(demo: str):
    """The demo logins: alice, bob, charlie as in the test world, admin superuser."""
    users = {user.username: user for user in Collaborator.objects.all()}
    for name in ("alice", "bob", "charlie", "admin"):
        assert users[name].check_password("demo")
        assert name in demo
    alice, bob, charlie, admin = (users[n] for n in ("alice", "bob", "charlie", "admin"))
    assert [c.name for c in alice.companies.all()] == ["Dupont Informatique"]
    assert (alice.quick_account, alice.change_default_stage, alice.show_closed) == (True,) * 3
    assert [c.name for c in bob.companies.all()] == ["Dupont Informatique"]
    assert (bob.quick_account, bob.change_default_stage, bob.show_closed) == (False,) * 3
    assert [c.name for c in charlie.companies.all()] == ["Helvetia Conseil"]
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.companies.count() == 3
    assert 30 <= len(users) <= 40
    assert Collaborator.objects.exclude(team=None).values("team").distinct().count() >= 4
    assert (
        Collaborator.objects.exclude(department=None).values("department").distinct().count() >= 4
    )
    assert "password: demo" in demo
    assert Opportunity.objects.filter(salesperson=alice).count() >= 20


def test_the_same_seed_gives_the_same_opportunities_after_a_flush():
    """The demo data is deterministic for a given seed."""
    seed("--opportunities", "60", "--seed", "5")
    first = snapshot()
    seed("--opportunities", "60", "--seed", "5", "--flush")
    assert snapshot() == first
    assert len(first) == 60
    seed("--opportunities", "60", "--seed", "6", "--flush")
    assert snapshot() != first
    assert Company.objects.count() == 3


def test_if_empty_loads_into_an_empty_database_and_leaves_a_full_one_alone():
    """`make run` loads the demo once."""
    seed("--opportunities", "60", "--if-empty")
    assert Opportunity.objects.count() == 60
    names = snapshot()
    out = seed("--opportunities", "90", "--seed", "3", "--if-empty")
    assert "already holds data" in out
    assert snapshot() == names


def test_loading_into_a_full_database_without_flush_is_refused_and_changes_nothing():
    """Bad input gets a clear error and changes nothing."""
    seed("--opportunities", "60")
    names = snapshot()
    with pytest.raises(CommandError, match="--flush"):
        seed("--opportunities", "60", "--seed", "2")
    assert snapshot() == names


@pytest.mark.parametrize("args", [("--opportunities", "-1"), ("--if-empty", "--flush")])
def test_bad_options_are_refused_and_nothing_is_loaded(args: tuple[str, ...]):
    with pytest.raises(CommandError):
        seed(*args)
    assert not Company.objects.exists()


def test_no_opportunity_at_all_still_gives_a_usable_configuration():
    seed("--opportunities", "0")
    assert Opportunity.objects.count() == 0
    assert Portfolio.objects.count() == 5
    assert Collaborator.objects.filter(username="alice").exists()
