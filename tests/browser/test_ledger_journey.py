"""The co-financing ledger in a real browser, in Italian, on the demo data.

partner.gida pledges on a Prato project, confirms the pledge with its budget act and declares
a disbursement with a PDF as evidence; the manager verifies it in the queue and finds it
verified in the programme's reconciliation, by partner. Each page is checked with axe and
photographed; any console error (a CSP violation is one) fails the journey.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from funding.models import Commitment, Disbursement
from partners.models import Organisation
from portal.demo.prato import SLUG
from programme.models import Project
from tests.browser.conftest import assert_accessible, login, logout
from tests.core import files

pytestmark = pytest.mark.usefixtures("demo")

AMOUNT = Decimal("4321.50")
AMOUNT_IT = "4.321,50"
BUDGET_ACT = "Delibera CdA Gida n. 7 del 10 febbraio 2026"
REFERENCE = "GIDA-E2E-2026"


def euros(cell_text: str) -> Decimal:
    """An amount as the Italian page writes it (“12.345,67 €”)."""
    digits = re.sub(r"[^\d,]", "", cell_text).replace(",", ".")
    return Decimal(digits)


def verified_for_gida(page: Page) -> Decimal:
    """The “Verified” figure of Gida's row in the reconciliation's #by-partner section."""
    page.goto(f"/ledger/reconciliation/{SLUG}/")
    row = page.locator("#by-partner tbody tr", has=page.locator("th", has_text="Gida"))
    expect(row).to_have_count(1)
    # Partner | pledged | confirmed | declared | verified | withdrawn | outstanding
    return euros(row.locator("td").nth(3).inner_text())


def test_partner_pledges_confirms_declares_and_the_manager_verifies(
    page: Page, screenshot, tmp_path
):
    gida = Organisation.objects.get(name__icontains="Gida")
    project = (
        Project.objects.filter(programme__slug=SLUG, participations__organisation=gida)
        .exclude(status__in=Project.CLOSED_STATUSES)
        .order_by("title")
        .first()
    )
    evidence = tmp_path / "bonifico-gida.pdf"
    evidence.write_bytes(files.PDF)

    # The manager's figure before: the journey's money must add exactly to it.
    login(page, "manager")
    verified_before = verified_for_gida(page)
    logout(page)

    # -- partner.gida pledges ----------------------------------------------------------------
    login(page, "partner.gida")
    page.locator("#main-menu a[href='/ledger/commitments/']").click()
    expect(page.locator("h1")).to_have_text("Cofinanziamento")
    assert_accessible(page)
    screenshot("01-commitments")

    page.locator("main a[href='/ledger/commitments/new/']").click()
    expect(page.locator("h1")).to_have_text("Nuova promessa")
    expect(
        page.get_by_label("Compatibilmente con le proprie disponibilità di bilancio")
    ).to_be_checked()
    page.locator("select[name=organisation]").select_option(str(gida.pk))
    page.locator("select[name=project]").select_option(str(project.pk))
    page.locator("select[name=year]").select_option("2026")
    page.locator("select[name=kind]").select_option(Commitment.Kind.CASH_TRANSFER.value)
    page.locator("input[name=amount]").fill("10.000,00")
    page.locator("textarea[name=description]").fill("Sensori per la Situation Room")
    page.locator("input[name=external_reference]").fill(REFERENCE)
    assert_accessible(page)
    screenshot("02-pledge-form")
    page.locator("main form[method=post] button[type=submit]").click()

    commitment = Commitment.objects.get(organisation=gida, external_reference=REFERENCE)
    expect(page).to_have_url(re.compile(rf"/ledger/commitments/{commitment.pk}/$"))
    expect(page.locator("#commitment-status")).to_have_text("Promesso")
    assert commitment.amount == Decimal("10000.00")
    assert commitment.subject_to_budget_availability
    assert_accessible(page)
    screenshot("03-pledged")

    # -- confirms it with the budget act -----------------------------------------------------
    page.locator("#commitment-actions a", has_text="Conferma con l'atto di bilancio").click()
    # Without the act nothing changes, and the form says why.
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#id_act_reference_error")).to_be_visible()
    assert Commitment.objects.get(pk=commitment.pk).status == Commitment.Status.PLEDGED
    page.locator("input[name=act_reference]").fill(BUDGET_ACT)
    assert_accessible(page)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#commitment-status")).to_have_text("Confermato")
    expect(page.locator("main")).to_contain_text(BUDGET_ACT)

    # -- declares a disbursement with a PDF --------------------------------------------------
    page.locator("#commitment-actions a", has_text="Dichiara un'erogazione").click()
    expect(page.locator("#disbursement-room")).to_contain_text("10.000,00")
    page.locator("input[name=amount]").fill(AMOUNT_IT)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.locator("input[name=disbursed_on]").fill(yesterday.isoformat())
    page.locator("textarea[name=note]").fill("Bonifico alla tesoreria comunale")
    page.locator("input[name=evidence]").set_input_files(evidence)
    assert_accessible(page)
    screenshot("04-declare")
    page.locator("main form[method=post] button[type=submit]").click()

    expect(page.locator("#disbursements")).to_contain_text(
        "in attesa di verifica da parte della ragioneria"
    )
    disbursement = Disbursement.objects.get(commitment=commitment)
    assert disbursement.amount == AMOUNT
    assert disbursement.status == Disbursement.Status.DECLARED
    assert_accessible(page)
    screenshot("05-declared")
    logout(page)

    # -- the manager verifies it ---------------------------------------------------------------
    login(page, "manager")
    page.locator("#main-menu a[href='/ledger/disbursements/to-verify/']").click()
    expect(page.locator("h1")).to_have_text("Erogazioni da verificare")
    row = page.locator("#disbursement-queue tbody tr", has_text=f"{AMOUNT_IT}\u00a0€")
    expect(row).to_contain_text(gida.name)
    assert_accessible(page)
    screenshot("06-queue")
    row.locator("button[type=submit]", has_text="Verifica").click()
    expect(page.locator("main .alert-success")).to_contain_text("ora conta come incassata")
    assert Disbursement.objects.get(pk=disbursement.pk).status == Disbursement.Status.VERIFIED

    # -- and sees it verified in the reconciliation, by partner --------------------------------
    assert verified_for_gida(page) == verified_before + AMOUNT
    page.locator("#by-partner").scroll_into_view_if_needed()
    assert_accessible(page)
    screenshot("07-reconciliation")
