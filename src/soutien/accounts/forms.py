"""Forms of the accounts: login, a new password, password reset (French).

The registration form, which also creates the organization, is `organizations.forms`."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from soutien.core import clock
from soutien.core.forms import PortalFormMixin
from soutien.core.mail import send_templated
from soutien.core.urls import absolute_url

from . import actions
from .models import User
from .privacy import NOTICE_LABEL


class PasswordPairMixin:
    """A new password typed twice, checked by the project's password validators."""

    def _check_passwords(self, user: User) -> None:
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                _("Les deux mots de passe ne sont pas identiques : saisissez-les de nouveau."),
            )
            return
        if password1:
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as error:
                self.add_error("password1", error)


def password_fields():
    return (
        forms.CharField(
            label=_("Mot de passe"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_(
                "Au moins 8 caractères, pas seulement des chiffres, ni trop courant, ni trop "
                "proche de votre nom ou de votre adresse courriel."
            ),
        ),
        forms.CharField(
            label=_("Confirmez le mot de passe"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class LoginForm(PortalFormMixin, AuthenticationForm):
    """Email and password; a person who has not confirmed their email is told so."""

    error_messages = {
        "invalid_login": _(
            "L'adresse courriel ou le mot de passe est incorrect. Vérifiez-les, puis réessayez. "
            "Après plusieurs essais, la connexion est bloquée pendant quelques minutes."
        ),
        "inactive": _("Ce compte est désactivé. Communiquez avec le Ministère."),
        "unconfirmed": _(
            "Confirmez d'abord votre adresse courriel : ouvrez le lien que nous vous avons envoyé "
            "à l'inscription."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Adresse courriel")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )
        self.fields["password"].label = _("Mot de passe")

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()

    def get_invalid_login_error(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        user = User.objects.filter(email__iexact=username).first() if username else None
        if (
            user is not None
            and user.awaits_email_confirmation
            and password
            and user.check_password(password)
        ):
            return ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")
        return super().get_invalid_login_error()


def notice_field() -> forms.BooleanField:
    """The required acknowledgment of the privacy notice shown above it (art. 65)."""
    return forms.BooleanField(
        label=NOTICE_LABEL,
        required=True,
        error_messages={
            "required": _(
                "Cochez « J'ai lu l'avis de confidentialité » : lisez l'avis ci-dessus, puis "
                "cochez la case pour continuer."
            )
        },
    )


class NoticeForm(PortalFormMixin, forms.Form):
    """Only the acknowledgment: an invitation accepted with an existing account."""

    notice_acknowledged = notice_field()


class InvitationAccountForm(PasswordPairMixin, PortalFormMixin, forms.Form):
    """A new account for the person invited (their email comes from the invitation)."""

    full_name = forms.CharField(
        label=_("Votre nom complet"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1, password2 = password_fields()
    notice_acknowledged = notice_field()

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        self._check_passwords(User(email=self.email, full_name=cleaned.get("full_name") or ""))
        return cleaned


class ResetRequestForm(PortalFormMixin, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse courriel de votre compte")
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the one email helper: recorded, then sent (and retried) by a worker.

        The link is built on the configured site address, not on the request's Host."""
        link = absolute_url(
            "accounts:password_reset_confirm", uidb64=context["uid"], token=context["token"]
        )
        send_templated(
            to=[to_email],
            subject_template=subject_template_name,
            body_template=email_template_name,
            context={**context, "link": link},
        )


class ResetPasswordForm(PortalFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password2"].label = _("Confirmez le nouveau mot de passe")


class NameForm(PortalFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Nom complet"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Saisissez votre nom complet.")},
    )


class EmailChangeForm(PortalFormMixin, forms.Form):
    """A new address, and the current password: whoever finds a session open cannot take the
    account by changing its address."""

    email = forms.EmailField(
        label=_("Nouvelle adresse courriel"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Saisissez la nouvelle adresse courriel."),
            "invalid": _("Saisissez une adresse courriel valide, par exemple nom@exemple.org."),
        },
    )
    current_password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Saisissez votre mot de passe actuel.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("Le mot de passe actuel est incorrect. Saisissez-le de nouveau."),
                code="password_incorrect",
            )
        return password


class ChangePasswordForm(PortalFormMixin, PasswordChangeForm):
    """Django's form in French; saving goes through `accounts.actions.change_password`."""

    error_messages = {
        "password_incorrect": _("Le mot de passe actuel est incorrect. Saisissez-le de nouveau."),
        "password_mismatch": _(
            "Les deux mots de passe ne sont pas identiques : saisissez-les de nouveau."
        ),
    }

    # Declared here, not relabelled in __init__: the mixin has already bound the fields then.
    old_password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1, new_password2 = password_fields()
    new_password1.label = _("Nouveau mot de passe")
    new_password2.label = _("Confirmez le nouveau mot de passe")

    def save(self, commit=True):
        return actions.change_password(
            self.user, password=self.cleaned_data["new_password1"], at=clock.now()
        )


class ResendConfirmationForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Adresse courriel de l'inscription"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Saisissez l'adresse courriel de l'inscription."),
            "invalid": _("Saisissez une adresse courriel valide, par exemple nom@exemple.org."),
        },
    )
