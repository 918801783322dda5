"""Accounts: login, logout, password reset and change, « Mon compte », resent confirmation,
and the public privacy page.

Registration, email confirmation and invitations create or join an organization: they are
`organizations.registration_views`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soutien.core import clock

from . import actions
from .forms import (
    ChangePasswordForm,
    EmailChangeForm,
    LoginForm,
    NameForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from .privacy import NOTICE_DATE, NOTICE_VERSION
from .tokens import BadLink


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """The current password, then the new one twice; the session stays open."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe est changé."))
        return response


@require_GET
def privacy_page(request):
    """The full privacy notice (Loi 25): public, no login needed."""
    return render(
        request,
        "privacy/page.html",
        {
            "notice_version": NOTICE_VERSION,
            "notice_date": NOTICE_DATE,
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


def _account_page(request, *, name_form=None, email_form=None, status=200):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "name_form": name_form or NameForm(initial={"full_name": user.full_name}),
            "email_form": email_form or EmailChangeForm(user=user),
            "privacy_request_days": settings.PRIVACY_REQUEST_DAYS,
        },
        status=status,
    )


@login_required
@require_GET
def account(request):
    return _account_page(request)


@login_required
@require_POST
def change_name(request):
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            actions.change_name(
                request.user, full_name=form.cleaned_data["full_name"], at=clock.now()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Votre nom est changé."))
            return redirect("accounts:account")
    return _account_page(request, name_form=form)


@login_required
@require_POST
def change_email(request):
    form = EmailChangeForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            new_email = actions.request_email_change(
                request.user, new_email=form.cleaned_data["email"], at=clock.now()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Un lien de confirmation est envoyé à %(email)s. Votre adresse change "
                    "lorsque vous l'ouvrez ; d'ici là, connectez-vous avec l'adresse actuelle."
                )
                % {"email": new_email},
            )
            return redirect("accounts:account")
    return _account_page(request, email_form=form)


@require_http_methods(["GET", "POST"])
def confirm_email_change(request, token: str):
    """GET shows a button (mail scanners open links); POST changes the address."""
    try:
        user, new_email = actions.read_email_change_token(token)
    except BadLink as error:
        return render(
            request,
            "accounts/email_change_confirm.html",
            {"bad_link": True, "expired": error.expired},
            status=400,
        )
    context = {"bad_link": False, "expired": False, "new_email": new_email, "error": ""}
    if request.method == "POST":
        try:
            actions.confirm_email_change(user, new_email=new_email, at=clock.now())
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            messages.success(
                request,
                _("Votre adresse courriel est maintenant %(email)s.") % {"email": new_email},
            )
            return redirect("accounts:account" if request.user.is_authenticated else "home")
    return render(request, "accounts/email_change_confirm.html", context)


@require_http_methods(["GET", "POST"])
def resend_confirmation(request):
    """The same answer whether or not the address has an account waiting for confirmation."""
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.resend_confirmation(email=form.cleaned_data["email"], at=clock.now())
        messages.success(
            request,
            _(
                "Si une inscription en attente de confirmation correspond à %(email)s, un "
                "nouveau lien vient d'y être envoyé. Un seul lien est envoyé toutes les "
                "5 minutes : regardez aussi dans le dossier des courriels indésirables."
            )
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("accounts:resend_confirmation")
    return render(request, "accounts/resend_confirmation.html", {"form": form})
