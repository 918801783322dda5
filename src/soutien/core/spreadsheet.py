"""Cells of the files we export, safe to open in a spreadsheet.

A text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and
LibreOffice as a formula (« CSV injection », OWASP): an organization named
`=HYPERLINK("http://…")` would become a live link in finance's workbook. Such a text is
prefixed with an apostrophe, the spreadsheet's own mark for « this is text »: the cell shows
the value as typed and is never evaluated. Numbers are left alone and stay numbers.
"""

from __future__ import annotations

import csv
import io
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


# A table as a file a finance office opens safely: CSV (semicolons, UTF-8 with its mark, for
# Excel in French) or XLSX; `money` says which columns are amounts, written as numbers.


def to_csv(headings: list[str], money: list[bool], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(safe_row(headings))
    for row in rows:
        # Amounts written after the texts are neutralized: a number is never quoted.
        writer.writerow(
            [
                f"{value:.2f}" if is_money else ("" if value is None else safe_row([value])[0])
                for value, is_money in zip(row, money, strict=True)
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


MONEY_FORMAT = '#,##0.00 "$"'


def to_xlsx(headings: list[str], money: list[bool], rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(safe_row(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
        for column, is_money in enumerate(money, start=1):
            if is_money:
                sheet.cell(row=sheet.max_row, column=column).number_format = MONEY_FORMAT
    for index in range(len(headings)):
        sheet.column_dimensions[chr(ord("A") + index)].width = 40 if index == 0 else 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def register_response(fmt: str, labels: list[str], rows: list[list], *, title: str, stem: str):
    """A register (no amounts) as a CSV or XLSX download named `stem-YYYY-MM-DD.fmt`, dated
    on the program clock; None for an unknown format (the view answers 404)."""
    from django.http import HttpResponse

    from . import clock

    if fmt not in CONTENT_TYPES:
        return None
    money = [False] * len(labels)
    content = to_csv(labels, money, rows) if fmt == "csv" else to_xlsx(labels, money, rows, title)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    day = clock.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{stem}-{day}.{fmt}"'
    return response
