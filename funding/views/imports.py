"""The import pages: my imports, a new import, its preview (errors, progress) and confirmation.

Partner representatives and programme managers import (``funding.imports.can_import``); a
staged import is its uploader's alone: anyone else gets 404. A large file is checked and
applied by the Celery worker while the page polls its progress every two seconds (htmx); without
JavaScript a link reloads the page.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh
from openpyxl import Workbook

from core.htmx import vary_on_htmx, wants_partial
from core.permissions import require
from funding import services
from funding.forms_import import ImportForm
from funding.imports import REQUIRED, can_import, importable_columns
from funding.models import ImportBatch

PAGE_SIZE = 50
ERRORS_PAGE_SIZE = 100
TEMPLATE_FORMATS = ("csv", "xlsx")


def _check_may_import(user) -> None:
    require(can_import(user))


def _own_batch(request, pk: int) -> ImportBatch:
    """The uploader's own import; for anyone else (managers included) it does not exist."""
    return get_object_or_404(ImportBatch, pk=pk, uploader=request.user)


def _crumbs(*more):
    return [(_("Imports"), reverse("funding:import-list")), *more]


@login_required
@require_safe
def import_list(request):
    _check_may_import(request.user)
    batches = ImportBatch.objects.filter(uploader=request.user).order_by("-created_at", "-pk")
    return render(
        request,
        "funding/import_list.html",
        {
            "page": Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page")),
            "crumbs": [(_("Imports"), "")],
        },
    )


def _column_help(kind: str) -> list[dict]:
    required = set()
    for need in REQUIRED[kind]:
        required.update(need if isinstance(need, tuple) else (need,))
    return [
        {
            "code": column.code,
            "label": column.label,
            "kind": column.kind,
            "required": column.code in required,
        }
        for column in importable_columns(kind)
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_new(request):
    _check_may_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_stage(
                uploader=request.user,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_service_error(error, dict.fromkeys(_FILE_CODES, "file"))
        else:
            return redirect("funding:import-detail", pk=batch.pk)
    return render(
        request,
        "funding/import_new.html",
        {
            "form": form,
            "kinds": [
                {"kind": kind, "label": label, "columns": _column_help(kind)}
                for kind, label in ImportBatch.Kind.choices
            ],
            "crumbs": _crumbs((_("New import"), "")),
        },
    )


_FILE_CODES = (
    "file_too_large",
    "file_empty",
    "file_type",
    "csv_encoding",
    "csv_invalid",
    "xlsx_invalid",
    "xlsx_bomb",
    "too_many_rows",
    "columns",
)


@login_required
@require_safe
def import_template(request, kind: str, fmt: str):
    """An empty file with the kind's importable columns, headed in the user's language."""
    _check_may_import(request.user)
    if kind not in ImportBatch.Kind.values or fmt not in TEMPLATE_FORMATS:
        raise Http404
    headers = [str(column.label) for column in importable_columns(kind)]
    filename = f"regia-{kind}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(headers)
        response = HttpResponse(
            ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(ImportBatch.Kind(kind).label))
        sheet.append(headers)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def import_detail(request, pk: int):
    """The preview: status, progress, counts, the errors page by page, confirm and discard.

    While the worker checks or applies the file, htmx asks for the progress region every two
    seconds; once it is done, the page reloads whole.
    """
    batch = _own_batch(request, pk)
    context = {"batch": batch, "progress_percent": _percent(batch)}
    if wants_partial(request):
        if batch.in_progress:
            return vary_on_htmx(render(request, "funding/_import_progress.html", context))
        return vary_on_htmx(HttpResponseClientRefresh())
    context.update(
        errors_page=Paginator(batch.errors, ERRORS_PAGE_SIZE).get_page(request.GET.get("page")),
        crumbs=_crumbs((batch.original_name or _("Import"), "")),
    )
    return vary_on_htmx(render(request, "funding/import_detail.html", context))


def _percent(batch: ImportBatch) -> int:
    if not batch.rows_total:
        return 0
    return min(100, round(100 * batch.rows_validated / batch.rows_total))


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = _own_batch(request, pk)
    try:
        batch = services.import_confirm(batch=batch, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if batch.status == ImportBatch.Status.APPLIED:
            messages.success(
                request,
                _("Import done: %(count)s records created.") % {"count": batch.objects_created},
            )
    return redirect("funding:import-detail", pk=batch.pk)


@login_required
@require_POST
def import_discard(request, pk: int):
    batch = _own_batch(request, pk)
    try:
        services.import_discard(batch=batch, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("funding:import-detail", pk=batch.pk)
    messages.success(request, _("The import was discarded."))
    return redirect("funding:import-list")
