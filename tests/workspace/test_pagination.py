"""Lists are paginated (decision 013): 50 rows a page, « Page 2 sur 3 », the filters kept in
the links, totals over the whole selection and equal to the ledger's sums."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soutien.accounts.models import Role
from soutien.agreements import exports
from soutien.applications.models import Application
from soutien.budget import actions as budget
from soutien.budget import ledger
from soutien.budget.models import AllocationLine
from soutien.core.pagination import PAGE_SIZE
from soutien.evaluations.models import Evaluation
from soutien.evaluations.templatetags.workspace import money
from soutien.organizations.models import Organization
from soutien.rules import FiscalYear
from tests.core.test_query_counts import populate
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROWS = PAGE_SIZE * 2 + 20  # three pages: 50, 50, 20


@pytest.fixture
def finance_client(client):
    manager = make_user(Role.MANAGER)
    populate(ROWS, manager)
    client.force_login(manager)
    return client


def body_rows(html: str) -> int:
    table = html.split("<h2>", 2)[2]  # the listing, after the ledger's balances
    return table.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")


@pytest.mark.parametrize("kind", ["installments", "payments", "decisions"])
def test_finance_page_two_shows_the_next_rows_and_says_where_it_is(finance_client, kind):
    url = reverse("workspace:finance")
    first = finance_client.get(url, {"kind": kind}).content.decode()
    second = finance_client.get(url, {"kind": kind, "page": "2"}).content.decode()
    last = finance_client.get(url, {"kind": kind, "page": "3"}).content.decode()
    assert (body_rows(first), body_rows(second), body_rows(last)) == (50, 50, 20)
    assert "Page 2 sur 3" in second and "Page 1 sur 3" in first
    assert "Page précédente" in second and "Page suivante" in second
    assert "Page précédente" not in first and "Page suivante" not in last
    rows = exports.KINDS[kind][1](make_user(Role.MANAGER))
    assert rows[PAGE_SIZE].neq in second.split("<tbody>", 2)[2]


def test_finance_page_out_of_range_gives_the_last_page_and_a_wrong_one_the_first(finance_client):
    url = reverse("workspace:finance")
    beyond = finance_client.get(url, {"page": "99"})
    wrong = finance_client.get(url, {"page": "deux"})
    assert beyond.status_code == wrong.status_code == 200
    assert "Page 3 sur 3" in beyond.content.decode()
    assert "Page 1 sur 3" in wrong.content.decode()


def test_finance_page_links_keep_the_filters(finance_client):
    page = finance_client.get(
        reverse("workspace:finance"), {"kind": "payments", "fiscal_year": "2019", "page": "2"}
    ).content.decode()
    assert 'href="?kind=payments&amp;fiscal_year=2019&amp;page=1"' in page
    assert 'href="?kind=payments&amp;fiscal_year=2019&amp;page=3"' in page
    # The extraction takes the same filters, and every row, not one page.
    assert '<input type="hidden" name="kind" value="payments">' in page
    assert '<input type="hidden" name="fiscal_year" value="2019">' in page


def test_finance_totals_cover_every_page_and_equal_the_ledger(finance_client):
    url = reverse("workspace:finance")
    paid = ledger.balance(fiscal_year=2019, kind="payment").paid
    assert paid == Decimal(ROWS)
    for page in ("1", "3"):
        html = finance_client.get(url, {"kind": "payments", "page": page}).content.decode()
        assert f'<td class="money" id="total">{money(paid)}</td>' in html
    user = make_user(Role.MANAGER)
    for kind in ("installments", "decisions"):
        rows = exports.KINDS[kind][1](user)
        assert len(rows) == ROWS
        html = finance_client.get(url, {"kind": kind, "page": "2"}).content.decode()
        assert f'<td class="money" id="total">{money(exports.total(rows))}</td>' in html


def test_finance_pages_run_the_same_queries_whatever_the_rows(client):
    manager = make_user(Role.MANAGER)
    client.force_login(manager)

    def counts():
        result = []
        for kind in ("installments", "payments", "decisions"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("workspace:finance"), {"kind": kind}).status_code == 200
            result.append(len(queries))
        return result

    populate(10, manager)
    small = counts()
    populate(ROWS, manager)
    assert small == counts()


def test_dashboard_page_two_lists_other_dossiers_with_the_filters_kept(client):
    manager = make_user(Role.MANAGER)
    populate(ROWS, manager)
    client.force_login(manager)
    url = reverse("workspace:dashboard")
    first = client.get(url, {"fiscal_year": "2019"}).content.decode()
    second = client.get(url, {"fiscal_year": "2019", "page": "2"}).content.decode()
    assert "Page 2 sur 3" in second
    assert 'href="?fiscal_year=2019&amp;page=3"' in second
    names = sorted(Organization.objects.values_list("legal_name", flat=True))
    assert names[0] in first and names[0] not in second
    assert names[PAGE_SIZE] in second and names[PAGE_SIZE] not in first


def dossiers(n: int, user) -> None:
    """n applications under evaluation, evaluated eligible (bulk, as the benchmark)."""
    now = timezone.make_aware(datetime(2019, 3, 1, 10))
    start = Organization.objects.count()
    organizations = Organization.objects.bulk_create(
        Organization(
            legal_name=f"Organisme {start + i:04d}",
            neq=f"{1160000000 + start + i}",
            legal_form="qc_companies_part3",
            incorporation_date=date(2005, 1, 1),
            street_address="1, rue",
            city="Laval",
            postal_code="H7A 1A1",
            region_id=f"{i % 17 + 1:02d}",
        )
        for i in range(n)
    )
    applications = Application.objects.bulk_create(
        Application(
            organization=o,
            fiscal_year=2019,
            stream=1,
            deadline_at=now,
            state="under_evaluation",
            submitted_at=now,
            priority=None if i % 2 else 3,  # the others take their tier from the result
        )
        for i, o in enumerate(organizations)
    )
    Evaluation.objects.bulk_create(
        Evaluation(
            application=a,
            advisor=user,
            started_at=now,
            state="completed",
            completed_at=now,
            result={"priority": {"tier": 4}},
            amount=Decimal("1000.50") + i,
            eligibility="eligible",
        )
        for i, a in enumerate(applications)
    )


def test_allocation_page_paginates_its_lines_with_the_unfunded_total_of_all(client):
    manager = make_user(Role.MANAGER)
    dossiers(ROWS, manager)
    envelope = budget.open_envelope(
        fiscal_year=FiscalYear(2019),
        stream=1,
        amount=Decimal("5000"),
        by=manager,
        at=timezone.make_aware(datetime(2019, 3, 1)),
    )
    budget.approve_envelope(
        envelope,
        approved_on=datetime(2019, 3, 1).date(),
        reference="C-2019",
        by=manager,
        at=timezone.make_aware(datetime(2019, 3, 1)),
    )
    run = budget.run_allocation(envelope, by=manager, at=timezone.make_aware(datetime(2019, 3, 2)))
    lines = list(AllocationLine.objects.filter(run=run).order_by("position"))
    assert len(lines) == ROWS and [line.position for line in lines] == list(range(1, ROWS + 1))
    # Tier 3 (stored on the application) before tier 4 (read from the evaluation's result).
    assert [line.tier for line in lines] == sorted(line.tier for line in lines)
    assert {line.tier for line in lines} == {3, 4}
    unfunded = [line for line in lines if not line.funded]
    assert len(unfunded) > PAGE_SIZE * 2
    client.force_login(manager)
    url = reverse("workspace:allocation", args=[run.pk])
    page = client.get(url, {"unfunded_page": "3"}).content.decode()
    assert "Page 3 sur 3" in page
    assert money(sum(line.amount for line in unfunded)) in page
    assert f"{len(unfunded)} dossiers non financés" in page
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    dossiers(ROWS, manager)
    bigger = budget.run_allocation(
        envelope, by=manager, at=timezone.make_aware(datetime(2019, 3, 3))
    )
    assert bigger.lines.count() == ROWS * 2
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("workspace:allocation", args=[bigger.pk])).status_code == 200
    assert len(small) == len(large)


def test_allocation_run_queries_do_not_grow_with_the_dossiers():
    manager = make_user(Role.MANAGER)
    envelope = budget.open_envelope(
        fiscal_year=FiscalYear(2019),
        stream=1,
        amount=Decimal("5000"),
        by=manager,
        at=timezone.make_aware(datetime(2019, 3, 1)),
    )
    budget.approve_envelope(
        envelope,
        approved_on=datetime(2019, 3, 1).date(),
        reference="C-2019",
        by=manager,
        at=timezone.make_aware(datetime(2019, 3, 1)),
    )
    when = timezone.make_aware(datetime(2019, 3, 2))
    dossiers(10, manager)
    with CaptureQueriesContext(connection) as small:
        budget.run_allocation(envelope, by=manager, at=when)
    dossiers(ROWS, manager)
    with CaptureQueriesContext(connection) as large:
        budget.run_allocation(envelope, by=manager, at=when)
    # One statement a batch of lines on SQLite (999 parameters), one COPY on PostgreSQL.
    batches = 0 if connection.vendor == "postgresql" else (ROWS + 10) // 99
    assert len(large) <= len(small) + batches
