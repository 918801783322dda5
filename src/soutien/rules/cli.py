"""`soutien-mission evaluate FILE.json`: pure Python, no Django, so it starts fast.

Exit status: 0 all evaluated; 1 at least one dossier in error (the others are evaluated);
2 the input cannot be read as JSON.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from decimal import Decimal
from typing import Any, BinaryIO, NoReturn

import orjson

from .contract import evaluate_one
from .jsonio import exact_number

EXIT_OK, EXIT_DOSSIER_ERROR, EXIT_UNREADABLE = 0, 1, 2


class _FrenchParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own messages are English
        self.exit(EXIT_UNREADABLE, f"Usage : {self.prog} FICHIER.json [--pretty]\n")


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number in this contract")


def read_documents(text: str) -> list[Any]:
    data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    return data if isinstance(data, list) else [data]


WRITE_CHUNK = 1 << 20  # write about a mebibyte at a time, not one small write per dossier


def write_results(documents: list[Any], out: BinaryIO, *, pretty: bool = False) -> bool:
    """Evaluate each dossier and write its result as it comes: a JSON array on `out`.

    Streaming keeps memory flat whatever the batch size. Returns whether any dossier
    could not be evaluated.
    """
    option = orjson.OPT_INDENT_2 if pretty else 0
    separator = b",\n" if pretty else b","
    had_errors = False
    pending = [b"[\n" if pretty else b"["]
    size = 0
    for index, document in enumerate(documents):
        result = evaluate_one(document)
        had_errors = had_errors or "error" in result
        if index:
            pending.append(separator)
        chunk = orjson.dumps(result, default=exact_number, option=option)
        pending.append(chunk)
        size += len(chunk)
        if size >= WRITE_CHUNK:
            out.write(b"".join(pending))
            pending.clear()
            size = 0
    pending.append(b"\n]\n" if pretty else b"]\n")
    out.write(b"".join(pending))
    return had_errors


def evaluate_text(text: str, out: BinaryIO, *, pretty: bool = False) -> bool:
    """The command's whole path: read the JSON, evaluate, write. Returns had_errors.

    Raises ValueError (json.JSONDecodeError among them) or RecursionError, before writing
    anything, when the text is not JSON; a dossier that cannot be evaluated is an error
    entry in the output, never an exception.
    """
    # A batch allocates many short-lived, acyclic objects and then the process ends:
    # the cycle collector would only scan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return write_results(read_documents(text), out, pretty=pretty)
    finally:
        if collecting:
            gc.enable()


def main(argv: list[str] | None = None, prog: str = "soutien-mission evaluate") -> int:
    parser = _FrenchParser(prog=prog, add_help=False)
    parser.add_argument("file")
    parser.add_argument("--pretty", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as error:
        print(f"Impossible de lire le fichier « {args.file} » : {error.strerror}.", file=sys.stderr)
        return EXIT_UNREADABLE
    except UnicodeDecodeError:
        print(f"Le fichier « {args.file} » n'est pas encodé en UTF-8.", file=sys.stderr)
        return EXIT_UNREADABLE
    sys.stdout.flush()
    try:
        had_errors = evaluate_text(text, sys.stdout.buffer, pretty=args.pretty)
    except json.JSONDecodeError as error:
        print(
            f"Le fichier « {args.file} » n'est pas du JSON valide (ligne {error.lineno}, "
            f"colonne {error.colno}).",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    except (ValueError, RecursionError):
        print(f"Le fichier « {args.file} » n'est pas du JSON valide.", file=sys.stderr)
        return EXIT_UNREADABLE
    sys.stdout.buffer.flush()
    return EXIT_DOSSIER_ERROR if had_errors else EXIT_OK
