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
