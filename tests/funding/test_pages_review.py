"""The finance office's verification: the queue of declared disbursements, verify, reject.

Only the programme's managers review; whoever declared a disbursement cannot verify it; a
refusal leaves the disbursement, its commitment and the audit log as they were.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from funding.models import Commitment, Disbursement
from funding.services import commitment_confirm, commitment_pledge, disbursement_declare
from programme.models import ProgrammeAssignment
from programme.services import sync_programme_roles
from tests.factories import ProgrammeAssignmentFactory, ProjectFactory, UserFactory
from tests.funding.test_pages_commitments import get, other_rep, post, text  # noqa: F401

pytestmark = pytest.mark.django_db

D = Disbursement.Status
PAID_ON = datetime.date(2026, 3, 2)


def confirmed_commitment(project, partner, actor, amount="50000.00"):
    pledge = commitment_pledge(
        actor=actor,
        organisation=partner,
        project=project,
        year=2026,
        kind=Commitment.Kind.CASH_TRANSFER,
        amount=Decimal(amount),
    )
    return commitment_confirm(commitment=pledge, actor=actor, act_reference="Delibera CdA 14")


@pytest.fixture
def declared(project, partner, partner_rep):
    commitment = confirmed_commitment(project, partner, partner_rep)
    return disbursement_declare(
        commitment=commitment, amount=Decimal("10000.00"), disbursed_on=PAID_ON, actor=partner_rep
    )


@pytest.fixture
def reader(request):
    return None if request.param == "anonymous" else request.getfixturevalue(request.param)


def state(disbursement) -> tuple:
    disbursement = Disbursement.objects.select_related("commitment").get(pk=disbursement.pk)
    return (
        disbursement.status,
        disbursement.rejection_reason,
        disbursement.commitment.status,
        disbursement.commitment.disbursed_amount,
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("council_member", 403),
        ("partner_rep", 403),
        ("other_rep", 403),
        ("manager", 200),
    ],
    indirect=["reader"],
)
def test_who_may_open_the_verification_queue(client, declared, reader, expected):
    response = get(client, reverse("funding:disbursement-queue"), reader)

    assert response.status_code == expected
    if expected == 403:
        assert "Only the programme's managers verify or reject disbursements." in text(response)


def test_queue_lists_declared_money_oldest_first(
    client, declared, project, partner, partner_rep, manager
):
    later = disbursement_declare(
        commitment=declared.commitment,
        amount=Decimal("2500.00"),
        disbursed_on=PAID_ON,
        actor=partner_rep,
    )
    verified = disbursement_declare(
        commitment=declared.commitment,
        amount=Decimal("100.00"),
        disbursed_on=PAID_ON,
        actor=partner_rep,
    )
    Disbursement.objects.filter(pk=verified.pk).update(status=D.VERIFIED)

    page = text(get(client, reverse("funding:disbursement-queue"), manager))

    assert "2 disbursements awaiting verification" in page
    assert page.index("10,000.00 €") < page.index("2,500.00 €")
    assert "100.00 €" not in page
    assert partner_rep.get_full_name() in page
    assert later.pk


def test_queue_leaves_out_other_programmes(client, partner, partner_rep, manager):
    elsewhere = confirmed_commitment(ProjectFactory(title="Elsewhere"), partner, partner_rep)
    disbursement_declare(
        commitment=elsewhere, amount=Decimal("5.00"), disbursed_on=PAID_ON, actor=partner_rep
    )

    assert "Nothing to verify" in text(get(client, reverse("funding:disbursement-queue"), manager))


def test_manager_verifies_and_the_money_counts(client, declared, manager):
    response = post(client, reverse("funding:disbursement-verify", args=[declared.pk]), manager, {})

    declared.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:disbursement-queue")
    assert declared.status == D.VERIFIED
    assert declared.reviewed_by == manager
    commitment = declared.commitment
    commitment.refresh_from_db()
    assert commitment.disbursed_amount == Decimal("10000.00")
    assert commitment.status == Commitment.Status.PARTLY_DISBURSED
    assert AuditEntry.objects.filter(verb="disbursement.verified", actor=manager).count() == 1
    assert "now counts as received" in text(client.get(response["Location"]))


def test_whoever_declared_cannot_verify(client, project, partner, manager):
    commitment = confirmed_commitment(project, partner, manager)
    own = disbursement_declare(
        commitment=commitment, amount=Decimal("10.00"), disbursed_on=PAID_ON, actor=manager
    )
    before = state(own)
    queue = text(get(client, reverse("funding:disbursement-queue"), manager))

    response = post(client, reverse("funding:disbursement-verify", args=[own.pk]), manager, {})

    assert "You declared it: another manager verifies it." in queue
    assert response.status_code == 302
    assert "Whoever declared a disbursement cannot also verify it." in text(
        client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    )
    assert state(own) == before


def test_another_manager_verifies_what_a_manager_declared(client, project, partner, manager):
    commitment = confirmed_commitment(project, partner, manager)
    own = disbursement_declare(
        commitment=commitment, amount=Decimal("10.00"), disbursed_on=PAID_ON, actor=manager
    )
    colleague = UserFactory(username="ragioneria")
    ProgrammeAssignmentFactory(
        user=colleague,
        programme=project.programme,
        role=ProgrammeAssignment.Role.PROGRAMME_MANAGER,
    )
    sync_programme_roles(colleague)

    post(client, reverse("funding:disbursement-verify", args=[own.pk]), colleague, {})

    assert Disbursement.objects.get(pk=own.pk).status == D.VERIFIED


@pytest.mark.parametrize(
    ("reader", "expected"),
    [("partner_rep", 404), ("council_member", 404), ("citizen", 404), ("anonymous", 302)],
    indirect=["reader"],
)
def test_only_managers_verify_or_reject(client, declared, reader, expected):
    before = state(declared)
    client.logout()
    if reader:
        client.force_login(reader)

    verify = client.post(reverse("funding:disbursement-verify", args=[declared.pk]))
    reject = client.post(
        reverse("funding:disbursement-reject", args=[declared.pk]), {"rejection_reason": "No"}
    )

    assert verify.status_code == expected
    assert reject.status_code == expected
    assert state(declared) == before


def test_verify_answers_only_post(client, declared, manager):
    before = state(declared)

    response = get(client, reverse("funding:disbursement-verify", args=[declared.pk]), manager)

    assert response.status_code == 405
    assert state(declared) == before


def test_verifying_twice_is_refused_with_its_reason(client, declared, manager):
    post(client, reverse("funding:disbursement-verify", args=[declared.pk]), manager, {})
    before = state(declared)

    response = post(client, reverse("funding:disbursement-verify", args=[declared.pk]), manager, {})

    assert "Only a declared disbursement can be verified." in text(
        client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    )
    assert state(declared) == before


def test_reject_without_a_reason_changes_nothing(client, declared, manager):
    before = state(declared)

    response = post(
        client,
        reverse("funding:disbursement-reject", args=[declared.pk]),
        manager,
        {"rejection_reason": "   "},
    )

    assert response.status_code == 200
    assert "Say why the disbursement is rejected." in text(response)
    assert state(declared) == before


def test_manager_rejects_and_the_partner_reads_why(client, declared, manager, partner_rep):
    response = post(
        client,
        reverse("funding:disbursement-reject", args=[declared.pk]),
        manager,
        {"rejection_reason": "Il bonifico non risulta in tesoreria"},
    )

    declared.refresh_from_db()
    assert response.status_code == 302
    assert declared.status == D.REJECTED
    assert declared.commitment.disbursed_amount == Decimal("0.00")
    detail = text(
        get(
            client, reverse("funding:commitment-detail", args=[declared.commitment_id]), partner_rep
        )
    )
    assert "Rejected Reason: Il bonifico non risulta in tesoreria" in detail


def _declare_many(count, project, partner, partner_rep):
    for n in range(count):
        commitment = confirmed_commitment(
            ProjectFactory(programme=project.programme) if n % 2 else project,
            partner,
            partner_rep,
            amount="100.00",
        )
        disbursement_declare(
            commitment=commitment, amount=Decimal("1.00"), disbursed_on=PAID_ON, actor=partner_rep
        )


def test_queue_costs_the_same_queries_at_10_and_100_rows(
    client, project, partner, partner_rep, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("funding:disbursement-queue")
    counts = []
    for more in (10, 90):
        _declare_many(more, project, partner, partner_rep)
        # A first request fills the per-process caches (content types): count the second.
        client.get(url)
        with django_assert_max_num_queries(100) as counted:
            assert client.get(url).status_code == 200
        counts.append(len(counted.captured_queries))

    assert counts[0] == counts[1]
