"""The forecast's charts, drawn by the server (SPEC X6): with no script and no style attribute,
so that they show under the strict CSP and print as they are. Each chart has its numbers in a
table beside it; the chart only draws them.

The months are a `Chart`: SVG geometry, bars in a `width` x `height` box with the texts to
write and the lines of its scale. The stages are a `BarChart`: rows of words, each with a
bar. Colours come from the stylesheet, by the bars' `kind`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal
from django.utils.translation import gettext as _

from salespipe.forecast.selectors.funnel import Funnel
from salespipe.forecast.selectors.months import Forecast
from salespipe.web.templatetags.display import current_locale, share, tenth_days

WIDTH = 720
MONTH_HEIGHT = 260
MONTH_TOP = 14
MONTH_BOTTOM = 40
MONTH_LEFT = 64


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    # won, open, weighted, reached, time: the stylesheet's colour for it.
    kind: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def _scale_top(largest: Decimal) -> Decimal:
    """A round number at least `largest`: 1, 2 or 5 times a power of ten."""
    if largest <= 0:
        return Decimal(1)
    power = Decimal(10) ** (len(str(int(largest))) - 1)
    for step in (1, 2, 5, 10):
        if largest <= step * power:
            return step * power
    return 10 * power


def _compact(value: Decimal) -> str:
    return format_compact_decimal(value, locale=current_locale(), fraction_digits=1)


def month_chart(forecast: Forecast) -> Chart:
    """Per month, side by side: won, open and open weighted; the target as a line across."""
    months = forecast.months
    values = [v for m in months for v in (m.won.amount, m.open.amount, m.open.weighted)]
    values += [m.target for m in months if m.target is not None]
    top = _scale_top(max(values, default=Decimal(0)))
    plot_height = MONTH_HEIGHT - MONTH_TOP - MONTH_BOTTOM
    band = (WIDTH - MONTH_LEFT - 8) / max(len(months), 1)
    bar = band / 4
    base = MONTH_TOP + plot_height

    def y_of(value: Decimal) -> float:
        return base - float(value / top) * plot_height

    chart = Chart(width=WIDTH, height=MONTH_HEIGHT)
    for step in range(5):
        value = top * step / 4
        y = y_of(value)
        chart.lines.append(Line(MONTH_LEFT, y, WIDTH - 8, y, "grid"))
        chart.texts.append(Text(MONTH_LEFT - 6, y + 4, _compact(value), "end"))
    for index, month in enumerate(months):
        left = MONTH_LEFT + index * band + bar / 2
        for offset, (value, kind) in enumerate(
            (
                (month.won.amount, "won"),
                (month.open.amount, "open"),
                (month.open.weighted, "weighted"),
            )
        ):
            if value > 0:
                y = y_of(value)
                chart.bars.append(Bar(left + offset * bar, y, bar - 1, base - y, kind))
        if month.target is not None:
            y = y_of(month.target)
            chart.lines.append(Line(left - bar / 4, y, left + 3 * bar + bar / 4, y, "target"))
        label = format_date(month.month.first_day, "MMM yy", locale=current_locale())
        chart.texts.append(Text(left + 1.5 * bar, base + 18, label, "middle"))
    return chart


@dataclass(frozen=True)
class BarRow:
    label: str
    # The bar's length, in % of the longest.
    share: float
    text: str


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per row: drawn as HTML rows with a bar each, so that their words
    keep the page's size on a phone, where a whole SVG would shrink them."""

    rows: list[BarRow]
    # won, open, weighted, reached, time: the stylesheet's colour of the bars.
    kind: str


def _rows(
    labels: Sequence[str], values: Sequence[Decimal], texts: Sequence[str], kind: str
) -> BarChart:
    top = max(values, default=Decimal(0))
    return BarChart(
        rows=[
            BarRow(label, float(value / top * 100) if top > 0 else 0.0, text)
            for label, value, text in zip(labels, values, texts, strict=True)
        ],
        kind=kind,
    )


def stage_labels(names: Sequence[tuple[str, str]], several_templates: bool) -> list[str]:
    """Stage names, with their template's when a chart mixes several."""
    if not several_templates:
        return [name for name, _template in names]
    return [stage_in_template(name, template) for name, template in names]


def stage_in_template(stage: str, template: str) -> str:
    """ "Projects: Proposal"; in French "Projets : Proposition"."""
    return _("%(template)s: %(stage)s") % {"template": template, "stage": stage}


def stage_chart(forecast: Forecast) -> BarChart:
    """The open amounts expected in the period, weighted, by stage."""
    several = len({row.stage.template_id for row in forecast.stages}) > 1
    labels = stage_labels(
        [(row.stage.name, row.stage.template.name) for row in forecast.stages], several
    )
    values = [row.open.weighted for row in forecast.stages]
    return _rows(labels, values, [_compact(value) for value in values], "weighted")


def conversion_chart(funnel: Funnel) -> BarChart:
    """How many of the opportunities created in the period reached each stage."""
    labels = stage_labels(
        [(flow.stage.name, flow.stage.template.name) for flow in funnel.stages],
        funnel.several_templates,
    )
    values = [Decimal(flow.reached) for flow in funnel.stages]
    texts = [
        format_decimal(flow.reached, locale=current_locale())
        + (f" · → {share(flow.to_next)}" if flow.to_next is not None else "")
        for flow in funnel.stages
    ]
    return _rows(labels, values, texts, "reached")


def time_chart(funnel: Funnel) -> BarChart:
    """The median days spent in each stage."""
    labels = stage_labels(
        [(flow.stage.name, flow.stage.template.name) for flow in funnel.stages],
        funnel.several_templates,
    )
    values = [flow.median_days or Decimal(0) for flow in funnel.stages]
    texts = [tenth_days(flow.median_days) for flow in funnel.stages]
    return _rows(labels, values, texts, "time")
