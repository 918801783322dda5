# The program clock (soutien.core.clock) gives the defaults of created_at and updated_at.
# Python-side defaults only: nothing changes in the database (SQLite would otherwise
# rebuild every table, and its triggers with them).

from django.db import migrations, models

import soutien.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_portal_profile_invitations_selfcheck"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="boardmember",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="boardmember",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="eligibilityselfcheck",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="eligibilityselfcheck",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="financialstatements",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="financialstatements",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="groupingmember",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="groupingmember",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalboardmember",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalboardmember",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaleligibilityselfcheck",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaleligibilityselfcheck",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalfinancialstatements",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalfinancialstatements",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalgroupingmember",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalgroupingmember",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalinvitation",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalinvitation",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalmembership",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalmembership",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalorganization",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalorganization",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalrelatedparty",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalrelatedparty",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="invitation",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="invitation",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="organization",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="organization",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="relatedparty",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="relatedparty",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
