"""Password validators beyond Django's (AUTH_PASSWORD_VALIDATORS): French messages."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Django's UserAttributeSimilarityValidator's threshold, applied to the name written together.
MAX_SIMILARITY = 0.7
MIN_PART_LENGTH = 3
# Published in the README and printed by `soutien-mission demo` (soutien.demo uses this one).
DEMO_PASSWORD = "demo-soutien-2019"


def _folded(value: str) -> str:
    """Lower case, no accents, letters and digits only: « Jean-Éric » → « jeaneric »."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if c.isascii()))


class FullNameSimilarityValidator:
    """Refuses a password close to the person's name, its parts run together or not.

    Django's own validator compares with the name as typed, spaces included, so
    « JeanTremblay » passed for Jean Tremblay.
    """

    def validate(self, password: str, user=None) -> None:
        full_name = getattr(user, "full_name", "") or ""
        folded_password = _folded(password)
        if not folded_password or not full_name.strip():
            return
        parts = [_folded(part) for part in re.split(r"[\s\-'’.]+", full_name)]
        whole = "".join(parts)
        candidates = [whole, *(p for p in parts if len(p) >= MIN_PART_LENGTH)]
        for candidate in filter(None, candidates):
            matcher = SequenceMatcher(a=folded_password, b=candidate)
            if (
                candidate in folded_password
                or folded_password in whole
                or (matcher.quick_ratio() >= MAX_SIMILARITY and matcher.ratio() >= MAX_SIMILARITY)
            ):
                raise ValidationError(
                    _("Ce mot de passe est trop proche de votre nom : choisissez-en un autre."),
                    code="password_too_similar_to_name",
                )

    def get_help_text(self) -> str:
        return _("Votre mot de passe ne doit pas ressembler à votre nom.")


class DemoPasswordValidator:
    """Refuses the demonstration's published password (soutien.demo.PASSWORD) everywhere.

    The demo loader sets its accounts' hashes directly, never through a validator: any
    password chosen through a form is outside the demo, where a published one is no secret.
    """

    def validate(self, password: str, user=None) -> None:
        if _folded(password) == _folded(DEMO_PASSWORD):
            raise ValidationError(
                _(
                    "Ce mot de passe est celui, public, de la démonstration : "
                    "choisissez-en un autre."
                ),
                code="password_is_demo",
            )

    def get_help_text(self) -> str:
        return _("Votre mot de passe ne doit pas être celui de la démonstration.")
