"""Opportunities' name and phone keys as the board's live search computes them too (B9, B12).

See customers 0004: the same definition, for the sort by name and the phone search.
"""

from django.db import migrations

from salespipe.lib.phones import phone_search_key
from salespipe.lib.stored_keys import refresh_stored_keys
from salespipe.lib.text import search_key


def refresh_keys(apps, schema_editor):
    refresh_stored_keys(
        apps.get_model("pipeline", "Opportunity"),
        ("name", "phone", "mobile", "name_key", "phone_key", "mobile_key"),
        lambda opportunity: {
            # Cut to the column: removing accents may lengthen a name ("ß" is "ss").
            "name_key": search_key(opportunity.name)[:200],
            "phone_key": phone_search_key(opportunity.phone),
            "mobile_key": phone_search_key(opportunity.mobile),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0004_column_totals"),
        ("customers", "0004_search_keys_shared_with_the_browser"),
    ]

    operations = [migrations.RunPython(refresh_keys, migrations.RunPython.noop)]
