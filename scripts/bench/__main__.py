"""`python -m scripts.bench [--quick]`: seeds its databases, measures, prints, writes JSON.

Each database is measured in its own process (`scripts.bench.phase`), as the app reads its
database from `DATABASE_URL` when it starts: the SQLite file `var/bench/bench.sqlite3` and
the PostgreSQL database `salespipe_bench` on `BENCH_POSTGRES_URL` (default
postgres://postgres@127.0.0.1:5432), both created afresh and removed at the end.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .machine import describe
from .report import rows_of, table

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "salespipe_bench"


def _phase(database_url: str, out: Path, options: list[str]) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    command = [sys.executable, "-m", "scripts.bench.phase", "--out", str(out), *options]
    finished = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if finished.returncode != 0:
        return {"error": f"the measuring process failed (exit {finished.returncode})"}
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def _sqlite_files() -> list[Path]:
    base = OUT / "bench.sqlite3"
    return [base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")]


def _postgres(statement: str) -> str | None:
    """Runs a statement on the server's maintenance database; the error, if any."""
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as db:
            db.execute(statement)
    except Exception as error:
        return f"{error.__class__.__name__}: {error}".strip()
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 only.")
    args = parser.parse_args(argv)
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = "1000,10000" if args.quick else "1000,10000,100000"
    runs = "5" if args.quick else "7"
    moves, races = ("25", "100") if args.quick else ("100", "1000")
    live = "40" if args.quick else "80"
    imports = "1000" if args.quick else "10000,100000"
    machine = describe(f"{POSTGRES}/postgres")
    print(f"Salespipe bench ({'quick' if args.quick else 'full'}): {sizes} open opportunities")
    print(
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, SQLite {machine['sqlite']}, "
        f"PostgreSQL {machine['postgresql']}, load {machine['load_average_at_start']}"
    )
    results: dict[str, Any] = {"machine": machine, "quick": args.quick, "databases": {}}

    for path in _sqlite_files():
        path.unlink(missing_ok=True)
    print("SQLite…", flush=True)
    results["databases"]["sqlite"] = _phase(
        f"sqlite:///{_sqlite_files()[0]}",
        OUT / "sqlite.json",
        [
            *("--sizes", sizes, "--runs", runs, "--live", live, "--live-search", "2000,5000"),
            *("--imports", imports),
        ],
    )
    for path in _sqlite_files():
        path.unlink(missing_ok=True)

    print("PostgreSQL…", flush=True)
    problem = _postgres(f"DROP DATABASE IF EXISTS {DATABASE}") or _postgres(
        f"CREATE DATABASE {DATABASE}"
    )
    if problem:
        results["databases"]["postgresql"] = {"error": f"no PostgreSQL ({problem})"}
    else:
        results["databases"]["postgresql"] = _phase(
            f"{POSTGRES}/{DATABASE}",
            OUT / "postgresql.json",
            [
                *("--sizes", sizes, "--runs", runs, "--moves", moves, "--races", races),
                *("--live", live, "--imports", imports),
            ],
        )
        _postgres(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")

    rows = rows_of(results)
    results["rows"] = [row.as_dict() for row in rows]
    results["seconds"] = round(time.monotonic() - started, 1)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print()
    print(table(rows))
    print()
    print(f"Done in {results['seconds']:.0f} s; figures in {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
