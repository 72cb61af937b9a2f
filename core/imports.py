"""Reading a table from an uploaded CSV or XLSX file, safely, for any import.

The file is judged before it is parsed: its size first (REGIA_IMPORT_MAX_BYTES), then its type
from its content (never its name), then, for a workbook, the sizes its zip members declare
(REGIA_IMPORT_MAX_UNCOMPRESSED_BYTES and REGIA_IMPORT_MAX_COMPRESSION_RATIO): a zip bomb is
refused before openpyxl opens it. Python's zipfile never inflates a member past its declared
size, so the declared sizes bound the work. openpyxl parses the workbook's XML with defusedxml
(installed), so external entities and entity expansion are refused, and pandas opens the
workbook read-only. A CSV is UTF-8 (a BOM is allowed), RFC 4180, with ``;`` or ``,`` between
cells. Every cell comes back as text, except an XLSX cell holding a number or a date; text
cells lose the apostrophe an export put in front of a formula (``core.exports.unneutralise``).

The cells' values are read with ``parse_decimal``, ``parse_integer``, ``parse_date`` and
``parse_boolean``, which accept both Italian and English notations and refuse what is
ambiguous. Every refusal is a ValidationError with a message for the user.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import magic
import pandas
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.exports import unneutralise

CSV = "csv"
XLSX = "xlsx"
ZIP_SIGNATURE = b"PK\x03\x04"
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class ColumnSpec:
    """A column a file may carry: its code, its label for messages, the headers that name it."""

    code: str
    label: str
    names: Collection[str]


@dataclass
class Table:
    """The rows of a file: ``headers`` maps each recognised column's code to its header as the
    file writes it; each row is a dict code → cell, in the order of the file."""

    file_format: str
    headers: dict[str, str]
    rows: list[dict[str, object]]


def normalise_header(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def sniff_format(uploaded) -> str:
    """``"csv"`` or ``"xlsx"``, from the file's size and content; ValidationError otherwise."""
    limit = settings.REGIA_IMPORT_MAX_BYTES
    if uploaded.size is None or uploaded.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    uploaded.seek(0)
    head = uploaded.read(_SNIFF_BYTES)
    uploaded.seek(0)
    if head.startswith(ZIP_SIGNATURE):
        return XLSX
    detected = magic.from_buffer(head, mime=True)
    is_text = detected.startswith("text/") or detected in ("application/csv", "application/json")
    if is_text and b"\x00" not in head:
        return CSV
    raise ValidationError(
        _("This kind of file is not accepted: upload a CSV (UTF-8) or an XLSX workbook."),
        code="file_type",
    )


def read_table(
    uploaded,
    *,
    columns: Sequence[ColumnSpec],
    required: Iterable[str | tuple[str, ...]],
) -> Table:
    """The rows of ``uploaded``, refused as a whole when it is not a safe CSV or XLSX file, has
    more than REGIA_IMPORT_MAX_ROWS rows, or lacks a ``required`` column (a tuple: one of them)
    or carries a column that is not in ``columns``."""
    file_format = sniff_format(uploaded)
    data = uploaded.read()
    uploaded.seek(0)
    frame = _read_xlsx(data) if file_format == XLSX else _read_csv(data)
    if len(frame) > settings.REGIA_IMPORT_MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(limit)s rows: split it.")
            % {"limit": settings.REGIA_IMPORT_MAX_ROWS},
            code="too_many_rows",
        )
    frame.columns = [str(column) for column in frame.columns]
    headers = _match_headers(frame, columns, required)
    codes = list(headers)
    rows = [
        {code: _cell(value) for code, value in zip(codes, record, strict=True)}
        for record in frame[[headers[code] for code in codes]].itertuples(index=False, name=None)
    ]
    return Table(file_format=file_format, headers=headers, rows=rows)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN: an empty cell
        return ""
    if isinstance(value, str):
        return unneutralise(value.strip())
    if isinstance(value, pandas.Timestamp):
        return value.to_pydatetime()
    return value


def _read_csv(data: bytes) -> pandas.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text: save it as “CSV UTF-8”."), code="csv_encoding"
        ) from error
    first_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=";,").delimiter
    except csv.Error:
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return pandas.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            quotechar='"',
            doublequote=True,
            skip_blank_lines=True,
        )
    except (pandas.errors.ParserError, pandas.errors.EmptyDataError, ValueError) as error:
        raise ValidationError(
            _("The file cannot be read as CSV: %(reason)s") % {"reason": error}, code="csv_invalid"
        ) from error


def check_workbook_archive(data: bytes) -> None:
    """Refuse a workbook whose members would inflate beyond the caps: a zip bomb."""
    limit = settings.REGIA_IMPORT_MAX_UNCOMPRESSED_BYTES
    ratio_limit = settings.REGIA_IMPORT_MAX_COMPRESSION_RATIO
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ValidationError(
            _("The file cannot be read as an XLSX workbook."), code="xlsx_invalid"
        ) from error
    total = sum(member.file_size for member in members)
    too_compressed = any(
        member.file_size > ratio_limit * max(member.compress_size, 1) and member.file_size > 1024
        for member in members
    )
    if total > limit or too_compressed:
        raise ValidationError(
            _(
                "The workbook would take more than %(limit)s once uncompressed, or is compressed "
                "beyond reason: it is refused."
            )
            % {"limit": filesizeformat(limit)},
            code="xlsx_bomb",
        )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ValidationError(
            _("The file cannot be read as an XLSX workbook."), code="xlsx_invalid"
        )


def _read_xlsx(data: bytes) -> pandas.DataFrame:
    check_workbook_archive(data)
    try:
        # pandas opens it with openpyxl's read_only=True, data_only=True, keep_links=False.
        return pandas.read_excel(
            io.BytesIO(data),
            engine="openpyxl",
            sheet_name=0,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
        )
    except Exception as error:  # openpyxl and defusedxml raise many kinds: all mean "unreadable".
        raise ValidationError(
            _("The file cannot be read as an XLSX workbook."), code="xlsx_invalid"
        ) from error


def _match_headers(
    frame: pandas.DataFrame,
    columns: Sequence[ColumnSpec],
    required: Iterable[str | tuple[str, ...]],
) -> dict[str, str]:
    by_name = {}
    for column in columns:
        for name in (column.code, *column.names):
            by_name[normalise_header(name)] = column
    headers: dict[str, str] = {}
    unknown = []
    repeated = []
    for header in (str(name) for name in frame.columns):
        if header.startswith("Unnamed: ") and not frame[header].astype(str).str.strip().any():
            continue  # an empty column a spreadsheet left behind
        column = by_name.get(normalise_header(unneutralise(header.strip())))
        if column is None:
            unknown.append(header)
        elif column.code in headers:
            repeated.append(header)
        else:
            headers[column.code] = header
    labels = {column.code: str(column.label) for column in columns}
    missing = []
    for need in required:
        group = need if isinstance(need, tuple) else (need,)
        if not any(code in headers for code in group):
            missing.append(_(" or ").join(f"“{labels[code]}”" for code in group))
    problems = []
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": "; ".join(missing)})
    if unknown:
        problems.append(
            _("Unknown columns: %(columns)s.")
            % {"columns": "; ".join(f"“{name}”" for name in unknown)}
        )
    if repeated:
        problems.append(
            _("Columns given twice: %(columns)s.")
            % {"columns": "; ".join(f"“{name}”" for name in repeated)}
        )
    if problems:
        raise ValidationError(" ".join(problems), code="columns")
    return headers


# -- cells --

_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def parse_decimal(value: object) -> Decimal:
    """A number written the Italian way (1.234,56) or the English way (1,234.56).

    One separator followed by exactly three digits (1.234 or 1,234) could be either: it is
    refused, asking for an unambiguous notation. An XLSX number is taken as it is shown.
    """
    if isinstance(value, bool):
        raise ValidationError(_("Write a number."), code="number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    sign = ""
    if text[:1] in "+-":
        sign, text = text[:1].replace("+", ""), text[1:]
    if not text or not re.fullmatch(r"[\d.,]+", text) or not text[0].isdigit():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="number")
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        whole, _mark, fraction = text.rpartition(decimal_mark)
        if not _GROUPED.match(whole) or not fraction.isdigit():
            raise ValidationError(
                _("“%(value)s” is not a number.") % {"value": value}, code="number"
            )
        whole = re.sub(r"[.,]", "", whole)
    elif dots + commas == 0:
        whole, fraction = text, ""
    elif dots + commas > 1:
        if not _GROUPED.match(text):
            raise ValidationError(
                _("“%(value)s” is not a number.") % {"value": value}, code="number"
            )
        whole, fraction = re.sub(r"[.,]", "", text), ""
    else:
        whole, _mark, fraction = text.partition("." if dots else ",")
        if len(fraction) == 3:
            raise ValidationError(
                _(
                    "“%(value)s” is ambiguous: write 1234 or 1.234,00 for a thousand, "
                    "1,234 as 1,23 or 1.23 for a decimal."
                )
                % {"value": value},
                code="ambiguous_number",
            )
        if not whole or not fraction:
            raise ValidationError(
                _("“%(value)s” is not a number.") % {"value": value}, code="number"
            )
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    except InvalidOperation as error:
        raise ValidationError(
            _("“%(value)s” is not a number.") % {"value": value}, code="number"
        ) from error


def parse_integer(value: object) -> int:
    """A whole number (an id, a year), written with digits only."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if not text.isdigit():
        raise ValidationError(
            _("“%(value)s” is not a whole number.") % {"value": value}, code="integer"
        )
    return int(text)


def parse_date(value: object) -> datetime.date:
    """A date as dd/mm/yyyy or ISO (yyyy-mm-dd), or an XLSX date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": value}, code="date"
    )


TRUE_WORDS = frozenset({"sì", "si", "yes", "true", "vero", "1"})
FALSE_WORDS = frozenset({"no", "false", "falso", "0"})


def parse_boolean(value: object) -> bool:
    """sì/si/yes/true/1 or no/false/0, in any case."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if isinstance(value, (int, float)):
        text = str(int(value)) if float(value).is_integer() else text
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValidationError(
        _("“%(value)s” is neither yes nor no: write sì or no.") % {"value": value},
        code="boolean",
    )
