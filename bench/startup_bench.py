"""Benchmark of a newcomer's start (not a test): what `make run` does, on a fresh database.

In a new SQLite database (a temporary folder), one after the other, as `make run` does:
`migrate`, `demo`, then the task worker and `runserver` (with its reloader) until
http://127.0.0.1:PORT/ answers. Prints wall time and CPU time (user + system, every process)
of each step beside its target (issue 11): the whole start to the first page < 12 s,
`demo` < 5 s. Writes the figures to bench/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "startup.json"
TARGETS = {"demo": 5.0, "first_page": 12.0}  # wall seconds
PROGRAM_DATE = "2019-10-15"  # the Makefile's PROGRAM_DATE
COMMAND = [sys.executable, "-m", "soutien"]
TICKS = os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _session_cpu(session: int) -> float:
    """CPU seconds of the running processes of a session (the server, its reloader's child)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # fields after the name: state, ppid, pgrp, session
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _step(name: str, env: dict, *args: str) -> dict:
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run([*COMMAND, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return {"wall_s": time.perf_counter() - started, "cpu_s": _children_cpu() - cpu}


def _serve_first_page(env: dict, port: int, timeout: float) -> dict:
    """The worker and the server started together, as `make run` does, until the home page
    answers; both are stopped afterwards."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [*COMMAND, *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for args in (("db_worker", "--no-reload"), ("runserver", f"127.0.0.1:{port}"))
    ]
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    status = response.status
                break
            except (urllib.error.URLError, ConnectionError):
                if time.perf_counter() - started > timeout:
                    raise SystemExit(f"Le serveur ne répond pas après {timeout:.0f} s.") from None
                time.sleep(0.05)
        wall = time.perf_counter() - started
        cpu = sum(_session_cpu(process.pid) for process in processes)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    return {"wall_s": wall, "cpu_s": cpu, "status": status}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="soutien-startup-"))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'soutien.sqlite3'}",
        "SOUTIEN_VAR_DIR": str(folder),
        "SOUTIEN_DOCUMENTS_ROOT": str(folder / "documents"),
        # As `make run` exports them.
        "SOUTIEN_PROGRAM_DATE": PROGRAM_DATE,
        "DJANGO_DEBUG": "1",
        "SOUTIEN_ALLOWED_PORTS": str(port),
        "SOUTIEN_SITE_URL": f"http://127.0.0.1:{port}",
    }
    figures = {
        "migrate": _step("migrate", env, "migrate", "--noinput", "-v0"),
        "demo": _step("demo", env, "demo"),
    }
    figures["server"] = _serve_first_page(env, port, args.timeout)
    figures["first_page"] = {
        "wall_s": sum(figures[step]["wall_s"] for step in ("migrate", "demo", "server")),
        "cpu_s": sum(figures[step]["cpu_s"] for step in ("migrate", "demo", "server")),
    }
    labels = {
        "migrate": "migrate (base neuve)",
        "demo": "demo",
        "server": "serveur jusqu'à la première page",
        "first_page": "make run jusqu'à la première page",
    }
    print(f"Démarrage d'un nouveau venu (SQLite neuve, {os.cpu_count()} cœurs)")
    for step, label in labels.items():
        figure = figures[step]
        line = f"  {label:<36} {figure['wall_s']:6.2f} s réel, {figure['cpu_s']:6.2f} s CPU"
        target = TARGETS.get(step)
        if target is not None:
            figure["target_wall_s"] = target
            figure["met"] = figure["wall_s"] < target
            verdict = "atteinte" if figure["met"] else "manquée"
            line += f"   cible < {target:.0f} s réel : {verdict}"
        print(line)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"Résultats : {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
