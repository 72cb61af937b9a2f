"""A person's own data: the download, and deleting the account by anonymising it."""

import json

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from consultation.models import Answer
from core import personal_data
from core.audit import audit_record
from core.models import AuditEntry
from core.roles import Role, role_group_name
from tests.factories import AnswerFactory, RegisteredResponseFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "una-password-lunga-2026"
EMAIL = "giulia.verdi@example.org"


@pytest.fixture
def registered(db):
    from django.contrib.auth.models import Group

    user = UserFactory(
        username=EMAIL, email=EMAIL, first_name="Giulia", last_name="Verdi", password=PASSWORD
    )
    group, _ = Group.objects.get_or_create(name=role_group_name(Role.CITIZEN))
    user.groups.add(group)
    return user


@pytest.fixture
def plugged_in(monkeypatch):
    """An app's exporter and eraser, as consultation registers them in its ready()."""
    erased = []
    monkeypatch.setattr(personal_data, "_exporters", {})
    monkeypatch.setattr(personal_data, "_erasers", [])
    personal_data.register_exporter(
        "consultation_answers", lambda *, user: [{"question": "Priorità?", "answer": "Parchi"}]
    )
    personal_data.register_eraser(lambda *, user: erased.append(user.pk))
    return erased


def test_the_data_page_needs_an_account(client):
    response = client.get(reverse("my_data"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_data_page_shows_the_account_and_its_actions(client, registered):
    client.force_login(registered)

    content = client.get(reverse("my_data")).content.decode()

    assert EMAIL in content
    assert reverse("my_data_download") in content
    assert reverse("account_delete") in content


def test_download_my_data_is_a_json_file_of_the_account_and_registered_exporters(
    client, registered, plugged_in
):
    client.force_login(registered)

    response = client.get(reverse("my_data_download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["username"] == EMAIL
    assert data["account"]["email"] == EMAIL
    assert data["account"]["first_name"] == "Giulia"
    assert data["account"]["last_name"] == "Verdi"
    assert data["account"]["date_joined"].startswith(str(registered.date_joined.year))
    assert data["consultation_answers"] == [{"question": "Priorità?", "answer": "Parchi"}]


def test_registering_an_exporter_twice_exports_it_once(plugged_in, registered):
    personal_data.register_exporter("consultation_answers", lambda *, user: ["again"])

    assert personal_data.personal_data_export(registered)["consultation_answers"] == ["again"]


def test_deleting_the_account_needs_the_password(client, registered, plugged_in, english):
    client.force_login(registered)

    response = client.post(
        reverse("account_delete"), {"password": "not-my-password"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "The password is not right" in response.content.decode()
    registered.refresh_from_db()
    assert registered.email == EMAIL
    assert registered.is_active
    assert plugged_in == []
    assert not AuditEntry.objects.filter(verb="account.erased").exists()


def test_deleting_the_account_anonymises_it_erases_app_data_and_logs_out(
    client, registered, plugged_in
):
    # An earlier row that named the person, from their address.
    audit_record(actor=registered, verb="citizen.verified", target=registered)
    AuditEntry.objects.update(ip_address="203.0.113.9", user_agent="Firefox")
    client.force_login(registered)

    response = client.post(
        reverse("account_delete"), {"password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert plugged_in == [registered.pk]
    user = User.objects.get(pk=registered.pk)
    assert user.username.startswith("deleted-")
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert not user.has_usable_password()
    assert not user.is_active
    assert not user.groups.exists()
    assert not Client().login(username=EMAIL, password=PASSWORD)
    assert not Client().login(username=user.username, password=PASSWORD)
    erased = AuditEntry.objects.get(verb="account.erased")
    assert erased.ip_address is None
    assert erased.user_agent == ""
    for row in AuditEntry.objects.all():
        text = f"{row.actor_repr} {row.target_repr} {row.data} {row.ip_address} {row.user_agent}"
        assert EMAIL not in text
        assert "Giulia" not in text
        assert "203.0.113.9" not in text


def test_deleting_the_account_keeps_other_peoples_audit_rows(client, registered):
    other = UserFactory(username="manager.prato")
    audit_record(actor=other, verb="programme.created", target=other)
    client.force_login(registered)

    client.post(reverse("account_delete"), {"password": PASSWORD})

    row = AuditEntry.objects.get(verb="programme.created")
    assert row.actor_repr == "manager.prato"


def test_an_account_with_a_role_in_the_programme_is_closed_by_an_administrator(client, manager):
    manager.set_password(PASSWORD)
    manager.save()
    client.force_login(manager)

    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 403
    manager.refresh_from_db()
    assert manager.is_active
    assert manager.username == "manager"


def test_a_deleted_citizens_answers_stay_counted_without_their_name(client, registered):
    """The consultation app's own exporter and eraser, as registered in its ready()."""
    answer = AnswerFactory(response=RegisteredResponseFactory(citizen=registered))
    client.force_login(registered)

    download = json.loads(client.get(reverse("my_data_download")).content)
    client.post(reverse("account_delete"), {"password": PASSWORD})

    assert download["consultation_answers"], "the download holds the citizen's answers"
    answer.response.refresh_from_db()
    assert answer.response.citizen is None
    assert Answer.objects.filter(pk=answer.pk).exists()
