"""Where a page may send a person back to: only to this site (no open redirect)."""

from __future__ import annotations

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_next(request, url: str | None) -> bool:
    """A target on this site's host, in its scheme (https when the request is)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request, url: str | None, default: str, *args, **kwargs) -> str:
    """`url` when it stays on this site, else `default` (a URL or a view name and its args)."""
    if is_safe_next(request, url):
        return url
    return resolve_url(default, *args, **kwargs)
