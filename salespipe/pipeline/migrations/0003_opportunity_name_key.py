"""The opportunity's name as the sort by name compares it (B9): case and accents ignored.

Filled for the opportunities already there, in batches, with the same key as a save gives.
"""

from django.db import migrations, models

from salespipe.lib.text import search_key

BATCH = 1000


def fill_name_keys(apps, schema_editor):
    Opportunity = apps.get_model("pipeline", "Opportunity")
    last = 0
    while True:
        batch = list(Opportunity.objects.filter(pk__gt=last).order_by("pk").only("pk", "name")[:BATCH])
        if not batch:
            return
        for opportunity in batch:
            # Cut to the column: removing accents may lengthen a name ("ß" is "ss").
            opportunity.name_key = search_key(opportunity.name)[:200]
        Opportunity.objects.bulk_update(batch, ["name_key"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0002_list_indexes_and_tag_colour"),
    ]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
    ]
