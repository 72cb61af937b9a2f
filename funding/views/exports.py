"""Downloads of the ledger's tables: ``/ledger/export/<table>.<format>``.

The file follows the list page's filters (``?programme=``, ``?year=``, ``?status=``,
``?organisation=``); a filter with a value that makes no sense answers 400 and says why. Who
may download is decided, and the download audited, before a single row is written; the rows
are those the user may read on the pages, never more.
"""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core import exports
from core.audit import audit_record
from core.permissions import require
from funding.exports import TABLES, ExportTable, Filters
from programme.selectors import programmes_visible_to


class ExportFilterForm(forms.Form):
    """The list page's filters, as a file reads them; other parameters (``page``) are ignored."""

    programme = forms.IntegerField(label=_("Programme"), required=False, min_value=1)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    organisation = forms.IntegerField(label=_("Partner"), required=False, min_value=1)

    def __init__(self, *args, table: ExportTable, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table
        if table.statuses is None:
            # A table without a status ignores the filter, as its list page does.
            del self.fields["status"]
        else:
            self.fields["status"].choices = [("", ""), *table.statuses.choices]

    def clean_programme(self):
        programme = self.cleaned_data["programme"]
        if programme is None and self.table.needs_programme:
            raise forms.ValidationError(
                _("This table belongs to a programme: say which one (?programme=<id>)."),
                code="required",
            )
        return programme


def _bad_request(request, form: ExportFilterForm):
    return render(request, "funding/export_bad_request.html", {"form": form}, status=400)


def _file_stem(table: ExportTable, filters: Filters) -> str:
    """``regia-impegni-prato-2026-11-22``: what, of which programme, when."""
    parts = ["regia", slugify(str(table.file_label))]
    if filters.programme is not None:
        parts.append(filters.programme.slug)
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts)


class _Counted:
    """Rows passed through, counted (the audit row of an XLSX says how many it held)."""

    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _audit(request, table: ExportTable, fmt: str, filters: Filters, rows: int | None) -> None:
    """An export by a logged-in user is audited on its programme, or on the user when it
    spans every programme they read. Anonymous downloads are public data, as the open data
    files are: a row without an actor would hold no one to account, only fill the log."""
    if not request.user.is_authenticated:
        return
    data = {
        "table": table.slug,
        "format": fmt,
        "filters": {
            name: value
            for name, value in (
                ("year", filters.year),
                ("status", filters.status),
                ("organisation", filters.organisation),
            )
            if value not in (None, "")
        },
    }
    if rows is not None:
        data["rows"] = rows
    target = filters.programme if filters.programme is not None else request.user
    audit_record(actor=request.user, verb="ledger.exported", target=target, data=data)


@require_safe
def export(request, table: str, fmt: str):
    """One ledger table as CSV, Excel Italia CSV or XLSX, for who may read it."""
    spec = TABLES.get(table)
    if spec is None or fmt not in exports.FORMATS:
        raise Http404
    form = ExportFilterForm(request.GET, table=spec)
    if not form.is_valid():
        return _bad_request(request, form)
    programme = None
    if (programme_id := form.cleaned_data["programme"]) is not None:
        programme = programmes_visible_to(request.user).filter(pk=programme_id).first()
        if programme is None:
            raise Http404
    require(spec.may_export(request.user, programme))
    filters = Filters(
        programme=programme,
        year=form.cleaned_data["year"],
        status=form.cleaned_data.get("status") or None,
        organisation=form.cleaned_data["organisation"],
    )
    rows = spec.rows(request.user, filters)
    stem = _file_stem(spec, filters)
    if fmt == exports.XLSX:
        counted = _Counted(rows)
        response = exports.export_response(
            fmt, spec.columns, counted, file_stem=stem, title=str(spec.label)
        )
        _audit(request, spec, fmt, filters, rows=counted.count)
        return response
    # A CSV is written while it is sent: the audit row comes first, without the count.
    _audit(request, spec, fmt, filters, rows=None)
    return exports.export_response(fmt, spec.columns, rows, file_stem=stem, title=str(spec.label))
