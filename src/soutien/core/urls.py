"""Links sent outside the browser (emails): built on the configured site address.

A request's Host header says nothing reliable about the address people reach the site at
(a proxy, a worker sending later): every emailed link is `settings.SITE_URL` + a path.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    """The full address of a path of this site, e.g. "/compte/connexion/"."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def absolute_url(name: str, **kwargs) -> str:
    """The full address of a named URL."""
    return absolute(reverse(name, kwargs=kwargs or None))
