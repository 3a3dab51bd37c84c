"""The group using Salespipe: companies, their currencies, and the collaborators who log in."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Currency(models.Model):
    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    code = models.CharField(
        _("code"),
        max_length=3,
        primary_key=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code: three capital letters."))],
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ExchangeRate(models.Model):
    """One unit of `source` is worth `rate` units of `target` from `valid_from` on (SPEC B6)."""

    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    source = models.ForeignKey(
        Currency, on_delete=models.CASCADE, related_name="+", verbose_name=_("from")
    )
    target = models.ForeignKey(
        Currency, on_delete=models.CASCADE, related_name="+", verbose_name=_("to")
    )
    valid_from = models.DateField(_("valid from"), default=dt.date.today)
    rate = models.DecimalField(
        _("rate"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["source", "target", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "valid_from"], name="exchange_rate_unique_per_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="exchange_rate_two_currencies"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.source_id} = {self.rate} {self.target_id} ({self.valid_from})"


class Company(models.Model):
    company_path = "pk"

    name = models.CharField(_("name"), max_length=120, unique=True)
    currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("currency")
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    # Configuration shared by the whole group: every user reads it (see org.access).
    company_path = None

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Collaborator(AbstractUser):
    """A user: one team, one department, scoped to some companies, with feature rights."""

    company_path = "companies"

    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    companies = models.ManyToManyField(
        Company,
        blank=True,
        related_name="collaborators",
        verbose_name=_("company scope"),
        help_text=_("The companies whose opportunities, accounts and documents this user sees."),
    )
    # Feature rights (DMF numbers of the original product in the help texts).
    quick_account = models.BooleanField(
        _("create a prospect from the opportunity form"),
        default=False,
        help_text=_(
            "Right 191420: typing a new account name in the opportunity form offers Create."
        ),
    )
    change_default_stage = models.BooleanField(
        _("choose the stage when creating an opportunity"),
        default=False,
        help_text=_("Right 191421: the stage field of the creation form is editable."),
    )
    show_closed = models.BooleanField(
        _("see closed accounts and contacts"),
        default=False,
        help_text=_(
            "Right 191516: closed accounts and contacts appear in lists and autocompletes."
        ),
    )
    # Preferences remembered per user.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=[("fr", "Français"), ("en", "English")],
        help_text=_("Empty: the browser's language."),
    )
    show_weighted = models.BooleanField(_("show weighted amounts"), default=False)

    # The ids of the companies in scope, read once per request by the access module.
    _scope_company_ids: frozenset[int] | None = None

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
