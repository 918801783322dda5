"""The norms as versioned data: one TOML file per version of the descriptif.

A later version of the norms (new amounts, new dates) is a new file in `norms/`,
not a code change. A fiscal year or a date that no file covers is an error.
Each TOML file names the descriptif's text, kept word for word beside it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from msgspec import Struct

from .fiscal import FiscalYear
from .text import french_date

NORMS_DIR = Path(__file__).with_name("norms")

# Parameters the code reads; every norms file must define all of them.
DECIMAL_PARAMETERS = (
    "refugee_floor_small",
    "refugee_floor_large",
    "refugee_floor_threshold",
    "volunteer_amount_min",
    "volunteer_amount_max",
    "other_attached_floor",
    "surplus_ratio",
    "public_funding_cap_ratio",
    "audit_threshold",
    "compilation_ceiling",
    "minimum_existence_years",
    "commitments_lookback_years",
    "stream2_regions_total",
    "agreement_max_years",
    "termination_notice_days",
    "report_due_days",
    "records_retention_years",
)
OTHER_PARAMETERS = (
    "volunteer_amount_scale",
    "historic_funding_keeps_additional_amount",
    "installment_months",
    "new_attachment_ranking",
)


class NormsFileError(ValueError):
    """A norms file is malformed (a developer's error, raised at load time)."""


class NoNormsInForce(LookupError):
    """No version of the norms applies to the fiscal year or the date asked for."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Structs rather than dataclasses, as in facts.py: the same semantics, a cheaper import.
class Parameter(Struct, frozen=True):
    name: str
    clause: str
    label: str
    unit: str
    values: tuple[tuple[date, Any], ...]
    assumption: str | None = None

    def value_on(self, day: date) -> Any:
        applicable = [value for effective, value in self.values if effective <= day]
        if not applicable:
            raise NoNormsInForce(
                f"Le paramètre « {self.label} » (clause {self.clause}) n'a aucune valeur "
                f"en vigueur le {french_date(day)}."
            )
        return applicable[-1]


class YearValues(Struct, frozen=True, cache_hash=True):
    """The parameters of one version of the norms, resolved for one fiscal year."""

    norms: Norms
    fiscal_year: FiscalYear
    refugee_floor_small: Decimal
    refugee_floor_large: Decimal
    refugee_floor_threshold: Decimal
    volunteer_amount_min: Decimal
    volunteer_amount_max: Decimal
    volunteer_amount_scale: tuple[tuple[Decimal, Decimal], ...]
    other_attached_floor: Decimal
    historic_funding_keeps_additional_amount: bool
    surplus_ratio: Decimal
    public_funding_cap_ratio: Decimal
    audit_threshold: Decimal
    compilation_ceiling: Decimal
    installment_months: tuple[int, ...]
    minimum_existence_years: Decimal
    commitments_lookback_years: Decimal
    stream2_regions_total: Decimal
    agreement_max_years: Decimal
    termination_notice_days: Decimal
    report_due_days: Decimal
    records_retention_years: Decimal

    def parameter(self, name: str) -> Parameter:
        return self.norms.parameters[name]

    # Hashed once and kept (`cache_hash`): the rules' caches keyed on a YearValues hash it
    # several times a dossier.


class Norms(Struct, frozen=True):
    version: str
    title: str
    text_path: Path
    ends_on: date
    ends_on_clause: str
    fiscal_years: tuple[FiscalYear, ...]
    parameters: dict[str, Parameter]  # compared, not hashed (see __hash__)
    starts_on: date | None = None

    def __hash__(self) -> int:
        # Every field but the parameters, which a dict cannot be hashed on (as the dataclass's
        # `field(hash=False)` did).
        return hash(
            (
                self.version,
                self.title,
                self.text_path,
                self.ends_on,
                self.ends_on_clause,
                self.fiscal_years,
                self.starts_on,
            )
        )

    def text(self) -> str:
        """The descriptif's text, word for word as published."""
        return self.text_path.read_text(encoding="utf-8")

    def in_force_on(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and day <= self.ends_on

    def values_for(self, fiscal_year: FiscalYear) -> YearValues:
        return _year_values(self, fiscal_year)

    @property
    def assumptions(self) -> dict[str, str]:
        return {name: p.assumption for name, p in self.parameters.items() if p.assumption}


@cache
def _year_values(norms: Norms, fiscal_year: FiscalYear) -> YearValues:
    if fiscal_year not in norms.fiscal_years:
        raise NoNormsInForce(
            f"Les normes {norms.version} ne fixent pas les montants de l'exercice {fiscal_year}."
        )
    day = fiscal_year.starts_on
    resolved = {name: norms.parameters[name].value_on(day) for name in DECIMAL_PARAMETERS}
    resolved = {name: Decimal(value) for name, value in resolved.items()}
    scale = tuple(
        (Decimal(str(refugees)), Decimal(amount))
        for refugees, amount in norms.parameters["volunteer_amount_scale"].value_on(day)
    )
    values = YearValues(
        norms=norms,
        fiscal_year=fiscal_year,
        volunteer_amount_scale=scale,
        historic_funding_keeps_additional_amount=bool(
            norms.parameters["historic_funding_keeps_additional_amount"].value_on(day)
        ),
        installment_months=tuple(
            int(m) for m in norms.parameters["installment_months"].value_on(day)
        ),
        **resolved,
    )
    _check_scale(values)
    return values


def _check_scale(values: YearValues) -> None:
    scale = values.volunteer_amount_scale
    refugees = [point[0] for point in scale]
    amounts = [point[1] for point in scale]
    if len(scale) < 2 or refugees != sorted(set(refugees)) or amounts != sorted(amounts):
        raise NormsFileError(
            f"{values.norms.version}: volunteer_amount_scale must have at least two points, "
            "strictly increasing refugees and non-decreasing amounts"
        )
    if amounts[0] != values.volunteer_amount_min or amounts[-1] != values.volunteer_amount_max:
        raise NormsFileError(
            f"{values.norms.version} {values.fiscal_year}: volunteer_amount_scale must run "
            "from volunteer_amount_min to volunteer_amount_max"
        )


def load_norms(path: Path) -> Norms:
    import tomllib  # on first use: its import compiles regexes, a start-up cost

    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return norms_from_data(data, source=path.name, directory=path.parent)


def norms_from_data(data: dict[str, Any], *, source: str, directory: Path = NORMS_DIR) -> Norms:
    """The norms of a parsed TOML file (a deployed file, or a draft read by `norms_draft`)."""
    path = directory / source
    try:
        parameters = {
            name: Parameter(
                name=name,
                clause=spec["clause"],
                label=spec["label"],
                unit=spec["unit"],
                values=tuple(
                    sorted(
                        ((v["effective"], v["value"]) for v in spec["values"]),
                        key=lambda item: item[0],
                    )
                ),
                assumption=spec.get("assumption"),
            )
            for name, spec in data["parameters"].items()
        }
        norms = Norms(
            version=data["version"],
            title=data["title"],
            text_path=path.with_name(data["text"]),
            ends_on=data["ends_on"],
            ends_on_clause=data["ends_on_clause"],
            starts_on=data.get("starts_on"),
            fiscal_years=tuple(FiscalYear.parse(label) for label in data["fiscal_years"]),
            parameters=parameters,
        )
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise NormsFileError(f"{source}: {error!r}") from error
    missing = set(DECIMAL_PARAMETERS + OTHER_PARAMETERS) - parameters.keys()
    if missing:
        raise NormsFileError(f"{source}: missing parameters {sorted(missing)}")
    for fiscal_year in norms.fiscal_years:
        norms.values_for(fiscal_year)
    return norms


@cache
def all_norms(directory: Path = NORMS_DIR) -> tuple[Norms, ...]:
    return tuple(sorted((load_norms(p) for p in directory.glob("*.toml")), key=lambda n: n.ends_on))


def covered_fiscal_years(directory: Path = NORMS_DIR) -> tuple[FiscalYear, ...]:
    """The fiscal years whose amounts some version of the norms sets, in order."""
    return tuple(sorted({year for norms in all_norms(directory) for year in norms.fiscal_years}))


@lru_cache(maxsize=4096)
def select_norms(fiscal_year: FiscalYear, on: date, directory: Path = NORMS_DIR) -> YearValues:
    """The norms that set the amounts of `fiscal_year` and are in force on `on`."""
    candidates = [n for n in all_norms(directory) if fiscal_year in n.fiscal_years]
    if not candidates:
        raise NoNormsInForce(
            f"Aucune version des normes ne fixe les montants de l'exercice {fiscal_year}."
        )
    in_force = [n for n in candidates if n.in_force_on(on)]
    if not in_force:
        latest = candidates[-1]
        raise NoNormsInForce(
            f"Les normes {latest.version} ne sont pas en vigueur le {french_date(on)} "
            f"(elles prennent fin le {french_date(latest.ends_on)}) ; "
            f"aucune autre version ne couvre l'exercice {fiscal_year}."
        )
    return in_force[-1].values_for(fiscal_year)


def norms_text(version: str, directory: Path = NORMS_DIR) -> str:
    """The descriptif's text of one version of the norms, word for word."""
    for norms in all_norms(directory):
        if norms.version == version:
            return norms.text()
    raise NoNormsInForce(f"Aucune version des normes ne porte le nom « {version} ».")
