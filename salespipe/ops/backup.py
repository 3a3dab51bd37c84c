"""Backup and restore (SPEC SEC6): one file holding the database and the documents.

The file is a tar archive:

- `manifest.json`: the format, the database engine, when it was taken, the migrations it
  holds, and the documents with their sizes;
- `database.sqlite3` (SQLite's online backup) or `database.pgdump` (`pg_dump`, custom
  format), a consistent snapshot taken while the app runs;
- `documents/<name>`: each document's file, as its storage names it.

The documents are the ones the snapshot names, read in the same snapshot (PostgreSQL
exports it to `pg_dump`; SQLite reads them from the copy), so that a restore gives back a
database whose every row, history included, is as it was at one instant, and every file
those rows point to.

A restore goes into an empty database only: one that has never been migrated, or whose
tables hold no row of the project's.
"""

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

from salespipe.documents.models import Document

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PGDUMP_MEMBER = "database.pgdump"
DOCUMENTS = "documents/"
# What a fresh `migrate` fills by itself: a database holding only these is empty.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})


class BackupError(Exception):
    """A backup or restore that can't be done; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    engine: str
    documents: int
    missing_documents: list[str]
    size: int


def _documents_storage() -> Storage:
    """Where the documents' field keeps them: MEDIA_ROOT, or the bucket (B21)."""
    return Document.file.field.storage


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups are made for SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """`pg_dump`/`pg_restore` connection arguments for the default database, password apart."""
    settings = connection.settings_dict
    args = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run_pg_tool(name: str, *arguments: str) -> None:
    """Runs `pg_dump` or `pg_restore` on the default database; BackupError when it fails."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is needed for a PostgreSQL backup: install the PostgreSQL client "
            "(Debian: apt-get install postgresql-client), of the server's version or newer."
        )
    connection_args, env = _pg_env()
    done = subprocess.run(
        [found, *connection_args, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip()}")


# --- taking a backup ----------------------------------------------------------------------


def _document_names_sqlite(copy: Path) -> list[str]:
    with closing(sqlite3.connect(copy)) as db:
        rows = db.execute('SELECT "file" FROM "documents_document" ORDER BY "id"').fetchall()
    return [name for (name,) in rows if name]


@contextmanager
def _database_snapshot(work: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """The database copied into `work`, with the document names of that same instant."""
    engine = _engine()
    if engine == "sqlite":
        target = work / SQLITE_MEMBER
        connection.ensure_connection()
        source = connection.connection
        assert source is not None
        with closing(sqlite3.connect(target)) as copy:
            # One step: the copy is the database as one read transaction saw it.
            source.backup(copy)
        yield SQLITE_MEMBER, target, _document_names_sqlite(target)
        return
    target = work / PGDUMP_MEMBER
    # A transaction of its own, whose snapshot pg_dump shares: the documents listed here
    # are exactly the ones of the dump.
    with connections["default"].cursor() as cursor:
        in_transaction = connections["default"].in_atomic_block
        if in_transaction:
            raise BackupError("A backup can't be taken inside a transaction.")
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute('SELECT "file" FROM "documents_document" ORDER BY "id"')
            names = [name for (name,) in cursor.fetchall() if name]
            _run_pg_tool(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--snapshot",
                snapshot,
                "--file",
                str(target),
            )
        finally:
            cursor.execute("ROLLBACK")
    yield PGDUMP_MEMBER, target, names


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def take_backup(output: Path) -> Summary:
    """Writes the backup to `output`, atomically: a failed backup leaves no file there."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work_dir:
        work = Path(work_dir)
        partial = work / "partial.tar"
        with _database_snapshot(work) as (member, copy, names):
            documents, missing = [], []
            with tarfile.open(partial, "w") as archive:
                archive.add(copy, arcname=member)
                storage = _documents_storage()
                for name in names:
                    try:
                        with storage.open(name, "rb") as stored:
                            data = stored.read()
                    except FileNotFoundError:
                        missing.append(name)
                        continue
                    _add_bytes(archive, DOCUMENTS + name, data)
                    documents.append({"name": name, "size": len(data)})
                manifest = {
                    "format": FORMAT,
                    "engine": connection.vendor,
                    "database": member,
                    "taken_at": dt.datetime.now(dt.UTC).isoformat(),
                    "migrations": _migrations(),
                    "documents": documents,
                    "missing_documents": missing,
                }
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
        # It holds every company's data and the password hashes: its owner's alone.
        os.chmod(partial, 0o600)
        os.replace(partial, output)
    return Summary(connection.vendor, len(documents), missing, output.stat().st_size)


# --- restoring ----------------------------------------------------------------------------


def _rows_held() -> dict[str, int]:
    """The tables of the database that hold rows beyond what `migrate` writes itself."""
    held: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES or table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            count = cursor.fetchone()[0]
            if count:
                held[table] = count
    return held


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("This file is not a Salespipe backup: it holds no manifest.json.")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def restore_backup(source: Path) -> Summary:
    """Puts the backup `source` into the default database, which must be empty, and its
    documents into the storage."""
    engine = _engine()
    try:
        archive = tarfile.open(source, "r")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Can't read {source}: {exc}") from None
    with archive, tempfile.TemporaryDirectory(prefix=".restore-") as work_dir:
        manifest = _read_manifest(archive)
        if manifest["engine"] != engine:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; the configured database "
                f"is {engine}. Restore it into a {manifest['engine']} database."
            )
        held = _rows_held()
        if held:
            listed = ", ".join(f"{table} ({count})" for table, count in sorted(held.items())[:5])
            raise BackupError(
                "A backup is restored into an empty database, and this one holds rows: "
                f"{listed}. Point DATABASE_URL at a new database and run restore again."
            )
        member = manifest["database"]
        database = Path(work_dir) / member
        with archive.extractfile(member) as packed, database.open("wb") as unpacked:  # type: ignore[union-attr]
            shutil.copyfileobj(packed, unpacked)
        if engine == "sqlite":
            connection.ensure_connection()
            target = connection.connection
            assert target is not None
            with closing(sqlite3.connect(database)) as copy:
                copy.backup(target)
        else:
            connection.close()
            _run_pg_tool(
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                str(database),
            )
        documents = 0
        storage = _documents_storage()
        for entry in manifest["documents"]:
            name = entry["name"]
            packed = archive.extractfile(DOCUMENTS + name)
            assert packed is not None
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(packed.read()))
            if saved != name:
                raise BackupError(f"The storage renamed {name} to {saved}.")
            documents += 1
    connection.close()
    return Summary(engine, documents, list(manifest["missing_documents"]), source.stat().st_size)
