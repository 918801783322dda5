"""Request handling shared by every face of the site."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class AdminListErrorsMiddleware:
    """A list of the administration given a parameter it cannot read (a date filter's year
    99999, a day 45) shows the whole list with a French message instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        if (
            not isinstance(exception, ValueError | OverflowError)
            or match is None
            or "admin" not in match.namespaces
            or not (match.url_name or "").endswith("_changelist")
            or not request.GET
        ):
            return None
        messages.error(
            request,
            _(
                "Le filtre demandé n'est pas valide (par exemple une date hors du calendrier) : "
                "la liste est affichée sans filtre."
            ),
        )
        return redirect(request.path)
