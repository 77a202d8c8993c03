from django.db import migrations


def seed(apps, schema_editor):
    from xinban.campaigns import seed as data

    Nature = apps.get_model("campaigns", "OrganisationNature")
    Industry = apps.get_model("campaigns", "Industry")
    Domain = apps.get_model("campaigns", "Domain")
    TeamType = apps.get_model("campaigns", "TeamType")
    Ending = apps.get_model("campaigns", "TeamNameEnding")
    for i, (name, en, other, foreign, private) in enumerate(data.NATURES):
        Nature.objects.get_or_create(
            name=name,
            defaults=dict(
                name_en=en,
                position=i,
                is_other=other,
                is_foreign_invested=foreign,
                is_private=private,
            ),
        )
    for i, (group, group_en, name, en) in enumerate(data.INDUSTRIES):
        Industry.objects.get_or_create(
            name=name,
            group=group,
            defaults=dict(name_en=en, group_en=group_en, position=i, is_other=(name == "其他")),
        )
    for model, rows in (
        (Domain, data.DOMAINS),
        (TeamType, data.TEAM_TYPES),
        (Ending, data.TEAM_NAME_ENDINGS),
    ):
        for i, (name, en) in enumerate(rows):
            model.objects.get_or_create(name=name, defaults=dict(name_en=en, position=i))


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
