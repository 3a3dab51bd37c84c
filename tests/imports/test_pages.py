"""X5 from the browser's side: upload, the columns guessed and changed, a dry run and the
import run by the task worker, the progress, the report and the refused rows; a job is its
owner's alone."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from salespipe.imports import jobs
from salespipe.imports.models import ImportJob, JobStatus
from salespipe.pipeline.models import Opportunity
from salespipe.test import World
from tests.imports.test_imports import PIPEDRIVE_DEALS

pytestmark = pytest.mark.django_db


def _upload(client: Client, world: World) -> ImportJob:
    answer = client.post(
        "/imports/",
        {
            "kind": "opportunities",
            "target": f"portfolio:{world.portfolio_a.pk}",
            "file": SimpleUploadedFile("deals.csv", PIPEDRIVE_DEALS.encode(), "text/csv"),
        },
    )
    assert answer.status_code == 302, answer.content[:500]
    return ImportJob.objects.latest("pk")


def _mapping(job: ImportJob, **changes: str) -> dict[str, str]:
    data = {f"column_{index}": name for index, name in job.columns.items()}
    data["date_order"] = job.date_order
    data.update(changes)
    return data


def test_an_upload_guesses_the_columns_of_a_pipedrive_export(
    world: World, alice_client: Client
) -> None:
    job = _upload(alice_client, world)
    assert job.source == "pipedrive"
    assert job.total == 9
    page = alice_client.get(f"/imports/{job.pk}/").content.decode()
    assert "recognised as an export of Pipedrive" in page
    owner = job.headers.index("Deal - Owner")
    assert f'name="column_{owner}"' in page


# The worker closes its database connection between tasks, as a long-running process must: the
# test's data is committed for it, as a real request's is.
@pytest.mark.django_db(transaction=True)
def test_a_dry_run_then_the_import_through_the_worker(world: World, alice_client: Client) -> None:
    job = _upload(alice_client, world)
    owner = job.headers.index("Deal - Owner")
    # The owner column left out: the row of an unknown owner is imported as alice's.
    changed = _mapping(job, **{f"column_{owner}": ""})
    answer = alice_client.post(f"/imports/{job.pk}/run/", {**changed, "dry_run": "1"})
    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    # Waiting: the page polls its progress.
    progress = alice_client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in progress.content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.dry_run
    assert not Opportunity.objects.filter(name="Refonte du site").exists()
    page = alice_client.get(f"/imports/{job.pk}/").content.decode()
    assert "4 would be created, 0 updated, 5 refused." in page

    answer = alice_client.post(f"/imports/{job.pk}/run/", {**changed, "import": "1"})
    assert answer.status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert [row[1] for row in job.report].count("created") == 4
    assert Opportunity.objects.get(name="Inconnu").salesperson == world.alice
    rejected = alice_client.get(f"/imports/{job.pk}/rejected.csv")
    text = rejected.content.decode("utf-8-sig")
    assert "No stage Nowhere" in text
    assert text.splitlines()[0].startswith("line,Deal - ID,")


def test_a_field_chosen_for_two_columns_is_refused(world: World, alice_client: Client) -> None:
    job = _upload(alice_client, world)
    title = job.headers.index("Deal - Title")
    organization = job.headers.index("Deal - Organization")
    answer = alice_client.post(
        f"/imports/{job.pk}/run/",
        _mapping(job, **{f"column_{title}": "name", f"column_{organization}": "name"}),
    )
    assert answer.status_code == 422
    assert "chosen twice" in answer.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.MAPPING


def test_a_job_is_its_owners_alone(
    world: World, alice_client: Client, bob_client: Client, charlie_client: Client
) -> None:
    job = _upload(alice_client, world)
    for client in (bob_client, charlie_client):
        assert client.get(f"/imports/{job.pk}/").status_code == 404
        assert client.post(f"/imports/{job.pk}/run/", _mapping(job)).status_code == 404
        assert client.get(f"/imports/{job.pk}/rejected.csv").status_code == 404
    assert Client().get(f"/imports/{job.pk}/").status_code == 302
    # Its owner, once out of the company, no longer sees it either.
    assert alice_client.get(f"/imports/{job.pk}/").status_code == 200
    world.alice.companies.set([world.company_b])
    assert alice_client.get(f"/imports/{job.pk}/").status_code == 404
    assert alice_client.get(f"/imports/{job.pk}/rejected.csv").status_code == 404


def test_charlie_cannot_import_into_company_as_portfolio(
    world: World, charlie_client: Client
) -> None:
    answer = charlie_client.post(
        "/imports/",
        {
            "kind": "opportunities",
            "target": f"portfolio:{world.portfolio_a.pk}",
            "file": SimpleUploadedFile("deals.csv", PIPEDRIVE_DEALS.encode(), "text/csv"),
        },
    )
    assert answer.status_code == 422
    assert not ImportJob.objects.exists()


def test_a_file_that_is_not_a_table_is_refused(world: World, alice_client: Client) -> None:
    answer = alice_client.post(
        "/imports/",
        {
            "kind": "accounts",
            "target": f"company:{world.company_a.pk}",
            "file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert answer.status_code == 422
    assert "A .csv or .xlsx file is expected." in answer.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_was_stopped_says_so_and_runs_again(
    world: World, alice_client: Client
) -> None:
    job = _upload(alice_client, world)
    assert alice_client.post(f"/imports/{job.pk}/run/", {**_mapping(job), "import": "1"})
    job.refresh_from_db()
    # A worker took it, wrote 4 rows' progress, and was killed.
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, done=4, beat_at=timezone.now() - dt.timedelta(minutes=3)
    )
    # Still alive as far as anyone knows: it can't be started twice.
    answer = alice_client.post(f"/imports/{job.pk}/run/", {**_mapping(job), "import": "1"})
    assert "already running" in answer.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(beat_at=timezone.now() - dt.timedelta(minutes=11))
    page = alice_client.get(f"/imports/{job.pk}/").content.decode()
    assert "stopped after 4 of 9 rows" in page
    assert 'hx-trigger="every 1s"' not in page
    answer = alice_client.post(f"/imports/{job.pk}/run/", {**_mapping(job), "import": "1"})
    assert answer.status_code == 302
    # The silent worker, if it was only slow, writes nothing more for its old run.
    first_run = job.run
    job.refresh_from_db()
    assert job.run == first_run + 1
    jobs.run_import.call(job.pk, first_run)
    job.refresh_from_db()
    assert (job.status, Opportunity.objects.count()) == (JobStatus.QUEUED, 0)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Opportunity.objects.filter(name="Refonte du site").count() == 1


def test_imports_older_than_the_days_kept_are_forgotten_with_their_files(
    world: World, alice_client: Client, settings
) -> None:
    settings.IMPORTS_KEPT_DAYS = 30
    old, running, recent, rerun = (_upload(alice_client, world) for _ in range(4))
    month_ago = timezone.now() - dt.timedelta(days=31)
    ImportJob.objects.filter(pk__in=[old.pk, running.pk, rerun.pk]).update(created_at=month_ago)
    ImportJob.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING, beat_at=timezone.now())
    # Uploaded a month ago, run again today: kept as long as its new report.
    ImportJob.objects.filter(pk=rerun.pk).update(status=JobStatus.DONE, finished_at=timezone.now())
    storage = old.file.storage
    old_name, recent_name = str(old.file.name), str(recent.file.name)
    assert storage.exists(old_name)

    out = io.StringIO()
    call_command("forget_imports", stdout=out)
    assert out.getvalue().strip() == "1 imports forgotten"
    assert not storage.exists(old_name)
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {
        running.pk,
        recent.pk,
        rerun.pk,
    }
    assert storage.exists(recent_name)
    for job in (running, recent, rerun):
        job.file.delete(save=False)


def test_a_worker_whose_run_was_taken_over_stops_at_its_next_progress(
    world: World, alice_client: Client
) -> None:
    rows = "".join(f"{i},Deal {i},Boulangerie Dupont,100\n" for i in range(60))
    answer = alice_client.post(
        "/imports/",
        {
            "kind": "opportunities",
            "target": f"portfolio:{world.portfolio_a.pk}",
            "file": SimpleUploadedFile(
                "deals.csv",
                f"Deal - ID,Deal - Title,Deal - Organization,Deal - Value\n{rows}".encode(),
                "text/csv",
            ),
        },
    )
    assert answer.status_code == 302
    job = ImportJob.objects.latest("pk")
    # Run 1 is this worker's; a later start took the job over as run 2.
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, run=2)
    job.refresh_from_db()
    with pytest.raises(jobs.Superseded):
        jobs._run(job, ImportJob.objects.filter(pk=job.pk, run=1))
