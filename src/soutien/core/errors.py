"""The CSRF failure page (CSRF_FAILURE_VIEW), French like 400.html, 403.html, 404.html, 500.html."""

from __future__ import annotations

from django.shortcuts import render


def csrf_failure(request, reason: str = "", template_name: str = "403_csrf.html"):
    return render(request, template_name, status=403)
