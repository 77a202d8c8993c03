"""The fifth domain's English name without Chinese (English pages show no Chinese but
users' data; docs/architecture.md, "The campaign year and its data")."""

from django.db import migrations

NAME = "“专精特新”中小企业"
OLD, NEW = "Specialised SMEs (专精特新)", "Specialised and innovative SMEs"


def forward(apps, schema_editor):
    apps.get_model("campaigns", "Domain").objects.filter(name=NAME, name_en=OLD).update(name_en=NEW)


def backward(apps, schema_editor):
    apps.get_model("campaigns", "Domain").objects.filter(name=NAME, name_en=NEW).update(name_en=OLD)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_campaign_contact")]

    operations = [migrations.RunPython(forward, backward)]
