"""The organizations' portal (issue 4): /espace/…"""

from django.urls import path

from soutien.accountability import portal_views as accountability
from soutien.agreements import portal_views as agreements
from soutien.applications import portal_views as views
from soutien.payments import portal_views as payments

from . import views as portal

app_name = "portal"

urlpatterns = [
    path("", portal.dashboard, name="dashboard"),
    path("demandes/nouvelle/", views.start, name="start"),
    path("demandes/<int:pk>/", views.application_detail, name="application"),
    path("demandes/<int:pk>/sections/<slug:section>/", views.section, name="section"),
    path("demandes/<int:pk>/documents/", views.documents, name="documents"),
    path("demandes/<int:pk>/documents/<slug:kind>/", views.document_versions, name="document"),
    path("demandes/<int:pk>/depot/", views.submit, name="submit"),
    path("demandes/<int:pk>/accuse-reception/", views.acknowledgment, name="acknowledgment"),
    path(
        "demandes/<int:pk>/accuse-reception.pdf",
        views.acknowledgment_pdf,
        name="acknowledgment_pdf",
    ),
    path("demandes/<int:pk>/historique/", views.timeline, name="timeline"),
    path(
        "demandes/<int:pk>/demandes-du-ministere/<int:request_pk>/",
        views.answer_request,
        name="answer_request",
    ),
    path("conventions/", payments.agreements, name="agreements"),
    path("creances/", accountability.claims, name="claims"),
    path("redditions/", accountability.reports, name="reports"),
    path("redditions/<int:pk>/", accountability.report, name="report"),
    path("redditions/<int:pk>/transmettre/", accountability.submit_report, name="submit_report"),
    path(
        "redditions/<int:pk>/sources/<int:source_pk>/retirer/",
        accountability.remove_funding_source,
        name="remove_funding_source",
    ),
    path(
        "redditions/<int:pk>/apparentees/<int:party_pk>/retirer/",
        accountability.withdraw_related_party,
        name="withdraw_related_party",
    ),
    path(
        "redditions/<int:pk>/corrections/<int:correction_pk>/",
        accountability.answer_report_correction,
        name="answer_report_correction",
    ),
    path("redditions/<int:pk>/<slug:topic>/", accountability.report_topic, name="report_topic"),
    path("conventions/<int:pk>/copie-signee/", agreements.signed_copy, name="signed_copy"),
    path(
        "conventions/annees/<int:year_pk>/reconduction/",
        agreements.start_renewal,
        name="start_renewal",
    ),
]
