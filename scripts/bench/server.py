"""A real server for the bench: gunicorn on a free local port, on the bench's database."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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


@contextmanager
def gunicorn(workers: int, log: Path) -> Iterator[str]:
    """Serves the app with `workers` processes; yields its base URL, stops it afterwards.

    Its output goes to `log`: the races log every refused move (409) as a warning.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    executable = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "ERROR"}
    output = log.open("w")
    server = subprocess.Popen(
        [
            str(executable),
            "salespipe.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
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
