"""Response headers and the Host's port (issue 10, safe defaults)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from django.utils.cache import add_never_cache_headers

DEFAULT_PORTS = {"http": "80", "https": "443"}


def allowed_ports() -> set[str]:
    """SOUTIEN_ALLOWED_PORTS, else the port of the site address (SITE_URL)."""
    if settings.SOUTIEN_ALLOWED_PORTS:
        return {str(port) for port in settings.SOUTIEN_ALLOWED_PORTS}
    site = urlsplit(settings.SITE_URL)
    return {str(site.port) if site.port else DEFAULT_PORTS.get(site.scheme, "443")}


class HostPortMiddleware:
    """Refuses (400) a Host header naming a port the site is not served on.

    Django's ALLOWED_HOSTS compares the host name only; a Host without a port is the
    scheme's default port, served by whatever listens in front.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # get_host() checks ALLOWED_HOSTS first and raises DisallowedHost (400) itself.
        _, port = split_domain_port(request.get_host())
        if port and port not in allowed_ports():
            raise DisallowedHost(f"Port {port} not in SOUTIEN_ALLOWED_PORTS or SITE_URL.")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every page; no-store once logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", settings.SOUTIEN_CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Permissions-Policy", settings.SOUTIEN_PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # A shared computer's back button or cache must not show a dossier after logout.
            add_never_cache_headers(response)
        return response
