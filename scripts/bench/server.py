"""A real server for the bench: gunicorn started as `make run` starts it, on a free port."""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_served(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped before answering; see its log under var/bench/.")
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=2):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError(f"No answer from {url} after 30 s.")


def serving() -> dict[str, Any]:
    """The processes and their kind that gunicorn.conf.py gives, for the report."""
    config = runpy.run_path(str(CONFIG))
    return {"workers": int(config["workers"]), "worker_class": str(config["worker_class"])}


@contextmanager
def gunicorn(log: Path, settings: str | None = None) -> Iterator[str]:
    """Serves the app as `make run` does; yields its base URL, stops it afterwards.

    The same configuration file, and the static files collected first: pages name them
    through collectstatic's manifest. Its output goes to `log`. `settings` names another
    settings module (`DJANGO_SETTINGS_MODULE`), as the framework floor's.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    executable = Path(sys.executable).with_name("gunicorn")
    static = log.parent / "static"
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "ERROR", "STATIC_ROOT": str(static)}
    if settings is not None:
        env["DJANGO_SETTINGS_MODULE"] = settings
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    output = log.open("w")
    server = subprocess.Popen(
        [
            str(executable),
            "salespipe.asgi:application",
            "--config",
            str(CONFIG),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_served(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        output.close()
