"""Benchmark of the rules through the `evaluate` command's code path (not a test).

Measures, on one core of the machine, CPU and wall time of each: the whole command on
100 000 seeded synthetic dossiers (compact output, median of 3, and the full one for
reference), its ratio to a plain-Python peer of the same amount rules run in between
(bench/plain_rules.py: the machine's speed varies, a ratio measured in one run does not), the
in-process rate of the streaming batch, the command on 5 000 dossiers including start-up,
its start-up alone, one dossier evaluated alone (before and after this batch engine), and
the command's peak memory while 1 000 000 dossiers stream through a pipe.
Each figure is printed beside its target and written to bench/results/rules.json.
Options: --count, --memory-count (0 skips the million), --seed.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import orjson

import soutien
from soutien.rules.batch import result_of, run_batch
from soutien.rules.cli import read_json
from soutien.rules.contract import evaluate_one
from soutien.rules.jsonio import dumps
from soutien.rules.stream import Item

RESULTS = Path(__file__).with_name("results") / "rules.json"
COMMAND = [sys.executable, "-m", "soutien", "evaluate"]
PEER = [sys.executable, str(Path(__file__).with_name("plain_rules.py"))]
# OpenFisca 2.16 s CPU ÷ the plain peer's 2.6 s, measured by issue 11 on one machine and data.
PEER_RATIO_TARGET = 0.83
# The command's runs see what an installed package has: compiled modules, written once here.
PACKAGE = Path(soutien.__file__).parent  # the one the command's runs import too
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

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


def timed(function):
    """(result, CPU seconds, wall seconds) of one call in this process."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = function()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def command(
    args: list[str], *, stdin=None, feed=None, program=COMMAND, stdout=subprocess.DEVNULL
) -> tuple[int, float, float, float]:
    """Run the command (or `program`); (exit status, CPU seconds, wall seconds, peak MB).

    CPU is the child's own (os.wait4). Peak memory is its VmHWM, read while it runs: the
    rusage figure would count the pages it shared with this large process before exec.
    """
    wall = time.perf_counter()
    process = subprocess.Popen(
        [*program, *args],
        stdin=subprocess.PIPE if feed else stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=CHILD_ENV,
    )
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        status = Path(f"/proc/{process.pid}/status")
        while not done.is_set():
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]) / 1024)
            except (OSError, ValueError):
                return
            done.wait(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    writer = None
    if feed:
        writer = threading.Thread(target=feed, args=(process.stdin,))
        writer.start()
    stderr = process.stderr.read()
    if writer:
        writer.join()
    done.set()
    watcher.join()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - wall
    if process.returncode not in (0, 1):
        raise SystemExit(stderr.decode())
    return process.returncode, usage.ru_utime + usage.ru_stime, elapsed, peak[0]


def million_feed(count: int, seed: int):
    """Writes `count` dossiers as one JSON array, from a pool, without holding them."""
    rng = random.Random(seed)
    pool = [orjson.dumps(synthetic_dossier(rng, n)) for n in range(5_000)]

    def feed(pipe) -> None:
        try:
            pipe.write(b"[")
            for start in range(0, count, len(pool)):
                part = pool[: min(len(pool), count - start)]
                pipe.write((b"," if start else b"") + b",".join(part))
            pipe.write(b"]")
        finally:
            pipe.close()

    return feed


def single_latency(documents: list, repeat: int) -> tuple[list[float], list[float]]:
    """One dossier alone, JSON text to JSON result: the reference path and the batch's."""
    reference, streaming = [], []
    for document in documents[:repeat]:
        raw = dumps(document)  # money as exact numbers
        start = time.perf_counter()
        dumps([evaluate_one(read_json(raw.decode()))])
        reference.append(time.perf_counter() - start)
        start = time.perf_counter()
        dumps(result_of(Item(1, raw, 1, 1), compact=False))
        streaming.append(time.perf_counter() - start)
    return reference, streaming


def check_peer(batch_path: Path, folder: str) -> int:
    """The peer's amount equals ours for each dossier we do not declare ineligible; the count."""
    ours_path, peer_path = Path(folder) / "ours.json", Path(folder) / "peer.json"
    with ours_path.open("wb") as out:
        command(["--compact", str(batch_path)], stdout=out)
    with peer_path.open("wb") as out:
        command([str(batch_path)], program=PEER, stdout=out)
    ours = json.loads(ours_path.read_bytes(), parse_float=Decimal)["results"]
    peer = {r["id"]: r for r in json.loads(peer_path.read_bytes(), parse_float=Decimal)}
    compared, differ = 0, []
    for result in ours:
        if "error" in result or result.get("eligibility") == "ineligible":
            continue
        compared += 1
        if Decimal(str(result["amount"])) != Decimal(str(peer[result["id"]]["amount"])):
            differ.append(result["id"])
    if differ:
        raise SystemExit(
            f"Montants différents de l'implémentation simple pour {len(differ)} dossiers "
            f"sur {compared} : {', '.join(differ[:10])}"
        )
    return compared


def target(name, figure, unit, limit, *, below=True, cpu=None, wall=None, note=None):
    met = figure < limit if below else figure >= limit
    return {
        "target": name,
        "figure": round(figure, 4),
        "unit": unit,
        "limit": ("< " if below else "≥ ") + str(limit),
        "met": met,
        "cpu_s": None if cpu is None else round(cpu, 4),
        "wall_s": None if wall is None else round(wall, 4),
        "note": note,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--memory-count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20190401)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, children too

    # Without this the child compiles every module on each run (PYTHONDONTWRITEBYTECODE in
    # some shells): a cost installed users do not pay.
    compileall.compile_dir(PACKAGE, quiet=1)
    print(
        f"Modules précompilés ({PACKAGE}) ; PYTHONDONTWRITEBYTECODE retiré "
        "de l'environnement des exécutions de la commande."
    )
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        text = synthetic_json(args.count, args.seed)
        batch_path = Path(folder) / "campagne.json"
        batch_path.write_text(text, encoding="utf-8")
        small_path = Path(folder) / "campagne-5000.json"
        small_path.write_text(synthetic_json(5_000, args.seed), encoding="utf-8")
        empty_path = Path(folder) / "vide.json"
        empty_path.write_text("[]", encoding="utf-8")

        compared = check_peer(batch_path, folder)
        print(
            f"Montants identiques à l'implémentation simple pour les {compared} dossiers "
            "que la commande ne déclare pas non admissibles."
        )
        ours, peer = [], []
        for _ in range(3):  # interleaved: both see the same minutes of the machine
            ours.append(command(["--compact", str(batch_path)]))
            peer.append(command([str(batch_path)], program=PEER))
        cpu = statistics.median(r[1] for r in ours)
        wall = statistics.median(r[2] for r in ours)
        peer_cpu = statistics.median(r[1] for r in peer)
        peer_wall = statistics.median(r[2] for r in peer)
        figures.append(
            target(
                f"Commande entière, {args.count} dossiers, forme compacte (médiane de 3, CPU)",
                cpu,
                "s",
                2.2,
                cpu=cpu,
                wall=wall,
            )
        )
        figures.append(
            target(
                "Commande entière ÷ implémentation simple des mêmes règles (CPU)",
                cpu / peer_cpu,
                "×",
                PEER_RATIO_TARGET,
                cpu=peer_cpu,
                wall=peer_wall,
                note=(
                    "0,83 = OpenFisca 2,16 s ÷ Python simple 2,6 s (CPU), mesurés par l'issue 11 "
                    "sur la même machine et les mêmes dossiers ; temps entre crochets : ceux de "
                    "l'implémentation simple (bench/plain_rules.py, médiane de 3)"
                ),
            )
        )
        _, cpu, wall, _ = command([str(batch_path)])
        figures.append(
            target(
                f"Commande entière, {args.count} dossiers, forme complète (CPU)",
                cpu,
                "s",
                2.2,
                cpu=cpu,
                wall=wall,
                note="pour information : cible de la forme compacte",
            )
        )

        data = text.encode()
        gc.disable()
        _, cpu, wall = timed(lambda: run_batch(io.BytesIO(data), io.BytesIO(), compact=True))
        gc.enable()
        figures.append(
            target(
                "Débit en processus, forme compacte (dossiers/s CPU)",
                args.count / cpu,
                "dossiers/s",
                50_000,
                below=False,
                cpu=cpu,
                wall=wall,
            )
        )
        gc.disable()
        _, cpu, wall = timed(lambda: run_batch(io.BytesIO(data), io.BytesIO()))
        gc.enable()
        figures.append(
            target(
                "Débit en processus, forme complète (dossiers/s CPU)",
                args.count / cpu,
                "dossiers/s",
                50_000,
                below=False,
                cpu=cpu,
                wall=wall,
                note="pour information",
            )
        )

        runs = [command(["--compact", str(small_path)]) for _ in range(5)]
        wall = statistics.median(r[2] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        figures.append(
            target(
                "5 000 dossiers, démarrage compris (médiane de 5, mur)",
                wall,
                "s",
                0.4,
                cpu=cpu,
                wall=wall,
            )
        )
        runs = [command([str(empty_path)]) for _ in range(5)]
        wall = statistics.median(r[2] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        figures.append(
            target(
                "Démarrage seul, lot vide (médiane de 5, mur)", wall, "s", 0.1, cpu=cpu, wall=wall
            )
        )

        documents = json.loads(synthetic_json(2_000, args.seed + 1), parse_float=Decimal)
        reference, streaming = single_latency(documents, 2_000)
        before = statistics.median(reference) * 1e6
        after = statistics.median(streaming) * 1e6
        figures.append(
            target(
                "Un dossier seul, chemin du lot (médiane, µs)",
                after,
                "µs",
                before,
                note=f"cible : au plus le chemin de référence, {before:.1f} µs mesuré ici",
            )
        )

        if args.memory_count:
            _, cpu, wall, peak = command(
                ["--compact", "-"], feed=million_feed(args.memory_count, args.seed)
            )
            figures.append(
                target(
                    f"Mémoire maximale, {args.memory_count} dossiers par un tube (Mo)",
                    peak,
                    "Mo",
                    150,
                    cpu=cpu,
                    wall=wall,
                )
            )

    for figure in figures:
        mark = "atteinte" if figure["met"] else "NON atteinte"
        times = ""
        if figure["cpu_s"] is not None:
            times = f" [CPU {figure['cpu_s']:.3f} s, mur {figure['wall_s']:.3f} s]"
        print(
            f"{figure['target']} : {figure['figure']:,.4g} {figure['unit']} ; cible "
            f"{figure['limit']} {figure['unit']} : {mark}{times}"
        )
        if figure["note"]:
            print(f"    {figure['note']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {"cpus": os.cpu_count(), "load_1min": os.getloadavg()[0]},
                "command_runs": "modules précompilés, sans PYTHONDONTWRITEBYTECODE",
                "count": args.count,
                "seed": args.seed,
                "figures": figures,
                "peak_memory_bench_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Résultats : {RESULTS}")


if __name__ == "__main__":
    main()
