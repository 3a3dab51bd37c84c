"""An import from the browser (SPEC X5): the file kept with its guessed columns, then, once
its owner has checked them, run in the background by a task worker, with its progress and
its report kept on the job, so that closing the browser stops nothing."""

import datetime as dt
import logging
from collections.abc import Mapping

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.imports.files import Table, read_table
from salespipe.imports.mapping import KINDS, READY, DateOrder, Kind, guess, source_of
from salespipe.imports.models import STALLED_AFTER, ImportJob, JobStatus
from salespipe.imports.services import Plan, Report, check_plan, destination, import_records
from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.org import access
from salespipe.org.models import Collaborator

logger = logging.getLogger(__name__)

# The most a file may weigh, as the request size limit lets it through.
MAX_BYTES = 20 * 1024 * 1024
# Progress is written every so many rows: often enough for a bar, rarely enough to cost nothing.
PROGRESS_EVERY = 25


def job_of(user: Collaborator, job_id: object) -> ImportJob:
    """The user's own import into a company he is still in, or `OutOfScope` (shown as a
    missing page)."""
    key = integer(job_id)
    job = _jobs_of(user).filter(pk=key).first() if key is not None else None
    if job is None:
        raise access.OutOfScope(ImportJob, job_id)
    return job


def recent_jobs(user: Collaborator, count: int = 10) -> list[ImportJob]:
    """The user's latest imports, into companies he is still in."""
    return list(_jobs_of(user)[:count])


def _jobs_of(user: Collaborator) -> QuerySet[ImportJob]:
    """The imports `user` made into companies he is still in: he alone sees them."""
    return ImportJob.objects.filter(owner=user, company__in=access.companies(user))


def job_create(
    *,
    user: Collaborator,
    kind: str,
    name: str,
    data: bytes,
    company_id: int | None = None,
    portfolio_id: int | None = None,
) -> ImportJob:
    """A file received: read, its columns guessed, kept for its owner to check."""
    if kind not in KINDS:
        raise InvalidInput({"kind": [_("Accounts, contacts or opportunities are expected.")]})
    if len(data) > MAX_BYTES:
        raise InvalidInput({"file": [_("A file of at most 20 MB is expected.")]})
    table = read_table(name, data)
    typed_kind: Kind = kind
    source = source_of(typed_kind, table.headers)
    company, portfolio = destination(user, typed_kind, company_id, portfolio_id)
    job = ImportJob(
        owner=user,
        company=company,
        portfolio=portfolio,
        kind=kind,
        file_name=name[:255],
        headers=table.headers,
        columns=guess(typed_kind, table.headers, source),
        date_order=READY[source].date_order if source else "dmy",
        source=source or "",
        total=len(table.rows),
    )
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    return job


def job_start(
    *,
    user: Collaborator,
    job_id: object,
    columns: Mapping[int, str],
    date_order: DateOrder,
    dry_run: bool,
) -> ImportJob:
    """The columns checked: the import (or its dry run) queued for a worker."""
    job = job_of(user, job_id)
    plan = _plan(job, columns, date_order)
    check_plan(user, plan, Table(headers=job.headers, rows=[]))
    # Claimed in one conditional write: two clicks at once queue it once. A run whose worker
    # fell silent is taken over under a new number; the old worker's writes then match
    # nothing and it stops at its next progress.
    busy = Q(status=JobStatus.QUEUED) | (
        Q(status=JobStatus.RUNNING)
        & (Q(beat_at__isnull=True) | Q(beat_at__gte=timezone.now() - STALLED_AFTER))
    )
    claimed = (
        ImportJob.objects.filter(pk=job.pk)
        .exclude(busy)
        .update(
            columns={str(index): name for index, name in columns.items()},
            date_order=date_order,
            dry_run=dry_run,
            status=JobStatus.QUEUED,
            run=F("run") + 1,
            done=0,
            report=[],
            error="",
            finished_at=None,
        )
    )
    if not claimed:
        raise InvalidInput({"__all__": [_("This import is already running.")]})
    job.refresh_from_db()
    run = job.run
    transaction.on_commit(lambda: run_import.enqueue(job.pk, run))
    return job


def _plan(job: ImportJob, columns: Mapping[int, str], date_order: DateOrder) -> Plan:
    kind: Kind = job.kind  # type: ignore[assignment]
    return Plan(
        kind=kind,
        columns=dict(columns),
        date_order=date_order,
        company_id=job.company_id,
        portfolio_id=job.portfolio_id,
    )


class Superseded(Exception):
    """The job was taken over by a later run (its worker had fallen silent): this one stops."""


@task
def run_import(job_id: int, run: int) -> None:
    """The worker's part (`manage.py db_worker`, any machine): the rows imported as their
    owner, the progress and the report kept on the job, for the run `job_start` numbered."""
    mine = ImportJob.objects.filter(pk=job_id, run=run)
    # Claimed from the queue by one worker only; a job already taken is left alone.
    if not mine.filter(status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, done=0, beat_at=timezone.now()
    ):
        return
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    try:
        report = _run(job, mine)
    except Superseded:
        logger.warning("Import %s run %s was taken over by a later run", job_id, run)
        return
    except Exception as exc:
        # Whatever stops it (a file gone, the database), the job says so and may run again.
        logger.exception("Import %s failed", job.pk)
        mine.update(
            status=JobStatus.FAILED,
            error=str(exc)
            if isinstance(exc, InvalidInput)
            else _("An unexpected error stopped it."),
            finished_at=timezone.now(),
        )
        return
    mine.update(
        status=JobStatus.DONE,
        done=len(report.rows),
        total=len(report.rows),
        report=[[row.line, row.action, row.label, row.reason] for row in report.rows],
        finished_at=timezone.now(),
    )
    forget_old_imports()


def forget_old_imports() -> int:
    """The imports untouched for `IMPORTS_KEPT_DAYS` (finished, or uploaded and never run, or
    stopped with their worker), deleted with their files: a file of customers is not kept
    longer than it serves. How many."""
    before = timezone.now() - dt.timedelta(days=settings.IMPORTS_KEPT_DAYS)
    old = ImportJob.objects.alias(last=Coalesce("finished_at", "beat_at", "created_at")).filter(
        Q(status__in=[JobStatus.MAPPING, JobStatus.DONE, JobStatus.FAILED], last__lt=before)
        | Q(status=JobStatus.RUNNING, beat_at__lt=before)
    )
    count = 0
    for job in old.only("file", "status", "run"):
        # Deleted only as it was read: a job started again meanwhile is left alone. Its row
        # first: a file without its job is found by nobody, a job without its file fails.
        deleted, _kinds = ImportJob.objects.filter(
            pk=job.pk, status=job.status, run=job.run
        ).delete()
        if deleted:
            job.file.delete(save=False)
            count += 1
    return count


def _run(job: ImportJob, mine: QuerySet[ImportJob]) -> Report:
    with job.file.open("rb") as file:
        table = read_table(job.file_name, file.read())
    columns = {int(index): name for index, name in job.columns.items()}
    plan = _plan(job, columns, job.date_order)  # type: ignore[arg-type]

    written = 0

    def progress(done: int) -> None:
        # Rows come one at a time or a batch at once.
        nonlocal written
        if done - written >= PROGRESS_EVERY:
            if not mine.filter(status=JobStatus.RUNNING).update(done=done, beat_at=timezone.now()):
                raise Superseded
            written = done

    return import_records(
        user=job.owner, table=table, plan=plan, dry_run=job.dry_run, progress=progress
    )
