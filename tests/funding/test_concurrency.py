"""Two people acting at once on the same money: the locks keep the totals right."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from funding.models import Commitment, Disbursement
from funding.services import commitment_withdraw, disbursement_declare, disbursement_verify
from tests.factories import CommitmentFactory, DisbursementFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*calls):
    """Run the calls in parallel threads, each on its own connection; return what each raised."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            call()
            outcomes[index] = "ok"
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a call is still running"
    return outcomes


def test_two_representatives_declaring_at_once_cannot_overshoot_the_commitment():
    commitment = CommitmentFactory(status=Commitment.Status.CONFIRMED, amount=Decimal("100.00"))
    first, second = UserFactory(), UserFactory()

    def declare(actor):
        return lambda: disbursement_declare(
            commitment=commitment,
            amount=Decimal("60.00"),
            disbursed_on=datetime.date(2024, 5, 2),
            actor=actor,
        )

    outcomes = _at_once(declare(first), declare(second))

    refusals = [outcome for outcome in outcomes if outcome != "ok"]
    assert outcomes.count("ok") == 1
    [refusal] = refusals
    assert isinstance(refusal, ValidationError), refusal
    assert refusal.error_dict["amount"][0].code == "over_disbursed"
    assert list(commitment.disbursements.values_list("amount", flat=True)) == [Decimal("60.00")]


def test_many_representatives_declaring_at_once_never_exceed_the_commitment():
    commitment = CommitmentFactory(status=Commitment.Status.CONFIRMED, amount=Decimal("100.00"))
    actors = [UserFactory() for _ in range(4)]

    def declare(actor):
        return lambda: disbursement_declare(
            commitment=commitment,
            amount=Decimal("30.00"),
            disbursed_on=datetime.date(2024, 5, 2),
            actor=actor,
        )

    outcomes = _at_once(*(declare(actor) for actor in actors))

    assert outcomes.count("ok") == 3
    declared = commitment.disbursements.aggregate(total=Sum("amount"))["total"]
    assert declared == Decimal("90.00")


def test_two_managers_verifying_at_once_count_both_disbursements():
    commitment = CommitmentFactory(status=Commitment.Status.CONFIRMED, amount=Decimal("100.00"))
    first = DisbursementFactory(commitment=commitment, amount=Decimal("60.00"))
    second = DisbursementFactory(commitment=commitment, amount=Decimal("40.00"))
    managers = UserFactory(), UserFactory()

    outcomes = _at_once(
        lambda: disbursement_verify(disbursement=first, actor=managers[0]),
        lambda: disbursement_verify(disbursement=second, actor=managers[1]),
    )

    assert outcomes == ["ok", "ok"]
    commitment.refresh_from_db()
    # Each verification adds to the total under the commitment's lock: none is lost.
    assert commitment.disbursed_amount == Decimal("100.00")
    assert commitment.status == Commitment.Status.FULFILLED


def test_a_withdrawal_racing_a_declaration_never_leaves_money_on_a_withdrawn_commitment():
    commitment = CommitmentFactory(status=Commitment.Status.CONFIRMED, amount=Decimal("100.00"))
    representative, colleague = UserFactory(), UserFactory()

    _at_once(
        lambda: disbursement_declare(
            commitment=commitment,
            amount=Decimal("20.00"),
            disbursed_on=datetime.date(2024, 5, 2),
            actor=representative,
        ),
        lambda: commitment_withdraw(
            commitment=commitment, actor=colleague, reason="Budget cut by the board"
        ),
    )

    commitment.refresh_from_db()
    pending = commitment.disbursements.exclude(status=Disbursement.Status.REJECTED).count()
    # Exactly one of them won: either a withdrawn commitment without money, or money declared.
    assert (commitment.status == Commitment.Status.WITHDRAWN) != (pending == 1)
