# The program clock (soutien.core.clock) gives the defaults of created_at and updated_at.
# Python-side defaults only: nothing changes in the database (SQLite would otherwise
# rebuild every table, and its triggers with them).

from django.db import migrations, models

import soutien.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0004_approved_runs_in_waves"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="allocationrun",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="allocationrun",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="budgetenvelope",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="budgetenvelope",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalallocationrun",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalallocationrun",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalbudgetenvelope",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalbudgetenvelope",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalregionreference",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalregionreference",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="regionreference",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="regionreference",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
