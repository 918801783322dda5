"""The files of a payment run: one machine format for the ministry's financial system behind a
small interface (`PaymentFileFormat`), and the CSV and XLSX finance staff read.

The machine format is the « lot de paiement CSV » documented in docs/payments/lot-de-paiement.md:
UTF-8, `;`-separated, a header record (H), one detail record per line (D), a trailer (T) with
the count and the total. Its return file has the same shape (H, D per result, T). Another
format is a class with the same four members, added to `FORMATS`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Protocol

from soutien.core.spreadsheet import safe_row

ZERO = Decimal("0")
AMOUNT = re.compile(r"\d{1,12}\.\d{2}")


@dataclass(frozen=True, slots=True)
class RunHeader:
    reference: str
    year: int
    month: int
    approved_on: date
    count: int
    total: Decimal


@dataclass(frozen=True, slots=True)
class FileLine:
    position: int
    supplier_number: str
    neq: str
    legal_name: str
    bank_reference: str
    agreement_reference: str
    installment_id: int
    fiscal_year: str
    due_label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """One result the financial system sends back for a line of the run."""

    row: int  # the line of the file (1 is the header)
    position: int
    paid: bool
    payment_number: str
    paid_on: date | None
    amount: Decimal
    reason: str


@dataclass
class ReturnFile:
    reference: str = ""
    lines: list[ReturnLine] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, French message)
    trailer: tuple[int, Decimal] | None = None
    detail_rows: int = 0  # the D records read, valid or not


class PaymentFileFormat(Protocol):
    code: str
    label: str
    extension: str
    content_type: str

    def render(self, header: RunHeader, lines: Sequence[FileLine]) -> bytes: ...

    def parse_return(self, content: bytes) -> ReturnFile: ...


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _clean(text: str) -> str:
    """A field of the machine file: no separator, quote or line break inside."""
    return " ".join(str(text).replace(";", ",").replace('"', "'").split())


class LotPaiementCsv:
    """« Lot de paiement CSV », version 1 (docs/payments/lot-de-paiement.md)."""

    code = "lot-csv"
    label = "Lot de paiement CSV (système financier)"
    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    version = "1"

    def render(self, header: RunHeader, lines: Sequence[FileLine]) -> bytes:
        out = [
            ";".join(
                [
                    "H",
                    "LOT",
                    self.version,
                    header.reference,
                    f"{header.year}-{header.month:02d}",
                    header.approved_on.isoformat(),
                    str(header.count),
                    _money(header.total),
                ]
            )
        ]
        for line in lines:
            out.append(
                ";".join(
                    [
                        "D",
                        str(line.position),
                        _clean(line.supplier_number),
                        _clean(line.neq),
                        _clean(line.legal_name),
                        _clean(line.bank_reference),
                        _clean(line.agreement_reference),
                        str(line.installment_id),
                        line.fiscal_year,
                        line.due_label,
                        _money(line.amount),
                    ]
                )
            )
        out.append(";".join(["T", str(len(lines)), _money(sum((x.amount for x in lines), ZERO))]))
        return ("\r\n".join(out) + "\r\n").encode("utf-8")

    def parse_return(self, content: bytes) -> ReturnFile:
        """Read a return file; every problem is kept with its row, in French (none raised)."""
        result = ReturnFile()
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            result.errors.append((0, "Le fichier n'est pas encodé en UTF-8."))
            return result
        rows = [row for row in text.splitlines()]
        if not rows or not rows[0].strip():
            result.errors.append((1, "Le fichier est vide : il commence par l'en-tête H;RETOUR."))
            return result
        for number, raw in enumerate(rows, start=1):
            if not raw.strip():
                continue
            cells = [c.strip() for c in raw.split(";")]
            kind = cells[0]
            if number == 1:
                if kind != "H" or len(cells) != 4 or cells[1] != "RETOUR" or cells[2] != "1":
                    result.errors.append(
                        (1, "La ligne 1 doit être l'en-tête « H;RETOUR;1;numéro du lot ».")
                    )
                    return result
                result.reference = cells[3]
                continue
            if result.trailer is not None:
                result.errors.append((number, f"Ligne {number} : rien ne suit la ligne T."))
                continue
            if kind == "D":
                result.detail_rows += 1
                line = self._detail(number, cells, result)
                if line is not None:
                    result.lines.append(line)
            elif kind == "T":
                self._trailer(number, cells, result)
            else:
                result.errors.append(
                    (number, f"Ligne {number} : type « {kind[:10]} » inconnu (H, D ou T).")
                )
        if result.trailer is None:
            result.errors.append((len(rows), "La ligne T (nombre et total) manque à la fin."))
        return result

    def _detail(self, number: int, cells: list[str], result: ReturnFile) -> ReturnLine | None:
        if len(cells) != 7:
            result.errors.append(
                (
                    number,
                    f"Ligne {number} : 7 champs attendus (D;ligne;statut;numéro de paiement;"
                    f"date;montant;motif), {len(cells)} reçus.",
                )
            )
            return None
        _d, position, status, payment_number, day, amount, reason = cells
        problems = []
        if not position.isdigit():
            problems.append(f"le numéro de ligne « {position[:20]} » n'est pas un nombre")
        if status not in ("PAYE", "REJETE"):
            problems.append(f"le statut « {status[:20]} » n'est ni PAYE ni REJETE")
        paid_on = None
        if status == "PAYE":
            if not payment_number or len(payment_number) > 30:
                problems.append("le numéro de paiement manque ou dépasse 30 caractères")
            try:
                paid_on = date.fromisoformat(day)
            except ValueError:
                problems.append(f"la date « {day[:20]} » n'est pas au format AAAA-MM-JJ")
        elif status == "REJETE" and not reason:
            problems.append("le motif du rejet manque")
        value = ZERO
        if not AMOUNT.fullmatch(amount):
            problems.append(f"le montant « {amount[:20]} » n'est pas au format 1234.56")
        else:
            try:
                value = Decimal(amount)
            except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
                problems.append(f"le montant « {amount[:20]} » est illisible")
        if problems:
            result.errors.append((number, f"Ligne {number} : " + " ; ".join(problems) + "."))
            return None
        return ReturnLine(
            row=number,
            position=int(position),
            paid=status == "PAYE",
            payment_number=payment_number,
            paid_on=paid_on,
            amount=value,
            reason=reason[:300],
        )

    def _trailer(self, number: int, cells: list[str], result: ReturnFile) -> None:
        if len(cells) != 3 or not cells[1].isdigit() or not AMOUNT.fullmatch(cells[2]):
            result.errors.append(
                (number, f"Ligne {number} : la ligne T s'écrit « T;nombre de lignes;total ».")
            )
            result.trailer = (-1, ZERO)
            return
        result.trailer = (int(cells[1]), Decimal(cells[2]))


def return_file(
    reference: str, results: Sequence[tuple[int, bool, str, date | None, Decimal, str]]
):
    """A return file in the documented format (for tests, the demo and the documentation):
    results are (line, paid, payment number, date, amount, reason)."""
    out = [f"H;RETOUR;1;{reference}"]
    paid_total = ZERO
    for position, paid, number, day, amount, reason in results:
        status = "PAYE" if paid else "REJETE"
        out.append(
            ";".join(
                [
                    "D",
                    str(position),
                    status,
                    number if paid else "",
                    day.isoformat() if (paid and day) else "",
                    _money(amount),
                    _clean(reason),
                ]
            )
        )
        if paid:
            paid_total += amount
    out.append(f"T;{len(results)};{_money(paid_total)}")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


FORMATS: dict[str, PaymentFileFormat] = {LotPaiementCsv.code: LotPaiementCsv()}
MACHINE_FORMAT = LotPaiementCsv.code

# The files for people: the same lines, in a spreadsheet.
PEOPLE_HEADERS = (
    "Ligne",
    "Organisme (nom légal)",
    "NEQ",
    "Numéro de fournisseur",
    "Référence bancaire",
    "Convention",
    "Exercice financier",
    "Échéance",
    "Montant",
)


def _people_cells(line: FileLine) -> list:
    return [
        line.position,
        line.legal_name,
        line.neq,
        line.supplier_number,
        line.bank_reference,
        line.agreement_reference,
        line.fiscal_year,
        line.due_label,
    ]


def people_csv(header: RunHeader, lines: Sequence[FileLine]) -> bytes:
    """UTF-8 with BOM and `;` (Excel in French opens it), texts neutralized against formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(safe_row([f"Lot {header.reference}", f"{header.year}-{header.month:02d}"]))
    writer.writerow(safe_row(PEOPLE_HEADERS))
    for line in lines:
        cells = safe_row(_people_cells(line))
        writer.writerow([*cells, _money(line.amount)])
    writer.writerow([*safe_row(["Total", "", "", "", "", "", "", f"{header.count} lignes"]),
                     _money(header.total)])  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


MONEY_FORMAT = '#,##0.00 "$"'


def people_xlsx(header: RunHeader, lines: Sequence[FileLine]) -> bytes:
    """openpyxl's write-only workbook: rows are streamed, so 5 000 lines stay linear."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"Lot {header.reference}"[:31])
    for column, width in zip("ABCDEFGHI", (7, 45, 12, 16, 18, 16, 12, 10, 16), strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)

    def titled(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        return cell

    def money(amount, *, strong=False):
        cell = WriteOnlyCell(sheet, value=amount)
        cell.number_format = MONEY_FORMAT
        if strong:
            cell.font = bold
        return cell

    sheet.append([titled(value) for value in safe_row(PEOPLE_HEADERS)])
    for line in lines:
        sheet.append([*safe_row(_people_cells(line)), money(line.amount)])
    sheet.append(
        [*safe_row(["Total", None, None, None, None, None, None, header.count]),
         money(header.total, strong=True)]
    )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
