from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "soutien.agreements"
    verbose_name = _("Conventions d'aide financière")

    def ready(self):
        from soutien.organizations import attachment as organization_attachment

        from . import attachment

        organization_attachment.signed_agreement.answer_with(attachment.signed_agreement)

        from soutien.evaluations import history

        from .actions import renewal_year_number

        history.agreement_year.answer_with(renewal_year_number)
