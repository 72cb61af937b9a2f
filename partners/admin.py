from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import (
    DueStateFilter,
    RegiaAdmin,
    RegiaInline,
    UploadField,
    save_inline_through,
    service_action,
)
from partners import permissions as rules
from partners import selectors
from partners.models import (
    Agreement,
    DataSharingCommitment,
    Membership,
    Obligation,
    Organisation,
    Signatory,
)
from partners.services import (
    agreement_attach_document,
    agreement_create,
    membership_create,
    membership_end,
    obligation_create,
    obligation_fulfil,
    organisation_create,
)


@admin.register(Organisation)
class OrganisationAdmin(RegiaAdmin):
    create_service = staticmethod(organisation_create)
    read_scope = staticmethod(selectors.organisations_visible_to)
    add_rule = staticmethod(rules.can_create_organisation)
    change_rule = staticmethod(rules.can_change_organisation)
    delete_rule = staticmethod(rules.can_delete_organisation)
    list_display = ["name", "short_name", "kind", "city", "tax_code", "vat_number", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "tax_code", "vat_number", "city"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "is_active"]}),
        (_("Identifiers"), {"fields": ["tax_code", "vat_number"]}),
        (_("Contacts"), {"fields": ["city", "website", "pec"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(RegiaAdmin):
    create_service = staticmethod(membership_create)
    read_scope = staticmethod(selectors.memberships_visible_to)
    add_rule = staticmethod(rules.can_create_membership)
    change_rule = staticmethod(rules.can_change_membership)
    delete_rule = staticmethod(rules.can_delete_membership)
    list_display = ["user", "organisation", "role", "started_on", "ended_on"]
    list_filter = ["role", ("ended_on", admin.EmptyFieldListFilter), "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "organisation", "role", "started_on", "ended_on"]
    readonly_fields = ["ended_on"]
    actions = ["end"]

    @service_action(
        description=_("End the selected memberships today"), rule=rules.can_end_membership
    )
    def end(self, request, membership):
        membership_end(membership=membership, actor=request.user)


NO_SIGNATORY = _("An agreement has at least one signatory.")
STILL_OBLIGED = _(
    "%(organisation)s still has obligations under this agreement: it remains a signatory."
)


def signatories_refusals(agreement: Agreement, *, removed: set[int], kept: set[int]) -> list:
    """Why the organisations ``removed`` cannot stop signing ``agreement``, ``kept`` staying.

    An agreement keeps at least one signatory, and an organisation with obligations under it
    keeps signing it: obligations are only a signatory's.
    """
    refusals = [] if kept else [NO_SIGNATORY]
    obliged = Organisation.objects.filter(
        pk__in=removed - kept, obligations__agreement=agreement
    ).distinct()
    refusals += [STILL_OBLIGED % {"organisation": organisation} for organisation in obliged]
    return refusals


class SignatoryFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        signing = set(self.instance.signatories.values_list("organisation", flat=True))
        kept = {
            form.cleaned_data["organisation"].pk
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        }
        refusals = signatories_refusals(self.instance, removed=signing, kept=kept)
        if refusals:
            raise ValidationError(refusals)


class SignatoryInline(RegiaInline):
    model = Signatory
    formset = SignatoryFormSet
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "signed_by", "joined_on"]


class ObligationInlineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Who is obliged is chosen when the obligation is added; shown, never changed.
            self.fields["organisation"].disabled = True


class ObligationInline(RegiaInline):
    model = Obligation
    form = ObligationInlineForm
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "description", "due_on", "fulfilled_on"]
    readonly_fields = ["fulfilled_on"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }
    show_change_link = True


class DataSharingInline(RegiaInline):
    model = DataSharingCommitment
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "dataset", "frequency", "licence", "since", "until"]
    show_change_link = True


class AgreementAddForm(forms.ModelForm):
    promoter = forms.ModelChoiceField(
        Organisation.objects.all(),
        label=_("promoter"),
        required=False,
        widget=AutocompleteSelect(Signatory._meta.get_field("organisation"), admin.site),
        help_text=_("The organisation that promotes the agreement, usually the municipality."),
    )
    signatories = forms.ModelMultipleChoiceField(
        Organisation.objects.all(),
        label=_("signatories"),
        widget=AutocompleteSelectMultiple(Agreement._meta.get_field("organisations"), admin.site),
    )
    document = UploadField(label=_("signed document"), required=False)

    class Meta:
        model = Agreement
        fields = ["kind", "title", "signed_on", "valid_from", "valid_until", "scope"]


class AgreementChangeForm(forms.ModelForm):
    new_document = UploadField(
        label=_("upload the signed document"),
        required=False,
        help_text=_("It replaces the document attached before."),
    )

    class Meta:
        model = Agreement
        fields = ["kind", "title", "signed_on", "valid_from", "valid_until", "scope"]


@admin.register(Agreement)
class AgreementAdmin(RegiaAdmin):
    create_service = staticmethod(agreement_create)
    read_scope = staticmethod(selectors.agreements_visible_to)
    add_rule = staticmethod(rules.can_create_agreement)
    change_rule = staticmethod(rules.can_change_agreement)
    delete_rule = staticmethod(rules.can_delete_agreement)
    list_display = ["title", "kind", "signed_on", "valid_from", "valid_until", "has_document"]
    list_filter = ["kind", "signed_on"]
    search_fields = ["title", "scope", "organisations__name"]
    date_hierarchy = "signed_on"
    add_fieldsets = [
        (None, {"fields": ["kind", "title", "signed_on", "valid_from", "valid_until", "scope"]}),
        (_("Who signs"), {"fields": ["promoter", "signatories"]}),
        (_("Document"), {"fields": ["document"]}),
    ]
    fieldsets = [
        (None, {"fields": ["kind", "title", "signed_on", "valid_from", "valid_until", "scope"]}),
        (_("Document"), {"fields": ["document_link", "new_document"]}),
    ]
    readonly_fields = ["document_link"]
    inlines = [SignatoryInline, ObligationInline, DataSharingInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AgreementChangeForm if obj else AgreementAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj else self.add_fieldsets

    def get_inlines(self, request, obj):
        # The signatories are chosen on the add page; the rest comes once the agreement exists.
        return self.inlines if obj else []

    def get_service_fields(self, request, form) -> dict:
        promoter = form.cleaned_data["promoter"]
        signatories = [(promoter, Signatory.Role.PROMOTER)] if promoter else []
        signatories += [
            (organisation, Signatory.Role.SIGNATORY)
            for organisation in form.cleaned_data["signatories"]
            if organisation != promoter
        ]
        return {
            **super().get_service_fields(request, form),
            "signatories": signatories,
            "document": form.cleaned_data["document"],
        }

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        new_document = form.cleaned_data.get("new_document")
        if change and new_document:
            attached = agreement_attach_document(
                agreement=obj, document=new_document, actor=request.user
            )
            obj.document = attached.document

    def save_formset(self, request, form, formset, change):
        if formset.model is not Obligation:
            super().save_formset(request, form, formset, change)
            return
        save_inline_through(
            formset,
            lambda obligation: obligation_create(
                actor=request.user,
                agreement=form.instance,
                organisation=obligation.organisation,
                description=obligation.description,
                due_on=obligation.due_on,
            ),
        )

    @admin.display(boolean=True, description=_("document"))
    def has_document(self, agreement):
        return bool(agreement.document)

    @admin.display(description=_("signed document"))
    def document_link(self, agreement):
        # Private files have no URL of their own: the download view checks who asks.
        if not agreement.document:
            return _("No document attached yet.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("partners:agreement-document", args=[agreement.pk]),
            _("Download the signed document"),
        )


def signatories_visible_to(user):
    return Signatory.objects.filter(
        agreement__in=selectors.agreements_visible_to(user).values("pk")
    )


def of_agreement(user, signatory: Signatory):
    return rules.can_change_agreement(user, signatory.agreement)


@admin.register(Signatory)
class SignatoryAdmin(RegiaAdmin):
    # Who signs is part of the agreement: read and changed with it.
    read_scope = staticmethod(signatories_visible_to)
    change_rule = staticmethod(of_agreement)
    list_display = ["organisation", "agreement", "role", "signed_by", "joined_on"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "agreement__title", "signed_by"]
    list_select_related = ["organisation", "agreement"]
    autocomplete_fields = ["agreement", "organisation"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a signature is removing one and adding another: done on the agreement's page,
        # where its rules are checked.
        return ["agreement", "organisation"] if obj else []

    def deletion_refusals(self, request, objs) -> list[str]:
        refusals = []
        removed_by_agreement: dict[Agreement, set[int]] = {}
        for signatory in objs:
            removed_by_agreement.setdefault(signatory.agreement, set()).add(
                signatory.organisation_id
            )
        for agreement, removed in removed_by_agreement.items():
            signing = set(agreement.signatories.values_list("organisation", flat=True))
            refusals += signatories_refusals(agreement, removed=removed, kept=signing - removed)
        return [str(refusal) for refusal in refusals]


class ObligationStateFilter(DueStateFilter):
    done_field = "fulfilled_on"


@admin.register(Obligation)
class ObligationAdmin(RegiaAdmin):
    create_service = staticmethod(obligation_create)
    read_scope = staticmethod(selectors.obligations_visible_to)
    add_rule = staticmethod(rules.can_create_obligation)
    change_rule = staticmethod(rules.can_change_obligation)
    delete_rule = staticmethod(rules.can_delete_obligation)
    list_display = ["__str__", "organisation", "agreement", "due_on", "fulfilled_on"]
    list_filter = [ObligationStateFilter, "due_on"]
    search_fields = ["description", "organisation__name", "agreement__title"]
    list_select_related = ["organisation", "agreement"]
    autocomplete_fields = ["agreement", "organisation"]
    fields = ["agreement", "organisation", "description", "due_on", "fulfilled_on"]
    readonly_fields = ["fulfilled_on"]
    date_hierarchy = "due_on"
    actions = ["fulfil"]

    def get_readonly_fields(self, request, obj=None):
        # Who is obliged is chosen when the obligation is added.
        return [*self.readonly_fields, "organisation"] if obj else self.readonly_fields

    @service_action(
        description=_("Mark the selected obligations as fulfilled today"),
        rule=rules.can_fulfil_obligation,
    )
    def fulfil(self, request, obligation):
        obligation_fulfil(obligation=obligation, actor=request.user)


@admin.register(DataSharingCommitment)
class DataSharingCommitmentAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.data_sharing_commitments_visible_to)
    add_rule = staticmethod(rules.can_create_data_sharing_commitment)
    change_rule = staticmethod(rules.can_change_data_sharing_commitment)
    delete_rule = staticmethod(rules.can_delete_data_sharing_commitment)
    list_display = ["organisation", "dataset", "frequency", "licence", "since", "until"]
    list_filter = ["dataset", "frequency", "licence"]
    search_fields = ["organisation__name", "description", "agreement__title"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["agreement", "organisation"]
