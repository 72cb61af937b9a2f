"""The table writers: what a cell becomes in CSV, "Excel Italia" CSV and XLSX, and that no text
cell ever reaches a spreadsheet as a formula while numbers stay numbers."""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core import exports
from core.exports import FORMULA_TRIGGERS, neutralise, unneutralise


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    kind: str = "text"


class Colour(models.TextChoices):
    RED = "red", "Bright red"


TEXT = Column("text", "Text")
MONEY = Column("money", "Amount (EUR)", "money")
INTEGER = Column("integer", "Year", "integer")
DATE = Column("date", "Date", "date")
BOOLEAN = Column("boolean", "Subject to budget availability", "boolean")
CHOICE = Column("choice", "Colour", "choice")
COLUMNS = (TEXT, MONEY, INTEGER, DATE, BOOLEAN, CHOICE)

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
CSV_FORMATS = [exports.CSV, exports.EXCEL_ITALIA]


def csv_text(rows, *, excel_italia=False, columns=COLUMNS) -> str:
    return "".join(exports.csv_lines(columns, rows, excel_italia=excel_italia))


def read_csv(text: str, *, excel_italia=False) -> list[list[str]]:
    if excel_italia:
        assert text.startswith(exports.BOM)
        text = text[len(exports.BOM) :]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if excel_italia else ","))


def read_xlsx(rows, columns=COLUMNS):
    file = exports.xlsx_file(columns, rows, title="Impegni")
    workbook = openpyxl.load_workbook(io.BytesIO(file.read()))
    file.close()
    return workbook.active


def test_every_formula_trigger_is_listed():
    assert set(FORMULA_TRIGGERS) == set(TRIGGERS)


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("fmt", CSV_FORMATS)
def test_a_text_starting_with_a_trigger_is_neutralised_in_csv(trigger, fmt):
    excel_italia = fmt == exports.EXCEL_ITALIA
    text = f'{trigger}HYPERLINK("http://evil.example")'
    rows = read_csv(
        csv_text([{"text": text}], excel_italia=excel_italia), excel_italia=excel_italia
    )
    assert rows[1][0] == "'" + text
    assert unneutralise(rows[1][0]) == text


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_a_text_starting_with_a_trigger_is_a_neutralised_string_in_xlsx(trigger):
    text = f"{trigger}1+2"
    sheet = read_xlsx([{"text": text}])
    cell = sheet.cell(row=2, column=1)
    # XML reads every line break back as a line feed: the carriage return comes back as one.
    assert cell.value == "'" + text.replace("\r", "\n")
    assert cell.data_type == "s"


@pytest.mark.parametrize("text", ["Via Roma =1", "Rete in fibra", "'quoted", "a-b"])
def test_a_text_with_a_trigger_elsewhere_is_written_as_it_is(text):
    assert neutralise(text) == text
    rows = read_csv(csv_text([{"text": text}]))
    assert rows[1][0] == text


def test_a_text_already_starting_with_an_apostrophe_and_a_trigger_survives_the_round_trip():
    assert neutralise("'=A1") == "''=A1"
    assert unneutralise(neutralise("'=A1")) == "'=A1"
    assert unneutralise("'=A1") == "=A1"


@pytest.mark.parametrize("fmt", [*CSV_FORMATS, exports.XLSX])
def test_a_choice_starting_with_a_trigger_is_neutralised_too(fmt):
    rows = [{"choice": "-pending"}]
    if fmt == exports.XLSX:
        assert read_xlsx(rows).cell(row=2, column=6).value == "'-pending"
    else:
        excel_italia = fmt == exports.EXCEL_ITALIA
        lines = read_csv(csv_text(rows, excel_italia=excel_italia), excel_italia=excel_italia)
        assert lines[1][5] == "'-pending"


@pytest.mark.parametrize(
    ("amount", "plain", "italian"),
    [
        (Decimal("-12.50"), "-12.50", "-12,50"),
        (Decimal("-1234.50"), "-1234.50", "-1234,50"),
        (Decimal("1234567.8"), "1234567.80", "1234567,80"),
        (Decimal("0.00"), "0.00", "0,00"),
    ],
)
def test_money_negative_included_stays_a_number_in_csv(amount, plain, italian):
    assert read_csv(csv_text([{"money": amount}]))[1][1] == plain
    excel = read_csv(csv_text([{"money": amount}], excel_italia=True), excel_italia=True)
    assert excel[1][1] == italian


@pytest.mark.parametrize("amount", [Decimal("-12.50"), Decimal("-1234.50"), Decimal("98765.43")])
def test_money_negative_included_is_a_numeric_cell_in_xlsx(amount):
    cell = read_xlsx([{"money": amount, "integer": -3}]).cell(row=2, column=2)
    assert cell.data_type == "n"
    assert Decimal(str(cell.value)) == amount
    assert cell.number_format == exports.MONEY_FORMAT


def test_integers_and_dates_are_typed_in_xlsx():
    sheet = read_xlsx([{"integer": 2026, "date": datetime.date(2026, 11, 22)}])
    year, day = sheet.cell(row=2, column=3), sheet.cell(row=2, column=4)
    assert (year.value, year.data_type) == (2026, "n")
    assert day.is_date
    assert day.value.date() == datetime.date(2026, 11, 22)


def test_the_xlsx_header_is_bold_and_labelled():
    sheet = read_xlsx([])
    header = list(next(sheet.iter_rows(min_row=1, max_row=1)))
    assert [cell.value for cell in header] == [column.label for column in COLUMNS]
    assert all(cell.font.bold for cell in header)


def test_xlsx_drops_the_control_characters_a_workbook_cannot_hold():
    sheet = read_xlsx([{"text": "Rete\x00 in\x07 fibra"}])
    assert sheet.cell(row=2, column=1).value == "Rete in fibra"


def test_excel_italia_has_a_bom_semicolons_decimal_commas_and_italian_dates():
    row = {
        "text": "Gida; acqua",
        "money": Decimal("-1234.50"),
        "integer": 2026,
        "date": datetime.date(2026, 11, 2),
    }
    text = csv_text([row], excel_italia=True)
    assert text.startswith("\ufeffText;Amount (EUR);Year;Date;")
    assert text.split("\r\n")[1].startswith('"Gida; acqua";-1234,50;2026;02/11/2026;')
    assert text.endswith("\r\n")


def test_csv_is_rfc_4180_with_iso_dates():
    row = {
        "text": 'He said "yes", then\nleft',
        "money": Decimal("1.50"),
        "integer": 7,
        "date": datetime.date(2026, 1, 5),
    }
    text = csv_text([row])
    assert text.startswith("Text,Amount (EUR),Year,Date,")
    assert '"He said ""yes"", then\nleft",1.50,7,2026-01-05,' in text
    assert text.count("\r\n") == 2
    assert read_csv(text)[1][:4] == ['He said "yes", then\nleft', "1.50", "7", "2026-01-05"]


def test_an_aware_moment_is_written_as_its_day_in_rome():
    late_evening_utc = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    assert read_csv(csv_text([{"date": late_evening_utc}]))[1][3] == "2026-03-02"


def test_none_is_an_empty_cell_everywhere():
    empty = dict.fromkeys(column.code for column in COLUMNS)
    assert read_csv(csv_text([empty]))[1] == [""] * len(COLUMNS)
    assert read_csv(csv_text([empty], excel_italia=True), excel_italia=True)[1] == [""] * 6
    sheet = read_xlsx([empty])
    assert [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))] == [None] * 6


@pytest.mark.parametrize(("language", "yes", "no"), [("it", "sì", "no"), ("en", "yes", "no")])
def test_booleans_are_written_in_the_language(language, yes, no):
    rows = [{"boolean": True}, {"boolean": False}]
    with translation.override(language):
        lines = read_csv(csv_text(rows))
        sheet = read_xlsx(rows)
    assert [line[4] for line in lines[1:]] == [yes, no]
    assert [sheet.cell(row=n, column=5).value for n in (2, 3)] == [yes, no]


def test_the_language_is_the_one_active_when_the_file_is_asked_for():
    with translation.override("it"):
        lines = exports.csv_lines([BOOLEAN], [{"boolean": True}])
    # Streamed later, when another language may be active.
    with translation.override("en"):
        assert read_csv("".join(lines))[1] == ["sì"]


def test_a_choice_is_written_as_its_label():
    lines = read_csv(csv_text([{"choice": Colour.RED}]))
    assert lines[1][5] == "Bright red"
    assert read_xlsx([{"choice": Colour.RED}]).cell(row=2, column=6).value == "Bright red"


def test_the_csv_response_streams_an_attachment():
    response = exports.csv_response(COLUMNS, iter([{"text": "x"}]), filename="regia-impegni.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="regia-impegni.csv"'
    assert b"".join(response.streaming_content).decode().startswith("Text,")


def test_the_xlsx_response_streams_a_temporary_file():
    response = exports.export_response(
        exports.XLSX, COLUMNS, [{"money": Decimal("-1")}], file_stem="regia-impegni", title="x"
    )
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="regia-impegni.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.cell(row=2, column=2).value == -1
    # The temporary file goes when closed (response.close() would also end the request).
    response.file_to_stream.close()


def test_a_sheet_name_is_one_a_workbook_accepts():
    assert exports.sheet_name("Riconciliazione per progetto e anno [2026]/x") == (
        "Riconciliazione per progetto e "
    )
    assert exports.sheet_name("") == "Regia"


@given(st.text())
def test_any_text_round_trips_through_neutralisation(text):
    neutral = neutralise(text)
    assert not neutral.startswith(FORMULA_TRIGGERS)
    assert unneutralise(neutral) == text


@given(st.lists(st.text(), min_size=1, max_size=4), st.booleans())
def test_any_text_round_trips_through_a_csv_file(texts, excel_italia):
    columns = [Column(f"c{n}", f"C{n}") for n in range(len(texts))]
    row = {column.code: text for column, text in zip(columns, texts, strict=True)}
    text = csv_text([row], excel_italia=excel_italia, columns=columns)
    lines = read_csv(text, excel_italia=excel_italia)
    assert [unneutralise(cell) for cell in lines[1]] == texts
    assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in lines[1])
