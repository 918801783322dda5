"""The streaming batch: read one dossier, evaluate it, write its result, then read the next.

Memory stays flat whatever the input's size. Each dossier goes through the typed reader
(`typed.read_dossier`); one it cannot take goes through the reference path
(`cli.read_json` then `contract.evaluate_one`), which says in French what is wrong.
Results are written about a mebibyte at a time. See docs/decisions/011-streaming-batch.md.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from operator import itemgetter
from typing import Any, BinaryIO

import msgspec

from .amount import AmountError
from .cli import (
    InputError,
    _refuse_bom,
    _refuse_duplicate_keys,
    _refuse_lone_surrogates,
    _reject_constant,
    read_json,
)
from .contract import DossierError, evaluate_one, evaluation_to_json, parse_dossier
from .eligibility import _SLOTS, CRITERIA, CRITERIA_BY_STREAM, Finding
from .evaluation import Evaluation, evaluate
from .facts import Dossier, Stream
from .norms import NoNormsInForce
from .priority import TIER_LABELS, attachment_rank_key
from .reporting import FinancialReportType
from .stream import Item, Unreadable, array_items, first_byte, line_items
from .typed import read_block, read_dossier

WRITE_CHUNK = 1 << 20
UNWRITABLE_RESULT = (
    "Le résultat de ce dossier ne peut pas être écrit en JSON (un nombre ou un texte hors "
    "des limites du format) ; vérifiez ses valeurs."
)
COMPACT_FORMAT = "soutien-mission/compact/1"


class BatchInputError(InputError):
    """The input stops being acceptable at a dossier; `where` is its French position."""

    def __init__(self, message: str, where: str, *, syntax: bool = False) -> None:
        super().__init__(message)
        self.where = where
        self.syntax = syntax


def _where(number: int, line: int, column: int) -> str:
    return f"dossier n° {number}, ligne {line}, colonne {column}"


def _internal(identifier: Any, error: Exception) -> dict[str, Any]:
    return {
        "id": identifier,
        "error": "Erreur interne pendant l'évaluation de ce dossier ; signalez-la avec le "
        f"dossier ({type(error).__name__}).",
    }


# --- The compact form: codes and statuses; the texts once, in the header ----------------


def compact_header() -> dict[str, Any]:
    """The texts the compact results refer to by code, written once before them."""
    return {
        "format": COMPACT_FORMAT,
        "criteria": {
            c.code: {
                "clause": c.clause,
                "kind": c.kind.value,
                "title": c.title,
                "streams": sorted(int(s) for s in c.streams),
            }
            for c in CRITERIA
        },
        "priority_tiers": {str(int(tier)): label for tier, label in TIER_LABELS.items()},
        "financial_report_types": {kind.value: kind.label for kind in FinancialReportType},
    }


# The results are written by msgspec: it writes a Decimal with its own digits (`str`), a
# StrEnum by its value and a `Raw` as it is, byte for byte what orjson wrote before, and its
# import does not bring orjson's (uuid, platform) into the command's start-up. orjson stays
# for the indented form and for a result msgspec would write where orjson refused it.
_ENCODE = msgspec.json.Encoder(decimal_format="number").encode
_ORJSON_INTEGERS = range(-(1 << 63), 1 << 64)  # beyond, orjson refuses what msgspec writes

_CRITERIA_FRAGMENTS: dict[tuple[Any, ...], msgspec.Raw] = {}
_STATUS = itemgetter(1)


def _criteria(stream: Stream, findings: tuple[Finding, ...]) -> msgspec.Raw:
    # The stream fixes the criteria and their order (eligibility.CRITERIA_BY_STREAM), so
    # the statuses determine the text: a few hundred combinations in a campaign.
    key = (stream, *map(_STATUS, findings))
    fragment = _CRITERIA_FRAGMENTS.get(key)
    if fragment is None:
        fragment = msgspec.Raw(_ENCODE({f.criterion.code: f.status.value for f in findings}))
        if len(_CRITERIA_FRAGMENTS) < 65536:
            _CRITERIA_FRAGMENTS[key] = fragment
    return fragment


# --- The full form, its findings written once per combination -------------------------
#
# A stream's criteria come in a fixed order and, for each, the status and the message make
# the whole finding (`Criterion.finding`); the findings before the board's and after the
# dates' recur across dossiers (eligibility's table), those two are the dossier's own. Each
# part is written once and the list is put together from them.

_MESSAGE = itemgetter(2)
_WRITTEN: dict[tuple[Any, ...], bytes] = {}
_WRITTEN_LIMIT = 1 << 16


def _written(key: tuple[Any, ...], findings: tuple[Finding, ...]) -> bytes:
    text = _WRITTEN.get(key)
    if text is None:
        text = _ENCODE([f.json for f in findings])[1:-1]  # the items, without brackets
        if len(_WRITTEN) < _WRITTEN_LIMIT:
            _WRITTEN[key] = text
    return text


def _findings_json(stream: Stream, findings: tuple[Finding, ...]) -> msgspec.Raw:
    board_at, existence_at = _SLOTS[stream]
    parts = []
    start = 0
    for at in sorted((board_at, existence_at)):
        for run in (findings[start:at], findings[at : at + 1]):
            if run:
                statuses = tuple(map(_STATUS, run))
                parts.append(_written((stream, start, statuses, *map(_MESSAGE, run)), run))
            start += len(run)
    rest = findings[start:]
    if rest:
        parts.append(
            _written((stream, start, tuple(map(_STATUS, rest)), *map(_MESSAGE, rest)), rest)
        )
    return msgspec.Raw(b"[" + b",".join(parts) + b"]")


def evaluation_to_full(evaluation: Evaluation) -> dict[str, Any]:
    """The full result (`contract.evaluation_to_json`), its findings already written."""
    findings = evaluation.findings
    stream = evaluation.dossier.stream
    if len(findings) != len(CRITERIA_BY_STREAM.get(stream, ())):
        return evaluation_to_json(evaluation)
    return evaluation_to_json(evaluation, findings=_findings_json(stream, findings))


def evaluation_to_compact(evaluation: Evaluation) -> dict[str, Any]:
    """The compact result: the full result's facts without its texts (see the header)."""
    dossier, amount = evaluation.dossier, evaluation.amount
    tier = evaluation.priority.tier
    result: dict[str, Any] = {
        "id": dossier.id,
        "norms": evaluation.norms.norms.version,
        "fiscal_year": dossier.fiscal_year.label,
        "eligibility": evaluation.eligibility,  # a StrEnum: written as its value
        "criteria": _criteria(dossier.stream, evaluation.findings),
        "priority": int(tier),
        "amount": amount.amount,
        "cap_applied": amount.cap_applied,
        "surplus_flag": amount.surplus_flag,
        "surplus_withdrawal_required": amount.withdrawal_required,
        "amount_final": amount.final,
        "financial_report_type": evaluation.financial_report_type,
        "quebec_government_funding": evaluation.quebec_funding,
        "installments": [[part.label, part.amount] for part in evaluation.installments],
    }
    if tier == 4 and dossier.territory is not None:
        result["ranking_key"] = list(attachment_rank_key(dossier.territory))
    return result


# --- One dossier ----------------------------------------------------------------------


def _slow_value(item: Item, *, jsonl: bool) -> Any:
    """The dossier read by the reference path; InputError says why it cannot be read."""
    text = item.raw.decode("utf-8")  # UnicodeDecodeError: the input is not UTF-8
    if not jsonl:
        return read_json(text)
    import json
    from decimal import Decimal

    decoder = json.JSONDecoder(
        parse_float=Decimal,
        parse_constant=_reject_constant,
        object_pairs_hook=_refuse_duplicate_keys,
    )
    value = decoder.decode(text)
    _refuse_lone_surrogates(text, value)
    return value


def result_of(
    item: Item, *, compact: bool, jsonl: bool = False, written: bool = False
) -> dict[str, Any]:
    """The result of one dossier of the batch, full or compact.

    `written`: the full form's findings as JSON already written (`msgspec.Raw`), for a result
    written without indentation.
    """
    dossier = read_dossier(item.raw)
    if dossier is None:
        try:
            data = _slow_value(item, jsonl=jsonl)
        except (ValueError, RecursionError) as error:
            if not jsonl:
                raise
            return {"id": None, "error": _line_error(item, error)}
        if not compact:
            return evaluate_one(data)
        try:
            dossier = parse_dossier(data)
        except DossierError as error:
            return {"id": _id_of(data), "error": error.message}
        except Exception as error:  # a defect: as evaluate_one
            return _internal(_id_of(data), error)
    return dossier_result(dossier, compact=compact, written=written)


def dossier_result(dossier: Dossier, *, compact: bool, written: bool) -> dict[str, Any]:
    """The result of a dossier the typed reader took (`result_of`)."""
    try:
        evaluation = evaluate(dossier, explain=not compact)  # the compact form writes no line
        if compact:
            return evaluation_to_compact(evaluation)
        return evaluation_to_full(evaluation) if written else evaluation_to_json(evaluation)
    except (NoNormsInForce, AmountError) as error:
        return {"id": dossier.id, "error": error.message}
    except Exception as error:  # a defect must not cost the other dossiers their results
        return _internal(dossier.id, error)


def _id_of(data: Any) -> Any:
    if isinstance(data, dict):
        value = data.get("id")
        return value if isinstance(value, str | int) and not isinstance(value, bool) else None
    return None


def _line_error(item: Item, error: Exception) -> str:
    if isinstance(error, InputError):
        return f"La ligne {item.line} n'est pas acceptée : {error.message}."
    if isinstance(error, UnicodeDecodeError):
        return f"La ligne {item.line} n'est pas encodée en UTF-8."
    json = sys.modules.get("json")  # imported by the reference path that raised `error`
    if json is not None and isinstance(error, json.JSONDecodeError) and error.lineno == 1:
        return f"La ligne {item.line} n'est pas du JSON valide (colonne {error.colno})."
    return f"La ligne {item.line} n'est pas du JSON valide."


# --- The batch ------------------------------------------------------------------------


def _diagnose(error: Unreadable) -> BatchInputError:
    """Why the array stops being JSON, from Python's own reader, with the position."""
    where = _where(error.number, error.line, error.column)
    try:
        text = error.raw.decode("utf-8")
    except UnicodeDecodeError:
        return BatchInputError("il n'est pas encodé en UTF-8", where)
    import json
    from decimal import Decimal

    decoder = json.JSONDecoder(
        parse_float=Decimal,
        parse_constant=_reject_constant,
        object_pairs_hook=_refuse_duplicate_keys,
    )
    try:
        value, _ = decoder.raw_decode(text)
        _refuse_lone_surrogates(text, value)
    except InputError as refused:
        return BatchInputError(refused.message, where)
    except json.JSONDecodeError as bad:
        line = error.line + bad.lineno - 1
        column = bad.colno + (error.column - 1 if bad.lineno == 1 else 0)
        return BatchInputError("", _where(error.number, line, column), syntax=True)
    except (ValueError, RecursionError):
        pass
    return BatchInputError("", where, syntax=True)


def _items(source: BinaryIO, *, jsonl: bool) -> tuple[Iterator[Item | list[Dossier]], bool]:
    """The dossiers of the input, and whether it is one JSON value rather than a batch."""
    first, byte = first_byte(source)
    _refuse_bom(first)
    if jsonl:
        return line_items(source, first), False
    if byte == ord("["):
        return array_items(source, first, read_block), False
    whole = first + source.read()  # one value (a dossier alone): read whole, as before
    text = whole.decode("utf-8")
    if not text.strip():
        read_json(text)  # raises the reference path's error
    return iter([Item(1, whole, 1, 1)]), True


def run_batch(
    source: BinaryIO,
    out: BinaryIO,
    *,
    jsonl: bool = False,
    compact: bool = False,
    pretty: bool = False,
) -> bool:
    """Evaluate each dossier of `source` and write its result on `out`. Returns had_errors.

    An input that stops being readable raises InputError (BatchInputError with its position);
    if results were already written, the output is first closed so that it stays JSON.
    """
    items, single = _items(source, jsonl=jsonl)
    indented = pretty and not jsonl
    if jsonl:
        opening, separator, closing = b"", b"\n", b"\n"
    elif pretty:
        opening, separator, closing = b"[\n", b",\n", b"\n]\n"
    else:
        opening, separator, closing = b"[", b",", b"]\n"
    if compact:
        header = _ENCODE({"header": compact_header()} if jsonl else compact_header())
        if jsonl:
            opening = header + b"\n"
        else:
            opening = header[:-1] + b',"results":' + opening
            closing = closing.rstrip(b"\n") + b"}\n"
    pending = [opening]
    size = len(opening)
    written = False
    had_errors = False
    count = 0
    try:
        results = _results(items, compact=compact, jsonl=jsonl, written=not indented, single=single)
        for result in results:
            had_errors = had_errors or "error" in result
            chunk = None
            if not indented and _integers_fit(result):
                try:
                    chunk = _ENCODE(result)
                except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
                    pass  # e.g. a lone surrogate: orjson's refusal below, as before
            if chunk is None:
                chunk, refused = _orjson_dumps(result, indented)
                had_errors = had_errors or refused
            if count:
                pending.append(separator)
            count += 1
            pending.append(chunk)
            size += len(chunk)
            if size >= WRITE_CHUNK:
                out.write(b"".join(pending))
                pending.clear()
                size = 0
                written = True
    except Unreadable as error:
        _close(out, pending, closing, written, count)
        raise _diagnose(error) from None
    except InputError:
        _close(out, pending, closing, written, count)
        raise
    except (ValueError, RecursionError):
        _close(out, pending, closing, written, count)
        raise
    if jsonl and not count:
        closing = b""
    pending.append(closing)
    out.write(b"".join(pending))
    return had_errors


def _results(
    items: Iterator[Item | list[Dossier]],
    *,
    compact: bool,
    jsonl: bool,
    written: bool,
    single: bool,
) -> Iterator[dict[str, Any]]:
    """Each dossier's result, in order: a run the typed reader took whole (a list of
    Dossiers, `stream.array_items`) or one dossier's text."""
    for item in items:
        if isinstance(item, list):
            for dossier in item:
                yield dossier_result(dossier, compact=compact, written=written)
            continue
        try:
            result = result_of(item, compact=compact, jsonl=jsonl, written=written)
        except InputError as error:
            if single or isinstance(error, BatchInputError):
                raise
            where = _where(item.number, *item.position())
            raise BatchInputError(error.message, where) from None
        yield result


def _integers_fit(result: dict[str, Any]) -> bool:
    """Whether the integers a result echoes from its dossier are within orjson's 64 bits.

    The identifier and the territory's figures (the ranking key, compact or full) are the only
    integers a result takes from its dossier; the others (tier, years) are small.
    """
    identifier = result["id"]
    if type(identifier) is int and identifier not in _ORJSON_INTEGERS:
        return False
    priority = result.get("priority")
    key = priority.get("ranking_key") if type(priority) is dict else result.get("ranking_key")
    return key is None or all(value in _ORJSON_INTEGERS for value in key)


def _orjson_dumps(result: dict[str, Any], indented: bool) -> tuple[bytes, bool]:
    """The result as orjson writes it (indented or not), and whether it had to be refused."""
    import orjson

    from .jsonio import exact_number

    option = orjson.OPT_INDENT_2 if indented else 0
    try:
        return orjson.dumps(result, default=exact_number, option=option), False
    except TypeError:  # e.g. an integer beyond 64 bits echoed back
        return orjson.dumps({"id": None, "error": UNWRITABLE_RESULT}, option=option), True


def _close(out: BinaryIO, pending: list[bytes], closing: bytes, written: bool, count: int) -> None:
    # Nothing written yet: the input is refused as a whole, as for a campaign-sized file.
    # Otherwise what was written stays, and the array is closed so that it stays JSON.
    if written:
        pending.append(closing if count else b"")
        out.write(b"".join(pending))
