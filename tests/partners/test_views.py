"""The agreement document download: only for those who may read it, always as an attachment."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import AuditEntry
from partners.models import Membership
from tests.core import files
from tests.factories import AgreementFactory, MembershipFactory, SignatoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def download(client, agreement, user=None, **extra):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("partners:agreement-document", args=[agreement.pk]), **extra)


def served_body(response) -> bytes:
    # Reading the stream to its end closes the file the way a real server does.
    return b"".join(response.streaming_content)


def test_signatory_member_downloads_the_document_as_an_attachment(client, agreement, partner_rep):
    response = download(client, agreement, partner_rep)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="accordo-{agreement.pk}.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert served_body(response) == files.PDF


def test_served_download_is_audited_once(client, agreement, partner_rep):
    served_body(download(client, agreement, partner_rep))

    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.actor, entry.target_type, entry.target_id) == (
        "agreement.document_downloaded",
        partner_rep,
        "partners.agreement",
        str(agreement.pk),
    )


def _unrelated_user():
    return MembershipFactory().user


def _former_member(agreement):
    signatory = agreement.signatories.get(role="signatory")
    membership = MembershipFactory(organisation=signatory.organisation)
    membership.ended_on = membership.started_on
    membership.save()
    return membership.user


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda agreement: None, id="anonymous"),
        pytest.param(lambda agreement: _unrelated_user(), id="member-of-an-unrelated-organisation"),
        pytest.param(lambda agreement: UserFactory(), id="user-of-no-organisation"),
        pytest.param(_former_member, id="former-member-of-a-signatory"),
    ],
)
def test_document_is_not_found_for_who_may_not_read_it(who, client, agreement):
    response = download(client, agreement, who(agreement))

    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_citizen_gets_not_found(client, agreement, citizen):
    response = download(client, agreement, citizen)

    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_council_member_reads_the_agreements_document(client, agreement, council_member):
    # docs/permissions.md: council members read agreements.
    response = download(client, agreement, council_member)

    assert response.status_code == 200
    assert AuditEntry.objects.filter(verb="agreement.document_downloaded").count() == 1


def test_administrator_downloads_any_document(client, agreement, admin_user):
    response = download(client, agreement, admin_user)

    assert response.status_code == 200
    served_body(response)
    assert AuditEntry.objects.get().actor == admin_user


def test_holder_of_the_view_permission_downloads_the_document(client, agreement, manager):
    manager.user_permissions.add(Permission.objects.get(codename="view_agreement"))

    response = download(client, agreement, manager)

    assert response.status_code == 200
    served_body(response)


def test_agreement_without_a_document_is_not_found(client, partner_rep, partner):
    agreement = AgreementFactory(document="")
    SignatoryFactory(agreement=agreement, organisation=partner)

    assert download(client, agreement, partner_rep).status_code == 404
    assert not AuditEntry.objects.exists()


def test_unknown_agreement_is_not_found(client, agreement, partner_rep):
    client.force_login(partner_rep)

    response = client.get(reverse("partners:agreement-document", args=[agreement.pk + 1000]))

    assert response.status_code == 404


def test_download_cannot_be_posted(client, agreement, partner_rep):
    client.force_login(partner_rep)

    response = client.post(reverse("partners:agreement-document", args=[agreement.pk]))

    assert response.status_code == 405
    assert not AuditEntry.objects.exists()


def test_staff_membership_of_a_signatory_is_enough(client, agreement, partner):
    staff = MembershipFactory(organisation=partner, role=Membership.Role.STAFF).user

    response = download(client, agreement, staff)

    assert response.status_code == 200
    served_body(response)
