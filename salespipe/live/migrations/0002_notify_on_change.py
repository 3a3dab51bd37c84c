"""On PostgreSQL, every change row wakes the readers of every server process (SPEC B21).

A statement trigger sends `NOTIFY salespipe_live`, delivered when the change's transaction
commits, so that writing a change is one INSERT. SQLite has no notifications: its readers
look for new rows a few times a second.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION live_change_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('salespipe_live', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER live_change_notify AFTER INSERT ON live_change
    FOR EACH STATEMENT EXECUTE FUNCTION live_change_notify();
"""

DROP = """
DROP TRIGGER IF EXISTS live_change_notify ON live_change;
DROP FUNCTION IF EXISTS live_change_notify();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("live", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
