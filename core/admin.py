"""The back office's shared machinery, and the audit log's read-only page.

Every Regia admin derives from ``RegiaAdmin``: additions go through the model's create service
when it has one, a service's refusal is shown on the form or as an error message (never as a
server error), and writes made by hand in the admin leave an audit row like a service call does.
Admin actions are made with ``service_action``: one service call per selected object.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.audit import audit_record
from core.models import AuditEntry
from core.uploads import clean_upload

# The name of the intermediate page's confirmation button.
APPLY = "apply"


def show_refusal(form, refusal: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, else above the form."""
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal)
        return
    for field, errors in refusal.error_dict.items():
        on_form = field in form.fields and field != NON_FIELD_ERRORS
        form.add_error(field if on_form else None, errors)


def model_fields(form) -> dict:
    """The form's cleaned values for its model's own fields, without many-to-many ones."""
    names = {
        field.name for field in form._meta.model._meta.concrete_fields if not field.many_to_many
    }
    return {name: value for name, value in form.cleaned_data.items() if name in names}


def save_inline_through(formset, create: Callable[[models.Model], object]) -> None:
    """Save an inline formset whose new rows are added by ``create(row)``, a service call."""
    for row in formset.save(commit=False):
        if row._state.adding:
            create(row)
        else:
            row.save()
    # With commit=False, the formset only lists the rows to delete.
    for row in formset.deleted_objects:
        row.delete()


# What every Regia admin page and inline does with these fields, whatever a page's own
# ``formfield_overrides`` add. A web address typed without a scheme is taken as https://, as
# Django 6 will.
FORMFIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


class RegiaFormfieldsMixin:
    """Merge a page's ``formfield_overrides`` into Regia's instead of replacing them."""

    def __init__(self, *args, **kwargs):
        overrides = copy.deepcopy(FORMFIELD_OVERRIDES)
        for field, options in self.formfield_overrides.items():
            overrides.setdefault(field, {}).update(options)
        self.formfield_overrides = overrides
        # Django's own defaults (admin widgets) are merged in below, the same way.
        super().__init__(*args, **kwargs)


class RegiaInline(RegiaFormfieldsMixin, admin.TabularInline):
    """The base of every Regia inline."""

    extra = 0


class RegiaAdmin(RegiaFormfieldsMixin, admin.ModelAdmin):
    """The base of every Regia admin page."""

    #: The service that adds this model's objects, called as ``create_service(actor=user,
    #: **fields)``; without one, the admin saves the form as Django does.
    create_service: Callable[..., models.Model] | None = None
    #: The service that changes them, called as ``update_service(obj, actor=user,
    #: **changed_fields)``; without one, the admin saves the form as Django does.
    update_service: Callable[..., models.Model] | None = None

    def get_service_fields(self, request, form) -> dict:
        """The create service's arguments; many-to-many fields are set afterwards."""
        return model_fields(form)

    def save_model(self, request, obj, form, change):
        service = self.update_service if change else self.create_service
        if service is None:
            super().save_model(request, obj, form, change)
            return
        if change:
            changes = {
                name: value
                for name, value in model_fields(form).items()
                if name in form.changed_data
            }
            if not changes:
                return
            saved = service(obj, actor=request.user, **changes)
        else:
            saved = service(actor=request.user, **self.get_service_fields(request, form))
        # The admin goes on with the instance it built (response, many-to-many, log): make it
        # the object the service saved.
        obj.__dict__.update(saved.__dict__)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or hasattr(request, "regia_refusal"):
                raise
            # The view's transaction has rolled back whatever the attempt wrote. Show the form
            # again, bound to what was sent, with the service's reasons on it.
            request.regia_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "regia_refusal", None)
        if refusal is None:
            return form

        class RefusedForm(form):
            def _post_clean(self):
                super()._post_clean()
                show_refusal(self, refusal)

        return RefusedForm

    # Django's admin log says what was done through the admin; the audit log must hold every
    # write with its IP address, whichever way it came.

    def log_addition(self, request, obj, message):
        if self.create_service is None:
            audit_record(
                actor=request.user,
                verb=f"{obj._meta.model_name}.added",
                target=obj,
                data={"admin": message},
            )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if self.update_service is None:
            audit_record(
                actor=request.user,
                verb=f"{obj._meta.model_name}.changed",
                target=obj,
                data={"admin": message},
            )
        return super().log_change(request, obj, message)

    def deletion_refusals(self, request, objs: Iterable[models.Model]) -> list[str]:
        """Why deleting ``objs`` together would break a rule; empty when it would not."""
        return []

    def get_deleted_objects(self, objs, request):
        # The delete page and the "delete selected" action both ask here: a refusal is shown
        # like the objects a deletion would have to take with it, and nothing is deleted.
        *deleted, protected = super().get_deleted_objects(objs, request)
        return (*deleted, [*protected, *self.deletion_refusals(request, objs)])

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, verb=f"{obj._meta.model_name}.deleted", target=obj)
        return super().log_deletions(request, queryset)


class RegiaHistoryAdmin(RegiaAdmin, SimpleHistoryAdmin):
    """For models with django-simple-history: their versions can be read, never restored.

    Restoring a version would write past the services: a project's status or a commitment's
    verified amount would come back without their workflow.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(RegiaAdmin):
    """Records written only by the application: they can be read, never added, changed or
    deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DueStateFilter(admin.SimpleListFilter):
    """Open, late or done, for anything with a due date and a date it was done on."""

    title = gettext_lazy("state")
    parameter_name = "state"
    due_field = "due_on"
    done_field: str

    def lookups(self, request, model_admin):
        return [
            ("open", gettext_lazy("Open")),
            ("late", gettext_lazy("Late")),
            ("done", gettext_lazy("Done")),
        ]

    def queryset(self, request, queryset):
        not_done = {f"{self.done_field}__isnull": True}
        if self.value() == "open":
            return queryset.filter(**not_done)
        if self.value() == "late":
            return queryset.filter(**not_done, **{f"{self.due_field}__lt": timezone.localdate()})
        if self.value() == "done":
            return queryset.filter(**{f"{self.done_field}__isnull": False})
        return queryset


def service_action(
    *,
    description: str,
    form_class: type | None = None,
    permissions: tuple[str, ...] = ("change",),
):
    """Make an admin action out of ``perform(modeladmin, request, obj, **details)``.

    ``perform`` calls one service for one object. With ``form_class``, an intermediate page
    first asks for the details the service needs (an authorising act, a reason), which are
    passed on as keyword arguments. Each object the service refuses is reported as an error
    message and left as it was; the others are done.
    """

    def decorator(perform):
        @admin.action(description=description, permissions=permissions)
        @functools.wraps(perform)
        def action(modeladmin, request, queryset):
            details = {}
            if form_class is not None:
                form = form_class(request.POST if APPLY in request.POST else None)
                if not form.is_valid():
                    return _action_form_page(
                        modeladmin, request, queryset, form, perform.__name__, description
                    )
                details = form.cleaned_data
            done = 0
            for obj in queryset:
                try:
                    perform(modeladmin, request, obj, **details)
                except ValidationError as refusal:
                    modeladmin.message_user(
                        request,
                        _("%(object)s: %(reason)s")
                        % {"object": obj, "reason": " ".join(refusal.messages)},
                        messages.ERROR,
                    )
                else:
                    done += 1
            if done:
                modeladmin.message_user(
                    request,
                    _("%(action)s: done for %(count)d %(items)s.")
                    % {
                        "action": description,
                        "count": done,
                        "items": model_ngettext(modeladmin.opts, done),
                    },
                    messages.SUCCESS,
                )
            return None

        return action

    return decorator


def _action_form_page(modeladmin, request, queryset, form, action_name, description):
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": description,
        "subtitle": None,
        "opts": opts,
        "form": form,
        "queryset": queryset,
        "action_name": action_name,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "apply": APPLY,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/regia/action_form.html", context)


class UploadField(forms.FileField):
    """A file field whose uploads are checked by ``clean_upload``: size, type, no metadata."""

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if isinstance(uploaded, UploadedFile):
            return clean_upload(uploaded)
        return uploaded or None


class ReasonForm(forms.Form):
    """What an action asks when its service wants to know why (withdrawal, rejection...)."""

    reason = forms.CharField(
        label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_repr", "verb", "target_type", "target_repr", "ip_address"]
    list_filter = ["target_type", "verb"]
    search_fields = ["actor_repr", "verb", "target_repr", "target_id", "ip_address"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "actor",
        "actor_repr",
        "verb",
        "target_type",
        "target_id",
        "target_repr",
        "data",
        "ip_address",
        "user_agent",
    ]
