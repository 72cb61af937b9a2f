"""The accounting steps: chained, never beyond their parent, append-only, corrected by reversal."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.models import AuditEntry
from core.money import money_sum
from funding.models import Transaction
from funding.services import transaction_record, transaction_reverse
from programme.models import AuthorisingAct
from tests.factories import (
    CommitmentFactory,
    ContractFactory,
    FundSourceFactory,
    ProjectFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

P = Transaction.Phase


def record(actor, project, phase, amount, **fields):
    fields.setdefault("cup", project.cup)
    fields.setdefault("recorded_on", datetime.date(2024, 6, 3))
    fields.setdefault("act_date", datetime.date(2024, 6, 1))
    return transaction_record(
        actor=actor,
        project=project,
        phase=phase,
        amount=Decimal(amount),
        financial_year=2024,
        act_kind=AuthorisingAct.DETERMINA,
        act_number="311/2024",
        **fields,
    )


@pytest.fixture
def impegno(project, manager):
    return record(manager, project, P.IMPEGNO, "100000.00", peg_chapter="2010/5")


def assert_nothing_recorded_after(entries_before, audit_before):
    assert Transaction.objects.count() == entries_before
    assert AuditEntry.objects.count() == audit_before


def test_impegno_is_recorded_with_who_and_audited(impegno, manager):
    assert (impegno.recorded_by, impegno.amount, impegno.peg_chapter) == (
        manager,
        Decimal("100000.00"),
        "2010/5",
    )
    entry = AuditEntry.objects.get(verb="transaction.recorded")
    assert (entry.actor, entry.target_id, entry.data) == (
        manager,
        str(impegno.pk),
        {"phase": "impegno", "amount": "100000.00"},
    )


def test_spending_goes_impegno_liquidazione_pagamento(impegno, project, manager):
    liquidazione = record(manager, project, P.LIQUIDAZIONE, "40000.00", parent=impegno)
    pagamento = record(manager, project, P.PAGAMENTO, "40000.00", parent=liquidazione)

    assert list(impegno.children.all()) == [liquidazione]
    assert list(liquidazione.children.all()) == [pagamento]


def test_income_goes_accertamento_riscossione(project, manager):
    accertamento = record(manager, project, P.ACCERTAMENTO, "13000.00", cup="")

    riscossione = record(manager, project, P.RISCOSSIONE, "13000.00", cup="", parent=accertamento)

    assert riscossione.parent == accertamento


@pytest.mark.parametrize(
    ("phase", "parent_label"),
    [
        (P.LIQUIDAZIONE, "Impegno (commitment of spending)"),
        (P.PAGAMENTO, "Liquidazione (settlement)"),
        (P.RISCOSSIONE, "Accertamento (income assessed)"),
    ],
)
def test_a_later_phase_needs_the_phase_it_follows_from(phase, parent_label, project, manager):
    with pytest.raises(ValidationError) as error:
        record(manager, project, phase, "10.00")

    assert error.value.message_dict["parent"] == [
        f"This entry must follow from an entry of phase “{parent_label}”."
    ]
    assert_nothing_recorded_after(0, 0)


def test_liquidazione_needs_an_impegno_not_another_phase(project, manager):
    accertamento = record(manager, project, P.ACCERTAMENTO, "500.00")
    before = (Transaction.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.LIQUIDAZIONE, "10.00", parent=accertamento)

    assert error.value.message_dict["parent"] == [
        "It must follow from an entry of phase “Impegno (commitment of spending)” of the same "
        "project."
    ]
    assert_nothing_recorded_after(*before)


def test_liquidazione_needs_an_impegno_of_the_same_project(impegno, programme, manager):
    other = ProjectFactory(programme=programme)
    before = (Transaction.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError, match="of the same project"):
        record(manager, other, P.LIQUIDAZIONE, "10.00", parent=impegno)

    assert_nothing_recorded_after(*before)


@pytest.mark.parametrize("phase", [P.IMPEGNO, P.ACCERTAMENTO])
def test_a_first_phase_follows_from_nothing(phase, impegno, project, manager):
    with pytest.raises(ValidationError, match="starts a chain"):
        record(manager, project, phase, "10.00", parent=impegno)


def test_liquidazione_cannot_exceed_what_is_left_of_the_impegno(impegno, project, manager):
    record(manager, project, P.LIQUIDAZIONE, "60000.00", parent=impegno)
    before = (Transaction.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.LIQUIDAZIONE, "40000.01", parent=impegno)

    assert error.value.message_dict["amount"] == [
        "Only 40,000.00\u00a0€ is left of the entry it follows from "
        "(Impegno (commitment of spending)).",
    ]
    assert_nothing_recorded_after(*before)
    record(manager, project, P.LIQUIDAZIONE, "40000.00", parent=impegno)


def test_pagamento_cannot_exceed_its_liquidazione(impegno, project, manager):
    liquidazione = record(manager, project, P.LIQUIDAZIONE, "1000.00", parent=impegno)

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.PAGAMENTO, "1000.01", parent=liquidazione)

    assert error.value.message_dict["amount"] == [
        "Only 1,000.00\u00a0€ is left of the entry it follows from (Liquidazione (settlement))."
    ]


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_amount_must_be_positive(amount, project, manager):
    with pytest.raises(ValidationError) as error:
        record(manager, project, P.IMPEGNO, amount)

    assert error.value.message_dict == {"amount": ["The amount must be positive."]}
    assert_nothing_recorded_after(0, 0)


@pytest.mark.parametrize(
    ("cup", "message"),
    [
        ("", "Settlements and payments carry the project's CUP ({cup})."),
        ("J41H99999999999", "The CUP is not the project's."),
    ],
)
def test_settlement_and_payment_carry_the_projects_cup(cup, message, impegno, project, manager):
    liquidazione = record(manager, project, P.LIQUIDAZIONE, "500.00", parent=impegno)

    for phase, parent in [(P.LIQUIDAZIONE, impegno), (P.PAGAMENTO, liquidazione)]:
        with pytest.raises(ValidationError) as error:
            record(manager, project, phase, "10.00", parent=parent, cup=cup)
        assert error.value.message_dict == {"cup": [message.format(cup=project.cup)]}


def test_impegno_may_be_recorded_before_the_cup(manager):
    project = ProjectFactory(cup="")

    entry = record(manager, project, P.IMPEGNO, "10.00")

    assert entry.cup == ""


@pytest.mark.parametrize("cig", ["", "Z999999999"])
def test_payment_on_a_contract_carries_its_cig(cig, impegno, project, manager):
    contract = ContractFactory(project=project)
    liquidazione = record(
        manager,
        project,
        P.LIQUIDAZIONE,
        "500.00",
        parent=impegno,
        contract=contract,
        cig=contract.cig,
    )

    with pytest.raises(ValidationError) as error:
        record(
            manager, project, P.PAGAMENTO, "500.00", parent=liquidazione, contract=contract, cig=cig
        )

    assert error.value.message_dict == {
        "cig": [f"Payments on a contract carry its CIG ({contract.cig})."]
    }
    payment = record(
        manager,
        project,
        P.PAGAMENTO,
        "500.00",
        parent=liquidazione,
        contract=contract,
        cig=contract.cig,
    )
    assert payment.cig == contract.cig


# Append-only.


def test_recorded_entry_cannot_be_saved_again(impegno):
    impegno.amount = Decimal("1.00")

    with pytest.raises(TypeError, match="append-only"):
        impegno.save()

    assert Transaction.objects.get(pk=impegno.pk).amount == Decimal("100000.00")


def test_recorded_entry_cannot_be_deleted(impegno):
    with pytest.raises(TypeError, match="append-only"):
        impegno.delete()

    assert Transaction.objects.filter(pk=impegno.pk).exists()


def test_entries_cannot_be_updated_or_deleted_in_bulk(impegno):
    with pytest.raises(TypeError, match="append-only"):
        Transaction.objects.filter(pk=impegno.pk).update(amount=Decimal("1.00"))
    with pytest.raises(TypeError, match="append-only"):
        Transaction.objects.all().delete()
    # bulk_update runs its own atomic block, which the refusal marks for rollback.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        Transaction.objects.bulk_update([impegno], ["amount"])

    assert Transaction.objects.get(pk=impegno.pk).amount == Decimal("100000.00")


def test_database_refuses_an_update_in_raw_sql(impegno):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE funding_transaction SET amount = %s WHERE id = %s", ["1.00", impegno.pk]
        )

    assert Transaction.objects.get(pk=impegno.pk).amount == Decimal("100000.00")


@pytest.mark.postgres
def test_database_refuses_a_delete_in_raw_sql(impegno):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM funding_transaction WHERE id = %s", [impegno.pk])

    assert Transaction.objects.filter(pk=impegno.pk).exists()


# Reversals.


def test_reversal_cancels_the_entry_and_leaves_it_as_it_was(impegno, project, manager):
    original = Transaction.objects.values().get(pk=impegno.pk)

    reversal = transaction_reverse(
        entry=impegno,
        actor=manager,
        reason="Wrong PEG chapter",
        recorded_on=datetime.date(2024, 7, 1),
    )

    assert Transaction.objects.values().get(pk=impegno.pk) == original
    assert (reversal.amount, reversal.reverses, reversal.reason, reversal.recorded_by) == (
        Decimal("-100000.00"),
        impegno,
        "Wrong PEG chapter",
        manager,
    )
    assert (reversal.phase, reversal.financial_year, reversal.peg_chapter, reversal.cup) == (
        impegno.phase,
        impegno.financial_year,
        impegno.peg_chapter,
        impegno.cup,
    )
    net = Transaction.objects.filter(project=project).aggregate(net=money_sum("amount"))["net"]
    assert net == Decimal("0.00")
    entry = AuditEntry.objects.get(verb="transaction.reversed")
    assert (entry.actor, entry.target_id, entry.data) == (
        manager,
        str(impegno.pk),
        {"reversal": reversal.pk, "reason": "Wrong PEG chapter"},
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_reversal_needs_a_reason(reason, impegno, manager):
    with pytest.raises(ValidationError) as error:
        transaction_reverse(entry=impegno, actor=manager, reason=reason)

    assert error.value.message_dict == {"reason": ["Say why the entry is reversed."]}
    assert Transaction.objects.count() == 1


def test_entry_is_reversed_only_once(impegno, manager):
    transaction_reverse(entry=impegno, actor=manager, reason="Wrong chapter")

    with pytest.raises(ValidationError, match="already been reversed"):
        transaction_reverse(entry=impegno, actor=manager, reason="Wrong chapter, again")

    assert Transaction.objects.count() == 2
    assert AuditEntry.objects.filter(verb="transaction.reversed").count() == 1


def test_reversal_cannot_itself_be_reversed(impegno, manager):
    reversal = transaction_reverse(entry=impegno, actor=manager, reason="Wrong chapter")

    with pytest.raises(ValidationError, match=re.escape("A reversal cannot itself be reversed.")):
        transaction_reverse(entry=reversal, actor=manager, reason="Undo the undo")

    assert Transaction.objects.count() == 2


def test_entry_with_children_cannot_be_reversed_before_them(impegno, project, manager):
    liquidazione = record(manager, project, P.LIQUIDAZIONE, "40000.00", parent=impegno)

    with pytest.raises(
        ValidationError, match=re.escape("Reverse the entries that follow from this one first.")
    ):
        transaction_reverse(entry=impegno, actor=manager, reason="Wrong chapter")

    transaction_reverse(entry=liquidazione, actor=manager, reason="Wrong supplier")
    transaction_reverse(entry=impegno, actor=manager, reason="Wrong chapter")
    net = Transaction.objects.filter(project=project).aggregate(net=money_sum("amount"))["net"]
    assert net == Decimal("0.00")


def test_reversed_settlement_frees_its_amount_on_the_impegno(impegno, project, manager):
    liquidazione = record(manager, project, P.LIQUIDAZIONE, "100000.00", parent=impegno)
    transaction_reverse(entry=liquidazione, actor=manager, reason="Invoice withdrawn")

    again = record(manager, project, P.LIQUIDAZIONE, "100000.00", parent=impegno)

    assert again.amount == Decimal("100000.00")


def test_nothing_can_follow_from_a_reversed_impegno(impegno, project, manager):
    transaction_reverse(entry=impegno, actor=manager, reason="Project cancelled")

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.LIQUIDAZIONE, "0.01", parent=impegno)

    assert error.value.message_dict["amount"] == [
        "Only 0.00\u00a0€ is left of the entry it follows from (Impegno (commitment of spending))."
    ]


# What an entry links to belongs to its own project, and private money stays out.


def test_entry_cannot_name_another_projects_contract(project, programme, manager):
    other = ContractFactory(project=ProjectFactory(programme=programme))
    before = (Transaction.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.IMPEGNO, "100.00", contract=other)

    assert error.value.message_dict == {"contract": ["The contract belongs to another project."]}
    assert_nothing_recorded_after(*before)


def test_entry_cannot_name_another_projects_commitment(project, programme, manager):
    elsewhere = CommitmentFactory(project=ProjectFactory(programme=programme))

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.ACCERTAMENTO, "100.00", commitment=elsewhere)

    assert error.value.message_dict == {
        "commitment": ["The partner's commitment is for another project."]
    }
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(
    ("source_kind", "other_programme", "message"),
    [
        ("private_investment", False, "Private investment never enters the municipal accounts."),
        ("ministry_call", True, "The fund source belongs to another programme."),
    ],
)
def test_entry_takes_money_only_from_its_programmes_budget_sources(
    source_kind, other_programme, message, project, manager
):
    source = FundSourceFactory(
        kind=source_kind,
        **({} if other_programme else {"programme": project.programme}),
    )

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.IMPEGNO, "100.00", fund_source=source)

    assert error.value.message_dict == {"fund_source": [message]}
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("field", ["recorded_on", "act_date"])
def test_entry_cannot_be_dated_in_the_future(field, project, manager):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.IMPEGNO, "100.00", **{field: tomorrow})

    assert error.value.message_dict == {field: ["This date is in the future."]}
    assert not Transaction.objects.exists()


def test_nothing_is_paid_on_a_project_without_cup(manager):
    project = ProjectFactory(cup="")
    impegno = record(manager, project, P.IMPEGNO, "1000.00")

    with pytest.raises(ValidationError) as error:
        record(manager, project, P.LIQUIDAZIONE, "10.00", parent=impegno)

    assert error.value.messages == [
        "The project has no CUP yet: nothing can be settled or paid on it."
    ]
    assert Transaction.objects.count() == 1
