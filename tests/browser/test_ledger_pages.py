"""The co-financing ledger's main pages, in Italian, as a partner and as a manager read them.

Each page must be accessible (axe, WCAG 2.1 A and AA), have one h1 and report no browser error
(a CSP violation is one). With REGIA_DOCS_SCREENSHOTS=1 (what ``python
tests/browser/screenshots.py`` sets) the main ones also refresh docs/screenshots/ledger-*.png.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from funding.models import Commitment, ImportBatch
from partners.models import Organisation
from portal.demo.prato import SLUG
from programme.models import Project
from tests.browser.conftest import (
    PHONE,
    assert_no_horizontal_scroll,
    login,
)

pytestmark = pytest.mark.usefixtures("demo")


def commitments_file(tmp_path) -> str:
    """A CSV of three commitments for Gida on the Situation Room: one right, two wrong."""
    gida = Organisation.objects.get(short_name="Gida")
    project = Project.objects.get(programme__slug=SLUG, title="Situation Room")
    path = tmp_path / "impegni-gida.csv"
    path.write_text(
        "Codice fiscale del partner;Riferimento del partner;Id del progetto;Anno;Tipo;"
        "Importo (€);Compatibilmente con le disponibilità di bilancio\n"
        f"{gida.tax_code};GIDA-IMP-1;{project.pk};2026;cash_transfer;1.500,00;sì\n"
        f"{gida.tax_code};GIDA-IMP-2;{project.pk};2026;cash_transfer;-250;sì\n"
        f"{gida.tax_code};GIDA-IMP-3;{project.pk};2026;cash_transfer;300;forse\n",
        encoding="utf-8",
    )
    return str(path)


def test_partner_ledger_pages_are_accessible(page: Page, shoot, tmp_path):
    login(page, "partner.gida")

    page.goto("/ledger/commitments/")
    expect(page.locator("h1")).to_have_text("Cofinanziamento")
    expect(page.locator("#commitment-totals")).to_contain_text("€")
    shoot("ledger-commitments")

    commitment = Commitment.objects.filter(organisation__short_name="Gida").order_by("pk").first()
    page.goto(f"/ledger/commitments/{commitment.pk}/")
    expect(page.locator("h1")).to_have_text("Impegno di cofinanziamento")
    shoot("ledger-commitment", docs=False)

    page.goto("/ledger/commitments/new/")
    expect(page.locator("h1")).to_have_text("Nuova promessa")
    shoot("ledger-pledge", docs=False)
    # Refused: the errors are listed on top and shown on their fields, still accessible.
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_amount_error")).to_be_visible()
    shoot("ledger-pledge-errors", docs=False)

    page.goto("/partners/obligations/")
    expect(page.locator("h1")).to_have_text("Obblighi")
    shoot("ledger-obligations", docs=False)

    page.goto("/ledger/imports/new/")
    expect(page.locator("h1")).to_have_text("Nuova importazione")
    shoot("ledger-import-new", docs=False)

    # The preview of a file with errors: every row's problem, in Italian, nothing recorded.
    page.locator("input[name=kind][value=commitments]").check()
    page.locator("input[name=file]").set_input_files(commitments_file(tmp_path))
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/ledger/imports/\d+/$"))
    expect(page.locator("#import-status")).to_have_text("Con errori")
    expect(page.locator("#import-errors tbody tr")).to_have_count(2)
    expect(page.locator("#import-errors")).to_contain_text("Importo (€)")
    expect(page.locator("#import-errors")).to_contain_text("né sì né no")
    assert ImportBatch.objects.get().status == ImportBatch.Status.INVALID
    assert not Commitment.objects.filter(external_reference__startswith="GIDA-IMP-").exists()
    shoot("ledger-import-preview")


def test_manager_ledger_pages_are_accessible(page: Page, shoot):
    login(page, "manager")

    page.goto("/ledger/disbursements/to-verify/")
    expect(page.locator("h1")).to_have_text("Erogazioni da verificare")
    expect(page.locator("#disbursement-queue tbody tr").first).to_be_visible()
    shoot("ledger-verification")

    page.goto(f"/ledger/reconciliation/{SLUG}/")
    for section in ("alerts", "by-project", "by-fund-source", "by-partner", "private-investment"):
        expect(page.locator(f"#{section} h2")).to_have_count(1)
    shoot("ledger-reconciliation")

    page.goto("/ledger/imports/")
    expect(page.locator("h1")).to_have_text("Le mie importazioni")
    shoot("ledger-imports", docs=False)


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("partner.gida", "/ledger/commitments/"),
        ("partner.gida", "/ledger/imports/new/"),
        ("manager", "/ledger/disbursements/to-verify/"),
        ("manager", f"/ledger/reconciliation/{SLUG}/"),
    ],
)
def test_ledger_pages_fit_a_phone_and_a_laptop(page: Page, username, path):
    """Wide tables scroll inside their own box; the page itself never scrolls sideways."""
    login(page, username)
    page.goto(path)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(PHONE)
    page.reload()
    assert_no_horizontal_scroll(page)
