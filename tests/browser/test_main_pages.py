"""The main pages, each as its usual reader sees it: accessible, and free of browser errors.

Screenshots go to var/test-artifacts/screenshots/; with REGIA_DOCS_SCREENSHOTS=1 (what
``python tests/browser/screenshots.py`` sets) they also refresh docs/screenshots/, which the
README shows.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from programme.models import Indicator, Milestone, Plan, Project, Risk
from tests.browser.conftest import (
    PHONE,
    assert_no_horizontal_scroll,
    axe_violations,
    describe_violations,
    horizontal_overflow,
    login,
    logout,
    switch_language,
)

pytestmark = pytest.mark.usefixtures("demo")


def test_main_public_pages_are_accessible(page: Page, shoot):
    page.goto("/")
    shoot("home")

    page.goto("/accounts/login/")
    shoot("login")

    page.goto("/public/")
    shoot("public")

    page.goto("/open-data/")
    shoot("open-data")

    project = Project.objects.public().get(title="Open City platform")
    page.set_viewport_size(PHONE)
    page.goto(f"/public/projects/{project.pk}/")
    expect(page.locator("h1")).to_have_text(project.title)
    assert_no_horizontal_scroll(page)
    shoot("public-project-phone")


def test_main_pages_of_a_programme_manager_are_accessible(page: Page, shoot):
    login(page, "manager")

    page.goto("/dashboard/innovare-livorno/")
    shoot("dashboard")

    project = Project.objects.get(title="Open City platform")
    page.goto(f"/projects/{project.pk}/")
    expect(page.locator("h1")).to_have_text(project.title)
    shoot("project-overview")

    page.goto("/projects/")
    shoot("projects")

    plan = Plan.objects.filter(programme__slug="innovare-livorno").order_by("pk").first()
    page.goto(f"/plans/{plan.pk}/")
    shoot("plan")

    page.goto("/partners/")
    shoot("partners")

    page.goto("/meetings/")
    shoot("meetings")

    logout(page)
    expect(page.locator(".regia-user-name")).to_have_count(0)


def test_council_area_is_accessible(page: Page, shoot):
    login(page, "council")
    page.locator("#main-menu a[href='/council/']").click()
    expect(page).to_have_url(re.compile(r"/council/$"))
    shoot("council")


def links_in(page: Page, path: str, pattern: str) -> str:
    """The first link of the page at ``path`` whose address matches ``pattern``."""
    page.goto(path)
    hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.pathname)")
    return next(href for href in hrefs if re.fullmatch(pattern, href))


def manager_pages(page: Page) -> list[str]:
    """Every page a programme manager works with, forms included, on the demo data."""
    project = Project.objects.get(title="Open City platform")
    proposed = Project.objects.filter(status=Project.Status.PROPOSED).order_by("pk").first()
    milestone = Milestone.objects.filter(project=project).order_by("pk").first()
    indicator = Indicator.objects.filter(project=project).order_by("pk").first()
    risk = Risk.objects.filter(project=project).order_by("pk").first()
    return [
        "/",
        "/dashboard/",
        "/dashboard/prato-smart-city/",
        "/projects/?q=cloud",
        f"/projects/{proposed.pk}/",
        "/plans/",
        links_in(page, "/plans/", r"/plans/\d+/"),
        "/partners/",
        links_in(page, "/partners/", r"/partners/\d+/"),
        "/partners/agreements/",
        links_in(page, "/partners/agreements/", r"/partners/agreements/\d+/"),
        "/partners/data-sharing/",
        "/meetings/",
        links_in(page, "/meetings/", r"/meetings/\d+/"),
        "/projects/new/",
        f"/projects/{project.pk}/edit/",
        f"/projects/{project.pk}/milestones/new/",
        f"/milestones/{milestone.pk}/edit/",
        f"/projects/{project.pk}/indicators/new/",
        f"/indicators/{indicator.pk}/edit/",
        f"/indicators/{indicator.pk}/measurements/new/",
        f"/projects/{project.pk}/risks/new/",
        f"/risks/{risk.pk}/edit/",
        f"/projects/{proposed.pk}/transition/?to=under_assessment",
    ]


def sweep(page: Page, paths: list[str], *, phone: bool = False) -> list[str]:
    """Open each page; what is wrong with any of them, all pages told at once."""
    problems = []
    for path in paths:
        response = page.goto(path)
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        if (headings := page.locator("h1").count()) != 1:
            problems.append(f"{path}: {headings} h1 elements, not one")
        if violations := axe_violations(page):
            problems.append(describe_violations(path, violations))
        if phone and (overflow := horizontal_overflow(page)) > 0:
            problems.append(f"{path}: scrolls sideways by {overflow}px on a 390px-wide phone")
    return problems


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_page_of_a_programme_manager_is_accessible(page: Page, language):
    login(page, "manager")
    if language != "it":
        switch_language(page, language)
    problems = sweep(page, manager_pages(page))
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert not problems, "\n".join(problems)


def test_every_page_of_a_programme_manager_fits_a_phone(page: Page):
    page.set_viewport_size(PHONE)
    login(page, "manager")
    problems = sweep(page, manager_pages(page), phone=True)
    assert not problems, "\n".join(problems)


def test_pages_of_a_partner_representative_are_accessible(page: Page):
    login(page, "partner.gida")
    paths = ["/", "/projects/", "/partners/", "/partners/agreements/", "/partners/data-sharing/"]
    paths.append(links_in(page, "/projects/", r"/projects/\d+/"))
    problems = sweep(page, paths)
    assert not problems, "\n".join(problems)
