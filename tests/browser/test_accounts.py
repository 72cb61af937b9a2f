"""Home, login, password change and password reset in a real browser, in Italian and English.

Each page is checked with axe (WCAG 2.1 A/AA) and must raise no console error: the
Content-Security-Policy holds without unsafe-inline.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login, switch_language
from tests.factories import PASSWORD

LANGUAGES = ["it", "en"]


def open_in(page: Page, path: str, language: str) -> None:
    page.goto(path)
    if language != "it":
        switch_language(page, language)
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_is_accessible(page: Page, screenshot, language):
    open_in(page, "/", language)

    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile("Accedi|Log in")).first).to_be_visible()
    assert_accessible(page)
    screenshot(f"home-{language}")


def test_language_button_switches_the_interface_and_back(page: Page):
    page.goto("/")
    expect(page.get_by_role("navigation", name="Menu principale")).to_be_attached()

    switch_language(page, "en")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_attached()

    switch_language(page, "it")
    expect(page.get_by_role("navigation", name="Menu principale")).to_be_attached()


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_is_accessible_with_and_without_errors(page: Page, screenshot, language):
    open_in(page, "/accounts/login/", language)
    assert_accessible(page)
    screenshot(f"login-{language}")

    page.locator("input[name=username]").fill("manager")
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("form.regia-login-form button[type=submit]").click()

    expect(page.locator("#login-errors")).to_be_visible()
    expect(page.locator(".regia-user-name")).to_have_count(0)
    assert_accessible(page)
    screenshot(f"login-error-{language}")


def test_login_shows_who_is_logged_in_with_role_and_organisation(page: Page, manager, screenshot):
    login(page, "manager", PASSWORD)

    expect(page.locator(".regia-user-name")).to_be_visible()
    expect(page.locator(".regia-user-role")).not_to_be_empty()
    assert_accessible(page)
    screenshot("home-manager")

    page.locator("button.regia-logout").click()
    expect(page.locator(".regia-user-name")).to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_password_change_pages_are_accessible(page: Page, citizen, screenshot, language):
    login(page, "citizen", PASSWORD)
    open_in(page, "/accounts/password/", language)
    assert_accessible(page)
    screenshot(f"password-change-{language}")

    # A wrong current password: the errors are on the page, tied to their fields.
    page.locator("input[name=old_password]").fill("wrong")
    page.locator("input[name=new_password1]").fill("a-new-long-password-2026")
    page.locator("input[name=new_password2]").fill("a-new-long-password-2026")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("input[name=old_password]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    screenshot(f"password-change-error-{language}")

    page.locator("input[name=old_password]").fill(PASSWORD)
    page.locator("input[name=new_password1]").fill("a-new-long-password-2026")
    page.locator("input[name=new_password2]").fill("a-new-long-password-2026")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/done/$"))
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_password_reset_by_email_pages_are_accessible(
    page: Page, council_member, screenshot, language
):
    mail.outbox.clear()
    open_in(page, "/accounts/login/", language)
    page.locator("a[href='/accounts/password/reset/']").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/$"))
    assert_accessible(page)
    screenshot(f"password-reset-{language}")

    page.locator("input[name=email]").fill(council_member.email)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/sent/$"))
    assert_accessible(page)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    expect(page.locator("input[name=new_password1]")).to_be_visible()
    assert_accessible(page)
    screenshot(f"password-reset-confirm-{language}")

    page.locator("input[name=new_password1]").fill("another-long-password-2026")
    page.locator("input[name=new_password2]").fill("another-long-password-2026")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/complete/$"))
    assert_accessible(page)

    login(page, "council", "another-long-password-2026")


def test_the_policy_blocks_inline_styles_and_scripts_and_the_test_notices(
    page: Page, page_problems
):
    page.goto("/")
    page.evaluate(
        """() => {
            const style = document.createElement("style");
            style.textContent = "body { color: red; }";
            document.head.appendChild(style);
            const script = document.createElement("script");
            script.textContent = "window.regiaInlineRan = true;";
            document.head.appendChild(script);
        }"""
    )
    page.wait_for_timeout(200)

    assert not page.evaluate("() => window.regiaInlineRan === true")
    blocked = [
        problem for problem in page_problems.problems if "Content Security Policy" in problem
    ]
    assert len(blocked) == 2, page_problems.problems
    # Expected here: the page fixture would otherwise fail the test for them.
    page_problems.problems.clear()
