"""Every constraint of partners' models: the database refuses the row, full_clean explains."""

import datetime

import pytest

from partners.models import DataSharingCommitment, Membership, Organisation, Signatory
from partners.services import organisation_group
from tests.core.constraints import (
    Violation,
    assert_database_refuses,
    assert_full_clean_explains,
    database_cases,
    declared_constraints,
    full_clean_cases,
)
from tests.factories import (
    AgreementFactory,
    DataSharingCommitmentFactory,
    MembershipFactory,
    OrganisationFactory,
    SignatoryFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _organisation_with_a_taken_tax_code():
    taken = OrganisationFactory()
    return OrganisationFactory.build(tax_code=taken.tax_code)


def _organisation_with_a_taken_name():
    taken = OrganisationFactory()
    return OrganisationFactory.build(name=taken.name)


def _second_membership_of_the_same_user():
    first = MembershipFactory()
    return MembershipFactory.build(
        user=first.user, organisation=first.organisation, role=Membership.Role.STAFF
    )


def _membership_ending_before_it_starts():
    return MembershipFactory.build(
        user=UserFactory(),
        organisation=OrganisationFactory(),
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2019, 12, 31),
    )


def _agreement_valid_until_before_valid_from():
    return AgreementFactory.build(
        valid_from=datetime.date(2013, 5, 20), valid_until=datetime.date(2013, 5, 19)
    )


def _organisation_signing_twice():
    first = SignatoryFactory()
    return SignatoryFactory.build(
        agreement=first.agreement, organisation=first.organisation, role=Signatory.Role.PROMOTER
    )


def _data_shared_until_before_since():
    return DataSharingCommitmentFactory.build(
        agreement=AgreementFactory(),
        organisation=OrganisationFactory(),
        since=datetime.date(2019, 1, 1),
        until=datetime.date(2018, 12, 31),
    )


def _same_dataset_shared_twice_under_one_agreement():
    first = DataSharingCommitmentFactory()
    return DataSharingCommitmentFactory.build(
        agreement=first.agreement,
        organisation=first.organisation,
        dataset=first.dataset,
        frequency=DataSharingCommitment.Frequency.DAILY,
    )


def _same_dataset_shared_twice_outside_agreements():
    first = DataSharingCommitmentFactory(agreement=None)
    return DataSharingCommitmentFactory.build(
        agreement=None,
        organisation=first.organisation,
        dataset=first.dataset,
        frequency=DataSharingCommitment.Frequency.WEEKLY,
    )


def _organisations_sharing_a_group():
    first = OrganisationFactory()
    organisation_group(first)
    return OrganisationFactory.build(group=first.group)


VIOLATIONS = [
    Violation("organisation_tax_code_unique", _organisation_with_a_taken_tax_code),
    Violation("Organisation.name", _organisation_with_a_taken_name),
    # Set by the services only: no form offers it.
    Violation("Organisation.group", _organisations_sharing_a_group, field_matter=False),
    Violation("membership_one_per_user_and_organisation", _second_membership_of_the_same_user),
    Violation("membership_ends_after_start", _membership_ending_before_it_starts),
    Violation("agreement_valid_until_after_valid_from", _agreement_valid_until_before_valid_from),
    Violation("signatory_once_per_agreement", _organisation_signing_twice),
    Violation("data_sharing_until_after_since", _data_shared_until_before_since),
    Violation("data_sharing_once_per_dataset", _same_dataset_shared_twice_under_one_agreement),
    Violation(
        "data_sharing_once_per_dataset_outside_agreements",
        _same_dataset_shared_twice_outside_agreements,
    ),
]

UNEXPLAINED: set[str] = set()


def test_every_constraint_of_partners_has_a_violation_case():
    assert declared_constraints("partners") == {v.constraint for v in VIOLATIONS}


@pytest.mark.parametrize("violation", database_cases(VIOLATIONS))
def test_database_refuses_a_row_breaking_the_constraint(violation):
    assert_database_refuses(violation)


@pytest.mark.parametrize(
    "violation",
    full_clean_cases(VIOLATIONS, unexplained=UNEXPLAINED, models_file="partners/models.py"),
)
def test_full_clean_says_what_is_wrong(violation):
    assert_full_clean_explains(violation)


def test_organisations_without_tax_code_do_not_clash():
    OrganisationFactory(tax_code="")
    OrganisationFactory(tax_code="")

    assert Organisation.objects.filter(tax_code="").count() == 2
