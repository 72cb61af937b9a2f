"""Accounts and the frame of every page: who is logged in, password change and reset, CSP."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def test_header_shows_who_is_logged_in_with_role_and_organisation(client, manager, english):
    client.force_login(manager)

    content = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    header = content.split("</header>")[0]
    assert (manager.get_full_name() or manager.get_username()) in header
    assert "Programme manager" in header
    assert "Comune di Livorno" in header


def test_header_shows_a_partner_representative_and_their_organisation(client, partner_rep, english):
    client.force_login(partner_rep)

    header = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    header = header.split("</header>")[0]

    assert "Partner representative" in header
    assert "Gida S.p.A." in header
    assert "Programme manager" not in header


def test_visitors_see_no_account_in_the_header(client, english):
    header = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    header = header.split("</header>")[0]

    assert "Log in" in header
    assert "Log out" not in header


def test_every_page_carries_a_policy_without_unsafe_inline(client):
    response = client.get(reverse("login"))

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_have_no_inline_script_or_style(client, manager):
    client.force_login(manager)

    content = client.get(reverse("portal:home")).content.decode()

    assert " style=" not in content
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)
    assert not re.search(r"\son[a-z]+=", content)


@override_settings(
    REGIA_ACCESSIBILITY_STATEMENT_URL="https://form.agid.gov.it/view/comune-di-prato",
    REGIA_ACCESSIBILITY_FEEDBACK_URL="mailto:urp@comune.prato.it",
)
def test_footer_links_the_configured_accessibility_statement_and_feedback(client):
    footer = client.get(reverse("portal:home")).content.decode().split('id="page-footer"')[1]

    assert 'href="https://form.agid.gov.it/view/comune-di-prato"' in footer
    assert 'href="mailto:urp@comune.prato.it"' in footer


def test_a_user_changes_their_password(client):
    user = UserFactory(username="anna", password=PASSWORD)
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-2026",
            "new_password2": "another-long-password-2026",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-password-2026")


def test_a_wrong_current_password_changes_nothing_and_says_so(client, english):
    user = UserFactory(username="anna", password=PASSWORD)
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not-my-password",
            "new_password1": "another-long-password-2026",
            "new_password2": "another-long-password-2026",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Your old password was entered incorrectly" in content
    assert 'aria-invalid="true"' in content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_an_account(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = UserFactory(username="anna", email="anna@comune.livorno.it", password=PASSWORD)

    response = client.post(reverse("password_reset"), {"email": "anna@comune.livorno.it"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@comune.livorno.it"]
    assert "Regia" in message.subject
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-password-2026", "new_password2": "brand-new-password-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-password-2026")


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_forged_reset_link_is_refused(client, english):
    UserFactory(username="anna", email="anna@comune.livorno.it", password=PASSWORD)

    response = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "forged-token"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "no longer valid" in response.content.decode()


def test_login_then_logout(client):
    UserFactory(username="anna", password=PASSWORD)

    client.post(reverse("login"), {"username": "anna", "password": PASSWORD})
    assert SESSION_KEY in client.session
    client.post(reverse("logout"))

    assert SESSION_KEY not in client.session
