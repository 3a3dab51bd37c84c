"""Which mandatory fields a stage change still needs: the one place for SPEC B14, B16 and O4.

A stage lists the opportunity fields that must be filled to *enter* it. Entering a stage
means reaching it from an earlier one, so:

- moving forward enters every open stage after the current one up to and including the
  target (B14);
- winning enters every open stage not yet passed, then the won stage chosen (B16);
- creating enters every open stage up to and including the one it starts in (O4);
- moving backward and losing enter nothing (B14, B17).

Values given with the request count as filled before checking. A field that several stages
require is listed once, at the first stage that asks for it: the dialogs follow one another
and the value given in the first one fills it for the next.

These functions only read; they judge a value given on being empty, not on being valid
(the values' checks are `values.clean_values`).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from salespipe.pipeline.models import (
    MANDATORY_FIELD_CHOICES,
    Opportunity,
    Stage,
    StageStatus,
    StageTemplate,
)

# The order fields are asked in, within one stage: the order of the configuration screen.
_FIELD_ORDER = {name: index for index, (name, _label) in enumerate(MANDATORY_FIELD_CHOICES)}


@dataclass(frozen=True)
class StageFields:
    """The mandatory fields (names of `MANDATORY_FIELD_NAMES`) still empty for one stage."""

    stage: Stage
    fields: list[str]


def stage_position(stage: Stage) -> tuple[int, int]:
    """Where a stage sits in its template; the id breaks ties between equal orders."""
    return (stage.order, stage.pk)


def is_empty(value: Any) -> bool:
    """None, a blank string or an empty collection; zero is a value."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return not value
    return False


def current_value(opportunity: Opportunity | None, name: str) -> Any:
    """What a mandatory-able field holds now; a new opportunity holds nothing."""
    if opportunity is None:
        return None
    if name == "contact":
        return opportunity.contact_id
    if name == "tags":
        if opportunity.pk is None:
            return []
        return list(opportunity.tags.all())
    return getattr(opportunity, name)


def _missing(
    stages: Iterable[Stage], opportunity: Opportunity | None, values: Mapping[str, Any]
) -> list[StageFields]:
    asked: set[str] = set()
    missing: list[StageFields] = []
    for stage in stages:
        fields = []
        for name in sorted(stage.mandatory_fields, key=lambda n: _FIELD_ORDER.get(n, 99)):
            if name in asked:
                continue
            value = values[name] if name in values else current_value(opportunity, name)
            if is_empty(value):
                fields.append(name)
                asked.add(name)
        if fields:
            missing.append(StageFields(stage=stage, fields=fields))
    return missing


@dataclass(frozen=True)
class Readiness:
    """X3: how ready an opportunity is for the next open stage of its template: how many of
    the fields that stage makes mandatory it has filled, and which are still empty."""

    stage: Stage
    filled: int
    # The names still empty, in the order of the configuration screen.
    missing: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.filled + len(self.missing)


def readiness(next_stage: Stage | None, value_of: Callable[[str], Any]) -> Readiness | None:
    """X3: the opportunity whose field values `value_of` gives, against `next_stage`'s
    mandatory fields; None when there is no next open stage or it asks for nothing."""
    if next_stage is None or not next_stage.mandatory_fields:
        return None
    names = sorted(next_stage.mandatory_fields, key=lambda n: _FIELD_ORDER.get(n, 99))
    missing = tuple(name for name in names if is_empty(value_of(name)))
    return Readiness(stage=next_stage, filled=len(names) - len(missing), missing=missing)


def stale_since(
    updated_at: dt.datetime,
    stale_after_days: int | None,
    planned_until: dt.datetime | None,
    now: dt.datetime,
) -> dt.datetime | None:
    """X1: when an open opportunity went stale, or None: `stale_after_days` (its stage's)
    after its last change, once that moment is past, unless an action planned for it and not
    done is due from now on (`planned_until`: the latest such due time)."""
    if stale_after_days is None:
        return None
    since = updated_at + dt.timedelta(days=stale_after_days)
    if since > now or (planned_until is not None and planned_until >= now):
        return None
    return since


def next_open_stages(stages: Sequence[Stage]) -> dict[int, Stage]:
    """For open stages given in board order (of one template or several, each template's
    together), the open stage that follows each one in its template; the last has none."""
    return {
        current.pk: following
        for current, following in pairwise(stages)
        if current.template_id == following.template_id
    }


def open_stages(template: StageTemplate) -> list[Stage]:
    """The open stages of a template, in board order."""
    stages = [s for s in template.stages.all() if s.status == StageStatus.OPEN]
    return sorted(stages, key=stage_position)


def stages_entered_by_move(current: Stage, target: Stage) -> list[Stage]:
    """The open stages a move from `current` to `target` enters, in order; none backward."""
    low, high = stage_position(current), stage_position(target)
    if high <= low:
        return []
    return [s for s in open_stages(current.template) if low < stage_position(s) <= high]


def missing_for_move(
    opportunity: Opportunity, target_stage: Stage, values: Mapping[str, Any] | None = None
) -> list[StageFields]:
    """B14: per stage entered (forward only), the mandatory fields still empty."""
    entered = stages_entered_by_move(opportunity.stage, target_stage)
    return _missing(entered, opportunity, values or {})


def missing_for_win(
    opportunity: Opportunity, won_stage: Stage, values: Mapping[str, Any] | None = None
) -> list[StageFields]:
    """B16: the open stages not yet passed, in order, then the won stage."""
    current = stage_position(opportunity.stage)
    ahead = [s for s in open_stages(opportunity.stage.template) if stage_position(s) > current]
    return _missing([*ahead, won_stage], opportunity, values or {})


def missing_for_create(
    template: StageTemplate, target_stage: Stage, values: Mapping[str, Any] | None = None
) -> list[StageFields]:
    """O4: every open stage up to and including the one the new opportunity starts in."""
    target = stage_position(target_stage)
    entered = [s for s in open_stages(template) if stage_position(s) <= target]
    return _missing(entered, None, values or {})


def fields_required_up_to(stage: Stage) -> dict[str, Stage]:
    """Each field an open opportunity in `stage` had to fill, with the first stage asking it.

    The sheet (S2) refuses to empty these again: the stage would no longer be reachable.
    """
    required: dict[str, Stage] = {}
    position = stage_position(stage)
    for entered in open_stages(stage.template):
        if stage_position(entered) > position:
            break
        for name in entered.mandatory_fields:
            required.setdefault(name, entered)
    return required
