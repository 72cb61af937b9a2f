"""The OpenAPI schema: served, valid, documented offline, and true to what the API answers.

schemathesis runs in-process against the Django WSGI application, on the shared ``world``:
every GET operation (and the token login) with a bounded number of generated examples,
anonymously and with a programme manager's token, asserting that no answer is a server error
and that every answer matches the schema.
"""

from __future__ import annotations

import json
import os
import re
from io import StringIO

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, transaction
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from tests.api.conftest import build_world

IN_CI = os.environ.get("CI", "").lower() == "true"
EXAMPLES = 5 if IN_CI else 10
COVERAGE = os.environ.get("REGIA_SCHEMA_COVERAGE", "") == "1"
CHECKS = [not_a_server_error, response_schema_conformance]


def test_the_schema_is_served_as_valid_openapi_3(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/audit-entries/" in schema["paths"]


def test_the_schema_says_how_to_authenticate(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)

    schemes = schema["components"]["securitySchemes"]
    token = [s for s in schemes.values() if s.get("in") == "header"]
    assert token
    assert token[0]["name"] == "Authorization"


def test_the_schema_is_generated_without_errors_or_warnings():
    """``spectacular --validate --fail-on-warn``: the check every API change must pass."""
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())


def test_the_interactive_docs_work_offline(client):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    referenced = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert referenced, "the docs page references no assets"
    remote = re.findall(r"""["'(]\s*((?:https?:)?//[^"')\s]+)""", html)
    assert not remote, f"the docs page loads from the network: {remote}"
    for asset in referenced:
        assert asset.startswith("/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        if hasattr(served, "streaming_content"):
            b"".join(served.streaming_content)
    # The page's own script is a file too (no inline script under the CSP); it loads the schema.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html
    assert '"/api/schema/"' in client.get("/api/docs/?script=").content.decode()


def test_the_docs_assets_do_not_fetch_from_a_cdn(client):
    html = client.get("/api/docs/").content.decode()
    for asset in re.findall(r"""src\s*=\s*["']([^"']+\.js)["']""", html):
        served = client.get(asset)
        body = b"".join(served.streaming_content) if served.streaming else served.content
        # The bundle mentions URLs in comments and licences; it must not load scripts from them.
        assert not re.search(rb"""<script[^>]+src=["']https?://""", body), asset


# ----------------------------------------------------------------------------------------
# schemathesis.


@pytest.fixture
def in_process(monkeypatch):
    """Requests to the WSGI application share the test's database transaction.

    Django closes "old" connections when a request starts and ends; inside a test's
    transaction that would abort it. Django's own test client suspends this; do the same.
    Throttles are set out of reach: hundreds of requests come from one address in a minute.
    """
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/min", "user": "100000/min"}
    )
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def safe_to_repeat(ctx) -> bool:
    """GET operations, and the token login (a failed login changes nothing)."""
    operation = ctx.operation
    return operation.method.upper() == "GET" or operation.path == "/api/v1/auth/token/"


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def manager_token(shared_world, db) -> str:
    _instance, token = AuthToken.objects.create(shared_world.manager)
    return token


# The coverage phase (every boundary value of every parameter) would take minutes: the
# generated examples, bounded per operation, are the budget.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}})
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", application, config=CONFIG
).include(safe_to_repeat)
SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@SETTINGS
def test_anonymous_requests_never_fail_and_match_the_schema(case, shared_world, db, in_process):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_a_manager_s_requests_never_fail_and_match_the_schema(case, manager_token, in_process):
    case.call_and_validate(headers={"Authorization": f"Token {manager_token}"}, checks=CHECKS)
