"""Benchmark of a payment run (6.2) of 5 000 installments, and of the finance page's query
count (issue 12; not a test).

Builds, in a fresh SQLite database (or DATABASE_URL if set), 5 000 active agreements of
2019-2020 (each year confirmed, with its two installments, November and March), organizations
with their supplier number and bank reference, an approved envelope and one commitment per
organization in the ledger. Counts the queries of the finance page at 10, 5 000 and 10 000
installments (must be constant), then times `prepare_run` and `approve_run` for November 2019
(CPU and wall time) beside a floor: the same rows read by one plain query and written as CSV.
Target: under 2 s for the run. Prints each figure beside its target and writes them to
bench/results/payments.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0
YEAR_AMOUNT = Decimal("20000.00")
INSTALLMENT_AMOUNT = YEAR_AMOUNT / 2


def build(start: int, count: int, *, manager, now) -> None:
    """`count` more agreements of 2019-2020, active, with their confirmed year, two installments
    and the organization's commitment (bulk_create: the records' states are set directly)."""
    from django.contrib.contenttypes.models import ContentType

    from soutien.agreements.models import Agreement, AgreementYear, Installment
    from soutien.applications.models import Application
    from soutien.budget.models import LedgerEntry, LedgerKind
    from soutien.organizations.models import Organization

    organizations = Organization.objects.bulk_create(
        (
            Organization(
                legal_name=f"Organisme fictif {i:05d}",
                neq=f"{9900000000 + i}",
                legal_form="qc_companies_part3",
                incorporation_date=date(2005, 1, 1),
                street_address="1, rue",
                city="Laval",
                postal_code="H7A 1A1",
                region_id=f"{i % 17 + 1:02d}",
                supplier_number=f"F{700000 + i}",
                bank_reference=f"BQ-{i:06d}",
            )
            for i in range(start, start + count)
        ),
        batch_size=1000,
    )
    applications = Application.objects.bulk_create(
        (
            Application(
                organization=o,
                fiscal_year=2019,
                stream=1,
                deadline_at=now,
                state="accepted",
                submitted_at=now,
                priority=3,
            )
            for o in organizations
        ),
        batch_size=1000,
    )
    agreements = Agreement.objects.bulk_create(
        (
            Agreement(
                organization_id=a.organization_id,
                application=a,
                reference=f"CV-2019-{start + i:05d}",
                stream=1,
                start_fiscal_year=2019,
                duration_years=1,
                starts_on=date(2019, 4, 1),
                ends_on=date(2020, 3, 31),
                state="active",
                signatory_name="Signataire",
                signed_on=date(2019, 4, 15),
            )
            for i, a in enumerate(applications)
        ),
        batch_size=1000,
    )
    years = AgreementYear.objects.bulk_create(
        (
            AgreementYear(
                agreement=a,
                organization_id=a.organization_id,
                stream=1,
                year_number=1,
                fiscal_year=2019,
                amount=YEAR_AMOUNT,
                state="confirmed",
            )
            for a in agreements
        ),
        batch_size=1000,
    )
    Installment.objects.bulk_create(
        (
            Installment(
                agreement_year=y,
                sequence=sequence,
                due_year=due_year,
                due_month=due_month,
                amount=INSTALLMENT_AMOUNT,
            )
            for y in years
            for sequence, due_year, due_month in ((1, 2019, 11), (2, 2020, 3))
        ),
        batch_size=1000,
    )
    agreement_type = ContentType.objects.get_for_model(Agreement)
    LedgerEntry.objects.bulk_create(
        (
            LedgerEntry(
                fiscal_year=2019,
                stream=1,
                kind=LedgerKind.COMMITMENT,
                amount=YEAR_AMOUNT,
                on=now.date(),
                at=now,
                organization_id=a.organization_id,
                application_id=a.application_id,
                source_type=agreement_type,
                source_id=a.pk,
                source_repr=a.reference,
                actor=manager,
                clause="5.2",
            )
            for a in agreements
        ),
        batch_size=1000,
    )


def finance_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workspace:finance"))
    if response.status_code != 200:
        raise RuntimeError(f"The finance page answered {response.status_code}.")
    return len(queries.captured_queries)


def plain_floor(path: Path) -> dict:
    """The plain implementation's peer: one query of the payable rows, written as CSV."""
    from soutien.agreements.models import Installment

    started_cpu, started = time.process_time(), time.perf_counter()
    rows = Installment.objects.filter(
        due_year=2019, due_month=11, state="scheduled", agreement_year__state="confirmed"
    ).values_list(
        "pk",
        "amount",
        "agreement_year__agreement__reference",
        "agreement_year__agreement__organization__legal_name",
        "agreement_year__agreement__organization__neq",
        "agreement_year__agreement__organization__supplier_number",
        "agreement_year__agreement__organization__bank_reference",
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return {
        "cpu_s": round(time.process_time() - started_cpu, 4),
        "wall_s": round(time.perf_counter() - started, 4),
        "lines": count,
    }


def timed(function, *args, **kwargs):
    started_cpu, started = time.process_time(), time.perf_counter()
    result = function(*args, **kwargs)
    figures = {
        "cpu_s": round(time.process_time() - started_cpu, 4),
        "wall_s": round(time.perf_counter() - started, 4),
    }
    return result, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agreements", type=int, default=5000)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "payments.json"))
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="soutien-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
    os.environ.setdefault("SOUTIEN_DOCUMENTS_ROOT", folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
    # The test client's host.
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from soutien.accounts.models import Role, User
    from soutien.budget import actions as budget_actions
    from soutien.payments import actions as payments
    from soutien.rules import FiscalYear

    # Setup below is not timed: bulk records stand for agreements signed through the actions.
    now = timezone.make_aware(datetime(2019, 4, 1, 10))
    manager = User.objects.create_user("g@bench.example", "pw", role=Role.MANAGER, full_name="G")
    finance1 = User.objects.create_user("f1@bench.example", "pw", role=Role.FINANCE, full_name="F1")
    finance2 = User.objects.create_user("f2@bench.example", "pw", role=Role.FINANCE, full_name="F2")
    envelope = budget_actions.open_envelope(
        fiscal_year=FiscalYear(2019),
        stream=1,
        amount=YEAR_AMOUNT * args.agreements + Decimal("1000000"),
        by=manager,
        at=now,
    )
    budget_actions.approve_envelope(
        envelope, approved_on=now.date(), reference="Banc d'essai", by=manager, at=now
    )
    client = Client()
    client.force_login(finance1)

    from soutien.agreements.models import Installment

    queries, built = [], 0
    half = max(args.agreements // 2, 6)
    for size in (5, half, args.agreements):
        build(built, size - built, manager=manager, now=now)
        built = size
        installments = Installment.objects.count()
        finance_queries(client)  # first request warms the session and caches
        count = finance_queries(client)
        queries.append({"installments": installments, "queries": count})
        print(f"Page des finances à {installments} versements : {count} requêtes")
    constant = len({q["queries"] for q in queries}) == 1
    print(
        "Nombre de requêtes de la page des finances : "
        f"{' / '.join(str(q['queries']) for q in queries)} ; cible constante : "
        f"{'atteinte' if constant else 'MANQUÉE'}"
    )

    prepared_at = timezone.make_aware(datetime(2019, 11, 5, 9))
    approved_at = timezone.make_aware(datetime(2019, 11, 5, 14))
    run, prepare = timed(payments.prepare_run, year=2019, month=11, by=finance1, at=prepared_at)
    run, approve = timed(payments.approve_run, run, by=finance2, at=approved_at)
    lines = run.lines.count()
    files = run.files.count()
    if lines != args.agreements:
        raise RuntimeError(f"The run has {lines} lines, not {args.agreements}.")
    total = {
        "cpu_s": round(prepare["cpu_s"] + approve["cpu_s"], 4),
        "wall_s": round(prepare["wall_s"] + approve["wall_s"], 4),
    }
    floor = plain_floor(Path(folder) / "plain.csv")
    ratio = total["wall_s"] / floor["wall_s"] if floor["wall_s"] else None
    met = total["wall_s"] < TARGET_SECONDS
    for label, figures in (("Préparation", prepare), ("Approbation et fichiers", approve)):
        print(
            f"{label} du lot de {lines} lignes : {figures['wall_s'] * 1000:.0f} ms "
            f"(CPU {figures['cpu_s'] * 1000:.0f} ms)"
        )
    print(
        f"Lot de paiement (6.2) de {lines} versements, total : {total['wall_s'] * 1000:.0f} ms "
        f"(CPU {total['cpu_s'] * 1000:.0f} ms) ; cible < {TARGET_SECONDS * 1000:.0f} ms : "
        f"{'atteinte' if met else 'MANQUÉE'}"
    )
    print(
        f"Plancher (une requête et le module csv, {floor['lines']} lignes) : "
        f"{floor['wall_s'] * 1000:.0f} ms (CPU {floor['cpu_s'] * 1000:.0f} ms) ; "
        f"rapport lot / plancher : {ratio:.1f}×"
        if ratio
        else "Plancher trop court pour un rapport"
    )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "run": {
                    "lines": lines,
                    "files": files,
                    "prepare": prepare,
                    "approve": approve,
                    "total": total,
                    "target_s": TARGET_SECONDS,
                    "target_met": met,
                },
                "floor": floor,
                "ratio_wall": round(ratio, 2) if ratio else None,
                "finance_queries": queries,
                "finance_queries_constant": constant,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Résultats écrits dans {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
