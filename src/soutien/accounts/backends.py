"""Login throttling with django-axes."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


def attempted_email(request: Any, credentials: dict | None) -> str | None:
    """The email address an attempt was made for, as accounts store it (lower case)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return value.strip().lower() if isinstance(value, str) else value


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses attempts for a locked-out (email, IP address) pair; authenticates nobody.

    Every login of a person goes through the login view, which passes the request. Without a
    request there is no client to throttle (the test client's `login()`, a shell): the
    attempt goes on to Django's backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
