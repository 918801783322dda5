"""A draft version of the norms, checked before it is tried (never adopted from here).

The draft is a TOML file of the same format as `norms/*.toml`. It is read with tomllib,
validated against the published schema (schema/norms.schema.json), then checked for what
the schema cannot say: effective dates on April 1 and in order, no negative amount, every
parameter the code reads, and which version prevails where it overlaps one in force.
Each problem names its key and its line, in French. Adopting a version is a deployment of a
file into `norms/` (docs/decisions/019-norms-what-if.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from .fiscal import FiscalYear, InvalidFiscalYear
from .norms import (
    DECIMAL_PARAMETERS,
    NORMS_DIR,
    OTHER_PARAMETERS,
    NoNormsInForce,
    Norms,
    NormsFileError,
    all_norms,
    norms_from_data,
)

SCHEMA_PATH = Path(__file__).with_name("schema") / "norms.schema.json"
SCHEMA = msgspec.json.decode(SCHEMA_PATH.read_bytes())
_compiled: list[Callable[[Any], Any]] = []
DRAFT_NAME = "brouillon.toml"


class DraftProblem(NamedTuple):
    key: str  # « parameters.refugee_floor_small.values[1].effective »
    line: int | None  # 1-based; None when the text has no such line
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" if self.line else "aucune ligne"
        return f"Clé « {self.key} » ({where}) : {self.message}"


class Draft(NamedTuple):
    norms: Norms | None  # None when refused
    problems: tuple[DraftProblem, ...]
    supersedes: str | None = None


def _validate(data: Any) -> None:
    if not _compiled:
        import fastjsonschema

        _compiled.append(fastjsonschema.compile(SCHEMA))
    _compiled[0](data)


def _jsonable(value: Any) -> Any:
    """The TOML data as JSON sees it: dates and times become ISO strings."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------
# Where a key is written: scanning the text for its table header, then its key.

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


_WRITTEN_KEY = re.compile(r"^\s*([A-Za-z0-9_.\"']+)\s*=")


def _key_name(part: str) -> str:
    return part.strip().strip("\"'")


class _Text:
    def __init__(self, text: str):
        self.lines = text.splitlines()
        # (line number, dotted table name) of each header.
        self.headers = []
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match:
                name = ".".join(_key_name(p) for p in match[1].split("."))
                self.headers.append((number, name))

    def _table_range(self, table: str) -> tuple[int, int] | None:
        for index, (number, name) in enumerate(self.headers):
            if name == table:
                end = self.headers[index + 1][0] if index + 1 < len(self.headers) else None
                return number, (end or len(self.lines) + 1)
        return None

    def _key_line(self, start: int, end: int, key: str) -> int | None:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return None

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of the key at `path`, else of the nearest table or key that holds it."""
        names = [p for p in path if isinstance(p, str)]
        if not names:
            return 1
        if names[0] != "parameters":
            top_end = self.headers[0][0] if self.headers else len(self.lines) + 1
            first_key = next(
                (n for n in range(1, top_end) if _WRITTEN_KEY.match(self.lines[n - 1])), 1
            )
            # A missing key: the top of the file, where its keys are.
            return self._key_line(1, top_end, names[0]) or first_key
        if len(names) == 1:
            return self.headers[0][0] if self.headers else 1
        found = self._table_range(f"parameters.{names[1]}")
        if found is None:
            return self.headers[0][0] if self.headers else 1
        start, end = found
        if len(names) == 2:
            return start
        line = self._key_line(start + 1, end, names[2])
        if line is None:
            return start
        indexes = [p for p in path[3:] if isinstance(p, int)]
        if indexes:
            # The nth value of the array: the nth line naming `effective` from the key on.
            seen = -1
            for number in range(line, end):
                seen += self.lines[number - 1].count("effective")
                if seen >= indexes[0]:
                    return number
        return line


def _dotted(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# ---------------------------------------------------------------------------------------------
# The schema's refusals, in French.

_TYPE_NAMES = {
    "string": "une chaîne de caractères entre guillemets",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "vrai ou faux (true ou false)",
    "object": "une table",
    "array": "une liste",
}


def _schema_path(raw: Sequence[Any]) -> list[str | int]:
    return [int(p) if isinstance(p, int) or str(p).isdigit() else str(p) for p in raw[1:]]


def _schema_problem(error: Any, text: _Text) -> DraftProblem:
    path = _schema_path(error.path)
    rule, definition = error.rule, error.rule_definition
    line = text.line_of(path)
    subject = f"« {_dotted(path)} »" if path else "Le fichier"
    if rule == "required":
        missing = next(k for k in definition if k not in (error.value or {}))
        return DraftProblem(
            _dotted([*path, missing]),
            text.line_of([*path, missing]),
            f"La clé « {missing} » est requise et manque"
            + (f" dans la table « {_dotted(path)} »." if path else " en tête du fichier."),
        )
    if rule == "additionalProperties":
        unknown = sorted(set(error.value or {}) - set(_known_keys(path)))
        key = _dotted([*path, unknown[0]]) if unknown else _dotted(path)
        return DraftProblem(
            key,
            text.line_of([*path, unknown[0]]) if unknown else line,
            "Cette clé n'est pas connue du format des normes (faute de frappe ?).",
        )
    if rule == "type":
        kinds = definition if isinstance(definition, list) else [definition]
        wanted = " ou ".join(_TYPE_NAMES.get(str(k), str(k)) for k in kinds)
        return DraftProblem(_dotted(path), line, f"{subject} doit être {wanted}.")
    if rule == "format" and definition == "date":
        return DraftProblem(
            _dotted(path), line, f"{subject} doit être une date qui existe (AAAA-MM-JJ)."
        )
    if rule == "anyOf":
        return DraftProblem(
            _dotted(path),
            line,
            "La valeur n'a pas une forme permise : un nombre décimal entre guillemets "
            "(« 34891 »), vrai ou faux, une liste de mois ou une liste de points "
            "[personnes, « montant »].",
        )
    if rule in ("minItems", "minLength", "minProperties"):
        return DraftProblem(_dotted(path), line, f"{subject} ne peut pas être vide.")
    if rule == "uniqueItems":
        return DraftProblem(_dotted(path), line, f"{subject} contient un doublon.")
    if rule == "pattern":
        return DraftProblem(_dotted(path), line, f"{subject} n'a pas la forme attendue.")
    return DraftProblem(_dotted(path), line, f"{subject} est invalide ({rule}).")


def _known_keys(path: Sequence[str | int]) -> list[str]:
    node = SCHEMA
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        elif "properties" in node and part in node["properties"]:
            node = node["properties"][part]
        else:
            node = node.get("additionalProperties", {})
    return list(node.get("properties", {}))


# ---------------------------------------------------------------------------------------------
# What the schema cannot say.


def _decimal(value: Any) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _money(amount: Decimal) -> str:
    return f"{amount}"


def _check_parameter(
    name: str, spec: dict[str, Any], first_year: FiscalYear | None, text: _Text
) -> list[DraftProblem]:
    problems = []
    base: list[str | int] = ["parameters", name, "values"]
    previous: date | None = None
    for index, item in enumerate(spec["values"]):
        here: list[str | int] = [*base, index]
        effective, value = item["effective"], item["value"]
        if type(effective) is not date:
            problems.append(
                DraftProblem(
                    _dotted([*here, "effective"]),
                    text.line_of(here),
                    "La date d'effet doit être une date TOML écrite sans guillemets ni "
                    "heure (AAAA-MM-JJ).",
                )
            )
            continue
        if (effective.month, effective.day) != (4, 1):
            problems.append(
                DraftProblem(
                    _dotted([*here, "effective"]),
                    text.line_of(here),
                    f"La date d'effet {effective.isoformat()} n'est pas le premier jour d'un "
                    "exercice financier (le 1er avril).",
                )
            )
        if previous is not None and effective <= previous:
            problems.append(
                DraftProblem(
                    _dotted([*here, "effective"]),
                    text.line_of(here),
                    f"Les dates d'effet ne sont pas en ordre croissant : {effective.isoformat()} "
                    f"vient après {previous.isoformat()}.",
                )
            )
        previous = effective if previous is None else max(previous, effective)
        problems.extend(_check_value(name, value, here, text))
    dates = [i["effective"] for i in spec["values"] if type(i["effective"]) is date]
    if first_year is not None and dates and min(dates) > first_year.starts_on:
        problems.append(
            DraftProblem(
                _dotted(base),
                text.line_of(base),
                f"Aucune valeur n'est en vigueur au début de l'exercice {first_year.label} "
                f"(le {first_year.starts_on.isoformat()}).",
            )
        )
    return problems


def _check_value(name: str, value: Any, here: list[str | int], text: _Text) -> list[DraftProblem]:
    key, line = _dotted([*here, "value"]), text.line_of(here)
    if name in DECIMAL_PARAMETERS:
        amount = _decimal(value)
        if amount is None:
            return [
                DraftProblem(key, line, "La valeur doit être un nombre décimal entre guillemets.")
            ]
        if amount < 0:
            return [DraftProblem(key, line, f"Le montant {_money(amount)} est négatif.")]
        return []
    if name == "volunteer_amount_scale":
        if not isinstance(value, list) or not all(isinstance(p, list) for p in value):
            return [DraftProblem(key, line, "Le barème doit être une liste de points.")]
        amounts = [_decimal(point[1]) for point in value if len(point) == 2]
        if any(a is not None and a < 0 for a in amounts):
            return [DraftProblem(key, line, "Un montant du barème est négatif.")]
        return []
    if name == "historic_funding_keeps_additional_amount" and not isinstance(value, bool):
        return [DraftProblem(key, line, "La valeur doit être vrai ou faux (true ou false).")]
    if name == "installment_months" and not isinstance(value, list):
        return [DraftProblem(key, line, "La valeur doit être une liste de mois.")]
    if name == "new_attachment_ranking" and not isinstance(value, str):
        return [DraftProblem(key, line, "La valeur doit être le nom d'une règle.")]
    return []


def _check_top(data: dict[str, Any], text: _Text) -> tuple[list[DraftProblem], list[FiscalYear]]:
    problems = []
    for key in ("ends_on", "starts_on"):
        if key in data and type(data[key]) is not date:
            problems.append(
                DraftProblem(
                    key,
                    text.line_of([key]),
                    "La date doit être une date TOML écrite sans guillemets (AAAA-MM-JJ).",
                )
            )
    years: list[FiscalYear] = []
    for index, label in enumerate(data["fiscal_years"]):
        try:
            years.append(FiscalYear.parse(label))
        except InvalidFiscalYear:
            problems.append(
                DraftProblem(
                    f"fiscal_years[{index}]",
                    text.line_of(["fiscal_years"]),
                    f"« {label} » n'est pas un exercice financier (par exemple « 2019-2020 »).",
                )
            )
    if years != sorted(years):
        problems.append(
            DraftProblem(
                "fiscal_years",
                text.line_of(["fiscal_years"]),
                "Les exercices financiers ne sont pas en ordre croissant.",
            )
        )
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if type(starts_on) is date and type(ends_on) is date and starts_on > ends_on:
        problems.append(
            DraftProblem(
                "starts_on",
                text.line_of(["starts_on"]),
                f"La date de début {starts_on.isoformat()} vient après la date de fin "
                f"{ends_on.isoformat()}.",
            )
        )
    if type(ends_on) is date and years and ends_on < min(years).starts_on:
        problems.append(
            DraftProblem(
                "ends_on",
                text.line_of(["ends_on"]),
                f"Les normes prendraient fin le {ends_on.isoformat()}, avant le début de "
                f"l'exercice {min(years).label}.",
            )
        )
    return problems, years


def _check_overlap(
    data: dict[str, Any], years: list[FiscalYear], in_force: Sequence[Norms], text: _Text
) -> list[DraftProblem]:
    supersedes = data.get("supersedes")
    problems = []
    overlapping = [n for n in in_force if set(n.fiscal_years) & set(years)]
    for norms in overlapping:
        shared = ", ".join(y.label for y in sorted(set(norms.fiscal_years) & set(years)))
        if norms.version == data["version"]:
            problems.append(
                DraftProblem(
                    "version",
                    text.line_of(["version"]),
                    f"« {norms.version} » est le nom d'une version en vigueur : donnez un autre "
                    "nom à cette version.",
                )
            )
        elif supersedes != norms.version:
            problems.append(
                DraftProblem(
                    "supersedes" if supersedes else "fiscal_years",
                    text.line_of(["supersedes" if supersedes else "fiscal_years"]),
                    f"Les exercices {shared} sont déjà couverts par les normes en vigueur "
                    f"« {norms.version} » : dites laquelle prévaut avec "
                    f'supersedes = "{norms.version}", ou retirez ces exercices.',
                )
            )
    if supersedes and supersedes not in {n.version for n in overlapping}:
        problems.append(
            DraftProblem(
                "supersedes",
                text.line_of(["supersedes"]),
                f"« {supersedes} » n'est pas une version en vigueur qui couvre les mêmes "
                "exercices.",
            )
        )
    return problems


def read_draft(content: str | bytes, in_force: Sequence[Norms] | None = None) -> Draft:
    """The draft's norms, or the problems that refuse it (each naming its key and line)."""
    import tomllib

    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as error:
            line = error.object[: error.start].count(b"\n") + 1
            return Draft(
                None,
                (DraftProblem("(fichier)", line, "Le fichier n'est pas du texte UTF-8."),),
            )
    text = _Text(content)
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        at_line = int(found[1]) if found else None
        written = (
            text.lines[at_line - 1].strip()[:80] if at_line and at_line <= len(text.lines) else ""
        )
        named = _WRITTEN_KEY.match(written)
        message = (
            f"Le fichier n'est pas du TOML valide ici : « {written} » "
            f"(message du lecteur TOML : {error})."
        )
        key = _key_name(named[1]) if named else "(syntaxe)"
        return Draft(None, (DraftProblem(key, at_line, message),))
    import fastjsonschema

    try:
        _validate(_jsonable(data))
    except fastjsonschema.JsonSchemaValueException as error:
        return Draft(None, (_schema_problem(error, text),))
    problems, years = _check_top(data, text)
    parameters = data["parameters"]
    for name in DECIMAL_PARAMETERS + OTHER_PARAMETERS:
        if name not in parameters:
            problems.append(
                DraftProblem(
                    f"parameters.{name}",
                    text.line_of(["parameters"]),
                    f"Le paramètre « {name} », que les règles lisent, manque : ajoutez la "
                    f"table [parameters.{name}].",
                )
            )
    first = min(years) if years else None
    for name, spec in parameters.items():
        problems.extend(_check_parameter(name, spec, first, text))
    in_force = all_norms() if in_force is None else in_force
    problems.extend(_check_overlap(data, years, in_force, text))
    if problems:
        return Draft(None, tuple(problems), data.get("supersedes"))
    try:
        norms = norms_from_data(data, source=DRAFT_NAME, directory=NORMS_DIR)
    except (NormsFileError, NoNormsInForce) as error:
        key = "parameters.volunteer_amount_scale"
        return Draft(
            None,
            (
                DraftProblem(
                    key,
                    text.line_of(key.split(".")),
                    "Le barème du montant additionnel doit avoir au moins deux points, des "
                    "nombres de personnes croissants, des montants qui ne diminuent pas, et "
                    "aller du montant minimal au montant maximal de chaque exercice "
                    f"({type(error).__name__}).",
                ),
            ),
        )
    return Draft(norms, (), data.get("supersedes"))


def check_draft(
    content: str | bytes, in_force: Sequence[Norms] | None = None
) -> list[DraftProblem]:
    """The problems that refuse a draft norms file; empty when it can be tried."""
    return list(read_draft(content, in_force).problems)
