"""Every workspace POST goes through a form: a bad value is a French error that names the field,
shown with status 422 (or flashed on the page the form sits on), and nothing is saved."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from soutien.agreements import actions as agreement_actions
from soutien.agreements.models import Agreement, AgreementDocument
from soutien.agreements.models import State as AgreementState
from soutien.applications.models import InformationRequest
from soutien.budget.models import AllocationRun, RegionReference, RunState
from soutien.core.models import JournalEntry
from soutien.evaluations import actions
from soutien.evaluations.models import Decision, DocumentCheck, Outcome
from soutien.organizations.models import BoardMember, BoardPosition
from soutien.rules import FiscalYear
from tests.factories import at, make_organization, upload
from tests.workspace.helpers import envelope, evaluated_dossier, granted_decision, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return staff()


def page(response) -> str:
    return " ".join(html.unescape(response.content.decode()).replace("\u00a0", " ").split())


def flashed(client) -> str:
    return " ".join(str(m) for m in client.get(reverse("workspace:dashboard")).context["messages"])


# --- Agreements ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"duration_years": "abc"}, "La durée « abc » n'est pas permise"),
        ({"duration_years": "3"}, "La durée « 3 » n'est pas permise"),
        ({"signatory_name": "  "}, "Inscrivez le nom du ou de la signataire"),
        ({"signatory_name": "x" * 151}, "Le nom du ou de la signataire a au plus 150 caractères"),
    ],
)
def test_5_4_prepare_agreement_refuses_a_bad_value_and_prepares_nothing(
    people, client, changes, expected
):
    _application, _evaluation, decision = granted_decision(people)
    client.force_login(people["manager"])
    data = {"duration_years": "1", "signatory_name": "Jeanne", "signatory_title": ""} | changes
    response = client.post(reverse("workspace:prepare_agreement", args=[decision.pk]), data)
    assert response.status_code == 422
    assert expected in page(response)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"signed_on": "2019-13-45"}, "La date de signature n'est pas une date valide"),
        ({"signed_on": ""}, "Inscrivez la date de signature"),
        ({"signed_on": "2019-05-10", "signed_copy": None}, "Déposez la convention signée"),
    ],
)
def test_5_4_signing_refuses_a_bad_value_and_keeps_no_document(people, client, data, expected):
    _application, _evaluation, decision = granted_decision(people)
    agreement = agreement_actions.prepare_agreement(
        decision, duration_years=1, signatory_name="Jeanne", by=people["manager"], at=at(2019, 4, 1)
    )
    client.force_login(people["manager"])
    data = {"signed_copy": upload("signee.pdf")} | data
    data = {name: value for name, value in data.items() if value is not None}
    response = client.post(reverse("workspace:agreement", args=[agreement.pk]), data)
    assert response.status_code == 422
    assert expected in page(response)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    assert not AgreementDocument.objects.exists()


def test_5_4_a_refused_signature_keeps_no_document(people):
    """The copy and the signature are one transaction: signing twice stores nothing more."""
    _application, _evaluation, decision = granted_decision(people)
    agreement = agreement_actions.prepare_agreement(
        decision, duration_years=1, signatory_name="Jeanne", by=people["manager"], at=at(2019, 4, 1)
    )
    agreement_actions.sign_agreement(
        agreement,
        upload=upload(),
        signed_on=date(2019, 5, 1),
        by=people["manager"],
        at=at(2019, 5, 1),
    )
    with pytest.raises(ValidationError):
        agreement_actions.sign_agreement(
            agreement,
            upload=upload(),
            signed_on=date(2019, 5, 2),
            by=people["manager"],
            at=at(2019, 5, 2),
        )
    assert AgreementDocument.objects.count() == 1


def _granted(advisor, manager):
    _application, evaluation = evaluated_dossier(advisor, make_organization())
    return actions.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2019, 3, 20)
    )


def test_5_4_two_agreements_prepared_get_distinct_references_under_the_lock(people):
    first, second = (_granted(people["advisor"], people["manager"]) for _ in range(2))
    references = [
        agreement_actions.prepare_agreement(
            decision, duration_years=1, signatory_name="X", by=people["manager"], at=at(2019, 4, 1)
        ).reference
        for decision in (first, second)
    ]
    assert references == ["SAM-2019-0001", "SAM-2019-0002"]
    agreement = Agreement.objects.get(reference="SAM-2019-0001")
    assert (agreement.starts_on, agreement.ends_on) == (date(2019, 4, 1), date(2020, 3, 31))


def test_5_4_the_sequence_skips_a_reference_already_given_by_hand(people):
    taken = _granted(people["advisor"], people["manager"])
    agreement_actions.prepare_agreement(
        taken,
        reference="SAM-2019-0002",
        duration_years=1,
        signatory_name="X",
        by=people["manager"],
        at=at(2019, 4, 1),
    )
    numbered = [
        agreement_actions.prepare_agreement(
            _granted(people["advisor"], people["manager"]),
            duration_years=1,
            signatory_name="X",
            by=people["manager"],
            at=at(2019, 4, 1),
        ).reference
        for _ in range(2)
    ]
    assert numbered == ["SAM-2019-0003", "SAM-2019-0004"]  # 0001 was counted by the sequence


def test_5_4_a_decision_has_one_agreement_a_second_submission_is_refused_in_french(people):
    decision = _granted(people["advisor"], people["manager"])
    values = {
        "duration_years": 1,
        "signatory_name": "X",
        "by": people["manager"],
        "at": at(2019, 4, 1),
    }
    agreement_actions.prepare_agreement(decision, **values)
    with pytest.raises(ValidationError) as error:
        agreement_actions.prepare_agreement(decision, **values)
    assert "déjà préparée" in error.value.messages[0]
    assert Agreement.objects.count() == 1


def test_5_1_the_signatory_proposal_is_the_board_president_on_the_day():
    organization = make_organization()
    for name, start, end, position in (
        ("Ancienne Présidente", date(2010, 1, 1), date(2015, 12, 31), BoardPosition.PRESIDENT),
        ("Jeanne Présidente", date(2016, 1, 1), None, BoardPosition.PRESIDENT),
        ("Trésorier", date(2016, 1, 1), None, BoardPosition.TREASURER),
    ):
        BoardMember(
            organization=organization,
            full_name=name,
            position=position,
            term_start=start,
            term_end=end,
        ).save()
    members = organization.board_members
    assert members.president_on(date(2012, 6, 1)).full_name == "Ancienne Présidente"
    assert members.president_on(date(2019, 2, 1)).full_name == "Jeanne Présidente"
    assert members.president_on(date(2009, 1, 1)) is None
    assert members.president_on(None).full_name == "Jeanne Présidente"


def test_finance_offers_the_fiscal_years_of_the_norms_and_refuses_others(people, client):
    client.force_login(people["finance"])
    html = page(client.get(reverse("workspace:finance")))
    assert '<option value="2018">2018-2019</option>' in html
    assert '<option value="2019">2019-2020</option>' in html
    assert 'value="2020"' not in html  # no version of the norms funds 2020-2021
    for bad, expected in (
        ({"fiscal_year": "2017"}, "L'exercice financier « 2017 » n'est pas un exercice des normes"),
        ({"kind": "nope"}, "Le contenu « nope » n'existe pas"),
    ):
        response = client.get(reverse("workspace:finance"), bad)
        assert response.status_code == 422 and expected in page(response)
        export = client.get(reverse("workspace:export", args=["csv"]), bad)
        assert export.status_code == 302 and reverse("workspace:finance") in export["Location"]


# --- Budget --------------------------------------------------------------------------------


def _draft_run(people):
    evaluated_dossier(people["advisor"])
    env = envelope(people["manager"], "1000000")
    from soutien.budget import actions as budget_actions

    return budget_actions.run_allocation(env, by=people["manager"], at=at(2019, 3, 15))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"step": "cancel", "reason": " "}, "Inscrivez le motif pour écarter la répartition"),
        ({"step": "nope"}, "L'opération « nope » n'existe pas"),
        ({}, "Choisissez d'approuver ou d'écarter la répartition"),
    ],
)
def test_5_2_allocation_refuses_a_bad_step_or_a_missing_reason(people, client, data, expected):
    run = _draft_run(people)
    client.force_login(people["manager"])
    response = client.post(reverse("workspace:allocation", args=[run.pk]), data)
    assert response.status_code == 422
    assert expected in page(response)
    run.refresh_from_db()
    assert run.state == RunState.DRAFT


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"attached_organizations": "abc"},
            "Le nombre d'organismes rattachés doit être un nombre entier",
        ),
        (
            {"attached_organizations": "-1"},
            "Le nombre d'organismes rattachés ne peut pas être négatif",
        ),
        ({"immigrant_population": "9" * 12}, "La population immigrante est trop grande"),
        ({"immigrant_population": ""}, "Inscrivez la population immigrante"),
        ({"region": "99"}, "La région administrative choisie n'existe pas"),
        ({"source": "x" * 201}, "La source a au plus 200 caractères"),
    ],
)
def test_5_2_region_references_refuse_a_bad_value_and_save_nothing(
    people, client, changes, expected
):
    client.force_login(people["manager"])
    data = {
        "region": "06",
        "attached_organizations": "3",
        "immigrant_population": "1000",
        "source": "ISQ",
    } | changes
    response = client.post(reverse("workspace:references"), data)
    assert response.status_code == 422
    assert expected in page(response)
    assert not RegionReference.objects.exists()


def test_5_2_region_references_save_through_the_form(people, client):
    client.force_login(people["manager"])
    data = {"region": "06", "attached_organizations": "3", "immigrant_population": "1000"}
    response = client.post(reverse("workspace:references"), data | {"is_demo": "on"})
    assert response.status_code == 302
    reference = RegionReference.objects.get()
    assert (reference.attached_organizations, reference.is_demo) == (3, True)


def test_5_2_decide_refuses_an_unknown_outcome_and_says_so_on_the_dossier(people, client):
    application, evaluation = evaluated_dossier(people["advisor"])
    client.force_login(people["manager"])
    response = client.post(reverse("workspace:decide", args=[evaluation.pk]), {"outcome": "maybe"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:application", args=[application.pk])
    assert "Décision : La décision « maybe » n'existe pas" in flashed(client)
    assert not Decision.objects.exists()


# --- Assignment, completeness, requests ----------------------------------------------------


@pytest.mark.parametrize("advisor", ["999999", "abc"])
def test_assign_refuses_an_unknown_advisor_and_assigns_nobody(people, client, advisor):
    application, _evaluation = evaluated_dossier(people["advisor"], complete=False)
    client.force_login(people["manager"])
    response = client.post(reverse("workspace:assign", args=[application.pk]), {"advisor": advisor})
    assert response.status_code == 302
    assert "Conseillère ou conseiller : La conseillère ou le conseiller choisi n'existe pas" in (
        flashed(client)
    )
    application.refresh_from_db()
    assert application.assigned_advisor is None


def test_assign_never_redirects_outside_the_site(people, client):
    application, _evaluation = evaluated_dossier(people["advisor"], complete=False)
    client.force_login(people["manager"])
    data = {"advisor": people["advisor"].pk, "next": "https://ailleurs.example/"}
    response = client.post(reverse("workspace:assign", args=[application.pk]), data)
    assert response["Location"] == reverse("workspace:application", args=[application.pk])
    application.refresh_from_db()
    assert application.assigned_advisor is None


def test_5_1_completeness_refuses_a_note_too_long_and_records_no_check(people, client):
    application, _evaluation = evaluated_dossier(people["advisor"], complete=False)
    client.force_login(people["advisor"])
    data = {"charter-present": "on", "financial_report-note": "x" * 2001}
    response = client.post(reverse("workspace:completeness", args=[application.pk]), data)
    assert response.status_code == 422
    html = page(response)
    assert "La remarque sur le document « Rapport financier" in html
    assert 'name="charter-present" checked' in html  # what the advisor ticked is kept
    assert not DocumentCheck.objects.exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"deadline": "2019-02-30"}, "La date limite de réponse n'est pas une date valide"),
        ({"kind": "nope"}, "Le type de demande « nope » n'existe pas"),
        ({"message": ""}, "Précisez à l'organisme ce qu'il doit corriger ou fournir"),
        ({"deadline": "2000-01-01"}, "La date limite de réponse ne peut pas être déjà passée"),
    ],
)
def test_5_1_request_information_refuses_a_bad_value_and_sends_nothing(
    people, client, changes, expected
):
    application, _evaluation = evaluated_dossier(people["advisor"], complete=False)
    client.force_login(people["advisor"])
    data = {"kind": "correction", "message": "Signez le rapport.", "deadline": ""} | changes
    response = client.post(reverse("workspace:request_information", args=[application.pk]), data)
    assert response.status_code == 422
    assert expected in page(response)
    assert not InformationRequest.objects.exists()


# --- Evaluation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"step": "adjust", "kind": "surplus_revision", "amount": "abc", "justification": "x"},
            "Le montant de l'ajustement n'est pas un nombre",
        ),
        (
            {"step": "adjust", "kind": "surplus_revision", "amount": "-5", "justification": "x"},
            "Le montant de l'ajustement doit être positif ou nul",
        ),
        (
            {"step": "adjust", "kind": "free_amount", "amount": "5", "justification": "x"},
            "Les normes ne permettent pas l'ajustement « free_amount »",
        ),
        (
            {"step": "adjust", "kind": "surplus_revision", "amount": "5", "justification": ""},
            "Justifiez l'ajustement",
        ),
        (
            {"step": "judgments", "main_mission-met": "maybe"},
            "choisissez Respecté ou Non respecté",
        ),
        (
            {"step": "judgments", "main_mission-met": "yes", "main_mission-justification": " "},
            "Justifiez par écrit votre jugement",
        ),
        ({"step": "nope"}, "L'opération « nope » n'existe pas sur cette page"),
    ],
)
def test_6_1_evaluation_refuses_a_bad_value_and_changes_nothing(people, client, data, expected):
    _application, evaluation = evaluated_dossier(people["advisor"], complete=False)
    before = (evaluation.judgments, evaluation.adjustments, evaluation.amount)
    entries = JournalEntry.objects.count()
    client.force_login(people["advisor"])
    response = client.post(reverse("workspace:evaluation", args=[evaluation.application_id]), data)
    assert response.status_code == 422
    assert expected in page(response)
    evaluation.refresh_from_db()
    assert (evaluation.judgments, evaluation.adjustments, evaluation.amount) == before
    assert JournalEntry.objects.count() == entries


def test_6_1_3_an_amount_typed_with_spaces_and_a_comma_is_read(people, client):
    from tests.factories import make_statements

    organization = make_organization()
    statements = make_statements(organization, unrestricted_net_assets=Decimal("200000"))
    application, evaluation = evaluated_dossier(
        people["advisor"], organization, complete=False, last_statements=statements
    )
    client.force_login(people["advisor"])
    data = {
        "step": "adjust",
        "kind": "surplus_revision",
        "amount": "1\u00a0000,50",
        "justification": "Surplus important.",
    }
    response = client.post(reverse("workspace:evaluation", args=[application.pk]), data)
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.surplus_revision_amount == Decimal("1000.50")


# --- The dashboard's filters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"fiscal_year": "abc"}, "L'exercice financier « abc » n'est pas un exercice des normes"),
        ({"region": "999999"}, "La région « 999999 » n'existe pas"),
        ({"state": "nope"}, "L'état « nope » n'existe pas"),
        ({"stream": "7"}, "Le volet « 7 » n'existe pas"),
        ({"priority": "9"}, "La priorité « 9 » n'existe pas"),
        ({"advisor": "abc"}, "Aucune conseillère ni aucun conseiller « abc »"),
    ],
)
def test_dashboard_bad_filter_is_a_form_error_never_a_500(people, client, params, expected):
    evaluated_dossier(people["advisor"])
    client.force_login(people["manager"])
    response = client.get(reverse("workspace:dashboard"), params)
    assert response.status_code == 422
    html = page(response)
    assert expected in html and 'aria-invalid="true"' in html
    assert response.context["page"].paginator.count == 0


def test_dashboard_filters_select_the_dossiers(people, client):
    application, _evaluation = evaluated_dossier(people["advisor"])
    client.force_login(people["manager"])

    def count(**params):
        response = client.get(reverse("workspace:dashboard"), params)
        assert response.status_code == 200
        return response.context["page"].paginator.count

    region = application.organization.region_id
    assert count() == 1
    assert count(fiscal_year=str(application.fiscal_year), region=region, stream="1") == 1
    assert count(fiscal_year="2018") == 0
    assert count(state=application.state) == 1 and count(state="draft") == 0
    assert count(advisor="none") == 1 and count(advisor=str(people["advisor"].pk)) == 0
    assert count(late="1") == 1  # evaluated, awaiting its decision
    assert FiscalYear(application.fiscal_year).label in page(
        client.get(reverse("workspace:dashboard"))
    )


def test_allocation_run_count_is_untouched_by_a_refused_cancel(people, client):
    run = _draft_run(people)
    client.force_login(people["manager"])
    client.post(reverse("workspace:allocation", args=[run.pk]), {"step": "cancel"})
    assert AllocationRun.objects.get().state == RunState.DRAFT
