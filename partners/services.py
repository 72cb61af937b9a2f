"""Every write to partners' objects: keyword-only, validated, atomic and audited."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.uploads import clean_upload
from partners.models import Agreement, Membership, Obligation, Organisation, Signatory


def organisation_group(organisation: Organisation) -> Group:
    """The organisation's own group, created the first time it is needed."""
    if organisation.group_id is None:
        organisation.group = Group.objects.create(name=f"organisation:{organisation.pk}")
        organisation.save(update_fields=["group"])
    return organisation.group


@transaction.atomic
def organisation_create(*, actor: AbstractBaseUser, **fields) -> Organisation:
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    organisation_group(organisation)
    audit_record(actor=actor, verb="organisation.created", target=organisation)
    return organisation


@transaction.atomic
def membership_create(
    *, user, organisation: Organisation, role: str, actor: AbstractBaseUser, started_on=None
) -> Membership:
    """Make a user a member of an organisation; one membership per user and organisation."""
    membership = Membership(
        user=user,
        organisation=organisation,
        role=role,
        started_on=started_on or timezone.localdate(),
    )
    membership.full_clean()
    membership.save()
    if membership.is_current:
        user.groups.add(organisation_group(organisation))
    audit_record(actor=actor, verb="membership.created", target=membership)
    return membership


@transaction.atomic
def membership_end(
    *, membership: Membership, actor: AbstractBaseUser, ended_on: date | None = None
) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        raise ValidationError(_("The membership has already ended."), code="ended")
    membership.ended_on = ended_on or timezone.localdate()
    membership.full_clean()
    membership.save()
    # Every partner right (object permissions granted to the group) goes with it, at once.
    membership.user.groups.remove(organisation_group(membership.organisation))
    audit_record(actor=actor, verb="membership.ended", target=membership)
    return membership


@transaction.atomic
def agreement_create(
    *,
    actor: AbstractBaseUser,
    signatories: list[tuple[Organisation, str]],
    document=None,
    **fields,
) -> Agreement:
    """Register a signed agreement with its signatories (organisation, role) and document."""
    if not signatories:
        raise ValidationError(_("An agreement has at least one signatory."), code="signatories")
    organisations = [organisation for organisation, _role in signatories]
    if len(set(organisations)) != len(organisations):
        raise ValidationError(
            _("Each organisation signs an agreement once."), code="duplicate_signatory"
        )
    agreement = Agreement(**fields)
    if document is not None:
        agreement.document = clean_upload(document)
    agreement.full_clean()
    agreement.save()
    for organisation, role in signatories:
        signatory = Signatory(agreement=agreement, organisation=organisation, role=role)
        signatory.full_clean()
        signatory.save()
    audit_record(actor=actor, verb="agreement.created", target=agreement)
    return agreement


@transaction.atomic
def agreement_attach_document(
    *, agreement: Agreement, document, actor: AbstractBaseUser
) -> Agreement:
    """Attach (or replace) the signed document, after the upload checks."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    previous = agreement.document.name if agreement.document else ""
    agreement.document = clean_upload(document)
    agreement.save(update_fields=["document", "updated_at"])
    if previous:
        transaction.on_commit(lambda: agreement.document.storage.delete(previous))
    audit_record(actor=actor, verb="agreement.document_attached", target=agreement)
    return agreement


@transaction.atomic
def obligation_create(*, actor: AbstractBaseUser, **fields) -> Obligation:
    """Record what a signatory must do by when; the model refuses a non-signatory."""
    obligation = Obligation(**fields)
    obligation.full_clean()
    obligation.save()
    audit_record(actor=actor, verb="obligation.created", target=obligation)
    return obligation


@transaction.atomic
def obligation_fulfil(
    *, obligation: Obligation, actor: AbstractBaseUser, fulfilled_on: date | None = None
) -> Obligation:
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.fulfilled_on is not None:
        raise ValidationError(_("The obligation is already fulfilled."), code="fulfilled")
    obligation.fulfilled_on = fulfilled_on or timezone.localdate()
    obligation.save(update_fields=["fulfilled_on", "updated_at"])
    audit_record(actor=actor, verb="obligation.fulfilled", target=obligation)
    return obligation
