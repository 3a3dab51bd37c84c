"""The dialogs of the board's moves, as data a template draws (SPEC B14, B16-B19).

A dialog is a form of one or more steps shown one at a time: one step per stage whose
mandatory fields are empty, in order, then the step of the transition itself (won, lost,
delete, reuse). The steps are always computed from the opportunity as stored, so that the
same dialog comes back after a refused *Save*, with what was typed and each error next to
its field, opened on the first step at fault.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.customers.models import Contact
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import (
    MANDATORY_FIELD_CHOICES,
    LossReason,
    LossStatus,
    Opportunity,
    Stage,
    StageStatus,
    Tag,
    TagKind,
)
from salespipe.pipeline.services import rules
from salespipe.pipeline.services.rules import StageFields

# Lazy: read in the language of each request, not of the process at import.
_LABELS = dict(MANDATORY_FIELD_CHOICES)
_WIDGETS = {
    "amount": "number",
    "days": "number",
    "expected_signature_date": "date",
    "contact": "select",
    "phone": "tel",
    "mobile": "tel",
    "function": "text",
    "email": "email",
    "description": "textarea",
    "tags": "select-multiple",
}
MANDATORY_NAMES: tuple[str, ...] = tuple(name for name, _label in MANDATORY_FIELD_CHOICES)

type Errors = Mapping[str, Sequence[str]]


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class ChoiceGroup:
    label: str
    choices: list[Choice]


@dataclass
class DialogField:
    name: str
    label: str
    widget: str
    input_id: str
    value: str = ""
    values: list[str] = field(default_factory=list)
    groups: list[ChoiceGroup] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    required: bool = True
    readonly: bool = False


@dataclass
class ConditionalFields:
    """Fields that apply only while `stage` is the one chosen (the won stage's own fields)."""

    stage: Stage
    fields: list[DialogField]


@dataclass
class DialogStep:
    key: str
    title: str
    fields: list[DialogField] = field(default_factory=list)
    conditional: list[ConditionalFields] = field(default_factory=list)
    text: str = ""
    current: bool = False

    def all_fields(self) -> Iterable[DialogField]:
        yield from self.fields
        for group in self.conditional:
            yield from group.fields

    @property
    def has_errors(self) -> bool:
        return any(f.errors for f in self.all_fields())


@dataclass
class Dialog:
    """A `<dialog>` posting `hidden` and the steps' fields to `action`."""

    title: str
    action: str
    steps: list[DialogStep]
    submit_label: str
    hidden: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    danger: bool = False
    subtitle: str = ""


def posted_values(
    data: QueryDict, names: Iterable[str] = MANDATORY_NAMES
) -> dict[str, str | list[str]]:
    """The mandatory-able fields a dialog posted, as text, for `values.read_values`.

    An empty input is left out: not given, rather than given empty.
    """
    values: dict[str, str | list[str]] = {}
    for name in names:
        if name == "tags":
            tags = [item for item in data.getlist("tags") if item.strip()]
            if tags:
                values["tags"] = tags
        else:
            raw = data.get(name, "")
            if raw.strip():
                values[name] = raw
    return values


def today_iso() -> str:
    return timezone.localdate().isoformat()


class DialogBuilder:
    """Builds the steps of one opportunity's dialog; reads what the choices need once."""

    def __init__(
        self, user: Collaborator, opportunity: Opportunity, data: QueryDict, errors: Errors
    ) -> None:
        self.user = user
        self.opportunity = opportunity
        self.data = data
        self.errors = {name: [str(m) for m in messages] for name, messages in errors.items()}
        self.used_errors: set[str] = set()
        self._contacts: list[ChoiceGroup] | None = None
        self._tags: list[ChoiceGroup] | None = None

    # -- fields ---------------------------------------------------------------------------

    def input_field(self, name: str, label: str, widget: str, prefix: str = "") -> DialogField:
        """A field of the dialog, with what was posted for it and its errors."""
        self.used_errors.add(name)
        return DialogField(
            name=name,
            label=label,
            widget=widget,
            input_id=f"dlg-{prefix}{name}",
            value=self.data.get(name, ""),
            values=self.data.getlist(name),
            errors=list(self.errors.get(name, [])),
        )

    def mandatory_field(self, name: str, prefix: str = "") -> DialogField:
        result = self.input_field(
            name, str(_LABELS.get(name, name)), _WIDGETS.get(name, "text"), prefix
        )
        if name == "contact":
            result.groups = self.contact_choices()
        elif name == "tags":
            result.groups = self.tag_choices()
        return result

    def contact_choices(self) -> list[ChoiceGroup]:
        if self._contacts is None:
            # The gate hides closed contacts from a user without show_closed (A2).
            contacts = access.scoped(
                self.user, Contact.objects.filter(account_id=self.opportunity.account_id)
            )
            self._contacts = [ChoiceGroup("", [Choice(str(c.pk), c.full_name) for c in contacts])]
        return self._contacts

    def tag_choices(self) -> list[ChoiceGroup]:
        if self._tags is None:
            tags = Tag.objects.filter(kind=TagKind.OPPORTUNITY)
            self._tags = [ChoiceGroup("", [Choice(str(t.pk), t.name) for t in tags])]
        return self._tags

    # -- steps ----------------------------------------------------------------------------

    def stage_steps(self, missing: Sequence[StageFields]) -> list[DialogStep]:
        """One step per stage entered whose mandatory fields are empty, in order (B14)."""
        return [
            DialogStep(
                key=f"stage-{item.stage.pk}",
                title=_("Stage %(stage)s") % {"stage": item.stage.name},
                fields=[self.mandatory_field(name) for name in item.fields],
            )
            for item in missing
        ]

    def won_step(self, won_stages: Sequence[Stage], asked: set[str]) -> DialogStep:
        """B16: the won stage and the signed date, with the chosen won stage's own fields."""
        stage = self.input_field("stage", _("New stage"), "select")
        stage.groups = [ChoiceGroup("", [Choice(str(s.pk), s.name) for s in won_stages])]
        signed_on = self.input_field("signed_on", _("Signed on"), "date")
        signed_on.value = signed_on.value or today_iso()
        step = DialogStep(key="won", title=_("Mark as won"), fields=[stage, signed_on])
        for won in won_stages:
            missing = rules.missing_for_win(self.opportunity, won)
            own = [m for m in missing if m.stage.pk == won.pk]
            names = [n for item in own for n in item.fields if n not in asked]
            if names:
                step.conditional.append(
                    ConditionalFields(
                        stage=won,
                        fields=[self.mandatory_field(n, prefix=f"{won.pk}-") for n in names],
                    )
                )
        return step

    def lose_step(self) -> DialogStep:
        """B17: a reason, grouped by the status it gives, and the day it was lost."""
        reason = self.input_field("reason", _("Reason"), "select")
        by_status: dict[str, list[Choice]] = {}
        for item in LossReason.objects.all():
            by_status.setdefault(item.status, []).append(Choice(str(item.pk), item.name))
        reason.groups = [
            ChoiceGroup(str(label), by_status[value])
            for value, label in LossStatus.choices
            if value in by_status
        ]
        lost_on = self.input_field("lost_on", _("Lost on"), "date")
        lost_on.value = lost_on.value or today_iso()
        return DialogStep(key="lose", title=_("Mark as lost"), fields=[reason, lost_on])

    def leftover_errors(self) -> list[str]:
        """Messages about no field of the dialog (the version, the whole request)."""
        return [
            message
            for name, messages in self.errors.items()
            if name not in self.used_errors
            for message in messages
        ]


def open_on_first_fault(steps: list[DialogStep], submitted: bool) -> list[DialogStep]:
    """Marks the step to show first: the first one at fault, else the first one."""
    for step in steps:
        step.current = False
    faulty = next((s for s in steps if s.has_errors), None)
    if faulty is None and submitted:
        faulty = next((s for s in steps if any(not f.value for f in s.fields)), None)
    (faulty or steps[0]).current = True
    return steps


def required_errors(missing: Sequence[StageFields]) -> dict[str, list[str]]:
    """After a *Save*, a mandatory field still empty says so next to itself."""
    return {name: [_("This field is required.")] for item in missing for name in item.fields}


def won_stages(opportunity: Opportunity) -> list[Stage]:
    stages = Stage.objects.filter(template_id=opportunity.stage.template_id, status=StageStatus.WON)
    return sorted(stages, key=rules.stage_position)


def open_steps_before_win(opportunity: Opportunity) -> list[StageFields]:
    """The open stages not yet passed that have empty mandatory fields (B16's first dialogs)."""
    stages = rules.open_stages(opportunity.stage.template)
    if not stages:
        return []
    return rules.missing_for_move(opportunity, stages[-1])


__all__ = [
    "Choice",
    "ChoiceGroup",
    "Dialog",
    "DialogBuilder",
    "DialogField",
    "DialogStep",
    "open_on_first_fault",
    "open_steps_before_win",
    "posted_values",
    "required_errors",
    "won_stages",
]
