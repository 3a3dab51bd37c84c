"""What an import remembers (SPEC X5): which record a row of another system became, so that
importing the same file again updates it instead of creating it twice."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salespipe.org.models import Company


class ImportedKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    CONTACTS = "contacts", _("Contacts")
    OPPORTUNITIES = "opportunities", _("Opportunities")


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


# A worker writes its progress every few seconds; this long without it, it has stopped.
STALLED_AFTER = dt.timedelta(minutes=10)


class JobStatus(models.TextChoices):
    MAPPING = "mapping", _("Columns to match")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One file brought in from the browser: its columns' fields, then its run in the
    background, its progress and its report (SPEC X5). Only its owner sees it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ImportedKind.choices)
    portfolio = models.ForeignKey(
        "pipeline.Portfolio", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    headers = models.JSONField(default=list)
    # The field each column fills, by column index as text, and how the file writes dates.
    columns = models.JSONField(default=dict)
    date_order = models.CharField(max_length=3, default="dmy")
    source = models.CharField(max_length=20, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.MAPPING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Each row's outcome: [line, action, label, reason].
    report = models.JSONField(default=list)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Each start's number: a worker writes only for the run it was given.
    run = models.PositiveIntegerField(default=0)
    # When its worker last said it was alive (claiming it, then with its progress).
    beat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else min(100, self.done * 100 // self.total)

    @property
    def stalled(self) -> bool:
        """Running, but its worker has said nothing for `STALLED_AFTER`: it was stopped (a
        machine restarted, a process killed). It may be run again."""
        return (
            self.status == JobStatus.RUNNING
            and self.beat_at is not None
            and self.beat_at < timezone.now() - STALLED_AFTER
        )

    @property
    def running(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING) and not self.stalled
