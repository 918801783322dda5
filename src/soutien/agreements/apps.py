from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "soutien.agreements"
    verbose_name = _("Conventions d'aide financière")

    def ready(self):
        from soutien.budget import commitments

        from . import budgeting

        commitments.committed_by_agreements.answer_with(budgeting.committed_by_agreements)
        commitments.has_agreement_year.answer_with(budgeting.has_agreement_year)
