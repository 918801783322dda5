"""Accounts: /compte/… (login and passwords from `accounts`, registration from `organizations`,
one's personal data from `privacy`)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from soutien.accounts import views
from soutien.organizations import registration_views
from soutien.privacy import account_views as personal_data

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("nom/", views.change_name, name="change_name"),
    path("mes-renseignements.<str:fmt>", personal_data.download, name="personal_data"),
    path("courriel/", views.change_email, name="change_email"),
    path("courriel/<str:token>/", views.confirm_email_change, name="email_change_confirm"),
    path("changer-mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "confirmation/renvoyer/",
        views.resend_confirmation,
        name="resend_confirmation",
    ),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("inscription/", registration_views.register, name="register"),
    path("inscription/courriel-envoye/", registration_views.register_done, name="register_done"),
    path("confirmation/<str:token>/", registration_views.confirm, name="confirm"),
    path("invitation/<str:token>/", registration_views.invitation, name="invitation"),
    path("mot-de-passe/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/courriel-envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
