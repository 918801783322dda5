"""Every workspace URL, for each role: allowed or refused as designed.

Refused: anonymous → the login page; without the role → 403 with the French reason.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from soutien.accountability import actions as accountability
from soutien.accounts.models import Role
from soutien.agreements import actions as agreement_actions
from soutien.agreements.models import Installment
from soutien.budget.models import AllocationRun
from soutien.budget.whatif import try_norms
from soutien.payments import actions as payments
from soutien.privacy import actions as privacy
from soutien.rules import FiscalYear
from tests.factories import at, make_organization, make_representative, make_user, upload
from tests.payments.helpers import identified, signed_agreement
from tests.workspace.helpers import granted_decision, one_year_agreement, staff

pytestmark = pytest.mark.django_db

HYPOTHETICAL = (
    Path(__file__).parents[2] / "docs" / "examples" / "normes-hypothetiques-2018-2020.toml"
)
STAFF = {"advisor", "manager", "finance", "administrator"}
ALL_ROLES = ("anonymous", "representative", "advisor", "manager", "finance", "administrator")

# (url name, object, method, roles allowed) — the design of issue 5.
MATRIX = [
    ("workspace:dashboard", None, "get", STAFF),
    ("workspace:application", "application", "get", STAFF),
    ("workspace:assign", "application", "post", {"manager", "administrator"}),
    ("workspace:attachment", "application", "post", {"manager", "administrator"}),
    ("workspace:completeness", "application", "get", STAFF),
    ("workspace:completeness", "application", "post", {"advisor", "administrator"}),
    ("workspace:request_information", "application", "post", {"advisor", "administrator"}),
    ("workspace:evaluation", "application", "get", STAFF),
    ("workspace:evaluation", "application", "post", {"advisor", "administrator"}),
    ("workspace:decide", "evaluation", "post", {"manager", "administrator"}),
    ("workspace:explain", "decision", "get", STAFF),
    ("workspace:budget", None, "get", STAFF),
    ("workspace:glance", None, "get", STAFF),
    ("workspace:glance_export", "glance_xlsx", "get", STAFF),
    ("workspace:run_allocation", "envelope", "post", {"manager", "administrator"}),
    ("workspace:allocation", "run", "get", STAFF),
    ("workspace:allocation", "run", "post", {"manager", "administrator"}),
    ("workspace:references", None, "get", STAFF),
    ("workspace:references", None, "post", {"manager", "administrator"}),
    ("workspace:norms_trials", None, "get", {"manager", "administrator"}),
    ("workspace:norms_trials", None, "post", {"manager", "administrator"}),
    ("workspace:run_norms_trial", None, "post", {"manager", "administrator"}),
    ("workspace:norms_trial", "norms_trial", "get", {"manager", "administrator"}),
    ("workspace:prepare_agreement", "decision", "get", {"advisor", "manager", "administrator"}),
    ("workspace:renew_year", "decision", "post", {"advisor", "manager", "administrator"}),
    ("workspace:review_renewal", "application", "post", {"advisor", "administrator"}),
    ("workspace:end_at_renewal", "application", "post", {"manager", "administrator"}),
    ("workspace:agreement", "agreement", "get", STAFF),
    ("workspace:agreement", "agreement", "post", {"advisor", "manager", "administrator"}),
    ("workspace:agreement_pdf", "agreement", "get", STAFF),
    ("workspace:open_case", "agreement", "post", {"advisor", "manager", "administrator"}),
    ("workspace:lift_suspension", "agreement", "post", {"manager", "administrator"}),
    ("workspace:case", "case", "get", STAFF),
    ("workspace:case", "case", "post", {"advisor", "manager", "administrator"}),
    ("workspace:close_case", "case", "post", {"manager", "administrator"}),
    ("workspace:review_measure", "proposal", "post", {"manager", "administrator"}),
    ("workspace:agreement_claims", "signed", "get", STAFF),
    ("workspace:agreement_claims", "signed", "post", {"finance", "manager", "administrator"}),
    ("workspace:claim", "claim", "get", STAFF),
    ("workspace:claim", "claim", "post", {"finance", "manager", "administrator"}),
    ("workspace:repayment_agreement", "claim", "post", {"finance", "manager", "administrator"}),
    ("workspace:plan_offset", "claim", "post", {"finance", "manager", "administrator"}),
    ("workspace:cancel_offset", "offset", "post", {"finance", "manager", "administrator"}),
    ("workspace:finance", None, "get", {"finance", "manager", "administrator"}),
    ("workspace:export", "csv", "get", {"finance", "manager", "administrator"}),
    ("workspace:export", "xlsx", "get", {"finance", "manager", "administrator"}),
    ("workspace:export", "csv", "post", {"finance", "manager", "administrator"}),
    ("workspace:incidents", None, "get", {"manager", "administrator"}),
    ("workspace:incidents", None, "post", {"manager", "administrator"}),
    ("workspace:incidents_export", "csv", "get", {"manager", "administrator"}),
    ("workspace:retention", None, "get", {"manager", "administrator"}),
    ("workspace:retention", None, "post", {"manager", "administrator"}),
    ("workspace:retention_run", "retention_run", "get", {"manager", "administrator"}),
    ("workspace:retention_run", "retention_run", "post", {"manager", "administrator"}),
    ("workspace:place_hold", None, "post", {"manager", "administrator"}),
    ("workspace:lift_hold", "hold", "get", {"manager", "administrator"}),
    ("workspace:lift_hold", "hold", "post", {"manager", "administrator"}),
    ("workspace:destructions_export", "csv", "get", {"manager", "administrator"}),
    ("workspace:privacy_requests", None, "get", {"manager", "administrator"}),
    ("workspace:privacy_requests", None, "post", {"manager", "administrator"}),
    ("workspace:privacy_request", "pi_request", "get", {"manager", "administrator"}),
    ("workspace:privacy_request", "pi_request", "post", {"manager", "administrator"}),
    ("workspace:privacy_request_data", "pi_request_json", "get", {"manager", "administrator"}),
    ("workspace:privacy_request_data", "pi_request_pdf", "get", {"manager", "administrator"}),
    ("workspace:bulk_assign", None, "get", {"manager", "administrator"}),
    ("workspace:bulk_assign", None, "post", {"manager", "administrator"}),
    ("workspace:campaign_run", "run", "get", {"manager", "administrator"}),
    ("workspace:campaign_prepare", "run", "post", {"manager", "administrator"}),
    ("workspace:campaign_letters", "run", "post", {"manager", "administrator"}),
    ("workspace:campaign_job", "campaign_job", "get", {"manager", "administrator"}),
    ("workspace:campaign_resume", "campaign_job", "post", {"manager", "administrator"}),
    ("workspace:reports", None, "get", {"advisor", "manager", "administrator"}),
    ("workspace:report_statistics", None, "get", {"advisor", "manager", "administrator"}),
    ("workspace:report", "report", "get", {"advisor", "manager", "administrator"}),
    ("workspace:check_obligation", "obligation", "post", {"advisor", "manager", "administrator"}),
    ("workspace:report_correction", "report", "post", {"advisor", "manager", "administrator"}),
    ("workspace:accept_report", "report", "post", {"advisor", "manager", "administrator"}),
    (
        "workspace:report_document",
        "report_document",
        "get",
        {"advisor", "manager", "administrator"},
    ),
    ("workspace:approve_credits", "envelope", "get", {"manager", "administrator"}),
    ("workspace:approve_credits", "envelope", "post", {"manager", "administrator"}),
    ("workspace:payment_runs", None, "get", {"finance", "administrator"}),
    ("workspace:payment_runs", None, "post", {"finance", "administrator"}),
    ("workspace:payment_run", "payment_run", "get", {"finance", "administrator"}),
    ("workspace:approve_payment_run", "payment_run", "post", {"finance", "administrator"}),
    ("workspace:cancel_payment_run", "payment_run", "post", {"finance", "administrator"}),
    ("workspace:payment_return", "payment_run", "post", {"finance", "administrator"}),
    ("workspace:payment_line", "payment_run", "post", {"finance", "administrator"}),
    ("workspace:payment_file", "payment_file", "get", {"finance", "administrator"}),
    ("workspace:reschedule", "installment", "get", {"manager", "administrator"}),
    ("workspace:reschedule", "installment", "post", {"manager", "administrator"}),
    ("workspace:supplier", "organization", "get", STAFF),
    ("workspace:supplier", "organization", "post", {"finance", "administrator"}),
]
# Pages of one person's background job: tests/workspace/test_background_exports.py.
PERSONAL = {"workspace:export_job", "workspace:export_file"}


@pytest.fixture
def world():
    people = staff()
    application, evaluation, decision = granted_decision(people)
    people["representative"] = application.organization.memberships.get().user
    agreement = one_year_agreement(decision, people)
    run = AllocationRun.objects.get()
    trial = try_norms(
        draft_text=HYPOTHETICAL.read_text(encoding="utf-8"),
        draft_name=HYPOTHETICAL.name,
        fiscal_year=FiscalYear(2019),
        stream=1,
        by=people["manager"],
        at=at(2019, 3, 20),
    )
    # An approved payment run of November 2019 (6.2), by two other finance officers.
    organization = make_organization()
    identified(organization, people["finance"])
    signed = signed_agreement(people, organization)
    preparer = make_user(Role.FINANCE)
    payment_run = payments.prepare_run(year=2019, month=11, by=preparer, at=at(2019, 10, 20))
    payments.approve_run(payment_run, by=people["finance"], at=at(2019, 10, 21))
    march = Installment.objects.get(agreement_year__agreement=signed, due_month=3)
    claim = accountability.establish_claim(
        organization,
        agreement=signed,
        kind="unused_funds",
        amount=Decimal("1000"),
        fiscal_year=FiscalYear(2019),
        established_on=date(2019, 10, 1),
        due_on=date(2019, 12, 1),
        by=people["finance"],
        at=at(2019, 10, 1),
    )
    planned_offset = accountability.plan_offset(
        claim,
        installment=march,
        amount=Decimal("100"),
        reason="Compensation convenue.",
        by=people["finance"],
        at=at(2019, 10, 1),
    )
    # A non-compliance case with a measure proposed, not approved (5.5).
    case = agreement_actions.open_case(
        signed,
        breach="agreement",
        clause="article 4 de la convention",
        finding="Constat.",
        found_on=date(2019, 10, 1),
        by=people["advisor"],
        at=at(2019, 10, 1),
    )
    proposal = agreement_actions.propose_measure(
        case,
        kind="suspension",
        legal_basis="Clause 5.5",
        reason="Motif.",
        remedy="Corriger.",
        remedy_due_on=date(2019, 11, 30),
        by=people["advisor"],
        at=at(2019, 10, 1),
    )
    # The yearly report of that agreement (8), with its minutes deposited.
    report = accountability.expect_annual_report(
        signed.years.order_by("year_number").first(), by=people["advisor"], at=at(2019, 10, 1)
    )
    accountability.save_agm(
        report,
        held_on=date(2020, 6, 10),
        upload=upload("pv-aga.pdf"),
        by=make_representative(organization),
        at=at(2020, 6, 11),
    )
    # A campaign job finished with one dossier in failure, to resume (issue 15).
    from soutien.agreements import campaign
    from soutien.core.models import BackgroundJob, JobItem

    campaign_job = BackgroundJob.objects.create(
        kind=campaign.PREPARE,
        params={"run": run.pk, "duration_years": 1},
        started_by=people["manager"],
        state="done",
        total=1,
    )
    JobItem.objects.create(job=campaign_job, key=str(application.pk), state="failed", error="x")
    # An open access request of the organization's representative (Loi sur l'accès, art. 83).
    from soutien.privacy import rights

    pi_request = rights.record_request(
        by=people["manager"],
        at=at(2019, 10, 1),
        person_email=people["representative"].email,
        kind="access",
        received_on=date(2019, 10, 1),
        details="Tout ce que le programme conserve à mon sujet.",
    )
    objects = {
        "campaign_job": campaign_job.pk,
        "application": application.pk,
        "evaluation": evaluation.pk,
        "decision": decision.pk,
        "envelope": run.envelope_id,
        "run": run.pk,
        "norms_trial": trial.pk,
        "agreement": agreement.pk,
        "csv": "csv",
        "xlsx": "xlsx",
        "glance_xlsx": ["regions", "xlsx"],
        "payment_run": payment_run.pk,
        "payment_file": [payment_run.pk, "lot-csv"],
        "installment": march.pk,
        "organization": application.organization_id,
        "case": case.pk,
        "proposal": proposal.pk,
        "signed": signed.pk,
        "claim": claim.pk,
        "offset": planned_offset.pk,
        "report": report.pk,
        "obligation": report.obligations.first().pk,
        "report_document": report.documents.get().pk,
        "retention_run": privacy.prepare_run(by=people["manager"], at=at(2019, 11, 2)).pk,
        "hold": privacy.place_hold(
            application.organization,
            kind="dispute",
            reason="Recours.",
            by=people["manager"],
            at=at(2019, 11, 2),
        ).pk,
        "pi_request": pi_request.pk,
        "pi_request_json": [pi_request.pk, "json"],
        "pi_request_pdf": [pi_request.pk, "pdf"],
    }
    return people, objects


@pytest.mark.parametrize(("name", "obj", "method", "allowed"), MATRIX)
def test_every_workspace_url_for_every_role(client, world, name, obj, method, allowed):
    people, objects = world
    target = objects[obj] if obj else None
    url = reverse(name, args=target if isinstance(target, list) else [target] if obj else [])
    for role in ALL_ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        response = getattr(client, method)(url, {})
        if response.streaming:
            # A file served: read to its end, which releases its handle (closing the
            # response would also close the test's database connection, on PostgreSQL).
            b"".join(response.streaming_content)
        login = response.status_code == 302 and "/compte/connexion/" in response["Location"]
        if role == "anonymous":
            assert login, (role, name, method)
        elif role in allowed:
            # 422: allowed, and the empty form is refused with its errors.
            assert response.status_code in (200, 302, 422) and not login, (role, name, method)
        else:
            assert response.status_code == 403, (role, name, method, response.status_code)
            text = response.content.decode()
            assert "Accès refusé" in text and (
                "réservé" in text
                or "revient" in text
                or "Seule" in text
                or "sont préparées" in text
            ), (role, name)


def test_decision_letter_for_staff_and_members_only(client, world):
    people, objects = world
    url = reverse("decision-letter", args=[objects["decision"]])
    assert "/compte/connexion/" in client.get(url)["Location"]
    for role in ("representative", *STAFF):
        client.force_login(people[role])
        assert client.get(url).status_code == 200, role
    from soutien.organizations.models import Organization

    stranger = make_representative(
        Organization.objects.create(
            legal_name="Autre",
            neq="1199999999",
            legal_form="qc_companies_part3",
            incorporation_date=date(2000, 1, 1),
            street_address="1",
            city="X",
            postal_code="H1H 1H1",
            region_id="06",
        )
    )
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_every_workspace_url_is_in_the_matrix():
    from soutien.workspace import urls as workspace_urls

    names = {f"workspace:{p.name}" for p in workspace_urls.urlpatterns}
    assert names == {name for name, *_rest in MATRIX} | PERSONAL
