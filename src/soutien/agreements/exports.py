"""Exports for finance: decisions and planned installments, as CSV (UTF-8 with BOM, so Excel
opens the accents) and XLSX (amounts as numbers with a money format). The totals are the same
sums the screen shows. The files are built by a worker (`agreements.tasks`), with progress."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from soutien.budget import ledger
from soutien.budget.models import LedgerEntry, LedgerKind
from soutien.core import fiscal
from soutien.core.spreadsheet import CONTENT_TYPES, safe_row
from soutien.evaluations.models import Decision
from soutien.rules import FiscalYear
from soutien.rules.text import french_date

from .models import Installment, InstallmentState

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)
HEADERS = ("Organisme", "NEQ", "Convention", "Exercice financier", "Mois", "Montant", "État")


@dataclass(frozen=True, slots=True)
class Row:
    organization: str
    neq: str
    agreement: str
    fiscal_year: str
    month: str
    amount: Decimal
    state: str = ""


def installment_state(i: Installment) -> str:
    """The stored state as finance reads it: « Prévu », « Versé le 15 novembre 2019 »."""
    if i.state == InstallmentState.PAID and i.paid_on:
        return f"Versé le {french_date(i.paid_on)}"
    return str(i.get_state_display())


Progress = Callable[[int, int], None]


def _collect(qs, to_row: Callable[..., Row], progress: Progress | None) -> list[Row]:
    """The rows of `qs`, reporting (done, total) to `progress` as they are read."""
    if progress is None:
        return [to_row(item) for item in qs]
    total = qs.count()
    rows: list[Row] = []
    progress(0, total)
    items: Iterable = qs.iterator(chunk_size=500)
    for item in items:
        rows.append(to_row(item))
        progress(len(rows), total)
    return rows


def installments(user, fiscal_year: int | None = None):
    """The planned installments (not cancelled), in the order of their due month."""
    qs = (
        Installment.objects.for_user(user)
        .exclude(state=InstallmentState.CANCELLED)
        .select_related("agreement_year", "agreement_year__agreement__organization")
        .order_by("due_year", "due_month", "agreement_year__agreement__reference", "sequence")
    )
    if fiscal_year:
        qs = qs.filter(agreement_year__fiscal_year=fiscal_year)
    return qs


def installment_row(i: Installment) -> Row:
    return Row(
        i.agreement_year.agreement.organization.legal_name,
        i.agreement_year.agreement.organization.neq,
        i.agreement_year.agreement.reference,
        FiscalYear(i.agreement_year.fiscal_year).label,
        f"{i.due_year}-{i.due_month:02d}",
        i.amount,
        installment_state(i),
    )


def installment_rows(
    user, fiscal_year: int | None = None, progress: Progress | None = None
) -> list[Row]:
    return _collect(installments(user, fiscal_year), installment_row, progress)


def decisions(user, fiscal_year: int | None = None):
    qs = (
        Decision.objects.for_user(user)
        .select_related("application", "application__organization", "application__agreement")
        .order_by("decided_at", "pk")
    )
    if fiscal_year:
        qs = qs.filter(application__fiscal_year=fiscal_year)
    return qs


def decision_row(d: Decision) -> Row:
    agreement = getattr(d.application, "agreement", None)
    return Row(
        d.application.organization.legal_name,
        d.application.organization.neq,
        agreement.reference if agreement else "",
        fiscal.label(d.application.fiscal_year),
        d.decided_at.strftime("%Y-%m"),
        d.amount,
    )


def decision_rows(
    user, fiscal_year: int | None = None, progress: Progress | None = None
) -> list[Row]:
    return _collect(decisions(user, fiscal_year), decision_row, progress)


def payments(user, fiscal_year: int | None = None):
    """The payments as the ledger records them (6.2): what was paid, to whom, when; each with
    the reference of the agreement of the installment it pays (one subquery, not one a row)."""
    reference = Installment.objects.filter(pk=OuterRef("source_id")).values(
        "agreement_year__agreement__reference"
    )[:1]
    qs = (
        LedgerEntry.objects.for_user(user)
        .filter(kind=LedgerKind.PAYMENT)
        .select_related("organization")
        .annotate(agreement_reference=Subquery(reference))
        .order_by("on", "pk")
    )
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    return qs


def payment_row(e: LedgerEntry) -> Row:
    return Row(
        e.organization.legal_name,
        e.organization.neq,
        e.agreement_reference or "",
        fiscal.label(e.fiscal_year),
        f"{e.on.year}-{e.on.month:02d}",
        e.amount,
    )


def payment_rows(
    user, fiscal_year: int | None = None, progress: Progress | None = None
) -> list[Row]:
    return _collect(payments(user, fiscal_year), payment_row, progress)


def _amounts(qs) -> Decimal:
    return qs.order_by().aggregate(total=Coalesce(Sum("amount"), ZERO, output_field=MONEY))["total"]


def _paid(qs) -> Decimal:
    return ledger.total(qs, "paid")


@dataclass(frozen=True, slots=True)
class Listing:
    """What the finance page lists for a kind: the rows' queryset, one row of it, and the
    total of the whole selection, computed in SQL (the payments' from the ledger)."""

    queryset: Callable[..., QuerySet]
    row: Callable[..., Row]
    total: Callable[[QuerySet], Decimal]


LISTINGS = {
    "installments": Listing(installments, installment_row, _amounts),
    "payments": Listing(payments, payment_row, _paid),
    "decisions": Listing(decisions, decision_row, _amounts),
}


# What finance can extract: kind → (title, rows); the file formats.
KINDS = {
    "installments": (_("Versements prévus"), installment_rows),
    "payments": (_("Versements effectués (grand livre)"), payment_rows),
    "decisions": (_("Décisions"), decision_rows),
}
FORMATS = CONTENT_TYPES


def export_file(rows: list[Row], *, kind: str, fmt: str) -> tuple[str, str, bytes]:
    """(file name, content type, content) of one extraction."""
    title, _rows_for = KINDS[kind]
    content = to_csv(rows) if fmt == "csv" else to_xlsx(rows, str(title))
    return f"soutien-{kind}.{fmt}", FORMATS[fmt], content


def total(rows: list[Row]) -> Decimal:
    return sum((r.amount for r in rows), ZERO)


def _csv_amount(amount: Decimal) -> str:
    return f"{amount:.2f}"


def to_csv(rows: list[Row]) -> bytes:
    """Every text cell is neutralized (`core.spreadsheet`); amounts are written as numbers
    after it, so a negative amount is never taken for a formula to quote."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(safe_row(HEADERS))
    for r in rows:
        writer.writerow(
            [
                *safe_row([r.organization, r.neq, r.agreement, r.fiscal_year, r.month]),
                _csv_amount(r.amount),
                *safe_row([r.state]),
            ]
        )
    writer.writerow([*safe_row(["Total", "", "", "", ""]), _csv_amount(total(rows)), ""])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


MONEY_FORMAT = '#,##0.00 "$"'


def to_xlsx(rows: list[Row], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(safe_row(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        # Texts neutralized (`core.spreadsheet`); the amount stays a Decimal, a number cell.
        sheet.append(
            safe_row(
                [r.organization, r.neq, r.agreement, r.fiscal_year, r.month, r.amount, r.state]
            )
        )
        sheet.cell(row=sheet.max_row, column=6).number_format = MONEY_FORMAT
    sheet.append(safe_row(["Total", None, None, None, None, total(rows), None]))
    total_cell = sheet.cell(row=sheet.max_row, column=6)
    total_cell.number_format = MONEY_FORMAT
    total_cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (45, 12, 16, 12, 10, 16, 28), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
