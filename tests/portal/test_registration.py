"""Citizens register with their e-mail address and confirm it through a signed link."""

import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse

from core.forms import HONEYPOT_FIELD
from core.models import AuditEntry
from core.roles import Role, role_group_name
from portal import citizens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "una-password-lunga-2026"
EMAIL = "giulia.verdi@example.org"


def _data(**overrides):
    data = {
        "first_name": "Giulia",
        "last_name": "Verdi",
        "email": EMAIL,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "privacy_notice": "on",
    }
    data.update(overrides)
    return data


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/verify/\S+/)", message.body).group(1)


def test_the_registration_page_links_the_privacy_notice_and_has_a_hidden_honeypot(client):
    content = client.get(reverse("register")).content.decode()

    assert reverse("privacy_notice") in content
    assert f'name="{HONEYPOT_FIELD}"' in content
    assert 'tabindex="-1"' in content
    assert 'autocomplete="off"' in content


def test_login_page_and_header_link_registration_for_visitors(client):
    assert reverse("register") in client.get(reverse("login")).content.decode()
    header = client.get(reverse("portal:home")).content.decode().split("</header>")[0]
    assert reverse("register") in header


def test_a_citizen_registers_confirms_the_address_and_is_logged_in(client, english):
    response = client.post(reverse("register"), _data(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response.url == reverse("register_done")
    user = User.objects.get(email=EMAIL)
    assert not user.is_active
    assert user.username == EMAIL
    assert user.groups.filter(name=role_group_name(Role.CITIZEN)).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    link = _link(mail.outbox[0])
    # An inactive account cannot log in yet.
    assert not client.login(username=EMAIL, password=PASSWORD)

    page = client.get(link)
    assert page.status_code == 200
    user.refresh_from_db()
    assert not user.is_active  # opening the link (a mail scanner, say) activates nothing

    response = client.post(link)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_used_link_says_the_account_is_active_already(client, english):
    client.post(reverse("register"), _data())
    link = _link(mail.outbox[0])
    client.post(link)
    client.logout()

    response = client.post(link, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 410
    assert "used already" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_expired_link_says_so_and_activates_nothing(client, english):
    client.post(reverse("register"), _data())
    link = _link(mail.outbox[0])

    with override_settings(REGIA_VERIFICATION_DAYS=0):
        response = client.post(link, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert not User.objects.get(email=EMAIL).is_active


def test_an_expired_link_is_refused_after_the_configured_days(client, english, monkeypatch):
    client.post(reverse("register"), _data())
    link = _link(mail.outbox[0])
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 4 * 24 * 3600)

    with override_settings(REGIA_VERIFICATION_DAYS=3):
        response = client.post(link, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 410
    assert not User.objects.get(email=EMAIL).is_active


def test_a_tampered_link_is_refused(client, english):
    client.post(reverse("register"), _data())
    link = _link(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    response = client.post(reverse("verify", args=[forged]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not User.objects.get(email=EMAIL).is_active


def test_a_link_for_another_account_cannot_be_forged_without_the_key(client):
    client.post(reverse("register"), _data())
    user = User.objects.get(email=EMAIL)
    forged = signing.dumps({"u": user.pk, "f": "0" * 32}, salt="regia.accounts.verify")

    response = client.post(reverse("verify", args=[forged]))

    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_a_link_does_not_reactivate_an_account_that_has_logged_in(client):
    """An administrator's deactivation is not undone by an old confirmation link."""
    client.post(reverse("register"), _data())
    link = _link(mail.outbox[0])
    client.post(link)
    client.logout()
    user = User.objects.get(email=EMAIL)
    user.is_active = False
    user.save()

    response = client.post(link)

    assert response.status_code in (400, 410)
    user.refresh_from_db()
    assert not user.is_active


def test_an_address_already_registered_gets_the_same_answer_and_no_second_account(client, english):
    UserFactory(username="giulia", email=EMAIL.upper())

    response = client.post(reverse("register"), _data(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response.url == reverse("register_done")
    assert User.objects.filter(email__iexact=EMAIL).count() == 1
    # Its owner hears about it; no confirmation link is sent.
    assert len(mail.outbox) == 1
    assert "/accounts/verify/" not in mail.outbox[0].body.replace("verify/resend", "")
    assert reverse("login") in mail.outbox[0].body
    done = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "If the address is not registered yet" in done


def test_a_weak_password_is_refused_and_nothing_is_created(client, english):
    response = client.post(
        reverse("register"),
        _data(password1="12345678", password2="12345678"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()
    assert mail.outbox == []


def test_differing_passwords_are_refused(client, english):
    response = client.post(
        reverse("register"), _data(password2=PASSWORD + "x"), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()


def test_the_privacy_notice_must_be_acknowledged(client, english):
    data = _data()
    del data["privacy_notice"]

    response = client.post(reverse("register"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert "Tick the box" in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()


def test_a_filled_honeypot_creates_nothing_and_says_nothing_specific(client, english):
    response = client.post(
        reverse("register"),
        _data(**{HONEYPOT_FIELD: "https://spam.example"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "The form could not be sent" in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()
    assert mail.outbox == []


@override_settings(REGIA_RATELIMIT_RATES={"registration": "2/h"})
def test_registrations_beyond_the_rate_get_429_with_retry_after(client, english):
    for number in range(2):
        client.post(reverse("register"), _data(email=f"person{number}@example.org"))

    response = client.post(
        reverse("register"), _data(email="third@example.org"), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many requests: try again in" in response.content.decode()
    assert not User.objects.filter(email="third@example.org").exists()


def test_registration_stores_no_ip_address(client):
    client.post(reverse("register"), _data(), REMOTE_ADDR="203.0.113.9")
    client.post(_link(mail.outbox[0]), REMOTE_ADDR="203.0.113.9")

    rows = AuditEntry.objects.filter(verb__startswith="citizen.")
    assert rows.count() == 2
    assert not rows.exclude(ip_address=None).exists()


def test_a_new_link_is_sent_for_an_account_awaiting_confirmation(client):
    client.post(reverse("register"), _data())
    mail.outbox.clear()

    response = client.post(reverse("verify_resend"), {"email": EMAIL.upper()})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    client.post(_link(mail.outbox[0]))
    assert User.objects.get(email=EMAIL).is_active


def test_no_link_is_sent_for_an_active_or_unknown_address(client):
    UserFactory(username="anna", email="anna@example.org")

    for email in ("anna@example.org", "nobody@example.org"):
        response = client.post(reverse("verify_resend"), {"email": email})
        assert response.status_code == 302
        assert response.url == reverse("register_done")
    assert mail.outbox == []


@override_settings(REGIA_REGISTRATION_OPEN=False)
def test_registration_can_be_closed(client):
    response = client.post(reverse("register"), _data())

    assert response.status_code == 404
    assert not User.objects.filter(email=EMAIL).exists()


def test_the_token_round_trips_for_an_inactive_account():
    user = citizens.citizen_register(
        email="Mario.Rossi@Example.org", first_name="Mario", last_name="Rossi", password=PASSWORD
    )

    assert user.email == "mario.rossi@example.org"
    check = citizens.verification_check(citizens.verification_token(user))
    assert check.user == user
    assert check.problem is None


def test_the_privacy_notice_is_public(client, english):
    response = client.get(reverse("privacy_notice"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "6(1)(e)" in response.content.decode()
