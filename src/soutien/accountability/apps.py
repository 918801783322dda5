from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "soutien.accountability"
    verbose_name = _("Reddition de comptes et créances")

    def ready(self):
        from soutien.evaluations import history

        from . import debts

        history.organization_debt.answer_with(debts.organization_debt)

        from soutien.payments import offsets

        from .actions import offset_applied, offsets_planned

        offsets.planned.answer_with(offsets_planned)

        from soutien.agreements import obligations

        obligations.reports_of.answer_with(debts.reports_of)

        from .reports import renewal_findings

        obligations.renewal_findings.answer_with(renewal_findings)
        offsets.applied.answer_with(offset_applied)
        history.commitments_respected.answer_with(debts.commitments_respected)
