"""Exports for finance: decisions and planned installments, as CSV (UTF-8 with BOM, so Excel
opens the accents) and XLSX (amounts as numbers with a money format). The totals are the same
sums the screen shows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from soutien.core import fiscal
from soutien.evaluations.models import Decision
from soutien.rules import FiscalYear

from .models import Installment, InstallmentState

ZERO = Decimal("0")
HEADERS = ("Organisme", "NEQ", "Convention", "Exercice financier", "Mois", "Montant")


@dataclass(frozen=True, slots=True)
class Row:
    organization: str
    neq: str
    agreement: str
    fiscal_year: str
    month: str
    amount: Decimal


def installment_rows(user, fiscal_year: int | None = None) -> list[Row]:
    qs = (
        Installment.objects.for_user(user)
        .exclude(state=InstallmentState.CANCELLED)
        .select_related("agreement_year", "agreement_year__agreement__organization")
        .order_by("due_year", "due_month", "agreement_year__agreement__reference", "sequence")
    )
    if fiscal_year:
        qs = qs.filter(agreement_year__fiscal_year=fiscal_year)
    return [
        Row(
            i.agreement_year.agreement.organization.legal_name,
            i.agreement_year.agreement.organization.neq,
            i.agreement_year.agreement.reference,
            FiscalYear(i.agreement_year.fiscal_year).label,
            f"{i.due_year}-{i.due_month:02d}",
            i.amount,
        )
        for i in qs
    ]


def decision_rows(user, fiscal_year: int | None = None) -> list[Row]:
    qs = (
        Decision.objects.for_user(user)
        .select_related("application", "application__organization", "application__agreement")
        .order_by("decided_at", "pk")
    )
    if fiscal_year:
        qs = qs.filter(application__fiscal_year=fiscal_year)
    rows = []
    for d in qs:
        agreement = getattr(d.application, "agreement", None)
        rows.append(
            Row(
                d.application.organization.legal_name,
                d.application.organization.neq,
                agreement.reference if agreement else "",
                fiscal.label(d.application.fiscal_year),
                d.decided_at.strftime("%Y-%m"),
                d.amount,
            )
        )
    return rows


def total(rows: list[Row]) -> Decimal:
    return sum((r.amount for r in rows), ZERO)


def to_csv(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    for r in rows:
        writer.writerow(
            [r.organization, r.neq, r.agreement, r.fiscal_year, r.month, f"{r.amount:.2f}"]
        )
    writer.writerow(["Total", "", "", "", "", f"{total(rows):.2f}"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


MONEY_FORMAT = '#,##0.00 "$"'


def to_xlsx(rows: list[Row], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append([r.organization, r.neq, r.agreement, r.fiscal_year, r.month, r.amount])
        sheet.cell(row=sheet.max_row, column=6).number_format = MONEY_FORMAT
    sheet.append(["Total", None, None, None, None, total(rows)])
    total_cell = sheet.cell(row=sheet.max_row, column=6)
    total_cell.number_format = MONEY_FORMAT
    total_cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (45, 12, 16, 12, 10, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
