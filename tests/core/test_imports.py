"""Reading an uploaded table safely: caps before parsing, type from content, notations."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import openpyxl
import openpyxl.xml
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.imports import (
    ColumnSpec,
    parse_boolean,
    parse_date,
    parse_decimal,
    read_table,
)
from tests.core import files

pytestmark = pytest.mark.usefixtures("english")
COLUMNS = [
    ColumnSpec("name", "Name", {"Nome"}),
    ColumnSpec("amount", "Amount (EUR)", {"Importo (EUR)"}),
]


def read(content: bytes, name: str = "file.csv"):
    return read_table(SimpleUploadedFile(name, content), columns=COLUMNS, required=["name"])


def test_csv_with_semicolons_bom_and_quotes_is_read():
    content = files.csv_file([["Nome", "amount"], ['Gida; "acqua"', "1.234,56"]], bom=True)
    table = read(content)
    assert table.headers == {"name": "Nome", "amount": "amount"}
    assert table.rows == [{"name": 'Gida; "acqua"', "amount": "1.234,56"}]


def test_csv_with_commas_and_a_neutralised_cell_reads_back():
    table = read(files.csv_file([["name"], ["'=SUM(A1)"]], delimiter=","))
    assert table.rows == [{"name": "=SUM(A1)"}]


def test_missing_and_unknown_columns_are_listed():
    with pytest.raises(ValidationError) as error:
        read(files.csv_file([["amount", "colour"], ["1", "red"]]))
    assert error.value.messages == ["Missing columns: “Name”. Unknown columns: “colour”."]


@override_settings(REGIA_IMPORT_MAX_BYTES=100)
def test_a_file_over_the_size_cap_is_refused_before_it_is_parsed():
    content = files.csv_file([["name"]] + [["x" * 20]] * 10)
    with (
        mock.patch("core.imports.pandas.read_csv") as parse,
        pytest.raises(ValidationError, match="larger than"),
    ):
        read(content)
    parse.assert_not_called()


def test_a_binary_file_renamed_csv_is_refused():
    with pytest.raises(ValidationError, match="not accepted"):
        read(files.EXE, name="impegni.csv")


def test_a_csv_that_is_not_utf8_is_refused_clearly():
    with pytest.raises(ValidationError, match="UTF-8"):
        read("name\nCittà\n".encode("latin-1"))


@override_settings(REGIA_IMPORT_MAX_ROWS=3)
def test_too_many_rows_are_refused():
    with pytest.raises(ValidationError, match="more than 3 rows"):
        read(files.csv_file([["name"]] + [["x"]] * 4))


def test_xlsx_cells_keep_numbers_and_dates():
    content = files.xlsx_file(
        [["name", "amount"], ["Gida", 1234.56], ["Citelum", datetime.datetime(2025, 5, 2)]]  # noqa: DTZ001 (a cell)
    )
    table = read(content, name="impegni.xlsx")
    assert table.file_format == "xlsx"
    assert table.rows[0] == {"name": "Gida", "amount": 1234.56}
    assert parse_decimal(table.rows[0]["amount"]) == Decimal("1234.56")
    assert parse_date(table.rows[1]["amount"]) == datetime.date(2025, 5, 2)


def test_pandas_opens_the_workbook_read_only_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    content = files.xlsx_file([["name"], ["Gida"]])
    with mock.patch("openpyxl.load_workbook", wraps=openpyxl.load_workbook) as load:
        read(content, name="file.xlsx")
    assert load.call_args.kwargs["read_only"] is True


@override_settings(REGIA_IMPORT_MAX_UNCOMPRESSED_BYTES=5 * 1024 * 1024)
def test_an_xlsx_bomb_is_refused_before_openpyxl_opens_it():
    bomb = files.xlsx_bomb(files.xlsx_file([["name"], ["Gida"]]), megabytes=40)
    assert len(bomb) < 200_000
    with (
        mock.patch("openpyxl.load_workbook") as load,
        pytest.raises(ValidationError, match="uncompressed"),
    ):
        read(bomb, name="bomba.xlsx")
    load.assert_not_called()


def test_an_absurd_compression_ratio_is_refused_even_under_the_size_cap():
    bomb = files.xlsx_bomb(files.xlsx_file([["name"], ["Gida"]]), megabytes=4)
    with pytest.raises(ValidationError, match="compressed beyond reason"):
        read(bomb, name="bomba.xlsx")


def test_an_xlsx_with_entities_is_refused():
    workbook = files.xlsx_replacing_sheet(
        files.xlsx_file([["name"], ["Gida"]]), files.BILLION_LAUGHS_SHEET
    )
    with pytest.raises(ValidationError, match="cannot be read as an XLSX"):
        read(workbook, name="lol.xlsx")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("1,234,567.5", "1234567.5"),
        ("€ 1.000,00", "1000.00"),
        ("12", "12"),
        ("-5,5", "-5.5"),
    ],
)
def test_numbers_in_italian_and_english_notation(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1.234", "1,234", "12.345", "999,000"])
def test_a_lone_separator_before_three_digits_is_ambiguous(text):
    with pytest.raises(ValidationError, match="ambiguous"):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["abc", "1.23.4", "1,2,3", ",5", "1.234,5.6"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValidationError, match="not a number"):
        parse_decimal(text)


def test_dates_and_booleans():
    assert parse_date("02/05/2025") == parse_date("2025-05-02") == datetime.date(2025, 5, 2)
    assert [parse_boolean(v) for v in ("sì", "SI", "yes", "true", "1", 1)] == [True] * 6
    assert [parse_boolean(v) for v in ("no", "False", "0", 0)] == [False] * 4
    with pytest.raises(ValidationError):
        parse_date("2 maggio 2025")
    with pytest.raises(ValidationError):
        parse_boolean("forse")
