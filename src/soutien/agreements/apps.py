from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "soutien.agreements"
    verbose_name = _("Conventions d'aide financière")

    def ready(self):
        from soutien.budget import commitments
        from soutien.organizations import attachment as organization_attachment

        from . import attachment, budgeting

        commitments.committed_by_agreements.answer_with(budgeting.committed_by_agreements)
        commitments.has_agreement_year.answer_with(budgeting.has_agreement_year)
        organization_attachment.signed_agreement.answer_with(attachment.signed_agreement)
