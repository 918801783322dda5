# The program clock (soutien.core.clock) gives the defaults of created_at and updated_at.
# Python-side defaults only: nothing changes in the database (SQLite would otherwise
# rebuild every table, and its triggers with them).

from django.db import migrations, models

import soutien.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="annualreport",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="annualreport",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="fundingsource",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="fundingsource",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalannualreport",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalannualreport",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclaim",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclaim",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalfundingsource",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalfundingsource",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
