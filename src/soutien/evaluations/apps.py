from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "soutien.evaluations"
    verbose_name = _("Évaluations et décisions")

    def ready(self):
        from . import signals  # noqa: F401
