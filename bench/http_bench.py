"""HTTP benchmark of the organizations' portal on the demo data (not a test).

Builds a fresh SQLite database with the demo program, serves it with gunicorn (the production
server, 2 workers on this 2-core machine) on 127.0.0.1, logs in as the demo organization
representative and requests the portal's pages over keep-alive connections from a few client
threads. Prints requests per second and latency percentiles per page. Target: p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EMAIL, PASSWORD = "representant@demo.soutien.example", "demo-soutien-2019"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict) -> None:
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["demo"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [BIN / "soutien-mission", *command], env=env, check=True, capture_output=True
        )


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn n'a pas démarré")


class Session:
    """One keep-alive connection with its cookies."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, content

    def login(self) -> None:
        status, _, page = self.request("GET", "/compte/connexion/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": EMAIL, "password": PASSWORD}
        )
        status, _, _ = self.request(
            "POST",
            "/compte/connexion/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.connection.port}/compte/connexion/",
            },
        )
        if status != 302:
            raise SystemExit(f"connexion refusée ({status})")


def discover_pages(session: Session) -> list[str]:
    """The dashboard and the application pages it links to."""
    pages = ["/espace/"]
    _, _, html = session.request("GET", "/espace/")
    for link in re.findall(rb'href="(/espace/[^"#?]+)"', html):
        path = link.decode()
        if path not in pages and not path.endswith((".pdf", "/telecharger/")):
            pages.append(path)
    return pages[:8]


def run_clients(port: int, pages: list[str], requests_per_client: int, clients: int):
    timings: dict[str, list[float]] = {page: [] for page in pages}
    errors = []
    lock = threading.Lock()

    def client(index: int) -> None:
        session = Session(port)
        session.login()
        local: dict[str, list[float]] = {page: [] for page in pages}
        for n in range(requests_per_client):
            page = pages[(n + index) % len(pages)]
            start = time.perf_counter()
            status, _, _ = session.request("GET", page)
            local[page].append(time.perf_counter() - start)
            if status != 200:
                errors.append((page, status))
        with lock:
            for page, values in local.items():
                timings[page].extend(values)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, time.perf_counter() - start, errors


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="par client")
    parser.add_argument("--clients", type=int, default=2, help="autant que de processus gunicorn")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "SOUTIEN_VAR_DIR": folder,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SOUTIEN_ALLOWED_PORTS": str(port),  # the Host's port is checked (issue 10)
        }
        prepare(env)
        server = subprocess.Popen(
            [BIN / "gunicorn", "soutien.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
             "--keep-alive", "30", "--log-level", "warning"],
            env=env,
            cwd=ROOT,
        )  # fmt: skip
        try:
            wait_for(port)
            probe = Session(port)
            probe.login()
            pages = discover_pages(probe)
            run_clients(port, pages, 20, 1)  # warm-up
            timings, elapsed, errors = run_clients(port, pages, args.requests, args.clients)
        finally:
            server.terminate()
            server.wait(timeout=10)

    every = [t for values in timings.values() for t in values]
    print(f"Portail (gunicorn, 2 processus, {args.clients} clients, données de démonstration)")
    print(f"Requêtes : {len(every)} en {elapsed:.2f} s, soit {len(every) / elapsed:,.0f} req/s")
    print(
        f"Latence : médiane {statistics.median(every) * 1000:.1f} ms, "
        f"p95 {percentile(every, 0.95) * 1000:.1f} ms ; cible p95 < 100 ms"
    )
    for page, values in timings.items():
        print(
            f"  {page:<40} p95 {percentile(values, 0.95) * 1000:6.1f} ms ({len(values)} requêtes)"
        )
    if errors:
        print(f"Réponses en erreur : {len(errors)} (par exemple {errors[:3]})")
        sys.exit(1)


if __name__ == "__main__":
    main()
