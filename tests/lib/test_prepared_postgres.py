"""Statements PostgreSQL keeps prepared survive a migration run beside the app (SPEC B21):
a column whose type changed is read again, without an error and without a restart."""

import psycopg
import pytest
from django.db import connection

from salespipe.lib import prepared
from salespipe.pipeline.selectors.layouts import board
from salespipe.test import make_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def _alter(statement: str) -> None:
    # The deploy's `migrate`, in its own process, while this one keeps its connection.
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as other:
        other.execute(statement)


def test_a_board_is_read_again_after_a_migration_widens_a_column(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: statements the server keeps prepared")
    settings.PREPARED_READS_CHECK = False
    prepared._SHAPES.clear()
    world = make_world()
    # Prepares the portfolio's read on this connection.
    board(user=world.alice, portfolio_id=world.portfolio_a.pk)
    _alter("ALTER TABLE pipeline_portfolio ALTER COLUMN name TYPE varchar(200)")
    try:
        for _ in range(3):
            found = board(user=world.alice, portfolio_id=world.portfolio_a.pk)
            assert found.portfolio == world.portfolio_a
    finally:
        _alter("ALTER TABLE pipeline_portfolio ALTER COLUMN name TYPE varchar(120)")
        prepared._SHAPES.clear()
