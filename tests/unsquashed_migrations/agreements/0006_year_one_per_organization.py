import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_repair_duplicate_years")]

    operations = [
        migrations.AlterField(
            model_name="agreementyear",
            name="organization",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreement_years",
                to="organizations.organization",
                verbose_name="organisme",
            ),
        ),
        migrations.AlterField(
            model_name="agreementyear",
            name="stream",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Volet 1"), (2, "Volet 2")], editable=False, verbose_name="volet"
            ),
        ),
        migrations.AlterField(
            model_name="historicalagreementyear",
            name="stream",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Volet 1"), (2, "Volet 2")], editable=False, verbose_name="volet"
            ),
        ),
        migrations.AddConstraint(
            model_name="agreementyear",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "withdrawn"), _negated=True),
                fields=("organization", "fiscal_year", "stream"),
                name="agreement_year_one_per_organization_year_stream",
                violation_error_message=(
                    "Une convention couvre déjà cet exercice pour cet organisme et ce volet : "
                    "une reconduction confirme son année (5.6)."
                ),
            ),
        ),
    ]
