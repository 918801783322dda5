"""docs/architecture.md draws the import graph as it really is."""

from scripts.import_graph import ARCHITECTURE, documented_block, real_graph, table


def test_the_documented_import_graph_is_the_real_one():
    documented = documented_block(ARCHITECTURE.read_text(encoding="utf-8"))
    assert documented == table(real_graph()), (
        "docs/architecture.md is not the real import graph: "
        "run `.venv/bin/python scripts/import_graph.py --write` and read the difference."
    )
