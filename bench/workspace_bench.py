"""Benchmark of the allocation run (5.2) at 2 000 and 20 000 organizations (not a test).

Builds, in a fresh SQLite database (or DATABASE_URL if set), a program of 2 000 organizations,
each with an application evaluated eligible, and times `run_allocation` over them (median of a
few runs, CPU time and wall time); then grows the program to 20 000 organizations and times it
again. Target: under 1 s at 20 000. Prints each figure beside its target and writes them to
bench/results/workspace.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 1.0


def build(start: int, count: int, *, advisor, now) -> None:
    """`count` more organizations, each with an application evaluated eligible (bulk)."""
    from soutien.applications.models import Application
    from soutien.evaluations.models import Evaluation
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
                attached_to_ministry=i % 3 != 0,
                refugee_reception=i % 11 == 0,
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
                state="under_evaluation",
                submitted_at=now,
                priority=1 if o.refugee_reception else 3 if o.attached_to_ministry else 4,
                assigned_advisor=advisor if i % 2 else None,
            )
            for i, o in enumerate(organizations)
        ),
        batch_size=1000,
    )
    Evaluation.objects.bulk_create(
        (
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
        ),
        batch_size=1000,
    )


def time_runs(envelope, manager, now, runs: int) -> dict:
    """Median CPU and wall time of `runs` allocation runs (each a new draft run)."""
    from soutien.budget import actions as budget_actions

    cpu, wall = [], []
    for _ in range(runs):
        started_cpu, started = time.process_time(), time.perf_counter()
        run = budget_actions.run_allocation(envelope, by=manager, at=now)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return {
        "cpu_s": round(statistics.median(cpu), 4),
        "wall_s": round(statistics.median(wall), 4),
        "wall_max_s": round(max(wall), 4),
        "funded": run.lines.filter(funded=True).count(),
        "lines": run.lines.count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,20000", help="nombres d'organismes, croissants")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "workspace.json"))
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    folder = tempfile.mkdtemp(prefix="soutien-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
    os.environ.setdefault("SOUTIEN_DOCUMENTS_ROOT", folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from soutien.accounts.models import Role, User
    from soutien.budget import actions as budget_actions
    from soutien.budget.models import RegionReference
    from soutien.rules import FiscalYear

    now = timezone.make_aware(datetime(2019, 3, 1, 10))
    advisor = User.objects.create_user("c@bench.example", "pw", role=Role.ADVISOR, full_name="C")
    manager = User.objects.create_user("g@bench.example", "pw", role=Role.MANAGER, full_name="G")
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
    budget_actions.approve_envelope(
        envelope, approved_on=now.date(), reference="Banc d'essai", by=manager, at=now
    )
    results, built = [], 0
    for size in sizes:
        started = time.perf_counter()
        build(built, size - built, advisor=advisor, now=now)
        built = size
        print(f"Programme de {size} organismes créé en {time.perf_counter() - started:.1f} s")
        figures = time_runs(envelope, manager, now, args.runs)
        met = figures["wall_s"] < TARGET_SECONDS
        results.append(
            {"organizations": size, **figures, "target_s": TARGET_SECONDS, "target_met": met}
        )
        print(
            f"Répartition (5.2) de {size} dossiers : médiane {figures['wall_s'] * 1000:.0f} ms "
            f"(CPU {figures['cpu_s'] * 1000:.0f} ms), max {figures['wall_max_s'] * 1000:.0f} ms"
            f" ; cible < {TARGET_SECONDS * 1000:.0f} ms : {'atteinte' if met else 'MANQUÉE'}"
            f" ; {figures['funded']} financés sur {figures['lines']}"
        )
    if len(results) > 1:
        ratio = results[-1]["cpu_s"] / results[0]["cpu_s"]
        print(
            f"Rapport {results[-1]['organizations']} / {results[0]['organizations']} "
            f"organismes (CPU) : {ratio:.1f}×"
        )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps({"allocation": results, "runs": args.runs}, indent=2) + "\n", encoding="utf-8"
    )
    print(f"Résultats écrits dans {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
