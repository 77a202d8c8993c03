# Rule 13 (docs/rules.md): the special unit admits 专精特新 enterprises only when private.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [
        migrations.RenameField(
            model_name="recommendingunit",
            old_name="admits_specialised",
            new_name="admits_specialised_private",
        ),
        migrations.AlterField(
            model_name="recommendingunit",
            name="admits_specialised_private",
            field=models.BooleanField(default=False, verbose_name="接受“专精特新”民营企业"),
        ),
    ]
