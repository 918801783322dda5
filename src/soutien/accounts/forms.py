"""Forms of the accounts: registration, login, invitation, password reset (French)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from soutien.core.forms import DateInput, PortalFormMixin
from soutien.core.mail import send_templated
from soutien.organizations.models import Organization

from .models import User


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


def _password_fields():
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


class RegistrationForm(PasswordPairMixin, PortalFormMixin, forms.ModelForm):
    """A representative and their organization. Never attaches to an existing organization:
    a colleague already registered must send an invitation."""

    full_name = forms.CharField(
        label=_("Votre nom complet"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse courriel"),
        help_text=_("Elle vous servira à vous connecter. Un lien de confirmation y sera envoyé."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = _password_fields()

    PERSON = ("full_name", "email", "password1", "password2")

    class Meta:
        model = Organization
        fields = (
            "legal_name",
            "neq",
            "legal_form",
            "incorporation_date",
            "street_address",
            "city",
            "postal_code",
            "region",
        )
        widgets = {"incorporation_date": DateInput()}
        labels = {"legal_name": _("Nom légal de l'organisme")}

    field_order = (*PERSON, *Meta.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neq"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["region"].empty_label = _("Choisissez une région")
        self.fields["legal_form"].choices = [
            ("", _("Choisissez une forme juridique")),
            *self.fields["legal_form"].choices[1:],
        ]

    @property
    def fieldsets(self):
        return [
            (_("Vous"), [self[name] for name in self.PERSON]),
            (_("Votre organisme"), [self[name] for name in self.Meta.fields]),
        ]

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "Un compte existe déjà pour cette adresse courriel. Connectez-vous, ou "
                    "utilisez « Mot de passe oublié » si vous ne vous en souvenez plus."
                ),
                code="duplicate_email",
            )
        return email

    def clean_neq(self):
        neq = self.cleaned_data["neq"].strip()
        if Organization.objects.filter(neq=neq).exists():
            raise ValidationError(
                _(
                    "Un organisme portant ce NEQ est déjà inscrit. Demandez à une personne de "
                    "cet organisme de vous inviter depuis son espace, ou communiquez avec le "
                    "Ministère."
                ),
                code="neq_taken",
            )
        return neq

    def validate_unique(self):
        """NEQ uniqueness is checked by clean_neq, with a message that says what to do."""
        self.instance.validate_unique(exclude=[*self._get_validation_exclusions(), "neq"])

    def clean(self):
        cleaned = super().clean()
        self._check_passwords(
            User(email=cleaned.get("email") or "", full_name=cleaned.get("full_name") or "")
        )
        return cleaned

    def organization_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


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


class InvitationAccountForm(PasswordPairMixin, PortalFormMixin, forms.Form):
    """A new account for the person invited (their email comes from the invitation)."""

    full_name = forms.CharField(
        label=_("Votre nom complet"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1, password2 = _password_fields()

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
        """Through the one email helper: recorded, then sent (and retried) by a worker."""
        send_templated(
            to=[to_email],
            subject_template=subject_template_name,
            body_template=email_template_name,
            context=context,
        )


class ResetPasswordForm(PortalFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password2"].label = _("Confirmez le nouveau mot de passe")
