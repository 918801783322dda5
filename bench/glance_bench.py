"""HTTP benchmark of « L'année en un coup d'œil » at 2 000 organizations (not a test).

Reuses bench/http_bench.py: a fresh SQLite database with the demo, served by gunicorn
(2 workers), grown by bulk creation to about `--organizations`; then, signed in as the demo
manager, the page (all regions, and one region) and one of its XLSX files, each interleaved
with the signed-in trivial view, then 2 clients in turn. Reports the median and the p95 beside
the trivial view's (target: p95 under 150 ms, issue 15) and writes bench/results/glance.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_bench as hb

P95_TARGET_MS = 150.0
WARM_UP = 10
PAGES = [
    "/ministere/annee/?fiscal_year=2019",
    "/ministere/annee/?fiscal_year=2019&region=06",
    "/ministere/annee/regions.xlsx?fiscal_year=2019",
]


def timed(session: hb.Session, path: str) -> float:
    started = time.perf_counter()
    status, _, _ = session.request("GET", path)
    if status != 200:
        raise SystemExit(f"{path} : réponse {status}")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=40, help="requêtes par page, 1 client")
    parser.add_argument("--requests", type=int, default=120, help="par client, 2 clients")
    parser.add_argument("--output", default=str(hb.ROOT / "bench" / "results" / "glance.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        port = hb.free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "SOUTIEN_VAR_DIR": folder,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SOUTIEN_ALLOWED_PORTS": str(port),
            "SOUTIEN_PROGRAM_DATE": "2019-10-15",
        }
        hb.prepare(env)
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
        import django

        django.setup()
        from django.db import connection

        from soutien.organizations.models import Organization

        demo = Organization.objects.count()
        total = hb.grow(max(1, math.ceil(args.organizations / demo)))
        connection.close()
        print(f"{total} organismes ({demo} de la démonstration)")
        server = subprocess.Popen(
            [hb.BIN / "gunicorn", "soutien.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
             "--keep-alive", "30", "--log-level", "warning"],
            env=env,
            cwd=hb.ROOT,
        )  # fmt: skip
        try:
            hb.wait_for(port)
            session = hb.Session(port).login(hb.MANAGER)
            figures = []
            for page in PAGES:
                times: dict[str, list[float]] = {hb.TRIVIAL: [], page: []}
                for n in range(args.repeat * 2 + WARM_UP):
                    path = page if n % 2 else hb.TRIVIAL
                    elapsed = timed(session, path)
                    if n >= WARM_UP:  # each worker compiles its templates first
                        times[path].append(elapsed)
                figures.append(
                    {
                        "page": page,
                        "median_ms": round(statistics.median(times[page]), 1),
                        "p95_ms": round(hb.percentile(times[page], 0.95), 1),
                        "trivial_median_ms": round(statistics.median(times[hb.TRIVIAL]), 1),
                        "trivial_p95_ms": round(hb.percentile(times[hb.TRIVIAL], 0.95), 1),
                    }
                )
            p95 = hb.two_clients(port, {"ministère": PAGES}, args.requests)
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"\nL'année en un coup d'œil, {total} organismes (ms ; cible p95 < {P95_TARGET_MS:.0f})")
    print(f"  {'page':<50} {'méd.':>6} {'p95':>6} {'p95@2':>6} {'triv. p95':>9}")
    for f in figures:
        f["p95_2_clients_ms"] = round(p95[f"ministère {f['page']}"], 1)
        f["target_met"] = f["p95_ms"] < P95_TARGET_MS and f["p95_2_clients_ms"] < P95_TARGET_MS
        print(
            f"  {f['page']:<50} {f['median_ms']:6.1f} {f['p95_ms']:6.1f} "
            f"{f['p95_2_clients_ms']:6.1f} {f['trivial_p95_ms']:9.1f}  "
            f"{'atteinte' if f['target_met'] else 'MANQUÉE'}"
        )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {"organizations": total, "target_p95_ms": P95_TARGET_MS, "pages": figures},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Résultats écrits dans {output}")


if __name__ == "__main__":
    main()
