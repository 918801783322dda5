"""Reusable isolation check for the portal: every URL of some namespaces, tried with another
organization's real ids, as a member of another organization and as an anonymous visitor.

    urls = portal_urls(["organization"], kwargs={"pk": a.pk, "member_pk": ...})
    assert_isolated(urls, outsider=client_b, anonymous=Client(), secrets=[a.legal_name, a.neq])

A URL is isolated when the outsider gets a 404 and the anonymous visitor a redirect to the
login page, for GET and for POST, and neither response shows any of `secrets`.
Public pages (login, registration…) are listed in `public` and must simply not show secrets;
pages that name no organization (`own`, e.g. "my organizations") need a login and show the
outsider only their own data. `skip` lists URLs not requested (logout would end the session).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class PortalUrl:
    name: str  # "namespace:name"
    url: str


def _patterns(resolver, namespace: str) -> Iterable[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            child = (
                f"{namespace}:{pattern.namespace}"
                if pattern.namespace and namespace
                else (pattern.namespace or namespace)
            )
            yield from _patterns(pattern, child)
        elif pattern.name:
            yield namespace, pattern


def portal_urls(
    namespaces: Iterable[str],
    *,
    kwargs: Mapping[str, object],
    per_name: Mapping[str, Mapping[str, object]] | None = None,
) -> list[PortalUrl]:
    """Every named URL of `namespaces`, reversed with the converters' values in `kwargs`
    (per_name overrides for one URL name). A URL needing an unknown argument fails loudly."""
    wanted = set(namespaces)
    found = []
    for namespace, pattern in _patterns(get_resolver(), ""):
        if namespace not in wanted:
            continue
        name = f"{namespace}:{pattern.name}"
        arguments = list(pattern.pattern.converters)
        values = {**kwargs, **(per_name or {}).get(name, {})}
        missing = [a for a in arguments if a not in values]
        if missing:
            raise AssertionError(f"{name}: no value for {missing}")
        found.append(PortalUrl(name, reverse(name, kwargs={a: values[a] for a in arguments})))
    assert found, f"no URL in {sorted(wanted)}"
    return found


def _shows(response, secrets: Iterable[str]) -> list[str]:
    body = response.content.decode(errors="replace")
    return [secret for secret in secrets if secret and secret in body]


def assert_isolated(
    urls: Iterable[PortalUrl],
    *,
    outsider,
    anonymous,
    secrets: Iterable[str],
    public: Iterable[str] = (),
    own: Iterable[str] = (),
    skip: Iterable[str] = (),
    login_url: str = "/compte/connexion/",
) -> None:
    secrets = list(secrets)
    public, own, skip = set(public), set(own), set(skip)
    problems = []
    for item in urls:
        if item.name in skip:
            continue
        for method in ("get", "post"):
            as_outsider = getattr(outsider, method)(item.url)
            as_anonymous = getattr(anonymous, method)(item.url)
            for who, response in (("member of B", as_outsider), ("anonymous", as_anonymous)):
                leaked = _shows(response, secrets)
                if leaked:
                    problems.append(f"{method.upper()} {item.name} as {who}: shows {leaked}")
            if item.name in public:
                continue
            if item.name not in own and as_outsider.status_code != 404:
                problems.append(
                    f"{method.upper()} {item.name} as member of B: {as_outsider.status_code}"
                )
            if as_anonymous.status_code != 302 or not as_anonymous["Location"].startswith(
                login_url
            ):
                problems.append(
                    f"{method.upper()} {item.name} as anonymous: {as_anonymous.status_code}"
                )
    assert not problems, "\n".join(problems)
