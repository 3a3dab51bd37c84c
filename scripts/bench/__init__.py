"""`make bench`: how the board, the calendar, moves, API lists and live search hold at scale.

Every figure is a ratio to a baseline measured in the same run on the same data, so that the
numbers say something on any machine. The bench builds its own databases under `var/bench/`
(a SQLite file) and on PostgreSQL (`salespipe_bench`, created and dropped), and writes the
figures to `var/bench/results.json`. Run it with `python -m scripts.bench [--quick]`.
"""
