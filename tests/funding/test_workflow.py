"""The commitment workflow: every allowed step is taken and recorded, every other step refused.

Commitments have no free "move to" service: confirming, withdrawing and verifying a
disbursement are the steps. Every refused pair is checked against the workflow map; those a
service can attempt are also attempted, and must change nothing.
"""

import datetime
from decimal import Decimal
from itertools import product

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from funding.models import Commitment, Disbursement
from funding.services import (
    COMMITMENT_TRANSITIONS,
    commitment_confirm,
    commitment_pledge,
    commitment_withdraw,
    disbursement_declare,
    disbursement_verify,
)
from programme.models import StatusChange
from programme.workflow import check_transition, status_history
from tests.factories import (
    CommitmentFactory,
    DisbursementFactory,
    PlanActionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

C = Commitment.Status
AMOUNT = Decimal("50000.00")
ACT_REFERENCE = "Delibera del CdA di Gida n. 14 del 3 aprile 2024"
ALLOWED = [
    (current, target) for current, targets in COMMITMENT_TRANSITIONS.items() for target in targets
]
REFUSED = [
    (current, target)
    for current, target in product(C.values, repeat=2)
    if target not in COMMITMENT_TRANSITIONS[current]
]


def _ids(pairs):
    return [f"{current}->{target}" for current, target in pairs]


def commitment_in(status: str, actor) -> Commitment:
    """A commitment of 50,000 € brought to ``status`` through the services, as in real life."""
    commitment = CommitmentFactory(amount=AMOUNT)
    if status == C.WITHDRAWN:
        return commitment_withdraw(commitment=commitment, actor=actor, reason="Budget cut")
    if status == C.PLEDGED:
        return commitment
    commitment_confirm(commitment=commitment, actor=actor, act_reference=ACT_REFERENCE)
    paid = {C.PARTLY_DISBURSED: Decimal("20000.00"), C.FULFILLED: AMOUNT}.get(status)
    if paid:
        _pay(commitment, paid, actor)
    commitment.refresh_from_db()
    assert commitment.status == status
    return commitment


def _pay(commitment, amount, actor):
    """The partner declares, the municipality's ``actor`` verifies."""
    disbursement = disbursement_declare(
        commitment=commitment,
        amount=amount,
        disbursed_on=datetime.date(2024, 5, 2),
        actor=UserFactory(),
    )
    return disbursement_verify(disbursement=disbursement, actor=actor)


def take_step(commitment: Commitment, target: str, actor) -> str:
    """Ask the service that leads to ``target``; return the verb it audits."""
    if target == C.CONFIRMED:
        commitment_confirm(commitment=commitment, actor=actor, act_reference=ACT_REFERENCE)
        return "commitment.confirmed"
    if target == C.WITHDRAWN:
        commitment_withdraw(commitment=commitment, actor=actor, reason="Budget cut")
        return "commitment.withdrawn"
    remaining = commitment.amount - commitment.disbursed_amount
    amount = remaining if target == C.FULFILLED else Decimal("1000.00")
    # Created directly: the declaration's own checks are not the point here.
    disbursement = DisbursementFactory(commitment=commitment, amount=amount)
    disbursement_verify(disbursement=disbursement, actor=actor)
    return "disbursement.verified"


def _attemptable(current, target):
    # No service takes a commitment back to pledged, and a fulfilled commitment has nothing
    # left to disburse: those pairs are only checked against the map.
    return target != C.PLEDGED and (current, target) != (C.FULFILLED, C.FULFILLED)


def test_workflow_map_names_every_status():
    assert set(COMMITMENT_TRANSITIONS) == set(C.values)
    assert all(set(targets) <= set(C.values) for targets in COMMITMENT_TRANSITIONS.values())


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=_ids(ALLOWED))
def test_allowed_step_moves_the_commitment_and_records_who(current, target, manager):
    commitment = commitment_in(current, manager)
    changes_before = status_history(commitment).count()
    audit_before = AuditEntry.objects.count()

    verb = take_step(commitment, target, manager)

    commitment.refresh_from_db()
    assert commitment.status == target
    changes = list(status_history(commitment))
    if current == target:
        # More money on a partly disbursed commitment: no new status, no new step to show.
        assert len(changes) == changes_before
    else:
        assert len(changes) == changes_before + 1
        assert (changes[-1].from_status, changes[-1].to_status, changes[-1].actor) == (
            current,
            target,
            manager,
        )
    new_entries = AuditEntry.objects.order_by("pk")[audit_before:]
    assert [(entry.verb, entry.actor) for entry in new_entries] == [(verb, manager)]


@pytest.mark.parametrize(("current", "target"), REFUSED, ids=_ids(REFUSED))
def test_workflow_refuses_the_step_naming_both_statuses(current, target):
    with pytest.raises(ValidationError) as error:
        check_transition(COMMITMENT_TRANSITIONS, current, target, C)

    assert error.value.messages == [
        f"The status cannot go from “{C(current).label}” to “{C(target).label}”."
    ]


SERVICE_REFUSED = [pair for pair in REFUSED if _attemptable(*pair)]


@pytest.mark.parametrize(("current", "target"), SERVICE_REFUSED, ids=_ids(SERVICE_REFUSED))
def test_refused_step_says_why_and_changes_nothing(current, target, manager):
    commitment = commitment_in(current, manager)
    stored = Commitment.objects.values().get(pk=commitment.pk)
    changes = StatusChange.objects.count()
    disbursements = list(Disbursement.objects.values_list("pk", "status"))
    audit = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        take_step(commitment, target, manager)

    if target == C.WITHDRAWN and current in (C.PARTLY_DISBURSED, C.FULFILLED):
        expected = "A commitment with disbursements cannot be withdrawn."
    else:
        expected = f"The status cannot go from “{C(current).label}” to “{C(target).label}”."
    assert error.value.messages == [expected]
    assert Commitment.objects.values().get(pk=commitment.pk) == stored
    assert StatusChange.objects.count() == changes
    assert (
        list(
            Disbursement.objects.filter(pk__in=[pk for pk, _ in disbursements]).values_list(
                "pk", "status"
            )
        )
        == disbursements
    )
    assert AuditEntry.objects.count() == audit


def test_pledge_is_recorded_as_the_first_step(partner, partner_rep):
    commitment = commitment_pledge(
        actor=partner_rep,
        organisation=partner,
        plan_action=PlanActionFactory(),
        year=2020,
        kind=Commitment.Kind.IN_KIND,
        amount=Decimal("15000.00"),
        description="Parking sensors data feed",
    )

    assert commitment.status == C.PLEDGED
    assert commitment.subject_to_budget_availability is True
    change = status_history(commitment).get()
    assert (change.from_status, change.to_status, change.actor) == ("", C.PLEDGED, partner_rep)
    entry = AuditEntry.objects.get(verb="commitment.pledged")
    assert (entry.actor, entry.target_id, entry.data) == (
        partner_rep,
        str(commitment.pk),
        {"amount": "15000.00"},
    )


def test_pledge_for_nothing_is_refused_and_leaves_nothing(partner, partner_rep):
    with pytest.raises(ValidationError) as error:
        commitment_pledge(
            actor=partner_rep,
            organisation=partner,
            year=2020,
            kind=Commitment.Kind.CASH_TRANSFER,
            amount=Decimal("15000.00"),
        )

    assert "A commitment is for either a project or a plan action." in error.value.messages
    assert not Commitment.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("act_reference", ["", "   "])
def test_confirmation_needs_the_partners_budget_act(act_reference, manager):
    commitment = CommitmentFactory()

    with pytest.raises(ValidationError) as error:
        commitment_confirm(commitment=commitment, actor=manager, act_reference=act_reference)

    assert error.value.message_dict == {
        "act_reference": ["Give the reference of the partner's budget act."]
    }
    assert Commitment.objects.get(pk=commitment.pk).status == C.PLEDGED
    assert not StatusChange.objects.exists()
    assert not AuditEntry.objects.exists()


def test_confirmation_keeps_the_act_and_the_note(manager):
    commitment = CommitmentFactory()

    commitment_confirm(
        commitment=commitment,
        actor=manager,
        act_reference=f"  {ACT_REFERENCE} ",
        note="Budget approved by the board",
    )

    commitment.refresh_from_db()
    assert commitment.act_reference == ACT_REFERENCE
    assert status_history(commitment).get().note == "Budget approved by the board"


@pytest.mark.parametrize("reason", ["", " \t"])
@pytest.mark.parametrize("status", [C.PLEDGED, C.CONFIRMED])
def test_withdrawal_needs_a_reason(status, reason, manager):
    commitment = commitment_in(status, manager)
    stored = Commitment.objects.values().get(pk=commitment.pk)
    audit = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        commitment_withdraw(commitment=commitment, actor=manager, reason=reason)

    assert error.value.message_dict == {
        "withdrawal_reason": ["Say why the commitment is withdrawn."]
    }
    assert Commitment.objects.values().get(pk=commitment.pk) == stored
    assert AuditEntry.objects.count() == audit


def test_withdrawal_keeps_the_reason_as_the_steps_note(manager):
    commitment = CommitmentFactory()

    commitment_withdraw(commitment=commitment, actor=manager, reason=" Board cut the budget ")

    commitment.refresh_from_db()
    assert (commitment.status, commitment.withdrawal_reason) == (
        C.WITHDRAWN,
        "Board cut the budget",
    )
    assert status_history(commitment).get().note == "Board cut the budget"


def test_commitment_with_a_pending_declaration_cannot_be_withdrawn(manager, partner_rep):
    commitment = commitment_in(C.CONFIRMED, manager)
    disbursement_declare(
        commitment=commitment,
        amount=Decimal("100.00"),
        disbursed_on=datetime.date(2024, 5, 2),
        actor=partner_rep,
    )

    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        commitment_withdraw(commitment=commitment, actor=manager, reason="Budget cut")

    assert Commitment.objects.get(pk=commitment.pk).status == C.CONFIRMED
