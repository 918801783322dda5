"""The ledger of a database that held money before the ledger existed: one entry per amount the
records already carry (credits, commitments, payments, holds, claims), so that
`soutien-mission ledger check` agrees from the first day. Runs only on an empty ledger."""

from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import migrations

ZERO = Decimal("0")
MONTREAL = ZoneInfo("America/Montreal")
REASON = "Reprise des montants existants à l'ouverture du grand livre."


def backfill(apps, schema_editor):
    LedgerEntry = apps.get_model("budget", "LedgerEntry")
    if not LedgerEntry.objects.exists():
        LedgerEntry.objects.bulk_create(entries_from_records(apps), batch_size=500)


def entries_from_records(apps) -> list:
    """The unsaved entries that carry the records' amounts into the ledger."""
    LedgerEntry = apps.get_model("budget", "LedgerEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    BudgetEnvelope = apps.get_model("budget", "BudgetEnvelope")
    AllocationLine = apps.get_model("budget", "AllocationLine")
    AgreementYear = apps.get_model("agreements", "AgreementYear")
    Installment = apps.get_model("agreements", "Installment")
    Claim = apps.get_model("accountability", "Claim")

    def source_type(model):
        meta = model._meta
        return ContentType.objects.get_or_create(app_label=meta.app_label, model=meta.model_name)[0]

    entries = []

    def add(kind, amount, *, fiscal_year, stream, source, on, clause, organization_id=None,
            application_id=None):  # fmt: skip
        if amount <= ZERO:
            return
        entries.append(
            LedgerEntry(
                fiscal_year=fiscal_year,
                stream=stream,
                kind=kind,
                amount=amount,
                on=on,
                at=datetime.combine(on, time(12), MONTREAL),
                organization_id=organization_id,
                application_id=application_id,
                source_type=source_type(type(source)),
                source_id=source.pk,
                source_repr=str(source.pk),
                clause=clause,
                reason=REASON,
            )
        )

    for envelope in BudgetEnvelope.objects.all():
        add("credits", envelope.amount, fiscal_year=envelope.fiscal_year, stream=envelope.stream,
            source=envelope, on=envelope.created_at.date(), clause="6.2")  # fmt: skip
    committed = {}  # (organization, fiscal year, stream) -> (amount, application)
    for line in AllocationLine.objects.filter(funded=True, run__state="approved").select_related(
        "run", "application"
    ):
        key = (line.application.organization_id, line.run.fiscal_year, line.run.stream)
        committed.setdefault(key, [line.amount, line.application_id, line, "5.2"])
    paid = defaultdict(lambda: ZERO)
    for installment in Installment.objects.filter(state="paid"):
        paid[installment.agreement_year_id] += installment.amount
    for year in AgreementYear.objects.exclude(state="planned").select_related("agreement"):
        agreement = year.agreement
        key = (agreement.organization_id, year.fiscal_year, agreement.stream)
        ended = year.state == "withdrawn" or agreement.state == "terminated"
        amount = paid[year.pk] if ended else year.amount
        application_id = year.renewal_application_id or agreement.application_id
        previous = committed.get(key)
        committed[key] = [amount, previous[1] if previous else application_id, year, "5.4"]
    used = set()
    for (organization_id, fiscal_year, stream), (amount, application_id, source, clause) in sorted(
        committed.items(), key=lambda item: (item[0][1], item[0][2], item[0][0])
    ):
        if application_id in used:
            application_id = None
        used.add(application_id)
        add("commitment", amount, fiscal_year=fiscal_year, stream=stream, source=source,
            on=source.created_at.date(), clause=clause, organization_id=organization_id,
            application_id=application_id)  # fmt: skip
    for installment in Installment.objects.filter(state__in=["paid", "suspended"]).select_related(
        "agreement_year", "agreement_year__agreement"
    ):
        year = installment.agreement_year
        common = {
            "fiscal_year": year.fiscal_year,
            "stream": year.agreement.stream,
            "organization_id": year.agreement.organization_id,
            "source": installment,
        }
        if installment.state == "paid":
            add("payment", installment.amount, on=installment.paid_on, clause="6.2", **common)
        else:
            add("hold", installment.amount, on=installment.updated_at.date(), clause="5.5",
                **common)  # fmt: skip
    for claim in Claim.objects.select_related("agreement", "organization"):
        stream = claim.agreement.stream if claim.agreement_id else (
            2 if claim.organization.is_national_grouping else 1
        )  # fmt: skip
        common = {"fiscal_year": claim.fiscal_year, "stream": stream,
                  "organization_id": claim.organization_id, "source": claim}  # fmt: skip
        add("claim", claim.amount, on=claim.established_on, clause="7", **common)
        add("recovery", claim.repaid_amount, on=claim.updated_at.date(), clause="7", **common)
    return entries


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0003_program_clock"),
        ("agreements", "0003_merge_0002_program_clock_0002_reference_sequence"),
        ("budget", "0007_ledger_append_only"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
