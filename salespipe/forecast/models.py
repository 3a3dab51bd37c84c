"""The monthly sales targets a forecast is drawn against (SPEC X6)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from salespipe.pipeline.models import Portfolio


class SalesTarget(models.Model):
    """What a portfolio should sign in one month, in its company's currency."""

    company_path = "portfolio__company"

    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="+", verbose_name=_("portfolio")
    )
    # The month's first day: a target is for a whole month.
    month = models.DateField(
        _("month"), help_text=_("Any day of the month; the month's first day is kept.")
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In the currency of the portfolio's company."),
    )

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["portfolio", "month"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "month"], name="sales_target_one_a_month"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="sales_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.portfolio} {self.month:%Y-%m}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Whatever the door, a target names its month by the month's first day.
        if self.month is not None:
            self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        # Before the form checks the month is not taken yet.
        if self.month is not None:
            self.month = self.month.replace(day=1)
