"""The ministry's workspace: /ministere/…

One namespace for every stage; the views live in the app of their stage, or here in
`workspace.views` when a page shows several stages at once.
"""

from django.urls import path

from soutien.accountability import workspace_views as accountability
from soutien.accounts import workspace_views as privacy
from soutien.agreements import campaign_views as campaign
from soutien.agreements import workspace_views as agreements
from soutien.budget import glance_views as glance
from soutien.budget import workspace_views as budget
from soutien.evaluations import workspace_views as views
from soutien.payments import workspace_views as payments
from soutien.privacy import retention_views as retention
from soutien.privacy import rights_views as rights

from . import views as workspace

app_name = "workspace"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dossiers/<int:pk>/", workspace.application, name="application"),
    path("dossiers/<int:pk>/attribuer/", views.assign, name="assign"),
    path("dossiers/<int:pk>/rattachement/", workspace.attachment, name="attachment"),
    path("dossiers/<int:pk>/completude/", views.completeness, name="completeness"),
    path(
        "dossiers/<int:pk>/demande-a-l-organisme/",
        views.request_information,
        name="request_information",
    ),
    path("dossiers/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/decision/", budget.decide, name="decide"),
    path("decisions/<int:pk>/explication/", views.explain, name="explain"),
    path("budget/", budget.budget, name="budget"),
    path("annee/", glance.glance_page, name="glance"),
    path("annee/<str:table>.<str:fmt>", glance.glance_export, name="glance_export"),
    path("budget/enveloppes/<int:pk>/repartir/", budget.run_allocation, name="run_allocation"),
    path("budget/repartitions/<int:pk>/", budget.allocation, name="allocation"),
    path("budget/donnees-regionales/", budget.references, name="references"),
    path("budget/essais-de-normes/", budget.norms_trials, name="norms_trials"),
    path("budget/essais-de-normes/rejouer/", budget.run_norms_trial, name="run_norms_trial"),
    path("budget/essais-de-normes/<int:pk>/", budget.norms_trial, name="norms_trial"),
    path("decisions/<int:pk>/convention/", agreements.prepare_agreement, name="prepare_agreement"),
    path("decisions/<int:pk>/reconduction/", agreements.renew_year, name="renew_year"),
    path(
        "dossiers/<int:pk>/revue-de-reconduction/",
        agreements.review_renewal,
        name="review_renewal",
    ),
    path(
        "dossiers/<int:pk>/fin-de-la-convention/",
        agreements.end_at_renewal,
        name="end_at_renewal",
    ),
    path("conventions/<int:pk>/", agreements.agreement, name="agreement"),
    path("conventions/<int:pk>/convention.pdf", agreements.agreement_pdf, name="agreement_pdf"),
    path("conventions/<int:pk>/non-respect/", agreements.open_case, name="open_case"),
    path(
        "conventions/<int:pk>/lever-la-suspension/",
        agreements.lift_suspension,
        name="lift_suspension",
    ),
    path("non-respect/<int:pk>/", agreements.case, name="case"),
    path("non-respect/<int:pk>/fermer/", agreements.close_case, name="close_case"),
    path("mesures/<int:pk>/decision/", agreements.review_measure, name="review_measure"),
    path(
        "conventions/<int:pk>/creances/", accountability.agreement_claims, name="agreement_claims"
    ),
    path("creances/<int:pk>/", accountability.claim, name="claim"),
    path("creances/<int:pk>/compensation/", accountability.plan_offset, name="plan_offset"),
    path("compensations/<int:pk>/annuler/", accountability.cancel_offset, name="cancel_offset"),
    path(
        "creances/<int:pk>/entente/",
        accountability.repayment_agreement,
        name="repayment_agreement",
    ),
    path("incidents/", privacy.incidents, name="incidents"),
    path("incidents/registre.<str:fmt>", privacy.incidents_export, name="incidents_export"),
    path("conservation/", retention.retention, name="retention"),
    path("conservation/passes/<int:pk>/", retention.retention_run, name="retention_run"),
    path("conservation/retenues/", retention.place_hold, name="place_hold"),
    path("conservation/retenues/<int:pk>/levee/", retention.lift_hold, name="lift_hold"),
    path(
        "conservation/destructions.<str:fmt>",
        retention.destructions_export,
        name="destructions_export",
    ),
    path("demandes-d-acces/", rights.requests, name="privacy_requests"),
    path("demandes-d-acces/<int:pk>/", rights.request_page, name="privacy_request"),
    path(
        "demandes-d-acces/<int:pk>/renseignements.<str:fmt>",
        rights.request_data,
        name="privacy_request_data",
    ),
    path("campagne/attribution/", campaign.bulk_assign, name="bulk_assign"),
    path("campagne/repartitions/<int:pk>/", campaign.campaign_run, name="campaign_run"),
    path(
        "campagne/repartitions/<int:pk>/decisions/",
        campaign.campaign_prepare,
        name="campaign_prepare",
    ),
    path(
        "campagne/repartitions/<int:pk>/lettres/",
        campaign.campaign_letters,
        name="campaign_letters",
    ),
    path("campagne/travaux/<int:pk>/", campaign.campaign_job, name="campaign_job"),
    path("campagne/travaux/<int:pk>/reprendre/", campaign.campaign_resume, name="campaign_resume"),
    path("redditions/", accountability.reports, name="reports"),
    path("redditions/statistiques/", accountability.report_statistics, name="report_statistics"),
    path("redditions/<int:pk>/", accountability.report, name="report"),
    path(
        "redditions/obligations/<int:pk>/verification/",
        accountability.check_obligation,
        name="check_obligation",
    ),
    path(
        "redditions/<int:pk>/correction/",
        accountability.report_correction,
        name="report_correction",
    ),
    path("redditions/<int:pk>/acceptation/", accountability.accept_report, name="accept_report"),
    path(
        "redditions/documents/<int:pk>/",
        accountability.report_document,
        name="report_document",
    ),
    path("budget/enveloppes/<int:pk>/credits/", budget.approve_credits, name="approve_credits"),
    path("versements/", payments.runs, name="payment_runs"),
    path("versements/lots/<int:pk>/", payments.run, name="payment_run"),
    path("versements/lots/<int:pk>/approuver/", payments.approve, name="approve_payment_run"),
    path("versements/lots/<int:pk>/annuler/", payments.cancel, name="cancel_payment_run"),
    path("versements/lots/<int:pk>/retour/", payments.import_return, name="payment_return"),
    path("versements/lots/<int:pk>/resultat/", payments.record_line, name="payment_line"),
    path(
        "versements/lots/<int:pk>/fichiers/<str:fmt>",
        payments.download,
        name="payment_file",
    ),
    path("versements/<int:pk>/report/", payments.reschedule, name="reschedule"),
    path("organismes/<int:pk>/fournisseur/", payments.supplier, name="supplier"),
    path("finances/", agreements.finance, name="finance"),
    path("finances/extraction.<str:fmt>", agreements.export, name="export"),
    path("finances/extractions/<int:pk>/", agreements.export_job, name="export_job"),
    path("finances/extractions/<int:pk>/fichier", agreements.export_file, name="export_file"),
]
