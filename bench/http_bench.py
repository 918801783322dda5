"""HTTP benchmark of the portal and workspace pages beside a signed-in trivial view (not a test).

Builds a fresh SQLite database (or `--database-url`, an empty database) with the demo program,
serves it with gunicorn (the production server, 2 workers on this 2-core machine) on
127.0.0.1, and measures, for the demo organization's representative (portal) and the demo
manager (workspace):

- with 1 client, each page interleaved with the signed-in trivial view (the help page, same
  session, same middleware and layout): the median wall time and the workers' CPU time per
  request (from /proc/<pid>/schedstat, in nanoseconds), and their ratios to the trivial view's
  (target: at most 3×);
- with 2 clients over keep-alive connections, every page in turn: the p95 (target < 100 ms).

Then it grows the program to `--scale` times the demo's organizations (bulk-created here, with
applications, decisions, agreements, installments and their ledger entries) and measures again.
Prints each figure beside its target and writes them to bench/results/http.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
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
PASSWORD = "demo-soutien-2019"
REPRESENTATIVE = "representant@demo.soutien.example"
MANAGER = "gestionnaire@demo.soutien.example"
TRIVIAL = "/aide/"
RATIO_TARGET, P95_TARGET_MS = 3.0, 100.0


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


class Workers:
    """The CPU time gunicorn's workers have used, in nanoseconds (Linux schedstat)."""

    def __init__(self, master: int):
        self.master = master

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.master}/task/{self.master}/children").read_text()
        return [int(pid) for pid in children.split()]

    def cpu_ns(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            except FileNotFoundError:  # a worker restarted: its time is lost, rarely
                pass
        return total


class Session:
    """One keep-alive connection with its cookies."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
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

    def login(self, email: str) -> Session:
        status, _, page = self.request("GET", "/compte/connexion/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD}
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
        return self


def portal_pages(session: Session) -> list[str]:
    """The representative's dashboard and the portal pages it links to."""
    pages = ["/espace/"]
    _, _, html = session.request("GET", "/espace/")
    for link in re.findall(rb'href="(/espace/[^"#?]+)"', html):
        path = link.decode()
        if path not in pages and not path.endswith((".pdf", "/telecharger/")):
            pages.append(path)
    return pages[:8]


def workspace_pages() -> list[str]:
    """The manager's lists and one page of each kind of record, read from the database."""
    from soutien.agreements.models import Agreement
    from soutien.applications.models import Application
    from soutien.budget.models import AllocationRun

    pages = [
        "/ministere/",
        "/ministere/?late=1",
        "/ministere/finances/",
        "/ministere/finances/?kind=payments",
        "/ministere/finances/?kind=decisions",
        "/ministere/budget/",
        "/ministere/budget/donnees-regionales/",
    ]
    application = Application.objects.filter(agreement__isnull=False).order_by("pk").first()
    if application:
        pages += [
            f"/ministere/dossiers/{application.pk}/",
            f"/ministere/dossiers/{application.pk}/evaluation/",
        ]
    agreement = Agreement.objects.order_by("pk").first()
    if agreement:
        pages.append(f"/ministere/conventions/{agreement.pk}/")
    run = AllocationRun.objects.order_by("-pk").first()
    if run:
        pages.append(f"/ministere/budget/repartitions/{run.pk}/")
    return pages


def grow(factor: int) -> int:
    """Bulk-create (factor - 1) times the demo's organizations, each with an application of
    the current call; one in two evaluated, decided and under agreement, with its installments
    and its ledger entries (commitment, first payment). Returns the organizations' count."""
    from datetime import date, datetime
    from decimal import Decimal

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from soutien.accounts.models import Role, User
    from soutien.agreements.models import Agreement, AgreementYear, Installment
    from soutien.applications.models import Application
    from soutien.budget.models import LedgerEntry
    from soutien.evaluations.models import Decision, Evaluation
    from soutien.organizations.models import Organization

    now = timezone.make_aware(datetime(2019, 9, 1, 10))
    advisor = User.objects.filter(role=Role.ADVISOR).first()
    demo = Organization.objects.count()
    extra = demo * (factor - 1)
    organizations = Organization.objects.bulk_create(
        (
            Organization(
                legal_name=f"Organisme de charge {i:05d}",
                neq=f"{8800000000 + i}",
                legal_form="qc_companies_part3",
                incorporation_date=date(2005, 1, 1),
                street_address="1, rue Principale",
                city="Laval",
                postal_code="H7A 1A1",
                region_id=f"{i % 17 + 1:02d}",
                attached_to_ministry=True,
            )
            for i in range(extra)
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
                state="accepted" if i % 2 else "under_evaluation",
                submitted_at=now,
                priority=3,
                assigned_advisor=advisor if i % 3 else None,
            )
            for i, o in enumerate(organizations)
        ),
        batch_size=1000,
    )
    accepted = [a for a in applications if a.state == "accepted"]
    evaluations = Evaluation.objects.bulk_create(
        (
            Evaluation(
                application=a,
                advisor=advisor,
                started_at=now,
                state="completed",
                completed_at=now,
                result={"priority": {"tier": 3}},
                amount=Decimal("30000"),
                eligibility="eligible",
            )
            for a in accepted
        ),
        batch_size=1000,
    )
    Decision.objects.bulk_create(
        (
            Decision(
                application=a,
                evaluation=e,
                outcome="granted",
                amount=e.amount,
                decided_by=advisor,
                decided_at=now,
            )
            for a, e in zip(accepted, evaluations, strict=True)
        ),
        batch_size=1000,
    )
    agreements = Agreement.objects.bulk_create(
        (
            Agreement(
                organization_id=a.organization_id,
                application=a,
                reference=f"CHARGE-{a.pk}",
                stream=1,
                start_fiscal_year=2019,
                duration_years=1,
                starts_on=date(2019, 4, 1),
                ends_on=date(2020, 3, 31),
                signatory_name="Présidence",
                state="active",
                signed_on=date(2019, 5, 1),
            )
            for a in accepted
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
                amount=Decimal("30000"),
            )
            for a in agreements
        ),
        batch_size=1000,
    )
    installments = Installment.objects.bulk_create(
        (
            Installment(
                agreement_year=y,
                sequence=sequence,
                due_year=year,
                due_month=month,
                amount=Decimal("15000"),
            )
            for y in years
            for sequence, year, month in ((1, 2019, 11), (2, 2020, 3))
        ),
        batch_size=1000,
    )
    year_type = ContentType.objects.get_for_model(AgreementYear)
    installment_type = ContentType.objects.get_for_model(Installment)
    entries = [
        LedgerEntry(
            fiscal_year=2019,
            stream=1,
            kind="commitment",
            amount=y.amount,
            on=date(2019, 9, 1),
            at=now,
            organization_id=y.organization_id,
            application_id=a.pk,
            source_type=year_type,
            source_id=y.pk,
            source_repr=f"Convention {y.pk}",
            clause="5.4",
        )
        for a, y in zip(accepted, years, strict=True)
    ]
    entries += [
        LedgerEntry(
            fiscal_year=2019,
            stream=1,
            kind="payment",
            amount=i.amount,
            on=date(2019, 9, 2),
            at=now,
            organization_id=y.organization_id,
            source_type=installment_type,
            source_id=i.pk,
            source_repr=f"Versement {i.pk}",
            clause="6.2",
        )
        for i, y in zip(installments[::2], years, strict=True)
    ]
    LedgerEntry.objects.bulk_create(entries, batch_size=1000)
    return Organization.objects.count()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def beside_trivial(port: int, workers: Workers, face: str, pages: list[str], repeat: int):
    """1 client: each page interleaved with the trivial view, wall and CPU per request."""
    session = Session(port).login(REPRESENTATIVE if face == "portail" else MANAGER)
    figures = []
    for page in pages:
        wall: dict[str, list[float]] = {TRIVIAL: [], page: []}
        cpu: dict[str, list[float]] = {TRIVIAL: [], page: []}
        size = 0
        for n in range(repeat * 2 + 4):
            path = page if n % 2 else TRIVIAL
            before_cpu, started = workers.cpu_ns(), time.perf_counter()
            status, _, content = session.request("GET", path)
            elapsed, used = time.perf_counter() - started, workers.cpu_ns() - before_cpu
            if status != 200:
                raise SystemExit(f"{path} : réponse {status}")
            if n >= 4:  # the first two of each are a warm-up
                wall[path].append(elapsed)
                cpu[path].append(used / 1e9)
            size = len(content) if path == page else size
        trivial_wall, trivial_cpu = (
            statistics.median(wall[TRIVIAL]),
            statistics.median(cpu[TRIVIAL]),
        )
        page_wall, page_cpu = statistics.median(wall[page]), statistics.median(cpu[page])
        figures.append(
            {
                "face": face,
                "page": page,
                "bytes": size,
                "wall_ms": round(page_wall * 1000, 2),
                "cpu_ms": round(page_cpu * 1000, 2),
                "trivial_wall_ms": round(trivial_wall * 1000, 2),
                "trivial_cpu_ms": round(trivial_cpu * 1000, 2),
                "ratio_wall": round(page_wall / trivial_wall, 2),
                "ratio_cpu": round(page_cpu / trivial_cpu, 2),
            }
        )
    return figures


def two_clients(port: int, face_pages: dict[str, list[str]], requests_per_client: int):
    """2 clients, one a face each in turn, every page in turn: latencies per page."""
    timings: dict[str, list[float]] = {}
    lock = threading.Lock()
    errors = []

    def client(index: int) -> None:
        local: dict[str, list[float]] = {}
        for face, pages in face_pages.items():
            paths = [TRIVIAL, *pages]
            session = Session(port).login(REPRESENTATIVE if face == "portail" else MANAGER)
            for n in range(requests_per_client):
                path = paths[(n + index) % len(paths)]
                started = time.perf_counter()
                status, _, _ = session.request("GET", path)
                local.setdefault(f"{face} {path}", []).append(time.perf_counter() - started)
                if status != 200:
                    errors.append((path, status))
        with lock:
            for key, values in local.items():
                timings.setdefault(key, []).extend(values)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"Réponses en erreur : {len(errors)} (par exemple {errors[:3]})")
    return {key: percentile(values, 0.95) * 1000 for key, values in timings.items()}


def measure(port: int, workers: Workers, face_pages: dict, args, label: str) -> dict:
    figures = []
    for face, pages in face_pages.items():
        figures += beside_trivial(port, workers, face, pages, args.repeat)
    p95 = two_clients(port, face_pages, args.requests)
    for figure in figures:
        figure["p95_2_clients_ms"] = round(p95[f"{figure['face']} {figure['page']}"], 1)
        figure["target_met"] = (
            figure["ratio_cpu"] <= RATIO_TARGET and figure["p95_2_clients_ms"] < P95_TARGET_MS
        )
    print(f"\n{label} — rapports à la vue triviale connectée {TRIVIAL} (1 client, médianes)")
    print(
        f"  {'page':<48} {'mur ms':>7} {'×mur':>5} {'CPU ms':>7} {'×CPU':>5} "
        f"{'p95@2':>6} {'Ko':>5}  cible ≤ {RATIO_TARGET:.0f}× et p95 < {P95_TARGET_MS:.0f} ms"
    )
    for f in figures:
        print(
            f"  {f['face'] + ' ' + f['page']:<48} {f['wall_ms']:7.1f} {f['ratio_wall']:5.1f} "
            f"{f['cpu_ms']:7.1f} {f['ratio_cpu']:5.1f} {f['p95_2_clients_ms']:6.1f} "
            f"{f['bytes'] / 1024:5.0f}  {'atteinte' if f['target_met'] else 'MANQUÉE'}"
        )
    trivial = {face: p95.get(f"{face} {TRIVIAL}") for face in face_pages}
    return {"label": label, "pages": figures, "trivial_p95_2_clients_ms": trivial}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15, help="requêtes par page, 1 client")
    parser.add_argument("--requests", type=int, default=120, help="par client et par face")
    parser.add_argument("--scale", type=int, default=10, help="organismes × démonstration")
    parser.add_argument("--database-url", help="une base vide (SQLite temporaire sinon)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "http.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url or f"sqlite:///{folder}/bench.sqlite3",
            "SOUTIEN_VAR_DIR": folder,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SOUTIEN_ALLOWED_PORTS": str(port),  # the Host's port is checked (issue 10)
            "SOUTIEN_PROGRAM_DATE": "2019-10-15",
        }
        started = time.perf_counter()
        prepare(env)
        print(f"Démonstration préparée en {time.perf_counter() - started:.1f} s")
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
        import django

        django.setup()
        from django.db import connection

        from soutien.organizations.models import Organization

        server = subprocess.Popen(
            [BIN / "gunicorn", "soutien.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
             "--keep-alive", "30", "--log-level", "warning"],
            env=env,
            cwd=ROOT,
        )  # fmt: skip
        results = []
        try:
            wait_for(port)
            time.sleep(1)
            workers = Workers(server.pid)
            probe = Session(port).login(REPRESENTATIVE)
            face_pages = {"portail": portal_pages(probe), "ministère": workspace_pages()}
            demo = Organization.objects.count()
            results.append(
                measure(port, workers, face_pages, args, f"Démonstration ({demo} organismes)")
            )
            started = time.perf_counter()
            total = grow(args.scale)
            connection.close()
            print(f"\n{total} organismes en tout, créés en {time.perf_counter() - started:.1f} s")
            results.append(
                measure(port, workers, face_pages, args, f"×{args.scale} ({total} organismes)")
            )
        finally:
            server.terminate()
            server.wait(timeout=10)

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "trivial_view": TRIVIAL,
                "targets": {"ratio": RATIO_TARGET, "p95_ms": P95_TARGET_MS},
                "ratio_of": "CPU time of gunicorn's workers per request, 1 client",
                "runs": results,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    met = sum(f["target_met"] for run in results for f in run["pages"])
    count = sum(len(run["pages"]) for run in results)
    print(f"\nCibles atteintes : {met} pages sur {count} ; résultats écrits dans {output}")


if __name__ == "__main__":
    main()
