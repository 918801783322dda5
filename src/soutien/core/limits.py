"""A request body too large for any form is refused before it is read (issue 10).

The largest form takes settings.REQUEST_MAX_DOCUMENTS documents of settings.DOCUMENT_MAX_BYTES
each; a body announced beyond settings.REQUEST_MAX_BYTES is answered with a French 413 page
without reading a byte of it, so no worker spools hundreds of megabytes to refuse them later.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django's own parsing refuses a malformed length
        limit = settings.REQUEST_MAX_BYTES
        if length > limit:
            response = render(
                request,
                "core/request_too_large.html",
                {
                    "limit": _megabytes(limit),
                    "document_limit": _megabytes(settings.DOCUMENT_MAX_BYTES),
                },
                status=413,
            )
            response["Connection"] = "close"  # the unread body is not kept on the connection
            return response
        return self.get_response(request)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}".replace(".", ",")
