"""The change feed (SPEC B21): one row per change of an opportunity, read by cursor."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeKind(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")


# PostgreSQL's channel, which the feed's trigger notifies: every reader listens to it.
CHANNEL = "salespipe_live"


class Change(models.Model):
    """An opportunity created, changed or deleted: what an open page needs to ask for it.

    Holds ids only, never a value: which company and portfolios it concerns decides who is
    told, and what is shown is read again with the reader's rights. Rows are kept a day, for
    pages that reconnect after a short loss of network.
    """

    # The cursor: pages and server processes read the rows after the last id they saw.
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    # Not a foreign key: the row outlives a deleted opportunity.
    opportunity_id = models.BigIntegerField()
    # The opportunity's version after the change; an action planned keeps it.
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    portfolio_id = models.BigIntegerField()
    # The portfolio it left, when the change took it to another one (B19, reuse).
    left_portfolio_id = models.BigIntegerField(null=True, blank=True)
    # The page that made the change, so that it does not ask again for what it already shows.
    origin = models.CharField(max_length=40, blank=True)

    company_path = "company"

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.opportunity_id}"
