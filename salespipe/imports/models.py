"""What an import remembers (SPEC X5): which record a row of another system became, so that
importing the same file again updates it instead of creating it twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salespipe.org.models import Company


class ImportedKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Account")
    CONTACTS = "contacts", _("Contact")
    OPPORTUNITIES = "opportunities", _("Opportunity")


class ExternalKey(models.Model):
    """The id a record has in the system it came from, within one company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ImportedKind.choices)
    key = models.CharField(_("ID in the other system"), max_length=200)
    # The account's, contact's or opportunity's id; a deleted record's key finds nothing.
    record_id = models.PositiveBigIntegerField(_("record"))

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "key"], name="external_key_once_per_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.record_id}"
