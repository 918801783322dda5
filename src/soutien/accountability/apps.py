from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "soutien.accountability"
    verbose_name = _("Reddition de comptes et créances")
