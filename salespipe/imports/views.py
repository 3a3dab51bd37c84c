"""The import pages (SPEC X5): upload a file, check the columns guessed, run a dry run or the
import in the background, watch its progress and read its report. Thin: the rules are the
import's services'; a job is its owner's alone."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from salespipe.imports import jobs
from salespipe.imports.files import read_table
from salespipe.imports.forms import MappingForm, UploadForm, source_label
from salespipe.imports.models import ImportJob, JobStatus
from salespipe.imports.rejected import rejected_csv
from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.web.http import AuthedRequest


def _job(request: AuthedRequest, pk: int) -> ImportJob:
    try:
        return jobs.job_of(request.user, pk)
    except OutOfScope:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def new_import(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.user, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            company_id, portfolio_id = form.destination()
            upload = form.cleaned_data["file"]
            try:
                job = jobs.job_create(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    name=upload.name,
                    data=upload.read(),
                    company_id=company_id,
                    portfolio_id=portfolio_id,
                )
            except InvalidInput as refused:
                for name, messages in refused.errors.items():
                    form.add_error(name if name in form.fields else None, messages)
            else:
                return redirect("imports:job", pk=job.pk)
        status = 422
    recent = jobs.recent_jobs(request.user)
    return render(
        request,
        "imports/new.html",
        {"form": form, "recent": recent, "nav": "imports"},
        status=status,
    )


def _mapping_form(job: ImportJob, data: object = None) -> MappingForm:
    initial = {f"column_{index}": name for index, name in job.columns.items()}
    initial["date_order"] = job.date_order
    return MappingForm(job.kind, job.headers, data, initial=initial)  # type: ignore[arg-type]


@login_required
@require_safe
def job_page(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = {
        "job": job,
        "form": _mapping_form(job),
        "source": source_label(job.source),
        "nav": "imports",
        "rejected": [row for row in job.report if row[1] == "rejected"],
        "counts": {
            action: sum(1 for row in job.report if row[1] == action)
            for action in ("created", "updated", "unchanged", "rejected")
        },
    }
    template = "imports/job.html#progress" if request.htmx else "imports/job.html"
    return render(request, template, context)


@login_required
@require_POST
def run(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = _mapping_form(job, request.POST)
    if form.is_valid():
        try:
            jobs.job_start(
                user=request.user,
                job_id=job.pk,
                columns=form.columns(),
                date_order=form.cleaned_data["date_order"],
                dry_run="dry_run" in request.POST,
            )
        except InvalidInput as refused:
            for messages in refused.errors.values():
                form.add_error(None, messages)
        else:
            return redirect("imports:job", pk=job.pk)
    context = {
        "job": job,
        "form": form,
        "source": source_label(job.source),
        "nav": "imports",
        "rejected": [],
        "counts": {},
    }
    return render(request, "imports/job.html", context, status=422)


@login_required
@require_safe
def rejected_rows(request: AuthedRequest, pk: int) -> HttpResponse:
    """The refused rows of the last run, with the file's columns and the reason, as CSV."""
    job = _job(request, pk)
    if job.status != JobStatus.DONE:
        raise Http404
    with job.file.open("rb") as file:
        table = read_table(job.file_name, file.read())
    body = rejected_csv(table, ((row[0], row[3]) for row in job.report if row[1] == "rejected"))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-{job.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
