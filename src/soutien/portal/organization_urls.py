"""The organization's pages in the portal: /espace/organisme/…"""

from django.urls import path

from soutien.organizations import portal_views as views

app_name = "organization"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/modifier/<slug:section>/", views.edit_section, name="edit"),
    path("<int:pk>/conseil/", views.board, name="board"),
    path("<int:pk>/conseil/ajouter/", views.board_member_form, name="board_add"),
    path(
        "<int:pk>/conseil/<int:member_pk>/modifier/",
        views.board_member_form,
        name="board_edit",
    ),
    path(
        "<int:pk>/conseil/<int:member_pk>/retirer/",
        views.board_member_end,
        name="board_end",
    ),
    path("<int:pk>/membres/", views.grouping_members, name="grouping_members"),
    path("<int:pk>/membres/ajouter/", views.grouping_member_form, name="grouping_member_add"),
    path(
        "<int:pk>/membres/<int:member_pk>/modifier/",
        views.grouping_member_form,
        name="grouping_member_edit",
    ),
    path(
        "<int:pk>/membres/<int:member_pk>/retirer/",
        views.grouping_member_end,
        name="grouping_member_end",
    ),
    path("<int:pk>/collegues/", views.colleagues, name="colleagues"),
    path("<int:pk>/autoevaluation/", views.selfcheck_start, name="selfcheck"),
    path(
        "<int:pk>/autoevaluation/resultats/",
        views.selfcheck_results,
        name="selfcheck_results",
    ),
    path(
        "<int:pk>/autoevaluation/<slug:step>/",
        views.selfcheck_step,
        name="selfcheck_step",
    ),
]
