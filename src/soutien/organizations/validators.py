"""Validators with French messages naming the field."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NEQ_PATTERN = r"^[0-9]{10}$"
_NEQ = re.compile(NEQ_PATTERN)
REGION_PATTERN = r"^(0[1-9]|1[0-7])$"


def validate_neq(value: str) -> None:
    """The Québec enterprise number (NEQ): exactly 10 digits."""
    if not isinstance(value, str) or not _NEQ.match(value):
        raise ValidationError(
            _(
                "Le numéro d'entreprise du Québec (NEQ) doit compter exactement 10 chiffres "
                "(valeur reçue : « %(value)s »)."
            ),
            code="invalid_neq",
            params={"value": value},
        )


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Canada Post: no D, F, I, O, Q, U anywhere, no W or Z first.
_POSTAL_CODE = re.compile(
    r"^([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z])([0-9][ABCEGHJ-NPRSTV-Z][0-9])$"
)
# North American numbering plan: area code and exchange start with 2 to 9; an extension may
# follow (« poste 123 », « ext. 123 », « x123 », « #123 »).
_PHONE = re.compile(
    r"^\s*(?:\+?1[\s.-]*)?\(?([2-9][0-9]{2})\)?[\s.-]*([2-9][0-9]{2})[\s.-]*([0-9]{4})"
    r"\s*(?:(?:,|;)?\s*(?:poste|p\.|ext\.?|extension|x|#)\s*([0-9]{1,6}))?\s*$",
    re.IGNORECASE,
)


def normalize_neq(value: str) -> str:
    """A NEQ as typed (« 1170 000 001 ») without its spaces; validate_neq checks the rest."""
    return _SPACES.sub("", value or "")


def normalize_postal_code(value: str) -> str:
    """A Canadian postal code, checked and written as Canada Post does: « J1H 5Z9 »."""
    compact = _SPACES.sub("", value or "").upper()
    match = _POSTAL_CODE.match(compact)
    if match is None:
        raise ValidationError(
            _(
                "Inscrivez un code postal canadien, par exemple J1H 5Z9 (valeur reçue : "
                "« %(value)s »)."
            ),
            code="invalid_postal_code",
            params={"value": value},
        )
    return f"{match.group(1)} {match.group(2)}"


def normalize_phone(value: str) -> str:
    """A North American phone number, written « 819 555-1234 » (« poste 12 » if any)."""
    match = _PHONE.match(value or "")
    if match is None:
        raise ValidationError(
            _(
                "Inscrivez un numéro de téléphone à 10 chiffres, par exemple 819 555-1234 ou "
                "819 555-1234 poste 12 (valeur reçue : « %(value)s »)."
            ),
            code="invalid_phone",
            params={"value": value},
        )
    area, exchange, line, extension = match.groups()
    number = f"{area} {exchange}-{line}"
    return f"{number} poste {extension}" if extension else number


def validate_not_future(value, *, today) -> None:
    """A date that has already happened (a constitution, for instance)."""
    if value is not None and value > today:
        raise ValidationError(
            _("Cette date est dans le futur : inscrivez une date passée ou celle d'aujourd'hui."),
            code="future_date",
        )
