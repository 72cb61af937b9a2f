"""Getting in and being kept out: tokens, lockout, throttling, ended memberships, errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from core.models import AuditEntry
from funding.models import Commitment
from partners.services import membership_end
from tests.factories import PASSWORD, UserFactory

TOKEN_URL = "/api/v1/auth/token/"
LOGOUT_URL = "/api/v1/auth/logout/"
AUDIT_URL = "/api/v1/audit-entries/"
COMMITMENTS_URL = "/api/v1/commitments/"
PUBLIC_URL = "/api/v1/organisations/"


def ask_token(client: APIClient, username: str, password: str, **extra):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, format="json", **extra
    )


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["results"]}


# ----------------------------------------------------------------------------------------
# Tokens.


def test_good_credentials_get_an_expiring_token(api, world):
    before = timezone.now()

    response = ask_token(api, "w.manager", PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    expiry = datetime.fromisoformat(body["expiry"])
    assert before + timedelta(hours=9) < expiry <= timezone.now() + timedelta(hours=10)


def test_the_token_is_stored_hashed_never_as_it_is(api, world):
    token = ask_token(api, "w.manager", PASSWORD).json()["token"]

    stored = AuthToken.objects.get(user=world.manager)
    assert stored.digest == hash_token(token)
    assert stored.digest != token
    # Only the short lookup prefix is kept in clear, never enough to authenticate.
    assert len(stored.token_key) < len(token) // 4
    assert token.startswith(stored.token_key)
    values = AuthToken.objects.values_list("digest", "token_key")
    assert all(token not in value for row in values for value in row)


def test_the_token_authenticates_api_requests(api, world):
    token = ask_token(api, "w.manager", PASSWORD).json()["token"]

    assert with_token(token).get(AUDIT_URL).status_code == 200
    assert APIClient().get(AUDIT_URL).status_code == 401
    assert with_token(token + "0").get(AUDIT_URL).status_code == 401


def test_an_expired_token_is_refused(api, world):
    token = ask_token(api, "w.manager", PASSWORD).json()["token"]
    AuthToken.objects.filter(user=world.manager).update(
        expiry=timezone.now() - timedelta(seconds=1)
    )

    assert with_token(token).get(AUDIT_URL).status_code == 401


def test_logout_revokes_the_token(api, world):
    token = ask_token(api, "w.manager", PASSWORD).json()["token"]
    client = with_token(token)

    assert client.post(LOGOUT_URL).status_code == 204

    assert not AuthToken.objects.filter(user=world.manager).exists()
    assert client.get(AUDIT_URL).status_code == 401


def test_logging_out_one_token_keeps_the_others(api, world):
    first = ask_token(api, "w.manager", PASSWORD).json()["token"]
    second = ask_token(api, "w.manager", PASSWORD).json()["token"]

    with_token(first).post(LOGOUT_URL)

    assert with_token(first).get(AUDIT_URL).status_code == 401
    assert with_token(second).get(AUDIT_URL).status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("w.manager", "wrong"), ("nobody", PASSWORD), ("w.manager", "")],
)
def test_bad_credentials_get_a_400_and_no_token(api, world, english, username, password):
    response = ask_token(api, username, password, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_a_wrong_password_is_told_without_saying_which_part_is_wrong(api, world):
    unknown = ask_token(api, "nobody", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    wrong = ask_token(api, "w.manager", "wrong", HTTP_ACCEPT_LANGUAGE="en")

    assert unknown.json() == wrong.json() == {"non_field_errors": ["Wrong username or password."]}


def test_an_inactive_user_gets_no_token(api, world):
    world.manager.is_active = False
    world.manager.save(update_fields=["is_active"])

    response = ask_token(api, "w.manager", PASSWORD)

    assert response.status_code == 400
    assert not AuthToken.objects.exists()


# ----------------------------------------------------------------------------------------
# Lockout (django-axes, switched off in the test settings, on here).


@pytest.fixture
def axes(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def fail(client: APIClient, username: str, times: int, **extra) -> None:
    for _ in range(times):
        response = ask_token(client, username, "wrong", **extra)
        assert response.status_code in (400, 403, 429)


def test_repeated_failures_lock_the_username_out_from_that_address(axes, world, client):
    attacker = APIClient(REMOTE_ADDR="198.51.100.7")

    fail(attacker, "w.council", 3)

    # The right password no longer opens, by token or on the login page.
    locked = ask_token(attacker, "w.council", PASSWORD)
    assert locked.status_code in (400, 403, 429)
    assert "token" not in locked.json()
    page = client.post(
        reverse("login"),
        {"username": "w.council", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert page.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert not AuthToken.objects.exists()


def test_a_locked_out_username_still_logs_in_from_elsewhere(axes, world):
    fail(APIClient(REMOTE_ADDR="198.51.100.7"), "w.council", 4)

    response = ask_token(APIClient(REMOTE_ADDR="192.0.2.10"), "w.council", PASSWORD)

    assert response.status_code == 200
    assert "token" in response.json()


def test_the_lockout_of_one_username_leaves_the_others_from_that_address(axes, world):
    attacker = APIClient(REMOTE_ADDR="198.51.100.7")
    fail(attacker, "w.council", 4)

    assert ask_token(attacker, "w.manager", PASSWORD).status_code == 200


def test_the_lockout_is_logged(axes, world, caplog):
    fail(APIClient(REMOTE_ADDR="198.51.100.7"), "w.council", 3)

    attempt = AccessAttempt.objects.get(username="w.council")
    assert attempt.ip_address == "198.51.100.7"
    assert attempt.failures_since_start >= 3
    assert attempt.path_info == TOKEN_URL
    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_failures_below_the_limit_do_not_lock(axes, world):
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    fail(client, "w.council", 2)

    assert ask_token(client, "w.council", PASSWORD).status_code == 200


def test_behind_a_trusted_proxy_the_lockout_follows_the_forwarded_address(axes, world):
    axes.REGIA_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = APIClient(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    colleague = APIClient(**proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")

    fail(attacker, "w.council", 3)

    assert "token" not in ask_token(attacker, "w.council", PASSWORD).json()
    assert ask_token(colleague, "w.council", PASSWORD).status_code == 200
    assert AccessAttempt.objects.get(username="w.council").ip_address == "198.51.100.7"


def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_escape(axes, world):
    """X-Forwarded-For is the client's own writing unless a trusted proxy appended it."""
    for n in range(3):
        forger = APIClient(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        fail(forger, "w.council", 1)

    forger = APIClient(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert "token" not in ask_token(forger, "w.council", PASSWORD).json()
    assert AccessAttempt.objects.get(username="w.council").ip_address == "198.51.100.7"


# ----------------------------------------------------------------------------------------
# Throttling. DRF reads the rates when the throttle classes are defined: patch them there.


@pytest.fixture
def tight_throttles(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "4/min"})
    cache.clear()
    yield
    cache.clear()


def test_anonymous_clients_are_throttled(tight_throttles, world):
    client = APIClient(REMOTE_ADDR="198.51.100.7")

    answers = [client.get(PUBLIC_URL).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert int(client.get(PUBLIC_URL).headers["Retry-After"]) > 0


def test_the_token_endpoint_is_throttled(tight_throttles, world):
    client = APIClient(REMOTE_ADDR="198.51.100.7")

    answers = [ask_token(client, "w.manager", "wrong").status_code for _ in range(4)]

    assert answers == [400, 400, 400, 429]
    assert ask_token(client, "w.manager", PASSWORD).status_code == 429


def test_the_anonymous_rate_is_counted_per_client_address(tight_throttles, world):
    for _ in range(3):
        APIClient(REMOTE_ADDR="198.51.100.7").get(PUBLIC_URL)

    assert APIClient(REMOTE_ADDR="198.51.100.7").get(PUBLIC_URL).status_code == 429
    assert APIClient(REMOTE_ADDR="192.0.2.10").get(PUBLIC_URL).status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_anonymous_rate(tight_throttles, world):
    """Without trusted proxies, X-Forwarded-For is the client's word: it changes nothing."""
    answers = [
        APIClient(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        .get(PUBLIC_URL)
        .status_code
        for n in range(4)
    ]

    assert answers[-1] == 429


def test_behind_a_trusted_proxy_the_anonymous_rate_is_counted_per_forwarded_address(
    tight_throttles, world, settings
):
    settings.REGIA_TRUSTED_PROXY_COUNT = 1

    def behind_proxy(address: str) -> APIClient:
        return APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)

    answers = [behind_proxy("198.51.100.7").get(PUBLIC_URL).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert behind_proxy("192.0.2.10").get(PUBLIC_URL).status_code == 200


def test_authenticated_clients_are_throttled_per_user(tight_throttles, world, as_token):
    manager, admin = as_token(world.manager), as_token(world.admin)

    answers = [manager.get(AUDIT_URL).status_code for _ in range(5)]

    assert answers == [200, 200, 200, 200, 429]
    assert admin.get(AUDIT_URL).status_code == 200


# ----------------------------------------------------------------------------------------
# Ending a membership ends the partner's access at once, for the session and the token alike.


def test_ending_a_membership_removes_access_at_once_for_session_and_token(world, as_token):
    session = APIClient()
    session.force_login(world.partner)
    token = as_token(world.partner)
    pledge = world.a_pledge
    for client in (session, token):
        response = client.get(COMMITMENTS_URL, {"page_size": 200})
        assert response.status_code == 200
        assert pledge.pk in ids(response)
        assert client.get(f"{COMMITMENTS_URL}{pledge.pk}/").status_code == 200

    membership_end(membership=world.a_membership, actor=world.admin)

    for client in (session, token):
        listing = client.get(COMMITMENTS_URL, {"page_size": 200})
        assert listing.status_code in (200, 403)
        if listing.status_code == 200:
            assert pledge.pk not in ids(listing)
            assert not ids(listing) & {world.a_confirmed.pk, world.a_withdrawn.pk}
        assert client.get(f"{COMMITMENTS_URL}{pledge.pk}/").status_code == 404
        change = client.patch(
            f"{COMMITMENTS_URL}{pledge.pk}/", {"description": "Still ours?"}, format="json"
        )
        assert change.status_code == 404
    pledge.refresh_from_db()
    assert pledge.description == ""
    assert (
        not AuditEntry.objects.filter(
            target_type="funding.commitment", target_id=str(pledge.pk), actor=world.partner
        )
        .exclude(verb="commitment.pledged")
        .exists()
    )


def test_a_new_membership_gives_access_at_once(world, as_token):
    from partners.models import Membership
    from partners.services import membership_create

    newcomer = UserFactory(username="w.newcomer")
    token = as_token(newcomer)
    assert world.a_pledge.pk not in ids(token.get(COMMITMENTS_URL, {"page_size": 200}))

    membership_create(
        user=newcomer,
        organisation=world.org_a,
        role=Membership.Role.REPRESENTATIVE,
        actor=world.admin,
    )

    assert world.a_pledge.pk in ids(token.get(COMMITMENTS_URL, {"page_size": 200}))


# ----------------------------------------------------------------------------------------
# Errors: by field, in the visitor's language; 404 for what one may not know exists.


def test_missing_fields_are_told_by_field_in_english(api, world):
    response = api.post(TOKEN_URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_missing_fields_are_told_by_field_in_italian(api, world):
    response = api.post(TOKEN_URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="it")

    assert response.status_code == 400
    assert response.json() == {
        "username": ["Campo obbligatorio."],
        "password": ["Campo obbligatorio."],
    }


def test_a_bad_filter_value_is_a_400_on_its_field_in_either_language(as_user, world):
    client = as_user(world.manager)

    english = client.get(AUDIT_URL, {"created_after": "yesterday"}, HTTP_ACCEPT_LANGUAGE="en")
    italian = client.get(AUDIT_URL, {"created_after": "ieri"}, HTTP_ACCEPT_LANGUAGE="it")

    assert english.status_code == italian.status_code == 400
    assert english.json() == {"created_after": ["Enter a valid date."]}
    assert italian.json() == {"created_after": ["Inserisci una data valida."]}


def test_regia_s_own_messages_are_translated(api, world):
    english = ask_token(api, "w.manager", "wrong", HTTP_ACCEPT_LANGUAGE="en").json()
    italian = ask_token(api, "w.manager", "wrong", HTTP_ACCEPT_LANGUAGE="it").json()

    assert english["non_field_errors"] == ["Wrong username or password."]
    assert italian["non_field_errors"] != english["non_field_errors"]


def test_an_object_outside_the_read_scope_is_a_404_not_a_403(as_user, world):
    partner, manager = as_user(world.partner), as_user(world.manager)
    other_entry = AuditEntry.objects.get(
        verb="commitment.pledged", target_id=str(world.other_pledge.pk)
    )

    assert manager.get(f"{AUDIT_URL}{other_entry.pk}/").status_code == 404
    assert partner.get(f"{COMMITMENTS_URL}{world.b_pledge.pk}/").status_code == 404
    change = partner.patch(
        f"{COMMITMENTS_URL}{world.b_pledge.pk}/", {"description": "Ours now"}, format="json"
    )
    assert change.status_code == 404
    assert Commitment.objects.get(pk=world.b_pledge.pk).description == ""


def test_an_object_readable_but_not_writable_is_a_403_with_the_reason(as_user, world):
    """The other partner's confirmed commitment is readable by org_a, never writable."""
    partner = as_user(world.partner)
    url = f"{COMMITMENTS_URL}{world.b_confirmed.pk}/"
    assert partner.get(url).status_code == 200

    response = partner.patch(
        url, {"description": "Ours now"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 403
    assert response.json()["detail"]


def test_unknown_ids_and_junk_are_4xx_never_500(as_user, world):
    client = as_user(world.admin)

    assert client.get(f"{AUDIT_URL}999999/").status_code == 404
    assert client.get(f"{AUDIT_URL}abc/").status_code == 404
    assert client.get(AUDIT_URL, {"actor": "abc"}).status_code == 400
    assert client.get(AUDIT_URL, {"actor": "-1.9e+90"}).status_code == 400
    assert client.get(AUDIT_URL, {"actor": str(2**64)}).status_code == 400
    assert client.get(AUDIT_URL, {"actor": "1.5"}).status_code == 400
    assert client.get(AUDIT_URL, {"page": "abc"}).status_code == 404
    assert client.get(AUDIT_URL, {"page_size": "-1"}).status_code == 200
    assert client.get(AUDIT_URL, {"ordering": "password"}).status_code == 200
    assert client.get(AUDIT_URL, {"created_before": "2024-02-30"}).status_code == 400
    assert client.get(f"{COMMITMENTS_URL}99999999999999999999999/").status_code == 404
