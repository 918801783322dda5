"""Benchmark of the rules through the `evaluate` command's code path (not a test).

Prints: dossiers per second in a batch of 100 000 seeded synthetic dossiers (read JSON,
validate, evaluate, write JSON), the latency of one dossier evaluated alone, peak memory,
and the wall time of the whole command on 5 000 dossiers including start-up.
Targets (one core of the 2-core machine): ≥ 20 000 dossiers/s, < 100 µs alone, < 1 s for 5 000.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from soutien.rules.cli import evaluate_text, read_documents, write_results
from soutien.rules.contract import evaluate_one
from soutien.rules.jsonio import dumps

REGIONS = [f"{n:02d}" for n in range(1, 18)]
CATEGORIES = [None] * 40 + ["union", "other_ministry_mission", "religious_association"]
JUDGEABLE_SAMPLE = ["community_rooted", "main_mission", "charter_objects_compatible"]


def synthetic_dossier(rng: random.Random, number: int) -> dict:
    stream = 2 if rng.random() < 0.05 else 1
    refugee = stream == 1 and rng.random() < 0.15
    costs = rng.randrange(60_000, 900_000)
    dossier = {
        "id": f"B-{number:06d}",
        "fiscal_year": rng.choice(["2018-2019", "2019-2020"]),
        "application_date": f"{rng.choice([2018, 2019])}-02-{rng.randrange(1, 28):02d}",
        "stream": stream,
        "organization": {
            "legal_form": rng.choice(["qc_companies_part3"] * 8 + ["canada_nfp", "other"]),
            "incorporation_date": f"{rng.randrange(1975, 2018)}-{rng.randrange(1, 13):02d}-15",
            "head_office_in_quebec": rng.random() < 0.98,
            "majority_of_activities_in_quebec": rng.random() < 0.97,
            "excluded_category": rng.choice(CATEGORIES),
            "annual_general_meeting_held": rng.random() < 0.97,
            "debt_to_ministry": rng.choice([0] * 20 + [1250.5]),
            "repayment_agreement": rng.choice(["none", "respected", "not_respected"]),
            "commitments_respected_last_3_years": rng.random() < 0.96,
            "board": [
                {
                    "domiciled_in_quebec": rng.random() < 0.95,
                    "status": rng.choice(["citizen", "citizen", "permanent_resident", "other"]),
                    "volunteer": rng.random() < 0.95,
                }
                for _ in range(rng.randrange(3, 12))
            ],
            "refugee_reception": refugee,
            "refugees_received_per_year": rng.randrange(0, 400) if refugee else 0,
            "attached_to_ministry": rng.random() < 0.8,
            "transferred_from_other_ministry": rng.random() < 0.1,
            "historic_funding": rng.choice([None, rng.randrange(20_000, 90_000)]),
            "member_regions": rng.sample(REGIONS, rng.randrange(5, 18)) if stream == 2 else [],
        },
        "finances": {
            "estimated_operating_costs": costs,
            "other_public_funding": round(costs * rng.uniform(0.2, 0.95), 2),
            "quebec_government_funding_other": round(costs * rng.uniform(0.0, 0.4), 2),
            "unrestricted_net_assets": round(costs * rng.uniform(-0.1, 0.8), 2),
            "total_expenses": round(costs * rng.uniform(0.8, 1.1), 2),
        },
    }
    if stream == 2:
        dossier["stream2_amount"] = rng.randrange(60_000, 200_000)
        dossier["stream2_justification"] = "Montant fixé selon l'historique."
    if rng.random() < 0.3:
        dossier["judgments"] = {
            code: {"met": rng.random() < 0.95, "justification": "Vérifié au dossier."}
            for code in JUDGEABLE_SAMPLE
        }
    return dossier


def synthetic_json(count: int, seed: int) -> str:
    rng = random.Random(seed)
    return json.dumps([synthetic_dossier(rng, n) for n in range(count)], ensure_ascii=False)


def evaluation_only(text: str) -> float:
    """The same path once the file is read: validate, evaluate, write each result."""
    documents = read_documents(text)
    gc.disable()
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        write_results(documents, out)
        out.flush()
        elapsed = time.perf_counter() - start
    gc.enable()
    return elapsed


def batch(text: str) -> tuple[float, int, int]:
    with tempfile.TemporaryFile() as out:  # as the command writes to a file or a pipe
        start = time.perf_counter()
        evaluate_text(text, out)
        out.flush()
        elapsed = time.perf_counter() - start
        out.seek(0)
        output = out.read()
    return elapsed, output.count(b'"error":'), len(output)


def single_latency(text: str, repeat: int) -> list[float]:
    documents = read_documents(text)
    timings = []
    for document in documents[:repeat]:
        start = time.perf_counter()
        dumps([evaluate_one(document)])
        timings.append(time.perf_counter() - start)
    return timings


def command_wall_time(count: int, seed: int, runs: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "campagne.json"
        path.write_text(synthetic_json(count, seed), encoding="utf-8")
        command = [str(Path(sys.executable).with_name("soutien-mission")), "evaluate", str(path)]
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            completed = subprocess.run(command, capture_output=True, check=False)
            timings.append(time.perf_counter() - start)
            if completed.returncode not in (0, 1):
                raise SystemExit(completed.stderr.decode())
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20190401)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, children too

    text = synthetic_json(args.count, args.seed)
    elapsed, errors, size = batch(text)
    evaluating = evaluation_only(text)
    timings = single_latency(text, 5_000)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall = command_wall_time(5_000, args.seed, runs=5)

    micro = sorted(t * 1e6 for t in timings)
    p95 = micro[int(len(micro) * 0.95)]
    rate = args.count / elapsed
    print(f"Lot : {args.count} dossiers ({errors} en erreur), {size / 1e6:.0f} Mo de JSON")
    print(
        f"Débit en lot, 1 cœur, lecture du JSON comprise : {rate:,.0f} dossiers/s "
        f"({elapsed:.2f} s) ; cible ≥ 20 000"
    )
    print(
        "Débit en lot, 1 cœur, fichier déjà lu (validation, évaluation, écriture) : "
        f"{args.count / evaluating:,.0f} dossiers/s ({evaluating:.2f} s)"
    )
    print(
        f"Un dossier seul : médiane {statistics.median(micro):.1f} µs, p95 {p95:.1f} µs ; "
        "cible < 100 µs"
    )
    print(f"Mémoire maximale : {peak_mib:.0f} Mio")
    print(
        "Commande sur 5 000 dossiers, démarrage compris : médiane "
        f"{statistics.median(wall):.3f} s, max {max(wall):.3f} s ; cible < 1 s"
    )


if __name__ == "__main__":
    main()
