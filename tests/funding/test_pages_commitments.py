"""The partner portal's pages: who may use each, and what each step leaves behind.

A refused step (bad input, a service's refusal, a reader outside the scope) leaves nothing
behind: no row, no status change, no audit entry.
"""

import datetime
import html as htmllib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from funding.models import Commitment, Disbursement
from funding.services import commitment_confirm, commitment_pledge, disbursement_declare
from partners.models import Membership, Organisation
from partners.services import organisation_group
from programme.models import StatusChange
from tests.core import files
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PlanActionFactory,
    PlanFactory,
    PlanPhaseFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

C = Commitment.Status
PAID_ON = datetime.date(2026, 3, 2)


def get(client, url, user=None, **extra):
    """The page as the user reads it, in English so the tests can read it too."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en", **extra)


def post(client, url, user, data, language="en"):
    client.logout()
    client.force_login(user)
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


def text(response) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    page = response.content.decode()
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", page)))


def trail(commitment=None) -> tuple:
    """What a step leaves behind: rows, statuses, audit entries."""
    return (
        Commitment.objects.count(),
        Disbursement.objects.count(),
        StatusChange.objects.count(),
        AuditEntry.objects.count(),
        Commitment.objects.get(pk=commitment.pk).status if commitment else None,
    )


@pytest.fixture
def other_rep(db):
    """The representative of another partner, Citelum."""
    citelum = OrganisationFactory(name="Citelum Italia S.r.l.", kind=Organisation.Kind.UTILITY)
    user = UserFactory(username="partner.citelum")
    MembershipFactory(user=user, organisation=citelum, role=Membership.Role.REPRESENTATIVE)
    user.groups.add(organisation_group(citelum))
    return user


@pytest.fixture
def pledge(project, partner, partner_rep):
    """Gida's pledge of 50.000 € to the project in 2026."""
    return commitment_pledge(
        actor=partner_rep,
        organisation=partner,
        project=project,
        year=2026,
        kind=Commitment.Kind.CASH_TRANSFER,
        amount=Decimal("50000.00"),
    )


@pytest.fixture
def confirmed(pledge, partner_rep):
    return commitment_confirm(
        commitment=pledge, actor=partner_rep, act_reference="Delibera CdA n. 14/2026"
    )


@pytest.fixture
def declared(confirmed, partner_rep):
    """A disbursement of 10.000 € declared with a PDF as evidence."""
    return disbursement_declare(
        commitment=confirmed,
        amount=Decimal("10000.00"),
        disbursed_on=PAID_ON,
        actor=partner_rep,
        evidence=SimpleUploadedFile("bonifico.pdf", files.PDF, "application/pdf"),
    )


@pytest.fixture
def reader(request):
    return None if request.param == "anonymous" else request.getfixturevalue(request.param)


# -- who may use the list ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("council_member", 403),
        ("other_rep", 200),
        ("manager", 200),
        ("partner_rep", 200),
    ],
    indirect=["reader"],
)
def test_who_may_open_the_commitment_list(client, pledge, reader, expected):
    response = get(client, reverse("funding:commitment-list"), reader)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))
    if expected == 403:
        assert "partners' representatives and the programmes' managers" in text(response)


@pytest.mark.parametrize(
    ("reader", "sees"),
    [("other_rep", False), ("manager", True), ("partner_rep", True)],
    indirect=["reader"],
)
def test_list_shows_only_the_commitments_the_reader_follows(client, pledge, reader, sees):
    response = get(client, reverse("funding:commitment-list"), reader)

    page = text(response)
    assert ("Gida S.p.A." in page) is sees
    assert ("Open City platform — 2026" in page) is sees


def test_list_groups_by_project_and_year_with_totals(client, confirmed, declared, partner_rep):
    response = get(client, reverse("funding:commitment-list"), partner_rep)

    page = text(response)
    assert "Project: Open City platform — 2026" in page
    assert "Confirmed 50,000.00 €" in page
    assert "Declared, awaiting verification 10,000.00 €" in page
    assert "Verified 0.00 €" in page


def test_list_filters_by_year_and_status(client, pledge, project, partner, partner_rep):
    commitment_pledge(
        actor=partner_rep,
        organisation=partner,
        project=project,
        year=2027,
        kind=Commitment.Kind.IN_KIND,
        amount=Decimal("7000.00"),
    )
    url = reverse("funding:commitment-list")

    only_2027 = text(get(client, url + "?year=2027", partner_rep))
    htmx = get(client, url + "?status=confirmed", partner_rep, HTTP_HX_REQUEST="true")

    assert "Open City platform — 2027" in only_2027
    assert "Open City platform — 2026" not in only_2027
    assert "<html" not in htmx.content.decode()
    assert "No commitment to show" in text(htmx)


def _many_commitments(count, project, partner, partner_rep):
    for n in range(count):
        commitment = commitment_pledge(
            actor=partner_rep,
            organisation=partner,
            project=ProjectFactory(programme=project.programme) if n % 3 else project,
            year=2026 + n % 2,
            kind=Commitment.Kind.CASH_TRANSFER,
            amount=Decimal("1000.00"),
        )
        if n % 2:
            commitment_confirm(commitment=commitment, actor=partner_rep, act_reference="Atto 1")


def _queries(client, user, url, django_assert_max_num_queries) -> int:
    client.force_login(user)
    # A first request fills the per-process caches (content types): count the second.
    client.get(url)
    with django_assert_max_num_queries(100) as counted:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    return len(counted.captured_queries)


@pytest.mark.parametrize("who", ["partner_rep", "manager"])
def test_list_costs_the_same_queries_at_10_and_100_rows(
    client, project, partner, partner_rep, manager, who, django_assert_max_num_queries
):
    user = {"partner_rep": partner_rep, "manager": manager}[who]
    url = reverse("funding:commitment-list")
    _many_commitments(10, project, partner, partner_rep)
    at_10 = _queries(client, user, url, django_assert_max_num_queries)
    _many_commitments(90, project, partner, partner_rep)
    at_100 = _queries(client, user, url, django_assert_max_num_queries)

    assert at_10 == at_100


# -- the detail ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 404),
        ("council_member", 404),
        ("other_rep", 404),
        ("manager", 200),
        ("partner_rep", 200),
    ],
    indirect=["reader"],
)
def test_who_may_read_a_pledge(client, pledge, reader, expected):
    response = get(client, reverse("funding:commitment-detail", args=[pledge.pk]), reader)

    assert response.status_code == expected


def test_detail_explains_the_state_and_offers_the_steps(client, pledge, partner_rep):
    page = text(get(client, reverse("funding:commitment-detail", args=[pledge.pk]), partner_rep))

    assert "The commitment is now Pledged ." in page
    assert "Next, the partner confirms it with the reference of its own budget act" in page
    assert "Declare a disbursement — unavailable: money is declared on a confirmed" in page
    for url_name in ("commitment-edit", "commitment-confirm", "commitment-withdraw"):
        assert (
            reverse(f"funding:{url_name}", args=[pledge.pk])
            in get(
                client, reverse("funding:commitment-detail", args=[pledge.pk]), partner_rep
            ).content.decode()
        )


def test_manager_sees_why_they_cannot_change_the_partners_pledge(client, pledge, manager):
    response = get(client, reverse("funding:commitment-detail", args=[pledge.pk]), manager)

    assert "Change the pledge — unavailable: Only the partner's representatives" in text(response)
    assert reverse("funding:commitment-edit", args=[pledge.pk]) not in response.content.decode()


def test_detail_shows_who_changed_what(client, pledge, partner_rep):
    client.force_login(partner_rep)
    client.post(
        reverse("funding:commitment-edit", args=[pledge.pk]),
        {
            "project": pledge.project_id,
            "year": 2026,
            "kind": "cash_transfer",
            "amount": "45000",
            "subject_to_budget_availability": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = text(get(client, reverse("funding:commitment-detail", args=[pledge.pk]), partner_rep))

    assert "Who changed what" in page
    who = partner_rep.get_full_name()
    assert f"{who}: amount (EUR) from “50,000.00” to “45,000.00”" in page
    assert f"{who}: recorded the pledge" in page


def test_council_member_reads_a_firm_commitment_without_its_evidence(
    client, declared, council_member
):
    commitment = declared.commitment
    response = get(
        client, reverse("funding:commitment-detail", args=[commitment.pk]), council_member
    )

    assert response.status_code == 200
    assert reverse("funding:disbursement-evidence", args=[declared.pk]) not in (
        response.content.decode()
    )
    # Of another's disbursements, only the verified ones show.
    assert "No disbursement declared yet." in text(response)


# -- pledge and edit -------------------------------------------------------------------------


def pledge_data(target, organisation, **changes):
    return {
        "organisation": organisation.pk,
        "project": target.pk,
        "year": 2026,
        "kind": "cash_transfer",
        "amount": "12500.50",
        "subject_to_budget_availability": "on",
        "description": "Sensori di traffico",
        "external_reference": "GIDA-2026-01",
        **changes,
    }


def test_partner_pledges_in_italian_notation(client, project, partner, partner_rep):
    response = post(
        client,
        reverse("funding:commitment-pledge"),
        partner_rep,
        pledge_data(project, partner, amount="12.500,50"),
        language="it",
    )

    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:commitment-detail", args=[commitment.pk])
    assert commitment.amount == Decimal("12500.50")
    assert commitment.status == C.PLEDGED
    assert commitment.subject_to_budget_availability is True
    assert commitment.organisation == partner
    assert AuditEntry.objects.filter(verb="commitment.pledged", actor=partner_rep).count() == 1


def test_pledge_form_says_the_condition_in_italian(client, partner_rep, project):
    client.force_login(partner_rep)
    page = client.get(reverse("funding:commitment-pledge"), HTTP_ACCEPT_LANGUAGE="it")

    assert "Compatibilmente con le proprie disponibilità di bilancio" in text(page)


@pytest.mark.parametrize(
    "changes",
    [
        {"project": ""},  # no target
        {"amount": "0"},
        {"amount": "dodici"},
        {"year": ""},
    ],
)
def test_refused_pledge_saves_nothing(client, project, partner, partner_rep, changes):
    before = trail()

    response = post(
        client,
        reverse("funding:commitment-pledge"),
        partner_rep,
        pledge_data(project, partner, **changes),
    )

    assert response.status_code == 200
    assert "Nothing has been saved." in text(response)
    assert trail() == before


def test_pledge_for_both_a_project_and_a_plan_action_is_refused(
    client, project, partner, partner_rep
):
    plan = PlanFactory(programme=project.programme, status="published")
    action = PlanActionFactory(phase=PlanPhaseFactory(plan=plan), year=plan.start_year)
    before = trail()

    response = post(
        client,
        reverse("funding:commitment-pledge"),
        partner_rep,
        pledge_data(project, partner, plan_action=action.pk),
    )

    assert "Choose the project or the plan action it co-finances (one)." in text(response)
    assert trail() == before


def test_partner_cannot_pledge_for_another_organisation(client, project, partner_rep, other_rep):
    citelum = other_rep.memberships.get().organisation
    before = trail()

    response = post(
        client, reverse("funding:commitment-pledge"), partner_rep, pledge_data(project, citelum)
    )

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert trail() == before


def test_manager_pledges_for_a_partner_of_their_programme(client, project, partner, manager):
    response = post(
        client, reverse("funding:commitment-pledge"), manager, pledge_data(project, partner)
    )

    assert response.status_code == 302
    assert Commitment.objects.get().organisation == partner


@pytest.mark.parametrize(
    ("reader", "expected"),
    [("citizen", 403), ("council_member", 403), ("anonymous", 302)],
    indirect=["reader"],
)
def test_who_may_not_pledge(client, project, reader, expected):
    response = get(client, reverse("funding:commitment-pledge"), reader)

    assert response.status_code == expected


def test_duplicate_partner_reference_shows_on_the_form(
    client, pledge, project, partner, partner_rep
):
    Commitment.objects.filter(pk=pledge.pk).update(external_reference="GIDA-2026-01")
    before = trail()

    response = post(
        client, reverse("funding:commitment-pledge"), partner_rep, pledge_data(project, partner)
    )

    assert "already has a commitment with this reference" in text(response)
    assert trail() == before


def test_confirmed_commitment_cannot_be_edited(client, confirmed, partner_rep):
    before = trail(confirmed)

    response = post(
        client,
        reverse("funding:commitment-edit", args=[confirmed.pk]),
        partner_rep,
        {"project": confirmed.project_id, "year": 2026, "kind": "in_kind", "amount": "1"},
    )

    assert "Only a pledge can be changed" in text(response)
    assert trail(confirmed) == before
    assert Commitment.objects.get(pk=confirmed.pk).amount == Decimal("50000.00")


@pytest.mark.parametrize("reader", ["manager", "other_rep"], indirect=True)
def test_only_the_partner_edits_its_pledge(client, pledge, reader):
    response = get(client, reverse("funding:commitment-edit", args=[pledge.pk]), reader)

    assert response.status_code == {"manager": 403, "partner.citelum": 404}[reader.username]


# -- confirm and withdraw ------------------------------------------------------------------


def test_confirm_without_the_budget_act_changes_nothing(client, pledge, partner_rep):
    before = trail(pledge)

    response = post(
        client,
        reverse("funding:commitment-confirm", args=[pledge.pk]),
        partner_rep,
        {"act_reference": "  ", "note": ""},
    )

    assert response.status_code == 200
    assert "Give the reference of the partner's budget act." in text(response)
    assert trail(pledge) == before


def test_partner_confirms_with_the_budget_act(client, pledge, partner_rep):
    response = post(
        client,
        reverse("funding:commitment-confirm", args=[pledge.pk]),
        partner_rep,
        {"act_reference": "Delibera CdA n. 14/2026", "note": "Approvato a bilancio"},
    )

    pledge.refresh_from_db()
    assert response.status_code == 302
    assert pledge.status == C.CONFIRMED
    assert pledge.act_reference == "Delibera CdA n. 14/2026"
    assert StatusChange.objects.filter(object_id=pledge.pk, to_status=C.CONFIRMED).exists()
    page = text(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en"))
    assert "The commitment is confirmed." in page
    assert "Approvato a bilancio" in page


def test_confirming_twice_is_refused_on_the_form(client, confirmed, partner_rep):
    before = trail(confirmed)

    response = post(
        client,
        reverse("funding:commitment-confirm", args=[confirmed.pk]),
        partner_rep,
        {"act_reference": "Altro atto"},
    )

    assert "The status cannot go from “Confirmed” to “Confirmed”." in text(response)
    assert trail(confirmed) == before


@pytest.mark.parametrize(
    ("reader", "expected"),
    [("other_rep", 404), ("council_member", 404), ("citizen", 404)],
    indirect=["reader"],
)
def test_outsiders_cannot_confirm_or_withdraw(client, pledge, reader, expected):
    before = trail(pledge)
    for url_name in ("funding:commitment-confirm", "funding:commitment-withdraw"):
        response = post(
            client,
            reverse(url_name, args=[pledge.pk]),
            reader,
            {"act_reference": "x", "withdrawal_reason": "x"},
        )
        assert response.status_code == expected
    assert trail(pledge) == before


def test_withdraw_without_a_reason_changes_nothing(client, pledge, partner_rep):
    before = trail(pledge)

    response = post(
        client,
        reverse("funding:commitment-withdraw", args=[pledge.pk]),
        partner_rep,
        {"withdrawal_reason": ""},
    )

    assert "Say why the commitment is withdrawn." in text(response)
    assert trail(pledge) == before


def test_partner_withdraws_saying_why(client, pledge, partner_rep, other_rep):
    response = post(
        client,
        reverse("funding:commitment-withdraw", args=[pledge.pk]),
        partner_rep,
        {"withdrawal_reason": "Bilancio 2026 ridotto"},
    )

    pledge.refresh_from_db()
    assert response.status_code == 302
    assert pledge.status == C.WITHDRAWN
    assert "Bilancio 2026 ridotto" in text(get(client, response["Location"], partner_rep))


def test_manager_withdraws_for_the_partner(client, pledge, manager):
    response = post(
        client,
        reverse("funding:commitment-withdraw", args=[pledge.pk]),
        manager,
        {"withdrawal_reason": "Il partner ha comunicato il ritiro"},
    )

    assert response.status_code == 302
    assert Commitment.objects.get(pk=pledge.pk).status == C.WITHDRAWN


# -- declare a disbursement ---------------------------------------------------------------


def declare_data(**changes):
    data = {
        "amount": "10000",
        "disbursed_on": PAID_ON.isoformat(),
        "note": "Bonifico",
        "evidence": SimpleUploadedFile("bonifico.pdf", files.PDF, "application/pdf"),
    }
    data.update(changes)
    return data


def test_partner_declares_with_a_pdf(client, confirmed, partner_rep):
    response = post(
        client,
        reverse("funding:disbursement-declare", args=[confirmed.pk]),
        partner_rep,
        declare_data(),
    )

    disbursement = Disbursement.objects.get()
    assert response.status_code == 302
    assert disbursement.status == Disbursement.Status.DECLARED
    assert disbursement.declared_by == partner_rep
    assert disbursement.evidence.name.endswith(".pdf")
    # Declared money does not count yet.
    assert Commitment.objects.get(pk=confirmed.pk).disbursed_amount == Decimal("0.00")
    page = text(get(client, response["Location"], partner_rep))
    assert "awaiting verification by the finance office" in page


def test_declare_page_shows_the_room_left(client, declared, partner_rep):
    url = reverse("funding:disbursement-declare", args=[declared.commitment_id])

    assert "Still to declare on this commitment: 40,000.00 € of 50,000.00 €" in text(
        get(client, url, partner_rep)
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "40000.01"}, "Only 40,000.00\u00a0€ of this commitment is left to disburse."),
        (
            {"disbursed_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "A disbursement cannot be dated in the future.",
        ),
        (
            {"evidence": SimpleUploadedFile("fattura.pdf", files.EXE, "application/pdf")},
            "This kind of file is not accepted (only PDF, PNG, JPG).",
        ),
        ({"evidence": ""}, "This field is required."),
        ({"amount": "-5"}, "The amount must be positive."),
    ],
    ids=["over-room", "future", "exe-renamed-pdf", "no-evidence", "negative"],
)
def test_refused_declaration_saves_nothing(client, declared, partner_rep, changes, message):
    commitment = declared.commitment
    before = trail(commitment)
    stored = sorted(p.name for p in Path(declared.evidence.path).parent.iterdir())

    response = post(
        client,
        reverse("funding:disbursement-declare", args=[commitment.pk]),
        partner_rep,
        declare_data(**changes),
    )

    assert response.status_code == 200
    assert message in text(response).replace(" €", "\u00a0€")
    assert trail(commitment) == before
    assert sorted(p.name for p in Path(declared.evidence.path).parent.iterdir()) == stored


def test_exe_renamed_pdf_is_refused_on_the_evidence_field(client, confirmed, partner_rep):
    response = post(
        client,
        reverse("funding:disbursement-declare", args=[confirmed.pk]),
        partner_rep,
        declare_data(evidence=SimpleUploadedFile("fattura.pdf", files.EXE, "application/pdf")),
    )

    assert response.context["form"].errors["evidence"] == [
        "This kind of file is not accepted (only PDF, PNG, JPG)."
    ]
    assert not Disbursement.objects.exists()


def test_oversized_evidence_is_refused_clearly(client, confirmed, partner_rep, settings):
    settings.REGIA_UPLOAD_MAX_BYTES = 1024
    big = files.PDF + b"%" * 4096

    response = post(
        client,
        reverse("funding:disbursement-declare", args=[confirmed.pk]),
        partner_rep,
        declare_data(evidence=SimpleUploadedFile("grande.pdf", big, "application/pdf")),
    )

    assert response.context["form"].errors["evidence"] == ["The file is larger than 1.0\u00a0KB."]
    assert not Disbursement.objects.exists()
    assert not AuditEntry.objects.filter(verb="disbursement.declared").exists()


def test_money_cannot_be_declared_on_a_pledge(client, pledge, partner_rep):
    before = trail(pledge)

    response = post(
        client,
        reverse("funding:disbursement-declare", args=[pledge.pk]),
        partner_rep,
        declare_data(),
    )

    assert response.status_code == 200
    assert "only on a confirmed commitment that is not yet fulfilled" in text(response)
    assert trail(pledge) == before


@pytest.mark.parametrize(
    ("reader", "expected"),
    [("other_rep", 404), ("council_member", 404), ("citizen", 404), ("anonymous", 302)],
    indirect=["reader"],
)
def test_outsiders_cannot_declare(client, confirmed, reader, expected):
    client.logout()
    if reader:
        client.force_login(reader)

    response = client.post(
        reverse("funding:disbursement-declare", args=[confirmed.pk]), declare_data()
    )

    assert response.status_code == expected
    assert not Disbursement.objects.exists()


# -- evidence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 404),
        ("council_member", 404),
        ("other_rep", 404),
        ("manager", 200),
        ("partner_rep", 200),
    ],
    indirect=["reader"],
)
def test_evidence_only_for_the_owner_and_the_managers(client, declared, reader, expected):
    response = get(client, reverse("funding:disbursement-evidence", args=[declared.pk]), reader)

    assert response.status_code == expected
    downloads = AuditEntry.objects.filter(verb="disbursement.evidence_downloaded")
    if expected == 200:
        assert b"".join(response.streaming_content) == files.PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert downloads.get().actor == reader
    else:
        assert not downloads.exists()


def test_missing_evidence_answers_404(client, confirmed, partner_rep):
    disbursement = disbursement_declare(
        commitment=confirmed, amount=Decimal("1.00"), disbursed_on=PAID_ON, actor=partner_rep
    )

    response = get(
        client, reverse("funding:disbursement-evidence", args=[disbursement.pk]), partner_rep
    )

    assert response.status_code == 404


# -- the menu and the home page --------------------------------------------------------------


def test_partner_menu_and_home_show_its_co_financing(
    client, declared, project, partner, partner_rep
):
    commitment_pledge(
        actor=partner_rep,
        organisation=partner,
        project=project,
        year=2027,
        kind=Commitment.Kind.IN_KIND,
        amount=Decimal("900.00"),
    )

    response = get(client, reverse("portal:home"), partner_rep)

    page = response.content.decode()
    assert f'href="{reverse("funding:commitment-list")}"' in page
    assert f'href="{reverse("partners:obligation-list")}"' in page
    assert f'href="{reverse("funding:disbursement-queue")}"' not in page
    words = text(response)
    assert "Your co-financing" in words
    assert "pledge to confirm with the budget act" in words
    assert "10,000.00 € declared, awaiting verification by the finance office" in words


def test_manager_menu_and_home_show_what_awaits_verification(client, declared, manager):
    response = get(client, reverse("portal:home"), manager)

    page = response.content.decode()
    for name in (
        "funding:commitment-list",
        "funding:disbursement-queue",
        "funding:reconciliation-index",
        "funding:import-list",
    ):
        assert f'href="{reverse(name)}"' in page
    assert f'href="{reverse("partners:obligation-list")}"' not in page
    assert "1 declared disbursement awaits your verification" in text(response)
    assert 'regia-menu-count">1<' in page


@pytest.mark.parametrize("reader", ["citizen", "council_member"], indirect=True)
def test_menu_hides_the_ledger_from_other_roles(client, reader):
    page = get(client, reverse("portal:home"), reader).content.decode()

    assert reverse("funding:commitment-list") not in page
    assert reverse("funding:disbursement-queue") not in page


def test_partner_pledges_on_a_plan_action(client, project, partner, partner_rep):
    plan = PlanFactory(programme=project.programme, status="published")
    action = PlanActionFactory(
        phase=PlanPhaseFactory(plan=plan), year=plan.start_year, title="Situation Room, anno 1"
    )

    response = post(
        client,
        reverse("funding:commitment-pledge"),
        partner_rep,
        pledge_data(project, partner, project="", plan_action=action.pk),
    )

    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert commitment.plan_action == action
    assert commitment.project is None
    listing = text(get(client, reverse("funding:commitment-list"), partner_rep))
    assert f"Plan action: Situation Room, anno 1 — {commitment.year}" in listing


@pytest.mark.parametrize("url_name", ["funding:commitment-edit", "funding:disbursement-declare"])
def test_a_step_the_status_no_longer_allows_says_why_on_get(client, pledge, partner_rep, url_name):
    Commitment.objects.filter(pk=pledge.pk).update(status=C.WITHDRAWN, withdrawal_reason="Ritirato")

    response = get(client, reverse(url_name, args=[pledge.pk]), partner_rep)

    assert response.status_code == 200
    assert 'id="step-refused"' in response.content.decode()
    assert '<form method="post"' not in response.content.decode().split("<main", 1)[1]
