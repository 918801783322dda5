"""Every admin changelist and list queryset runs a constant number of queries (STYLE.md §9).

The same pages are measured with 10 and with 500 rows of each model; the counts must match.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soutien.accountability.models import AnnualReport, Claim, FundingSource
from soutien.accounts.models import Role
from soutien.agreements.models import Agreement, AgreementYear, Installment, NonComplianceAction
from soutien.applications.models import Application, ApplicationDocument
from soutien.budget.models import AllocationRun, BudgetEnvelope, LedgerEntry
from soutien.core.models import JournalEntry
from soutien.evaluations.models import Decision, Evaluation
from soutien.organizations.models import (
    BoardMember,
    FinancialStatements,
    GroupingMember,
    Membership,
    Organization,
    RelatedParty,
)
from tests.factories import make_representative, make_user

CHANGELISTS = [
    "organizations_organization",
    "organizations_boardmember",
    "organizations_groupingmember",
    "organizations_relatedparty",
    "organizations_financialstatements",
    "organizations_membership",
    "applications_application",
    "applications_applicationdocument",
    "evaluations_evaluation",
    "evaluations_decision",
    "agreements_agreement",
    "agreements_agreementyear",
    "agreements_installment",
    "agreements_noncomplianceaction",
    "accountability_annualreport",
    "accountability_fundingsource",
    "accountability_claim",
    "budget_budgetenvelope",
    "budget_allocationrun",
    "budget_ledgerentry",
    "core_journalentry",
    "accounts_user",
]
NOW = timezone.make_aware(datetime(2019, 6, 1, 12))


def populate(n: int, user) -> None:
    """n rows of every model, with bulk_create (fast, no history needed here)."""
    start = Organization.objects.count()
    organizations = Organization.objects.bulk_create(
        Organization(
            legal_name=f"Organisme {start + i}",
            neq=f"{1150000000 + start + i}",
            legal_form="qc_companies_part3",
            incorporation_date=date(2000, 1, 1),
            street_address="1, rue",
            city="Laval",
            postal_code="H7A 1A1",
            region_id=f"{i % 17 + 1:02d}",
        )
        for i in range(n)
    )
    BoardMember.objects.bulk_create(
        BoardMember(organization=o, full_name="Membre", term_start=date(2018, 1, 1))
        for o in organizations
    )
    GroupingMember.objects.bulk_create(
        GroupingMember(grouping=o, name="Membre", region_id="06") for o in organizations
    )
    RelatedParty.objects.bulk_create(
        RelatedParty(organization=o, legal_name="Société", neq=o.neq) for o in organizations
    )
    Membership.objects.bulk_create(Membership(user=user, organization=o) for o in organizations)
    FinancialStatements.objects.bulk_create(
        FinancialStatements(
            organization=o,
            period_start=date(2018, 4, 1),
            period_end=date(2019, 3, 31),
            total_revenue=Decimal(1),
            total_expenses=Decimal(1),
            unrestricted_net_assets=Decimal(0),
        )
        for o in organizations
    )
    applications = Application.objects.bulk_create(
        Application(
            organization=o,
            fiscal_year=2019,
            stream=1,
            deadline_at=NOW,
            state="submitted",
            submitted_at=NOW,
            priority=3,
        )
        for o in organizations
    )
    ApplicationDocument.objects.bulk_create(
        ApplicationDocument(
            application=a,
            kind="charter",
            number=1,
            file="ab/x.pdf",
            original_name="x.pdf",
            mime_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_at=NOW,
            uploaded_by=user,
        )
        for a in applications
    )
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            application=a,
            advisor=user,
            started_at=NOW,
            state="completed",
            completed_at=NOW,
            result={},
            amount=Decimal(1),
            eligibility="eligible",
        )
        for a in applications
    )
    Decision.objects.bulk_create(
        Decision(
            application=a,
            evaluation=e,
            outcome="granted",
            amount=Decimal(1),
            decided_by=user,
            decided_at=NOW,
        )
        for a, e in zip(applications, evaluations, strict=True)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            organization=a.organization,
            application=a,
            reference=f"R-{a.pk}",
            stream=1,
            start_fiscal_year=2019,
            duration_years=1,
            starts_on=date(2019, 4, 1),
            ends_on=date(2020, 3, 31),
            signatory_name="X",
        )
        for a in applications
    )
    years = AgreementYear.objects.bulk_create(
        AgreementYear(
            agreement=a,
            organization_id=a.organization_id,
            stream=a.stream,
            year_number=1,
            fiscal_year=2019,
            amount=Decimal(1),
        )
        for a in agreements
    )
    Installment.objects.bulk_create(
        Installment(agreement_year=y, sequence=1, due_year=2019, due_month=11, amount=Decimal(1))
        for y in years
    )
    NonComplianceAction.objects.bulk_create(
        NonComplianceAction(
            agreement=a,
            kind="suspension",
            decided_on=date(2019, 6, 1),
            effective_on=date(2019, 6, 1),
            reason="x",
            decided_by=user,
        )
        for a in agreements
    )
    reports = AnnualReport.objects.bulk_create(
        AnnualReport(
            organization=y.agreement.organization,
            agreement_year=y,
            required_report_type="review",
            due_on=date(2020, 6, 30),
        )
        for y in years
    )
    FundingSource.objects.bulk_create(
        FundingSource(
            report=r, funder="Ville", level="municipal", amount=Decimal(1), costs_covered="x"
        )
        for r in reports
    )
    Claim.objects.bulk_create(
        Claim(
            organization=o,
            fiscal_year=2019,
            kind="overpayment",
            amount=Decimal(1),
            established_on=date(2019, 6, 1),
            due_on=date(2019, 7, 1),
        )
        for o in organizations
    )
    envelopes = BudgetEnvelope.objects.count()
    new_envelopes = BudgetEnvelope.objects.bulk_create(
        BudgetEnvelope(
            fiscal_year=2000 + (envelopes + i) // 2,
            stream=(envelopes + i) % 2 + 1,
            amount=Decimal(1),
        )
        for i in range(min(n, 200 - envelopes))
    )
    AllocationRun.objects.bulk_create(
        AllocationRun(
            envelope=e,
            fiscal_year=e.fiscal_year,
            stream=e.stream,
            envelope_amount=e.amount,
            committed=Decimal(0),
            available=e.amount,
            requested=Decimal(0),
            funded=Decimal(0),
            shortfall=Decimal(0),
            unused=e.amount,
            created_by=user,
            created_on=NOW,
        )
        for e in new_envelopes
    )
    # The ledger: each agreement's commitment and a payment, each envelope's credits.
    year_type = ContentType.objects.get_for_model(AgreementYear)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            fiscal_year=2019,
            stream=1,
            kind=kind,
            amount=Decimal(1),
            on=date(2019, 6, 1),
            at=NOW,
            organization_id=y.agreement.organization_id,
            application_id=y.agreement.application_id if kind == "commitment" else None,
            source_type=year_type,
            source_id=y.pk,
            source_repr="x",
            clause="5.4",
        )
        for y in years
        for kind in ("commitment", "payment")
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            fiscal_year=e.fiscal_year,
            stream=e.stream,
            kind="credits",
            amount=e.amount,
            on=date(2019, 6, 1),
            at=NOW,
            source_type=ContentType.objects.get_for_model(BudgetEnvelope),
            source_id=e.pk,
            source_repr="x",
            clause="6.2",
        )
        for e in new_envelopes
    )
    subject_type = ContentType.objects.get_for_model(Application)
    JournalEntry.objects.bulk_create(
        JournalEntry(
            at=NOW,
            actor=user,
            action="application.submitted",
            subject_type=subject_type,
            subject_id=a.pk,
            subject_repr="x",
            organization_id=a.organization_id,
        )
        for a in applications
    )


def measure(client) -> dict[str, int]:
    counts = {}
    for name in CHANGELISTS:
        url = reverse(f"admin:{name}_changelist")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.mark.django_db
def test_admin_changelists_run_a_constant_number_of_queries(client):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    populate(10, admin)
    at_10 = measure(client)
    populate(490, admin)
    assert Application.objects.count() == 500
    at_500 = measure(client)
    assert at_10 == at_500
    assert max(at_500.values()) <= 12, at_500


@pytest.mark.django_db
def test_changelist_with_filters_and_search_stays_constant(client):
    advisor = make_user(Role.ADVISOR)
    client.force_login(advisor)
    url = reverse("admin:applications_application_changelist")
    query = (
        "?organization__region__code__exact=06&state__exact=submitted&fiscal_year=2019&q=Organisme"
    )
    populate(10, advisor)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url + query).status_code == 200
    populate(490, advisor)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url + query).status_code == 200
    assert len(small) == len(large)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [10, 500])
def test_scoped_list_querysets_run_one_query(n, django_assert_num_queries):
    owner = make_user(Role.ADVISOR)
    populate(n, owner)
    representative = make_representative(Organization.objects.first())
    staff = make_user(Role.ADVISOR)
    with django_assert_num_queries(1):
        rows = [
            (a.organization.legal_name, a.organization.region.name)
            for a in Application.objects.for_user(staff).for_lists()
        ]
    assert len(rows) == n
    with django_assert_num_queries(1):
        mine = [
            (a.organization.neq, a.state)
            for a in Application.objects.for_user(representative).for_lists()
        ]
    assert len(mine) == 1
    with django_assert_num_queries(1):
        installments = [
            i.agreement_year.agreement.organization.legal_name
            for i in Installment.objects.for_user(staff).for_lists()
        ]
    assert len(installments) == n
