"""Who acts for an organization: its active members, never the ministry's staff (issue 9).

Staff read an organization's pages in the portal; they do not edit its profile, its board,
its applications, nor invite anyone into it. The actions that only a member may take call
`require_member`; the portal's pages that change something are wrapped in `members_act`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import refused
from soutien.core.models import is_ministry_staff

from .models import Membership

STAFF_READ_ONLY = _(
    "Le personnel du Ministère consulte l'espace d'un organisme sans y agir : seuls les "
    "membres de l'organisme modifient ses renseignements, déposent ses demandes et invitent "
    "leurs collègues."
)
NOT_A_MEMBER = _("Seuls les membres actifs de l'organisme peuvent faire cette opération.")


def is_member(user: Any, organization_id: int) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_ministry_staff(user):
        return False
    return Membership.objects.filter(
        user=user, organization_id=organization_id, is_active=True
    ).exists()


def require_member(user: Any, organization: Any) -> None:
    """In an action: refuse anyone but an active member of `organization` (staff included)."""
    if is_ministry_staff(user):
        raise PermissionDenied(STAFF_READ_ONLY)
    if not is_member(user, organization.pk):
        raise PermissionDenied(NOT_A_MEMBER)


def members_act(view: Callable | None = None, *, reads: bool = False) -> Callable:
    """A portal page that changes something: ministry staff are refused (403, with the reason).

    `reads=True`: staff may still see the page (GET), but not post to it.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if is_ministry_staff(request.user) and (request.method != "GET" or not reads):
                return refused(request, STAFF_READ_ONLY)
            return view(request, *args, **kwargs)

        wrapped.members_act = True  # read by the access tests
        return wrapped

    return decorate(view) if view is not None else decorate
