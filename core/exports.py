"""Tables written as files: CSV (RFC 4180), "Excel Italia" CSV and XLSX, streamed.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula: every text cell that does is written with a leading apostrophe, which
spreadsheets show as text. Numbers are written as numbers, negative ones included, and never
neutralised. ``unneutralise`` undoes it when a file comes back, so an export imports unchanged.

The writers know nothing of the tables they write: they take columns (anything with ``code``,
``label`` and ``kind``, as in ``funding.tables``) and rows (dicts keyed by the columns' codes),
and write each cell by its column's kind:

- ``text``: the text, neutralised;
- ``money``: a number with two decimals (``-1234.50``; ``-1234,50`` in Excel Italia; a numeric
  cell formatted ``#,##0.00`` in XLSX);
- ``integer``: a whole number;
- ``date``: ISO 8601 (``dd/mm/yyyy`` in Excel Italia; a date cell in XLSX);
- ``boolean``: "yes"/"no" in the active language ("sì"/"no" in Italian);
- ``choice``: a choices member (``TextChoices``) is written as its label in the active
  language, anything else as text.

``None`` is an empty cell everywhere. Headers are the columns' labels in the active language.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Protocol

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"

CSV = "csv"
EXCEL_ITALIA = "excel-it"
XLSX = "xlsx"
FORMATS = (CSV, EXCEL_ITALIA, XLSX)
# Both CSVs end in .csv; the Excel Italia one says so in its name, so the two never collide.
SUFFIXES = {CSV: ".csv", EXCEL_ITALIA: "-excel-italia.csv", XLSX: ".xlsx"}

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel reads a CSV as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"
MONEY_FORMAT = "#,##0.00"
# A spooled XLSX stays in memory up to this size, then moves to a temporary file on disk.
XLSX_SPOOL_BYTES = 4 * 1024 * 1024
# An XLSX sheet name has at most 31 characters, none of these.
SHEET_NAME_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")


class ExportColumn(Protocol):
    code: str
    label: str
    kind: str


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet will run as a formula.

    Text that already starts with apostrophes before a trigger gets one more, so that
    ``unneutralise`` gives back exactly what was written, whatever it was.
    """
    if text and text.lstrip(NEUTRALISER).startswith(FORMULA_TRIGGERS):
        return NEUTRALISER + text
    return text


def unneutralise(text: str) -> str:
    """The text ``neutralise`` was given (a file exported by Regia reads back unchanged)."""
    if text.startswith(NEUTRALISER) and text[1:].lstrip(NEUTRALISER).startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def _as_date(value) -> datetime.date:
    # A moment is written as the day it fell on in Regia's time zone.
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _choice_text(value) -> str:
    return str(getattr(value, "label", value))


def _boolean_text(value: bool) -> str:
    return pgettext("boolean cell", "yes") if value else pgettext("boolean cell", "no")


def _money_text(value, decimal_comma: bool) -> str:
    text = f"{Decimal(value):.2f}"
    return text.replace(".", ",") if decimal_comma else text


def csv_cell(column: ExportColumn, value, *, excel_italia: bool = False) -> str:
    """One cell as a CSV file carries it (before the csv writer quotes it)."""
    if value is None:
        return ""
    kind = column.kind
    if kind == "money":
        return _money_text(value, decimal_comma=excel_italia)
    if kind == "integer":
        return str(int(value))
    if kind == "date":
        day = _as_date(value)
        return day.strftime("%d/%m/%Y") if excel_italia else day.isoformat()
    if kind == "boolean":
        return _boolean_text(value)
    if kind == "choice":
        return neutralise(_choice_text(value))
    return neutralise(str(value))


class _Line:
    """A file-like object whose ``write`` hands the line back: the csv writer's output is
    yielded line by line instead of being kept."""

    def write(self, line: str) -> str:
        return line


def csv_lines(
    columns: Sequence[ExportColumn], rows: Iterable[dict], *, excel_italia: bool = False
) -> Iterator[str]:
    """The file's lines (CRLF), header first; in Excel Italia, ``;``-separated after a BOM.

    The lines are written lazily, when the response is streamed, in the language active now.
    """
    language = translation.get_language()

    def lines() -> Iterator[str]:
        with translation.override(language):
            writer = csv.writer(_Line(), delimiter=";" if excel_italia else ",")
            header = writer.writerow([neutralise(str(column.label)) for column in columns])
            yield BOM + header if excel_italia else header
            for row in rows:
                yield writer.writerow(
                    [
                        csv_cell(column, row.get(column.code), excel_italia=excel_italia)
                        for column in columns
                    ]
                )

    return lines()


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(
    columns: Sequence[ExportColumn],
    rows: Iterable[dict],
    *,
    filename: str,
    excel_italia: bool = False,
) -> StreamingHttpResponse:
    """The table as a streamed CSV download: rows are read as the client receives them."""
    response = StreamingHttpResponse(
        csv_lines(columns, rows, excel_italia=excel_italia), content_type=CSV_CONTENT_TYPE
    )
    return _attachment(response, filename)


def _xlsx_text(value: str) -> str:
    # Control characters cannot be stored in an XLSX cell at all.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_cell(sheet, column: ExportColumn, value) -> WriteOnlyCell:
    """One cell of a write-only sheet: numbers and dates typed, text neutralised."""
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    kind = column.kind
    if kind == "money":
        cell = WriteOnlyCell(sheet, value=Decimal(value))
        cell.number_format = MONEY_FORMAT
        return cell
    if kind == "integer":
        return WriteOnlyCell(sheet, value=int(value))
    if kind == "date":
        cell = WriteOnlyCell(sheet, value=_as_date(value))
        cell.number_format = "dd/mm/yyyy" if translation.get_language() == "it" else "yyyy-mm-dd"
        return cell
    if kind == "boolean":
        return WriteOnlyCell(sheet, value=_boolean_text(value))
    if kind == "choice":
        return WriteOnlyCell(sheet, value=_xlsx_text(_choice_text(value)))
    return WriteOnlyCell(sheet, value=_xlsx_text(str(value)))


def sheet_name(title: str) -> str:
    return str(title).translate(SHEET_NAME_FORBIDDEN)[:31] or "Regia"


def xlsx_file(columns: Sequence[ExportColumn], rows: Iterable[dict], *, title: str):
    """The table as an XLSX workbook in a temporary file, rewound.

    The workbook is write-only: rows go to disk as they come, so memory stays flat however
    long the table. The caller closes the file (``FileResponse`` does), which deletes it.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(title))
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(str(column.label)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(sheet, column, row.get(column.code)) for column in columns])
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    workbook.save(file)
    file.seek(0)
    return file


def xlsx_response(
    columns: Sequence[ExportColumn], rows: Iterable[dict], *, filename: str, title: str
) -> FileResponse:
    """The table as an XLSX download, written to a temporary file then streamed from it."""
    return FileResponse(
        xlsx_file(columns, rows, title=title),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )


def export_response(
    fmt: str,
    columns: Sequence[ExportColumn],
    rows: Iterable[dict],
    *,
    file_stem: str,
    title: str,
):
    """The table in ``fmt`` (one of ``FORMATS``), as ``<file_stem><suffix>``."""
    filename = f"{file_stem}{SUFFIXES[fmt]}"
    if fmt == XLSX:
        return xlsx_response(columns, rows, filename=filename, title=title)
    return csv_response(columns, rows, filename=filename, excel_italia=fmt == EXCEL_ITALIA)
