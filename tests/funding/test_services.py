"""The money around commitments and allocations: never more than there is."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.models import AuditEntry
from funding.models import Allocation, Commitment, Disbursement
from funding.selectors import ProjectBudget, project_budget
from funding.services import (
    allocation_create,
    commitment_confirm,
    disbursement_declare,
    disbursement_reject,
    disbursement_verify,
    fund_source_update,
)
from programme.workflow import status_history
from tests.factories import (
    CommitmentFactory,
    ContractFactory,
    FundSourceFactory,
    ProgrammeFactory,
    ProjectFactory,
    TransactionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

C = Commitment.Status
PAID_ON = datetime.date(2024, 5, 2)


@pytest.fixture
def commitment(project, partner, manager):
    """Gida's confirmed commitment of 50,000 € to the project."""
    pledge = CommitmentFactory(organisation=partner, project=project, amount=Decimal("50000.00"))
    return commitment_confirm(commitment=pledge, actor=manager, act_reference="Delibera CdA 14")


def declare(commitment, amount, actor, **extra):
    return disbursement_declare(
        commitment=commitment, amount=Decimal(amount), disbursed_on=PAID_ON, actor=actor, **extra
    )


def test_commitment_cannot_be_disbursed_past_its_amount(commitment, partner_rep):
    declare(commitment, "30000.00", partner_rep)

    with pytest.raises(ValidationError) as error:
        declare(commitment, "20000.01", partner_rep)

    assert error.value.message_dict == {
        "amount": ["Only 20,000.00\u00a0€ of this commitment is left to disburse."]
    }
    assert list(commitment.disbursements.values_list("amount", flat=True)) == [Decimal("30000.00")]
    assert AuditEntry.objects.filter(verb="disbursement.declared").count() == 1


def test_room_left_is_told_the_italian_way_in_italian(commitment, partner_rep):
    declare(commitment, "30000.00", partner_rep)

    with translation.override("it"), pytest.raises(ValidationError) as error:
        declare(commitment, "20000.01", partner_rep)

    assert "20.000,00\u00a0€" in error.value.message_dict["amount"][0]


def test_declared_and_verified_disbursements_both_use_up_the_commitment(
    commitment, partner_rep, manager
):
    disbursement_verify(disbursement=declare(commitment, "30000.00", partner_rep), actor=manager)
    declare(commitment, "15000.00", partner_rep)

    declare(commitment, "5000.00", partner_rep)

    with pytest.raises(ValidationError) as error:
        declare(commitment, "0.01", partner_rep)

    assert error.value.message_dict == {
        "amount": ["Only 0.00\u00a0€ of this commitment is left to disburse."]
    }


def test_rejected_declaration_frees_its_amount(commitment, partner_rep, manager):
    wrong = declare(commitment, "50000.00", partner_rep)
    disbursement_reject(disbursement=wrong, actor=manager, reason="Invoice for another project")

    declare(commitment, "50000.00", partner_rep)

    assert commitment.disbursements.filter(status=Disbursement.Status.DECLARED).count() == 1


@pytest.mark.parametrize("status", [C.PLEDGED, C.WITHDRAWN, C.FULFILLED])
def test_money_is_declared_only_on_a_confirmed_commitment(status, partner_rep):
    commitment = CommitmentFactory(status=status)

    with pytest.raises(ValidationError) as error:
        declare(commitment, "100.00", partner_rep)

    assert error.value.messages == [
        "Money can be declared only on a confirmed commitment that is not yet fulfilled."
    ]
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("amount", ["0.00", "-10.00"])
def test_declared_amount_must_be_positive(amount, commitment, partner_rep):
    with pytest.raises(ValidationError) as error:
        declare(commitment, amount, partner_rep)

    assert error.value.message_dict == {"amount": ["The amount must be positive."]}
    assert not Disbursement.objects.exists()


def test_disbursement_cannot_be_dated_in_the_future(commitment, partner_rep):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        disbursement_declare(
            commitment=commitment, amount=Decimal("10.00"), disbursed_on=tomorrow, actor=partner_rep
        )

    assert error.value.message_dict == {
        "disbursed_on": ["A disbursement cannot be dated in the future."]
    }


def test_declared_money_counts_only_once_verified(commitment, partner_rep):
    disbursement = declare(commitment, "20000.00", partner_rep)

    commitment.refresh_from_db()
    assert (commitment.status, commitment.disbursed_amount) == (C.CONFIRMED, Decimal("0.00"))
    assert (disbursement.status, disbursement.declared_by) == (
        Disbursement.Status.DECLARED,
        partner_rep,
    )


def test_verification_moves_confirmed_to_partly_disbursed_to_fulfilled(
    commitment, partner_rep, manager
):
    disbursement_verify(disbursement=declare(commitment, "20000.00", partner_rep), actor=manager)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.disbursed_amount, commitment.remaining) == (
        C.PARTLY_DISBURSED,
        Decimal("20000.00"),
        Decimal("30000.00"),
    )

    last = disbursement_verify(
        disbursement=declare(commitment, "30000.00", partner_rep), actor=manager
    )

    commitment.refresh_from_db()
    assert (commitment.status, commitment.disbursed_amount) == (C.FULFILLED, Decimal("50000.00"))
    assert (last.status, last.reviewed_by) == (Disbursement.Status.VERIFIED, manager)
    assert last.reviewed_at is not None
    assert [(c.from_status, c.to_status) for c in status_history(commitment)] == [
        (C.PLEDGED, C.CONFIRMED),
        (C.CONFIRMED, C.PARTLY_DISBURSED),
        (C.PARTLY_DISBURSED, C.FULFILLED),
    ]


@pytest.mark.parametrize("review", ["verify", "reject"])
def test_disbursement_is_reviewed_once(review, commitment, partner_rep, manager):
    disbursement = declare(commitment, "100.00", partner_rep)
    disbursement_verify(disbursement=disbursement, actor=manager)

    with pytest.raises(ValidationError, match="Only a declared disbursement can be"):
        if review == "verify":
            disbursement_verify(disbursement=disbursement, actor=manager)
        else:
            disbursement_reject(disbursement=disbursement, actor=manager, reason="Duplicate")

    commitment.refresh_from_db()
    assert commitment.disbursed_amount == Decimal("100.00")


@pytest.mark.parametrize("reason", ["", "  "])
def test_rejection_needs_a_reason(reason, commitment, partner_rep, manager):
    disbursement = declare(commitment, "100.00", partner_rep)

    with pytest.raises(ValidationError) as error:
        disbursement_reject(disbursement=disbursement, actor=manager, reason=reason)

    assert error.value.message_dict == {
        "rejection_reason": ["Say why the disbursement is rejected."]
    }
    assert Disbursement.objects.get(pk=disbursement.pk).status == Disbursement.Status.DECLARED


@pytest.fixture
def fund_source(programme):
    return FundSourceFactory(programme=programme, total=Decimal("100000.00"))


def test_allocation_cannot_take_more_than_the_source_has_left(fund_source, project, manager):
    allocation_create(
        fund_source=fund_source,
        project=project,
        year=2024,
        amount=Decimal("70000.00"),
        actor=manager,
    )

    with pytest.raises(ValidationError) as error:
        allocation_create(
            fund_source=fund_source,
            project=project,
            year=2025,
            amount=Decimal("30000.01"),
            actor=manager,
        )

    assert error.value.message_dict == {
        "amount": [f"{fund_source.name} has only 30,000.00\u00a0€ left to allocate."]
    }
    assert list(Allocation.objects.values_list("year", flat=True)) == [2024]
    assert AuditEntry.objects.filter(verb="allocation.created").count() == 1


def test_allocation_may_take_exactly_what_is_left(fund_source, project, manager):
    allocation_create(
        fund_source=fund_source,
        project=project,
        year=2024,
        amount=Decimal("70000.00"),
        actor=manager,
    )

    allocation = allocation_create(
        fund_source=fund_source,
        project=project,
        year=2025,
        amount=Decimal("30000.00"),
        actor=manager,
    )

    entry = AuditEntry.objects.get(verb="allocation.created", target_id=str(allocation.pk))
    assert (entry.actor, entry.data) == (manager, {"amount": "30000.00"})


def test_allocation_across_programmes_is_refused(fund_source, manager):
    other_project = ProjectFactory(programme=ProgrammeFactory())

    with pytest.raises(ValidationError, match="belong to different programmes"):
        allocation_create(
            fund_source=fund_source,
            project=other_project,
            year=2024,
            amount=Decimal("10.00"),
            actor=manager,
        )

    assert not Allocation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_projects_planned_budget_is_the_sum_of_its_allocations_private_money_apart(
    programme, project, manager
):
    miur = FundSourceFactory(programme=programme, total=Decimal("500000.00"))
    municipal = FundSourceFactory(
        programme=programme, kind="municipal_budget", total=Decimal("200000.00")
    )
    fibre = FundSourceFactory(
        programme=programme, kind="private_investment", total=Decimal("13000000.00")
    )
    assert project_budget(project) == ProjectBudget(
        planned=Decimal("0.00"), off_budget=Decimal("0.00")
    )

    for source, year, amount in [
        (miur, 2024, "120000.00"),
        (miur, 2025, "80000.00"),
        (municipal, 2024, "25000.50"),
        (fibre, 2024, "6500000.00"),
    ]:
        allocation_create(
            fund_source=source, project=project, year=year, amount=Decimal(amount), actor=manager
        )

    assert project_budget(project) == ProjectBudget(
        planned=Decimal("225000.50"), off_budget=Decimal("6500000.00")
    )


def test_private_investment_is_off_budget(programme):
    fibre = FundSourceFactory(programme=programme, kind="private_investment")
    miur = FundSourceFactory(programme=programme, kind="ministry_call")

    assert (fibre.is_off_budget, miur.is_off_budget) == (True, False)


def test_who_declared_a_disbursement_cannot_verify_it(commitment, partner_rep):
    declared = declare(commitment, "1000.00", partner_rep)
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        disbursement_verify(disbursement=declared, actor=partner_rep)

    assert error.value.messages == ["Whoever declared a disbursement cannot also verify it."]
    declared.refresh_from_db()
    commitment.refresh_from_db()
    assert (declared.status, commitment.disbursed_amount) == ("declared", Decimal("0.00"))
    assert AuditEntry.objects.count() == audit_before


def test_fund_source_total_cannot_fall_below_what_is_allocated(fund_source, project, manager):
    allocation_create(
        fund_source=fund_source,
        project=project,
        year=2024,
        amount=Decimal("1000.00"),
        actor=manager,
    )

    with pytest.raises(ValidationError) as error:
        fund_source_update(fund_source=fund_source, actor=manager, total=Decimal("999.99"))

    assert error.value.message_dict == {
        "total": ["1,000.00\u00a0€ is already allocated from this source."]
    }
    fund_source.refresh_from_db()
    assert fund_source.total != Decimal("999.99")

    fund_source_update(fund_source=fund_source, actor=manager, total=Decimal("1000.00"))
    fund_source.refresh_from_db()
    assert fund_source.total == Decimal("1000.00")
    assert AuditEntry.objects.filter(verb="fund_source.updated").count() == 1


def test_fund_source_with_allocations_stays_in_its_programme(fund_source, project, manager):
    allocation_create(
        fund_source=fund_source, project=project, year=2024, amount=Decimal("1.00"), actor=manager
    )

    with pytest.raises(ValidationError) as error:
        fund_source_update(fund_source=fund_source, actor=manager, programme=ProgrammeFactory())

    assert "programme" in error.value.message_dict
    fund_source.refresh_from_db()
    assert fund_source.programme == project.programme


def test_contract_with_entries_keeps_its_cig_and_covers_its_impegni(project, manager):
    contract = ContractFactory(project=project, amount=Decimal("5000.00"))
    TransactionFactory(
        project=project,
        phase="impegno",
        amount=Decimal("4000.00"),
        contract=contract,
        cup=project.cup,
    )

    contract.cig = "ZZZZZZZZZZ"
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert error.value.messages == [
        "Entries are recorded on this contract: its CIG, project and supplier stay."
    ]

    contract.refresh_from_db()
    contract.amount = Decimal("3999.99")
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert error.value.message_dict == {
        "amount": ["4,000.00\u00a0€ is already committed (impegno) on this contract."]
    }
