"""docs/architecture.md draws the import graph as it really is."""

import re
from pathlib import Path

import grimp

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def real_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("soutien")
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2:
            continue
        top = parts[1]
        for imported in graph.find_modules_directly_imported_by(module):
            other = imported.split(".")
            if len(other) >= 2 and other[1] != top:
                edges.setdefault(top, set()).add(other[1])
    return edges


def documented_graph() -> dict[str, set[str]]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text.split("<!-- import-graph:start -->")[1].split("<!-- import-graph:end -->")[0]
    edges = {}
    for line in block.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        edges[cells[0].strip("`")] = set(re.findall(r"`([a-z_]+)`", cells[1]))
    return edges


def test_the_documented_import_graph_is_the_real_one():
    real = real_graph()
    documented = documented_graph()
    # Modules that import no other project module need no row, unless documented.
    real = {module: deps for module, deps in real.items() if deps and module != "__main__"}
    documented = {module: deps for module, deps in documented.items() if deps}
    assert documented == real
