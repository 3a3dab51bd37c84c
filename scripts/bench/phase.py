"""One database's part of the bench, in its own process: `DATABASE_URL` says which database.

`python -m scripts.bench.phase --sizes 1000,10000 --out FILE [--moves] [--live]
[--live-search]` migrates the (empty) database, builds the bench world, grows it to each
size in turn and measures the board, the calendar and the API lists at each; then, when
asked, the moves under load (PostgreSQL), a board move's answer and the live feeds, and live
search in Chromium, at the largest size. The figures go to
FILE as JSON.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salespipe.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # whitenoise warns on every start when the folder `make run` collects into is missing,
    # as on a clone where the app was never served.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

    # Pages name static files; the bench measures the app, not a collectstatic manifest.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", required=True)
    parser.add_argument("--moves", type=int, default=0, help="Moves per client; 0: none.")
    parser.add_argument("--races", type=int, default=0, help="Contended rounds; 0: none.")
    parser.add_argument("--live-search", default="", help="Card counts, comma-separated.")
    parser.add_argument("--imports", default="", help="Rows imported, comma-separated.")
    parser.add_argument(
        "--live", type=int, default=0, help="Board moves, and moves heard by the feeds; 0: none."
    )
    args = parser.parse_args(argv)
    _setup_django()

    from django.core.management import call_command
    from django.db import connection

    from .api_lists import measure_api_lists
    from .exports import measure_exports
    from .forecast import measure_forecast
    from .pages import measure_board, measure_calendar
    from .world import create_world, grow

    def say(text: str) -> None:
        print(f"  [{connection.vendor}] {text}", flush=True)

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    say(f"migrated in {time.monotonic() - started:.1f} s")
    world = create_world()
    result: dict[str, Any] = {"vendor": connection.vendor, "sizes": {}}
    for size in [int(text) for text in args.sizes.split(",")]:
        started = time.monotonic()
        grow(world, size)
        with connection.cursor() as cursor:
            # Fresh statistics, as a database in use has, so that both sides get good plans.
            cursor.execute("ANALYZE")
        seeded = time.monotonic() - started
        say(f"{size} open opportunities seeded in {seeded:.1f} s")
        figures: dict[str, Any] = {"seed_s": seeded}
        figures["board"] = measure_board(world, args.runs)
        say(f"board: {_brief(figures['board'])}")
        figures["calendar"] = measure_calendar(world, args.runs)
        say(f"calendar: {_brief(figures['calendar'])}")
        figures["forecast"] = measure_forecast(world, args.runs)
        say(
            f"forecast: {figures['forecast']['queries']} queries, "
            f"{figures['forecast']['page_s'] * 1000:.1f} ms, "
            f"{figures['forecast']['ratio']:.2f}× one aggregate query"
        )
        figures["exports"] = measure_exports(world)
        say(
            "exports: "
            + ", ".join(
                f"{name} {part['seconds']:.1f} s, peak {part['peak_bytes'] / 2**20:.1f} MiB"
                for name, part in figures["exports"].items()
            )
        )
        figures["api"] = measure_api_lists(world, args.runs)
        say(
            f"API lists: first {figures['api']['first_ratio']:.2f}×, deep {figures['api']['deep_ratio']:.2f}×"
        )
        result["sizes"][str(size)] = figures
    if args.imports:
        from .imports import measure_imports

        counts = [int(text) for text in args.imports.split(",")]
        say(f"imports of {', '.join(map(str, counts))} opportunities…")
        result["imports"] = measure_imports(world, counts)
        for count, part in result["imports"].items():
            say(
                f"import of {count}: {part['import_s']:.1f} s, {part['ratio']:.1f}× a bulk insert "
                f"({part['created']} created, {part['rejected']} rejected)"
            )
    if connection.vendor == "sqlite":
        from .logins import measure_logins

        result["logins"] = measure_logins()
        say(f"logins: a refused try costs {result['logins']['ratio']:.3f}× a normal one")
    if args.moves:
        from .moves import measure_moves

        say("moves under load…")
        result["moves"] = measure_moves(world, moves_per_client=args.moves, races=args.races)
        say(f"moves: {result['moves']['ratio']:.2f}× the baseline's throughput")
    if args.live:
        from .listeners import LISTENERS, serve_and_measure

        say(f"a board move's answer, then moves heard by {LISTENERS} live feeds…")
        result["live"] = serve_and_measure(world, board_moves=args.live, moves=args.live)
        board, heard = result["live"]["board_move"], result["live"]["listeners"]
        say(
            f"board move: {board['bytes_share']:.1%} of the board's bytes, "
            f"{board['time_ratio']:.2f}× the API move's time"
        )
        if "error" in heard:
            say(f"live feeds: {heard['error']}")
        else:
            say(
                f"live feeds: p95 {heard['delay_p95_s']:.3f} s, moves "
                f"{heard['move_ratio']:.2f}× their time with nobody listening"
            )
    if args.live_search:
        from .live_search import measure_live_search

        counts = [int(text) for text in args.live_search.split(",")]
        say("live search in Chromium…")
        result["live_search"] = measure_live_search(world, counts)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str))
    return 0


def _brief(figures: dict[str, Any] | None) -> str:
    if figures is None:
        return "no page yet"
    return (
        f"{figures['queries']} queries, {figures['page_s'] * 1000:.1f} ms, "
        f"{figures['ratio']:.2f}× the baseline, {figures['cards_drawn']} cards"
    )


if __name__ == "__main__":
    sys.exit(main())
