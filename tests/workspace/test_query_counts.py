"""Workspace list pages run a constant number of queries, at 10 and at 500 dossiers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.applications.models import Application, InformationRequest
from tests.core.test_query_counts import NOW, populate
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGES = [
    ("workspace:dashboard", {}),
    ("workspace:dashboard", {"late": "1", "region": "06", "fiscal_year": "2019"}),
    ("workspace:dashboard", {"advisor": "none", "priority": "3", "stream": "1", "page": "2"}),
    ("workspace:finance", {"kind": "installments"}),
    ("workspace:finance", {"kind": "decisions"}),
    ("workspace:finance", {"kind": "payments"}),
    ("workspace:budget", {}),
]


def grow(n, user):
    populate(n, user)
    InformationRequest.objects.bulk_create(
        InformationRequest(
            application=a,
            kind="correction",
            message="x",
            due_at=NOW + timedelta(days=1),
            requested_by=user,
            requested_at=NOW,
        )
        for a in Application.objects.filter(information_requests__isnull=True)
    )


def counts(client):
    result = []
    for name, params in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name), params)
        assert response.status_code == 200
        result.append(len(queries))
    return result


def test_workspace_lists_have_a_constant_query_count(client):
    manager = make_user(Role.MANAGER)
    client.force_login(manager)
    grow(10, manager)
    small = counts(client)
    grow(490, manager)
    large = counts(client)
    assert small == large, (small, large)
    assert max(large[:3]) <= 12
