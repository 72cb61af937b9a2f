"""The partners' API: organisations, memberships, agreements, obligations, data sharing.

Who reads and writes what follows docs/permissions.md: an object outside the reader's scope
is a 404, a write the reader may not make is a 403 (401 when not logged in), and a refused
write changes nothing and leaves no audit row.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.models import AuditEntry
from core.roles import Role, role_group_name
from partners.models import (
    Agreement,
    DataSharingCommitment,
    Membership,
    Obligation,
    Organisation,
    Signatory,
)
from partners.services import membership_create, organisation_group
from tests.factories import (
    AgreementFactory,
    DataSharingCommitmentFactory,
    MembershipFactory,
    ObligationFactory,
    OrganisationFactory,
    SignatoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "partner_rep", "project_manager", "manager", "council_member"]
ALL_ROLES = [*ROLES, "admin_user"]
MANAGERS = ["manager", "admin_user"]
NOT_MANAGERS = ["citizen", "partner_rep", "project_manager", "council_member"]
# A valid partita IVA no factory hands out, and one whose check digit is wrong.
NEW_VAT = "00488410010"
WRONG_VAT = "00488410011"


# --- roles and data -----------------------------------------------------------------------


def _join_role(user, role: Role) -> None:
    user.groups.add(Group.objects.get(name=role_group_name(role)))


@pytest.fixture
def manager(manager):
    """The programme manager, in the role group by which partners knows managers."""
    _join_role(manager, Role.PROGRAMME_MANAGER)
    return manager


@pytest.fixture
def council_member(council_member):
    _join_role(council_member, Role.COUNCIL_MEMBER)
    return council_member


class AuditTrail:
    """The audit rows written since the last API client was made (fixtures write some too)."""

    since = 0

    def mark(self) -> None:
        self.since = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0

    def new(self):
        return AuditEntry.objects.filter(pk__gt=self.since).order_by("pk")


@pytest.fixture
def audit(db) -> AuditTrail:
    return AuditTrail()


@pytest.fixture
def user_of(request):
    """The user playing a role by its fixture's name; None for an anonymous visitor."""

    def user_of(role: str):
        return None if role == "anonymous" else request.getfixturevalue(role)

    return user_of


@pytest.fixture
def api(user_of, audit):
    """An API client logged in as a role (English unless told otherwise).

    Making one marks the audit trail: ``audit.new()`` is what the requests wrote after it.
    """

    def api(role: str = "anonymous", language: str = "en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        user = user_of(role)
        if user is not None:
            client.force_authenticate(user)
        audit.mark()
        return client

    return api


@pytest.fixture
def other(db) -> Organisation:
    """An organisation the partner's representative has nothing to do with."""
    return OrganisationFactory(name="Fastweb S.p.A.", kind=Organisation.Kind.TELECOM)


@pytest.fixture
def other_agreement(municipality, other) -> Agreement:
    agreement = AgreementFactory(title="Protocollo per la banda ultralarga")
    SignatoryFactory(agreement=agreement, organisation=municipality, role="promoter")
    SignatoryFactory(agreement=agreement, organisation=other)
    return agreement


def url(basename: str, pk: int | None = None, action: str | None = None) -> str:
    if pk is None:
        return reverse(f"api:{basename}-list")
    if action is None:
        return reverse(f"api:{basename}-detail", args=[pk])
    return reverse(f"api:{basename}-{action}", args=[pk])


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def refused_status(role: str) -> int:
    return 401 if role == "anonymous" else 403


# --- organisations ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_lists_and_reads_every_organisation(role, api, partner, other):
    client = api(role)

    assert {partner.pk, other.pk} <= ids(client.get(url("organisations")))
    response = client.get(url("organisations", other.pk))
    assert response.status_code == 200
    assert response.json()["name"] == "Fastweb S.p.A."
    assert "group" not in response.json()


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_register_an_organisation(audit, role, api, user_of):
    response = api(role).post(
        url("organisations"),
        {"name": "Telecom Italia S.p.A.", "kind": "telecom", "vat_number": NEW_VAT},
    )

    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert organisation.group is not None
    entry = audit.new().get(verb="organisation.created")
    assert entry.actor == user_of(role)


@pytest.mark.parametrize("role", ["anonymous", *NOT_MANAGERS])
def test_others_cannot_register_an_organisation(audit, role, api, user_of):
    user_of(role)
    before = Organisation.objects.count()

    response = api(role).post(
        url("organisations"), {"name": "Telecom Italia S.p.A.", "kind": "telecom"}
    )

    assert response.status_code == refused_status(role)
    assert Organisation.objects.count() == before
    assert not audit.new().exists()


def test_partner_updates_its_own_organisation(audit, api, partner_rep, partner):
    response = api("partner_rep").patch(
        url("organisations", partner.pk), {"website": "https://www.gida.it", "city": "Prato"}
    )

    assert response.status_code == 200, response.content
    partner.refresh_from_db()
    assert (partner.website, partner.city) == ("https://www.gida.it", "Prato")
    entry = audit.new().get()
    assert (entry.verb, entry.actor, entry.data) == (
        "organisation.changed",
        partner_rep,
        {"fields": ["city", "website"]},
    )


def test_partner_cannot_update_another_organisation(audit, api, partner_rep, other):
    response = api("partner_rep").patch(url("organisations", other.pk), {"city": "Prato"})

    assert response.status_code == 403
    assert "organisation you belong to" in response.json()["detail"]
    other.refresh_from_db()
    assert other.city == "Livorno"
    assert not audit.new().exists()


@pytest.mark.parametrize("change", [{"kind": "municipality"}, {"is_active": False}])
def test_partner_cannot_change_its_organisations_kind_or_status(
    audit, change, api, partner_rep, partner
):
    response = api("partner_rep").patch(url("organisations", partner.pk), change)

    assert response.status_code == 403
    partner.refresh_from_db()
    assert (partner.kind, partner.is_active) == (Organisation.Kind.UTILITY, True)
    assert not audit.new().exists()


def test_partner_may_send_back_its_organisations_unchanged_kind(api, partner_rep, partner):
    response = api("partner_rep").patch(
        url("organisations", partner.pk), {"kind": "utility", "is_active": True, "city": "Prato"}
    )

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_update_any_organisation(audit, role, api, user_of, other):
    user_of(role)

    response = api(role).patch(url("organisations", other.pk), {"is_active": False})

    assert response.status_code == 200, response.content
    other.refresh_from_db()
    assert other.is_active is False
    assert audit.new().get().verb == "organisation.changed"


@pytest.mark.parametrize("role", ["anonymous", "citizen", "project_manager", "council_member"])
def test_others_cannot_update_an_organisation(audit, role, api, user_of, partner):
    user_of(role)

    response = api(role).patch(url("organisations", partner.pk), {"city": "Prato"})

    assert response.status_code == refused_status(role)
    partner.refresh_from_db()
    assert partner.city == "Livorno"
    assert not audit.new().exists()


def test_admin_deletes_an_organisation_with_its_group(audit, api, admin_user):
    organisation = OrganisationFactory()
    group = organisation_group(organisation)
    member = UserFactory()
    member.groups.add(group)

    response = api("admin_user").delete(url("organisations", organisation.pk))

    assert response.status_code == 204
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not Group.objects.filter(pk=group.pk).exists()
    assert not member.groups.exists()
    assert audit.new().get().verb == "organisation.deleted"


@pytest.mark.parametrize("role", ["anonymous", "partner_rep", "manager", "council_member"])
def test_only_an_admin_deletes_an_organisation(audit, role, api, user_of, partner):
    user_of(role)

    response = api(role).delete(url("organisations", partner.pk))

    assert response.status_code == refused_status(role)
    assert Organisation.objects.filter(pk=partner.pk).exists()
    assert not audit.new().exists()


def test_organisation_that_signed_an_agreement_cannot_be_deleted(audit, api, admin_user, agreement):
    partner = agreement.signatories.get(role="signatory").organisation

    response = api("admin_user").delete(url("organisations", partner.pk))

    assert response.status_code == 409
    assert Organisation.objects.filter(pk=partner.pk).exists()
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", f"{WRONG_VAT} is not a valid partita IVA (11 digits with a check digit)."),
        (
            "it",
            f"{WRONG_VAT} non è una partita IVA valida (11 cifre, compresa la cifra di controllo).",
        ),
    ],
)
def test_wrong_partita_iva_is_refused_on_its_field(audit, language, message, api, manager):
    response = api("manager", language).post(
        url("organisations"), {"name": "Fastweb", "kind": "telecom", "vat_number": WRONG_VAT}
    )

    assert response.status_code == 400
    assert response.json() == {"vat_number": [message]}
    assert not Organisation.objects.filter(name="Fastweb").exists()
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", f"{WRONG_VAT} is not a valid codice fiscale."),
        ("it", f"{WRONG_VAT} non è un codice fiscale valido."),
    ],
)
def test_wrong_codice_fiscale_on_update_is_refused_on_its_field(
    audit, language, message, api, partner_rep, partner
):
    response = api("partner_rep", language).patch(
        url("organisations", partner.pk), {"tax_code": WRONG_VAT}
    )

    assert response.status_code == 400
    assert response.json() == {"tax_code": [message]}
    partner.refresh_from_db()
    assert partner.tax_code != WRONG_VAT
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        ("en", {"name": ["This field is required."], "kind": ['"club" is not a valid choice.']}),
        (
            "it",
            {"name": ["Campo obbligatorio."], "kind": ['"club" non è una scelta valida.']},
        ),
    ],
)
def test_incomplete_organisation_is_refused_field_by_field(language, messages, api, manager):
    response = api("manager", language).post(url("organisations"), {"kind": "club"})

    assert response.status_code == 400
    assert response.json() == messages


def test_codes_are_stored_compact(api, manager):
    response = api("manager").post(
        url("organisations"),
        {"name": "Telecom Italia", "kind": "telecom", "tax_code": " 00488410010 "},
    )

    assert response.status_code == 201, response.content
    assert response.json()["tax_code"] == NEW_VAT


def test_organisation_list_filters_searches_and_orders(api, partner, other):
    client = api()

    assert ids(client.get(url("organisations"), {"kind": "telecom"})) == {other.pk}
    assert ids(client.get(url("organisations"), {"search": "gida"})) == {partner.pk}
    names = [
        row["name"]
        for row in client.get(url("organisations"), {"ordering": "-name"}).json()["results"]
    ]
    assert names == sorted(names, reverse=True)


@pytest.mark.parametrize(
    "params",
    [{"is_active": "perhaps"}, {"kind": "club"}, {"page": "x"}, {"ordering": "group"}],
    ids=["boolean", "choice", "page", "ordering"],
)
def test_bad_organisation_list_parameters_never_fail(params, api, partner):
    response = api().get(url("organisations"), params)

    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999999"])
def test_unknown_organisation_is_not_found(pk, api):
    response = api().get(f"{url('organisations')}{pk}/")

    assert response.status_code == 404


# --- memberships --------------------------------------------------------------------------


@pytest.fixture
def colleague(partner) -> Membership:
    return MembershipFactory(organisation=partner, role=Membership.Role.STAFF)


@pytest.fixture
def stranger(other) -> Membership:
    return MembershipFactory(organisation=other)


def test_anonymous_visitors_are_asked_to_log_in_for_memberships(api, colleague):
    assert api().get(url("memberships")).status_code == 401
    assert api().get(url("memberships", colleague.pk)).status_code == 401


def test_partner_reads_its_own_organisations_memberships_only(
    api, partner_rep, colleague, stranger
):
    client = api("partner_rep")
    own = partner_rep.memberships.get()

    assert ids(client.get(url("memberships"))) == {own.pk, colleague.pk}
    response = client.get(url("memberships", colleague.pk))
    assert response.status_code == 200
    assert response.json()["organisation_name"] == "Gida S.p.A."
    assert client.get(url("memberships", stranger.pk)).status_code == 404


def test_former_member_reads_no_membership(api, partner_rep, colleague):
    partner_rep.memberships.update(ended_on=datetime.date(2024, 1, 1))

    assert ids(api("partner_rep").get(url("memberships"))) == set()
    assert api("partner_rep").get(url("memberships", colleague.pk)).status_code == 404


@pytest.mark.parametrize("role", ["citizen", "project_manager", "council_member"])
def test_who_has_no_organisation_role_reads_no_membership(role, api, user_of, colleague):
    user_of(role)
    client = api(role)

    assert ids(client.get(url("memberships"))) == set()
    assert client.get(url("memberships", colleague.pk)).status_code == 404


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_read_every_membership(role, api, colleague, stranger):
    client = api(role)

    assert {colleague.pk, stranger.pk} <= ids(client.get(url("memberships")))
    assert client.get(url("memberships", stranger.pk)).json()["username"] == (
        stranger.user.username
    )


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_make_a_user_member_with_the_organisations_rights(
    audit, role, api, user_of, other
):
    newcomer = UserFactory()

    response = api(role).post(
        url("memberships"),
        {"user": newcomer.pk, "organisation": other.pk, "role": "representative"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["is_current"] is True
    other.refresh_from_db()
    assert newcomer.groups.filter(pk=other.group_id).exists()
    assert audit.new().get().actor == user_of(role)


@pytest.mark.parametrize("role", ["anonymous", *NOT_MANAGERS])
def test_others_cannot_make_members(audit, role, api, user_of, partner):
    user_of(role)
    newcomer = UserFactory()

    response = api(role).post(
        url("memberships"),
        {"user": newcomer.pk, "organisation": partner.pk, "role": "representative"},
    )

    assert response.status_code == refused_status(role)
    assert not newcomer.memberships.exists()
    assert not newcomer.groups.exists()
    assert not audit.new().exists()


def test_second_membership_in_one_organisation_is_refused(audit, api, manager, colleague):
    response = api("manager").post(
        url("memberships"),
        {"user": colleague.user_id, "organisation": colleague.organisation_id, "role": "staff"},
    )

    assert response.status_code == 400
    assert "already exists" in response.json()["non_field_errors"][0]
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", 'Invalid pk "0" - object does not exist.'),
        ("it", 'Pk "0" non valido - l\'oggetto non esiste.'),
    ],
)
def test_membership_of_an_unknown_user_is_refused_on_its_field(
    language, message, api, manager, partner
):
    response = api("manager", language).post(
        url("memberships"), {"user": 0, "organisation": partner.pk, "role": "staff"}
    )

    assert response.status_code == 400
    assert response.json() == {"user": [message]}


def test_manager_changes_a_memberships_role_but_not_who_holds_it(audit, api, manager, colleague):
    newcomer = UserFactory()

    response = api("manager").patch(
        url("memberships", colleague.pk), {"role": "representative", "user": newcomer.pk}
    )

    assert response.status_code == 200, response.content
    colleague.refresh_from_db()
    assert (colleague.role, colleague.user_id) == ("representative", colleague.user_id)
    assert colleague.user != newcomer
    assert audit.new().get().data == {"fields": ["role"]}


@pytest.mark.parametrize("role", ["partner_rep", "council_member"])
def test_partner_and_council_cannot_change_a_membership(audit, role, api, user_of, colleague):
    user_of(role)

    response = api(role).patch(url("memberships", colleague.pk), {"role": "representative"})

    # The partner reads it, so it is refused; the council member does not even see it.
    assert response.status_code == (403 if role == "partner_rep" else 404)
    colleague.refresh_from_db()
    assert colleague.role == "staff"
    assert not audit.new().exists()


def test_partner_cannot_touch_another_organisations_membership(api, partner_rep, stranger):
    client = api("partner_rep")

    assert client.patch(url("memberships", stranger.pk), {"role": "staff"}).status_code == 404
    assert client.post(url("memberships", stranger.pk, "end")).status_code == 404
    stranger.refresh_from_db()
    assert (stranger.role, stranger.ended_on) == ("representative", None)


@pytest.mark.parametrize("role", MANAGERS)
def test_ending_a_membership_removes_the_organisations_group(audit, role, api, user_of, partner):
    member = UserFactory()
    membership = membership_create(
        user=member,
        organisation=partner,
        role="representative",
        started_on=datetime.date(2018, 1, 1),
        actor=user_of("admin_user"),
    )
    assert member.groups.filter(pk=partner.group_id).exists()

    response = api(role).post(url("memberships", membership.pk, "end"), {"ended_on": "2026-03-31"})

    assert response.status_code == 200, response.content
    assert response.json()["ended_on"] == "2026-03-31"
    assert response.json()["is_current"] is False
    assert not member.groups.filter(pk=partner.group_id).exists()
    entry = audit.new().get(verb="membership.ended")
    assert entry.actor == user_of(role)


def test_membership_ends_today_unless_told(api, manager, colleague):
    response = api("manager").post(url("memberships", colleague.pk, "end"))

    assert response.status_code == 200
    colleague.refresh_from_db()
    assert colleague.ended_on is not None


@pytest.mark.parametrize("role", ["partner_rep", "citizen", "council_member", "anonymous"])
def test_others_cannot_end_a_membership(audit, role, api, user_of, partner):
    user_of(role)
    member = UserFactory()
    membership = membership_create(
        user=member, organisation=partner, role="staff", actor=user_of("admin_user")
    )

    response = api(role).post(url("memberships", membership.pk, "end"))

    expected = {"anonymous": 401, "partner_rep": 403}.get(role, 404)
    assert response.status_code == expected
    membership.refresh_from_db()
    assert membership.ended_on is None
    assert member.groups.filter(pk=partner.group_id).exists()
    assert not audit.new().exists()


def test_ended_member_reads_its_former_organisations_agreements_no_more(
    api, manager, agreement, partner
):
    member = UserFactory()
    membership = membership_create(
        user=member,
        organisation=partner,
        role="representative",
        started_on=datetime.date(2018, 1, 1),
        actor=manager,
    )
    _, token = AuthToken.objects.create(member)
    member_client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert ids(member_client.get(url("agreements"))) == {agreement.pk}

    assert api("manager").post(url("memberships", membership.pk, "end")).status_code == 200

    assert ids(member_client.get(url("agreements"))) == set()
    assert member_client.get(url("agreements", agreement.pk)).status_code == 404


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The membership has already ended."), ("it", "L'appartenenza è già terminata.")],
)
def test_ending_an_ended_membership_is_refused(audit, language, message, api, manager, colleague):
    colleague.ended_on = datetime.date(2024, 1, 1)
    colleague.save()

    response = api("manager", language).post(url("memberships", colleague.pk, "end"))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message]}
    assert not audit.new().exists()


@pytest.mark.parametrize("body", [{"ended_on": "yesterday"}, {"ended_on": "2017-12-31"}])
def test_membership_end_with_a_wrong_date_is_refused(audit, body, api, manager, colleague):
    response = api("manager").post(url("memberships", colleague.pk, "end"), body)

    assert response.status_code == 400
    colleague.refresh_from_db()
    assert colleague.ended_on is None
    assert not audit.new().exists()


def test_admin_deletes_a_membership_and_its_rights(audit, api, admin_user, partner):
    member = UserFactory()
    membership = membership_create(
        user=member, organisation=partner, role="staff", actor=admin_user
    )

    response = api("admin_user").delete(url("memberships", membership.pk))

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not member.groups.exists()
    assert audit.new().filter(verb="membership.deleted").count() == 1


def test_manager_cannot_delete_a_membership(audit, api, manager, colleague):
    response = api("manager").delete(url("memberships", colleague.pk))

    assert response.status_code == 403
    assert Membership.objects.filter(pk=colleague.pk).exists()
    assert not audit.new().exists()


def test_membership_list_filters_current_ones(api, manager, colleague, stranger):
    stranger.ended_on = datetime.date(2024, 1, 1)
    stranger.save()

    current = ids(api("manager").get(url("memberships"), {"current": "true"}))

    assert colleague.pk in current
    assert stranger.pk not in current


# --- agreements ---------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_log_in_for_agreements(api, agreement):
    assert api().get(url("agreements")).status_code == 401
    assert api().get(url("agreements", agreement.pk)).status_code == 401


def test_partner_reads_the_agreements_its_organisation_signed(
    api, partner_rep, agreement, other_agreement
):
    client = api("partner_rep")

    assert ids(client.get(url("agreements"))) == {agreement.pk}
    assert client.get(url("agreements", agreement.pk)).status_code == 200
    assert client.get(url("agreements", other_agreement.pk)).status_code == 404


@pytest.mark.parametrize("role", ["citizen", "project_manager"])
def test_who_signed_nothing_reads_no_agreement(role, api, user_of, agreement):
    user_of(role)
    client = api(role)

    assert ids(client.get(url("agreements"))) == set()
    assert client.get(url("agreements", agreement.pk)).status_code == 404


@pytest.mark.parametrize("role", ["manager", "council_member", "admin_user"])
def test_managers_council_and_admin_read_every_agreement(role, api, agreement, other_agreement):
    client = api(role)

    assert ids(client.get(url("agreements"))) == {agreement.pk, other_agreement.pk}
    assert client.get(url("agreements", other_agreement.pk)).status_code == 200


def test_agreement_shows_its_signatories_and_where_to_download_its_document(
    api, manager, agreement, municipality, partner
):
    body = api("manager").get(url("agreements", agreement.pk)).json()

    assert body["has_document"] is True
    assert body["document_url"] == (
        f"http://testserver/partners/agreements/{agreement.pk}/document/"
    )
    assert "document" not in body
    assert [
        (s["organisation"], s["organisation_name"], s["role"]) for s in body["signatories"]
    ] == [
        (municipality.pk, "Comune di Livorno", "promoter"),
        (partner.pk, "Gida S.p.A.", "signatory"),
    ]


def test_agreement_without_a_document_has_no_download_address(api, manager, other_agreement):
    body = api("manager").get(url("agreements", other_agreement.pk)).json()

    assert (body["has_document"], body["document_url"]) == (False, None)


@pytest.mark.parametrize("role", ["council_member", "manager", "partner_rep"])
def test_who_reads_an_agreement_downloads_its_document(role, user_of, client, agreement):
    client.force_login(user_of(role))

    response = client.get(reverse("partners:agreement-document", args=[agreement.pk]))

    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_who_does_not_read_an_agreement_cannot_download_its_document(client, citizen, agreement):
    client.force_login(citizen)

    response = client.get(reverse("partners:agreement-document", args=[agreement.pk]))

    assert response.status_code == 404


AGREEMENT = {
    "kind": "memorandum",
    "title": "Protocollo d'Intesa per la Situation Room",
    "signed_on": "2018-12-14",
    "valid_from": "2019-01-01",
    "valid_until": "2021-12-31",
    "scope": "Condivisione dei dati del territorio",
}


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_register_an_agreement_with_its_signatories(
    audit, role, api, user_of, municipality, partner, other
):
    response = api(role).post(
        url("agreements"),
        {
            **AGREEMENT,
            "signatories": [
                {"organisation": municipality.pk, "role": "promoter"},
                {"organisation": partner.pk},
                {"organisation": other.pk, "role": "acceding"},
            ],
        },
    )

    assert response.status_code == 201, response.content
    agreement = Agreement.objects.get(pk=response.json()["id"])
    assert set(agreement.signatories.values_list("organisation", "role")) == {
        (municipality.pk, "promoter"),
        (partner.pk, "signatory"),
        (other.pk, "acceding"),
    }
    assert len(response.json()["signatories"]) == 3
    assert response.json()["has_document"] is False
    entry = audit.new().get()
    assert (entry.verb, entry.actor) == ("agreement.created", user_of(role))


@pytest.mark.parametrize("role", ["anonymous", *NOT_MANAGERS])
def test_others_cannot_register_an_agreement(audit, role, api, user_of, partner):
    user_of(role)

    response = api(role).post(
        url("agreements"), {**AGREEMENT, "signatories": [{"organisation": partner.pk}]}
    )

    assert response.status_code == refused_status(role)
    assert not Agreement.objects.exists()
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This list may not be empty."), ("it", "Questa lista non può essere vuota.")],
)
def test_agreement_without_signatories_is_refused_on_the_field(language, message, api, manager):
    response = api("manager", language).post(url("agreements"), {**AGREEMENT, "signatories": []})

    assert response.status_code == 400
    assert response.json()["signatories"]["non_field_errors"] == [message]
    assert not Agreement.objects.exists()


def test_agreement_signed_twice_by_one_organisation_is_refused(audit, api, manager, partner):
    response = api("manager").post(
        url("agreements"),
        {
            **AGREEMENT,
            "signatories": [{"organisation": partner.pk}, {"organisation": partner.pk}],
        },
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Each organisation signs an agreement once."]}
    assert not Agreement.objects.exists()
    assert not audit.new().exists()


def test_agreement_expiring_before_it_starts_is_refused(api, manager, partner):
    response = api("manager").post(
        url("agreements"),
        {**AGREEMENT, "valid_until": "2018-01-01", "signatories": [{"organisation": partner.pk}]},
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["An agreement cannot expire before it comes into force."]
    }
    assert not Agreement.objects.exists()
    assert not Signatory.objects.exists()


def test_agreement_with_an_unknown_signatory_is_refused_on_the_field(api, manager):
    response = api("manager").post(
        url("agreements"), {**AGREEMENT, "signatories": [{"organisation": 0}]}
    )

    assert response.status_code == 400
    assert response.json() == {
        "signatories": {"0": {"organisation": ['Invalid pk "0" - object does not exist.']}}
    }


def test_manager_updates_an_agreement_but_not_its_signatories(
    audit, api, manager, agreement, other
):
    response = api("manager").patch(
        url("agreements", agreement.pk),
        {"title": "Protocollo rinnovato", "signatories": [{"organisation": other.pk}]},
    )

    assert response.status_code == 200, response.content
    agreement.refresh_from_db()
    assert agreement.title == "Protocollo rinnovato"
    assert not agreement.signatories.filter(organisation=other).exists()
    assert len(response.json()["signatories"]) == 2
    assert audit.new().get().verb == "agreement.changed"


@pytest.mark.parametrize("role", ["partner_rep", "council_member"])
def test_signatory_and_council_cannot_update_an_agreement(audit, role, api, user_of, agreement):
    user_of(role)

    response = api(role).patch(url("agreements", agreement.pk), {"title": "Altro"})

    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "Protocollo d'Intesa per la Situation Room"
    assert not audit.new().exists()


def test_partner_cannot_update_an_agreement_it_did_not_sign(api, partner_rep, other_agreement):
    response = api("partner_rep").patch(url("agreements", other_agreement.pk), {"title": "X"})

    assert response.status_code == 404


def test_admin_deletes_an_agreement(audit, api, admin_user, other_agreement):
    response = api("admin_user").delete(url("agreements", other_agreement.pk))

    assert response.status_code == 204
    assert not Agreement.objects.filter(pk=other_agreement.pk).exists()
    assert audit.new().get().verb == "agreement.deleted"


def test_agreement_whose_removal_would_repeat_a_dataset_is_kept(
    audit, api, admin_user, other_agreement, other
):
    DataSharingCommitmentFactory(agreement=other_agreement, organisation=other)
    DataSharingCommitmentFactory(agreement=None, organisation=other)

    response = api("admin_user").delete(url("agreements", other_agreement.pk))

    assert response.status_code == 400
    assert Agreement.objects.filter(pk=other_agreement.pk).exists()
    assert not audit.new().exists()


@pytest.mark.parametrize("role", ["manager", "council_member", "partner_rep"])
def test_only_an_admin_deletes_an_agreement(audit, role, api, user_of, agreement):
    user_of(role)

    response = api(role).delete(url("agreements", agreement.pk))

    assert response.status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk).exists()
    assert not audit.new().exists()


def test_agreement_list_filters_by_signatory_and_date(
    api, manager, agreement, other_agreement, other
):
    client = api("manager")

    assert ids(client.get(url("agreements"), {"organisation": other.pk})) == {other_agreement.pk}
    assert ids(client.get(url("agreements"), {"in_force_on": "2014-01-01"})) == {
        agreement.pk,
        other_agreement.pk,
    }
    assert ids(client.get(url("agreements"), {"in_force_on": "2020-01-01"})) == set()
    assert client.get(url("agreements"), {"signed_after": "not-a-date"}).status_code == 400


# --- obligations --------------------------------------------------------------------------


@pytest.fixture
def own_obligation(agreement, partner) -> Obligation:
    return ObligationFactory(agreement=agreement, organisation=partner)


@pytest.fixture
def other_obligation(other_agreement, other) -> Obligation:
    return ObligationFactory(agreement=other_agreement, organisation=other)


def test_partner_reads_its_own_organisations_obligations(
    api, partner_rep, own_obligation, other_obligation, agreement, municipality
):
    municipality_obligation = ObligationFactory(agreement=agreement, organisation=municipality)
    client = api("partner_rep")

    assert ids(client.get(url("obligations"))) == {own_obligation.pk}
    assert client.get(url("obligations", own_obligation.pk)).status_code == 200
    assert client.get(url("obligations", other_obligation.pk)).status_code == 404
    assert client.get(url("obligations", municipality_obligation.pk)).status_code == 404


@pytest.mark.parametrize("role", ["manager", "council_member", "admin_user"])
def test_managers_council_and_admin_read_every_obligation(
    role, api, own_obligation, other_obligation
):
    assert ids(api(role).get(url("obligations"))) == {own_obligation.pk, other_obligation.pk}


@pytest.mark.parametrize("role", ["citizen", "project_manager"])
def test_who_is_obliged_to_nothing_reads_no_obligation(role, api, user_of, own_obligation):
    user_of(role)

    assert ids(api(role).get(url("obligations"))) == set()
    assert api(role).get(url("obligations", own_obligation.pk)).status_code == 404


def test_anonymous_visitors_are_asked_to_log_in_for_obligations(api, own_obligation):
    assert api().get(url("obligations")).status_code == 401


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_record_an_obligation(audit, role, api, user_of, agreement, partner):
    response = api(role).post(
        url("obligations"),
        {
            "agreement": agreement.pk,
            "organisation": partner.pk,
            "description": "Condividere i dati sui parcheggi",
            "due_on": "2019-06-30",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["is_fulfilled"] is False
    assert audit.new().get().actor == user_of(role)


@pytest.mark.parametrize("role", ["anonymous", *NOT_MANAGERS])
def test_others_cannot_record_an_obligation(audit, role, api, user_of, agreement, partner):
    user_of(role)

    response = api(role).post(
        url("obligations"),
        {
            "agreement": agreement.pk,
            "organisation": partner.pk,
            "description": "x",
            "due_on": "2019-06-30",
        },
    )

    assert response.status_code == refused_status(role)
    assert not Obligation.objects.exists()
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Only a signatory of the agreement can have obligations under it."),
        ("it", "Solo un firmatario dell'accordo può avere obblighi derivanti da esso."),
    ],
)
def test_obligation_of_a_non_signatory_is_refused_on_its_field(
    language, message, api, manager, agreement, other
):
    response = api("manager", language).post(
        url("obligations"),
        {
            "agreement": agreement.pk,
            "organisation": other.pk,
            "description": "x",
            "due_on": "2019-06-30",
        },
    )

    assert response.status_code == 400
    assert response.json() == {"organisation": [message]}
    assert not Obligation.objects.exists()


def test_manager_changes_what_is_due_but_not_who_owes_it(
    api, manager, own_obligation, municipality
):
    response = api("manager").patch(
        url("obligations", own_obligation.pk),
        {"due_on": "2020-01-31", "organisation": municipality.pk},
    )

    assert response.status_code == 200, response.content
    own_obligation.refresh_from_db()
    assert own_obligation.due_on == datetime.date(2020, 1, 31)
    assert own_obligation.organisation.name == "Gida S.p.A."


@pytest.mark.parametrize("role", ["partner_rep", "council_member"])
def test_obliged_partner_and_council_cannot_change_or_fulfil_an_obligation(
    audit, role, api, user_of, own_obligation
):
    user_of(role)
    client = api(role)

    assert (
        client.patch(url("obligations", own_obligation.pk), {"due_on": "2030-01-01"}).status_code
        == 403
    )
    assert client.post(url("obligations", own_obligation.pk, "fulfil")).status_code == 403
    assert client.delete(url("obligations", own_obligation.pk)).status_code == 403
    own_obligation.refresh_from_db()
    assert (own_obligation.due_on, own_obligation.fulfilled_on) == (
        datetime.date(2019, 6, 30),
        None,
    )
    assert not audit.new().exists()


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_record_an_obligation_fulfilled(
    audit, role, api, user_of, own_obligation
):
    response = api(role).post(
        url("obligations", own_obligation.pk, "fulfil"), {"fulfilled_on": "2019-06-15"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["is_fulfilled"] is True
    own_obligation.refresh_from_db()
    assert own_obligation.fulfilled_on == datetime.date(2019, 6, 15)
    assert audit.new().get().verb == "obligation.fulfilled"


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The obligation is already fulfilled."), ("it", "L'obbligo è già stato adempiuto.")],
)
def test_fulfilling_twice_is_refused(audit, language, message, api, manager, own_obligation):
    own_obligation.fulfilled_on = datetime.date(2019, 6, 1)
    own_obligation.save()

    response = api("manager", language).post(url("obligations", own_obligation.pk, "fulfil"))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message]}
    assert not audit.new().exists()


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_delete_an_obligation(audit, role, api, own_obligation):
    response = api(role).delete(url("obligations", own_obligation.pk))

    assert response.status_code == 204
    assert not Obligation.objects.exists()
    assert audit.new().get().verb == "obligation.deleted"


def test_obligation_list_filters(api, manager, own_obligation, other_obligation, agreement):
    client = api("manager")
    other_obligation.fulfilled_on = datetime.date(2020, 1, 1)
    other_obligation.save()

    assert ids(client.get(url("obligations"), {"fulfilled": "true"})) == {other_obligation.pk}
    assert ids(client.get(url("obligations"), {"fulfilled": "false"})) == {own_obligation.pk}
    assert ids(client.get(url("obligations"), {"agreement": agreement.pk})) == {own_obligation.pk}


def test_partner_filtering_by_an_agreement_it_cannot_read_gets_a_bad_request(
    api, partner_rep, other_agreement, other_obligation
):
    response = api("partner_rep").get(url("obligations"), {"agreement": other_agreement.pk})

    assert response.status_code == 400


# --- data-sharing commitments -------------------------------------------------------------


@pytest.fixture
def own_sharing(agreement, partner) -> DataSharingCommitment:
    return DataSharingCommitmentFactory(agreement=agreement, organisation=partner)


@pytest.fixture
def other_sharing(other_agreement, other) -> DataSharingCommitment:
    return DataSharingCommitmentFactory(
        agreement=other_agreement, organisation=other, dataset="mobility"
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_reads_the_data_sharing_register(role, api, own_sharing, other_sharing):
    client = api(role)

    assert ids(client.get(url("data-sharing-commitments"))) == {own_sharing.pk, other_sharing.pk}
    assert client.get(url("data-sharing-commitments", other_sharing.pk)).status_code == 200


SHARING = {
    "dataset": "public_transport",
    "frequency": "real_time",
    "licence": "CC-BY-4.0",
    "since": "2019-01-01",
    "endpoint": "https://dati.example.it/gtfs-rt",
}


def test_partner_registers_its_own_data_sharing(audit, api, partner_rep, partner, agreement):
    response = api("partner_rep").post(
        url("data-sharing-commitments"),
        {**SHARING, "organisation": partner.pk, "agreement": agreement.pk},
    )

    assert response.status_code == 201, response.content
    assert DataSharingCommitment.objects.get().organisation == partner
    entry = audit.new().get()
    assert (entry.verb, entry.actor) == ("data_sharing_commitment.created", partner_rep)


def test_partner_cannot_register_another_organisations_data_sharing(audit, api, partner_rep, other):
    response = api("partner_rep").post(
        url("data-sharing-commitments"), {**SHARING, "organisation": other.pk}
    )

    assert response.status_code == 403
    assert not DataSharingCommitment.objects.exists()
    assert not audit.new().exists()


def test_partner_cannot_tie_its_data_sharing_to_an_agreement_it_cannot_read(
    api, partner_rep, partner, other_agreement
):
    response = api("partner_rep").post(
        url("data-sharing-commitments"),
        {**SHARING, "organisation": partner.pk, "agreement": other_agreement.pk},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["agreement"]
    assert not DataSharingCommitment.objects.exists()


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_register_any_data_sharing(role, api, other):
    response = api(role).post(
        url("data-sharing-commitments"), {**SHARING, "organisation": other.pk}
    )

    assert response.status_code == 201, response.content
    assert response.json()["agreement"] is None


@pytest.mark.parametrize("role", ["anonymous", "citizen", "project_manager", "council_member"])
def test_others_cannot_register_data_sharing(audit, role, api, user_of, partner):
    user_of(role)

    response = api(role).post(
        url("data-sharing-commitments"), {**SHARING, "organisation": partner.pk}
    )

    assert response.status_code == refused_status(role)
    assert not DataSharingCommitment.objects.exists()
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This organisation already shares this dataset outside any agreement."),
        (
            "it",
            "Questa organizzazione condivide già questo insieme di dati al di fuori di un accordo.",
        ),
    ],
)
def test_dataset_shared_twice_outside_agreements_is_refused(
    audit, language, message, api, manager, partner
):
    DataSharingCommitmentFactory(agreement=None, organisation=partner, dataset="public_transport")

    response = api("manager", language).post(
        url("data-sharing-commitments"), {**SHARING, "organisation": partner.pk}
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message]}
    assert DataSharingCommitment.objects.count() == 1
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ("it", "La data è in un formato errato. Usa uno dei seguenti formati: YYYY-MM-DD."),
    ],
)
def test_data_sharing_with_a_wrong_date_is_refused_on_its_field(
    language, message, api, partner_rep, partner
):
    response = api("partner_rep", language).post(
        url("data-sharing-commitments"),
        {**SHARING, "organisation": partner.pk, "since": "31/12/2018"},
    )

    assert response.status_code == 400
    assert response.json() == {"since": [message]}
    assert not DataSharingCommitment.objects.exists()


def test_partner_updates_its_own_data_sharing(audit, api, partner_rep, own_sharing):
    response = api("partner_rep").patch(
        url("data-sharing-commitments", own_sharing.pk), {"frequency": "daily"}
    )

    assert response.status_code == 200, response.content
    own_sharing.refresh_from_db()
    assert own_sharing.frequency == "daily"
    assert audit.new().get().verb == "data_sharing_commitment.changed"


def test_partner_cannot_hand_its_data_sharing_to_another_organisation(
    audit, api, partner_rep, own_sharing, other
):
    response = api("partner_rep").patch(
        url("data-sharing-commitments", own_sharing.pk), {"organisation": other.pk}
    )

    assert response.status_code == 403
    own_sharing.refresh_from_db()
    assert own_sharing.organisation.name == "Gida S.p.A."
    assert not audit.new().exists()


@pytest.mark.parametrize("role", ["partner_rep", "citizen", "council_member", "anonymous"])
def test_others_cannot_update_another_organisations_data_sharing(
    audit, role, api, user_of, other_sharing
):
    user_of(role)

    response = api(role).patch(
        url("data-sharing-commitments", other_sharing.pk), {"frequency": "daily"}
    )

    assert response.status_code == refused_status(role)
    other_sharing.refresh_from_db()
    assert other_sharing.frequency == "hourly"
    assert not audit.new().exists()


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_and_admin_update_and_delete_any_data_sharing(audit, role, api, other_sharing):
    client = api(role)

    assert (
        client.patch(
            url("data-sharing-commitments", other_sharing.pk), {"until": "2022-12-31"}
        ).status_code
        == 200
    )
    assert client.delete(url("data-sharing-commitments", other_sharing.pk)).status_code == 204
    assert not DataSharingCommitment.objects.exists()
    assert [entry.verb for entry in audit.new()] == [
        "data_sharing_commitment.changed",
        "data_sharing_commitment.deleted",
    ]


def test_partner_cannot_delete_its_own_data_sharing(audit, api, partner_rep, own_sharing):
    response = api("partner_rep").delete(url("data-sharing-commitments", own_sharing.pk))

    assert response.status_code == 403
    assert DataSharingCommitment.objects.filter(pk=own_sharing.pk).exists()
    assert not audit.new().exists()


def test_data_sharing_stopping_before_it_starts_is_refused(api, partner_rep, own_sharing):
    response = api("partner_rep").patch(
        url("data-sharing-commitments", own_sharing.pk), {"until": "2000-01-01"}
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    own_sharing.refresh_from_db()
    assert own_sharing.until is None


def test_data_sharing_register_filters(api, own_sharing, other_sharing, other):
    client = api()

    assert ids(client.get(url("data-sharing-commitments"), {"dataset": "mobility"})) == {
        other_sharing.pk
    }
    assert ids(client.get(url("data-sharing-commitments"), {"organisation": other.pk})) == {
        other_sharing.pk
    }
    assert ids(client.get(url("data-sharing-commitments"), {"shared_on": "2018-01-01"})) == set()


# --- constant number of queries -----------------------------------------------------------

# The most queries a list may run, whatever its page size: the user's roles and permissions,
# the count, the page, and one query per prefetched relation.
LIST_QUERY_LIMITS = {
    "organisations": 2,
    "memberships": 6,
    "agreements": 6,
    "obligations": 6,
    "data-sharing-commitments": 2,
}


def _fill(rows: int, partner: Organisation, municipality: Organisation) -> None:
    """``rows`` more of each partners' object, all visible to the partner's representative."""
    for _ in range(rows):
        OrganisationFactory()
        MembershipFactory(organisation=partner)
        agreement = AgreementFactory()
        SignatoryFactory(agreement=agreement, organisation=municipality, role="promoter")
        SignatoryFactory(agreement=agreement, organisation=partner)
        ObligationFactory(agreement=agreement, organisation=partner)
        DataSharingCommitmentFactory(agreement=agreement, organisation=partner)


def _list_queries(user, basename: str, rows: int, limit: int, assert_max_queries) -> int:
    client = APIClient()
    if user is not None:
        # A user as each request loads it, without the permissions cached by a previous one.
        client.force_authenticate(type(user).objects.get(pk=user.pk))
    with assert_max_queries(limit), CaptureQueriesContext(connection) as queries:
        response = client.get(url(basename), {"page_size": rows})
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
    return len(queries)


@pytest.mark.parametrize(
    ("basename", "role"),
    [
        ("organisations", "anonymous"),
        ("organisations", "manager"),
        ("organisations", "partner_rep"),
        ("memberships", "manager"),
        ("memberships", "partner_rep"),
        ("agreements", "manager"),
        ("agreements", "partner_rep"),
        ("agreements", "council_member"),
        ("obligations", "manager"),
        ("obligations", "partner_rep"),
        ("data-sharing-commitments", "manager"),
        ("data-sharing-commitments", "partner_rep"),
    ],
)
def test_list_runs_a_constant_number_of_queries_at_10_and_100_rows(
    basename, role, user_of, partner, municipality, django_assert_max_num_queries
):
    user = user_of(role)
    limit = LIST_QUERY_LIMITS[basename]
    _fill(10, partner, municipality)
    with_10 = _list_queries(user, basename, 10, limit, django_assert_max_num_queries)
    _fill(90, partner, municipality)
    with_100 = _list_queries(user, basename, 100, limit, django_assert_max_num_queries)

    assert with_10 == with_100


# --- odd input ----------------------------------------------------------------------------

HUGE = 10**30


@pytest.mark.parametrize(
    ("method", "basename", "body"),
    [
        ("post", "memberships", {"user": HUGE, "organisation": HUGE, "role": "staff"}),
        ("post", "memberships", {"user": "me", "organisation": [], "role": None}),
        ("post", "agreements", {**AGREEMENT, "signatories": [{"organisation": HUGE}]}),
        ("post", "agreements", {**AGREEMENT, "signatories": "all of them"}),
        ("post", "agreements", {**AGREEMENT, "signed_on": "2018-02-30", "signatories": [{}]}),
        ("post", "obligations", {"agreement": HUGE, "organisation": -1, "due_on": "0000-00-00"}),
        ("post", "data-sharing-commitments", {**SHARING, "organisation": HUGE}),
        ("post", "data-sharing-commitments", {**SHARING, "agreement": "x", "endpoint": "ftp:/"}),
        ("post", "organisations", {"name": "x" * 1000, "kind": "company", "pec": "not-mail"}),
        ("post", "organisations", {"name": "Acme", "kind": "company", "tax_code": "ÀÈÌÒÙ"}),
    ],
)
def test_odd_input_is_a_bad_request_never_a_server_error(
    audit, method, basename, body, api, manager
):
    response = getattr(api("manager"), method)(url(basename), body)

    assert response.status_code == 400, response.content
    assert not audit.new().exists()


@pytest.mark.parametrize(
    ("basename", "params"),
    [
        ("organisations", {"kind": "x", "is_active": "maybe", "page_size": "-1"}),
        ("memberships", {"user": HUGE, "organisation": "x", "started_after": "2024-13-01"}),
        ("agreements", {"organisation": HUGE, "in_force_on": "x", "ordering": "document"}),
        ("obligations", {"agreement": HUGE, "fulfilled": "x", "due_after": "0"}),
        ("data-sharing-commitments", {"organisation": HUGE, "shared_on": "1-1-1"}),
        ("agreements", {"page": HUGE}),
    ],
)
def test_odd_filters_are_a_bad_request_or_ignored(basename, params, api, manager, agreement):
    response = api("manager").get(url(basename), params)

    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize("basename", ["memberships", "agreements", "obligations"])
def test_odd_ids_are_not_found(basename, api, manager):
    client = api("manager")

    for pk in ("x", str(HUGE), "-1", "1.5"):
        assert client.get(f"{url(basename)}{pk}/").status_code == 404
