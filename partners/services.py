"""Every write to partners' objects: keyword-only, validated, atomic and audited."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.uploads import clean_upload
from partners.models import (
    Agreement,
    DataSharingCommitment,
    Membership,
    Obligation,
    Organisation,
    Signatory,
)


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


def _apply_changes(obj, changes: dict, editable: tuple[str, ...]) -> list[str]:
    """Set ``changes`` on ``obj``; only the ``editable`` fields may be changed this way."""
    refused = sorted(set(changes) - set(editable))
    if refused:
        raise TypeError(f"{type(obj).__name__} fields not editable here: {', '.join(refused)}")
    for name, value in changes.items():
        setattr(obj, name, value)
    return sorted(changes)


ORGANISATION_EDITABLE = (
    "name",
    "short_name",
    "kind",
    "tax_code",
    "vat_number",
    "city",
    "website",
    "pec",
    "is_active",
)


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: AbstractBaseUser, **changes
) -> Organisation:
    """Change an organisation's details; its tax codes are checked as on creation."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    fields = _apply_changes(organisation, changes, ORGANISATION_EDITABLE)
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor, verb="organisation.changed", target=organisation, data={"fields": fields}
    )
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation, actor: AbstractBaseUser) -> None:
    """Delete an organisation nothing depends on, with its group and so its members' rights."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    audit_record(actor=actor, verb="organisation.deleted", target=organisation)
    group = organisation.group
    # Signatures, obligations, programmes, commitments... protect it: ProtectedError, rolled back.
    organisation.delete()
    if group is not None:
        group.delete()


MEMBERSHIP_EDITABLE = ("role", "started_on")


@transaction.atomic
def membership_update(*, membership: Membership, actor: AbstractBaseUser, **changes) -> Membership:
    """Change a membership's role or start; who and which organisation never change."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    fields = _apply_changes(membership, changes, MEMBERSHIP_EDITABLE)
    membership.full_clean()
    membership.save()
    audit_record(actor=actor, verb="membership.changed", target=membership, data={"fields": fields})
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership, actor: AbstractBaseUser) -> None:
    """Delete a membership recorded by mistake; a current one takes the member's rights along."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    audit_record(actor=actor, verb="membership.deleted", target=membership)
    if membership.is_current:
        membership.user.groups.remove(organisation_group(membership.organisation))
    membership.delete()


AGREEMENT_EDITABLE = ("kind", "title", "signed_on", "valid_from", "valid_until", "scope")


@transaction.atomic
def agreement_update(*, agreement: Agreement, actor: AbstractBaseUser, **changes) -> Agreement:
    """Change an agreement's details; its signatories and document have their own services."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    fields = _apply_changes(agreement, changes, AGREEMENT_EDITABLE)
    agreement.full_clean()
    agreement.save()
    audit_record(actor=actor, verb="agreement.changed", target=agreement, data={"fields": fields})
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: Agreement, actor: AbstractBaseUser) -> None:
    """Delete an agreement with its signatories and obligations, and its document once committed.

    Its data-sharing commitments stay, outside any agreement: refused when one of them would
    then repeat a dataset its organisation already shares outside agreements.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    clashing = DataSharingCommitment.objects.filter(
        agreement__isnull=True,
        organisation__data_sharing_commitments__agreement=agreement,
        dataset=models.F("organisation__data_sharing_commitments__dataset"),
    )
    if clashing.exists():
        raise ValidationError(
            _(
                "A partner shares under this agreement a dataset it already shares outside any "
                "agreement: change that data-sharing commitment first."
            ),
            code="data_sharing_clash",
        )
    audit_record(actor=actor, verb="agreement.deleted", target=agreement)
    document = agreement.document.name if agreement.document else ""
    storage = agreement.document.storage
    agreement.delete()
    if document:
        transaction.on_commit(lambda: storage.delete(document))


OBLIGATION_EDITABLE = ("description", "due_on")


@transaction.atomic
def obligation_update(*, obligation: Obligation, actor: AbstractBaseUser, **changes) -> Obligation:
    """Change what must be done and by when; who is obliged, and under what, never changes."""
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    fields = _apply_changes(obligation, changes, OBLIGATION_EDITABLE)
    obligation.full_clean()
    obligation.save()
    audit_record(actor=actor, verb="obligation.changed", target=obligation, data={"fields": fields})
    return obligation


@transaction.atomic
def obligation_delete(*, obligation: Obligation, actor: AbstractBaseUser) -> None:
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    audit_record(actor=actor, verb="obligation.deleted", target=obligation)
    obligation.delete()


DATA_SHARING_EDITABLE = (
    "agreement",
    "organisation",
    "dataset",
    "description",
    "frequency",
    "licence",
    "since",
    "until",
    "endpoint",
)


@transaction.atomic
def data_sharing_commitment_create(*, actor: AbstractBaseUser, **fields) -> DataSharingCommitment:
    """Register which dataset a partner shares, how often and under which licence."""
    commitment = DataSharingCommitment(**fields)
    commitment.full_clean()
    commitment.save()
    audit_record(actor=actor, verb="data_sharing_commitment.created", target=commitment)
    return commitment


@transaction.atomic
def data_sharing_commitment_update(
    *, commitment: DataSharingCommitment, actor: AbstractBaseUser, **changes
) -> DataSharingCommitment:
    commitment = DataSharingCommitment.objects.select_for_update().get(pk=commitment.pk)
    fields = _apply_changes(commitment, changes, DATA_SHARING_EDITABLE)
    commitment.full_clean()
    commitment.save()
    audit_record(
        actor=actor,
        verb="data_sharing_commitment.changed",
        target=commitment,
        data={"fields": fields},
    )
    return commitment


@transaction.atomic
def data_sharing_commitment_delete(
    *, commitment: DataSharingCommitment, actor: AbstractBaseUser
) -> None:
    commitment = DataSharingCommitment.objects.select_for_update().get(pk=commitment.pk)
    audit_record(actor=actor, verb="data_sharing_commitment.deleted", target=commitment)
    commitment.delete()
