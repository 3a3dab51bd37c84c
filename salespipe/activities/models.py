"""Actions: the calls, demos and proposals that move deals forward."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salespipe.customers.models import Account, Contact
from salespipe.org.models import Company


class ActionKind(models.TextChoices):
    CALL = "call", _("Call")
    DEMO = "demo", _("Demo")
    MEETING = "meeting", _("Meeting")
    PROPOSAL = "proposal", _("Send proposal")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


class Action(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    kind = models.CharField(_("type"), max_length=16, choices=ActionKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    due_at = models.DateTimeField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("assignee"),
    )
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # Named by its label: the pipeline reads actions back (a card's next action).
    opportunity = models.ForeignKey(
        "pipeline.Opportunity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("opportunity"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("contact"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["opportunity", "done", "due_at"], name="action_planned"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(opportunity__isnull=False) | Q(account__isnull=False),
                name="action_has_subject_record",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ActionKind.values), name="action_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.due_at < timezone.now()
