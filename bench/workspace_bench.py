"""Benchmark of the ministry's workspace (not a test).

Builds a program of 2 000 organizations (each with an application evaluated eligible) in a
fresh SQLite database (or DATABASE_URL if set), then prints:
- the allocation run (5.2) over the 2 000 dossiers: median and max of a few runs
  (target < 1 s);
- the dashboard: p50 / p95 over N requests through Django's test client (target p95 < 150 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="soutien-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
    os.environ.setdefault("SOUTIEN_DOCUMENTS_ROOT", folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    call_command("migrate", verbosity=0)

    from soutien.accounts.models import Role, User
    from soutien.applications.models import Application
    from soutien.budget import actions as budget_actions
    from soutien.budget.models import RegionReference
    from soutien.evaluations.models import Evaluation
    from soutien.organizations.models import Organization
    from soutien.rules import FiscalYear

    now = timezone.make_aware(datetime(2019, 3, 1, 10))
    advisor = User.objects.create_user("c@bench.example", "pw", role=Role.ADVISOR, full_name="C")
    manager = User.objects.create_user("g@bench.example", "pw", role=Role.MANAGER, full_name="G")
    n = args.organizations
    started = time.perf_counter()
    organizations = Organization.objects.bulk_create(
        Organization(
            legal_name=f"Organisme fictif {i:04d}",
            neq=f"{9900000000 + i}",
            legal_form="qc_companies_part3",
            incorporation_date=date(2005, 1, 1),
            street_address="1, rue",
            city="Laval",
            postal_code="H7A 1A1",
            region_id=f"{i % 17 + 1:02d}",
            attached_to_ministry=i % 3 != 0,
            refugee_reception=i % 11 == 0,
        )
        for i in range(n)
    )
    applications = Application.objects.bulk_create(
        Application(
            organization=o,
            fiscal_year=2019,
            stream=1,
            deadline_at=now,
            state="under_evaluation",
            submitted_at=now,
            priority=1 if o.refugee_reception else 3 if o.attached_to_ministry else 4,
            assigned_advisor=advisor if i % 2 else None,
        )
        for i, o in enumerate(organizations)
    )
    Evaluation.objects.bulk_create(
        Evaluation(
            application=a,
            advisor=advisor,
            started_at=now,
            state="completed",
            completed_at=now,
            result={"priority": {"tier": a.priority}},
            amount=Decimal(27652 + (i % 50) * 1000),
            eligibility="eligible",
        )
        for i, a in enumerate(applications)
    )
    RegionReference.objects.bulk_create(
        RegionReference(
            region_id=f"{r:02d}",
            attached_organizations=r % 5,
            immigrant_population=r * 10000,
            is_demo=True,
        )
        for r in range(1, 18)
    )
    envelope = budget_actions.open_envelope(
        fiscal_year=FiscalYear(2019),
        stream=1,
        amount=Decimal("40000000"),
        by=manager,
        at=now,
    )
    print(f"Programme de {n} organismes créé en {time.perf_counter() - started:.1f} s")

    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        run = budget_actions.run_allocation(envelope, by=manager, at=now)
        times.append(time.perf_counter() - started)
    funded = run.lines.filter(funded=True).count()
    print(
        f"Répartition (5.2) de {n} dossiers : médiane {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms (cible < 1 000 ms) ; {funded} financés, "
        f"manque {run.shortfall} $"
    )

    client = Client()
    client.force_login(manager)
    latencies = []
    for i in range(args.requests):
        params = {} if i % 2 == 0 else {"region": f"{i % 17 + 1:02d}", "late": "1"}
        started = time.perf_counter()
        response = client.get("/ministere/", params)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    print(
        f"Tableau de bord ({args.requests} requêtes, {n} dossiers) : p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms (cible p95 < 150 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
