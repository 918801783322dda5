"""Signed links sent by email: nothing secret is stored, the signature and its age are checked.

A security clock: the age is measured on the real time (Django's signing), never on the program
clock, so a demonstration's pinned program date neither revives nor shortens a link.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

CONFIRMATION_SALT = "soutien.accounts.email-confirmation"


class BadLink(Exception):
    """The link was altered, or it is too old."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make_token(payload: dict, *, salt: str) -> str:
    return signing.dumps(payload, salt=salt, compress=True)


def read_token(token: str, *, salt: str, max_age: int) -> dict:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(expired=True) from None
    except signing.BadSignature:
        raise BadLink(expired=False) from None


def confirmation_token(user) -> str:
    return make_token({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


def read_confirmation_token(token: str) -> dict:
    return read_token(token, salt=CONFIRMATION_SALT, max_age=settings.ACCOUNT_CONFIRMATION_MAX_AGE)
