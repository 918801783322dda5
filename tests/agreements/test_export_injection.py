"""Finance's exports never carry a live formula (issue 10): every text cell is neutralized,
amounts stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from soutien.agreements.exports import FORMATS, KINDS, Row, export_file
from soutien.core.spreadsheet import FORMULA_STARTS, safe_cell, safe_text

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def rows() -> list[Row]:
    return [
        Row(name, name, name, "2019-2020", "2019-11", Decimal(amount), name)
        for name, amount in zip(HOSTILE, ("100.00", "-2.50", "3", "4.25", "5", "6"), strict=True)
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_csv_text_cells_do_not_start_with_a_formula_character_and_amounts_are_numbers(kind):
    _name, _type, content = export_file(rows(), kind=kind, fmt="csv")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    data = lines[1:-1]
    assert [line[0] for line in data] == ["'" + name for name in HOSTILE]
    for line in lines:
        # The amount (column 6) is a number; the state (column 7, « État ») is text.
        for value in [*line[:5], *line[6:]]:
            assert not value.startswith(FORMULA_STARTS)
    assert lines[0][-1] == "État"
    assert [line[5] for line in data] == ["100.00", "-2.50", "3.00", "4.25", "5.00", "6.00"]
    assert lines[-1][5] == "115.75"


@pytest.mark.parametrize("kind", KINDS)
def test_xlsx_text_cells_are_strings_not_formulas_and_amounts_are_numbers(kind):
    _name, _type, content = export_file(rows(), kind=kind, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    for line in sheet.iter_rows(min_row=2, max_row=len(HOSTILE) + 1):
        for cell in line[:3]:
            assert cell.data_type == "s" and cell.value.startswith("'")
        assert line[5].data_type == "n" and isinstance(line[5].value, int | float)
    assert sheet["A2"].value == "'" + HOSTILE[0]
    assert sheet["F3"].value == -2.5
    assert sheet.cell(row=sheet.max_row, column=6).value == pytest.approx(115.75)
    for line in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in line)


def test_both_formats_are_covered():
    assert set(FORMATS) == {"csv", "xlsx"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Centre d'accueil", "Centre d'accueil"),
        ("=1+1", "'=1+1"),
        ("", ""),
        ("2019-11", "2019-11"),
    ],
)
def test_safe_text_prefixes_only_formula_starts(value, expected):
    assert safe_text(value) == expected


@pytest.mark.parametrize("value", [Decimal("-2.50"), -3, 1.5, None])
def test_numbers_and_empty_cells_are_left_alone(value):
    assert safe_cell(value) == value
