"""Demo data: a believable, entirely fictional program (`soutien-mission demo`).

Deterministic (seeded), idempotent (does nothing when organizations exist), and built through
the same actions as real work, so the journal and the history tell a coherent story.
The story is told as of `PROGRAM_DATE` (15 October 2019, inside the norms 2018-2020, before the
November installment): `make run` pins the program clock to it (SOUTIEN_PROGRAM_DATE) and
nothing in the demo is dated after it.
Every name, number and person here is invented; NEQs start with 99 (not issued in Québec).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from soutien.accountability import actions as accountability
from soutien.accountability.models import ClaimKind
from soutien.accountability.reports import required_form_of
from soutien.accounts.models import Role, User
from soutien.accounts.validators import DEMO_PASSWORD
from soutien.agreements import actions as agreements
from soutien.agreements.models import Installment, InstallmentState
from soutien.applications import actions as applications
from soutien.applications.models import DocumentKind, Kind, State, Stream, SubmissionPeriod
from soutien.budget import actions as budget
from soutien.core import clock
from soutien.core.models import constraints_left_to_database
from soutien.evaluations import actions as evaluations
from soutien.evaluations.models import Eligibility, Outcome
from soutien.organizations import actions as organizations
from soutien.organizations.models import (
    BoardMember,
    BoardPosition,
    FinancialStatements,
    GroupingMember,
    Organization,
    Region,
)
from soutien.organizations.regions import REGIONS
from soutien.rules import FiscalYear
from soutien.rules.accountability import indicators
from soutien.rules.eligibility import CRITERIA_BY_STREAM, JUDGEABLE
from soutien.rules.facts import Stream as RulesStream
from soutien.rules.text import french_date

SEED = 20190401
# The demo's "today": `make run` passes it as SOUTIEN_PROGRAM_DATE.
PROGRAM_DATE = date(2019, 10, 15)
# 2019-2020 is the last fiscal year the norms 2018-2020 fund (6.1.1): a second call for it is
# open on PROGRAM_DATE, so a visitor can still register and apply.
OPEN_CALL = (date(2019, 9, 16), date(2019, 11, 29))
PASSWORD = DEMO_PASSWORD  # refused by the password forms outside the demo
DOMAIN = "demo.soutien.example"
ORGANIZATIONS = 160
# The Ministry's reason for the attachments (5.2) that predate the program's agreements.
ATTACHED_BEFORE_THE_PROGRAM = (
    "Rattachement établi avant le programme Soutien à la mission, par un programme antérieur "
    "du Ministère (données fictives de démonstration)."
)
GROUPINGS = 6


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str


ACCOUNTS = (
    DemoAccount(f"representant@{DOMAIN}", "Mathieu Représentant", Role.REPRESENTATIVE),
    DemoAccount(f"conseillere@{DOMAIN}", "Claire Conseillère", Role.ADVISOR),
    DemoAccount(f"gestionnaire@{DOMAIN}", "Gilles Gestionnaire", Role.MANAGER),
    DemoAccount(f"finances@{DOMAIN}", "Fanny Finances", Role.FINANCE),
    # A second finance officer: a payment run is approved by another person (6.2).
    DemoAccount(f"finances2@{DOMAIN}", "Francis Finances", Role.FINANCE),
    DemoAccount(f"admin@{DOMAIN}", "Alex Administration", Role.ADMINISTRATOR),
)

CITIES = {
    "01": ["Rimouski", "Rivière-du-Loup", "Matane"],
    "02": ["Saguenay", "Alma", "Roberval"],
    "03": ["Québec", "Lévis-Est", "Baie-Saint-Paul"],
    "04": ["Trois-Rivières", "Shawinigan", "La Tuque"],
    "05": ["Sherbrooke", "Magog", "Coaticook"],
    "06": ["Montréal", "Montréal-Nord", "Saint-Laurent", "Côte-des-Neiges", "Verdun"],
    "07": ["Gatineau", "Maniwaki", "Buckingham"],
    "08": ["Rouyn-Noranda", "Val-d'Or", "Amos"],
    "09": ["Baie-Comeau", "Sept-Îles"],
    "10": ["Chibougamau", "Matagami"],
    "11": ["Gaspé", "Carleton-sur-Mer", "Les Îles-de-la-Madeleine"],
    "12": ["Lévis", "Saint-Georges", "Thetford Mines"],
    "13": ["Laval", "Chomedey", "Sainte-Rose"],
    "14": ["Joliette", "Repentigny", "Terrebonne"],
    "15": ["Saint-Jérôme", "Mirabel", "Mont-Laurier"],
    "16": ["Longueuil", "Granby", "Saint-Hyacinthe", "Brossard", "Saint-Jean-sur-Richelieu"],
    "17": ["Drummondville", "Victoriaville", "Nicolet"],
}
KINDS_OF_ORGANIZATION = [
    "Carrefour d'accueil",
    "Service d'intégration des personnes immigrantes",
    "Maison interculturelle",
    "Centre de francisation communautaire",
    "Comité d'accueil et d'entraide",
    "Alliance pour l'inclusion",
    "Regard interculturel",
    "Passerelle emploi et intégration",
    "Table de concertation interculturelle",
    "Maison des familles nouvellement arrivées",
]
GROUPING_NAMES = [
    "Regroupement national des organismes d'accueil",
    "Table québécoise de la francisation communautaire",
    "Réseau des organismes au service des personnes réfugiées",
    "Fédération des maisons interculturelles du Québec",
    "Coalition pour l'établissement durable en région",
    "Regroupement des organismes en relations interculturelles",
]
FIRST_NAMES = [
    "Amina", "Benoît", "Chantal", "Diego", "Élise", "Farid", "Geneviève", "Hugo", "Inès",
    "Jacques", "Karima", "Louis", "Mélanie", "Nadia", "Olivier", "Priya", "Quentin", "Rosalie",
    "Samuel", "Thi Lan", "Ulysse", "Valérie", "William", "Yasmine", "Zacharie",
]  # fmt: skip
LAST_NAMES = [
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Nguyen", "Diallo", "Morin", "Lavoie",
    "Fortin", "Haddad", "Gauthier", "Ouellet", "Pelletier", "Bélanger", "Mensah", "Lévesque",
    "Bergeron", "Leblanc", "Paquette", "Girard", "Simard", "Boucher", "Caron", "Beaulieu",
]  # fmt: skip

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0"
    b"/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _of(place: str) -> str:
    """« de Laval », « d'Amos » (elision before a vowel or a mute h)."""
    return f"d'{place}" if place[0].lower() in "aeiouyhéèêàâîôû" else f"de {place}"


def _aware(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _pdf(label: str) -> SimpleUploadedFile:
    content = MINIMAL_PDF + f"% Document fictif de démonstration : {label}\n".encode()
    return SimpleUploadedFile(f"{label}.pdf", content, content_type="application/pdf")


def print_program_date(write) -> None:
    pinned = clock.program_date()
    if pinned is None:
        write(f"Date du programme : {french_date(clock.today())} (horloge réelle).")
    else:
        write(f"Date du programme : {french_date(pinned)} (SOUTIEN_PROGRAM_DATE).")
    if clock.today() != PROGRAM_DATE:
        write(
            f"La démonstration est datée du {french_date(PROGRAM_DATE)} : lancez-la avec "
            f"SOUTIEN_PROGRAM_DATE={PROGRAM_DATE.isoformat()} (make run le fait) pour que les "
            "échéances, les versements et les avis concordent."
        )


def print_accounts(write) -> None:
    write(f"Comptes de démonstration (mot de passe : {PASSWORD}) :")
    for account in ACCOUNTS:
        write(f"  {account.email:<38} {Role(account.role).label}")


def load(write=print) -> bool:
    """Create the demo program; return False (and do nothing) when data exists already."""
    if Organization.objects.exists():
        write("Des données existent déjà : aucune donnée de démonstration n'est ajoutée.")
        return False
    # The demo's organizations are fictional: the notices the actions email go nowhere, at
    # once (not left in the queue for the worker).
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    ):
        # The generated data is valid: the database checks the constraints (decision 012).
        with _fast_sqlite(), transaction.atomic(), constraints_left_to_database():
            _Builder(random.Random(SEED)).build()
    return True


@contextmanager
def _fast_sqlite() -> Iterator[None]:
    """On SQLite, outside a transaction, the demo's connection keeps its rollback journal in
    memory and does not wait for the disk: a crash mid-demo leaves a database to delete (the
    demo runs on a new one), not a corrupt production database. Restored afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (journal_mode,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous")
        (synchronous,) = cursor.fetchone()
        cursor.execute("PRAGMA journal_mode = MEMORY")
        cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA journal_mode = {journal_mode}")
            cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")


class _Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.neq = 9900000000
        self.reference = 0

    # --- people -------------------------------------------------------------------------

    def accounts(self) -> dict[str, User]:
        hashed = make_password(PASSWORD)  # hashed once: the demo stays fast
        users = {}
        for account in ACCOUNTS:
            staff = account.role != Role.REPRESENTATIVE
            user = User(
                email=account.email,
                full_name=account.full_name,
                role=account.role,
                is_staff=staff,
                is_superuser=account.role == Role.ADMINISTRATOR,
                password=hashed,
            )
            user.save()
            users.setdefault(account.role, user)
        self.users = users
        return users

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def address(self) -> str:
        return f"{self.rng.randint(10, 9999)}, rue {self.rng.choice(LAST_NAMES)}"

    def postal_code(self) -> str:
        digits = [self.rng.randint(1, 9) for _ in range(3)]
        return f"J{digits[0]}A {digits[1]}B{digits[2]}"

    def next_neq(self) -> str:
        self.neq += self.rng.randint(1, 97)
        return str(self.neq)

    # --- organizations ------------------------------------------------------------------

    def organizations(self, advisor: User, at: datetime) -> list[Organization]:
        regions = {region.code: region for region in Region.objects.all()}
        codes = [code for code, _name in REGIONS]
        rows, used = [], set()
        for index in range(ORGANIZATIONS):
            grouping = index < GROUPINGS
            # Every region gets organizations; Montréal, Capitale-Nationale, Montérégie more.
            code = (
                codes[index % 17]
                if index < 51
                else self.rng.choice(codes + ["06"] * 8 + ["03", "16", "13"] * 2)
            )
            if grouping:
                code = "06" if index % 2 == 0 else "03"
            city = self.rng.choice(CITIES[code])
            if grouping:
                name = GROUPING_NAMES[index]
            else:
                name = f"{self.rng.choice(KINDS_OF_ORGANIZATION)} {_of(city)}"
                while name in used:
                    name = f"{name} ({len(used) % 7 + 2})"
            used.add(name)
            refugee = not grouping and (index % 13 == 7)
            attached = grouping or refugee or self.rng.random() < 0.78
            transferred = attached and index % 37 == 11
            rows.append(
                Organization(
                    legal_name=name,
                    neq=self.next_neq(),
                    legal_form="canada_nfp" if index % 9 == 4 else "qc_companies_part3",
                    incorporation_date=date(
                        self.rng.randint(1975, 2014),
                        self.rng.randint(1, 12),
                        self.rng.randint(1, 28),
                    ),
                    street_address=self.address(),
                    city=city,
                    postal_code=self.postal_code(),
                    region=regions[code],
                    is_national_grouping=grouping,
                    attached_to_ministry=attached,
                    attached_since=date(self.rng.randint(2000, 2016), 4, 1) if attached else None,
                    attached_reason=ATTACHED_BEFORE_THE_PROGRAM if attached else "",
                    refugee_reception=refugee,
                    refugees_received_per_year=self.rng.randint(40, 320) if refugee else 0,
                    transferred_from_other_ministry=transferred,
                    former_ministry="Ministère fictif de la Famille" if transferred else "",
                    historic_funding=Decimal(self.rng.randint(30, 60) * 1000)
                    if transferred
                    else None,
                    excluded_category="religious_association" if index % 41 == 17 else "",
                    fiscal_year_end_month=3 if index % 4 else 6,
                    fiscal_year_end_day=31 if index % 4 else 30,
                    # Fictitious supplier identification; a few are left for finance to
                    # enter, so November's run shows why they are not paid (6.2).
                    supplier_number="" if index % 29 == 5 else f"F{index + 1:06d}",
                    bank_reference="" if index % 29 == 5 else f"RB-{index + 1:06d}",
                )
            )
        # A brand-new organization: less than two years of legal existence (clause 3).
        rows[-1].incorporation_date = date(2018, 9, 1)
        rows[-1].attached_to_ministry = False
        rows[-1].attached_since, rows[-1].attached_reason = None, ""
        for organization in rows:
            organization.full_clean(validate_unique=False, validate_constraints=False)
        bulk_create_with_history(rows, Organization, default_user=advisor, default_date=at)
        return list(Organization.objects.order_by("pk"))

    def boards(self, organizations: list[Organization], advisor: User, at: datetime) -> None:
        members = []
        positions = [
            BoardPosition.PRESIDENT,
            BoardPosition.VICE_PRESIDENT,
            BoardPosition.TREASURER,
            BoardPosition.SECRETARY,
        ]
        for organization in organizations:
            size = self.rng.choice([5, 7, 7, 9])
            for seat in range(size):
                status = self.rng.choices(["citizen", "permanent_resident", "other"], [70, 25, 5])[
                    0
                ]
                members.append(
                    BoardMember(
                        organization=organization,
                        full_name=self.person(),
                        position=positions[seat]
                        if seat < len(positions)
                        else BoardPosition.DIRECTOR,
                        status=status,
                        domiciled_in_quebec=self.rng.random() > 0.03,
                        volunteer=True,
                        term_start=date(2016, 6, 15) + timedelta(days=self.rng.randint(0, 600)),
                    )
                )
        bulk_create_with_history(members, BoardMember, default_user=advisor, default_date=at)

    def grouping_members(
        self, groupings: list[Organization], others: list[Organization], advisor, at
    ) -> None:
        codes = [code for code, _name in REGIONS]
        rows = []
        for index, grouping in enumerate(groupings):
            # Most groupings reach the majority of the 17 regions; one does not (Volet 2, 2.3).
            reach = 6 if index == len(groupings) - 1 else self.rng.randint(10, 17)
            for code in self.rng.sample(codes, reach):
                local = [o for o in others if o.region_id == code]
                member = self.rng.choice(local) if local else None
                rows.append(
                    GroupingMember(
                        grouping=grouping,
                        member=member,
                        name=member.legal_name
                        if member
                        else f"Organisme membre de la région {code}",
                        neq=member.neq if member else "",
                        region_id=code,
                        joined_on=date(2012, 1, 1),
                    )
                )
        bulk_create_with_history(rows, GroupingMember, default_user=advisor, default_date=at)

    def statements(
        self, organizations: list[Organization], advisor, at
    ) -> dict[tuple[int, int], FinancialStatements]:
        rows = []
        for organization in organizations:
            size = Decimal(self.rng.randint(120, 900) * 1000)
            for end_year in (2017, 2018):
                month, day = organization.fiscal_year_end_month, organization.fiscal_year_end_day
                end = date(end_year + (1 if month <= 3 else 0), month, day)
                expenses = (size * Decimal(self.rng.uniform(0.9, 1.1))).quantize(Decimal("1"))
                surplus_ratio = (
                    Decimal("0.62")
                    if organization.pk % 23 == 5
                    else Decimal(str(round(self.rng.uniform(0.02, 0.35), 2)))
                )
                rows.append(
                    FinancialStatements(
                        organization=organization,
                        period_start=date(end.year - 1, end.month, end.day) + timedelta(days=1),
                        period_end=end,
                        report_type="audit" if size > 400000 else "review",
                        total_revenue=expenses + Decimal(self.rng.randint(-5, 15) * 1000),
                        total_expenses=expenses,
                        unrestricted_net_assets=(expenses * surplus_ratio).quantize(Decimal("1")),
                        quebec_government_funding=(size * Decimal("0.3")).quantize(Decimal("1")),
                        adopted_on=end + timedelta(days=75),
                    )
                )
        bulk_create_with_history(rows, FinancialStatements, default_user=advisor, default_date=at)
        return {
            (
                s.organization_id,
                s.period_end.year if s.period_end.month > 3 else s.period_end.year - 1,
            ): s
            for s in FinancialStatements.objects.all()
        }

    # --- the life cycle -----------------------------------------------------------------

    def judgments_for(self, stream: int, organization: Organization) -> dict[str, tuple[bool, str]]:
        criteria = CRITERIA_BY_STREAM[RulesStream(stream)]
        judgments = {}
        for criterion in criteria:
            if criterion.code not in JUDGEABLE or criterion.code == "stream2_member_regions":
                continue
            judgments[criterion.code] = (True, "Constaté à la lecture des documents déposés.")
        if stream == Stream.NATIONAL_GROUPING:
            judgments["stream2_member_regions"] = (
                True,
                "Le regroupement réunit la majorité des organismes de base du secteur.",
            )
        return judgments

    def build(self) -> None:
        rng = self.rng
        users = self.accounts()
        advisor, manager, finance = users[Role.ADVISOR], users[Role.MANAGER], users[Role.FINANCE]
        representative = users[Role.REPRESENTATIVE]
        start = _aware(date(2017, 12, 1))
        all_organizations = self.organizations(advisor, start)
        groupings = [o for o in all_organizations if o.is_national_grouping]
        others = [o for o in all_organizations if not o.is_national_grouping]
        self.boards(all_organizations, advisor, start)
        self.grouping_members(groupings, others, advisor, start)
        statements = self.statements(all_organizations, advisor, start)
        organizations.link_representative(
            representative, others[0], title="Direction générale", by=advisor, at=start
        )
        self.paths: dict = {"representative": others[0]}
        for fy_start in (2018, 2019):
            for stream, amount in ((1, Decimal("6500000")), (2, Decimal("700000"))):
                envelope = budget.open_envelope(
                    fiscal_year=FiscalYear(fy_start),
                    stream=stream,
                    amount=amount,
                    by=manager,
                    at=_aware(date(fy_start, 3, 1)),
                )
                budget.approve_envelope(
                    envelope,
                    approved_on=date(fy_start, 3, 28),
                    reference=f"Crédits votés {FiscalYear(fy_start).label} (fictif)",
                    by=manager,
                    at=_aware(date(fy_start, 4, 2)),
                )

        # Reference figures of 5.2 per region: invented, and marked as such on every page.
        for position, (code, _name) in enumerate(REGIONS):
            budget.update_region_reference(
                Region.objects.get(pk=code),
                attached_organizations=self.rng.randint(0, 12),
                immigrant_population=self.rng.randint(2, 60) * 5000 if code != "06" else 600000,
                source="Données fictives de démonstration",
                is_demo=True,
                by=manager,
                at=start + timedelta(minutes=position),
            )

        agreements_2018 = {}
        for fy_start in (2018, 2019):
            fiscal_year = FiscalYear(fy_start)
            deadline = _aware(date(fy_start, 2, 28), 16, 0)
            for index, organization in enumerate(all_organizations):
                stream = (
                    Stream.NATIONAL_GROUPING
                    if organization.is_national_grouping
                    else Stream.ORGANIZATION
                )
                previous = agreements_2018.get(organization.pk)
                renewal = fy_start == 2019 and previous is not None and previous.duration_years == 2
                if fy_start == 2018 and not organization.attached_to_ministry and index % 3:
                    continue  # many new organizations apply only in 2019
                if renewal and organization.pk == others[0].pk:
                    continue  # the demo representative's renewal is left to make (5.6)
                last = statements[(organization.pk, fy_start - 1)]
                costs = (last.total_expenses * Decimal("1.05")).quantize(Decimal("1"))
                application = applications.create_application(
                    organization,
                    fiscal_year=fiscal_year,
                    stream=stream,
                    kind=Kind.RENEWAL if renewal else Kind.INITIAL,
                    deadline_at=deadline,
                    last_statements=last,
                    estimated_operating_costs=costs,
                    other_public_funding=(
                        costs * Decimal(str(rng.choice(["0.35", "0.5", "0.6", "0.88"])))
                    ).quantize(Decimal("1")),
                    quebec_government_funding_other=(costs * Decimal("0.2")).quantize(Decimal("1")),
                    by=representative if organization.pk == others[0].pk else advisor,
                    at=_aware(date(fy_start, 1, 10)),
                )
                self.answer(application, by=representative if organization.pk == others[0].pk
                            else advisor)  # fmt: skip
                target = self.target_state(fy_start, index)
                decision = self.advance(application, target, users, fy_start)
                if decision is None or decision.outcome != Outcome.GRANTED:
                    continue
                if renewal:  # 5.6: the renewal confirms year 2 of the same agreement
                    agreements.review_renewal(
                        application,
                        requirements_met=True,
                        evidence="Aucune mesure de non-respect ni créance ; rapport d'activité "
                        "de la première année reçu.",
                        by=users[Role.ADVISOR],
                        at=_aware(date(2019, 5, 15)),
                    )
                    year = agreements.renew_year(decision, by=manager, at=_aware(date(2019, 5, 20)))
                    self.pay_due(year, finance)
                    continue
                agreement = self.agreement(decision, fy_start, manager, finance, index)
                if fy_start == 2018:
                    agreements_2018[organization.pk] = agreement
        self.accountability(agreements_2018, statements, finance, advisor)
        # The demo representative can walk every path: its first organization's renewal to
        # make (5.6), another's draft, a third's request to answer (5.1).
        for organization in (self.paths.get("draft"), self.paths.get("request")):
            if organization is not None and organization.pk != others[0].pk:
                organizations.link_representative(
                    representative, organization, title="Coordination", by=advisor,
                    at=_aware(date(2019, 9, 1)),
                )  # fmt: skip
        self.submission_periods()
        # The daily task has run up to the program date: every begun year has its report (8).
        accountability.expect_due_reports(on=PROGRAM_DATE, at=_aware(PROGRAM_DATE, 6))

    def submission_periods(self) -> None:
        """The call of 2018-2019 (closed) and the second call of 2019-2020, open on
        PROGRAM_DATE so that a visitor can register and submit an application (16 h, Québec
        time)."""
        opens_on, deadline_on = OPEN_CALL
        for stream in Stream.values:
            SubmissionPeriod.objects.create(
                fiscal_year=2018,
                stream=stream,
                opens_at=_aware(date(2017, 12, 1), 8, 0),
                deadline_at=_aware(date(2018, 2, 28), 16, 0),
            )
            SubmissionPeriod.objects.create(
                fiscal_year=2019,
                stream=stream,
                opens_at=_aware(opens_on, 8, 0),
                deadline_at=_aware(deadline_on, 16, 0),
            )

    def target_state(self, fy_start: int, index: int) -> str:
        """Every state in both years; most applications of the past year were accepted."""
        cycle = [
            State.ACCEPTED, State.ACCEPTED, State.ACCEPTED, State.ACCEPTED, State.ACCEPTED,
            State.UNDER_EVALUATION, State.SUBMITTED, State.INCOMPLETE, State.DRAFT,
            State.ACCEPTED, State.WITHDRAWN, State.ACCEPTED,
        ]  # fmt: skip
        if fy_start == 2018:
            cycle = [State.ACCEPTED] * 24 + cycle[5:11]
        return cycle[index % len(cycle)]

    def answer(self, application, *, by) -> None:
        """Every answer of the application's sections, as a coordinator would give them: a
        dossier past « brouillon » is complete, and a correction can be answered at once."""
        organization = application.organization
        when = _aware(date(application.fiscal_year, 1, 20))
        refugees = organization.refugees_received_per_year or 0
        answers = {
            "identification": {
                "contact_name": self.person(),
                "contact_title": "Coordination",
                "contact_email": f"coordination{organization.pk}@demo.soutien.example",
                "contact_phone": f"819 555-{1000 + organization.pk:04d}",
            },
            "mission": {
                "mission": organization.mission
                or "Accueillir les personnes immigrantes et les accompagner, en français, dans "
                "leur participation à la vie collective.",
                "services": organization.services
                or "Accueil et installation, francisation, accompagnement vers l'emploi.",
                "territory_served": organization.region.name,
            },
            "refugees": {
                "refugees_received_last_year": refugees,
                "refugees_expected": refugees,
            },
        }
        if application.kind == Kind.RENEWAL:
            answers["renewal"] = {
                "changes_summary": "Aucun changement aux règlements ni au conseil ; la "
                "programmation suit le plan d'action de l'an dernier.",
                "eligibility_confirmed": True,
            }
        for section, values in answers.items():
            applications.save_section(application, section=section, values=values, by=by, at=when)

    def advance(self, application, target: str, users: dict, fy_start: int):
        advisor, manager = users[Role.ADVISOR], users[Role.MANAGER]
        representative = users[Role.REPRESENTATIVE]
        linked = representative.memberships.filter(organization_id=application.organization_id)
        submitter = representative if linked.exists() else advisor
        day = date(fy_start, 2, 1) + timedelta(days=application.pk % 20)
        if target == State.DRAFT:
            if fy_start == 2019:
                self.paths.setdefault("draft", application.organization)
            return None
        if target == State.WITHDRAWN:
            applications.withdraw_application(
                application, by=advisor, at=_aware(day), reason="L'organisme a retiré sa demande."
            )
            return None
        documents = DocumentKind.values if target != State.INCOMPLETE else DocumentKind.values[:6]
        applications.upload_documents(
            application,
            uploads=[(kind, _pdf(kind)) for kind in documents],
            by=submitter,
            at=_aware(day, 9),
        )
        applications.submit_application(application, by=submitter, at=_aware(day, 11))
        if target == State.SUBMITTED:
            return None
        if target == State.INCOMPLETE:
            asked, due = _aware(day + timedelta(days=20)), None
            if fy_start == 2019 and self.paths.get("request") is None:
                # One request still open on the program date, for the demo representative.
                asked, due = _aware(date(2019, 10, 1)), _aware(date(2019, 10, 31), 16, 0)
                self.paths["request"] = application.organization
            applications.request_correction(
                application,
                by=advisor,
                at=asked,
                due_at=due,
                reason=(
                    "Documents manquants : prévisions budgétaires, plan d'action, liste du conseil."
                ),
            )
            return None
        evaluation = evaluations.start_evaluation(
            application, by=advisor, at=_aware(day + timedelta(days=25))
        )
        organization = application.organization
        if application.stream == Stream.NATIONAL_GROUPING:
            evaluation.stream2_amount = Decimal(self.rng.randint(60, 120) * 1000)
            evaluation.stream2_justification = (
                "Activités nationales, dépenses admissibles et historique de financement."
            )
            evaluation.save_as(advisor)
        evaluations.record_judgments(
            evaluation,
            judgments=self.judgments_for(application.stream, organization),
            by=advisor,
            at=_aware(day + timedelta(days=30)),
        )
        evaluations.compute_evaluation(evaluation, by=advisor, at=_aware(day + timedelta(days=31)))
        result = evaluation.result or {}
        if result.get("amount_final") is False:
            # 6.1.3, second sentence: the surplus persists in year 2; the advisor withdraws a
            # quarter of the year's aid, with her reasons.
            evaluations.adjust_evaluation(
                evaluation,
                kind="surplus_withdrawal",
                amount=(Decimal(result["amount"]) / 4).quantize(Decimal("1")),
                justification="Actif net non affecté toujours supérieur à la moitié des "
                "dépenses : retrait du quart de l'aide, l'organisme gardant de quoi fonctionner.",
                by=advisor,
                at=_aware(day + timedelta(days=31), 14),
            )
        if target == State.UNDER_EVALUATION:
            return None
        evaluations.complete_evaluation(evaluation, by=advisor, at=_aware(day + timedelta(days=32)))
        granted = evaluation.eligibility == Eligibility.ELIGIBLE and evaluation.amount > 0
        return evaluations.decide_application(
            evaluation,
            outcome=Outcome.GRANTED if granted else Outcome.REFUSED,
            reason="" if granted else "Critères d'admissibilité non remplis (voir l'évaluation).",
            by=manager,
            at=_aware(day + timedelta(days=45)),
        )

    def agreement(self, decision, fy_start: int, manager, finance, index: int):
        self.reference += 1
        duration = 2 if fy_start == 2018 else 1
        fiscal_year = FiscalYear(fy_start)
        agreement = agreements.prepare_agreement(
            decision,
            reference=f"SAM-{fy_start}-{self.reference:04d}",
            duration_years=duration,
            starts_on=fiscal_year.starts_on,
            ends_on=(fiscal_year + (duration - 1)).ends_on,
            signatory_name=self.person(),
            signatory_title="Présidence du conseil d'administration",
            by=manager,
            at=_aware(date(fy_start, 4, 20)),
        )
        agreements.upload_agreement_document(
            agreement,
            upload=_pdf(f"convention-{agreement.reference}"),
            by=manager,
            at=_aware(date(fy_start, 5, 1)),
        )
        agreements.sign_agreement(
            agreement, signed_on=date(fy_start, 5, 10), by=manager, at=_aware(date(fy_start, 5, 10))
        )
        year = agreement.years.get(year_number=1)
        if fy_start == 2019 and index % 31 == 2:
            # 5.5: the advisor finds the breach and proposes; the manager approves.
            self.measure(
                agreement,
                breach="accountability",
                clause="article 8 de la convention",
                finding="Le rapport d'activité déposé ne présente pas les résultats selon les "
                "sexes ni les autres sources de financement.",
                found_on=date(2019, 9, 25),
                kind="suspension",
                reason="Rapport d'activité non conforme : versements suspendus le temps de "
                "corriger.",
                decided_on=date(2019, 10, 1),
                remedy="Déposer un rapport d'activité qui présente les résultats selon les sexes "
                "et les autres sources de financement (clause 8).",
                remedy_due_on=date(2019, 11, 15),
            )
            return agreement
        self.pay_due(year, finance)
        return agreement

    def pay_due(self, year, finance) -> None:
        """Installments due before PROGRAM_DATE are paid (on the 15th of their month): those
        of November 2018 and March 2019, not yet November 2019's."""
        for installment in Installment.objects.filter(
            agreement_year=year, state=InstallmentState.SCHEDULED
        ):
            due = date(installment.due_year, installment.due_month, 15)
            if due < PROGRAM_DATE:
                # The program's history before its date: paid as the financial system
                # recorded them; from November 2019 the demo pays through payment runs.
                agreements.pay_installment(
                    installment,
                    paid_on=due,
                    payment_number=f"HIST-{installment.pk:05d}",
                    by=finance,
                    at=_aware(due),
                )

    def fill_report(self, report, agreement, by, *, related: bool) -> None:
        """A report as a coordinator fills it: activities with results by sex, the other
        sources (the Québec one declared in the application), the financial report in the
        form required, the minutes of the AGM."""
        at = _aware(report.due_on - timedelta(days=12))
        refugees = agreement.organization.refugees_received_per_year or 0
        results = {}
        for number, code in enumerate(indicators().codes()):
            total = (refugees if code == "refugees_settled" else 20 + 7 * number) + 3
            women = total // 2 + 1
            other = 1 if total > 10 else 0
            results[code] = (women, total - women - other, other, total)
        accountability.save_activities(
            report,
            activities="Accueil et installation, francisation, accompagnement vers l'emploi "
            "et activités interculturelles, en français.",
            results=results,
            by=by,
            at=at,
        )
        accountability.add_funding_source(
            report,
            funder=f"Ville de {agreement.organization.city}",
            program="Soutien aux organismes communautaires",
            level="municipal",
            amount=Decimal("8000"),
            costs_covered="Loyer et entretien du local d'accueil.",
            by=by,
            at=at,
        )
        quebec = agreement.application.quebec_government_funding_other
        if quebec:
            accountability.add_funding_source(
                report,
                funder="Ministère de l'Emploi et de la Solidarité sociale",
                program="Programme d'aide et d'accompagnement social",
                level="quebec_government",
                amount=quebec,
                costs_covered="Accompagnement vers l'emploi.",
                by=by,
                at=at,
            )
        if related:
            accountability.declare_related_party(
                report,
                legal_name=f"Immeubles {agreement.organization.legal_name[:40]} inc.",
                neq=f"11{agreement.organization.pk:08d}",
                relationship="Société contrôlée par les mêmes administrateurs ; elle loue le "
                "local à l'organisme.",
                transactions_amount=Decimal("9600"),
                sole_beneficiary="Note 9 des états financiers : l'organisme est l'unique "
                "bénéficiaire de ses surplus et de ses subventions.",
                proofs={
                    "contract_proof": "Bail signé le 1er avril 2018.",
                    "notes_proof": "Note 9 des états financiers.",
                    "cost_proof": "Trois soumissions comparables jointes au bail.",
                },
                by=by,
                at=at,
            )
        else:
            accountability.answer_related_parties(report, has_related_parties=False, by=by, at=at)
        accountability.save_financial_report(
            report,
            financial_form=required_form_of(report).form.value,
            cpa_name="Cabinet comptable fictif",
            cpa_permit=f"A{100000 + agreement.organization.pk}",
            unspent_program_funds=Decimal("0"),
            statements_complete=True,
            upload=_pdf("rapport-financier"),
            by=by,
            at=at,
        )
        accountability.save_agm(
            report,
            held_on=report.period_end + timedelta(days=40),
            upload=_pdf("proces-verbal-aga"),
            by=by,
            at=at,
        )

    def accountability(self, agreements_2018: dict, statements: dict, finance, advisor) -> None:
        """The first year's reports (clause 8), due 90 days after each organization's fiscal
        year (the norms' assumption): most received on paper and recorded by the advisor, then
        checked and accepted; one in five sent back for a correction, one in five still
        expected — the demo representative's among them, to fill in the portal."""
        representative_org = self.paths.get("representative")
        for position, agreement in enumerate(agreements_2018.values()):
            year = agreement.years.get(year_number=1)
            report = accountability.expect_annual_report(
                year, by=advisor, at=_aware(date(2019, 4, 1))
            )
            if position % 5 == 4 or agreement.organization_id == getattr(
                representative_org, "pk", None
            ):
                continue  # still expected, and late on the program date
            self.fill_report(report, agreement, advisor, related=position % 7 == 2)
            received = report.due_on - timedelta(days=10)
            accountability.submit_report(report, by=advisor, at=_aware(received))
            reviewed = _aware(received + timedelta(days=20))
            if position % 5 == 3:
                accountability.request_report_correction(
                    report,
                    by=advisor,
                    at=reviewed,
                    due_at=_aware(received + timedelta(days=50), 16, 0),
                    reason="Les résultats ne sont pas présentés selon les sexes pour la "
                    "francisation (clause 8).",
                    obligations=["activities"],
                )
                continue
            for obligation in report.obligations.all():
                accountability.check_obligation(obligation, met=True, by=advisor, at=reviewed)
            accountability.accept_annual_report(report, by=advisor, at=reviewed)

        # A few claims: unused funds under a respected repayment agreement, one defaulted,
        # and a revision of a year's amount.
        chosen = list(agreements_2018.values())[5:8]
        for number, agreement in enumerate(chosen):
            claim = accountability.establish_claim(
                agreement.organization,
                agreement=agreement,
                kind=ClaimKind.UNUSED_FUNDS,
                amount=Decimal(2500 + 1500 * number),
                fiscal_year=FiscalYear(2018),
                established_on=date(2019, 8, 1),
                due_on=date(2019, 12, 1),
                by=finance,
                at=_aware(date(2019, 8, 1)),
            )
            if number == 0:
                accountability.record_repayment(
                    claim, amount=claim.amount, by=finance, at=_aware(date(2019, 9, 1))
                )
            else:
                accountability.agree_repayment(
                    claim,
                    by=finance,
                    at=_aware(date(2019, 8, 15)),
                    reason="Entente : versements mensuels.",
                )
            if number == 2:
                accountability.default_repayment(
                    claim,
                    by=finance,
                    at=_aware(date(2019, 10, 10)),
                    reason="Deux versements mensuels manqués (septembre et octobre).",
                )
        # A termination with the 30-day notice of 6.2, in effect since 7 October 2019.
        ending = list(agreements_2018.values())[9]
        self.measure(
            ending,
            breach="agreement",
            clause="article 3 de la convention",
            finding="Services interrompus depuis six mois ; le local est fermé.",
            found_on=date(2019, 8, 30),
            kind="termination",
            reason="Services interrompus depuis six mois ; l'organisme ne remplit plus ses "
            "engagements.",
            decided_on=date(2019, 9, 6),
            effective_on=date(2019, 10, 7),
        )

    def measure(self, agreement, *, breach, clause, finding, found_on, kind, reason, decided_on,
                **fields) -> None:  # fmt: skip
        """A non-compliance case: found and proposed by the advisor, approved by the manager
        on `decided_on` (5.5); the termination's notice is the approval's letter (6.2)."""
        advisor, manager = self.users[Role.ADVISOR], self.users[Role.MANAGER]
        case = agreements.open_case(
            agreement,
            breach=breach,
            clause=clause,
            finding=finding,
            found_on=found_on,
            by=advisor,
            at=_aware(found_on, 14),
        )
        proposal = agreements.propose_measure(
            case,
            kind=kind,
            legal_basis=f"Clause 5.5 du programme ; {clause}",
            reason=reason,
            by=advisor,
            at=_aware(found_on, 15),
            **fields,
        )
        agreements.approve_measure(proposal, by=manager, at=_aware(decided_on))
