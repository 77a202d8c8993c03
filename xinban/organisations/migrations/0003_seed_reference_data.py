# The notice's guiding units and special recommending unit (xinban/organisations/reference.py).
from django.db import migrations


def load(apps, schema_editor):
    from xinban.organisations import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_admits_specialised_private"),
        ("campaigns", "0003_seed_taxonomies"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
