# The program clock (soutien.core.clock) gives the defaults of created_at and updated_at.
# Python-side defaults only: nothing changes in the database (SQLite would otherwise
# rebuild every table, and its triggers with them).

from django.db import migrations, models

import soutien.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_workspace_checks_requests_adjustments"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="decision",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="decision",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="documentcheck",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="documentcheck",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="evaluation",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="evaluation",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldecision",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldecision",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocumentcheck",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldocumentcheck",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalevaluation",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalevaluation",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
