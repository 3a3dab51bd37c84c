"""Column totals kept by triggers, and an index on each column's default order (SPEC B4, B21).

A board without filters reads its columns' totals and its summary from `ColumnTotal`, which
triggers on the opportunities keep in the change's own transaction, whatever writes it. The
partial index lets a change find the card its card goes after by walking a column back from
it, however long the column.
"""

from collections.abc import Callable

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# --- The column totals' triggers --------------------------------------------------------------
#
# Each change of an opportunity adds itself to the row of its column (company, portfolio,
# stage, currency, shard) when it is open, and takes itself out of the row it left. A row is
# created when a first open opportunity arrives; taking out only updates, so that a table
# emptied before the opportunities (as tests flush them) is not refilled with negative rows.

SHARDS = 8

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION pipeline_column_total_add(
    k_company bigint, k_portfolio bigint, k_stage bigint, k_currency varchar, k_shard integer,
    d_count integer, d_amounts integer, d_amount bigint, d_days bigint
) RETURNS void AS $$
BEGIN
    IF d_count > 0 THEN
        INSERT INTO pipeline_columntotal AS t (
            company_id, portfolio_id, stage_id, currency_id, shard,
            count, amounts, amount_cents, days_cents
        ) VALUES (
            k_company, k_portfolio, k_stage, k_currency, k_shard,
            d_count, d_amounts, d_amount, d_days
        )
        ON CONFLICT (company_id, portfolio_id, stage_id, currency_id, shard) DO UPDATE SET
            count = t.count + EXCLUDED.count,
            amounts = t.amounts + EXCLUDED.amounts,
            amount_cents = t.amount_cents + EXCLUDED.amount_cents,
            days_cents = t.days_cents + EXCLUDED.days_cents;
    ELSE
        UPDATE pipeline_columntotal SET
            count = count + d_count,
            amounts = amounts + d_amounts,
            amount_cents = amount_cents + d_amount,
            days_cents = days_cents + d_days
        WHERE company_id = k_company AND portfolio_id = k_portfolio AND stage_id = k_stage
            AND currency_id = k_currency AND shard = k_shard;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION pipeline_column_total_out(o pipeline_opportunity) RETURNS void AS $$
BEGIN
    PERFORM pipeline_column_total_add(
        o.company_id, o.portfolio_id, o.stage_id, o.currency_id, (o.id % {SHARDS})::integer,
        -1, -(o.amount IS NOT NULL)::integer,
        -COALESCE((o.amount * 100)::bigint, 0), -COALESCE((o.days * 100)::bigint, 0)
    );
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION pipeline_column_total_in(o pipeline_opportunity) RETURNS void AS $$
BEGIN
    PERFORM pipeline_column_total_add(
        o.company_id, o.portfolio_id, o.stage_id, o.currency_id, (o.id % {SHARDS})::integer,
        1, (o.amount IS NOT NULL)::integer,
        COALESCE((o.amount * 100)::bigint, 0), COALESCE((o.days * 100)::bigint, 0)
    );
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION pipeline_opportunity_column_totals() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'open' THEN PERFORM pipeline_column_total_in(NEW); END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'open' THEN PERFORM pipeline_column_total_out(OLD); END IF;
        RETURN NULL;
    END IF;
    IF OLD.status = 'open' AND NEW.status = 'open'
        AND (OLD.company_id, OLD.portfolio_id, OLD.stage_id, OLD.currency_id)
            = (NEW.company_id, NEW.portfolio_id, NEW.stage_id, NEW.currency_id) THEN
        -- The same row: only what changed, and nothing when nothing did.
        IF OLD.amount IS DISTINCT FROM NEW.amount OR OLD.days IS DISTINCT FROM NEW.days THEN
            PERFORM pipeline_column_total_add(
                NEW.company_id, NEW.portfolio_id, NEW.stage_id, NEW.currency_id,
                (NEW.id % {SHARDS})::integer, 0,
                (NEW.amount IS NOT NULL)::integer - (OLD.amount IS NOT NULL)::integer,
                COALESCE((NEW.amount * 100)::bigint, 0) - COALESCE((OLD.amount * 100)::bigint, 0),
                COALESCE((NEW.days * 100)::bigint, 0) - COALESCE((OLD.days * 100)::bigint, 0)
            );
        END IF;
        RETURN NULL;
    END IF;
    -- Two rows, always locked in the same order (their key): two moves between the same
    -- columns in opposite directions never wait on each other's row.
    IF OLD.status = 'open' AND NEW.status = 'open'
        AND (OLD.company_id, OLD.portfolio_id, OLD.stage_id, OLD.currency_id)
            > (NEW.company_id, NEW.portfolio_id, NEW.stage_id, NEW.currency_id) THEN
        PERFORM pipeline_column_total_in(NEW);
        PERFORM pipeline_column_total_out(OLD);
        RETURN NULL;
    END IF;
    IF OLD.status = 'open' THEN PERFORM pipeline_column_total_out(OLD); END IF;
    IF NEW.status = 'open' THEN PERFORM pipeline_column_total_in(NEW); END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pipeline_opportunity_column_totals
    AFTER INSERT OR DELETE OR UPDATE OF
        status, company_id, portfolio_id, stage_id, currency_id, amount, days
    ON pipeline_opportunity
    FOR EACH ROW EXECUTE FUNCTION pipeline_opportunity_column_totals();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS pipeline_opportunity_column_totals ON pipeline_opportunity;
DROP FUNCTION IF EXISTS pipeline_opportunity_column_totals();
DROP FUNCTION IF EXISTS pipeline_column_total_in(pipeline_opportunity);
DROP FUNCTION IF EXISTS pipeline_column_total_out(pipeline_opportunity);
DROP FUNCTION IF EXISTS pipeline_column_total_add(
    bigint, bigint, bigint, varchar, integer, integer, integer, bigint, bigint
);
"""


def _postgres_cents(value: str) -> str:
    return f"COALESCE(({value} * 100)::bigint, 0)"


def _sqlite_cents(value: str) -> str:
    return f"CAST(ROUND(COALESCE({value}, 0) * 100) AS INTEGER)"


_SQLITE_IN = f"""
    INSERT INTO pipeline_columntotal (
        company_id, portfolio_id, stage_id, currency_id, shard,
        count, amounts, amount_cents, days_cents
    )
    SELECT NEW.company_id, NEW.portfolio_id, NEW.stage_id, NEW.currency_id, NEW.id % {SHARDS},
        1, NEW.amount IS NOT NULL, {_sqlite_cents("NEW.amount")}, {_sqlite_cents("NEW.days")}
    WHERE NEW.status = 'open'
    ON CONFLICT (company_id, portfolio_id, stage_id, currency_id, shard) DO UPDATE SET
        count = count + excluded.count,
        amounts = amounts + excluded.amounts,
        amount_cents = amount_cents + excluded.amount_cents,
        days_cents = days_cents + excluded.days_cents;
"""

_SQLITE_OUT = f"""
    UPDATE pipeline_columntotal SET
        count = count - 1,
        amounts = amounts - (OLD.amount IS NOT NULL),
        amount_cents = amount_cents - {_sqlite_cents("OLD.amount")},
        days_cents = days_cents - {_sqlite_cents("OLD.days")}
    WHERE OLD.status = 'open' AND company_id = OLD.company_id
        AND portfolio_id = OLD.portfolio_id
        AND stage_id = OLD.stage_id AND currency_id = OLD.currency_id
        AND shard = OLD.id % {SHARDS};
"""

# SQLite writes one transaction at a time: no order to keep between rows.
SQLITE_CREATE = [
    f"""CREATE TRIGGER pipeline_column_totals_insert AFTER INSERT ON pipeline_opportunity
    BEGIN {_SQLITE_IN} END""",
    f"""CREATE TRIGGER pipeline_column_totals_delete AFTER DELETE ON pipeline_opportunity
    BEGIN {_SQLITE_OUT} END""",
    f"""CREATE TRIGGER pipeline_column_totals_update
    AFTER UPDATE OF status, company_id, portfolio_id, stage_id, currency_id, amount, days
    ON pipeline_opportunity
    BEGIN {_SQLITE_OUT} {_SQLITE_IN} END""",
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS pipeline_column_totals_{event}"
    for event in ("insert", "delete", "update")
]


def _backfill(cents: Callable[[str], str]) -> str:
    return f"""
INSERT INTO pipeline_columntotal (
    company_id, portfolio_id, stage_id, currency_id, shard,
    count, amounts, amount_cents, days_cents
)
SELECT company_id, portfolio_id, stage_id, currency_id, id % {SHARDS},
    COUNT(*), COUNT(amount), SUM({cents("amount")}), SUM({cents("days")})
FROM pipeline_opportunity
WHERE status = 'open'
GROUP BY company_id, portfolio_id, stage_id, currency_id, id % {SHARDS}
"""


def create(apps, schema_editor):
    # No parameters: `%` is the modulo operator here, not a placeholder.
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, None)
        schema_editor.execute(_backfill(_postgres_cents), None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, None)
        schema_editor.execute(_backfill(_sqlite_cents), None)
    else:
        raise NotImplementedError(f"No column totals' triggers for {vendor}.")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, None)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0003_list_indexes'),
        ('org', '0001_initial'),
        ('pipeline', '0003_opportunity_name_key'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ColumnTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('shard', models.PositiveSmallIntegerField()),
                ('count', models.IntegerField(default=0)),
                ('amounts', models.IntegerField(default=0)),
                ('amount_cents', models.BigIntegerField(default=0)),
                ('days_cents', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['portfolio', 'stage', 'expected_signature_date', 'id'], name='opp_column_signature'),
        ),
        migrations.AddField(
            model_name='columntotal',
            name='company',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.company'),
        ),
        migrations.AddField(
            model_name='columntotal',
            name='currency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.currency'),
        ),
        migrations.AddField(
            model_name='columntotal',
            name='portfolio',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pipeline.portfolio'),
        ),
        migrations.AddField(
            model_name='columntotal',
            name='stage',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pipeline.stage'),
        ),
        migrations.AddConstraint(
            model_name='columntotal',
            constraint=models.UniqueConstraint(fields=('company', 'portfolio', 'stage', 'currency', 'shard'), name='column_total_key'),
        ),
        migrations.RunPython(create, drop),
    ]
