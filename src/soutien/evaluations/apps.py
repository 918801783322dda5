from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "soutien.evaluations"
    verbose_name = _("Évaluations et décisions")
