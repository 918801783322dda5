from django.contrib import admin
from django.urls import include, path

from soutien.accountability.models import ReportDocument
from soutien.accounts.views import privacy_page
from soutien.agreements.models import AgreementDocument
from soutien.agreements.portal_views import agreement_document_pdf, journal_letter
from soutien.agreements.workspace_views import measure_letter
from soutien.applications.models import ApplicationDocument, SubmissionCopy
from soutien.core import views
from soutien.evaluations.workspace_views import decision_letter

admin.site.site_header = "Soutien à la mission — administration"
admin.site.site_title = "Soutien à la mission"
admin.site.index_title = "Gestion du programme"

urlpatterns = [
    path("", views.home, name="home"),
    path("aide/", views.help_page, name="help"),
    path("confidentialite/", privacy_page, name="privacy"),
    path("admin/", admin.site.urls),
    path("compte/", include("soutien.portal.accounts_urls")),
    path("espace/organisme/", include("soutien.portal.organization_urls")),
    path("espace/", include("soutien.portal.urls")),
    path("ministere/", include("soutien.workspace.urls")),
    path(
        "documents/demandes/<int:pk>/",
        views.download,
        {"model": ApplicationDocument},
        name="application-document",
    ),
    path(
        "documents/demandes/copies/<int:pk>/",
        views.download,
        {"model": SubmissionCopy},
        name="submission-copy",
    ),
    path(
        "documents/conventions/<int:pk>/",
        views.download,
        {"model": AgreementDocument},
        name="agreement-document",
    ),
    path(
        "documents/redditions/<int:pk>/",
        views.download,
        {"model": ReportDocument},
        name="report-document",
    ),
    path("documents/decisions/<int:pk>/lettre.pdf", decision_letter, name="decision-letter"),
    path("documents/mesures/<int:pk>/lettre.pdf", measure_letter, name="measure-letter"),
    path(
        "documents/conventions/<int:pk>/a-signer.pdf", agreement_document_pdf, name="agreement-pdf"
    ),
    path(
        "documents/conventions/<int:pk>/lettres/<int:entry_pk>.pdf",
        journal_letter,
        name="agreement-letter",
    ),
]
