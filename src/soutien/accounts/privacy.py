"""The privacy notice (Loi 25; Loi sur l'accès, art. 65): its version, and who acknowledged it.

The short notice is `privacy/_notice.html`, the full page `privacy/page.html`. A new text of
either gets a new NOTICE_VERSION: acknowledgments are recorded per version, so each person
acknowledges the new text the next time it is shown to them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import NoticeAcknowledgment, NoticeContext

NOTICE_VERSION = "2019-1"
NOTICE_DATE = date(2019, 9, 1)
NOTICE_LABEL = _("J'ai lu l'avis de confidentialité")

__all__ = ["NOTICE_DATE", "NOTICE_LABEL", "NOTICE_VERSION", "NoticeContext", "has_acknowledged"]


def has_acknowledged(user: Any, context: str, *, organization: Any = None) -> bool:
    """Whether `user` acknowledged the current notice in `context` (for `organization`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return NoticeAcknowledgment.objects.filter(
        user=user, context=context, notice_version=NOTICE_VERSION, organization=organization
    ).exists()
