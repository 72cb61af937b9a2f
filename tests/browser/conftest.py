"""Browser tests: Debian's chromium driven by Playwright against a live Django server.

Every test here gets a live server (the ``demo`` fixture loads ``seed_demo`` into it), a
page that fails the test on any console error (a Content-Security-Policy violation is one)
or uncaught script error, and helpers to log in, check a page with axe (WCAG 2.1 A and AA)
and save screenshots under ``var/test-artifacts/screenshots/``.

Without /usr/bin/chromium the tests are skipped; under CI=true they fail instead, as the
server tests of tests/conftest.py do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from core.roles import Role, role_group_name
from portal.demo import DEMO_PASSWORD
from portal.roles import ROLE_PERMISSIONS
from tests.conftest import IN_CI

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# (the seed, checks on what a page saved) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("REGIA_CHROMIUM", "/usr/bin/chromium"))
NEEDS_CHROMIUM = f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "var" / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}

_axe = Axe()

# The machine running the suite may be busy (xdist workers, CI): wait longer than the 5s default.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright's fallback base_url fixture (pytest-base-url is not installed).
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )
    # pytest-playwright's own artefacts (a screenshot of the page when a test fails) go
    # beside ours, not into ./test-results. It empties that folder at the start of a run.
    if config.option.output == "test-results":
        config.option.output = str(ARTIFACTS / "playwright")
    if config.option.screenshot == "off":
        config.option.screenshot = "only-on-failure"
        config.option.full_page_screenshot = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if CHROMIUM.exists():
        return
    if IN_CI:
        pytest.fail(f"CI=true but this browser test {NEEDS_CHROMIUM}", pytrace=False)
    pytest.skip(NEEDS_CHROMIUM)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # `playwright install` cannot download browsers here: use the distribution's chromium.
    headless = browser_type_launch_args.get("headless", True)  # False with --headed
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": headless,
        "args": [
            *(["--headless"] if headless else []),
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server) -> dict:
    # Italian is the interface's first language; the tests that switch do it with the button.
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "it-IT",
        "timezone_id": "Europe/Rome",
        "viewport": {"width": 1280, "height": 900},
    }


def _ensure_role_groups() -> None:
    """The role groups the migration portal/0001_roles creates, which a flush has removed.

    Live-server tests are transactional: pytest-django empties every table after each one,
    data migrations included, and seed_demo puts people in these groups.
    """
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        for app_label, actions in ROLE_PERMISSIONS[role].items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__regex=rf"^({'|'.join(actions)})_",
                )
            )


@pytest.fixture
def demo(live_server) -> str:
    """The demo data on the live server's database; returns the server's URL."""
    _ensure_role_groups()
    call_command("seed_demo", stdout=StringIO())
    return live_server.url


class PageProblems:
    """What the browser reported as wrong while the test ran: console errors, script errors."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """Expect console errors matching ``pattern``: the 404 of a page refused on purpose."""
        self._allowed.append(re.compile(pattern))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        if any(pattern.search(text) for pattern in self._allowed):
            return
        where = message.location.get("url", "") if message.location else ""
        self.problems.append(
            f"console error on {message.page.url if message.page else where}: {text}"
        )

    def on_page_error(self, error: Error) -> None:
        self.problems.append(f"uncaught script error: {error.message}")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


def _fail_on(problems: PageProblems) -> None:
    if problems.problems:
        pytest.fail(
            "The browser reported errors (a CSP violation shows as a console error):\n"
            + "\n".join(f"  - {problem}" for problem in problems.problems),
            pytrace=False,
        )


@pytest.fixture
def page(page: Page, live_server, page_problems: PageProblems) -> Iterator[Page]:
    """A page on the live server, failing the test on any error the browser reports."""
    page.on("console", page_problems.on_console)
    page.on("pageerror", page_problems.on_page_error)
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    _fail_on(page_problems)


@pytest.fixture
def page_without_javascript(
    new_context, live_server, page_problems: PageProblems
) -> Iterator[Page]:
    """A page with JavaScript off: what htmx does must also work as plain forms and links."""
    page = new_context(java_script_enabled=False).new_page()
    page.on("console", page_problems.on_console)
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    _fail_on(page_problems)


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page, as a person would; ends on the page login leads to."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form.regia-login-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".regia-user-name")).to_be_visible()


def logout(page: Page) -> None:
    page.locator("button.regia-logout").click()
    page.wait_for_load_state()


def switch_language(page: Page, code: str) -> None:
    """Press the language button of the header (IT/EN) and wait for the page in that language."""
    page.locator(f"button.regia-language-button[value={code}]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f"  [{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"][:8]:
            target = " ".join(
                json.dumps(t) if not isinstance(t, str) else t for t in node["target"]
            )
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {node['html'][:160]}")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict]:
    """The WCAG 2.1 A and AA violations axe finds on the page as it is now."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def describe_violations(url: str, violations: list[dict]) -> str:
    return f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:\n" + (
        _format_violations(violations)
    )


def assert_accessible(page: Page) -> None:
    """Fail with a readable list if axe finds any WCAG 2.1 A or AA violation on the page."""
    if violations := axe_violations(page):
        pytest.fail(describe_violations(page.url, violations), pytrace=False)


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits its window)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size}"


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, page: Page):
    """``screenshot(name)`` saves the whole page under var/test-artifacts/screenshots/<test>/."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)

    def take(name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


DOCS_SCREENSHOTS = REPO / "docs" / "screenshots"
# A README image need not be a whole page: the top of a long page says what it is.
DOCS_MAX_HEIGHT = 2000


@pytest.fixture
def shoot(page: Page, screenshot):
    """``shoot(name)`` checks the page (one h1, axe) and photographs it; with
    REGIA_DOCS_SCREENSHOTS=1 (tests/browser/screenshots.py) it also refreshes
    docs/screenshots/<name>.png, unless ``docs=False``."""
    write_docs = os.environ.get("REGIA_DOCS_SCREENSHOTS") == "1"

    def take(name: str, *, docs: bool = True) -> None:
        expect(page.locator("h1")).to_have_count(1)
        assert_accessible(page)
        screenshot(name)
        if docs and write_docs:
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            width = page.viewport_size["width"]
            height = page.evaluate("() => document.documentElement.scrollHeight")
            page.screenshot(
                path=DOCS_SCREENSHOTS / f"{name}.png",
                full_page=True,
                clip={"x": 0, "y": 0, "width": width, "height": min(height, DOCS_MAX_HEIGHT)},
            )

    return take
