"""One journey per role, in Italian, in a real browser, on the demo data.

Each main page a journey visits is checked with axe (WCAG 2.1 A/AA) and photographed into
var/test-artifacts/screenshots/<test>/; any console error (a CSP violation is one) fails it.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from playwright.sync_api import Page, expect

from partners.models import Agreement
from portal.demo import DEMO_PASSWORD
from programme.models import Milestone, Project, StatusChange
from tests.browser.conftest import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    login,
    logout,
)

pytestmark = pytest.mark.usefixtures("demo")

NEW_TITLE = "Sensori di qualità dell'aria nel porto"
NEW_CUP = "E41B26000010001"


def label(choice) -> str:
    """A status as the Italian interface shows it."""
    with translation.override("it"):
        return str(choice.label)


def overview_path(project: Project) -> str:
    return f"/projects/{project.pk}/"


def test_manager_creates_a_project_and_moves_it_to_approved(page: Page, screenshot):
    login(page, "manager")
    page.locator("#main-menu a[href='/projects/']").click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
    assert_accessible(page)
    screenshot("01-projects")

    page.locator("main a[href^='/projects/new/']").first.click()
    expect(page).to_have_url(re.compile(r"/projects/new/"))
    assert_accessible(page)
    screenshot("02-new-project")

    # Nothing filled in: the form says what is missing, field by field, and saves nothing.
    before = Project.objects.count()
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    expect(page.locator("select[name=programme]")).to_have_attribute("aria-invalid", "true")
    assert Project.objects.count() == before
    assert_accessible(page)
    screenshot("03-new-project-errors")

    page.locator("select[name=programme]").select_option(label="Innovare Livorno")
    page.locator("input[name=title]").fill(NEW_TITLE)
    page.locator("input[name=summary]").fill(
        "Centraline per misurare PM10 e NO2 nell'area portuale."
    )
    page.locator("input[name=cup]").fill(NEW_CUP)
    page.locator("input[name=total_cost]").fill("250000")
    page.locator("select[name=lead_organisation]").select_option(label="Comune di Livorno")
    page.locator("input[name=planned_start]").fill("2027-01-01")
    page.locator("input[name=planned_end]").fill("2028-12-31")
    page.locator("main form[method=post] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/projects/\d+/$"))
    project = Project.objects.get(title=NEW_TITLE)
    expect(page).to_have_url(re.compile(re.escape(overview_path(project)) + "$"))
    expect(page.locator("h1")).to_have_text(NEW_TITLE)
    expect(current_status(page)).to_have_text(label(Project.Status.PROPOSED))
    assert project.status == Project.Status.PROPOSED
    assert_accessible(page)
    screenshot("04-overview-proposed")

    # proposed → under assessment: no act needed.
    move_to(page, Project.Status.UNDER_ASSESSMENT)
    expect(current_status(page)).to_have_text(label(Project.Status.UNDER_ASSESSMENT))

    # under assessment → approved: without the act the step is refused, and nothing changes.
    open_step(page, Project.Status.APPROVED)
    assert_accessible(page)
    screenshot("05-approve-form")
    page.locator("#transition-form button[type=submit]").click()
    expect(
        page.locator("#transition-form .invalid-feedback, #transition-form [role=alert]").first
    ).to_be_visible()
    project.refresh_from_db()
    assert project.status == Project.Status.UNDER_ASSESSMENT
    assert_accessible(page)
    screenshot("06-approve-refused")

    form = page.locator("#transition-form form")
    form.locator("select[name=act_kind]").select_option(index=1)
    form.locator("input[name=act_number]").fill("412")
    form.locator("input[name=act_date]").fill("2026-11-20")
    form.locator("textarea[name=note]").fill("Approvato dalla Giunta")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(re.escape(overview_path(project)) + r"(#.*)?$"))
    expect(current_status(page)).to_have_text(label(Project.Status.APPROVED))
    history = page.locator("#history")
    expect(history).to_contain_text(label(Project.Status.APPROVED))
    expect(history).to_contain_text(label(Project.Status.UNDER_ASSESSMENT))
    expect(history).to_contain_text("412")
    expect(history).to_contain_text("Approvato dalla Giunta")
    assert_accessible(page)
    screenshot("07-overview-approved")

    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED
    assert list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Project), object_id=project.pk
        )
        .order_by("pk")
        .values_list("to_status", flat=True)
    )[-2:] == [Project.Status.UNDER_ASSESSMENT, Project.Status.APPROVED]


def current_status(page: Page):
    """ "The project is now <strong>status</strong>", in the workflow section of the overview."""
    return page.locator("#workflow p strong").first


def open_step(page: Page, status: str) -> None:
    """Press the workflow button of ``status``: htmx loads the step's form under the buttons."""
    page.locator(f"#workflow a[href$='?to={status}']").click()
    expect(page.locator("#transition-form form")).to_be_visible()


def move_to(page: Page, status: str) -> None:
    open_step(page, status)
    page.locator("#transition-form button[type=submit]").click()
    page.wait_for_load_state()


def test_project_manager_marks_a_milestone_done_in_place(page: Page, screenshot):
    project = Project.objects.get(title="Open City platform")
    milestone = (
        Milestone.objects.filter(project=project, completed_on__isnull=True)
        .order_by("due_on")
        .first()
    )
    login(page, "pm.livorno")
    page.locator("#main-menu a[href='/projects/']").click()
    page.locator(f"main a[href='{overview_path(project)}']").first.click()
    expect(page.locator("h1")).to_have_text(project.title)
    assert_accessible(page)
    screenshot("01-overview")

    row = page.locator(f"#milestone-{milestone.pk}")
    # A mark set on the page survives only if the page is not reloaded: htmx swaps the row.
    page.evaluate("() => { window.regiaNotReloaded = true; }")
    row.locator("button[type=submit]").click()
    expect(row.locator(".regia-state-done")).to_be_visible()
    assert page.evaluate("() => window.regiaNotReloaded === true")
    assert_accessible(page)
    screenshot("02-milestone-done")

    milestone.refresh_from_db()
    assert milestone.completed_on is not None

    page.reload()
    expect(page.locator(f"#milestone-{milestone.pk} .regia-state-done")).to_be_visible()


def test_project_manager_cannot_change_a_project_not_theirs(page: Page, page_problems):
    page_problems.allow(r"status of 40[34]")
    other = Project.objects.get(title="Rete in fibra ottica a banda ultra-larga")
    login(page, "pm.livorno")
    response = page.goto(f"/projects/{other.pk}/edit/")
    # Outside their projects: 404 (they cannot read it) or 403 (they can read, not change).
    assert response.status in (403, 404)


def test_council_member_browses_the_dashboard_to_a_project(page: Page, screenshot):
    login(page, "council")
    page.locator("#main-menu a[href='/dashboard/']").click()
    expect(page).to_have_url(re.compile(r"/dashboard/"))
    assert_accessible(page)
    screenshot("01-dashboards")

    if "/dashboard/innovare-livorno/" not in page.url:
        page.locator("main a[href='/dashboard/innovare-livorno/']").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/innovare-livorno/$"))
    expect(page.locator("h1")).to_contain_text("Innovare Livorno")
    assert_accessible(page)
    screenshot("02-dashboard")

    project = Project.objects.get(title="Open City platform")
    page.locator(f"main a[href='{overview_path(project)}']").first.click()
    expect(page.locator("h1")).to_have_text(project.title)
    # Read-only: no workflow buttons, no milestone actions, no edit link.
    expect(page.locator("#workflow a.btn")).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    expect(page.locator(f"main a[href='/projects/{project.pk}/edit/']")).to_have_count(0)
    assert_accessible(page)
    screenshot("03-project")


def test_anonymous_visitor_reads_public_pages_on_a_phone(page: Page, page_problems, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert_no_horizontal_scroll(page)
    # On a phone the menu folds behind its button.
    page.locator("button.custom-navbar-toggler").click()
    page.locator("#main-menu a[href='/public/']").click()
    expect(page).to_have_url(re.compile(r"/public/$"))
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot("01-public")

    page.locator("main a[href^='/public/programmes/']").first.click()
    expect(page).to_have_url(re.compile(r"/public/programmes/[\w-]+/$"))
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot("02-public-programme")

    page.locator("main a[href^='/public/projects/']").first.click()
    expect(page).to_have_url(re.compile(r"/public/projects/\d+/$"))
    expect(page.locator("main")).to_contain_text("CUP")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot("03-public-project")

    page.goto("/open-data/")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot("04-open-data")

    # A manager's page: the login page instead, which brings them back after logging in.
    before = Project.objects.count()
    page.goto("/projects/new/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/projects/new/"))
    expect(page.locator("input[name=username]")).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot("05-refused")

    # Logged in as a citizen, they are back on the page, and refused: 403, with its page.
    page_problems.allow(r"status of 40[34]")
    page.locator("input[name=username]").fill("citizen")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_response(lambda response: response.url.endswith("/projects/new/")) as refusal:
        page.locator("form.regia-login-form button[type=submit]").click()
    assert refusal.value.status == 403
    expect(page.locator("h1")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot("06-forbidden")

    # A project not approved yet is not public: it does not exist for them.
    draft = Project.objects.filter(status=Project.Status.PROPOSED).order_by("pk").first()
    response = page.goto(f"/public/projects/{draft.pk}/")
    assert response.status == 404
    assert_accessible(page)
    assert Project.objects.count() == before


def test_without_javascript_the_same_steps_work_as_plain_forms(page_without_javascript: Page):
    page = page_without_javascript
    project = Project.objects.get(title="Open City platform")
    milestone = (
        Milestone.objects.filter(project=project, completed_on__isnull=True)
        .order_by("due_on")
        .first()
    )
    login(page, "pm.livorno")
    page.goto(overview_path(project))
    page.locator(f"#milestone-{milestone.pk} button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(overview_path(project))))
    expect(page.locator(f"#milestone-{milestone.pk} .regia-state-done")).to_be_visible()
    milestone.refresh_from_db()
    assert milestone.completed_on is not None
    logout(page)

    proposed = Project.objects.filter(status=Project.Status.PROPOSED).order_by("pk").first()
    login(page, "manager")
    page.goto(overview_path(proposed))
    page.locator(f"#workflow a[href$='?to={Project.Status.UNDER_ASSESSMENT}']").click()
    expect(page).to_have_url(re.compile(r"/transition/\?to=under_assessment$"))
    expect(page.locator("h1")).to_have_count(1)
    page.locator("#transition-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(overview_path(proposed))))
    expect(current_status(page)).to_have_text(label(Project.Status.UNDER_ASSESSMENT))
    proposed.refresh_from_db()
    assert proposed.status == Project.Status.UNDER_ASSESSMENT


def test_partner_reads_their_protocol_and_not_another_partners(
    page: Page, page_problems, screenshot
):
    prato = Agreement.objects.get(signatories__organisation__name__startswith="GIDA")
    livorno = Agreement.objects.exclude(pk=prato.pk).get(
        signatories__organisation__name__startswith="Telecom"
    )
    login(page, "partner.gida")
    page.locator("#main-menu a[href='/partners/']").click()
    page.locator("main a[href='/partners/agreements/']").first.click()
    expect(page.locator(f"main a[href='/partners/agreements/{prato.pk}/']")).to_be_visible()
    expect(page.locator(f"main a[href='/partners/agreements/{livorno.pk}/']")).to_have_count(0)
    assert_accessible(page)
    screenshot("01-agreements")

    page.locator(f"main a[href='/partners/agreements/{prato.pk}/']").first.click()
    expect(page.locator("h1")).to_have_text(prato.title)
    assert_accessible(page)
    screenshot("02-protocol")

    page_problems.allow(r"status of 404")
    response = page.goto(f"/partners/agreements/{livorno.pk}/")
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text(livorno.title)
