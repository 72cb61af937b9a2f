"""Two people acting at once on the same money: the locks keep the totals right."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funding.models import Commitment
from funding.services import disbursement_declare
from tests.factories import CommitmentFactory, UserFactory

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
