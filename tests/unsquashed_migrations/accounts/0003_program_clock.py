# The program clock (soutien.core.clock) gives the defaults of created_at and updated_at.
# Python-side defaults only: nothing changes in the database (SQLite would otherwise
# rebuild every table, and its triggers with them).

from django.db import migrations, models

import soutien.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_email_confirmed_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicaluser",
                    name="date_joined",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, verbose_name="date de création"
                    ),
                ),
                migrations.AlterField(
                    model_name="user",
                    name="date_joined",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, verbose_name="date de création"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
