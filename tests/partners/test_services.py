"""Partners' services: organisations, memberships, agreements and obligations."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from partners.models import Agreement, Membership, Obligation, Organisation, Signatory
from partners.services import (
    agreement_create,
    membership_create,
    membership_end,
    obligation_create,
    obligation_fulfil,
    organisation_create,
)
from tests.factories import (
    MembershipFactory,
    ObligationFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SIGNED = datetime.date(2013, 5, 20)


def test_organisation_is_created_and_audited(admin_user):
    organisation = organisation_create(
        actor=admin_user,
        name="Telecom Italia S.p.A.",
        short_name="Telecom",
        kind=Organisation.Kind.TELECOM,
        tax_code="00488410010",
        vat_number="00488410010",
    )

    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.actor, entry.target_id) == (
        "organisation.created",
        admin_user,
        str(organisation.pk),
    )
    assert str(organisation) == "Telecom"


def test_organisation_with_a_wrong_tax_code_is_refused_and_not_created(admin_user):
    with pytest.raises(ValidationError) as error:
        organisation_create(
            actor=admin_user, name="Fastweb", kind=Organisation.Kind.TELECOM, tax_code="12878470158"
        )

    assert error.value.message_dict["tax_code"] == ["12878470158 is not a valid codice fiscale."]
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_membership_starts_today_and_is_current(admin_user, partner):
    user = UserFactory()

    membership = membership_create(
        user=user, organisation=partner, role=Membership.Role.REPRESENTATIVE, actor=admin_user
    )

    assert membership.started_on is not None
    assert membership.is_current
    assert AuditEntry.objects.get().verb == "membership.created"


def test_second_membership_of_a_user_in_one_organisation_is_refused(
    admin_user, partner_rep, partner
):
    with pytest.raises(ValidationError, match="already exists"):
        membership_create(
            user=partner_rep, organisation=partner, role=Membership.Role.STAFF, actor=admin_user
        )

    assert Membership.objects.filter(user=partner_rep).count() == 1
    assert not AuditEntry.objects.exists()


def test_membership_ends_once(admin_user):
    membership = MembershipFactory()

    membership_end(membership=membership, actor=admin_user, ended_on=datetime.date(2024, 1, 31))

    membership.refresh_from_db()
    assert (membership.ended_on, membership.is_current) == (datetime.date(2024, 1, 31), False)
    with pytest.raises(ValidationError, match="already ended"):
        membership_end(membership=membership, actor=admin_user)
    assert AuditEntry.objects.filter(verb="membership.ended").count() == 1


def test_membership_cannot_end_before_it_started(admin_user):
    membership = MembershipFactory(started_on=datetime.date(2024, 1, 1))

    with pytest.raises(ValidationError):
        membership_end(
            membership=membership, actor=admin_user, ended_on=datetime.date(2023, 12, 31)
        )

    membership.refresh_from_db()
    assert membership.ended_on is None


def test_agreement_is_registered_with_its_signatories(manager, municipality):
    telecom = OrganisationFactory(name="Telecom Italia", kind=Organisation.Kind.TELECOM)
    fastweb = OrganisationFactory(name="Fastweb", kind=Organisation.Kind.TELECOM)

    agreement = agreement_create(
        actor=manager,
        signatories=[
            (municipality, Signatory.Role.PROMOTER),
            (telecom, Signatory.Role.SIGNATORY),
            (fastweb, Signatory.Role.SIGNATORY),
        ],
        kind=Agreement.Kind.MEMORANDUM,
        title="Protocollo d'Intesa per la banda ultralarga",
        signed_on=SIGNED,
        valid_from=SIGNED,
    )

    assert set(agreement.signatories.values_list("organisation__name", "role")) == {
        ("Comune di Livorno", "promoter"),
        ("Telecom Italia", "signatory"),
        ("Fastweb", "signatory"),
    }
    assert AuditEntry.objects.get().verb == "agreement.created"


def test_agreement_needs_a_signatory(manager):
    with pytest.raises(ValidationError, match="at least one signatory"):
        agreement_create(
            actor=manager,
            signatories=[],
            kind="memorandum",
            title="P",
            signed_on=SIGNED,
            valid_from=SIGNED,
        )

    assert not Agreement.objects.exists()


def test_organisation_listed_twice_as_signatory_is_refused_with_a_clear_message(
    manager, municipality
):
    with pytest.raises(ValidationError):
        agreement_create(
            actor=manager,
            signatories=[(municipality, "promoter"), (municipality, "signatory")],
            kind=Agreement.Kind.MEMORANDUM,
            title="Protocollo",
            signed_on=SIGNED,
            valid_from=SIGNED,
        )


def test_only_a_signatory_can_be_obliged(manager, agreement):
    outsider = OrganisationFactory()

    with pytest.raises(ValidationError) as error:
        obligation_create(
            actor=manager,
            agreement=agreement,
            organisation=outsider,
            description="Share parking data",
            due_on=datetime.date(2019, 6, 30),
        )

    assert error.value.message_dict == {
        "organisation": ["Only a signatory of the agreement can have obligations under it."]
    }
    assert not Obligation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_signatory_obligation_is_recorded_and_fulfilled_once(manager, agreement, partner):
    obligation = obligation_create(
        actor=manager,
        agreement=agreement,
        organisation=partner,
        description="Share the parking occupancy feed",
        due_on=datetime.date(2019, 6, 30),
    )
    assert not obligation.is_fulfilled

    obligation_fulfil(obligation=obligation, actor=manager, fulfilled_on=datetime.date(2019, 6, 1))

    obligation.refresh_from_db()
    assert obligation.fulfilled_on == datetime.date(2019, 6, 1)
    with pytest.raises(ValidationError, match="already fulfilled"):
        obligation_fulfil(obligation=obligation, actor=manager)
    assert [e.verb for e in AuditEntry.objects.order_by("pk")] == [
        "obligation.created",
        "obligation.fulfilled",
    ]


def test_an_obligation_binds_only_a_signatory_whatever_the_way_in(agreement):
    outsider = OrganisationFactory()
    obligation = ObligationFactory.build(agreement=agreement, organisation=outsider)

    with pytest.raises(ValidationError) as error:
        obligation.full_clean()

    assert error.value.message_dict == {
        "organisation": ["Only a signatory of the agreement can have obligations under it."]
    }
