"""Before issue 9, a renewal (5.6) could become a second agreement while the first agreement's
year for the same fiscal year stayed planned: one organization then had two years for one fiscal
year and stream. This migration copies each year's organization and stream from its agreement,
then withdraws every such duplicate that is only planned (a confirmed year holds the
commitment and the installments), writing the withdrawal in the journal. Two confirmed years
for one organization, fiscal year and stream cannot be repaired without a person: the migration
stops and names them."""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

PLANNED, CONFIRMED, WITHDRAWN = "planned", "confirmed", "withdrawn"
REASON = (
    "Réparation (5.6) : l'exercice {fiscal_year} de cet organisme est couvert par la convention "
    "{kept}. Cette année prévue de la convention {reference} le comptait une seconde fois ; elle "
    "est retirée."
)


def label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def repair(apps, schema_editor):
    AgreementYear = apps.get_model("agreements", "AgreementYear")
    JournalEntry = apps.get_model("core", "JournalEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Agreement = apps.get_model("agreements", "Agreement")
    HistoricalAgreementYear = apps.get_model("agreements", "HistoricalAgreementYear")
    parties = dict(
        (pk, (organization_id, stream))
        for pk, organization_id, stream in Agreement.objects.values_list(
            "pk", "organization_id", "stream"
        )
    )
    for model in (AgreementYear, HistoricalAgreementYear):
        for agreement_id in set(model.objects.values_list("agreement_id", flat=True)):
            organization_id, stream = parties.get(agreement_id, (None, 1))
            model._base_manager.filter(agreement_id=agreement_id).update(
                organization_id=organization_id, stream=stream
            )
    duplicates = (
        AgreementYear.objects.exclude(state=WITHDRAWN)
        .values("organization_id", "fiscal_year", "stream")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
    )
    if not duplicates:
        return
    year_type, _ = ContentType.objects.get_or_create(app_label="agreements", model="agreementyear")
    now = timezone.now()
    for group in duplicates:
        years = list(
            AgreementYear.objects.filter(
                organization_id=group["organization_id"],
                fiscal_year=group["fiscal_year"],
                stream=group["stream"],
            )
            .exclude(state=WITHDRAWN)
            .select_related("agreement")
        )
        confirmed = [y for y in years if y.state == CONFIRMED]
        if len(confirmed) > 1:
            raise RuntimeError(
                "Deux années confirmées pour un même organisme, exercice et volet : "
                + ", ".join(f"{y.agreement.reference} ({label(y.fiscal_year)})" for y in confirmed)
                + ". Retirez l'une par l'action prévue avant de migrer."
            )
        years.sort(key=lambda y: (y.state != CONFIRMED, y.agreement.start_fiscal_year, y.pk))
        kept, withdrawn = years[0], years[1:]
        for year in withdrawn:
            AgreementYear._base_manager.filter(pk=year.pk).update(state=WITHDRAWN)
            reference = year.agreement.reference
            JournalEntry.objects.create(
                at=now,
                actor=None,
                action="agreement_year.withdrawn",
                subject_type=year_type,
                subject_id=year.pk,
                subject_repr=f"{reference} — {label(year.fiscal_year)}",
                organization_id=year.organization_id,
                from_state=PLANNED,
                to_state=WITHDRAWN,
                reason=REASON.format(
                    fiscal_year=label(year.fiscal_year),
                    kept=kept.agreement.reference,
                    reference=reference,
                ),
                data={"kept_year": kept.pk, "kept_agreement": kept.agreement.reference},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_year_organization_stream_decision"),
        ("core", "0002_outbox_and_jobs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
