"""Cells of the files we export, safe to open in a spreadsheet.

A text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and
LibreOffice as a formula (« CSV injection », OWASP): an organization named
`=HYPERLINK("http://…")` would become a live link in finance's workbook. Such a text is
prefixed with an apostrophe, the spreadsheet's own mark for « this is text »: the cell shows
the value as typed and is never evaluated. Numbers are left alone and stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """The text, prefixed with `'` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_cell(value):
    """A cell's value: texts neutralized, numbers, dates and empty cells unchanged."""
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    return safe_text(str(value))


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]
