"""`soutien-mission evaluate FILE.json`: pure Python, no Django, so it starts fast.

Exit status: 0 all evaluated; 1 at least one dossier in error (the others are evaluated);
2 the input cannot be read as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal

import simplejson

from .contract import evaluate_many

EXIT_OK, EXIT_DOSSIER_ERROR, EXIT_UNREADABLE = 0, 1, 2


class _FrenchParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own messages are English
        self.exit(EXIT_UNREADABLE, f"Usage : {self.prog} FICHIER.json [--indent N]\n")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number in this contract")


def read_documents(text: str) -> list:
    data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    return data if isinstance(data, list) else [data]


def main(argv: list[str] | None = None, prog: str = "soutien-mission evaluate") -> int:
    parser = _FrenchParser(prog=prog, add_help=False)
    parser.add_argument("file")
    parser.add_argument("--indent", type=int, default=None)
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
    try:
        documents = read_documents(text)
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
    results, had_errors = evaluate_many(documents)
    text = simplejson.dumps(results, use_decimal=True, ensure_ascii=False, indent=args.indent)
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()
    return EXIT_DOSSIER_ERROR if had_errors else EXIT_OK
