"""« L'année en un coup d'œil »: a fiscal year's dossiers and money, by region, priority tier
(5.2) and stream, for the program manager; and its tables as CSV and XLSX.

What is counted where (docs/decisions/018-year-at-a-glance.md):
- dossiers and « coûts déclarés »: the applications deposited (not drafts, not withdrawn); the
  program has no requested amount (the norms compute the aid, 6.1), so the figure the
  organization gives is its estimated operating costs (6.1.4);
- « évalué »: the amount of each dossier's latest completed evaluation;
- « accordé »: the granted decisions' amounts (5.2);
- committed, paid, held, recovered: the ledger's balances, never another table.

A fixed number of queries whatever the number of organizations: each source is read once,
grouped by (region, tier, stream), and rolled up here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from soutien.applications.models import Application, Priority
from soutien.applications.models import State as ApplicationState
from soutien.applications.models import Stream as ApplicationStream
from soutien.core.spreadsheet import CONTENT_TYPES, to_csv, to_xlsx
from soutien.evaluations.models import Decision, Evaluation, Outcome
from soutien.evaluations.models import State as EvaluationState
from soutien.organizations.models import Region
from soutien.rules.facts import Territory
from soutien.rules.priority import rank_new_attachment_requests
from soutien.rules.text import french_money

from . import ledger
from .models import RegionReference

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)
DEPOSITED = (
    ApplicationState.SUBMITTED,
    ApplicationState.INCOMPLETE,
    ApplicationState.UNDER_EVALUATION,
    ApplicationState.ACCEPTED,
    ApplicationState.REFUSED,
)
NO_TIER = 0  # an application whose tier is not established yet
LEDGER_MEASURES = ("committed", "paid", "held", "recovered")


@dataclass(frozen=True, slots=True)
class Filters:
    fiscal_year: int
    stream: int | None = None
    region: str | None = None

    def of_applications(self, prefix: str = "") -> dict:
        found = {f"{prefix}fiscal_year": self.fiscal_year}
        if self.stream:
            found[f"{prefix}stream"] = self.stream
        if self.region:
            found[f"{prefix}organization__region_id"] = self.region
        return found

    def of_ledger(self) -> dict:
        found: dict = {"fiscal_year": self.fiscal_year}
        if self.stream:
            found["stream"] = self.stream
        if self.region:
            found["organization__region_id"] = self.region
        return found


@dataclass(slots=True)
class Line:
    """One row of a figures table: a region, a tier or a stream (or the total)."""

    key: object
    label: str
    dossiers: int = 0
    requested: Decimal = ZERO
    evaluated: Decimal = ZERO
    granted: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    held: Decimal = ZERO
    recovered: Decimal = ZERO

    def add(self, **amounts) -> None:
        for name, value in amounts.items():
            setattr(self, name, getattr(self, name) + value)


# The columns of a figures table: (attribute, French heading, is money).
COLUMNS = (
    ("dossiers", _lazy("Dossiers déposés"), False),
    ("requested", _lazy("Coûts de fonctionnement déclarés (6.1.4)"), True),
    ("evaluated", _lazy("Évalué"), True),
    ("granted", _lazy("Accordé (décisions)"), True),
    ("committed", _lazy("Engagé"), True),
    ("paid", _lazy("Versé"), True),
    ("held", _lazy("Retenu"), True),
    ("recovered", _lazy("Recouvré"), True),
)
SUMMED = tuple(name for name, _h, _m in COLUMNS)


@dataclass(slots=True)
class Table:
    code: str
    title: str
    dimension: str  # heading of the first column
    lines: list[Line]
    total: Line


@dataclass(frozen=True, slots=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Ranked:
    position: int
    application_id: int
    reference: str
    organization: str
    region: str
    attached_organizations: int | None
    immigrant_population: int | None
    source: str
    state: str


@dataclass(slots=True)
class Year:
    filters: Filters
    states: list[StateCount]
    tables: dict[str, Table]
    ranking: list[Ranked]
    total: ledger.Balance = field(default_factory=ledger.Balance)

    @property
    def dossiers(self) -> int:
        return sum(s.count for s in self.states)


def _ledger_amounts(balance: ledger.Balance) -> dict[str, Decimal]:
    return {name: getattr(balance, name) for name in LEDGER_MEASURES}


def _tier_label(tier: int) -> str:
    return str(Priority(tier).label) if tier in Priority.values else _("Priorité non établie")


def year_at_a_glance(filters: Filters) -> Year:
    regions = {r.code: r.name for r in Region.objects.all()}
    shown_regions = [filters.region] if filters.region else list(regions)
    streams = [filters.stream] if filters.stream else list(ApplicationStream.values)
    by: dict[str, dict] = {
        "regions": {code: Line(code, regions.get(code, code)) for code in shown_regions},
        "tiers": {int(t): Line(int(t), _tier_label(int(t))) for t in Priority.values},
        "streams": {s: Line(s, str(ApplicationStream(s).label)) for s in streams},
    }

    def region_line(region) -> Line:
        if region not in by["regions"]:
            by["regions"][region] = Line(region, regions.get(region) or _("Sans organisme"))
        return by["regions"][region]

    def tier_line(tier) -> Line:
        tier = tier or NO_TIER
        if tier not in by["tiers"]:
            by["tiers"][tier] = Line(tier, _tier_label(tier))
        return by["tiers"][tier]

    def stream_line(stream) -> Line:
        if stream not in by["streams"]:
            by["streams"][stream] = Line(stream, _("Volet %(stream)s") % {"stream": stream})
        return by["streams"][stream]

    def lines_of(region, tier, stream) -> Iterable[Line]:
        return region_line(region), tier_line(tier), stream_line(stream)

    applications = Application.objects.filter(**filters.of_applications())
    states: dict[str, int] = {}
    for row in (
        applications.order_by()
        .values("organization__region_id", "priority", "stream", "state")
        .annotate(
            n=Count("pk"),
            costs=Coalesce(Sum("estimated_operating_costs"), ZERO, output_field=MONEY),
        )
    ):
        states[row["state"]] = states.get(row["state"], 0) + row["n"]
        if row["state"] in DEPOSITED:
            for line in lines_of(row["organization__region_id"], row["priority"], row["stream"]):
                line.add(dossiers=row["n"], requested=row["costs"])

    group = ("application__organization__region_id", "application__priority", "application__stream")
    latest = Evaluation.objects.filter(
        application=OuterRef("application"),
        state=EvaluationState.COMPLETED,
        completed_at__gt=OuterRef("completed_at"),
    )
    evaluated = (
        Evaluation.objects.filter(
            state=EvaluationState.COMPLETED, **filters.of_applications("application__")
        )
        .exclude(Exists(latest))
        .order_by()
        .values(*group)
        .annotate(total=Coalesce(Sum("amount"), ZERO, output_field=MONEY))
    )
    for row in evaluated:
        for line in lines_of(*(row[g] for g in group)):
            line.add(evaluated=row["total"])
    granted = (
        Decision.objects.filter(outcome=Outcome.GRANTED, **filters.of_applications("application__"))
        .order_by()
        .values(*group)
        .annotate(total=Coalesce(Sum("amount"), ZERO, output_field=MONEY))
    )
    for row in granted:
        for line in lines_of(*(row[g] for g in group)):
            line.add(granted=row["total"])

    # The ledger: by region and stream, the organization's region; by tier, the tier of the
    # organization's application of the entry's year and stream (one per year and stream,
    # 5.4), joined in SQL; what no application explains is shown without a tier.
    total_balance = ledger.balance(**filters.of_ledger())
    for (region, stream), balance in ledger.balances(
        group_by=("organization__region_id", "stream"), **filters.of_ledger()
    ).items():
        amounts = _ledger_amounts(balance)
        if any(amounts.values()):  # the envelope's credits, say: none of these measures
            region_line(region).add(**amounts)
            stream_line(stream).add(**amounts)
    explained = dict.fromkeys(LEDGER_MEASURES, ZERO)
    for (tier,), balance in ledger.balances(
        group_by=("organization__applications__priority",),
        organization__applications__fiscal_year=F("fiscal_year"),
        organization__applications__stream=F("stream"),
        **filters.of_ledger(),
    ).items():
        amounts = _ledger_amounts(balance)
        tier_line(tier).add(**amounts)
        explained = {name: explained[name] + amounts[name] for name in LEDGER_MEASURES}
    unexplained = {name: getattr(total_balance, name) - explained[name] for name in LEDGER_MEASURES}
    if any(unexplained.values()):
        tier_line(NO_TIER).add(**unexplained)

    tables = {}
    titles = {
        "regions": (_("Par région administrative"), _("Région")),
        "tiers": (_("Par priorité (5.2)"), _("Priorité")),
        "streams": (_("Par volet"), _("Volet")),
    }
    for code, lines in by.items():
        total = Line("total", _("Total"))
        for line in lines.values():
            total.add(**{name: getattr(line, name) for name in SUMMED})
        ordered = sorted(lines.values(), key=lambda line: (line.key in (None, NO_TIER), line.key))
        title, dimension = titles[code]
        tables[code] = Table(code, title, dimension, ordered, total)

    return Year(
        filters=filters,
        states=[
            StateCount(value, str(label), states.get(value, 0))
            for value, label in ApplicationState.choices
        ],
        tables=tables,
        ranking=new_attachment_ranking(filters, regions),
        total=total_balance,
    )


def new_attachment_ranking(filters: Filters, regions: dict[str, str]) -> list[Ranked]:
    """The new attachment requests (tier 4) in the order of 5.2: first the territories with no
    other attached organization, then the larger immigrant population
    (`rules.priority.rank_new_attachment_requests`, as the allocation runs it). The figures are
    the application's, else the region's reference; a request without either comes last."""
    rows = list(
        Application.objects.filter(
            priority=Priority.NEW_ATTACHMENT, state__in=DEPOSITED, **filters.of_applications()
        )
        .order_by("submitted_at", "pk")
        .values_list(
            "pk",
            "reference",
            "organization__legal_name",
            "organization__region_id",
            "territory_attached_organizations",
            "territory_immigrant_population",
            "state",
        )
    )
    references = {r.region_id: r for r in RegionReference.objects.all()}
    states = dict(ApplicationState.choices)
    with_figures, without = [], []
    for pk, reference, name, region, attached, population, state in rows:
        if attached is not None and population is not None:
            source = _("Demande")
        elif region in references:
            ref = references[region]
            attached, population = ref.attached_organizations, ref.immigrant_population
            source = _("Données fictives de démonstration") if ref.is_demo else _("Région")
        else:
            attached = population = None
            source = _("Aucune donnée : classée en dernier")
        item = (pk, reference, name, regions.get(region, region), attached, population, source)
        item += (str(states.get(state, state)),)
        if attached is None:
            without.append(item)
        else:
            with_figures.append(item)
    order = rank_new_attachment_requests(
        (index, Territory(item[4], item[5])) for index, item in enumerate(with_figures)
    )
    ranked = [with_figures[index] for index in order] + without
    return [Ranked(position, *item) for position, item in enumerate(ranked, start=1)]


# ---------------------------------------------------------------------------------------------
# Exports: each table of the page, as CSV (UTF-8 with BOM, « ; ») and XLSX; texts neutralized
# by `core.spreadsheet` (no formula injection), amounts as numbers; the total is the page's.

TABLES = {
    "etats": _lazy("Dossiers par état"),
    "regions": _lazy("Par région administrative"),
    "priorites": _lazy("Par priorité (5.2)"),
    "volets": _lazy("Par volet"),
    "classement": _lazy("Nouvelles demandes de rattachement (5.2)"),
}
FORMATS = CONTENT_TYPES
_DIMENSION_OF = {"regions": "regions", "priorites": "tiers", "volets": "streams"}


def table_rows(year: Year, table: str) -> tuple[list[str], list[bool], list[list]]:
    """(headings, which columns are money, rows) of one table, its total row last."""
    if table == "etats":
        rows: list[list] = [[s.label, s.count] for s in year.states]
        rows.append([_("Total"), year.dossiers])
        return [_("État"), _("Dossiers")], [False, False], rows
    if table == "classement":
        headings = [
            _("Rang"),
            _("Dossier"),
            _("Organisme"),
            _("Région"),
            _("Autres organismes rattachés sur le territoire"),
            _("Personnes immigrantes sur le territoire"),
            _("Source des données"),
            _("État"),
        ]
        rows = [
            [
                r.position,
                r.reference,
                r.organization,
                r.region,
                r.attached_organizations,
                r.immigrant_population,
                r.source,
                r.state,
            ]
            for r in year.ranking
        ]
        return headings, [False] * len(headings), rows
    figures = year.tables[_DIMENSION_OF[table]]
    headings = [figures.dimension, *(str(heading) for _n, heading, _m in COLUMNS)]
    money = [False, *(is_money for _n, _h, is_money in COLUMNS)]
    rows = [
        [line.label, *(getattr(line, name) for name, _h, _m in COLUMNS)]
        for line in [*figures.lines, figures.total]
    ]
    return headings, money, rows


def export(year: Year, table: str, fmt: str) -> tuple[str, str, bytes]:
    """(file name, content type, content) of one table of the page."""
    headings, money, rows = table_rows(year, table)
    if fmt == "csv":
        content = to_csv(headings, money, rows)
    else:
        content = to_xlsx(headings, money, rows, str(TABLES[table]))
    name = f"annee-{year.filters.fiscal_year}-{table}.{fmt}"
    return name, FORMATS[fmt], content


def money_text(value) -> str:
    return french_money(Decimal(value))
