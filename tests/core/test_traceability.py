"""docs/norms/traceability.md cites tests that exist (STYLE.md §2, §10)."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRACEABILITY = ROOT / "docs" / "norms" / "traceability.md"
# A bare file name is in tests/rules/ (the page's own convention); a path is from the repository.
DEFAULT_DIR = ROOT / "tests" / "rules"
REFERENCE = re.compile(r"(?P<file>[\w/.-]+\.py)::(?P<test>\w+)")


def cited_tests() -> list[str]:
    text = TRACEABILITY.read_text(encoding="utf-8")
    return sorted({match.group(0) for match in REFERENCE.finditer(text)})


@cache
def defined_tests(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    )


def test_the_page_cites_tests():
    assert len(cited_tests()) > 50


@pytest.mark.parametrize("reference", cited_tests())
def test_every_test_cited_in_the_traceability_exists(reference):
    file, test = reference.split("::")
    path = ROOT / file if "/" in file else DEFAULT_DIR / file
    assert path.is_file(), f"{reference}: no file {path.relative_to(ROOT)}"
    assert test in defined_tests(path), f"{reference}: no test {test} in {path.relative_to(ROOT)}"
