import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_home_page_opens_in_a_real_browser_without_accessibility_violations(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Programme Soutien à la mission"
    assert page.get_attribute("html", "lang") == "fr-CA"
    assert axe_violations(page) == []


def test_the_accessibility_check_names_each_violation_with_all_its_elements(page):
    # The check the other browser tests rely on finds what it must: two images without a text
    # alternative, one field without a label.
    page.set_content(
        '<html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1>'
        '<img src="data:,"><img src="data:,"><input type="text"></main></body></html>'
    )
    found = axe_violations(page)
    assert any(v.startswith("image-alt:") and v.endswith("(2 élément(s))") for v in found)
    assert any(v.startswith("label:") for v in found)
