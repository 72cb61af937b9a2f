"""The audit log: who did what to which object, from which address and browser."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from core.audit import RequestContext, audit_record, current_request_context
from core.middleware import client_ip
from core.models import AuditEntry
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def download(client, agreement, user, **meta):
    client.force_login(user)
    response = client.get(reverse("partners:agreement-document", args=[agreement.pk]), **meta)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return AuditEntry.objects.get(verb="agreement.document_downloaded")


def test_service_call_through_a_request_records_actor_target_ip_and_browser(
    client, agreement, partner_rep
):
    entry = download(
        client, agreement, partner_rep, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=FIREFOX
    )

    assert (entry.actor, entry.actor_repr) == (partner_rep, "partner.gida")
    assert (entry.target_type, entry.target_id, entry.target_repr) == (
        "partners.agreement",
        str(agreement.pk),
        "Protocollo d'Intesa per la Situation Room",
    )
    assert (entry.ip_address, entry.user_agent) == ("203.0.113.7", FIREFOX)
    assert entry.created_at is not None


def test_spoofed_forwarded_for_is_ignored_without_trusted_proxies(
    client, agreement, partner_rep, settings
):
    settings.REGIA_TRUSTED_PROXY_COUNT = 0

    entry = download(
        client,
        agreement,
        partner_rep,
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )

    assert entry.ip_address == "203.0.113.7"


def test_behind_one_proxy_the_address_it_saw_is_recorded(client, agreement, partner_rep, settings):
    settings.REGIA_TRUSTED_PROXY_COUNT = 1

    # The client wrote 198.51.100.66 itself; the proxy appended the address it saw.
    entry = download(
        client,
        agreement,
        partner_rep,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7",
    )

    assert entry.ip_address == "203.0.113.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        pytest.param(0, None, "10.0.0.2", id="no-proxy"),
        pytest.param(0, "198.51.100.66", "10.0.0.2", id="no-proxy-spoofed-header"),
        pytest.param(1, "203.0.113.7", "203.0.113.7", id="one-proxy"),
        pytest.param(1, "198.51.100.66, 203.0.113.7", "203.0.113.7", id="one-proxy-spoofed"),
        pytest.param(1, " 198.51.100.66 ,203.0.113.7 ", "203.0.113.7", id="one-proxy-spaces"),
        pytest.param(2, "198.51.100.66, 203.0.113.7, 10.0.0.9", "203.0.113.7", id="two-proxies"),
        pytest.param(1, None, "10.0.0.2", id="one-proxy-no-header"),
        pytest.param(2, "203.0.113.7", "10.0.0.2", id="two-proxies-one-entry"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(proxies, forwarded_for, expected, settings):
    settings.REGIA_TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **headers)

    assert client_ip(request) == expected


def test_forwarded_text_that_is_no_address_is_not_recorded_as_one(
    client, agreement, partner_rep, settings
):
    settings.REGIA_TRUSTED_PROXY_COUNT = 1

    entry = download(
        client,
        agreement,
        partner_rep,
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="<script>alert(1)</script>",
    )

    assert entry.ip_address == "203.0.113.7"


def test_long_user_agent_is_cut_to_fit(client, agreement, partner_rep):
    entry = download(client, agreement, partner_rep, HTTP_USER_AGENT="A" * 400)

    assert entry.user_agent == "A" * 255


def test_request_context_ends_with_the_request(client, agreement, partner_rep):
    download(client, agreement, partner_rep, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=FIREFOX)

    assert current_request_context() == RequestContext()


def test_audit_outside_a_request_has_no_address(manager):
    project = ProjectFactory()

    entry = audit_record(actor=manager, verb="project.imported", target=project, data={"rows": 3})

    assert (entry.actor, entry.actor_repr, entry.verb, entry.data) == (
        manager,
        "manager",
        "project.imported",
        {"rows": 3},
    )
    assert (entry.ip_address, entry.user_agent) == (None, "")


@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["system", "anonymous"])
def test_audit_without_a_user_records_no_actor(actor):
    project = ProjectFactory()

    entry = audit_record(actor=actor, verb="project.imported", target=project)

    assert (entry.actor, entry.actor_repr) == (None, "")


def test_audit_row_keeps_who_acted_after_the_user_is_deleted(manager):
    entry = audit_record(actor=manager, verb="project.imported", target=ProjectFactory())

    manager.delete()

    entry.refresh_from_db()
    assert (entry.actor, entry.actor_repr) == (None, "manager")
