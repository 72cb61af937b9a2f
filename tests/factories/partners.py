import datetime

import factory
from stdnum import luhn

from partners.models import (
    Agreement,
    DataSharingCommitment,
    Membership,
    Obligation,
    Organisation,
    Signatory,
)
from tests.factories.users import UserFactory


def partita_iva(n: int) -> str:
    """A distinct, valid partita IVA for each ``n``: 7 digits, an office code, the check digit."""
    base = f"{n + 1:07d}049"
    return base + luhn.calc_check_digit(base)


class OrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.COMPANY
    tax_code = factory.Sequence(partita_iva)
    vat_number = factory.LazyAttribute(lambda organisation: organisation.tax_code)
    city = "Livorno"

    class Meta:
        model = Organisation


class MunicipalityFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Comune {n}")
    kind = Organisation.Kind.MUNICIPALITY


class MembershipFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.REPRESENTATIVE
    started_on = datetime.date(2018, 1, 1)

    class Meta:
        model = Membership


class AgreementFactory(factory.django.DjangoModelFactory):
    kind = Agreement.Kind.MEMORANDUM
    title = factory.Sequence(lambda n: f"Protocollo d'Intesa {n}")
    signed_on = datetime.date(2013, 5, 20)
    valid_from = datetime.date(2013, 5, 20)
    valid_until = datetime.date(2016, 5, 19)
    scope = "Rete in fibra ottica a banda ultralarga"

    class Meta:
        model = Agreement


class SignatoryFactory(factory.django.DjangoModelFactory):
    agreement = factory.SubFactory(AgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Signatory.Role.SIGNATORY

    class Meta:
        model = Signatory


class ObligationFactory(factory.django.DjangoModelFactory):
    """An obligation of one of the agreement's signatories (only they can be obliged)."""

    agreement = factory.SubFactory(AgreementFactory)
    organisation = factory.LazyAttribute(
        lambda obligation: SignatoryFactory(agreement=obligation.agreement).organisation
    )
    description = "Condividere i dati sui parcheggi"
    due_on = datetime.date(2019, 6, 30)

    class Meta:
        model = Obligation


class DataSharingCommitmentFactory(factory.django.DjangoModelFactory):
    agreement = factory.SubFactory(AgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    dataset = DataSharingCommitment.Dataset.PARKING
    frequency = DataSharingCommitment.Frequency.HOURLY
    licence = DataSharingCommitment.Licence.CC_BY_4
    since = datetime.date(2018, 12, 1)

    class Meta:
        model = DataSharingCommitment
