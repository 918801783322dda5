"""The organizations' portal (issue 4): /espace/…"""

from django.urls import path

from . import portal_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.dashboard, name="dashboard"),
]
