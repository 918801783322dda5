"""Helpers of the portal's tests: an organization's application filled section by section."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from soutien.agreements.models import Agreement, AgreementYear
from soutien.applications import actions
from soutien.applications.models import DocumentKind, SubmissionPeriod
from soutien.core.workflow import transition
from soutien.rules import FiscalYear

SECTION_VALUES = {
    "identification": {
        "contact_name": "Amina Diallo",
        "contact_title": "Coordonnatrice",
        "contact_email": "amina@organisme.example",
        "contact_phone": "819 555-1234",
    },
    "mission": {
        "mission": "Accueillir et accompagner les personnes immigrantes de l'Estrie.",
        "services": "Accueil, francisation, aide à l'emploi.",
        "territory_served": "Ville de Sherbrooke",
        "annual_general_meeting_held": True,
    },
    "refugees": {"refugees_received_last_year": 40, "refugees_expected": 45},
}
# The declaration of the person the board resolution authorizes, posted with the submission.
DECLARATION_POST = {
    "declarant_name": "Amina Diallo",
    "declarant_title": "Présidente du conseil d'administration",
    "declared": "on",
}
FINANCE_POST = {
    "estimated_operating_costs": "400000",
    "funding_quebec": "50000",
    "funding_quebec_details": "MSSS, PSOC",
    "funding_canada": "30000",
    "funding_canada_details": "IRCC",
    "funding_municipality": "5000",
    "funding_mrc": "",
    "funding_metropolitan": "",
    "funding_indigenous": "",
    "funding_other": "",
    "statements_period_start": "2018-04-01",
    "statements_period_end": "2019-03-31",
    "total_revenue": "300000",
    "total_expenses": "290000",
    "unrestricted_net_assets": "40000",
}


def pdf_bytes(text: str = "Document") -> bytes:
    """A small valid PDF, made by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


def new_application(organization, *, by, deadline: datetime | None = None, fiscal_year=2019):
    now = timezone.now()
    return actions.create_application(
        organization,
        fiscal_year=FiscalYear(fiscal_year),
        stream=1,
        deadline_at=deadline or now + timedelta(days=10),
        by=by,
        at=now,
    )


def fill_everything(application, *, by):
    """Every section and the nine documents, through the actions."""
    now = timezone.now()
    for section, values in SECTION_VALUES.items():
        actions.save_section(application, section=section, values=values, by=by, at=now)
    actions.save_finances(
        application,
        estimated_operating_costs=Decimal("400000"),
        lines={"quebec": (Decimal("50000"), "MSSS"), "canada": (Decimal("30000"), "IRCC")},
        statements={
            "period_start": date(2018, 4, 1),
            "period_end": date(2019, 3, 31),
            "total_revenue": Decimal("300000"),
            "total_expenses": Decimal("290000"),
            "unrestricted_net_assets": Decimal("40000"),
        },
        by=by,
        at=now,
    )
    actions.upload_documents(
        application,
        uploads=[(kind, pdf_upload(f"{kind}.pdf")) for kind in DocumentKind.values],
        by=by,
        at=now,
    )
    application.refresh_from_db()
    return application


def open_period(fiscal_year=2019, stream=1, *, deadline: datetime | None = None):
    now = timezone.now()
    return SubmissionPeriod.objects.create(
        fiscal_year=fiscal_year,
        stream=stream,
        opens_at=now - timedelta(days=30),
        deadline_at=deadline or now + timedelta(days=30),
    )


def active_agreement(application, *, by) -> Agreement:
    """A signed three-year agreement from `application` (made directly: the decision and the
    agreement's own workflow are tested in their apps)."""
    start = application.fiscal_year
    agreement = Agreement(
        organization=application.organization,
        application=application,
        reference=f"CONV-{application.pk}",
        stream=application.stream,
        start_fiscal_year=start,
        duration_years=3,
        starts_on=date(start, 4, 1),
        ends_on=date(start + 3, 3, 31),
        signatory_name="Amina Diallo",
    )
    agreement.save_as(by)
    for number in range(1, 4):
        AgreementYear(
            agreement=agreement,
            year_number=number,
            fiscal_year=start + number - 1,
            amount=Decimal("50000"),
        ).save_as(by)
    transition(
        agreement, "sign", by=by, at=timezone.now(), changes={"signed_on": date(start, 4, 2)}
    )
    return agreement
