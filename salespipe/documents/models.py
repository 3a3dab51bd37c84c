"""Files attached to an opportunity; they belong to the opportunity's company (SPEC S5)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salespipe.org.models import Company


def storage_name(instance: "Document", filename: str) -> str:  # noqa: ARG001 (upload_to's)
    # The name on disk never comes from the user: no path tricks, no clashes.
    return f"documents/{instance.company_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    # Named by its label: the sheet lists an opportunity's documents.
    opportunity = models.ForeignKey(
        "pipeline.Opportunity", on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=storage_name, max_length=255)
    original_name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
