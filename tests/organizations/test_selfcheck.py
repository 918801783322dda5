"""The eligibility self-check: one topic per page, the rules on the answers, the clauses quoted."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from soutien.organizations import selfcheck
from soutien.organizations.clauses import CATEGORY_QUOTES, QUOTES, passages
from soutien.organizations.models import EligibilitySelfCheck
from soutien.rules.eligibility import CRITERIA
from soutien.rules.norms import norms_text
from tests.factories import make_board, make_organization, make_representative

pytestmark = pytest.mark.django_db


ANSWERS = {
    "constitution": {"legal_form": "qc_companies_part3", "incorporation_date": "2005-05-01"},
    "siege": {"head_office_in_quebec": "oui", "majority_of_activities_in_quebec": "oui"},
    "categories": {"excluded_category": ""},
    "engagements": {
        "has_debt_to_ministry": "non",
        "repayment_agreement": "",
        "commitments_respected_last_3_years": "oui",
    },
    "conseil": {"board_total": "5", "board_qualified": "4", "annual_general_meeting_held": "oui"},
    "refugies": {
        "refugee_reception": "non",
        "refugees_received_per_year": "0",
        "attached_to_ministry": "oui",
    },
    "volet": {"stream": "1", "fiscal_year": "2019"},
}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def organization():
    organization = make_organization()
    make_board(organization, size=5)
    return organization


@pytest.fixture
def member_client(client, organization):
    client.force_login(make_representative(organization))
    return client


def step_url(organization, step):
    return reverse("organization:selfcheck_step", kwargs={"pk": organization.pk, "step": step})


def run_selfcheck(client, organization, **overrides):
    client.post(reverse("organization:selfcheck", kwargs={"pk": organization.pk}))
    response = None
    for step, answers in ANSWERS.items():
        current = EligibilitySelfCheck.objects.filter(organization=organization).first()
        data = {**answers, **overrides.get(step, {}), "seen_version": current.version}
        response = client.post(step_url(organization, step), data)
        assert response.status_code == 302, text(response)
    return client.get(response["Location"])


def test_each_topic_has_its_own_page_pre_filled_from_the_profile(member_client, organization):
    start = reverse("organization:selfcheck", kwargs={"pk": organization.pk})
    assert "Commencer l'autoévaluation" in text(member_client.get(start))
    response = member_client.post(start)
    assert response["Location"] == step_url(organization, "constitution")
    page = text(member_client.get(response["Location"]))
    assert "étape 1 sur 7" in page
    assert 'value="2005-05-01"' in page
    conseil = text(member_client.get(step_url(organization, "conseil")))
    assert 'name="board_total" value="5"' in conseil


def test_answers_are_saved_page_by_page_and_the_next_page_follows(member_client, organization):
    member_client.post(reverse("organization:selfcheck", kwargs={"pk": organization.pk}))
    current = EligibilitySelfCheck.objects.get()
    response = member_client.post(
        step_url(organization, "siege"),
        {
            "head_office_in_quebec": "non",
            "majority_of_activities_in_quebec": "oui",
            "seen_version": current.version,
        },
    )
    assert response["Location"] == step_url(organization, "categories")
    current.refresh_from_db()
    assert current.answers["head_office_in_quebec"] is False
    assert current.answers["_steps"] == ["siege"]
    # Resuming goes to the first topic not yet answered.
    start = text(
        member_client.get(reverse("organization:selfcheck", kwargs={"pk": organization.pk}))
    )
    assert "Reprendre l'autoévaluation en cours" in start
    assert step_url(organization, "constitution") in start


def test_an_invalid_answer_is_refused_next_to_the_field(member_client, organization):
    member_client.post(reverse("organization:selfcheck", kwargs={"pk": organization.pk}))
    current = EligibilitySelfCheck.objects.get()
    response = member_client.post(
        step_url(organization, "conseil"),
        {
            "board_total": "3",
            "board_qualified": "7",
            "annual_general_meeting_held": "oui",
            "seen_version": current.version,
        },
    )
    assert response.status_code == 200
    assert "ne peut pas dépasser le nombre de membres du conseil (3)" in text(response)
    current.refresh_from_db()
    assert "_steps" not in current.answers


def test_a_stale_page_is_refused(member_client, organization):
    member_client.post(reverse("organization:selfcheck", kwargs={"pk": organization.pk}))
    current = EligibilitySelfCheck.objects.get()
    data = {**ANSWERS["siege"], "seen_version": current.version}
    member_client.post(step_url(organization, "siege"), data)
    response = member_client.post(step_url(organization, "siege"), data)
    assert "modifié par une autre personne" in text(response)


def test_results_show_each_criterion_its_clause_quoted_and_what_proves_it(
    member_client, organization
):
    page = text(run_selfcheck(member_client, organization))
    assert "Aucune de vos réponses n'exclut l'organisme" in page
    assert "Normes appliquées : descriptif 2018-2020, exercice 2019-2020" in page
    assert "Le montant de l'aide n'est pas calculé à cette étape" in page
    for criterion in CRITERIA:
        if 1 in {int(s) for s in criterion.streams}:
            assert f'id="critere-{criterion.code}"' in page
    assert "« tenir chaque année une assemblée générale annuelle »" in page
    assert "À prouver par : Charte de l'organisme" in page
    selfcheck_row = EligibilitySelfCheck.objects.get()
    assert selfcheck_row.norms_version == "2018-2020"
    assert selfcheck_row.result["eligibility"] == "to_verify"
    assert selfcheck_row.facts["application_date"] == "2020-06-30"  # norms ended: last day


def test_4_an_excluded_category_shows_ineligible_with_the_clause_and_the_category(
    member_client, organization
):
    page = text(
        run_selfcheck(member_client, organization, categories={"excluded_category": "union"})
    )
    assert "l'organisme ne serait pas admissible" in page
    block = re.search(r'id="critere-not_excluded_category".*?</li>', page, re.S).group(0)
    assert "Non satisfait" in block
    assert "Clause 4" in block
    assert "une organisation syndicale : catégorie non admissible (clause 4)" in block
    assert "« les organisations syndicales »" in block
    assert EligibilitySelfCheck.objects.get().result["eligibility"] == "ineligible"


def test_4_refugee_reception_is_the_exception_for_a_mission_of_another_ministry(
    member_client, organization
):
    page = text(
        run_selfcheck(
            member_client,
            organization,
            categories={"excluded_category": "other_ministry_mission"},
            refugies={"refugee_reception": "oui", "refugees_received_per_year": "120"},
        )
    )
    block = re.search(r'id="critere-not_excluded_category".*?</li>', page, re.S).group(0)
    assert "Satisfait" in block and "Non satisfait" not in block
    assert "l'exception de la clause 4 s'applique" in block


def test_a_judged_criterion_says_the_advisor_will_judge_it(member_client, organization):
    page = text(run_selfcheck(member_client, organization))
    block = re.search(r'id="critere-community_rooted".*?</li>', page, re.S).group(0)
    assert "À vérifier" in block
    assert "à juger par la conseillère ou le conseiller" in block
    assert "Document examiné : Rapport d'activité ou rapport annuel" in block


def test_volet_2_asks_for_member_regions_and_uses_them(member_client, organization):
    member_client.post(reverse("organization:selfcheck", kwargs={"pk": organization.pk}))
    current = EligibilitySelfCheck.objects.get()
    missing = member_client.post(
        step_url(organization, "volet"),
        {"stream": "2", "fiscal_year": "2019", "seen_version": current.version},
    )
    assert "Pour le volet 2, cochez les régions" in text(missing)
    page = text(
        run_selfcheck(
            member_client,
            organization,
            volet={"stream": "2", "member_regions": ["01", "02", "03"]},
        )
    )
    block = re.search(r'id="critere-stream2_member_regions".*?</li>', page, re.S).group(0)
    assert "3 des 17 régions administratives" in block
    assert "à juger par la conseillère ou le conseiller" in block


def test_latest_answers_gives_the_application_the_last_completed_answers(
    member_client, organization
):
    assert selfcheck.latest_answers(organization) == {}
    run_selfcheck(member_client, organization)
    answers = selfcheck.latest_answers(organization)
    assert answers["board_total"] == 5 and answers["stream"] == 1
    assert answers["incorporation_date"] == "2005-05-01"
    assert "_steps" not in answers
    assert set(answers) <= set(selfcheck.ANSWER_KEYS)


def test_every_criterion_has_a_quote():
    assert set(QUOTES) == {criterion.code for criterion in CRITERIA}


@pytest.mark.parametrize("code", [*QUOTES, *(f"category:{c}" for c in CATEGORY_QUOTES)])
def test_every_quote_is_the_exact_words_of_the_descriptif(code):
    descriptif = " ".join(norms_text("2018-2020").split())
    quote = CATEGORY_QUOTES[code[9:]] if code.startswith("category:") else QUOTES[code]
    for passage in passages(quote):
        assert " ".join(passage.split()) in descriptif, passage


def test_the_self_check_day_is_today_while_the_norms_are_in_force():
    year = selfcheck.covered_fiscal_years()[-1]
    assert selfcheck.self_check_day(year, date(2019, 2, 1)) == date(2019, 2, 1)
    assert selfcheck.self_check_day(year, date(2030, 1, 1)) == date(2020, 6, 30)


def test_at_the_demo_program_date_the_norms_are_in_force(member_client, organization, settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    page = text(run_selfcheck(member_client, organization))
    assert "Ces normes ne sont plus en vigueur" not in page
    assert EligibilitySelfCheck.objects.get().facts["application_date"] == "2019-10-15"


def test_once_the_norms_have_ended_the_results_say_so(member_client, organization, settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2020, 7, 1)
    page = text(run_selfcheck(member_client, organization))
    assert "Ces normes ne sont plus en vigueur aujourd'hui" in page
    assert EligibilitySelfCheck.objects.get().facts["application_date"] == "2020-06-30"
