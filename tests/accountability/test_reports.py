"""The yearly report of clause 8: obligations, the organization's answers, submission with
the required form, the advisor's review, and what acceptance opens (clause 7)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from soutien.accountability import actions
from soutien.accountability.models import (
    AnnualReport,
    Claim,
    IndicatorResult,
    Obligation,
    ReportDocument,
    ReportState,
)
from soutien.accountability.reports import missing, renewal_findings, required_form_of
from soutien.accounts.models import Role
from soutien.agreements import actions as agreements
from soutien.core.models import JournalEntry, OutgoingEmail
from soutien.rules.accountability import indicators
from tests.agreements.test_agreements import signed
from tests.factories import at, make_organization, make_representative, make_user, upload

pytestmark = pytest.mark.django_db

COUNTS = (3, 2, 1, 6)


def opened():
    advisor, agreement = signed()
    report = actions.expect_annual_report(agreement.years.get(), by=advisor, at=at(2020, 4, 1))
    member = make_representative(agreement.organization)
    return advisor, member, report


def fill(report, member, *, form="review", quebec="0", when=None):
    """Every topic answered, as a coordinator would."""
    when = when or at(2020, 5, 1)
    actions.save_activities(
        report,
        activities="Accueil, installation et francisation en français.",
        results={code: COUNTS for code in indicators().codes()},
        by=member,
        at=when,
    )
    actions.add_funding_source(
        report,
        funder="Ville de Sherbrooke",
        program="Fonds de quartier",
        level="municipal",
        amount=Decimal("12000"),
        costs_covered="Loyer du local d'accueil.",
        by=member,
        at=when,
    )
    if Decimal(quebec):
        actions.add_funding_source(
            report,
            funder="Ministère de la Famille",
            program="Soutien aux organismes",
            level="quebec_government",
            amount=Decimal(quebec),
            costs_covered="Halte-garderie.",
            by=member,
            at=when,
        )
    actions.save_financial_report(
        report,
        financial_form=form,
        cpa_name="Julie Comptable",
        cpa_permit="A123456",
        unspent_program_funds=Decimal("0"),
        statements_complete=True,
        upload=upload("etats-financiers.pdf"),
        by=member,
        at=when,
    )
    actions.answer_related_parties(report, has_related_parties=False, by=member, at=when)
    actions.save_agm(
        report,
        held_on=report.period_end + timedelta(days=40),
        upload=upload("pv-aga.pdf"),
        by=member,
        at=when,
    )


def test_8_an_agreement_year_opens_five_obligations_with_their_clause_and_due_date():
    _advisor, _member, report = opened()
    # The organization's fiscal year ends March 31 (the factory's): covered 2019-04-01 to
    # 2020-03-31, due 90 days later (assumption `report_due_days`).
    assert (report.period_start, report.period_end) == (date(2019, 4, 1), date(2020, 3, 31))
    assert report.due_on == date(2020, 6, 29)
    kinds = dict(report.obligations.values_list("kind", "clause"))
    assert kinds == {
        "activities": "8",
        "funding_sources": "8",
        "financial_report": "8",
        "related_parties": "8",
        "agm_minutes": "3",
    }
    assert set(report.obligations.values_list("due_on", flat=True)) == {date(2020, 6, 29)}
    with pytest.raises(IntegrityError), transaction.atomic():
        Obligation.objects.create(report=report, kind="activities", clause="8", due_on=date.today())


def test_the_daily_task_opens_each_begun_year_once():
    _advisor, agreement = signed()
    assert actions.expect_due_reports(on=date(2019, 3, 1), at=at(2019, 3, 1)) == 0
    assert actions.expect_due_reports(on=date(2019, 6, 1), at=at(2019, 6, 1)) == 1
    assert actions.expect_due_reports(on=date(2019, 6, 2), at=at(2019, 6, 2)) == 0
    report = AnnualReport.objects.get(agreement_year__agreement=agreement)
    assert report.obligations.count() == 5
    entry = JournalEntry.objects.get(action="annual_report.expected", subject_id=report.pk)
    assert entry.actor is None and entry.data["due_rule"] == "report_due_days"


def test_counts_that_do_not_add_up_are_refused_naming_the_indicator_and_nothing_is_kept():
    _advisor, member, report = opened()
    results = {code: COUNTS for code in indicators().codes()}
    results["francization"] = (3, 2, 1, 7)
    with pytest.raises(ValidationError) as error:
        actions.save_activities(
            report, activities="Activités", results=results, by=member, at=at(2020, 5, 1)
        )
    assert error.value.message_dict["indicator_francization"] == [
        "Les nombres selon les sexes (3 + 2 + 1 = 6) ne donnent pas le total inscrit (7)."
    ]
    assert not IndicatorResult.objects.exists()
    report.content.refresh_from_db()
    assert report.content.activities == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorResult.objects.create(
            report=report, indicator="welcomed", women=1, men=1, other=0, total=3
        )


def test_a_negative_amount_and_an_unknown_level_are_refused_in_french():
    _advisor, member, report = opened()
    with pytest.raises(ValidationError) as error:
        actions.add_funding_source(
            report,
            funder="Ville",
            program="",
            level="municipal",
            amount=Decimal("-1"),
            costs_covered="Loyer",
            by=member,
            at=at(2020, 5, 1),
        )
    assert "Le montant ne peut pas être négatif." in str(error.value)
    assert not report.funding_sources.exists()


def test_a_related_party_needs_a_ten_digit_neq_and_every_proof():
    _advisor, member, report = opened()
    values = {
        "legal_name": "Immeubles solidaires inc.",
        "neq": "11452",
        "relationship": "Mêmes administrateurs",
        "transactions_amount": Decimal("8000"),
        "sole_beneficiary": "Note 3 des états financiers",
        "proofs": {"contract_proof": "Bail du 1er avril 2019"},
        "by": member,
        "at": at(2020, 5, 1),
    }
    with pytest.raises(ValidationError) as error:
        actions.declare_related_party(report, **values)
    errors = error.value.message_dict
    assert "neq" in errors
    assert errors["notes_proof"] == [
        "Fournissez la preuve que les transactions sont divulguées par voie de notes : une "
        "attestation ou un document (clause 8)."
    ]
    assert "cost_proof" in errors and "contract_proof" not in errors
    assert not report.related_parties.exists()
    # The proofs as an attestation and a document: accepted.
    values["neq"] = "1145267890"
    party = actions.declare_related_party(
        report,
        **{**values, "proofs": {"contract_proof": "Bail", "notes_proof": "Note 7"}},
        uploads={"cost_proof": upload("soumissions.pdf")},
    )
    assert party.documents.get().kind == "cost_proof"
    report.content.refresh_from_db()
    assert report.content.has_related_parties is True
    assert missing(report)["related_parties"] == []


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_saved():
    _advisor, member, report = opened()
    with pytest.raises(ValidationError):
        actions.save_agm(
            report,
            held_on=date(2020, 6, 10),
            upload=upload("pv.exe", b"MZ\x90\x00binary"),
            by=member,
            at=at(2020, 5, 1),
        )
    report.content.refresh_from_db()
    assert report.content.agm_held_on is None
    assert not ReportDocument.objects.exists()


@pytest.mark.parametrize(
    ("quebec", "required"),
    [
        # this program paid 0 $ in the period here: the declared Québec sources decide
        ("25000", "compilation"),
        ("25000.01", "review"),
        ("124999.99", "review"),
        ("125000", "audit"),
    ],
)
def test_8_the_form_required_from_declared_quebec_sources(quebec, required):
    _advisor, member, report = opened()
    fill(report, member, form="audit", quebec=quebec)
    assert required_form_of(report).form == required


@pytest.mark.parametrize(
    ("paid_months", "quebec", "required"),
    [
        ((), "25000", "compilation"),
        ((), "25000.01", "review"),
        (("11",), "11174", "compilation"),  # 13 826 $ paid in November + 11 174 $ = 25 000 $
        (("11",), "11174.01", "review"),
        (("11", "3"), "97348", "audit"),  # 27 652 $ paid + 97 348 $ = 125 000 $
        (("11", "3"), "97347.99", "review"),
    ],
)
def test_8_the_form_required_adds_the_programs_payments_from_the_ledger(
    paid_months, quebec, required
):
    _advisor, member, report = opened()
    finance = make_user(Role.FINANCE)
    for installment in report.agreement_year.installments.order_by("due_year", "due_month"):
        if str(installment.due_month) in paid_months:
            agreements.pay_installment(
                installment,
                paid_on=date(installment.due_year, installment.due_month, 15),
                by=finance,
                at=at(installment.due_year, installment.due_month, 15),
            )
    fill(report, member, form="audit", quebec=quebec)
    assert required_form_of(report).form == required


def test_8_a_lesser_form_than_required_is_refused_with_its_reason_before_submission():
    _advisor, member, report = opened()
    fill(report, member, form="audit", quebec="30000")
    with pytest.raises(ValidationError) as error:
        actions.save_financial_report(
            report,
            financial_form="compilation",
            cpa_name="Julie Comptable",
            cpa_permit="A123456",
            unspent_program_funds=Decimal("0"),
            statements_complete=True,
            by=member,
            at=at(2020, 5, 2),
        )
    message = error.value.message_dict["financial_form"][0]
    assert message.startswith(
        "Le rapport financier est une compilation signée par un CPA, mais la clause 8 exige "
        "au moins : rapport de mission d'examen signé par un CPA."
    )
    assert "30\u202f000\u00a0$" in message and "(clause 8)" in message
    report.content.refresh_from_db()
    assert report.content.financial_form == "audit"


def test_submission_refuses_what_is_missing_naming_each_obligation():
    _advisor, member, report = opened()
    with pytest.raises(ValidationError) as error:
        actions.submit_report(report, by=member, at=at(2020, 6, 1))
    errors = error.value.message_dict
    assert set(errors) == {
        "activities",
        "funding_sources",
        "financial_report",
        "related_parties",
        "agm_minutes",
    }
    assert "Il manque le fichier du procès-verbal." in errors["agm_minutes"]
    report.refresh_from_db()
    assert report.state == ReportState.EXPECTED


def test_from_submission_to_acceptance_through_a_correction():
    advisor, member, report = opened()
    fill(report, member)
    actions.submit_report(report, by=member, at=at(2020, 6, 1))
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED and report.received_on == date(2020, 6, 1)
    # Expected as a review from the year's 27 652 $; nothing paid yet and no Québec source
    # declared: a compilation is what clause 8 requires of what was received.
    assert report.required_report_type == "compilation" == required_form_of(report).form
    assert not report.obligations.filter(submitted_at__isnull=True).exists()
    with pytest.raises(ValidationError):
        actions.save_agm(report, held_on=date(2020, 6, 11), by=member, at=at(2020, 6, 2))
    # The checklist: one obligation not met.
    for obligation in report.obligations.exclude(kind="activities"):
        actions.check_obligation(obligation, met=True, by=advisor, at=at(2020, 6, 5))
    activities = report.obligations.get(kind="activities")
    with pytest.raises(ValidationError) as error:
        actions.check_obligation(activities, met=False, by=advisor, at=at(2020, 6, 5))
    assert error.value.message_dict["note"] == ["Dites ce qui manque ou ce qui est à corriger."]
    actions.check_obligation(
        activities, met=False, note="Précisez les activités.", by=advisor, at=at(2020, 6, 5)
    )
    with pytest.raises(ValidationError) as error:
        actions.accept_annual_report(report, by=advisor, at=at(2020, 6, 5))
    assert "Rapport d'activité et résultats selon les sexes" in str(error.value)
    correction = actions.request_report_correction(
        report,
        by=advisor,
        at=at(2020, 6, 5),
        reason="Précisez les activités de francisation.",
        obligations=["activities"],
    )
    report.refresh_from_db()
    assert report.state == ReportState.CORRECTION_REQUESTED
    (email,) = [e for e in OutgoingEmail.objects.all() if member.email in e.recipients]
    assert "Précisez les activités de francisation." in email.body
    with pytest.raises(ValidationError):
        actions.submit_report(report, by=member, at=at(2020, 6, 6))  # the correction first
    actions.save_activities(
        report,
        activities="Accueil, installation, francisation : 12 groupes.",
        results={code: COUNTS for code in indicators().codes()},
        by=member,
        at=at(2020, 6, 8),
    )
    actions.answer_report_correction(
        correction, answer="Activités précisées.", by=member, at=at(2020, 6, 8)
    )
    report.refresh_from_db()
    assert report.state == ReportState.RECEIVED
    # A new submission is checked again from the start.
    assert not report.obligations.filter(met__isnull=False).exists()
    for obligation in report.obligations.all():
        actions.check_obligation(obligation, met=True, by=advisor, at=at(2020, 6, 9))
    actions.accept_annual_report(report, by=advisor, at=at(2020, 6, 9))
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert not Claim.objects.exists()  # nothing left unused
    findings = renewal_findings(report.agreement_year.agreement, date(2020, 7, 1))
    assert findings["met"] and findings["reports"][0]["met"] is True


def test_7_funds_left_unused_at_the_agreements_end_open_a_claim_on_acceptance():
    advisor, member, report = opened()
    fill(report, member)
    actions.save_financial_report(
        report,
        financial_form="review",
        cpa_name="Julie Comptable",
        cpa_permit="A123456",
        unspent_program_funds=Decimal("1250.50"),
        statements_complete=True,
        by=member,
        at=at(2020, 5, 3),
    )
    actions.submit_report(report, by=member, at=at(2020, 6, 1))
    for obligation in report.obligations.all():
        actions.check_obligation(obligation, met=True, by=advisor, at=at(2020, 6, 9))
    actions.accept_annual_report(report, by=advisor, at=at(2020, 6, 9))
    claim = Claim.objects.get()
    assert (claim.kind, claim.amount, claim.due_on) == (
        "unused_funds",
        Decimal("1250.50"),
        date(2020, 7, 9),
    )
    assert claim.agreement == report.agreement_year.agreement


def test_another_organizations_member_and_staff_without_the_capability_are_refused():
    _advisor, _member, report = opened()
    stranger = make_representative(make_organization())
    with pytest.raises(PermissionDenied):
        actions.save_agm(report, held_on=date(2020, 6, 10), by=stranger, at=at(2020, 5, 1))
    with pytest.raises(PermissionDenied):
        actions.save_agm(
            report, held_on=date(2020, 6, 10), by=make_user(Role.FINANCE), at=at(2020, 5, 1)
        )


def test_renewal_findings_say_a_missing_report_is_not_met():
    _advisor, _member, report = opened()
    agreement = report.agreement_year.agreement
    assert renewal_findings(agreement, date(2020, 6, 1))["met"]  # not due yet
    late = renewal_findings(agreement, date(2020, 7, 1))
    assert not late["met"] and late["missing"] == ["2019-2020"]


def test_two_people_at_once_the_second_is_told_what_the_first_did():
    advisor, member, report = opened()
    fill(report, member)
    colleague = make_representative(report.organization)
    seen_by_member = AnnualReport.objects.get(pk=report.pk)
    seen_by_colleague = AnnualReport.objects.get(pk=report.pk)
    actions.submit_report(seen_by_member, by=member, at=at(2020, 6, 1))
    with pytest.raises(ValidationError) as error:
        actions.submit_report(seen_by_colleague, by=colleague, at=at(2020, 6, 1))
    assert "est transmise : elle ne change plus" in str(error.value)
    for obligation in report.obligations.all():
        actions.check_obligation(obligation, met=True, by=advisor, at=at(2020, 6, 2))
    other_advisor = make_user(Role.ADVISOR)
    first = AnnualReport.objects.get(pk=report.pk)
    second = AnnualReport.objects.get(pk=report.pk)
    actions.accept_annual_report(first, by=advisor, at=at(2020, 6, 3))
    with pytest.raises(ValidationError) as error:
        actions.accept_annual_report(second, by=other_advisor, at=at(2020, 6, 3))
    assert "n'est pas à examiner : accepté" in str(error.value)
    assert JournalEntry.objects.filter(action="annual_report.accepted").count() == 1
