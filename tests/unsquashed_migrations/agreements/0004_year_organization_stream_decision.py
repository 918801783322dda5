import django.db.models.deletion
from django.db import migrations, models

import soutien.core.jsonutil


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_merge_0002_program_clock_0002_reference_sequence"),
        ("evaluations", "0003_program_clock"),
        ("organizations", "0005_attachment_set_by_the_ministry"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementyear",
            name="organization",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreement_years",
                to="organizations.organization",
                verbose_name="organisme",
            ),
        ),
        migrations.AddField(
            model_name="agreementyear",
            name="stream",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Volet 1"), (2, "Volet 2")],
                editable=False,
                null=True,
                verbose_name="volet",
            ),
        ),
        migrations.AddField(
            model_name="agreementyear",
            name="decision",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreement_years",
                to="evaluations.decision",
                verbose_name="décision qui fixe le montant",
            ),
        ),
        migrations.AddField(
            model_name="agreementyear",
            name="amount_basis",
            field=models.JSONField(
                blank=True,
                decoder=soutien.core.jsonutil.DecimalDecoder,
                encoder=soutien.core.jsonutil.DecimalEncoder,
                default=dict,
                editable=False,
                help_text=(
                    "D'où vient le montant : la décision, ou la prévision des normes de "
                    "l'exercice (6.1), avec sa version et ses lignes."
                ),
                verbose_name="calcul du montant",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreementyear",
            name="amount_basis",
            field=models.JSONField(
                blank=True,
                decoder=soutien.core.jsonutil.DecimalDecoder,
                encoder=soutien.core.jsonutil.DecimalEncoder,
                default=dict,
                editable=False,
                help_text=(
                    "D'où vient le montant : la décision, ou la prévision des normes de "
                    "l'exercice (6.1), avec sa version et ses lignes."
                ),
                verbose_name="calcul du montant",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreementyear",
            name="decision",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="evaluations.decision",
                verbose_name="décision qui fixe le montant",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreementyear",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organizations.organization",
                verbose_name="organisme",
            ),
        ),
        migrations.AddField(
            model_name="historicalagreementyear",
            name="stream",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Volet 1"), (2, "Volet 2")],
                editable=False,
                null=True,
                verbose_name="volet",
            ),
        ),
    ]
