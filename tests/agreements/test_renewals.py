"""A renewal is the next year of the same agreement (5.6; issue 9, item 3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.agreements import actions
from soutien.agreements.models import Agreement, AgreementYear, YearState
from soutien.applications.models import Kind
from soutien.budget import actions as budget_actions
from soutien.budget import ledger
from soutien.budget.models import LedgerEntry, LedgerKind
from soutien.core.workflow import transition
from soutien.evaluations import actions as evaluation_actions
from soutien.evaluations.models import Outcome
from soutien.rules import FiscalYear, evaluate
from soutien.rules.contract import evaluation_to_json, parse_dossier
from tests.evaluations.test_evaluations import evaluated
from tests.factories import at, make_application, make_organization, make_user, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {role: make_user(role) for role in (Role.ADVISOR, Role.MANAGER, Role.FINANCE)}


def decided(organization, fiscal_year, people, **fields):
    advisor, _application, evaluation = evaluated(organization, fiscal_year=fiscal_year, **fields)
    evaluation_actions.complete_evaluation(evaluation, by=advisor, at=at(fiscal_year, 3, 4))
    return evaluation_actions.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=people[Role.MANAGER], at=at(fiscal_year, 3, 20)
    )


@pytest.fixture
def two_years(people):
    """A two-year agreement signed for 2018-2019 and 2019-2020, with the credits of both."""
    manager = people[Role.MANAGER]
    for year in (2018, 2019):
        budget_actions.open_envelope(
            fiscal_year=FiscalYear(year), stream=1, amount=Decimal("1000000"), by=manager,
            at=at(year, 3, 1),
        )  # fmt: skip
    organization = make_organization(refugee_reception=True, refugees_received_per_year=200)
    decision = decided(organization, 2018, people)
    agreement = actions.prepare_agreement(
        decision, duration_years=2, signatory_name="Présidente fictive", by=manager,
        at=at(2018, 4, 1),
    )  # fmt: skip
    actions.sign_agreement(
        agreement, upload=upload("convention.pdf"), signed_on=date(2018, 5, 10), by=manager,
        at=at(2018, 5, 10),
    )  # fmt: skip
    return organization, decision, agreement


def renewal_decision(organization, people, *, reviewed=True, **fields):
    """A renewal granted; `reviewed`: its review found the requirements met (5.6)."""
    decision = decided(organization, 2019, people, kind=Kind.RENEWAL, **fields)
    if reviewed:
        actions.review_renewal(
            decision.application,
            requirements_met=True,
            evidence="Aucune mesure ni créance ; rapport annuel accepté.",
            by=people[Role.ADVISOR],
            at=at(2019, 5, 1),
        )
    return decision


def test_5_6_a_planned_later_year_is_forecast_with_that_years_norms_not_copied(two_years):
    _organization, decision, agreement = two_years
    first, second = agreement.years.order_by("year_number")
    assert first.amount == decision.amount
    facts = dict(decision.evaluation.facts, fiscal_year="2019-2020")
    expected = Decimal(evaluation_to_json(evaluate(parse_dossier(facts)))["amount"])
    assert second.amount == expected
    assert second.amount != first.amount  # 6.1.1's 2019-2020 amounts differ from 2018-2019's
    assert second.amount_basis["source"] == "forecast"
    assert second.amount_basis["fiscal_year"] == "2019-2020"
    assert second.state == YearState.PLANNED
    # A planned year commits nothing.
    assert ledger.balance(fiscal_year=2019, stream=1).committed == 0


def test_5_6_a_renewal_confirms_the_same_agreements_year_at_that_years_decided_amount(
    two_years, people
):
    organization, _decision, agreement = two_years
    renewal = renewal_decision(organization, people)
    year = actions.renew_year(renewal, by=people[Role.MANAGER], at=at(2019, 5, 20))
    assert year.agreement_id == agreement.pk and year.year_number == 2
    assert year.state == YearState.CONFIRMED
    assert year.amount == renewal.amount and year.decision == renewal
    assert year.renewal_application == renewal.application
    assert Agreement.objects.filter(organization=organization).count() == 1
    commitments = LedgerEntry.objects.filter(
        kind=LedgerKind.COMMITMENT, organization=organization, fiscal_year=2019
    )
    assert [(c.amount, c.clause) for c in commitments] == [(renewal.amount, "5.6")]
    assert year.installments.count() == 2
    with pytest.raises(ValidationError, match="déjà confirmée"):
        actions.renew_year(renewal, by=people[Role.MANAGER], at=at(2019, 5, 21))
    assert LedgerEntry.objects.filter(kind=LedgerKind.COMMITMENT, fiscal_year=2019).count() == 1


def test_5_6_preparing_a_second_agreement_for_a_covered_year_is_refused(two_years, people):
    organization, _decision, agreement = two_years
    renewal = renewal_decision(organization, people)
    with pytest.raises(ValidationError) as error:
        actions.prepare_agreement(
            renewal, duration_years=1, signatory_name="Présidente fictive",
            by=people[Role.MANAGER], at=at(2019, 5, 1),
        )  # fmt: skip
    message = error.value.message_dict["duration_years"][0]
    assert agreement.reference in message and "reconduction" in message
    assert Agreement.objects.filter(organization=organization).count() == 1


def test_5_6_the_database_refuses_a_second_year_for_one_organization_year_and_stream(two_years):
    organization, _decision, agreement = two_years
    other = Agreement.objects.create(
        organization=organization, application=_another_application(organization),
        reference="SAM-2019-0999", stream=1, start_fiscal_year=2019, duration_years=1,
        starts_on=date(2019, 4, 1), ends_on=date(2020, 3, 31), signatory_name="X",
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementYear.objects.create(
            agreement=other, year_number=1, fiscal_year=2019, amount=Decimal("1")
        )
    # A withdrawn year no longer covers its fiscal year.
    planned = agreement.years.get(year_number=2)
    transition(planned, "withdraw", by=None, at=at(2019, 4, 1), reason="Retrait (test).")
    AgreementYear.objects.create(agreement=other, year_number=1, fiscal_year=2019, amount=1)


def _another_application(organization):
    return make_application(organization, fiscal_year=2019)


def test_5_6_refusals_name_their_reason(two_years, people):
    organization, decision, agreement = two_years
    manager = people[Role.MANAGER]
    with pytest.raises(ValidationError, match="pas un formulaire de reconduction"):
        actions.renew_year(decision, by=manager, at=at(2019, 5, 20))
    stranger = renewal_decision(make_organization(), people, reviewed=False)
    with pytest.raises(ValidationError, match="Aucune convention ne couvre"):
        actions.renew_year(stranger, by=manager, at=at(2019, 5, 20))
    with pytest.raises(PermissionDenied):
        actions.renew_year(stranger, by=people[Role.FINANCE], at=at(2019, 5, 20))
    transition(agreement, "terminate", by=manager, at=at(2019, 4, 1), reason="Résiliée (test).")
    renewal = renewal_decision(organization, people, reviewed=False)
    with pytest.raises(ValidationError, match="n'est pas en vigueur"):
        actions.renew_year(renewal, by=manager, at=at(2019, 5, 20))


def test_5_6_the_dossier_page_names_the_agreement_and_confirms_its_year(client, two_years, people):
    organization, _decision, agreement = two_years
    renewal = renewal_decision(organization, people)
    client.force_login(people[Role.MANAGER])
    page = client.get(reverse("workspace:application", args=[renewal.application_id]))
    text = page.content.decode()
    assert f"reconduction de la convention {agreement.reference}" in text
    assert "Préparer la convention" not in text
    assert reverse("workspace:renew_year", args=[renewal.pk]) in text
    response = client.post(reverse("workspace:renew_year", args=[renewal.pk]), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:agreement", args=[agreement.pk])
    year = agreement.years.get(year_number=2)
    assert year.state == YearState.CONFIRMED and year.amount == renewal.amount
    # Finance cannot confirm a year.
    client.force_login(people[Role.FINANCE])
    again = client.post(reverse("workspace:renew_year", args=[renewal.pk]), {})
    assert again.status_code == 403


def test_5_6_a_refused_renewal_on_the_page_says_why(client, two_years, people):
    organization, _decision, _agreement = two_years
    renewal = renewal_decision(organization, people)
    actions.renew_year(renewal, by=people[Role.MANAGER], at=at(2019, 5, 20))
    client.force_login(people[Role.MANAGER])
    response = client.post(reverse("workspace:renew_year", args=[renewal.pk]), {}, follow=True)
    assert "est déjà confirmée" in response.content.decode()
    assert Agreement.objects.filter(organization=organization).count() == 1


def test_5_6_an_initial_application_for_a_covered_year_says_so_and_offers_no_agreement(
    client, two_years, people
):
    organization, _decision, agreement = two_years
    initial = decided(organization, 2019, people)
    client.force_login(people[Role.MANAGER])
    text = client.get(reverse("workspace:application", args=[initial.application_id])).content
    page = text.decode()
    assert f"déjà couvert par la convention {agreement.reference}" in page
    assert "Préparer la convention" not in page


def test_5_6_a_year_is_confirmed_only_after_a_review_that_finds_the_requirements_met(
    two_years, people
):
    organization, _decision, agreement = two_years
    manager, advisor = people[Role.MANAGER], people[Role.ADVISOR]
    renewal = renewal_decision(organization, people, reviewed=False)
    with pytest.raises(ValidationError, match="revue de la reconduction"):
        actions.renew_year(renewal, by=manager, at=at(2019, 5, 20))
    with pytest.raises(ValidationError, match="Décrivez ce que montrent"):
        actions.review_renewal(
            renewal.application, requirements_met=True, evidence=" ", by=advisor,
            at=at(2019, 5, 2),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.review_renewal(
            renewal.application, requirements_met=True, evidence="x", by=manager,
            at=at(2019, 5, 2),
        )  # fmt: skip
    review = actions.review_renewal(
        renewal.application,
        requirements_met=False,
        evidence="Deux rapports d'activité manquants.",
        by=advisor,
        at=at(2019, 5, 2),
    )
    assert not review.requirements_met
    with pytest.raises(ValidationError, match="revue de la reconduction"):
        actions.renew_year(renewal, by=manager, at=at(2019, 5, 20))
    with pytest.raises(ValidationError, match="confirmez l'année"):
        actions.review_renewal(
            renewal.application, requirements_met=True, evidence="Rapports reçus.", by=advisor,
            at=at(2019, 5, 3),
        )  # fmt: skip
        actions.end_at_renewal(renewal.application, reason="x", by=manager, at=at(2019, 5, 4))
    # Not met: the manager ends the agreement with its first year; year 2 is withdrawn.
    actions.review_renewal(
        renewal.application, requirements_met=False, evidence="Rapports manquants.", by=advisor,
        at=at(2019, 5, 5),
    )  # fmt: skip
    ended = actions.end_at_renewal(
        renewal.application, reason="Rapports manquants (5.6).", by=manager, at=at(2019, 5, 6)
    )
    assert ended.ends_on == date(2019, 3, 31) and ended.duration_years == 1
    assert ended.state == "ended"  # its last year is over on 6 May 2019
    second = agreement.years.get(year_number=2)
    assert second.state == YearState.WITHDRAWN
    assert ledger.balance(fiscal_year=2019, stream=1).committed == 0
    with pytest.raises(ValidationError):
        actions.renew_year(renewal, by=manager, at=at(2019, 5, 20))


def test_5_6_the_advisor_reviews_the_renewal_on_the_dossier_page_and_the_manager_ends_it(
    client, two_years, people
):
    import html

    organization, _decision, agreement = two_years
    renewal = renewal_decision(organization, people, reviewed=False)
    url = reverse("workspace:application", args=[renewal.application_id])
    review_url = reverse("workspace:review_renewal", args=[renewal.application_id])
    client.force_login(people[Role.ADVISOR])
    page = html.unescape(client.get(url).content.decode())
    assert "Revue de la reconduction" in page and "satisfaire toujours" in page
    assert "Mesures de non-respect (5.5) : aucune" in page
    refused = client.post(review_url, {"requirements_met": "non"}, follow=True)
    assert "Décrivez ce que montrent" in html.unescape(refused.content.decode())
    client.post(review_url, {"requirements_met": "non", "evidence": "Rapport de l'an 1 manquant."})
    page = html.unescape(client.get(url).content.decode())
    assert "Exigences non respectées — Rapport de l'an 1 manquant." in page
    assert "Mettre fin à la convention" not in page  # the manager's
    client.force_login(people[Role.MANAGER])
    page = html.unescape(client.get(url).content.decode())
    assert "Mettre fin à la convention" in page
    end_url = reverse("workspace:end_at_renewal", args=[renewal.application_id])
    response = client.post(end_url, {"end-reason": "Exigences non respectées (5.6)."})
    assert response["Location"] == reverse("workspace:agreement", args=[agreement.pk])
    agreement.refresh_from_db()
    assert agreement.duration_years == 1
    assert agreement.years.get(year_number=2).state == YearState.WITHDRAWN
    from soutien.core.models import JournalEntry
    from tests.workspace.helpers import pdf_text

    entry = JournalEntry.objects.get(action="agreement.shortened")
    letter_url = reverse("agreement-letter", args=[agreement.pk, entry.pk])
    page = client.get(reverse("workspace:agreement", args=[agreement.pk])).content.decode()
    assert letter_url in page
    letter = pdf_text(client.get(letter_url).content)
    assert (
        "prend fin le 31 mars 2019" in letter and "L'année 2 de la convention est retirée" in letter
    )


def test_6_1_3_a_surplus_that_persists_in_year_2_is_withdrawn_before_the_year_is_confirmed(
    two_years, people
):
    from soutien.accountability.reconciliation import check
    from soutien.agreements.models import Installment
    from soutien.organizations.models import FinancialStatements

    organization, _decision, _agreement = two_years
    advisor, manager = people[Role.ADVISOR], people[Role.MANAGER]
    # The last statements before the renewal still show a surplus (6.1.3).
    FinancialStatements.objects.filter(organization=organization).update(
        unrestricted_net_assets=Decimal("200000")
    )
    _advisor, application, evaluation = evaluated(organization, fiscal_year=2019, kind=Kind.RENEWAL)
    assert evaluation.facts["agreement_year"] == 2
    result = evaluation.result
    assert result["surplus_withdrawal_required"] is True and result["amount_final"] is False
    with pytest.raises(ValidationError, match="consignez le retrait"):
        evaluation_actions.complete_evaluation(evaluation, by=_advisor, at=at(2019, 3, 4))
    full = Decimal(result["amount"])
    with pytest.raises(ValidationError, match="dépasse l'aide de l'année"):
        evaluation_actions.adjust_evaluation(
            evaluation, kind="surplus_withdrawal", amount=full + 1, justification="Trop.",
            by=_advisor, at=at(2019, 3, 4),
        )  # fmt: skip
    evaluation.refresh_from_db()
    assert evaluation.surplus_withdrawal_amount is None  # refused as a whole
    evaluation_actions.adjust_evaluation(
        evaluation, kind="surplus_withdrawal", amount=Decimal("5000"),
        justification="Surplus toujours élevé : retrait partiel.", by=_advisor,
        at=at(2019, 3, 4),
    )  # fmt: skip
    assert evaluation.amount == full - 5000 and evaluation.result["amount_final"] is True
    evaluation_actions.complete_evaluation(evaluation, by=_advisor, at=at(2019, 3, 5))
    decision = evaluation_actions.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2019, 3, 20)
    )
    actions.review_renewal(
        application, requirements_met=True, evidence="Aucune mesure.", by=advisor,
        at=at(2019, 5, 1),
    )  # fmt: skip
    year = actions.renew_year(decision, by=manager, at=at(2019, 5, 20))
    assert year.amount == full - 5000
    scheduled = Installment.objects.filter(agreement_year=year)
    assert sum(i.amount for i in scheduled) == full - 5000
    assert ledger.balance(fiscal_year=2019, stream=1).committed == full - 5000
    assert check() == []


def test_6_1_3_a_withdrawal_is_refused_where_the_rules_do_not_require_it(two_years, people):
    organization, _decision, _agreement = two_years
    advisor, _application, evaluation = evaluated(organization, fiscal_year=2019)
    with pytest.raises(ValidationError, match="année 2 ou 3"):
        evaluation_actions.adjust_evaluation(
            evaluation, kind="surplus_withdrawal", amount=Decimal("100"), justification="x",
            by=advisor, at=at(2019, 3, 4),
        )  # fmt: skip


def test_5_6_and_8_a_missing_report_refuses_requirements_met_and_an_accepted_one_says_met(
    client, two_years, people
):
    """The year-1 report (due June 29, 2019) read by the year-2 renewal review."""
    import html

    from soutien.accountability import actions as accountability
    from tests.accountability.test_reports import fill
    from tests.factories import make_representative

    organization, _decision, agreement = two_years
    advisor = people[Role.ADVISOR]
    report = accountability.expect_annual_report(
        agreement.years.get(year_number=1), by=advisor, at=at(2019, 4, 1)
    )
    renewal = renewal_decision(organization, people, reviewed=False)
    url = reverse("workspace:application", args=[renewal.application_id])
    with pytest.raises(ValidationError) as error:
        actions.review_renewal(
            renewal.application,
            requirements_met=True,
            evidence="Tout va bien.",
            by=advisor,
            at=at(2019, 7, 15),
        )
    assert error.value.message_dict["requirements_met"] == [
        "La reddition de comptes de 2018-2019 n'est pas reçue ou sa correction est en retard "
        "(clause 8) : les exigences ne sont pas respectées de façon continue (5.6)."
    ]
    member = make_representative(organization)
    fill(report, member, when=at(2019, 7, 20))
    accountability.submit_report(report, by=member, at=at(2019, 7, 20))
    for obligation in report.obligations.all():
        accountability.check_obligation(obligation, met=True, by=advisor, at=at(2019, 7, 25))
    accountability.accept_annual_report(report, by=advisor, at=at(2019, 7, 25))
    client.force_login(advisor)
    page = html.unescape(client.get(url).content.decode())
    assert "année 1 (2018-2019) — accepté, exigence respectée" in page
    assert "Toutes les redditions de comptes échues sont acceptées : exigence respectée" in page
    review = actions.review_renewal(
        renewal.application,
        requirements_met=True,
        evidence="Rapport de l'an 1 accepté.",
        by=advisor,
        at=at(2019, 7, 26),
    )
    assert review.requirements_met
    from soutien.core.models import JournalEntry

    entry = JournalEntry.objects.get(action="renewal.reviewed")
    assert entry.data["reports"] == [{"fiscal_year": "2018-2019", "state": "Accepté", "met": True}]
