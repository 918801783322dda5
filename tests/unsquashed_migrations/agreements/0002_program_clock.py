# The program clock (soutien.core.clock) gives the defaults of created_at and updated_at.
# Python-side defaults only: nothing changes in the database (SQLite would otherwise
# rebuild every table, and its triggers with them).

from django.db import migrations, models

import soutien.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="agreement",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="agreement",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="agreementdocument",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="agreementdocument",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="agreementyear",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="agreementyear",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreement",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreement",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreementdocument",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreementdocument",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreementyear",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreementyear",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalinstallment",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalinstallment",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalnoncomplianceaction",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalnoncomplianceaction",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="installment",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="installment",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
                migrations.AlterField(
                    model_name="noncomplianceaction",
                    name="created_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="créé le"
                    ),
                ),
                migrations.AlterField(
                    model_name="noncomplianceaction",
                    name="updated_at",
                    field=models.DateTimeField(
                        default=soutien.core.clock.now, editable=False, verbose_name="modifié le"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
