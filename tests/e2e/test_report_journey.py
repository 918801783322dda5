"""Issue 14, proof: on the demo at its program date, the organization receives the reminder of
its late yearly report (8), fills it (results by sex, other sources, the financial report in
the right form, one related party with its NEQ), is refused once for a lesser form than
required, transmits it; the advisor asks for a correction, the organization answers, the
advisor accepts; the next year's renewal review shows the requirement met (5.6)."""

import html
import re

import pytest

from soutien.accountability.models import AnnualReport
from soutien.accountability.reminders import send_report_reminders
from soutien.accountability.reports import required_form_of
from soutien.accounts.models import User
from soutien.core import clock
from soutien.core.models import OutgoingEmail
from soutien.rules.accountability import indicators

from .conftest import axe_violations
from .test_demo_walkthrough import follow, log_in
from .test_renewal_journey import renew_in_portal

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def main_text(page) -> str:
    return html.unescape(page.inner_text("main"))


def test_a_late_report_from_its_reminder_to_the_renewal_review(
    demo_database, page, tmp_path, live_server
):
    representative = User.objects.get(email="representant@demo.soutien.example")
    report = AnnualReport.objects.for_user(representative).get(state="expected")

    # The daily task runs at the program date: the report is late, the reminder goes out.
    assert send_report_reminders(on=clock.today()) >= 1
    email = next(
        e for e in OutgoingEmail.objects.order_by("-pk") if representative.email in e.recipients
    )
    assert "reddition de comptes" in email.subject.lower()
    link = re.search(r"https?://\S+/espace/redditions/\d+/", email.body)[0]
    assert link.endswith(f"/espace/redditions/{report.pk}/")

    log_in(page, "representant")
    page.goto(f"/espace/redditions/{report.pk}/")
    assert "En retard" in main_text(page)
    assert axe_violations(page) == []

    # Activities and results by sex.
    page.goto(f"/espace/redditions/{report.pk}/activities/")
    page.fill("#id_activities", "Accueil, installation et francisation, en français.")
    for indicator in indicators().items:
        for sex, value in (("women", "12"), ("men", "9"), ("other", "1"), ("total", "22")):
            page.fill(f"#id_{indicator.code}_{sex}", value)
    follow(page, "button:has-text('Enregistrer')")
    assert "enregistré" in main_text(page)
    assert axe_violations(page) == []

    # Other sources: a municipal one and a Québec one, which counts towards the form.
    page.goto(f"/espace/redditions/{report.pk}/funding_sources/")
    for funder, level, amount in (
        ("Ville de Gatineau", "municipal", "8 000"),
        ("Ministère de la Famille", "quebec_government", "120 000"),
    ):
        page.fill("#id_funder", funder)
        page.select_option("#id_level", level)
        page.fill("#id_amount", amount)
        page.fill("#id_costs_covered", "Des coûts que la convention ne couvre pas.")
        follow(page, "button:has-text('Ajouter la source')")
    assert "Ministère de la Famille" in main_text(page)

    # The financial report: refused once in a lesser form than clause 8 requires.
    required = required_form_of(report).form
    assert required == "audit"  # 120 000 $ declared + 9 590 $ this program paid in 2018-2019
    page.goto(f"/espace/redditions/{report.pk}/financial_report/")
    assert "Rapport d'audit signé par un CPA" in main_text(page)
    statements = tmp_path / "etats-financiers.pdf"
    statements.write_bytes(PDF)
    page.select_option("#id_financial_form", "review")
    page.fill("#id_cpa_name", "Julie Comptable")
    page.fill("#id_cpa_permit", "A123456")
    page.fill("#id_unspent_program_funds", "0")
    page.check("#id_statements_complete")
    page.set_input_files("#id_file", str(statements))
    follow(page, "button:has-text('Enregistrer')")
    assert "la clause 8 exige au moins : rapport d'audit" in main_text(page)
    page.select_option("#id_financial_form", "audit")
    page.set_input_files("#id_file", str(statements))
    follow(page, "button:has-text('Enregistrer')")
    assert "etats-financiers.pdf" in main_text(page)

    # One related party, with its NEQ and the three proofs.
    page.goto(f"/espace/redditions/{report.pk}/related_parties/")
    page.check("input[name=has_related_parties][value=oui]")
    follow(page, "button:has-text('Enregistrer la réponse')")
    page.fill("#id_legal_name", "Immeubles solidaires de l'Outaouais inc.")
    page.fill("#id_neq", "1145267890")
    page.fill("#id_relationship", "Contrôlée par les mêmes administrateurs.")
    page.fill("#id_transactions_amount", "9 600")
    page.fill("#id_sole_beneficiary", "Note 9 des états financiers.")
    page.fill("#id_contract_proof", "Bail du 1er avril 2018.")
    page.fill("#id_notes_proof", "Note 9 des états financiers.")
    page.fill("#id_cost_proof", "Trois soumissions comparables.")
    follow(page, "button:has-text('Déclarer la société')")
    assert "NEQ 1145267890" in main_text(page)
    assert axe_violations(page) == []

    # The AGM's minutes, then the report is transmitted.
    page.goto(f"/espace/redditions/{report.pk}/agm_minutes/")
    minutes = tmp_path / "proces-verbal.pdf"
    minutes.write_bytes(PDF)
    page.fill("#id_agm_held_on", "2019-06-12")
    page.set_input_files("#id_file", str(minutes))
    follow(page, "button:has-text('Enregistrer')")
    page.goto(f"/espace/redditions/{report.pk}/")
    follow(page, "button:has-text('Transmettre la reddition de comptes au Ministère')")
    assert "est transmise au Ministère" in main_text(page)
    report.refresh_from_db()
    assert report.state == "received" and report.required_report_type == "audit"
    review_and_send_back(page, report)

    # The organization answers the correction.
    log_in(page, "representant")
    page.goto(f"/espace/redditions/{report.pk}/")
    assert "Précisez les activités de francisation." in main_text(page)
    page.goto(f"/espace/redditions/{report.pk}/activities/")
    page.fill("#id_activities", "Accueil, installation ; francisation : 12 groupes de 15 h.")
    follow(page, "button:has-text('Enregistrer')")
    page.goto(f"/espace/redditions/{report.pk}/")
    page.fill("#id_answer", "Les activités de francisation sont précisées.")
    follow(page, "button:has-text('Transmettre la correction')")
    report.refresh_from_db()
    assert report.state == "received"
    accept(page, report)

    # The next year's renewal: the organization renews, the advisor's review reads the report.
    year = report.agreement_year.agreement.years.get(year_number=2)
    renewal = renew_in_portal(page, year)
    log_in(page, "conseillere")
    page.goto(f"/ministere/dossiers/{renewal.pk}/")
    assert axe_violations(page) == []  # the dossier page, its digest and history included
    findings = html.unescape(page.inner_text("#accountability-findings"))
    assert "année 1 (2018-2019) — accepté, exigence respectée" in findings
    assert "Toutes les redditions de comptes échues sont acceptées" in findings


def check(page, obligation, met: bool, note: str = "") -> None:
    """The advisor's checklist, one obligation at a time."""
    page.check(f"input[name='o{obligation.pk}-met'][value={'yes' if met else 'no'}]")
    if note:
        page.fill(f"#o{obligation.pk}-note", note)
    follow(page, f"#o{obligation.pk} button:has-text('Enregistrer la vérification')")


def review_and_send_back(page, report) -> None:
    """The advisor reads the report, finds the activities too thin, asks for a correction."""
    log_in(page, "conseillere")
    page.goto("/ministere/redditions/?status=to_review")
    follow(page, f"a[href='/ministere/redditions/{report.pk}/']")
    text = main_text(page)
    assert "Immeubles solidaires de l'Outaouais inc." in text and "1145267890" in text
    assert "Rapport d'audit signé par un CPA" in text
    assert axe_violations(page) == []
    for obligation in report.obligations.exclude(kind="activities"):
        check(page, obligation, met=True)
    check(page, report.obligations.get(kind="activities"), met=False, note="Trop succinct.")
    page.fill("#correction-message", "Précisez les activités de francisation.")
    page.check("input[name=correction-obligations][value=activities]")
    follow(page, "button:has-text('Envoyer la demande de correction')")
    report.refresh_from_db()
    assert report.state == "correction_requested"


def accept(page, report) -> None:
    log_in(page, "conseillere")
    page.goto(f"/ministere/redditions/{report.pk}/")
    for obligation in report.obligations.all():
        check(page, obligation, met=True)
    follow(page, "button:has-text('Accepter la reddition de comptes')")
    report.refresh_from_db()
    assert report.state == "accepted"
    assert axe_violations(page) == []
