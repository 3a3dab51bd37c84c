"""The app served as in production, for browser tests that need several requests at once
(a live feed stays open): gunicorn with two uvicorn worker processes, on a database of its
own of the suite's kind, a SQLite file or a new PostgreSQL database, holding the test world.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    url: str
    ids: dict[str, Any]


@contextmanager
def _database(folder: Path) -> Iterator[str]:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{folder / 'served.sqlite3'}"
        return
    name = f"salespipe_served_{uuid.uuid4().hex[:12]}"
    server = (
        f"postgres://{database['USER']}:{database.get('PASSWORD') or ''}"
        f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"No answer from {url}:\n{log.read_text()[-3000:]}")


@contextmanager
def served_app(folder: Path, *, workers: int = 2) -> Iterator[Served]:
    with _database(folder) as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "served-browser-tests-" + uuid.uuid4().hex,
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "WEB_CONCURRENCY": str(workers),
            "DJANGO_SETTINGS_MODULE": "salespipe.settings",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

        def run(*command: str) -> str:
            done = subprocess.run(
                [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if done.returncode:
                raise RuntimeError(done.stderr[-3000:])
            return done.stdout

        run("manage.py", "migrate", "--noinput", "-v", "0")
        run("manage.py", "collectstatic", "--noinput", "-v", "0")
        ids = json.loads(run("-m", "tests.browser.served_world").strip().splitlines()[-1])
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = folder / "gunicorn.log"
        with log.open("w") as output:
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "salespipe.asgi:application",
                    "--config",
                    str(ROOT / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait(url, server, log)
                yield Served(url, ids)
            finally:
                server.terminate()
                server.wait(timeout=30)
