"""`soutien-mission`: the project's one command (Django's commands and the project's own)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int | None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "evaluate":
        # The rules need no database: skip Django's start-up (a full campaign in under 1 s).
        _import_msgspec_alone()
        from soutien.rules.cli import main as evaluate

        return evaluate(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return None


def _import_msgspec_alone() -> None:
    """Import msgspec without typing_extensions, for the evaluate command's process only.

    msgspec takes `get_type_hints` from typing_extensions when it is installed (it is, for
    django-stubs-ext) and otherwise from `typing`, which on Python 3.11 reads the rules'
    Structs the same. Importing typing_extensions (inspect, ast, dis, tokenize) was about a
    fifth of the command's start-up (decision 011). A None in `sys.modules` makes that one
    import fail, as if not installed; it is removed at once, so a later import works.
    """
    if "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]
    try:
        import msgspec  # noqa: F401
    finally:
        del sys.modules["typing_extensions"]


if __name__ == "__main__":
    sys.exit(main())
