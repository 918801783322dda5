"""A draft version of the norms (issue 15): refused with the key and the line, or compared."""

from pathlib import Path

import pytest

from soutien.rules import all_norms
from soutien.rules.norms_draft import SCHEMA, check_draft, read_draft
from soutien.rules.whatif import compare_norms

IN_FORCE = Path(__file__).parents[2] / "src/soutien/rules/norms/2018-2020.toml"
EXAMPLE = Path(__file__).parents[2] / "docs/examples/normes-hypothetiques-2018-2020.toml"
BASE = IN_FORCE.read_text(encoding="utf-8")
RENAMED = BASE.replace('version = "2018-2020"', 'version = "essai"\nsupersedes = "2018-2020"')


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


BAD = [
    # (case, text, key, line of)
    ("non_toml", "<html>pas du TOML</html>", "(syntaxe)", "<html>"),
    ("syntax", RENAMED.replace('unit = "$"', "unit = $", 1), "unit", "unit = $"),
    (
        "missing_parameter",
        RENAMED.replace("[parameters.audit_threshold]", "[parameters.audit_thresholds]"),
        "parameters.audit_threshold",
        "[parameters.refugee_floor_small]",
    ),
    (
        "missing_key",
        RENAMED.replace('ends_on_clause = "Fin des normes"\n', ""),
        "ends_on_clause",
        'version = "essai"',
    ),
    (
        "dates_out_of_order",
        RENAMED.replace(
            '{ effective = 2019-04-01, value = "41416" }',
            '{ effective = 2017-04-01, value = "41416" }',
        ),
        "parameters.refugee_floor_large.values[1].effective",
        '"41416"',
    ),
    (
        "not_april_first",
        RENAMED.replace(
            '{ effective = 2019-04-01, value = "27652" }',
            '{ effective = 2019-05-01, value = "27652" }',
        ),
        "parameters.other_attached_floor.values[1].effective",
        '"27652"',
    ),
    (
        "negative_amount",
        RENAMED.replace('"35309"', '"-35309"'),
        "parameters.refugee_floor_small.values[1].value",
        '"-35309"',
    ),
    (
        "overlap_without_supersedes",
        BASE.replace('version = "2018-2020"', 'version = "essai"'),
        "fiscal_years",
        "fiscal_years = ",
    ),
    ("same_name_as_in_force", BASE, "version", 'version = "2018-2020"'),
    (
        "unknown_key",
        RENAMED.replace('unit = "ratio"', 'unit = "ratio"\nunite = "x"', 1),
        "parameters.surplus_ratio.unite",
        'unite = "x"',
    ),
]


@pytest.mark.parametrize(("case", "text", "key", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_15_a_bad_draft_is_refused_naming_the_key_and_the_line(case, text, key, fragment):
    problems = check_draft(text)
    assert problems, case
    first = problems[0]
    assert first.key == key
    assert first.line == _line(text, fragment)
    assert f"ligne {first.line}" in str(first) and f"« {key} »" in str(first)


def test_15_a_file_not_in_utf_8_is_refused_with_its_line():
    [problem] = check_draft(b"version = 1\n\xff\xfe")
    assert problem.line == 2 and "UTF-8" in problem.message


def test_15_the_hypothetical_example_is_accepted_and_labelled():
    draft = read_draft(EXAMPLE.read_bytes())
    assert draft.problems == () and draft.supersedes == "2018-2020"
    assert "hypothétique — exemple, pas des normes réelles" in draft.norms.title


def test_15_the_comparison_marks_the_changed_parameters_side_by_side():
    draft = read_draft(EXAMPLE.read_bytes()).norms
    changes = {c.name: c for c in compare_norms(all_norms()[0], draft)}
    assert {n for n, c in changes.items() if c.changed} == {
        "other_attached_floor",
        "refugee_floor_threshold",
    }
    floor = changes["other_attached_floor"]
    assert floor.clause == "6.1.1"
    assert floor.before == (("2018-04-01", "27324 $"), ("2019-04-01", "27652 $"))
    assert floor.after == (("2018-04-01", "27324 $"), ("2019-04-01", "31000 $"))
    assert changes["audit_threshold"].before == changes["audit_threshold"].after


def test_15_the_norms_in_force_fit_the_published_schema():
    # The deployed file, renamed so it does not overlap itself, has no problem.
    assert check_draft(RENAMED) == []
    assert SCHEMA["$id"].endswith("norms.schema.json")
