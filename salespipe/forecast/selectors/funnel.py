"""The funnel of a period (SPEC X6): how far the opportunities created in it went, from each
stage to the next and to won, and the median time spent in each stage, read from the history.

- An opportunity *reached* a stage when it was in it or in a later one (its furthest stage
  in the history, or the one it is in, by the stages' order); a won one reached them all. A stage's conversion to
  the next is the share of those that reached it that reached the next (for the last open
  stage, that were won); its conversion to won, the share that were won.
- A *stay* in a stage starts when the opportunity is created in it or moved into it, and ends
  at its next move, or when it is won or lost; the median is over the stays that ended in the
  period, of every opportunity of the scope and filters, in days.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Max, Q
from django.db.models.expressions import Window
from django.db.models.functions import Lead

from salespipe.forecast.selectors import Period, Reach
from salespipe.pipeline.models import HistoryEntry, OpportunityStatus, Stage

SECONDS_A_DAY = 86400
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class StageFlow:
    stage: Stage
    # Of the opportunities created in the period: how many reached this stage, the next
    # one (won, after the last open stage), and were won.
    reached: int
    reached_next: int
    won: int
    # The stays in this stage that ended in the period, and their median length in days.
    stays: int
    median_days: Decimal | None

    @property
    def to_next(self) -> Decimal | None:
        return _percent(self.reached_next, self.reached)

    @property
    def to_won(self) -> Decimal | None:
        return _percent(self.won, self.reached)


@dataclass(frozen=True)
class Funnel:
    label: str
    period: Period
    # The opportunities created in the period, and how many of them were won.
    created: int
    won: int
    stages: list[StageFlow]
    # Several templates: stages are named with theirs.
    several_templates: bool

    @property
    def most_stays(self) -> int:
        return max((flow.stays for flow in self.stages), default=0)


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def funnel(reach: Reach, period: Period) -> Funnel:
    """X6: conversion and time in stage over `period`, in two queries."""
    stages = reach.scope.stages
    reached, won, created = _reached(reach, period, stages)
    medians = _median_stays(reach, period, stages)
    flows = []
    for index, stage in enumerate(stages):
        following = stages[index + 1] if index + 1 < len(stages) else None
        same_template = following is not None and following.template_id == stage.template_id
        template_won = won.get(stage.template_id, 0)
        stays, median = medians.get(stage.pk, (0, None))
        flows.append(
            StageFlow(
                stage=stage,
                reached=reached.get(stage.pk, 0),
                reached_next=reached.get(following.pk, 0)
                if following is not None and same_template
                else template_won,
                won=template_won,
                stays=stays,
                median_days=median,
            )
        )
    return Funnel(
        label=reach.scope.label,
        period=period,
        created=created,
        won=sum(won.values()),
        stages=flows,
        several_templates=len({stage.template_id for stage in stages}) > 1,
    )


def _reached(
    reach: Reach, period: Period, stages: list[Stage]
) -> tuple[dict[int, int], dict[int, int], int]:
    """How many of the opportunities created in the period reached each open stage, and were
    won per template, and how many were created: one query, grouped twice, by opportunity for
    its furthest stage then by what the funnel tells apart."""
    start, after = period.moments()
    per_opportunity = (
        reach.opportunities.filter(created_at__gte=start, created_at__lt=after)
        .order_by()
        .values("pk", "portfolio__template_id", "stage__order", "status")
        .annotate(
            furthest=Max(
                "history__entered_stage__order",
                filter=Q(history__entered_stage__template_id=F("portfolio__template_id")),
            )
        )
    )
    try:
        inner, params = per_opportunity.query.sql_with_params()
    except EmptyResultSet:  # a user scoped on no company, or a filter nothing can match
        return {}, {}, 0
    sql = f"""
        WITH cohort (id, template_id, stage_order, status, furthest) AS ({inner})
        SELECT template_id, stage_order, furthest, status, COUNT(*)
        FROM cohort
        GROUP BY template_id, stage_order, furthest, status
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    reached: dict[int, int] = {}
    won: dict[int, int] = {}
    created = 0
    for template_id, stage_order, furthest, status, count in rows:
        created += count
        in_template = [s for s in stages if s.template_id == template_id]
        if status == OpportunityStatus.WON:
            won[template_id] = won.get(template_id, 0) + count
            top = None
        else:
            top = max(order for order in (stage_order, furthest) if order is not None)
        for stage in in_template:
            if top is None or stage.order <= top:
                reached[stage.pk] = reached.get(stage.pk, 0) + count
    return reached, won, created


def _duration_seconds(left: str, entered: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({left} - {entered}))"
    if connection.vendor == "sqlite":
        return f"(julianday({left}) - julianday({entered})) * {SECONDS_A_DAY}.0"
    raise NotImplementedError(connection.vendor)


def _medians_sql() -> str:
    """Per stage, how many stays and the median of their seconds, from `stays`: PostgreSQL's
    ordered-set aggregate; elsewhere the mean of the one or two middle rows, found by rank."""
    if connection.vendor == "postgresql":
        return """
            SELECT stage_id, COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)
            FROM stays
            GROUP BY stage_id
        """
    return """
        , ranked AS (
            SELECT stage_id, seconds,
                ROW_NUMBER() OVER (PARTITION BY stage_id ORDER BY seconds) AS rank,
                COUNT(*) OVER (PARTITION BY stage_id) AS stays
            FROM stays
        )
        SELECT stage_id, MAX(stays), AVG(seconds)
        FROM ranked
        WHERE rank IN ((stays + 1) / 2, (stays + 2) / 2)
        GROUP BY stage_id
    """


def _median_stays(
    reach: Reach, period: Period, stages: list[Stage]
) -> dict[int, tuple[int, Decimal | None]]:
    """Per open stage, the stays that ended in the period and their median length in days:
    one query, whose window function finds each stay's end."""
    if not stages:
        return {}
    start, after = period.moments()
    ends_or_starts = Q(field="stage") | (Q(field="status") & ~Q(new_value=OpportunityStatus.OPEN))
    # Only the opportunities with a stay ending in the period, and their marks before its end.
    moved_then = HistoryEntry.objects.filter(ends_or_starts, at__gte=start, at__lt=after)
    marks = (
        HistoryEntry.objects.filter(
            ends_or_starts,
            opportunity__in=reach.opportunities.values("pk"),
            opportunity_id__in=moved_then.values("opportunity_id"),
            at__lt=after,
        )
        .annotate(
            left_at=Window(
                Lead("at"), partition_by=[F("opportunity_id")], order_by=[F("at"), F("id")]
            )
        )
        .order_by()
        .values_list("entered_stage_id", "at", "left_at")
    )
    try:
        inner, params = marks.query.sql_with_params()
    except EmptyResultSet:
        return {}
    bounds = [connection.ops.adapt_datetimefield_value(moment) for moment in (start, after)]
    stage_ids = [stage.pk for stage in stages]
    listed = ", ".join(["%s"] * len(stage_ids))
    sql = f"""
        WITH marks (stage_id, entered_at, left_at) AS ({inner}),
        stays AS (
            SELECT stage_id, {_duration_seconds("left_at", "entered_at")} AS seconds
            FROM marks
            WHERE stage_id IN ({listed}) AND left_at >= %s AND left_at < %s
        )
        {_medians_sql()}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *stage_ids, *bounds])
        return {
            stage_id: (
                stays,
                (Decimal(str(seconds)) / SECONDS_A_DAY).quantize(TENTH, rounding=ROUND_HALF_UP),
            )
            for stage_id, stays, seconds in cursor.fetchall()
        }
