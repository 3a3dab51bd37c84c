"""Accounts' and contacts' search keys as the board's live search computes them too (B11, B12).

The key now drops only the marks that sit on a letter (so that the vowel signs of Indian
scripts stay, as the browser keeps them), folds "ß" and "ς" as before, and phone keys keep
ASCII digits only. Stored keys are computed again; only the rows whose keys change are written.
"""

from django.db import migrations

from salespipe.lib.phones import phone_search_key
from salespipe.lib.stored_keys import refresh_stored_keys
from salespipe.lib.text import search_key


def refresh_keys(apps, schema_editor):
    refresh_stored_keys(
        apps.get_model("customers", "Account"),
        ("name", "phone", "name_key", "phone_key"),
        # Cut to the columns: a spacing mark kept now may lengthen a key.
        lambda account: {
            "name_key": search_key(account.name)[:200],
            "phone_key": phone_search_key(account.phone),
        },
    )
    refresh_stored_keys(
        apps.get_model("customers", "Contact"),
        ("first_name", "last_name", "name_key"),
        lambda contact: {
            "name_key": search_key(f"{contact.last_name} {contact.first_name}")[:220]
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_list_indexes"),
    ]

    operations = [migrations.RunPython(refresh_keys, migrations.RunPython.noop)]
