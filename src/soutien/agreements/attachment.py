"""The agreements' answer to `organizations.attachment.signed_agreement` (5.2): an organization
that has or had a signed agreement with the program is attached to the Ministry."""

from __future__ import annotations

from datetime import date

from .models import Agreement


def signed_agreement(organization_id: int | None, *, on: date) -> tuple[str, date] | None:
    """(reference, signed_on) of the organization's first agreement signed on or before `on`,
    whatever its state since (a suspended, terminated or ended agreement was signed)."""
    return (
        Agreement.objects.filter(
            organization_id=organization_id, signed_on__isnull=False, signed_on__lte=on
        )
        .order_by("signed_on", "pk")
        .values_list("reference", "signed_on")
        .first()
    )
