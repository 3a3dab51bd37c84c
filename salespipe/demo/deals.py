"""The demo's opportunities and what hangs on them: tags, history, actions, estimate lines,
linked contacts, quotes and orders.

Written with bulk inserts, chunk by chunk, so that a hundred thousand load in minutes. Each
opportunity satisfies the rules a user would have gone through: the mandatory fields of every
stage it entered are filled (SPEC B14, B16), a won one has a won stage and its signature date,
a lost one its reason and date.
"""

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from salespipe.activities.models import Action, ActionKind
from salespipe.customers.models import Account, Contact
from salespipe.demo.clock import days_between, moment
from salespipe.demo.configuration import Configuration, PortfolioPlan, TemplatePlan
from salespipe.demo.customers import Customers
from salespipe.demo.identity import (
    domain_of,
    first_name,
    french_mobile,
    function_of,
    person_email,
)
from salespipe.demo.people import People
from salespipe.demo.vocabulary import (
    ACTION_SUBJECTS,
    CALL_NAMES,
    CALL_SUFFIXES,
    DESCRIPTIONS,
    LAST_NAMES,
)
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateMode,
    HistoryEntry,
    HistoryKind,
    LossReason,
    Opportunity,
    OpportunityContact,
    OpportunityStatus,
    Order,
    Portfolio,
    Quote,
    SaleTypeMode,
    Stage,
    Tag,
)

CHUNK = 5000
BATCH = 500

STATUSES = (
    (OpportunityStatus.OPEN, 62),
    (OpportunityStatus.WON, 18),
    (OpportunityStatus.LOST, 10),
    (OpportunityStatus.ABANDONED, 6),
    (OpportunityStatus.OUT_OF_TARGET, 4),
)
# More deals in the first stages than in the last ones, as in any funnel.
FUNNEL = (30, 24, 18, 13, 9, 6)
OTHER_CURRENCIES = ("USD", "USD", "GBP", "CHF", "EUR")


@dataclass
class DealCounts:
    opportunities: int = 0
    tag_links: int = 0
    history: int = 0
    actions: int = 0
    estimate_lines: int = 0
    contact_links: int = 0
    quotes: int = 0
    orders: int = 0


@dataclass
class Draft:
    """One opportunity before it is written, with the rows that will point at it."""

    opportunity: Opportunity
    entered: Stage
    tags: list[Tag]
    # The stages it went through after `entered`, one by one, to the one it is in (X6).
    walked: list[Stage] = field(default_factory=list)
    lines: list[EstimateLine] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    linked: list[Contact] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    quote: bool = False
    order: bool = False


class DealMaker:
    def __init__(
        self,
        rng: random.Random,
        config: Configuration,
        people: People,
        customers: Customers,
        reference: dt.date,
    ) -> None:
        self.rng = rng
        self.config = config
        self.people = people
        self.customers = customers
        self.reference = reference
        self.reasons: dict[str, list[LossReason]] = {}
        for reason in config.loss_reasons:
            self.reasons.setdefault(reason.status, []).append(reason)
        self.open_accounts = {
            company: [account for account in accounts if not account.is_closed]
            for company, accounts in customers.accounts.items()
        }
        self.numbers: Counter[tuple[str, int]] = Counter()
        self.counts = DealCounts()

    def create(self, count: int) -> DealCounts:
        remaining = count
        while remaining > 0:
            size = min(CHUNK, remaining)
            self._write([self._draft() for _ in range(size)])
            remaining -= size
        return self.counts

    # Drawing one opportunity ---------------------------------------------------------------

    def _draft(self) -> Draft:
        rng = self.rng
        portfolio, plan = rng.choices(
            self.config.portfolios, weights=[p.share for _, p in self.config.portfolios]
        )[0]
        template = self.config.templates[plan.template]
        company = portfolio.company
        status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
        open_stages = template.open_stages
        if status == OpportunityStatus.WON:
            reached = len(open_stages)
            stage = rng.choice(template.won_stages)
        elif status == OpportunityStatus.OPEN:
            reached = rng.choices(range(1, len(open_stages) + 1), FUNNEL[: len(open_stages)])[0]
            stage = open_stages[reached - 1]
        else:
            reached = rng.randint(1, len(open_stages))
            stage = open_stages[reached - 1]
        required = {name for s in open_stages[:reached] for name in s.mandatory_fields}
        if stage.is_won:
            required.update(stage.mandatory_fields)

        accounts = (
            self.open_accounts[company.pk]
            if status == OpportunityStatus.OPEN
            else self.customers.accounts[company.pk]
        )
        account = rng.choice(accounts)
        contact = self._contact(account, required)
        salesperson = self._salesperson(company.pk, portfolio)
        created_by = (
            salesperson if rng.random() < 0.8 else rng.choice(self.people.sellers[company.pk])
        )

        created_day, updated_day, dates = self._dates(status, required)
        amount, days = self._amounts(plan, required)
        currency_code = company.currency_id if rng.random() < 0.82 else rng.choice(OTHER_CURRENCIES)
        opportunity = Opportunity(
            name=rng.choice(CALL_NAMES) + rng.choice(CALL_SUFFIXES),
            company=company,
            portfolio=portfolio,
            stage=stage,
            status=status,
            account=account,
            amount=amount,
            currency_id=currency_code,
            days=days,
            salesperson=salesperson,
            contact=contact,
            description=rng.choice(DESCRIPTIONS)
            if "description" in required or rng.random() < 0.45
            else "",
            version=1 + reached + (0 if status == OpportunityStatus.OPEN else 1),
            created_by=created_by,
            created_at=moment(rng, created_day),
            **dates,
        )
        opportunity.updated_at = max(opportunity.created_at, moment(rng, updated_day))
        if status in self.reasons:
            opportunity.loss_reason = rng.choice(self.reasons[status])
        self._contact_details(opportunity, account, contact, required)
        opportunity.refresh_keys()

        tag_count = rng.choices((0, 1, 2, 3), (45, 35, 15, 5))[0]
        if "tags" in required:
            tag_count = max(tag_count, 1)
        entered = self._first_stage(portfolio, template, reached)
        walked = open_stages[open_stages.index(entered) + 1 : reached]
        draft = Draft(
            opportunity=opportunity,
            entered=entered,
            tags=rng.sample(self.config.opportunity_tags, tag_count),
            walked=[*walked, stage] if stage.is_won else walked,
        )
        self._estimate(draft, required)
        self._links(draft, account)
        self._actions(draft, created_day, updated_day)
        draft.quote = (status == OpportunityStatus.WON and rng.random() < 0.4) or (
            status == OpportunityStatus.OPEN and reached >= 4 and rng.random() < 0.1
        )
        draft.order = status == OpportunityStatus.WON and rng.random() < 0.25
        return draft

    def _first_stage(self, portfolio: Portfolio, template: TemplatePlan, reached: int) -> Stage:
        """The stage it was created in: the portfolio's default one (SPEC O3) when the deal
        got at least that far, the first one otherwise."""
        default = portfolio.default_stage
        if default is not None and default in template.open_stages[:reached]:
            return default
        return template.open_stages[0]

    def _contact(self, account: Account, required: set[str]) -> Contact | None:
        contacts = [c for c in self.customers.contacts.get(account.pk, []) if not c.is_closed]
        contacts = contacts or self.customers.contacts.get(account.pk, [])
        if contacts and ("contact" in required or self.rng.random() < 0.75):
            return self.rng.choice(contacts)
        return None

    def _salesperson(self, company_id: int, portfolio: Portfolio) -> Collaborator:
        # The personas carry a fair share of the deals, so their own filters show something.
        personas = self.people.personas
        draw = self.rng.random()
        if portfolio.company.name == "Dupont Informatique":
            if draw < 0.12:
                return personas["alice"]
            if draw < 0.2:
                return personas["bob"]
        if portfolio.company.name == "Helvetia Conseil" and draw < 0.15:
            return personas["charlie"]
        return self.rng.choice(self.people.sellers[company_id])

    def _dates(
        self, status: str, required: set[str]
    ) -> tuple[dt.date, dt.date, dict[str, dt.date | None]]:
        rng, reference = self.rng, self.reference
        yesterday = reference - dt.timedelta(days=1)
        dates: dict[str, dt.date | None] = {}
        if status == OpportunityStatus.OPEN:
            created = reference - dt.timedelta(days=rng.randint(5, 420))
            updated = days_between(rng, created, yesterday)
            # From six months back to a year ahead; the past ones are slipping deals.
            expected: dt.date | None = days_between(
                rng, reference - dt.timedelta(days=182), reference + dt.timedelta(days=365)
            )
            if "expected_signature_date" not in required and rng.random() < 0.14:
                expected = None
        else:
            outcome = days_between(rng, reference - dt.timedelta(days=180), yesterday)
            created = outcome - dt.timedelta(days=rng.randint(15, 240))
            updated = outcome
            expected = outcome + dt.timedelta(days=rng.randint(-30, 60))
            if "expected_signature_date" not in required and rng.random() < 0.1:
                expected = None
            if status == OpportunityStatus.WON:
                dates["signed_on"] = outcome
            else:
                dates["lost_on"] = outcome
        dates["expected_signature_date"] = expected
        return created, updated, dates

    def _amounts(
        self, plan: PortfolioPlan, required: set[str]
    ) -> tuple[Decimal | None, Decimal | None]:
        rng = self.rng
        low, high = plan.amount_range
        raw = math.exp(rng.uniform(math.log(low), math.log(high)))
        step = 50 if raw < 10_000 else 100 if raw < 100_000 else 500
        amount: Decimal | None = Decimal(max(step, round(raw / step) * step))
        if "amount" not in required and rng.random() < 0.12:
            amount = None
        days: Decimal | None = None
        wants_days = "days" in required or (plan.day_rate is not None and rng.random() < 0.7)
        if wants_days:
            rate = plan.day_rate or 900
            basis = float(amount) if amount is not None else raw
            half_days = max(1, round(basis / rate * rng.uniform(0.5, 1.0) * 2))
            days = Decimal(half_days) / 2
        return amount, days

    def _contact_details(
        self,
        opportunity: Opportunity,
        account: Account,
        contact: Contact | None,
        required: set[str],
    ) -> None:
        """Choosing a contact fills phone, mobile, function and e-mail (SPEC O2)."""
        rng = self.rng
        if contact is not None:
            opportunity.phone = contact.phone
            opportunity.mobile = contact.mobile
            opportunity.function = contact.function
            opportunity.email = contact.email
        elif rng.random() < 0.5:
            opportunity.phone = account.phone
            opportunity.email = account.email
        if "phone" in required and not opportunity.phone:
            opportunity.phone = account.phone or french_mobile(rng)
        if "mobile" in required and not opportunity.mobile:
            opportunity.mobile = french_mobile(rng)
        if "function" in required and not opportunity.function:
            opportunity.function = function_of(rng, rng.random() < 0.5)
        if "email" in required and not opportunity.email:
            opportunity.email = account.email or person_email(
                first_name(rng)[0], rng.choice(LAST_NAMES), domain_of(account.name, "fr")
            )

    def _estimate(self, draft: Draft, required: set[str]) -> None:
        """A few opportunities carry a detailed estimate; its totals are their amount and days."""
        rng, opportunity = self.rng, draft.opportunity
        if opportunity.amount is None or "days" in required or rng.random() >= 0.07:
            return
        total_amount, total_days = Decimal(0), Decimal(0)
        for position in range(1, rng.randint(2, 4) + 1):
            sale_type = rng.choice(self.config.sale_types)
            line = EstimateLine(
                opportunity=opportunity,
                position=position,
                sale_type=sale_type,
                label=str(sale_type),
            )
            if sale_type.mode == SaleTypeMode.QUANTITY:
                line.quantity = Decimal(rng.choice((1, 2, 5, 10, 25, 50)))
                line.unit_price = Decimal(rng.choice((45, 90, 150, 320, 690, 1200)))
                line.amount = line.quantity * line.unit_price
            elif sale_type.mode == SaleTypeMode.DAYS:
                line.days = Decimal(rng.randint(1, 30))
                line.amount = line.days * rng.choice((650, 800, 950, 1100))
            else:
                line.amount = Decimal(rng.choice((500, 1200, 2400, 4800, 9600)))
                line.recurrence = rng.choice(("one_off", "monthly", "yearly"))
            total_amount += line.amount
            total_days += line.days or 0
            draft.lines.append(line)
        opportunity.estimate_mode = EstimateMode.DETAILED
        opportunity.amount = total_amount
        opportunity.days = total_days or None

    def _links(self, draft: Draft, account: Account) -> None:
        contact = draft.opportunity.contact
        if contact is None or self.rng.random() >= 0.3:
            return
        draft.linked.append(contact)
        others = [c for c in self.customers.contacts.get(account.pk, []) if c.pk != contact.pk]
        if others and self.rng.random() < 0.3:
            draft.linked.append(self.rng.choice(others))

    def _actions(self, draft: Draft, created_day: dt.date, updated_day: dt.date) -> None:
        rng, opportunity, reference = self.rng, draft.opportunity, self.reference
        if opportunity.status == OpportunityStatus.OPEN and rng.random() < 0.45:
            if rng.random() < 0.35:
                # Overdue: planned before the start of this month and still not done.
                due = reference - dt.timedelta(days=rng.randint(1, 45))
                due = max(due, created_day)
            else:
                due = reference + dt.timedelta(days=rng.randint(32, 120))
            draft.actions.append(self._action(opportunity, due, created_day, done=False))
        if rng.random() < 0.35:
            for _ in range(rng.randint(1, 2)):
                due = days_between(rng, created_day, updated_day)
                draft.actions.append(self._action(opportunity, due, created_day, done=True))

    def _action(
        self, opportunity: Opportunity, due: dt.date, created_day: dt.date, *, done: bool
    ) -> Action:
        rng = self.rng
        kind = rng.choice(ActionKind.values)
        due_at = moment(rng, due)
        created_at = min(due_at, moment(rng, created_day))
        return Action(
            company=opportunity.company,
            kind=kind,
            subject=rng.choice(ACTION_SUBJECTS[kind]),
            due_at=due_at,
            assignee=opportunity.salesperson,
            done=done,
            done_at=due_at if done else None,
            opportunity=opportunity,
            account=opportunity.account,
            contact=opportunity.contact,
            created_by=opportunity.salesperson,
            created_at=created_at,
        )

    # Writing a chunk -----------------------------------------------------------------------

    def _write(self, drafts: list[Draft]) -> None:
        Opportunity.objects.bulk_create([d.opportunity for d in drafts], batch_size=BATCH)
        through = Opportunity.tags.through
        tag_rows = [
            through(opportunity_id=d.opportunity.pk, tag_id=tag.pk)
            for d in drafts
            for tag in d.tags
        ]
        through.objects.bulk_create(tag_rows, batch_size=BATCH)
        history = [entry for d in drafts for entry in self._history(d)]
        HistoryEntry.objects.bulk_create(history, batch_size=BATCH)
        actions = [action for d in drafts for action in d.actions]
        Action.objects.bulk_create(actions, batch_size=BATCH)
        lines = [line for d in drafts for line in d.lines]
        EstimateLine.objects.bulk_create(lines, batch_size=BATCH)
        links = [
            OpportunityContact(
                opportunity=d.opportunity, contact=contact, linked_at=d.opportunity.updated_at
            )
            for d in drafts
            for contact in d.linked
        ]
        OpportunityContact.objects.bulk_create(links, batch_size=BATCH)
        quotes = [self._sales_document(Quote, "DEV", d) for d in drafts if d.quote]
        orders = [self._sales_document(Order, "CDE", d) for d in drafts if d.order]
        Quote.objects.bulk_create(quotes, batch_size=BATCH)
        Order.objects.bulk_create(orders, batch_size=BATCH)
        counts = self.counts
        counts.opportunities += len(drafts)
        counts.tag_links += len(tag_rows)
        counts.history += len(history)
        counts.actions += len(actions)
        counts.estimate_lines += len(lines)
        counts.contact_links += len(links)
        counts.quotes += len(quotes)
        counts.orders += len(orders)

    def _history(self, draft: Draft) -> list[HistoryEntry]:
        """Where it started, the stage it reached, and how it ended (SPEC S8)."""
        opportunity = draft.opportunity

        def entry(kind: str, at: dt.datetime, **values: Any) -> HistoryEntry:
            return HistoryEntry(
                opportunity=opportunity,
                opportunity_ref=opportunity.pk,
                company_id=opportunity.company_id,
                actor=opportunity.created_by
                if kind == HistoryKind.CREATED
                else opportunity.salesperson,
                kind=kind,
                at=at,
                **values,
            )

        entries = [
            entry(
                HistoryKind.CREATED,
                opportunity.created_at,
                field="stage",
                new_value=draft.entered.name,
                entered_stage=draft.entered,
            )
        ]
        # One move per stage, spread between its creation and its last change, so that the
        # funnel and the time spent in each stage have a past to read.
        span = opportunity.updated_at - opportunity.created_at
        before = draft.entered
        for step, stage in enumerate(draft.walked, start=1):
            entries.append(
                entry(
                    HistoryKind.CHANGED,
                    opportunity.created_at + span * step / len(draft.walked),
                    field="stage",
                    old_value=before.name,
                    new_value=stage.name,
                    entered_stage=stage,
                )
            )
            before = stage
        if opportunity.status != OpportunityStatus.OPEN:
            entries.append(
                entry(
                    HistoryKind.CHANGED,
                    opportunity.updated_at,
                    field="status",
                    old_value=OpportunityStatus.OPEN,
                    new_value=opportunity.status,
                )
            )
        return entries

    def _sales_document[D: (Quote, Order)](self, model: type[D], prefix: str, draft: Draft) -> D:
        company_id = draft.opportunity.company_id
        self.numbers[(prefix, company_id)] += 1
        return model(
            company_id=company_id,
            number=f"{prefix}-{self.numbers[(prefix, company_id)]:06d}",
            opportunity=draft.opportunity,
            created_at=draft.opportunity.updated_at,
        )
