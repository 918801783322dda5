"""Registration of a representative and their organization, email confirmation, invitations.

They live with the organizations because each creates or joins one; the URLs keep the
`accounts` namespace (`soutien/portal/accounts_urls.py`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from soutien.accounts.forms import InvitationAccountForm, NoticeForm
from soutien.accounts.models import User
from soutien.accounts.tokens import BadLink, read_confirmation_token
from soutien.core import clock

from . import actions as organization_actions
from .forms import RegistrationForm

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = organization_actions.register_representative(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                organization_data=form.organization_data(),
                notice_acknowledged=form.cleaned_data["notice_acknowledged"],
                at=clock.now(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            request.session["registered_email"] = user.email
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def register_done(request):
    return render(
        request,
        "accounts/register_done.html",
        {"email": request.session.get("registered_email", "")},
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows a button (mail scanners open links); POST confirms and signs the person in."""
    try:
        payload = read_confirmation_token(token)
    except BadLink as error:
        return render(
            request,
            "accounts/confirm.html",
            {"bad_link": True, "expired": error.expired},
            status=400,
        )
    user = User.objects.filter(pk=payload.get("user"), email=payload.get("email")).first()
    if user is None:
        return render(
            request, "accounts/confirm.html", {"bad_link": True, "expired": False}, status=400
        )
    if user.email_confirmed_at is not None:
        messages.info(request, _("Votre adresse courriel est déjà confirmée : connectez-vous."))
        return redirect("accounts:login")
    if request.method == "POST":
        organization_actions.confirm_email(user, at=clock.now())
        auth_login(request, user, backend=MODEL_BACKEND)
        messages.success(
            request,
            _("Votre adresse courriel est confirmée. Bienvenue dans votre espace."),
        )
        return redirect("home")
    return render(
        request, "accounts/confirm.html", {"bad_link": False, "expired": False, "account": user}
    )


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    try:
        invited = organization_actions.read_invitation_token(token)
    except BadLink as error:
        return render(
            request,
            "accounts/invitation.html",
            {"bad_link": True, "expired": error.expired},
            status=400,
        )
    context = {
        "bad_link": False,
        "expired": False,
        "invitation": invited,
        "form": None,
        "notice_form": None,
    }
    if invited.accepted_at is not None:
        context["error"] = _(
            "Cette invitation a déjà été acceptée. Connectez-vous pour accéder à l'organisme."
        )
        return render(request, "accounts/invitation.html", context)
    existing = User.objects.filter(email__iexact=invited.email).first()
    if existing is not None:
        if not request.user.is_authenticated:
            messages.info(
                request,
                _("Un compte existe pour %(email)s : connectez-vous pour accepter l'invitation.")
                % {"email": invited.email},
            )
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        # Bound on any POST: the only field is a checkbox, absent when not ticked.
        notice_form = NoticeForm(request.POST if request.method == "POST" else None)
        context["notice_form"] = notice_form
        if request.method == "POST" and notice_form.is_valid():
            try:
                organization_actions.accept_invitation(
                    invited,
                    user=request.user,
                    notice_acknowledged=notice_form.cleaned_data["notice_acknowledged"],
                    at=clock.now(),
                )
            except ValidationError as error:
                context["error"] = " ".join(error.messages)
            else:
                messages.success(
                    request,
                    _("Vous êtes maintenant membre de %(organization)s.")
                    % {"organization": invited.organization},
                )
                return redirect("organization:profile", pk=invited.organization_id)
        return render(request, "accounts/invitation.html", context)
    form = InvitationAccountForm(request.POST or None, email=invited.email)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            membership = organization_actions.accept_invitation(
                invited,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                notice_acknowledged=form.cleaned_data["notice_acknowledged"],
                at=clock.now(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            auth_login(request, membership.user, backend=MODEL_BACKEND)
            messages.success(
                request,
                _("Votre compte est créé et vous êtes membre de %(organization)s.")
                % {"organization": invited.organization},
            )
            return redirect("organization:profile", pk=invited.organization_id)
    return render(request, "accounts/invitation.html", context)
