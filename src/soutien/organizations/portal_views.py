"""The organization's own pages in the portal: profile, board, grouping members,
colleagues and the eligibility self-check. Every view starts from `for_user`."""

from __future__ import annotations

from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from soutien.accounts.models import NoticeContext
from soutien.accounts.privacy import has_acknowledged
from soutien.core import clock
from soutien.core.models import StaleRecord
from soutien.rules.documents import REQUIRED_DOCUMENTS

from . import actions, selfcheck
from .attachment import attachment_of
from .forms import (
    STEP_FORMS,
    BoardMemberForm,
    EndForm,
    GroupingMemberForm,
    IdentityForm,
    InviteForm,
    MissionForm,
    ReceptionForm,
)
from .members import members_act
from .models import BoardMember, EligibilitySelfCheck, GroupingMember, Membership, Organization

HISTORY_LENGTH = 15


def _sits(member: BoardMember, today) -> bool:
    """On the board today; a member removed today no longer counts."""
    return member.term_start <= today and (member.term_end is None or member.term_end > today)


def _organization(request, pk: int) -> Organization:
    return get_object_or_404(
        Organization.objects.for_user(request.user).select_related("region"), pk=pk
    )


def _add_errors(form, error: ValidationError) -> None:
    if isinstance(error, StaleRecord) or not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def mine(request):
    """The organizations of the signed-in person; one goes straight to its profile."""
    organizations = list(Organization.objects.for_user(request.user).order_by("legal_name")[:50])
    if len(organizations) == 1:
        return redirect("organization:profile", pk=organizations[0].pk)
    return render(request, "organizations/mine.html", {"organizations": organizations})


def _history(organization: Organization) -> list[dict]:
    """The latest changes to the profile, its board and its grouping members."""
    rows = chain(
        (
            (h, _("Profil de l'organisme"))
            for h in organization.history.select_related("history_user")[:HISTORY_LENGTH]
        ),
        (
            (h, _("Membre du conseil : %(name)s") % {"name": h.full_name})
            for h in BoardMember.history.filter(organization_id=organization.pk).select_related(
                "history_user"
            )[:HISTORY_LENGTH]
        ),
        (
            (h, _("Organisme membre : %(name)s") % {"name": h.name})
            for h in GroupingMember.history.filter(grouping_id=organization.pk).select_related(
                "history_user"
            )[:HISTORY_LENGTH]
        ),
    )
    kinds = {"+": _("Ajout"), "~": _("Modification"), "-": _("Retrait")}
    ordered = sorted(rows, key=lambda row: row[0].history_date, reverse=True)[:HISTORY_LENGTH]
    return [
        {
            "at": h.history_date,
            "who": h.history_user.full_name if h.history_user else _("Ministère"),
            "kind": kinds.get(h.history_type, h.history_type),
            "subject": subject,
        }
        for h, subject in ordered
    ]


@login_required
def profile(request, pk: int):
    organization = _organization(request, pk)
    today = clock.today()
    board = [m for m in organization.board_members.all() if _sits(m, today)]
    return render(
        request,
        "organizations/profile.html",
        {
            "organization": organization,
            "board": board,
            "history": _history(organization),
            "latest_selfcheck": selfcheck.latest(organization),
            "attachment": attachment_of(organization, on=today),
        },
    )


SECTIONS = {
    "identite": (IdentityForm, _("Identité de l'organisme")),
    "mission": (MissionForm, _("Mission et services")),
    "rattachement": (ReceptionForm, _("Volet et accueil des personnes réfugiées")),
}


@login_required
@members_act
@require_http_methods(["GET", "POST"])
def edit_section(request, pk: int, section: str):
    organization = _organization(request, pk)
    if section not in SECTIONS:
        raise Http404
    form_class, title = SECTIONS[section]
    form = form_class(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        fresh = Organization.objects.get(pk=organization.pk)
        try:
            actions.update_organization(
                fresh,
                data=form.changes(),
                seen_version=form.cleaned_data["seen_version"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Les modifications sont enregistrées."))
            return redirect("organization:profile", pk=organization.pk)
    return render(
        request,
        "organizations/edit_section.html",
        {"organization": organization, "form": form, "title": title},
    )


def _save_member(request, form, organization, member, *, add, update, **extra) -> bool:
    """Add or change a board member or a grouping's member organization from a valid form
    (`extra`: more keywords for the action).

    False when the action refuses it; its errors are then on the form.
    """
    try:
        if member is None:
            add(organization, data=form.changes(), by=request.user, at=clock.now(), **extra)
        else:
            update(
                type(member).objects.get(pk=member.pk),
                data=form.changes(),
                seen_version=form.cleaned_data["seen_version"],
                by=request.user,
                at=clock.now(),
                **extra,
            )
    except ValidationError as error:
        _add_errors(form, error)
        return False
    return True


def _end_member(request, form, member, *, end) -> bool:
    """End a term or a membership today (nothing is deleted); False with the form's errors."""
    try:
        end(
            member,
            on=clock.today(),
            seen_version=form.cleaned_data["seen_version"],
            by=request.user,
            at=clock.now(),
        )
    except ValidationError as error:
        _add_errors(form, error)
        return False
    return True


@login_required
def board(request, pk: int):
    organization = _organization(request, pk)
    today = clock.today()
    members = list(
        BoardMember.objects.for_user(request.user)
        .filter(organization=organization)
        .order_by("full_name", "pk")
    )
    current = [m for m in members if _sits(m, today)]
    former = [m for m in members if not _sits(m, today)]
    return render(
        request,
        "organizations/board.html",
        {"organization": organization, "current": current, "former": former},
    )


@login_required
@members_act
@require_http_methods(["GET", "POST"])
def board_member_form(request, pk: int, member_pk: int | None = None):
    organization = _organization(request, pk)
    member = None
    if member_pk is not None:
        member = get_object_or_404(
            BoardMember.objects.for_user(request.user).filter(organization=organization),
            pk=member_pk,
        )
    acknowledged = has_acknowledged(request.user, NoticeContext.BOARD, organization=organization)
    form = BoardMemberForm(request.POST or None, instance=member, acknowledged=acknowledged)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_member(
            request,
            form,
            organization,
            member,
            add=actions.add_board_member,
            update=actions.update_board_member,
            notice_acknowledged=form.cleaned_data.get("notice_acknowledged", False),
        )
    ):
        messages.success(request, _("Le conseil d'administration est à jour."))
        return redirect("organization:board", pk=organization.pk)
    return render(
        request,
        "organizations/board_member_form.html",
        {"organization": organization, "form": form, "member": member},
    )


@login_required
@members_act
@require_http_methods(["GET", "POST"])
def board_member_end(request, pk: int, member_pk: int):
    organization = _organization(request, pk)
    member = get_object_or_404(
        BoardMember.objects.for_user(request.user).filter(organization=organization), pk=member_pk
    )
    form = EndForm(request.POST or None, initial={"seen_version": member.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and _end_member(request, form, member, end=actions.end_board_term)
    ):
        messages.success(
            request,
            _("%(name)s ne siège plus au conseil ; son mandat est conservé dans l'historique.")
            % {"name": member.full_name},
        )
        return redirect("organization:board", pk=organization.pk)
    return render(
        request,
        "organizations/confirm_end.html",
        {
            "organization": organization,
            "form": form,
            "title": _("Retirer %(name)s du conseil") % {"name": member.full_name},
            "explanation": _(
                "Son mandat prendra fin aujourd'hui. Rien n'est effacé : la personne reste dans "
                "la liste des anciens membres et dans l'historique."
            ),
            "back": "organization:board",
        },
    )


@login_required
def grouping_members(request, pk: int):
    organization = _organization(request, pk)
    today = clock.today()
    members = list(
        GroupingMember.objects.for_user(request.user)
        .filter(grouping=organization)
        .select_related("region")
        .order_by("name", "pk")
    )
    current = [m for m in members if m.left_on is None or m.left_on > today]
    former = [m for m in members if m not in current]
    regions = sorted({m.region_id for m in current})
    return render(
        request,
        "organizations/grouping_members.html",
        {
            "organization": organization,
            "current": current,
            "former": former,
            "region_count": len(regions),
        },
    )


@login_required
@members_act
@require_http_methods(["GET", "POST"])
def grouping_member_form(request, pk: int, member_pk: int | None = None):
    organization = _organization(request, pk)
    member = None
    if member_pk is not None:
        member = get_object_or_404(
            GroupingMember.objects.for_user(request.user).filter(grouping=organization),
            pk=member_pk,
        )
    form = GroupingMemberForm(
        request.POST or None, instance=member or GroupingMember(grouping=organization)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_member(
            request,
            form,
            organization,
            member,
            add=actions.add_grouping_member,
            update=actions.update_grouping_member,
        )
    ):
        messages.success(request, _("La liste des organismes membres est à jour."))
        return redirect("organization:grouping_members", pk=organization.pk)
    return render(
        request,
        "organizations/grouping_member_form.html",
        {"organization": organization, "form": form, "member": member},
    )


@login_required
@members_act
@require_http_methods(["GET", "POST"])
def grouping_member_end(request, pk: int, member_pk: int):
    organization = _organization(request, pk)
    member = get_object_or_404(
        GroupingMember.objects.for_user(request.user).filter(grouping=organization), pk=member_pk
    )
    form = EndForm(request.POST or None, initial={"seen_version": member.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and _end_member(request, form, member, end=actions.end_grouping_membership)
    ):
        messages.success(request, _("L'organisme ne fait plus partie du regroupement."))
        return redirect("organization:grouping_members", pk=organization.pk)
    return render(
        request,
        "organizations/confirm_end.html",
        {
            "organization": organization,
            "form": form,
            "title": _("Retirer %(name)s du regroupement") % {"name": member.name},
            "explanation": _(
                "Son adhésion prendra fin aujourd'hui. Rien n'est effacé : l'organisme reste "
                "dans la liste des anciens membres et dans l'historique."
            ),
            "back": "organization:grouping_members",
        },
    )


@login_required
@members_act(reads=True)
@require_http_methods(["GET", "POST"])
def colleagues(request, pk: int):
    organization = _organization(request, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite_colleague(
                organization,
                email=form.cleaned_data["email"],
                by=request.user,
                at=clock.now(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("L'invitation est envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("organization:colleagues", pk=organization.pk)
    members = (
        Membership.objects.for_user(request.user)
        .filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    invitations = organization.invitations.filter(accepted_at__isnull=True).order_by("-sent_at")[
        :50
    ]
    return render(
        request,
        "organizations/colleagues.html",
        {
            "organization": organization,
            "members": members,
            "invitations": invitations,
            "form": form,
        },
    )


# --- The eligibility self-check ------------------------------------------------------


def _current_selfcheck(request, organization: Organization) -> EligibilitySelfCheck | None:
    return (
        EligibilitySelfCheck.objects.for_user(request.user)
        .filter(organization=organization)
        .order_by("-created_at", "-id")
        .first()
    )


@login_required
@members_act(reads=True)
@require_http_methods(["GET", "POST"])
def selfcheck_start(request, pk: int):
    organization = _organization(request, pk)
    current = _current_selfcheck(request, organization)
    if request.method == "POST":
        actions.start_selfcheck(organization, by=request.user, at=clock.now())
        return redirect(
            "organization:selfcheck_step", pk=organization.pk, step=selfcheck.STEPS[0].slug
        )
    resume = None
    if current is not None and current.completed_at is None:
        resume = selfcheck.next_step(current.answers) or selfcheck.STEPS[-1]
    return render(
        request,
        "organizations/selfcheck_start.html",
        {
            "organization": organization,
            "current": current,
            "resume": resume,
            "steps": selfcheck.STEPS,
        },
    )


@login_required
@members_act
@require_http_methods(["GET", "POST"])
def selfcheck_step(request, pk: int, step: str):
    organization = _organization(request, pk)
    if step not in selfcheck.STEPS_BY_SLUG:
        raise Http404
    current = _current_selfcheck(request, organization)
    if current is None:
        return redirect("organization:selfcheck", pk=organization.pk)
    index = [s.slug for s in selfcheck.STEPS].index(step)
    form_class = STEP_FORMS[step]
    initial = {**current.answers, "seen_version": current.version}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_selfcheck_answers(
                current,
                step=step,
                answers=form.answers(),
                seen_version=form.cleaned_data["seen_version"],
                by=request.user,
                at=clock.now(),
            )
            following = selfcheck.next_step(current.answers)
            if following is None:
                actions.complete_selfcheck(current, by=request.user, at=clock.now())
                return redirect("organization:selfcheck_results", pk=organization.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if index + 1 < len(selfcheck.STEPS):
                target = selfcheck.STEPS[index + 1].slug
            else:
                target = following.slug
            return redirect("organization:selfcheck_step", pk=organization.pk, step=target)
    saved = set(current.answers.get("_steps", []))
    return render(
        request,
        "organizations/selfcheck_step.html",
        {
            "organization": organization,
            "form": form,
            "step": selfcheck.STEPS[index],
            "number": index + 1,
            "steps": [
                {
                    "slug": s.slug,
                    "title": s.title,
                    "current": s.slug == step,
                    "done": s.slug in saved,
                }
                for s in selfcheck.STEPS
            ],
            "previous": selfcheck.STEPS[index - 1] if index else None,
            "last": index + 1 == len(selfcheck.STEPS),
        },
    )


@login_required
def selfcheck_results(request, pk: int):
    organization = _organization(request, pk)
    current = _current_selfcheck(request, organization)
    if current is None:
        return redirect("organization:selfcheck", pk=organization.pk)
    if current.result is None:
        step = selfcheck.next_step(current.answers) or selfcheck.STEPS[-1]
        return redirect("organization:selfcheck_step", pk=organization.pk, step=step.slug)
    findings = selfcheck.findings_for_display(current)
    counts = {
        status: sum(1 for f in findings if f["status"] == status)
        for status in ("met", "unmet", "to_verify")
    }
    documents = sorted({f["document"].code for f in findings if f["document"] is not None})
    return render(
        request,
        "organizations/selfcheck_results.html",
        {
            "organization": organization,
            "selfcheck": current,
            "findings": findings,
            "groups": selfcheck.findings_by_status(findings),
            "counts": counts,
            "application_date": current.facts["application_date"],
            "clamped": current.facts["application_date"]
            != clock.localdate_of(current.completed_at).isoformat(),
            "documents": [d for d in REQUIRED_DOCUMENTS if d.code in documents],
        },
    )
