"""A page sends a person back only to this site (issue 10, open redirect)."""

import pytest
from django.test import RequestFactory

from soutien.core.redirects import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "https://ailleurs.example/",
        "//ailleurs.example/",
        "/\\ailleurs.example/",
        "https:ailleurs.example",
        "javascript:alert(1)",
        " //ailleurs.example",
        "",
        None,
    ],
)
def test_a_target_outside_the_site_gives_the_default(target):
    request = RequestFactory().get("/")
    assert safe_next(request, target, "/ministere/") == "/ministere/"


@pytest.mark.parametrize("target", ["/ministere/dossiers/3/", "http://testserver/espace/"])
def test_a_target_on_the_site_is_followed(target):
    request = RequestFactory().get("/")
    assert safe_next(request, target, "/ministere/") == target


def test_the_default_may_be_a_view_name_with_its_arguments():
    request = RequestFactory().get("/")
    assert safe_next(request, "//x.example", "workspace:application", pk=3).endswith("/3/")
