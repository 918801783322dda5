"""Benchmark of a campaign's letters in bulk (issue 15, item 3; not a test).

Builds the demo in a fresh SQLite database, then renders the decision letter (PDF, WeasyPrint)
and its SHA-256 — what `agreements.campaign.letter_one` does for each funded dossier, beside
its one UPDATE and its email row — for 500 letters (the demo's decisions, in turn), with one
worker, then with two worker processes sharing the letters. Prints the time per letter and in
all (wall and CPU) and writes bench/results/campaign.json. Option: --count.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results") / "campaign.json"


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _render(database: str, pks: list[int]) -> tuple[int, float]:
    """One worker: render the letters of `pks`; returns (bytes, CPU seconds)."""
    _setup(database)
    from soutien.evaluations.letters import decision_letter_pdf
    from soutien.evaluations.models import Decision

    decisions = {
        d.pk: d
        for d in Decision.objects.select_related(
            "application", "application__organization", "evaluation", "decided_by"
        ).filter(pk__in=set(pks))
    }
    cpu = time.process_time()
    size = 0
    for pk in pks:
        letter = decision_letter_pdf(decisions[pk])
        hashlib.sha256(letter).hexdigest()
        size += len(letter)
    return size, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = str(Path(folder) / "bench.sqlite3")
        os.environ["SOUTIEN_DOCUMENTS_ROOT"] = str(Path(folder) / "documents")
        _setup(database)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        call_command("demo", stdout=open(os.devnull, "w"))
        from soutien.evaluations.models import Decision

        known = list(Decision.objects.order_by("pk").values_list("pk", flat=True))
        pks = [known[n % len(known)] for n in range(args.count)]
        connections.close_all()
        _render(database, pks[:5])  # warm: fonts and templates
        figures = {"letters": args.count}
        for workers in (1, 2):
            shares = [pks[w::workers] for w in range(workers)]
            start = time.perf_counter()
            with ProcessPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(_render, [database] * workers, shares))
            wall = time.perf_counter() - start
            cpu = sum(seconds for _size, seconds in results)
            figures[f"{workers}_worker"] = {
                "wall_seconds": round(wall, 2),
                "cpu_seconds": round(cpu, 2),
                "ms_per_letter_wall": round(wall * 1000 / args.count, 1),
                "ms_per_letter_cpu": round(cpu * 1000 / args.count, 1),
            }
            print(
                f"{args.count} lettres, {workers} processus : {wall:.2f} s en tout "
                f"({wall * 1000 / args.count:.1f} ms par lettre), CPU {cpu:.2f} s "
                f"({cpu * 1000 / args.count:.1f} ms par lettre)"
            )
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
