"""« L'année en un coup d'œil » (issue 15, item 1): figures read from the ledger, filters,
charts with their tables, CSV and XLSX exports equal to the page, constant queries."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from soutien.accounts.models import Role
from soutien.agreements import actions as agreement_actions
from soutien.agreements.models import Installment
from soutien.applications.models import Application
from soutien.budget import ledger
from soutien.budget.glance import Filters, year_at_a_glance
from soutien.budget.models import RegionReference
from soutien.organizations.models import Organization
from tests.agreements.test_agreements import signed
from tests.factories import (
    at,
    make_application,
    make_organization,
    make_representative,
    make_user,
    submit_complete,
)
from tests.workspace.helpers import evaluated_dossier

pytestmark = pytest.mark.django_db
URL = reverse("workspace:glance")


@pytest.fixture
def world():
    """A signed agreement in Estrie (05) with its November installment paid; an evaluated
    dossier in Montréal (06); two new attachment requests (5.2), one with its territory's
    figures, one from a region with no reference."""
    advisor, agreement = signed()
    finance = make_user(Role.FINANCE)
    november = Installment.objects.get(agreement_year__agreement=agreement, due_month=11)
    agreement_actions.pay_installment(
        november, paid_on=date(2019, 11, 15), by=finance, at=at(2019, 11, 15)
    )
    evaluated_dossier(advisor, make_organization(region_id="06"))
    first = make_application(
        make_organization(region_id="06", attached_to_ministry=False, legal_name="Nouveau A"),
        by=advisor,
    )

    second = make_application(
        make_organization(region_id="07", attached_to_ministry=False, legal_name="Nouveau B"),
        by=advisor,
    )
    third = make_application(
        make_organization(region_id="08", attached_to_ministry=False, legal_name="Nouveau C"),
        by=advisor,
    )
    RegionReference.objects.create(
        region_id="08", attached_organizations=0, immigrant_population=1000, is_demo=True
    )
    for application in (first, second, third):
        submit_complete(application, by=advisor)
    # The territory's figures as the manager records them on the dossier (5.2).
    Application.objects.filter(pk=first.pk).update(
        territory_attached_organizations=2, territory_immigrant_population=90000
    )
    return make_user(Role.MANAGER), agreement


def test_the_figures_are_the_ledgers_by_region_tier_and_stream(client, world):
    manager, agreement = world
    client.force_login(manager)
    response = client.get(URL, {"fiscal_year": 2019})
    assert response.status_code == 200
    year = response.context["year"]
    money = ledger.balance(fiscal_year=2019)
    assert money.committed > 0 and money.paid > 0
    for code in ("regions", "tiers", "streams"):
        table = year.tables[code]
        for name in ("committed", "paid", "held", "recovered"):
            assert getattr(table.total, name) == getattr(money, name), (code, name)
            assert sum(getattr(line, name) for line in table.lines) == getattr(money, name)
        assert table.total.dossiers == 5
    regions = {line.key: line for line in year.tables["regions"].lines}
    assert len(regions) == 17
    estrie = ledger.balance(fiscal_year=2019, organization__region_id="05")
    assert (regions["05"].committed, regions["05"].paid) == (estrie.committed, estrie.paid)
    assert regions["06"].committed == 0 and regions["06"].evaluated > 0
    assert regions["05"].granted == agreement.application.decision.amount
    tiers = {line.key: line for line in year.tables["tiers"].lines}
    assert tiers[3].committed == money.committed and tiers[4].dossiers == 3
    # The states of every dossier, and the totals on the page.
    assert {s.state: s.count for s in year.states if s.count} == {
        "accepted": 1,
        "under_evaluation": 1,
        "submitted": 3,
    }
    html = response.content.decode()
    assert "Accès refusé" not in html


def test_5_2_new_attachment_requests_are_ranked_by_the_two_criteria(client, world):
    manager, _agreement = world
    year = year_at_a_glance(Filters(fiscal_year=2019))
    # 08: no other attached organization (region reference, demo); 06: two others; 07: none.
    assert [(r.organization, r.attached_organizations) for r in year.ranking] == [
        ("Nouveau C", 0),
        ("Nouveau A", 2),
        ("Nouveau B", None),
    ]
    assert year.ranking[0].source == "Données fictives de démonstration"
    assert year.ranking[2].source == "Aucune donnée : classée en dernier"
    client.force_login(manager)
    html = client.get(URL, {"fiscal_year": 2019}).content.decode()
    assert 'id="table-classement"' in html and "Nouveau C" in html


def test_the_figures_follow_the_filters(client, world):
    manager, _agreement = world
    client.force_login(manager)
    montreal = client.get(URL, {"fiscal_year": 2019, "region": "06"}).context["year"]
    regions = montreal.tables["regions"]
    assert [line.key for line in regions.lines] == ["06"]
    assert regions.total.dossiers == 2 and regions.total.committed == 0
    assert montreal.dossiers == 2
    assert [r.organization for r in montreal.ranking] == ["Nouveau A"]
    stream_2 = client.get(URL, {"fiscal_year": 2019, "stream": 2}).context["year"]
    assert stream_2.dossiers == 0 and stream_2.tables["streams"].total.committed == 0
    other_year = client.get(URL, {"fiscal_year": 2018}).context["year"]
    assert other_year.dossiers == 0 and other_year.total.committed == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"region": "99"}, "La région « 99 » n&#x27;est pas une des 17 régions administratives."),
        ({"stream": "3"}, "Le volet « 3 » n&#x27;existe pas : choisissez 1 ou 2."),
        (
            {"fiscal_year": "1999"},
            "L&#x27;exercice financier « 1999 » n&#x27;est pas un exercice des normes.",
        ),
    ],
)
def test_a_bad_filter_is_refused_in_french(client, world, query, message):
    manager, _agreement = world
    client.force_login(manager)
    response = client.get(URL, query)
    assert response.status_code == 422
    assert message in response.content.decode()
    export = client.get(reverse("workspace:glance_export", args=["regions", "csv"]), query)
    assert export.status_code == 422 and message in export.content.decode()


def test_each_chart_has_its_title_description_and_table(client, world):
    manager, _agreement = world
    client.force_login(manager)
    html = client.get(URL, {"fiscal_year": 2019}).content.decode()
    for code in ("etats", "regions", "priorites", "volets"):
        assert f'<svg role="img" aria-labelledby="chart-{code}-title chart-{code}-desc"' in html
        assert f'<title id="chart-{code}-title">' in html
        assert f'<desc id="chart-{code}-desc">' in html
        assert f'id="table-{code}"' in html
    # Values are written beside the bars, and the second series is hatched.
    assert "url(#chart-regions-hatch)" in html and "Versé (hachuré)" in html


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("region", ["", "05"])
def test_the_exports_follow_the_filters_and_their_totals_are_the_pages(client, world, region):
    manager, _agreement = world
    client.force_login(manager)
    query = {"fiscal_year": 2019, "region": region}
    year = client.get(URL, query).context["year"]
    for table, code in (("regions", "regions"), ("priorites", "tiers"), ("volets", "streams")):
        total = year.tables[code].total
        url = reverse("workspace:glance_export", args=[table, "csv"])
        response = client.get(url, query)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = _csv(response.content)
        assert rows[0][5:7] == ["Engagé", "Versé"]
        assert rows[-1][0] == "Total"
        assert int(rows[-1][1]) == total.dossiers
        assert Decimal(rows[-1][5]) == total.committed and Decimal(rows[-1][6]) == total.paid
        response = client.get(reverse("workspace:glance_export", args=[table, "xlsx"]), query)
        sheet = load_workbook(io.BytesIO(response.content)).active
        last = [cell.value for cell in sheet[sheet.max_row]]
        assert last[0] == "Total" and last[1] == total.dossiers
        assert Decimal(str(last[5])) == total.committed
        assert Decimal(str(last[6])) == total.paid
    states = _csv(
        client.get(reverse("workspace:glance_export", args=["etats", "csv"]), query).content
    )
    assert states[-1] == ["Total", str(year.dossiers)]
    ranking = _csv(
        client.get(reverse("workspace:glance_export", args=["classement", "csv"]), query).content
    )
    assert len(ranking) == 1 + len(year.ranking)


def test_an_organization_name_never_becomes_a_formula_in_the_exports(client, world):
    manager, _agreement = world
    Organization.objects.filter(legal_name="Nouveau C").update(
        legal_name='=HYPERLINK("http://x.example")'
    )
    client.force_login(manager)
    url = reverse("workspace:glance_export", args=["classement", "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url, {"fiscal_year": 2019}).content)).active
    assert sheet["C2"].value == '\'=HYPERLINK("http://x.example")'
    url = reverse("workspace:glance_export", args=["classement", "csv"])
    rows = _csv(client.get(url, {"fiscal_year": 2019}).content)
    assert rows[1][2].startswith("'=")


def test_an_unknown_table_or_format_is_not_found(client, world):
    manager, _agreement = world
    client.force_login(manager)
    assert client.get(reverse("workspace:glance_export", args=["autre", "csv"])).status_code == 404
    assert (
        client.get(reverse("workspace:glance_export", args=["regions", "pdf"])).status_code == 404
    )


def test_staff_read_it_and_organizations_do_not(client, world):
    _manager, agreement = world
    for role in (Role.ADVISOR, Role.FINANCE, Role.MANAGER):
        client.force_login(make_user(role))
        assert client.get(URL).status_code == 200, role
    client.force_login(make_representative(agreement.organization))
    response = client.get(URL)
    assert response.status_code == 403 and "réservé au personnel" in response.content.decode()
    client.logout()
    assert "/compte/connexion/" in client.get(URL)["Location"]


def test_the_page_and_its_export_run_a_constant_number_of_queries(client):
    from tests.core.test_query_counts import populate

    manager = make_user(Role.MANAGER)
    client.force_login(manager)
    export = reverse("workspace:glance_export", args=["priorites", "xlsx"])
    counts = []
    for n in (10, 300):
        populate(n - Organization.objects.count(), make_user(Role.ADVISOR))
        with CaptureQueriesContext(connection) as page:
            response = client.get(URL, {"fiscal_year": 2019})
        assert response.context["year"].dossiers == n
        with CaptureQueriesContext(connection) as file:
            assert client.get(export, {"fiscal_year": 2019}).status_code == 200
        counts.append((len(page), len(file)))
    assert counts[0] == counts[1], counts
    assert counts[1][0] <= 14, counts
