"""Every constraint of the funding models: the database refuses the row, full_clean explains."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funding.models import Commitment, Disbursement
from tests.core.constraints import (
    Violation,
    assert_database_refuses,
    assert_full_clean_explains,
    database_cases,
    declared_constraints,
    full_clean_cases,
)
from tests.factories import (
    AllocationFactory,
    CommitmentFactory,
    ContractFactory,
    DisbursementFactory,
    FundSourceFactory,
    OrganisationFactory,
    PlanActionFactory,
    ProgrammeFactory,
    ProjectFactory,
    TransactionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
C = Commitment.Status


def _fund_source(**fields):
    return FundSourceFactory.build(
        programme=ProgrammeFactory(), provider=OrganisationFactory(), **fields
    )


def _fund_source_with_a_taken_name():
    taken = FundSourceFactory()
    return FundSourceFactory.build(
        programme=taken.programme, provider=taken.provider, name=taken.name
    )


def _allocation(**fields):
    source = FundSourceFactory()
    project = ProjectFactory(programme=source.programme)
    return AllocationFactory.build(fund_source=source, project=project, **fields)


def _allocation_twice_in_one_year():
    first = AllocationFactory()
    return AllocationFactory.build(
        fund_source=first.fund_source, project=first.project, year=first.year
    )


def _commitment(**fields):
    fields.setdefault("project", ProjectFactory())
    return CommitmentFactory.build(organisation=OrganisationFactory(), **fields)


def _commitment_with_a_taken_partner_reference():
    first = CommitmentFactory(external_reference="GIDA-2024-07")
    return CommitmentFactory.build(
        organisation=first.organisation,
        project=ProjectFactory(),
        external_reference="GIDA-2024-07",
    )


def _disbursement(**fields):
    return DisbursementFactory.build(
        commitment=CommitmentFactory(status=C.CONFIRMED), declared_by=UserFactory(), **fields
    )


def _disbursement_with_a_taken_partner_reference():
    first = DisbursementFactory(external_reference="GIDA-PAY-1")
    return DisbursementFactory.build(
        commitment=first.commitment,
        organisation=first.organisation,
        declared_by=UserFactory(),
        external_reference="GIDA-PAY-1",
    )


def _contract(**fields):
    return ContractFactory.build(project=ProjectFactory(), supplier=OrganisationFactory(), **fields)


def _transaction(**fields):
    return TransactionFactory.build(project=ProjectFactory(), recorded_by=UserFactory(), **fields)


def _second_reversal_of_one_entry():
    entry = TransactionFactory()
    TransactionFactory(
        project=entry.project, reverses=entry, amount=-entry.amount, reason="Wrong chapter"
    )
    return TransactionFactory.build(
        project=entry.project,
        reverses=entry,
        amount=-entry.amount,
        reason="Wrong chapter, again",
        recorded_by=UserFactory(),
    )


VIOLATIONS = [
    Violation("fund_source_total_positive", lambda: _fund_source(total=Decimal("0.00"))),
    Violation("fund_source_unique_name", _fund_source_with_a_taken_name),
    Violation("allocation_amount_positive", lambda: _allocation(amount=Decimal("0.00"))),
    Violation("allocation_once_per_year", _allocation_twice_in_one_year),
    Violation("commitment_amount_positive", lambda: _commitment(amount=Decimal("0.00"))),
    Violation(
        "commitment_disbursed_within_amount",
        lambda: _commitment(
            status=C.PARTLY_DISBURSED, amount=Decimal("100.00"), disbursed_amount=Decimal("100.01")
        ),
        field_matter=False,
    ),
    Violation("commitment_for_project_or_plan_action", lambda: _commitment(project=None)),
    Violation(
        "commitment_withdrawal_has_reason",
        lambda: _commitment(status=C.WITHDRAWN, withdrawal_reason=""),
        field_matter=False,
    ),
    Violation(
        "commitment_firm_has_act",
        lambda: _commitment(status=C.CONFIRMED, act_reference=""),
        field_matter=False,
    ),
    Violation("commitment_external_reference_unique", _commitment_with_a_taken_partner_reference),
    Violation("disbursement_amount_positive", lambda: _disbursement(amount=Decimal("0.00"))),
    Violation(
        "disbursement_external_reference_unique", _disbursement_with_a_taken_partner_reference
    ),
    Violation(
        "disbursement_rejection_has_reason",
        lambda: _disbursement(status=Disbursement.Status.REJECTED, rejection_reason=""),
        field_matter=False,
    ),
    Violation("contract_amount_positive", lambda: _contract(amount=Decimal("0.00"))),
    Violation("contract_cig_format", lambda: _contract(cig="z12345678")),
    Violation(
        "contract_ends_after_start",
        lambda: _contract(starts_on=datetime.date(2024, 6, 1), ends_on=datetime.date(2024, 5, 31)),
    ),
    Violation("Contract.cig", lambda: _contract(cig=ContractFactory().cig)),
    Violation(
        "transaction_positive_or_reasoned_reversal",
        lambda: _transaction(amount=Decimal("-10.00")),
        field_matter=False,
    ),
    Violation("transaction_cup_format", lambda: _transaction(cup="J41H1300029000")),
    Violation("transaction_cig_format", lambda: _transaction(cig="Z12345678!")),
    Violation("transaction_financial_year_plausible", lambda: _transaction(financial_year=1999)),
    Violation("Transaction.reverses", _second_reversal_of_one_entry, field_matter=False),
]


UNEXPLAINED: set[str] = set()


def test_every_constraint_of_funding_has_a_violation_case():
    assert declared_constraints("funding") == {v.constraint for v in VIOLATIONS}


@pytest.mark.parametrize("violation", database_cases(VIOLATIONS))
def test_database_refuses_a_row_breaking_the_constraint(violation):
    assert_database_refuses(violation)


@pytest.mark.parametrize(
    "violation",
    full_clean_cases(VIOLATIONS, unexplained=UNEXPLAINED, models_file="funding/models.py"),
)
def test_full_clean_says_what_is_wrong(violation):
    assert_full_clean_explains(violation)


@pytest.mark.parametrize(
    ("reverses", "amount", "reason"),
    [
        pytest.param(False, Decimal("-10.00"), "", id="negative-without-reversing"),
        pytest.param(True, Decimal("-10.00"), "", id="reversal-without-reason"),
        pytest.param(True, Decimal("10.00"), "Wrong chapter", id="positive-reversal"),
        pytest.param(False, Decimal("10.00"), "Why?", id="reason-without-reversing"),
    ],
)
def test_database_refuses_anything_but_a_positive_entry_or_a_reasoned_negative_reversal(
    reverses, amount, reason
):
    original = TransactionFactory()
    row = TransactionFactory.build(
        project=original.project,
        reverses=original if reverses else None,
        amount=amount,
        reason=reason,
        recorded_by=original.recorded_by,
    )

    with (
        pytest.raises(IntegrityError, match="transaction_positive_or_reasoned_reversal"),
        transaction.atomic(),
    ):
        row.save()


def test_commitment_cannot_be_for_a_project_and_a_plan_action_at_once():
    commitment = _commitment(plan_action=PlanActionFactory())

    with pytest.raises(ValidationError) as error:
        commitment.full_clean()

    assert "A commitment is for either a project or a plan action." in error.value.messages
