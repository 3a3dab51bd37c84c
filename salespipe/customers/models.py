"""Accounts (clients and prospects) and their contacts; each account belongs to one company."""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salespipe.lib.phones import phone_search_key
from salespipe.lib.text import search_key
from salespipe.lib.validators import validate_phone, validate_siren
from salespipe.org.models import Company


class AccountKind(models.TextChoices):
    CLIENT = "client", _("Client")
    PROSPECT = "prospect", _("Prospect")


class Account(models.Model):
    # A closed account is out of scope without the right show_closed (SPEC A2, SEC1).
    hidden_without_right = ("show_closed", Q(is_closed=True))

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.PROSPECT
    )
    siren = models.CharField(
        _("SIREN"), max_length=9, blank=True, validators=[validate_siren], db_index=True
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Derived on save: what prefix searches (SPEC B11, B12) compare, so they can use an index.
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    phone_key = models.CharField(max_length=32, editable=False, blank=True, db_index=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["company", "created_at", "id"], name="account_company_created")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "siren"],
                condition=~Q(siren=""),
                name="account_siren_unique_per_company",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_keys()
        super().save(*args, **kwargs)

    def refresh_keys(self) -> None:
        self.name_key = search_key(self.name)
        self.phone_key = phone_search_key(self.phone)


class Contact(models.Model):
    company_path = "account__company"
    # So is a closed contact, or a contact of a closed account (SPEC A2, SEC1).
    hidden_without_right = ("show_closed", Q(is_closed=True) | Q(account__is_closed=True))

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("account")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    mobile = models.CharField(_("mobile"), max_length=32, blank=True, validators=[validate_phone])
    function = models.CharField(_("function"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    name_key = models.CharField(max_length=220, editable=False, db_index=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_keys()
        super().save(*args, **kwargs)

    def refresh_keys(self) -> None:
        # Last name first, so that "dupont" and "marie" are both prefixes that match.
        self.name_key = search_key(f"{self.last_name} {self.first_name}")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
