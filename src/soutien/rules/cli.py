"""`soutien-mission evaluate FILE.json [--jsonl] [--compact]`: pure Python, no Django.

The batch streams (`batch.run_batch`): a JSON array or JSON Lines, one dossier at a time.

Exit status: 0 all evaluated; 1 at least one dossier in error (the others are evaluated);
2 the input cannot be read as JSON; 3 the results cannot be written (closed or full output,
broken pipe). Every message is French, on standard error; a traceback is a defect.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
from typing import Any, BinaryIO, NoReturn

# argparse, json, re and decimal are imported where first needed: for a plain command line and
# dossiers the typed reader takes, they are never needed, and their imports (argparse's
# translations and terminal size above all) were a good part of the start-up.

EXIT_OK, EXIT_DOSSIER_ERROR, EXIT_UNREADABLE, EXIT_UNWRITABLE = 0, 1, 2, 3

# The operating system's reasons, in French (its own strerror is English).
OS_REASONS = {
    errno.ENOENT: "le fichier n'existe pas",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.ENOSPC: "plus d'espace disponible",
    errno.EPIPE: "le programme qui lisait la sortie l'a fermée",
    errno.EBADF: "le flux est fermé",
}


def os_reason(error: OSError) -> str:
    if error.errno in OS_REASONS:
        return OS_REASONS[error.errno]
    name = errno.errorcode.get(error.errno or 0, "inconnue")
    return f"erreur du système ({name})"


class InputError(ValueError):
    """The input is JSON the contract refuses as a whole; `message` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number in this contract")


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # JSON leaves duplicate keys undefined; keeping the last one silently would hide a typo.
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InputError(f"la clé « {key} » apparaît deux fois dans le même objet")
            seen.add(key)
    return data


# A \uD800–\uDFFF escape; only then can a string hold a lone surrogate (UTF-8 text cannot).
_SURROGATE_ESCAPE = r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}"


def _has_lone_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def read_json(text: str) -> Any:
    """One JSON document as the contract reads it: exact numbers, no duplicate key, no NaN."""
    import json
    from decimal import Decimal

    data = json.loads(
        text,
        parse_float=Decimal,
        parse_constant=_reject_constant,
        object_pairs_hook=_refuse_duplicate_keys,
    )
    _refuse_lone_surrogates(text, data)
    return data


def _refuse_lone_surrogates(text: str, data: Any) -> None:
    import re  # re caches the compiled pattern

    if re.search(_SURROGATE_ESCAPE, text) and _has_lone_surrogate(data):
        raise InputError(
            "une chaîne contient un caractère Unicode invalide (demi-codet isolé, "
            "par exemple \\ud800)"
        )


def _refuse_bom(text: str | bytes) -> None:
    if text[:1] == "\ufeff" or text[:3] == b"\xef\xbb\xbf":
        raise InputError(
            "il commence par une marque d'ordre des octets (BOM) ; enregistrez-le en UTF-8 sans BOM"
        )


def read_documents(text: str) -> list[Any]:
    _refuse_bom(text)
    data = read_json(text)
    return data if isinstance(data, list) else [data]


def _open_input(path: str) -> BinaryIO:
    """The input as bytes; raises OSError or EOFError (stdin closed)."""
    if path == "-":
        if sys.stdin is None:  # started with standard input closed (`<&-`)
            raise EOFError
        return sys.stdin.buffer
    handle = open(path, "rb")
    if os.path.isdir(path):
        handle.close()
        raise IsADirectoryError(errno.EISDIR, path)
    return handle


def _silence_stdout() -> None:
    # After a failed write, Python's own flush at exit would fail again with a traceback.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


USAGE = "Usage : {prog} FICHIER.json [--jsonl] [--compact] [--pretty]\n"


class _Arguments:
    def __init__(self, file: str, flags: set[str]) -> None:
        self.file = file
        self.pretty = "--pretty" in flags
        self.jsonl = "--jsonl" in flags  # JSON Lines in and out
        self.compact = "--compact" in flags  # codes and statuses, texts once


_FLAGS = frozenset(("--pretty", "--jsonl", "--compact"))


def _plain_arguments(argv: list[str]) -> _Arguments | None:
    """The common command line (one file, whole flags) read without argparse; None otherwise.

    argparse reads such a line the same way; anything else (an abbreviation, `--`, a second
    file, a name that starts with a dash) goes to argparse, which also says what is wrong.
    """
    files = [arg for arg in argv if arg not in _FLAGS]
    if len(files) != 1 or (files[0].startswith("-") and files[0] != "-"):
        return None
    return _Arguments(files[0], set(argv))


def _parse_arguments(argv: list[str] | None, prog: str) -> Any:
    plain = _plain_arguments(sys.argv[1:] if argv is None else argv)
    if plain is not None:
        return plain
    import argparse

    class FrenchParser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:  # argparse's own messages are English
            self.exit(EXIT_UNREADABLE, USAGE.format(prog=self.prog))

    parser = FrenchParser(prog=prog, add_help=False)
    parser.add_argument("file")
    parser.add_argument("--pretty", action="store_true")
    parser.add_argument("--jsonl", action="store_true")
    parser.add_argument("--compact", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, prog: str = "soutien-mission evaluate") -> int:
    args = _parse_arguments(argv, prog)
    # The source with its article and its agreement: « l'entrée standard … acceptée ».
    if args.file == "-":
        name, subject, e = "l'entrée standard", "L'entrée standard", "e"
    else:
        name, e = f"le fichier « {args.file} »", ""
        subject = f"Le fichier « {args.file} »"
    try:
        source = _open_input(args.file)
    except EOFError:
        _error("Impossible de lire l'entrée standard : elle est fermée.")
        return EXIT_UNREADABLE
    except OSError as error:
        _error(f"Impossible de lire {name} : {os_reason(error)}.")
        return EXIT_UNREADABLE
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        _error("Impossible d'écrire les résultats : la sortie standard est fermée.")
        return EXIT_UNWRITABLE
    from .batch import BatchInputError, run_batch  # after the cheap refusals: start-up

    # A batch allocates many short-lived, acyclic objects and then the process ends:
    # the cycle collector would only scan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        sys.stdout.flush()
        had_errors = run_batch(
            source, sys.stdout.buffer, jsonl=args.jsonl, compact=args.compact, pretty=args.pretty
        )
        sys.stdout.buffer.flush()
    except BatchInputError as error:
        _flush_quietly()
        if error.syntax:
            _error(f"{subject} n'est pas du JSON valide ({error.where}).")
        else:
            _error(f"{subject} n'est pas accepté{e} : {error.message} ({error.where}).")
        return EXIT_UNREADABLE
    except InputError as error:
        _error(f"{subject} n'est pas accepté{e} : {error.message}.")
        return EXIT_UNREADABLE
    except UnicodeDecodeError:
        _flush_quietly()
        _error(f"{subject} n'est pas encodé{e} en UTF-8.")
        return EXIT_UNREADABLE
    except (ValueError, RecursionError) as error:
        # A JSONDecodeError only if json was imported (by the reference path).
        json = sys.modules.get("json")
        if json is not None and isinstance(error, json.JSONDecodeError):
            _error(
                f"{subject} n'est pas du JSON valide (ligne {error.lineno}, colonne {error.colno})."
            )
            return EXIT_UNREADABLE
        _flush_quietly()
        _error(f"{subject} n'est pas du JSON valide.")
        return EXIT_UNREADABLE
    except OSError as error:
        if error.errno in (errno.EISDIR,):  # reading a directory given as standard input
            _error(f"Impossible de lire {name} : {os_reason(error)}.")
            return EXIT_UNREADABLE
        _silence_stdout()
        _error(f"Impossible d'écrire les résultats : {os_reason(error)}.")
        return EXIT_UNWRITABLE
    finally:
        if collecting:
            gc.enable()
        if source is not getattr(sys.stdin, "buffer", None):
            source.close()
    return EXIT_DOSSIER_ERROR if had_errors else EXIT_OK


def _flush_quietly() -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass


def _error(message: str) -> None:
    if sys.stderr is not None:
        try:
            print(message, file=sys.stderr, flush=True)
        except OSError:
            pass
