"""`soutien-mission`: the project's one command (Django's commands and the project's own)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int | None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "evaluate":
        # The rules need no database: skip Django's start-up (a full campaign in under 1 s).
        from soutien.rules.cli import main as evaluate

        return evaluate(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return None


if __name__ == "__main__":
    sys.exit(main())
