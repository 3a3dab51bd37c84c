"""Backup and restore (SPEC SEC6), as an operator runs them: the commands in
their own processes, on a database of their own, on SQLite and, when the suite runs on it,
PostgreSQL, with the documents in a folder or in an S3-compatible bucket.

A round trip gives back every row and every document byte; a backup taken while eight
clients move cards restores to a database whose every version has its history row; a
restore refuses a database that holds data.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings

from salespipe.documents.storage import S3_VARIABLES
from tests.object_store import Bucket, new_bucket

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
ENGINES = ["sqlite", *(["postgresql"] if ON_POSTGRES else [])]


@dataclass
class Site:
    """One installation: its database, and its documents folder or bucket."""

    env: dict[str, str]
    media: Path
    bucket: Bucket | None = None

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def python(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", textwrap.dedent(code)).stdout

    def spawn(self, code: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", textwrap.dedent(code)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def _base_env(tmp: Path) -> dict[str, str]:
    # Each site names its own database and documents: nothing of the caller's may leak in.
    unset = {
        "DATABASE_URL",
        "MEDIA_ROOT",
        "SALESPIPE_VAR_DIR",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        *S3_VARIABLES,
    }
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return env | {"SECRET_KEY": "backup-tests-" + "k" * 40}


def _server_url() -> str:
    server = django_settings.DATABASES["default"]
    return (
        f"postgres://{server['USER']}:{server.get('PASSWORD') or ''}@"
        f"{server.get('HOST') or '127.0.0.1'}:{server.get('PORT') or 5432}"
    )


def _postgres(sql: str) -> None:
    with psycopg.connect(f"{_server_url()}/postgres", autocommit=True) as admin:
        admin.execute(sql)


def _site(engine: str, folder: Path, database: str, bucket: Bucket | None = None) -> Site:
    env = _base_env(folder) | {
        "SALESPIPE_VAR_DIR": str(folder),
        "MEDIA_ROOT": str(folder / "media"),
    }
    if engine == "postgresql":
        env["DATABASE_URL"] = f"{_server_url()}/{database}"
    if bucket is not None:
        env |= bucket.environ()
    return Site(env, folder / "media", bucket)


@pytest.fixture(scope="module", params=ENGINES)
def seeded(request, tmp_path_factory) -> Iterator[tuple[str, Path, str]]:
    """One installation with the demo data and three documents, seeded once per engine."""
    engine = request.param
    folder = tmp_path_factory.mktemp(f"seeded-{engine}")
    database = f"salespipe_backup_seed_{uuid.uuid4().hex[:8]}"
    if engine == "postgresql":
        _postgres(f'CREATE DATABASE "{database}"')
    site = _site(engine, folder, database)
    site.manage("migrate", "--noinput")
    site.manage("seed_demo", "--opportunities", "120", "--seed", "5")
    site.python(ATTACH_DOCUMENTS)
    yield engine, folder, database
    if engine == "postgresql":
        _postgres(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def sites(seeded: tuple[str, Path, str], tmp_path: Path) -> Iterator[tuple[Site, Site]]:
    """A copy of the seeded installation, and an empty one, on the same engine."""
    engine, seeded_folder, seeded_database = seeded
    names = {role: f"salespipe_backup_{role}_{uuid.uuid4().hex[:8]}" for role in ("src", "dst")}
    shutil.copytree(seeded_folder, tmp_path / "source")
    (tmp_path / "copy").mkdir()
    if engine == "postgresql":
        _postgres(f'CREATE DATABASE "{names["src"]}" TEMPLATE "{seeded_database}"')
        _postgres(f'CREATE DATABASE "{names["dst"]}"')
    yield (
        _site(engine, tmp_path / "source", names["src"]),
        _site(engine, tmp_path / "copy", names["dst"]),
    )
    if engine == "postgresql":
        for name in names.values():
            _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=ENGINES)
def bucket_sites(request, s3_endpoint: str, tmp_path: Path) -> Iterator[tuple[Site, Site]]:
    """Two installations keeping their documents in buckets of their own: one with the demo
    data and three documents, and an empty one."""
    engine = request.param
    names = {role: f"salespipe_backup_s3_{role}_{uuid.uuid4().hex[:8]}" for role in ("src", "dst")}
    if engine == "postgresql":
        for name in names.values():
            _postgres(f'CREATE DATABASE "{name}"')
    source, copy = (
        _site(engine, tmp_path / role, names[role], new_bucket(s3_endpoint)) for role in names
    )
    source.manage("migrate", "--noinput")
    source.manage("seed_demo", "--opportunities", "30", "--seed", "5")
    source.python(ATTACH_DOCUMENTS)
    yield source, copy
    if engine == "postgresql":
        for name in names.values():
            _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


ATTACH_DOCUMENTS = """
    from django.core.files.uploadedfile import SimpleUploadedFile
    from salespipe.documents.services import document_upload
    from salespipe.org.models import Collaborator
    from salespipe.pipeline.models import Opportunity
    alice = Collaborator.objects.get(username="alice")
    for index, opportunity in enumerate(Opportunity.objects.filter(company__in=alice.companies.all())[:3]):
        data = bytes(range(256)) * (index + 1) + "é".encode()
        document_upload(user=alice, opportunity_id=opportunity.pk,
                        upload=SimpleUploadedFile(f"offer {index}.bin", data))
"""

DOCUMENT_BYTES = """
    import hashlib, json
    from salespipe.documents.models import Document
    print(json.dumps({d.file.name: hashlib.sha256(d.file.read()).hexdigest()
                      for d in Document.objects.order_by("id")}))
"""

VERSIONS_AND_HISTORY = """
    import json
    from django.db.models import Count, Q
    from salespipe.pipeline.models import Opportunity
    rows = Opportunity.objects.annotate(
        moves=Count("history", filter=Q(history__field="stage"))
    ).values_list("id", "version", "moves")
    print(json.dumps({str(pk): [version, moves] for pk, version, moves in rows}))
"""

EIGHT_MOVERS = """
    import os, random, sys, threading, time
    from django.db import connection
    from salespipe.lib.errors import DomainError
    from salespipe.org.models import Collaborator
    from salespipe.pipeline.services import rules
    from salespipe.pipeline import services
    from salespipe.pipeline.models import Opportunity, OpportunityStatus

    alice = Collaborator.objects.get(username="alice")
    ids = list(Opportunity.objects.filter(
        status=OpportunityStatus.OPEN, company__in=alice.companies.all()
    ).values_list("id", flat=True))
    moved = [0] * 8

    def mover(number):
        user = Collaborator.objects.get(username="alice")
        chance = random.Random(number)
        deadline = time.monotonic() + 180
        # Until the test says stop, once its backup is taken.
        while time.monotonic() < deadline and not os.path.exists(os.environ["STOP_MOVING"]):
            opportunity = Opportunity.objects.select_related("portfolio__template").get(
                pk=chance.choice(ids))
            stages = rules.open_stages(opportunity.portfolio.template)
            target = stages[0] if opportunity.stage_id != stages[0].pk else stages[1]
            try:
                services.opportunity_move(user=user, opportunity_id=opportunity.pk,
                                          version=opportunity.version, stage_id=target.pk)
            except DomainError:
                continue
            moved[number] += 1
            if sum(moved) == 40:
                print("moving", flush=True)
        connection.close()

    threads = [threading.Thread(target=mover, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(sum(moved), flush=True)
"""


def _all_rows(site: Site) -> str:
    return site.manage("dumpdata", "--all", "--indent", "0", "--exclude", "sessions").stdout


def test_a_restore_gives_back_every_row_and_every_document_byte(
    sites: tuple[Site, Site], tmp_path: Path
):
    source, copy = sites
    backup = tmp_path / "salespipe.backup"
    said = source.manage("backup", "--output", str(backup)).stdout
    assert "3 document(s)" in said
    # Every company's data and the password hashes: readable by its owner alone.
    assert backup.stat().st_mode & 0o777 == 0o600
    restored = copy.manage("restore", str(backup)).stdout
    assert "3 document(s)" in restored
    rows = _all_rows(source)
    assert _all_rows(copy) == rows
    documents = json.loads(source.python(DOCUMENT_BYTES))
    assert len(documents) == 3
    assert json.loads(copy.python(DOCUMENT_BYTES)) == documents
    # A second restore would mix two installations: refused, and nothing changed.
    again = copy.manage("restore", str(backup), check=False)
    assert again.returncode != 0
    assert "empty database" in again.stderr
    assert _all_rows(copy) == rows


def test_a_backup_taken_while_eight_clients_move_cards_restores_each_version_with_its_history(
    sites: tuple[Site, Site], tmp_path: Path
):
    source, copy = sites
    before = json.loads(source.python(VERSIONS_AND_HISTORY))
    stop = tmp_path / "stop-moving"
    source.env["STOP_MOVING"] = str(stop)
    movers = source.spawn(EIGHT_MOVERS)
    assert movers.stdout is not None
    assert movers.stdout.readline().strip() == "moving"
    backup = tmp_path / "during.backup"
    source.manage("backup", "--output", str(backup))
    time.sleep(1)  # the cards go on moving after the backup
    stop.touch()
    out, err = movers.communicate(timeout=120)
    assert movers.returncode == 0, err
    assert int(out.strip()) > 40
    copy.manage("restore", str(backup))
    after = json.loads(copy.python(VERSIONS_AND_HISTORY))
    moved_in_backup = 0
    for pk, (version, moves) in after.items():
        old_version, old_moves = before[pk]
        # Every version written holds its stage history row, and no row lacks its version.
        assert version - old_version == moves - old_moves, pk
        moved_in_backup += version - old_version
    assert moved_in_backup > 0, "the backup was taken while cards moved"
    final = json.loads(source.python(VERSIONS_AND_HISTORY))
    assert sum(v for v, _m in final.values()) > sum(v for v, _m in after.values())


def test_a_file_that_is_no_backup_is_refused(sites: tuple[Site, Site], tmp_path: Path):
    _source, copy = sites
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    refused = copy.manage("restore", str(bogus), check=False)
    assert refused.returncode != 0
    assert "Can't read" in refused.stderr or "not a Salespipe backup" in refused.stderr


def test_a_restore_puts_every_document_back_into_a_bucket_under_its_own_name(
    bucket_sites: tuple[Site, Site], tmp_path: Path
):
    """B21: with the documents in a bucket, backup reads them from it and restore writes them
    into the new installation's bucket, private as every document is."""
    source, copy = bucket_sites
    assert source.bucket is not None
    assert copy.bucket is not None
    keys = source.bucket.keys()
    assert len(keys) == 3
    backup = tmp_path / "bucket.backup"
    assert "3 document(s)" in source.manage("backup", "--output", str(backup)).stdout

    assert "3 document(s)" in copy.manage("restore", str(backup)).stdout

    assert _all_rows(copy) == _all_rows(source)
    documents = json.loads(source.python(DOCUMENT_BYTES))
    assert len(documents) == 3
    assert json.loads(copy.python(DOCUMENT_BYTES)) == documents
    assert copy.bucket.keys() == keys
    for key in keys:
        assert copy.bucket.read(key) == source.bucket.read(key)
        assert copy.bucket.anonymous_get(key) == 403
    # Nothing went through either server's disk.
    assert not source.media.exists()
    assert not copy.media.exists()
    # An object gone from the bucket is named, and the backup holds the others.
    source.bucket.client.delete_object(Bucket=source.bucket.name, Key=keys[0])
    again = source.manage("backup", "--output", str(tmp_path / "again.backup"))
    assert "2 document(s)" in again.stdout
    gone = keys[0].removeprefix(f"{source.bucket.prefix}/")
    assert f"Missing in the storage, left out: {gone}" in again.stderr
