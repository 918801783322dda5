import pytest


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    """An undefined template variable fails the test (STYLE.md §9)."""
    for template in settings.TEMPLATES:
        template["OPTIONS"]["string_if_invalid"] = "UNDEFINED[%s]"
