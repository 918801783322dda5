"""Issue 16, item 2, in a browser: on the demo, six years after a dossier closed, the manager
prepares a dry run and reads why each record is due; her own approval is refused; the
administrator approves and executes it; the destruction records download as CSV."""

import html
from datetime import date

import pytest

from soutien.organizations.models import BoardMember
from soutien.privacy.models import DestructionRecord

from ..privacy.test_retention import close_terminated_dossier
from .conftest import axe_violations
from .test_demo_walkthrough import follow, log_in, spaced

pytestmark = pytest.mark.django_db(transaction=True)


def text(page) -> str:
    return spaced(html.unescape(page.inner_text("main")))


def test_a_run_from_dry_run_to_destruction_in_the_browser(demo_database, page, settings, tmp_path):
    agreement, _member = close_terminated_dossier()
    names = list(
        BoardMember.objects.filter(organization=agreement.organization).values_list(
            "full_name", flat=True
        )
    )
    settings.SOUTIEN_PROGRAM_DATE = date(2026, 4, 1)

    log_in(page, "gestionnaire")
    follow(page, "nav >> text=Conservation et destruction")
    assert "Dossier d'une convention fermée" in text(page)
    assert axe_violations(page) == []
    page.fill("#run_reason", "Passe d'avril 2026.")
    follow(page, 'button:has-text("Préparer l\'essai à blanc")')
    assert "rien n'a été détruit" in text(page)
    assert f"Dossier de la convention {agreement.reference}" in text(page)
    assert "conservé jusqu'au 2026-03-31" in text(page)
    assert not any(name in text(page) for name in names)  # the plan names no one
    assert axe_violations(page) == []
    run_url = page.url
    follow(page, "button:has-text('Approuver la passe')")
    assert "autre personne" in text(page)

    log_in(page, "admin")
    page.goto(run_url)
    follow(page, "button:has-text('Approuver la passe')")
    assert "La passe est approuvée." in text(page)
    follow(page, "button:has-text('Exécuter la passe')")
    assert "Exécutée" in page.inner_text("#etat")
    assert "Procès-verbal de destruction" in text(page)
    assert axe_violations(page) == []
    record = DestructionRecord.objects.get(rule="dossier", target_id=agreement.pk)
    assert record.pseudonym in text(page)

    follow(page, "nav >> text=Conservation et destruction")
    with page.expect_download() as download:
        page.click("a:has-text('CSV') >> nth=0")
    saved = tmp_path / "destructions.csv"
    download.value.save_as(saved)
    content = saved.read_text(encoding="utf-8-sig")
    assert record.label in content and "clause 7 du programme" in content
    assert not any(name in content for name in names)
