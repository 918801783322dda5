"""Every URL of the portal, tried with organization A's ids by a member of organization B and
by an anonymous visitor: 404 or the login page, never A's data (STYLE.md §5)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soutien.applications import actions
from soutien.applications.models import Application, Stream
from soutien.portal import urls as portal_urls
from tests.factories import make_organization, make_representative, make_user

from .portal_helpers import active_agreement, fill_everything, new_application, open_period

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture
def organization_a():
    organization = make_organization(legal_name="Organisme Alpha Secret")
    rep = make_representative(organization)
    application = fill_everything(new_application(organization, by=rep), by=rep)
    actions.submit_application(application, by=rep, at=timezone.now(), require_complete=True)
    advisor = make_user()
    actions.request_correction(application, by=advisor, at=timezone.now(), reason="Précisez.")
    agreement = active_agreement(application, by=advisor)
    open_period(fiscal_year=2020)
    report = _report_of(agreement, rep, advisor)
    return {
        "report_pk": report.pk,
        "topic": "funding_sources",
        "source_pk": report.funding_sources.get().pk,
        "party_pk": report.related_parties.get().pk,
        "correction_pk": report.corrections.get().pk,
        "pk": application.pk,
        "section": "finances",
        "kind": "charter",
        "request_pk": application.information_requests.get().pk,
        "year_pk": agreement.years.get(year_number=2).pk,
        "reference": application.reference,
    }


def _report_of(agreement, rep, advisor):
    """A's yearly report (8), with a source, a related party and a correction asked."""
    from decimal import Decimal

    from soutien.accountability import actions as accountability
    from tests.accountability.test_reports import fill

    report = accountability.expect_annual_report(
        agreement.years.get(year_number=1), by=advisor, at=timezone.now()
    )
    fill(report, rep)
    accountability.declare_related_party(
        report,
        legal_name="Société Alpha Secret inc.",
        neq="1145267890",
        relationship="Mêmes administrateurs",
        transactions_amount=Decimal("1000"),
        sole_beneficiary="Note 3",
        proofs={"contract_proof": "Bail", "notes_proof": "Note 3", "cost_proof": "Soumissions"},
        by=rep,
        at=timezone.now(),
    )
    accountability.submit_report(report, by=rep, at=timezone.now())
    accountability.request_report_correction(
        report, by=advisor, at=timezone.now(), reason="Précisez."
    )
    return report


# The yearly report's pages: their `pk` is the report's.
REPORT_URLS = {
    "report",
    "report_topic",
    "submit_report",
    "remove_funding_source",
    "withdraw_related_party",
    "answer_report_correction",
}


def portal_urls_for(ids):
    for pattern in portal_urls.urlpatterns:
        names = pattern.pattern.converters.keys()
        values = {**ids, "pk": ids["report_pk"]} if pattern.name in REPORT_URLS else ids
        yield pattern.name, reverse(f"portal:{pattern.name}", kwargs={k: values[k] for k in names})


def test_every_portal_url_is_closed_to_another_organization(client, organization_a):
    outsider = make_representative(make_organization(legal_name="Organisme Bêta"))
    client.force_login(outsider)
    checked = 0
    for name, path in portal_urls_for(organization_a):
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            body = response.content.decode() if not response.streaming else ""
            assert "Organisme Alpha Secret" not in body, (name, method)
            assert organization_a["reference"] not in body, (name, method)
            if name in REPORT_URLS or (
                any(k in path for k in (str(organization_a["pk"]),))
                and name not in ("dashboard", "start")
            ):
                # The report's pages that take one method refuse the other before they look
                # anything up (405): no trace of A either.
                refused = {404, 405} if name in REPORT_URLS else {404}
                assert response.status_code in refused, (name, method, response.status_code)
            checked += 1
    assert checked == 2 * len(portal_urls.urlpatterns)
    assert Application.objects.count() == 1  # the outsider created nothing (no renewal of A)


def test_every_portal_url_sends_an_anonymous_visitor_to_the_login_page(client, organization_a):
    for name, path in portal_urls_for(organization_a):
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, (name, method)
            assert response["Location"].startswith(LOGIN), (name, method)


def test_the_renewal_of_another_organization_is_a_404(client, organization_a):
    client.force_login(make_representative(make_organization()))
    path = reverse("portal:start_renewal", args=[organization_a["year_pk"]])
    assert client.post(path).status_code == 404


def test_the_dashboard_runs_the_same_number_of_queries_for_10_and_500_applications(client):
    from soutien.organizations.actions import link_representative

    user = make_user(role="representative")
    now = timezone.now()
    organizations = [make_organization() for _ in range(5)]
    for organization in organizations:
        link_representative(user, organization, by=None, at=now)
    client.force_login(user)

    def add(start: int, stop: int) -> None:
        Application.objects.bulk_create(
            Application(
                organization=organizations[index // 100],
                fiscal_year=2000 + (index % 100) // 2,
                stream=Stream.ORGANIZATION if index % 2 == 0 else Stream.NATIONAL_GROUPING,
                deadline_at=now + timedelta(days=5),
            )
            for index in range(start, stop)
        )

    def measure(size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("portal:dashboard"))
        assert response.status_code == 200
        assert response.content.decode().count('href="/espace/demandes/') == size
        return len(queries)

    add(0, 10)
    at_10 = measure(10)
    add(10, 500)
    assert measure(500) == at_10 <= 10
