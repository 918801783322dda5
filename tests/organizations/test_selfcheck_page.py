"""The self-check results page: a summary first, then each criterion once, grouped by status
(issue 10)."""

import re

import pytest

from soutien.organizations import selfcheck
from soutien.organizations.models import EligibilitySelfCheck
from soutien.rules.eligibility import CRITERIA, CRITERIA_BY_CODE
from tests.factories import make_board, make_organization, make_representative
from tests.organizations.test_selfcheck import run_selfcheck, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    organization = make_organization()
    make_board(organization, size=5)
    return organization


@pytest.fixture
def member_client(client, organization):
    client.force_login(make_representative(organization))
    return client


def main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def criteria_shown(page: str) -> list[str]:
    return re.findall(r'<li class="qc-criterion" id="critere-([a-z0-9_]+)"', page)


def test_each_criterion_text_appears_exactly_once(member_client, organization):
    page = main(text(run_selfcheck(member_client, organization)))
    shown = criteria_shown(page)
    assert shown, "no criterion on the page"
    assert len(shown) == len(set(shown))
    for code in shown:
        assert page.count(CRITERIA_BY_CODE[code].title) == 1, code


def test_the_summary_comes_first_with_counts_and_names_then_the_groups_in_order(
    member_client, organization
):
    page = main(
        text(run_selfcheck(member_client, organization, categories={"excluded_category": "union"}))
    )
    result = EligibilitySelfCheck.objects.get().result
    counts = {
        status: sum(1 for f in result["findings"] if f["status"] == status)
        for status in ("unmet", "to_verify", "met")
    }
    assert all(counts.values())
    summary = page.index("En résumé")
    headings = [
        page.index('id="groupe-unmet"'),
        page.index('id="groupe-to_verify"'),
        page.index('id="groupe-met"'),
    ]
    assert summary < headings[0] < headings[1] < headings[2]
    summary_text = page[summary : headings[0]]
    assert f"Ce qui exclut l'organisme ({counts['unmet']})" in summary_text
    assert f"Ce qui reste à vérifier ({counts['to_verify']})" in summary_text
    assert f"Ce qui est satisfait ({counts['met']})" in summary_text
    assert '<a href="#critere-not_excluded_category">Catégorie admissible</a>' in summary_text
    # every criterion sits in the group of its status
    bounds = [*headings, len(page)]
    for finding in result["findings"]:
        position = page.index(f'id="critere-{finding["criterion"]}"')
        group = ("unmet", "to_verify", "met").index(finding["status"])
        assert bounds[group] < position < bounds[group + 1], finding["criterion"]


def test_a_message_that_repeats_the_criterion_is_not_printed(member_client, organization):
    page = main(text(run_selfcheck(member_client, organization)))
    block = re.search(r'id="critere-main_mission".*?</li>', page, re.S).group(0)
    assert "À juger par la conseillère ou le conseiller en partenariat :" not in block
    assert CRITERIA_BY_CODE["main_mission"].title in block


def test_every_criterion_has_a_short_name_for_the_summary():
    assert set(selfcheck.SHORT_NAMES) == {criterion.code for criterion in CRITERIA}
    names = [str(name) for name in selfcheck.SHORT_NAMES.values()]
    assert len(names) == len(set(names))
