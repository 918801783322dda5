import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_home_page_opens_in_a_real_browser_without_accessibility_violations(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Programme Soutien à la mission"
    assert page.get_attribute("html", "lang") == "fr-CA"
    assert axe_violations(page) == []
