"""Workspace pages that show several stages at once; each stage's own pages are in its app."""

from __future__ import annotations

from django.shortcuts import render

from soutien.accounts.access import Capability, can, workspace_view
from soutien.accounts.models import User
from soutien.agreements.models import Agreement
from soutien.budget.actions import funded_line
from soutien.core import clock
from soutien.evaluations.models import Decision
from soutien.evaluations.workspace_views import application_for, current_evaluation


@workspace_view(Capability.VIEW)
def application(request, pk: int):
    app = application_for(request, pk)
    decision = Decision.objects.filter(application=app).first()
    agreement = Agreement.objects.filter(application=app).first()
    return render(
        request,
        "workspace/application.html",
        {
            "application": app,
            "evaluation": current_evaluation(app),
            "decision": decision,
            "agreement": agreement,
            "funded_line": funded_line(app.pk),
            "requests": app.information_requests.select_related("requested_by"),
            "today": clock.today(),
            "advisors": User.objects.advisors(),
            "can_assign": can(request.user, Capability.ASSIGN),
            "can_decide": can(request.user, Capability.DECIDE),
            "can_agreement": can(request.user, Capability.AGREEMENT),
        },
    )
