"""The ministry's workspace (issue 5): /ministere/…"""

from django.urls import path

from . import workspace_views

app_name = "workspace"

urlpatterns = [
    path("", workspace_views.dashboard, name="dashboard"),
]
