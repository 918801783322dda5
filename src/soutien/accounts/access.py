"""Who may do what in the ministry's workspace, decided in one table that every stage imports.

Each capability names the roles that hold it; `refusal(user, capability)` returns the French
reason a page shows, or None. Views use `workspace_view(capability)`; actions call `require`.
Administrators (superusers) hold every capability, but the separation of duties still applies
to them (`require_other_person`, used by `evaluations.actions.decide_application` and
`budget.actions.approve_allocation`).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from soutien.core.models import is_ministry_staff

from .models import Role


class Capability(StrEnum):
    VIEW = "view"
    ASSIGN = "assign"
    REVIEW = "review"
    EVALUATE = "evaluate"
    ALLOCATE = "allocate"
    APPROVE_ALLOCATION = "approve_allocation"
    DECIDE = "decide"
    AGREEMENT = "agreement"
    EXPORT = "export"
    REFERENCES = "references"
    ATTACH = "attach"
    ENVELOPE = "envelope"
    PAY = "pay"
    RESCHEDULE = "reschedule"
    MEASURES = "measures"
    ACCOUNTABILITY = "accountability"
    CLAIMS = "claims"
    PRIVACY = "privacy"


ADVISOR, MANAGER, FINANCE, ADMINISTRATOR = (
    Role.ADVISOR,
    Role.MANAGER,
    Role.FINANCE,
    Role.ADMINISTRATOR,
)

GRANTS: dict[Capability, frozenset[str]] = {
    Capability.VIEW: frozenset({ADVISOR, MANAGER, FINANCE, ADMINISTRATOR}),
    Capability.ASSIGN: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.REVIEW: frozenset({ADVISOR, ADMINISTRATOR}),
    Capability.EVALUATE: frozenset({ADVISOR, ADMINISTRATOR}),
    Capability.ALLOCATE: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.APPROVE_ALLOCATION: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.DECIDE: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.AGREEMENT: frozenset({ADVISOR, MANAGER, ADMINISTRATOR}),
    Capability.EXPORT: frozenset({FINANCE, MANAGER, ADMINISTRATOR}),
    Capability.REFERENCES: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.ATTACH: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.ENVELOPE: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.PAY: frozenset({FINANCE, ADMINISTRATOR}),
    Capability.RESCHEDULE: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.MEASURES: frozenset({MANAGER, ADMINISTRATOR}),
    Capability.ACCOUNTABILITY: frozenset({ADVISOR, MANAGER, ADMINISTRATOR}),
    Capability.CLAIMS: frozenset({FINANCE, MANAGER, ADMINISTRATOR}),
    # The register of confidentiality incidents (Loi 25): the program's management and the
    # administration, which answer for the protection of personal information.
    Capability.PRIVACY: frozenset({MANAGER, ADMINISTRATOR}),
}

REASONS: dict[Capability, Any] = {
    Capability.VIEW: _("L'espace du Ministère est réservé au personnel du Ministère."),
    Capability.ASSIGN: _(
        "Seule la ou le gestionnaire du programme attribue les dossiers aux conseillères et "
        "conseillers."
    ),
    Capability.REVIEW: _(
        "L'examen de la complétude d'un dossier (5.1) revient à la conseillère ou au conseiller "
        "en partenariat."
    ),
    Capability.EVALUATE: _(
        "L'évaluation d'un dossier revient à la conseillère ou au conseiller en partenariat."
    ),
    Capability.ALLOCATE: _(
        "Seule la ou le gestionnaire du programme répartit l'enveloppe budgétaire (5.2)."
    ),
    Capability.APPROVE_ALLOCATION: _(
        "Seule la ou le gestionnaire du programme approuve la répartition de l'enveloppe (5.2)."
    ),
    Capability.DECIDE: _(
        "Seule la ou le gestionnaire du programme rend les décisions d'aide financière (5.2)."
    ),
    Capability.AGREEMENT: _(
        "Les conventions d'aide financière (5.4) sont préparées par la conseillère ou le "
        "conseiller, ou par la ou le gestionnaire du programme."
    ),
    Capability.EXPORT: _(
        "Les extractions financières sont réservées aux finances et à la gestion du programme."
    ),
    Capability.REFERENCES: _(
        "Seule la ou le gestionnaire du programme met à jour les données de référence "
        "régionales (5.2)."
    ),
    Capability.ATTACH: _(
        "Seule la ou le gestionnaire du programme établit le rattachement d'un organisme au "
        "Ministère (5.2)."
    ),
    Capability.ENVELOPE: _(
        "Seule la ou le gestionnaire du programme ouvre, approuve et ferme l'enveloppe "
        "budgétaire d'un exercice (6.2)."
    ),
    Capability.PAY: _("Seules les finances versent l'aide financière (6.2)."),
    Capability.RESCHEDULE: _(
        "Seule la ou le gestionnaire du programme fixe d'autres modalités de versement quand "
        "la situation l'exige (6.2)."
    ),
    Capability.MEASURES: _(
        "Seule la ou le gestionnaire du programme révise, suspend, rétablit ou résilie une "
        "convention (5.5)."
    ),
    Capability.ACCOUNTABILITY: _(
        "Le suivi de la reddition de comptes (8) revient à la conseillère ou au conseiller, ou "
        "à la ou au gestionnaire du programme."
    ),
    Capability.CLAIMS: _(
        "Seules les finances et la gestion du programme établissent les sommes à rembourser "
        "(6.2, 7) et les ententes de remboursement."
    ),
    Capability.PRIVACY: _(
        "Le registre des incidents de confidentialité et les demandes d'accès ou de "
        "rectification sont réservés à la gestion du programme et à l'administration."
    ),
}


def role_of(user: Any) -> str | None:
    if not is_ministry_staff(user):
        return None
    return Role.ADMINISTRATOR if user.is_superuser else user.role


def refusal(user: Any, capability: Capability) -> Any | None:
    """The French reason `user` may not use `capability`, or None when they may."""
    role = role_of(user)
    if role is None:
        return REASONS[Capability.VIEW]
    if role in GRANTS[capability]:
        return None
    return REASONS[capability]


def can(user: Any, capability: Capability) -> bool:
    return refusal(user, capability) is None


def require(user: Any, capability: Capability) -> None:
    """In an action: refuse with the French reason (PermissionDenied)."""
    reason = refusal(user, capability)
    if reason is not None:
        raise PermissionDenied(reason)


def require_other_person(by: Any, other_ids: set[int], reason: Any) -> None:
    """Separation of duties: `by` is refused when they are one of `other_ids` (the people who
    evaluated, or prepared, what they are about to decide or approve). It applies to
    administrators too."""
    if by is not None and by.pk in other_ids:
        raise PermissionDenied(reason)


def refused(request, reason) -> Any:
    return render(request, "workspace/refused.html", {"reason": reason}, status=403)


def workspace_view(capability: Capability, *, post: Capability | None = None) -> Callable:
    """Anonymous: to the login page. Without the role: 403 with the reason.

    `post` is the capability a POST needs when it differs from the page's.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            needed = post if (post is not None and request.method == "POST") else capability
            reason = refusal(request.user, needed)
            if reason is None and needed != Capability.VIEW:
                reason = refusal(request.user, Capability.VIEW)
            if reason is not None:
                return refused(request, reason)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as error:
                return refused(request, str(error) or REASONS[needed])

        wrapped.capability = capability  # read by the access tests
        return wrapped

    return decorate
