import datetime
from decimal import Decimal

import factory

from funding.models import (
    Allocation,
    Commitment,
    Contract,
    Disbursement,
    FundSource,
    ImportBatch,
    Transaction,
)
from programme.models import AuthorisingAct
from tests.factories.partners import OrganisationFactory
from tests.factories.programme import ProgrammeFactory, ProjectFactory
from tests.factories.users import UserFactory

C = Commitment.Status


class FundSourceFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"MIUR Smart Cities and Social Innovation {n}")
    kind = FundSource.Kind.MINISTRY_CALL
    provider = factory.SubFactory(OrganisationFactory, kind="public_body")
    total = Decimal("1000000.00")
    legal_reference = "D.D. 391/Ric. del 5 luglio 2012"

    class Meta:
        model = FundSource


class AllocationFactory(factory.django.DjangoModelFactory):
    fund_source = factory.SubFactory(FundSourceFactory)
    project = factory.SubFactory(
        ProjectFactory, programme=factory.SelfAttribute("..fund_source.programme")
    )
    year = 2024
    amount = Decimal("100000.00")

    class Meta:
        model = Allocation


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A partner's co-financing; the fields a status needs follow from the status."""

    organisation = factory.SubFactory(OrganisationFactory, kind="utility")
    project = factory.SubFactory(ProjectFactory)
    year = 2024
    kind = Commitment.Kind.CASH_TRANSFER
    amount = Decimal("50000.00")
    status = C.PLEDGED
    disbursed_amount = factory.LazyAttribute(
        lambda c: {C.FULFILLED: c.amount, C.PARTLY_DISBURSED: c.amount / 2}.get(
            c.status, Decimal("0.00")
        )
    )
    act_reference = factory.LazyAttribute(
        lambda c: (
            "Delibera CdA n. 14 del 3 aprile 2024" if c.status in Commitment.FIRM_STATUSES else ""
        )
    )
    withdrawal_reason = factory.LazyAttribute(
        lambda c: "Budget cut by the partner's board" if c.status == C.WITHDRAWN else ""
    )

    class Meta:
        model = Commitment


class DisbursementFactory(factory.django.DjangoModelFactory):
    commitment = factory.SubFactory(CommitmentFactory, status=C.CONFIRMED)
    organisation = factory.SelfAttribute("commitment.organisation")
    amount = Decimal("10000.00")
    disbursed_on = datetime.date(2024, 5, 2)
    status = Disbursement.Status.DECLARED
    declared_by = factory.SubFactory(UserFactory)

    class Meta:
        model = Disbursement


class ContractFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectFactory)
    supplier = factory.SubFactory(OrganisationFactory)
    cig = factory.Sequence(lambda n: f"Z{n:09d}")
    subject = "Piattaforma Open City: sviluppo e avvio"
    amount = Decimal("120000.00")
    procedure = Contract.Procedure.NEGOTIATED
    awarded_on = datetime.date(2024, 3, 1)

    class Meta:
        model = Contract


class TransactionFactory(factory.django.DjangoModelFactory):
    """An impegno unless told otherwise; later phases go through ``transaction_record``."""

    project = factory.SubFactory(ProjectFactory)
    phase = Transaction.Phase.IMPEGNO
    amount = Decimal("100000.00")
    financial_year = 2024
    recorded_on = datetime.date(2024, 4, 15)
    act_kind = AuthorisingAct.DETERMINA
    act_number = factory.Sequence(lambda n: f"{n + 100}/2024")
    act_date = datetime.date(2024, 4, 10)
    cup = factory.SelfAttribute("project.cup")
    recorded_by = factory.SubFactory(UserFactory)

    class Meta:
        model = Transaction


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """A staged import of commitments, still to be checked."""

    kind = ImportBatch.Kind.COMMITMENTS
    uploader = factory.SubFactory(UserFactory)
    original_name = "impegni.csv"
    file_format = ImportBatch.Format.CSV
    expires_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=24)
    )

    class Meta:
        model = ImportBatch
