"""Plain factory functions for the records' tests: each returns saved, valid objects."""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from soutien.accounts.models import Role, User
from soutien.applications import actions as application_actions
from soutien.applications.models import Application, DocumentKind, Stream
from soutien.organizations.actions import link_representative
from soutien.organizations.models import BoardMember, FinancialStatements, Organization
from soutien.rules import FiscalYear

_numbers = itertools.count(1)

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def zip_bytes(files: dict[str, bytes], *, compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zip_bytes(
    {
        "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": b"<w:document/>",
    }
)
XLSX = zip_bytes(
    {
        "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    }
)
ODT = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})


def upload(name: str = "document.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def make_user(role: str = Role.ADVISOR, email: str | None = None, **fields) -> User:
    email = email or f"{role}-{next(_numbers)}@test.example"
    if role == Role.ADMINISTRATOR:
        return User.objects.create_superuser(email, "pw", full_name="Admin Test")
    return User.objects.create_user(email, "pw", role=role, full_name=f"{role} test", **fields)


def make_organization(**fields) -> Organization:
    number = next(_numbers)
    values = {
        "legal_name": f"Organisme fictif {number}",
        "neq": f"{1140000000 + number}",
        "legal_form": "qc_companies_part3",
        "incorporation_date": date(2005, 5, 1),
        "street_address": "1, rue Principale",
        "city": "Sherbrooke",
        "postal_code": "J1H 1A1",
        "region_id": "05",
        "attached_to_ministry": True,
    }
    values.update(fields)
    organization = Organization(**values)
    organization.save()
    return organization


def make_board(organization: Organization, size: int = 5, **fields) -> list[BoardMember]:
    members = []
    for seat in range(size):
        member = BoardMember(
            organization=organization,
            full_name=f"Membre {seat}",
            term_start=date(2016, 1, 1),
            **fields,
        )
        member.save()
        members.append(member)
    return members


def make_statements(organization: Organization, **fields) -> FinancialStatements:
    values = {
        "period_start": date(2018, 4, 1),
        "period_end": date(2019, 3, 31),
        "total_revenue": Decimal("300000"),
        "total_expenses": Decimal("290000"),
        "unrestricted_net_assets": Decimal("40000"),
        "quebec_government_funding": Decimal("50000"),
    }
    values.update(fields)
    statements = FinancialStatements(organization=organization, **values)
    statements.save()
    return statements


def make_application(
    organization: Organization | None = None,
    *,
    by: User | None = None,
    fiscal_year: int = 2019,
    stream: int = Stream.ORGANIZATION,
    **fields,
) -> Application:
    organization = organization or make_organization()
    if not organization.board_members.exists():
        make_board(organization)
    statements = (
        fields.pop("last_statements", None)
        or organization.financial_statements.first()
        or make_statements(organization)
    )
    values = {
        "estimated_operating_costs": Decimal("400000"),
        "other_public_funding": Decimal("100000"),
        "quebec_government_funding_other": Decimal("50000"),
    }
    values.update(fields)
    return application_actions.create_application(
        organization,
        fiscal_year=FiscalYear(fiscal_year),
        stream=stream,
        deadline_at=at(fiscal_year, 2, 28, 16),
        last_statements=statements,
        by=by,
        at=at(fiscal_year, 1, 10),
        **values,
    )


def submit_complete(application: Application, *, by: User) -> Application:
    year = application.fiscal_year
    application_actions.upload_documents(
        application,
        uploads=[(kind, upload(f"{kind}.pdf")) for kind in DocumentKind.values],
        by=by,
        at=at(year, 2, 1),
    )
    return application_actions.submit_application(application, by=by, at=at(year, 2, 2))


def make_representative(organization: Organization, **fields) -> User:
    user = make_user(Role.REPRESENTATIVE, **fields)
    link_representative(user, organization, by=None, at=at(2019, 1, 1))
    return user
