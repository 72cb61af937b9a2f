"""The public pages: home, login, logout and the language switch."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.staticfiles import finders
from django.urls import reverse

from partners.models import Organisation
from programme.models import Programme, Project

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def make_municipality(name: str) -> Organisation:
    return Organisation.objects.create(name=name, kind=Organisation.Kind.MUNICIPALITY)


def make_programme(owner: Organisation, name: str, slug: str, status: str) -> Programme:
    return Programme.objects.create(
        owner=owner,
        name=name,
        slug=slug,
        status=status,
        summary=f"{name} summary",
        starts_on=date(2019, 1, 1),
        ends_on=date(2021, 12, 31),
    )


@pytest.fixture
def programmes():
    livorno = make_municipality("Comune di Livorno")
    prato = make_municipality("Comune di Prato")
    published = make_programme(livorno, "Innovare Livorno", "innovare-livorno", "published")
    draft = make_programme(prato, "Situation Room draft", "situation-room", "draft")
    return published, draft


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(username="pm.test", password=PASSWORD)


def get_home(client, **headers):
    return client.get(reverse("portal:home"), **headers)


def test_home_answers_anonymous_visitors(client):
    response = get_home(client)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")


def test_home_shows_published_programmes_with_their_owner_and_hides_drafts(client, programmes):
    published, _draft = programmes

    response = get_home(client)

    content = response.content.decode()
    assert list(response.context["programmes"]) == [published]
    assert "Innovare Livorno" in content
    assert "Comune di Livorno" in content
    assert "Situation Room draft" not in content
    assert "Comune di Prato" not in content


def test_home_says_when_no_programme_is_published(client):
    make_programme(make_municipality("Comune di Prato"), "Draft only", "draft-only", "draft")

    response = get_home(client, HTTP_ACCEPT_LANGUAGE="en")

    assert "No programme is published yet." in response.content.decode()
    assert "Draft only" not in response.content.decode()


def test_home_counts_only_public_projects_of_published_programmes(client, programmes):
    published, draft = programmes
    owner = published.owner
    Project.objects.create(
        programme=published,
        title="Open City platform",
        lead_organisation=owner,
        status=Project.Status.APPROVED,
        cup="J41H13000010001",
    )
    Project.objects.create(programme=published, title="Only proposed", lead_organisation=owner)
    Project.objects.create(
        programme=draft,
        title="Approved in a draft programme",
        lead_organisation=draft.owner,
        status=Project.Status.APPROVED,
        cup="J41H13000010002",
    )

    response = get_home(client)

    assert response.context["public_projects"] == 1
    assert re.search(r'class="regia-figure-number">\s*1\s*<', response.content.decode())


def test_home_links_to_login_and_admin(client):
    content = get_home(client).content.decode()

    assert f'href="{reverse("login")}"' in content
    assert f'href="{reverse("admin:index")}"' in content


def test_pages_have_no_inline_script_or_style_for_a_strict_csp(client, member):
    pages = [get_home(client), client.get(reverse("login"))]
    client.force_login(member)
    pages.append(get_home(client))

    for response in pages:
        content = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content)
        assert not re.search(r"\sstyle=", content)
        assert "<style" not in content


def test_fonts_are_declared_in_our_stylesheet_and_exist():
    stylesheet = finders.find("portal/regia.css")
    assert stylesheet is not None
    urls = re.findall(r'url\("([^"]+)"\)', Path(stylesheet).read_text())

    assert any("titillium-web" in url for url in urls)
    for url in urls:
        # Relative to /static/portal/regia.css.
        assert url.startswith("../fonts/")
        assert finders.find(url.removeprefix("../")) is not None, url


def test_login_page_renders_its_form(client):
    response = client.get(reverse("login"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in content
    assert 'type="password"' in content
    assert 'name="csrfmiddlewaretoken"' in content


def test_login_with_good_credentials_logs_in_and_redirects_home(client, member):
    response = client.post(reverse("login"), {"username": "pm.test", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert client.session[SESSION_KEY] == str(member.pk)


def test_login_follows_a_safe_next_url(client, member):
    response = client.post(
        reverse("login"),
        {"username": "pm.test", "password": PASSWORD, "next": reverse("admin:index")},
    )

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_login_with_bad_credentials_shows_an_error_and_does_not_log_in(client, member):
    response = client.post(
        reverse("login"),
        {"username": "pm.test", "password": "wrong-password"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'class="alert alert-danger"' in content
    assert "Please enter a correct username and password" in content
    # What was typed as the username is kept; the password never is.
    assert 'value="pm.test"' in content
    assert "wrong-password" not in content
    assert SESSION_KEY not in client.session


def test_login_with_an_empty_field_marks_that_field_invalid(client):
    response = client.post(reverse("login"), {"username": "pm.test", "password": ""})

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password-errors"' in content
    assert 'aria-invalid="true"' in content
    assert SESSION_KEY not in client.session


def test_logged_in_user_sees_their_name_and_a_logout_form(client, member):
    client.force_login(member)

    content = get_home(client).content.decode()

    assert "pm.test" in content
    assert f'action="{reverse("logout")}" method="post"' in content


def test_admin_link_in_the_menu_only_for_staff(client, member, django_user_model):
    client.force_login(member)
    assert 'class="nav-link" href="/admin/"' not in get_home(client).content.decode()

    staff = django_user_model.objects.create_user(
        username="staff.test", password=PASSWORD, is_staff=True
    )
    client.force_login(staff)
    assert 'class="nav-link" href="/admin/"' in get_home(client).content.decode()


def test_logout_by_post_logs_out(client, member):
    client.force_login(member)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert SESSION_KEY not in client.session


def test_logout_by_get_is_refused(client, member):
    client.force_login(member)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(member.pk)


def test_pages_are_italian_by_default(client):
    assert '<html lang="it">' in get_home(client).content.decode()


def test_language_switch_to_english_changes_the_html_lang(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.url == "/"
    assert '<html lang="en">' in get_home(client).content.decode()

    client.post(reverse("set_language"), {"language": "it", "next": "/"})
    assert '<html lang="it">' in get_home(client).content.decode()


def test_language_switch_offers_italian_and_english(client):
    content = get_home(client).content.decode()

    assert f'action="{reverse("set_language")}" method="post"' in content
    assert 'name="language" value="it"' in content
    assert 'name="language" value="en"' in content
