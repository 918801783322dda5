"""Whether an organization's attachment to the Ministry is established (5.2, third tier).

« aux organismes dont le rattachement au Ministère est déjà établi » (5.2): the organization
has or had an agreement with the program, signed on or before the day considered, or the
Ministry marked it attached, with a reason (`actions.mark_attached`). The organization never
says so itself. The agreements are a later stage: they answer `signed_agreement` in their
`AppConfig.ready` (`core.answers`, decision 006).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from soutien.core.answers import Question

from .models import Organization

signed_agreement = Question(
    "organizations.attachment.signed_agreement",
    "(organization_id, *, on: date) -> (reference: str, signed_on: date) | None: the first "
    "agreement of the program with the organization signed on or before `on`; 5.2",
)

AGREEMENT, MINISTRY = "agreement", "ministry"


@dataclass(frozen=True, slots=True)
class Attachment:
    """Where an established attachment comes from: an agreement, the Ministry's mark, or
    nothing (`source` None: a new attachment request)."""

    source: str | None
    since: date | None = None
    agreement: str = ""
    reason: str = ""

    @property
    def established(self) -> bool:
        return self.source is not None

    def as_fact(self) -> dict[str, Any]:
        """What the evaluation's stored facts say about it (JSON)."""
        if self.source == AGREEMENT:
            assert self.since is not None
            return {
                "source": AGREEMENT,
                "agreement": self.agreement,
                "signed_on": self.since.isoformat(),
            }
        if self.source == MINISTRY:
            return {
                "source": MINISTRY,
                "since": self.since.isoformat() if self.since else None,
                "reason": self.reason,
            }
        return {"source": None}


def attachment_of(organization: Organization, *, on: date) -> Attachment:
    """The organization's attachment on day `on` (one query)."""
    found = signed_agreement(organization.pk, on=on)
    if found is not None:
        reference, signed_on = found
        return Attachment(AGREEMENT, since=signed_on, agreement=reference)
    if organization.attached_to_ministry:
        return Attachment(
            MINISTRY, since=organization.attached_since, reason=organization.attached_reason
        )
    return Attachment(None)
