from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from soutien.core.models import is_ministry_staff


@login_required
def dashboard(request):
    if not is_ministry_staff(request.user):
        raise PermissionDenied
    return render(request, "workspace/dashboard.html", {})
