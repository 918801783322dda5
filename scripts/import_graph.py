"""The project's real import graph, as the table of docs/architecture.md.

    .venv/bin/python scripts/import_graph.py           # print the table
    .venv/bin/python scripts/import_graph.py --write   # rewrite it in docs/architecture.md

tests/core/test_architecture.py fails when the document and the code disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
START, END = "<!-- import-graph:start -->", "<!-- import-graph:end -->"
# The rows in the order of the life cycle, lowest first; the others follow by name.
ORDER = (
    "rules core accounts organizations applications evaluations budget payments compliance "
    "agreements accountability privacy demo portal workspace urls cli"
).split()


def real_graph() -> dict[str, set[str]]:
    """Each top-level module of `soutien` → the other top-level modules it imports directly."""
    graph = grimp.build_graph("soutien")
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2 or parts[1] == "__main__":
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            other = imported.split(".")
            if len(other) >= 2 and other[1] != parts[1]:
                edges.setdefault(parts[1], set()).add(other[1])
    return edges


def table(edges: dict[str, set[str]]) -> str:
    rank = {name: i for i, name in enumerate(ORDER)}
    rows = ["| module | imports |", "|---|---|", "| `rules` | — |"]
    for module in sorted(edges, key=lambda name: (rank.get(name, len(ORDER)), name)):
        rows.append(f"| `{module}` | {', '.join(f'`{d}`' for d in sorted(edges[module]))} |")
    return "\n".join(rows)


def documented_block(text: str) -> str:
    return text.split(START)[1].split(END)[0].strip()


def main() -> None:
    current = table(real_graph())
    if "--write" in sys.argv:
        text = ARCHITECTURE.read_text(encoding="utf-8")
        before, rest = text.split(START)
        after = rest.split(END)[1]
        ARCHITECTURE.write_text(f"{before}{START}\n{current}\n{END}{after}", encoding="utf-8")
    print(current)


if __name__ == "__main__":
    main()
