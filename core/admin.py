"""The back office's shared machinery, and the audit log's read-only page.

Every Regia admin derives from ``RegiaAdmin``: additions go through the model's create service
when it has one, a service's refusal is shown on the form or as an error message (never as a
server error), and writes made by hand in the admin leave an audit row like a service call does.
Admin actions are made with ``service_action``: one service call per selected object.

The back office follows the access rules of the API (docs/permissions.md): for whoever is not
a superuser, a page shows only what its ``read_scope`` selector lets the user read (anything
else answers 404), and its rules, the app's permission predicates, decide object by object
what the user may add, change, delete or move through a workflow, with their reasons shown
when they refuse. core knows no app: each app's admin plugs in its own selectors and
predicates.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import (
    NotRelationField,
    get_fields_from_path,
    model_ngettext,
    unquote,
)
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.audit import audit_record
from core.models import AuditEntry
from core.permissions import Allowed
from core.uploads import clean_upload

#: A permission predicate of an app's permissions.py: ``rule(user, obj) -> Allowed``.
Rule = Callable[..., Allowed]

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


def is_scoped(request) -> bool:
    """Whether the access rules narrow what the request's user sees: anyone but a superuser."""
    return not request.user.is_superuser


class ScopedChoicesMixin:
    """Offer in a form's relations only the objects the user may read.

    Whatever the autocomplete shows, a form accepts any id it is sent; narrowing the choices
    themselves means nobody attaches an object to a programme or a project they cannot see.
    """

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        read_scope = getattr(related_admin, "read_scope", None)
        if read_scope is None or not is_scoped(request):
            return queryset
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db)
        return queryset.filter(pk__in=read_scope(request.user).values("pk"))


class RegiaInline(RegiaFormfieldsMixin, ScopedChoicesMixin, admin.TabularInline):
    """The base of every Regia inline: its rows are changed by who may change its parent."""

    extra = 0

    def parent_allows(self, request, obj) -> bool:
        parent_admin = self.admin_site._registry.get(self.parent_model)
        if obj is None or parent_admin is None:
            return True
        return parent_admin.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.parent_allows(request, obj)


class RegiaAdmin(RegiaFormfieldsMixin, ScopedChoicesMixin, admin.ModelAdmin):
    """The base of every Regia admin page."""

    #: The service that adds this model's objects, called as ``create_service(actor=user,
    #: **fields)``; without one, the admin saves the form as Django does.
    create_service: Callable[..., models.Model] | None = None
    #: The service that changes them, called as ``update_service(obj, actor=user,
    #: **changed_fields)``; without one, the admin saves the form as Django does.
    update_service: Callable[..., models.Model] | None = None

    # The access rules, for anyone but a superuser (who keeps every object and every right).
    # Model permissions open a page; these narrow it to the user's scope.

    #: What the user may read: the app's ``<noun>s_visible_to(user)`` selector. Nothing else
    #: is listed, offered as a choice or opened (404).
    read_scope: Callable[..., models.QuerySet] | None = None
    #: Whether the user may change an object, judged before and after the form's changes.
    change_rule: Rule | None = None
    #: Whether the user may add an object, judged on the object about to be saved; without
    #: one, ``change_rule`` judges it.
    add_rule: Rule | None = None
    #: Whether the user may delete an object; without one, ``change_rule`` judges it.
    delete_rule: Rule | None = None

    def check_rule(self, request, rule: Rule | None, obj) -> None:
        """Raise the rule's refusal, with its reason, when it refuses ``obj`` to the user."""
        if rule is None or not is_scoped(request):
            return
        allowed = rule(request.user, obj)
        if not allowed:
            raise ValidationError(allowed.reason)

    def rule_allows(self, request, rule: Rule | None, obj) -> bool:
        """Whether ``rule`` lets the user act on the stored ``obj``, asked once per request:
        a change page asks for itself and for each of its inlines."""
        if rule is None or obj is None or not is_scoped(request):
            return True
        answers = request.__dict__.setdefault("regia_rule_answers", {})
        key = (rule, obj._meta.label, obj.pk)
        if key not in answers:
            answers[key] = bool(rule(request.user, obj))
        return answers[key]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.read_scope is None or not is_scoped(request):
            return queryset
        # A subquery: the page keeps its own joins and annotations, and its query count.
        return queryset.filter(pk__in=self.read_scope(request.user).values("pk"))

    def get_object(self, request, object_id, from_field=None):
        # Outside the user's scope is as good as not there: 404, as in the API, rather than
        # Django's redirect to the index.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(
                _("%(name)s with ID “%(key)s” does not exist.")
                % {"name": self.opts.verbose_name, "key": object_id}
            )
        return obj

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.rule_allows(
            request, self.change_rule, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.rule_allows(
            request, self.delete_rule or self.change_rule, obj
        )

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if self.read_scope is None or not is_scoped(request):
            return list_filter
        return [self._related_only(item) for item in list_filter]

    def _related_only(self, item):
        """A filter on a relation lists only the related objects of the rows the user sees:
        the names of programmes or projects outside their scope stay hidden."""
        if not isinstance(item, str):
            return item
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return item
        if field.many_to_one or (field.many_to_many and not field.auto_created):
            return (item, admin.RelatedOnlyFieldListFilter)
        return item

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        rule = self.change_rule
        if rule is None or not is_scoped(request):
            return formset

        class RuledFormSet(formset):
            """Rows edited in the list are judged like a change page's object."""

            def clean(self):
                super().clean()
                for form in self.forms:
                    if form.has_changed() and form.instance.pk is not None:
                        allowed = rule(request.user, form.instance)
                        if not allowed:
                            form.add_error(None, allowed.reason)

        return RuledFormSet

    def get_service_fields(self, request, form) -> dict:
        """The create service's arguments; many-to-many fields are set afterwards."""
        return model_fields(form)

    def save_model(self, request, obj, form, change):
        # The object as the form left it: nobody moves an object to a programme they do not
        # manage, nor adds one there. A refusal is shown on the form, like a service's.
        self.check_rule(
            request, self.change_rule if change else self.add_rule or self.change_rule, obj
        )
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

    def rule_refusals(self, request, objs: Iterable[models.Model]) -> list[str]:
        """Why the access rules refuse the user the deletion of each of ``objs``."""
        rule = self.delete_rule or self.change_rule
        if rule is None or not is_scoped(request):
            return []
        refusals = []
        for obj in objs:
            allowed = rule(request.user, obj)
            if not allowed:
                refusals.append(
                    _("%(object)s: %(reason)s") % {"object": obj, "reason": allowed.reason}
                )
        return refusals

    def get_deleted_objects(self, objs, request):
        # The delete page and the "delete selected" action both ask here: a refusal is shown
        # like the objects a deletion would have to take with it, and nothing is deleted.
        *deleted, protected = super().get_deleted_objects(objs, request)
        refusals = [*self.rule_refusals(request, objs), *self.deletion_refusals(request, objs)]
        return (*deleted, [*protected, *refusals])

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

    def check_readable(self, request, object_id) -> None:
        """404 unless the user may read the object: its versions tell everything it held.

        django-simple-history reads them without the page's queryset, and would show even an
        object that no longer exists; only superusers read those.
        """
        if is_scoped(request):
            self.get_object(request, unquote(object_id))

    def history_view(self, request, object_id, extra_context=None):
        self.check_readable(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_readable(request, object_id)
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
    rule: Rule | None = None,
):
    """Make an admin action out of ``perform(modeladmin, request, obj, **details)``.

    ``perform`` calls one service for one object. With ``form_class``, an intermediate page
    first asks for the details the service needs (an authorising act, a reason), which are
    passed on as keyword arguments. ``rule``, a permission predicate (by default the page's
    ``change_rule``), first says whether the user may act on each object. Each object the
    rule or the service refuses is reported as an error message with its reason and left as
    it was; the others are done.
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
                    modeladmin.check_rule(request, rule or modeladmin.change_rule, obj)
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
