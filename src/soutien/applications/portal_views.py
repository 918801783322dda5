from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from soutien.organizations.models import Organization


@login_required
def dashboard(request):
    organizations = Organization.objects.for_user(request.user).order_by("legal_name")
    return render(request, "applications/dashboard.html", {"organizations": organizations})
