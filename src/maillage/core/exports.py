"""Tabular exports: one mechanism for CSV and XLSX.

Describe the columns once, hand over any iterable of rows (dicts or objects), and get a CSV or
an XLSX file, or a Django response that downloads it::

    columns = [
        Column("name", _("Name")),
        Column("amount", _("Amount"), kind=Kind.MONEY),
        Column("agreement.signed_on", _("Signed on"), kind=Kind.DATE),
        Column(lambda row: row.hours_done(), _("Hours"), kind=Kind.HOURS),
    ]
    return xlsx_response(_("Budget"), columns, queryset.iterator())

Safety: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(also after leading whitespace) would be evaluated as a formula by a spreadsheet (CSV/formula
injection). Such text is prefixed with a single quote, and in XLSX it is also stored as a
string cell explicitly, so Excel and LibreOffice show it and never evaluate it. Money, hours
and numbers are not text: they stay numeric cells (negative amounts included), and dates stay
dates.

CSV: UTF-8 with a byte order mark, ``;`` between fields and a decimal comma by default (what
French Excel opens as is); ``delimiter=","`` gives a decimal point. Dates are ISO 8601.
XLSX: openpyxl in write-only mode (constant memory), bold and frozen header row, column widths.
"""

import csv
import datetime
import enum
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from maillage.core.money import round_euro, round_hours, to_decimal

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MONEY_NUMBER_FORMAT = "#,##0.00 €"
HOURS_NUMBER_FORMAT = "#,##0.00"

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class Kind(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    HOURS = "hours"


_DEFAULT_WIDTHS = {
    Kind.TEXT: 24,
    Kind.NUMBER: 12,
    Kind.MONEY: 15,
    Kind.DATE: 12,
    Kind.HOURS: 10,
}
_MAX_WIDTH = 80


@dataclass(frozen=True)
class Column:
    """One column: where its value comes from, its header label and its kind.

    ``key`` is a dict key, an attribute path ("agreement.funder.name") or a callable taking
    the row. ``width`` is the XLSX column width in characters (a default suits the kind).
    ``number_format`` overrides the XLSX number format of NUMBER columns.
    """

    key: str | Callable[[Any], Any]
    header: str
    kind: Kind | str = Kind.TEXT
    width: float | None = None
    number_format: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "kind", Kind(self.kind))

    def value(self, row: Any) -> Any:
        if callable(self.key):
            return self.key(row)
        if isinstance(row, Mapping):
            return row.get(self.key)
        value = row
        for part in self.key.split("."):
            if value is None:
                return None
            value = getattr(value, part)
        return value

    @property
    def xlsx_width(self) -> float:
        if self.width is not None:
            return self.width
        return min(max(_DEFAULT_WIDTHS[self.kind], len(str(self.header)) + 2), _MAX_WIDTH)


def neutralise(text: str) -> str:
    """Text a spreadsheet cannot evaluate: prefix a would-be formula with a single quote.

    Control characters that XLSX cannot hold are removed first (so they cannot hide a
    trigger character behind them).
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_TRIGGERS) or text.lstrip().startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return neutralise(str(value))


def _number(value: Any) -> Decimal | int | float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return to_decimal(value)


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return round_euro(value)


def _hours(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return round_hours(value)


def _date(value: Any) -> datetime.date | datetime.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    raise ValueError(f"Not a date: {value!r}")


_CONVERTERS = {
    Kind.TEXT: _text,
    Kind.NUMBER: _number,
    Kind.MONEY: _money,
    Kind.HOURS: _hours,
    Kind.DATE: _date,
}


def export_values(columns: Sequence[Column], row: Any) -> list[Any]:
    """The typed values of one row: neutralised text, Decimal, number, date or None."""
    return [_CONVERTERS[column.kind](column.value(row)) for column in columns]


# --- CSV -----------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any, decimal_separator: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = f"{value:f}"
    elif isinstance(value, int | float):
        text = str(value)
    else:
        return value
    return text.replace(".", decimal_separator) if decimal_separator != "." else text


def iter_csv(
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    delimiter: str = ";",
    decimal_separator: str | None = None,
    bom: bool = True,
    chunk_rows: int = 500,
) -> Iterator[str]:
    """Yield the CSV text in chunks (header first, with a byte order mark by default).

    The decimal separator is a comma with ``;`` between fields and a point otherwise.
    """
    if delimiter not in (";", ",", "\t"):
        raise ValueError(f"Unsupported CSV delimiter: {delimiter!r}")
    if decimal_separator is None:
        decimal_separator = "," if delimiter == ";" else "."
    if decimal_separator == delimiter:
        raise ValueError("The decimal separator cannot be the field delimiter.")
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    header = writer.writerow([neutralise(str(column.header)) for column in columns])
    yield ("\ufeff" + header) if bom else header
    chunk: list[str] = []
    for row in rows:
        values = export_values(columns, row)
        chunk.append(writer.writerow([_csv_cell(v, decimal_separator) for v in values]))
        if len(chunk) >= chunk_rows:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def write_csv(fileobj: IO[str], columns: Sequence[Column], rows: Iterable[Any], **options) -> None:
    """Write a CSV export to a text file (open it with ``newline=""`` and UTF-8)."""
    for chunk in iter_csv(columns, rows, **options):
        fileobj.write(chunk)


# --- XLSX ----------------------------------------------------------------------------------

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", str(title)))
    cleaned = cleaned.strip().strip("'")[:31].strip()
    return cleaned or "Export"


def _date_format(value: datetime.date) -> str:
    french = (get_language() or "").startswith("fr")
    day = "dd/mm/yyyy" if french else "yyyy-mm-dd"
    return f"{day} hh:mm" if isinstance(value, datetime.datetime) else day


def write_xlsx(
    fileobj: IO[bytes] | str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    sheet_title: str = "Export",
) -> None:
    """Write an XLSX export (write-only workbook, constant memory) to a binary file or path."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.xlsx_width
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(str(column.header)))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    kinds = [column.kind for column in columns]
    number_formats = [column.number_format for column in columns]
    for row in rows:
        cells: list[Any] = []
        for kind, number_format, value in zip(
            kinds, number_formats, export_values(columns, row), strict=True
        ):
            if value is None:
                cells.append(None)
            elif kind is Kind.TEXT:
                if value.startswith("'") or value in ERROR_CODES:
                    # Set the value, then force the type: never a formula, never an error code.
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value)
            elif kind is Kind.MONEY:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = MONEY_NUMBER_FORMAT
                cells.append(cell)
            elif kind is Kind.HOURS:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = HOURS_NUMBER_FORMAT
                cells.append(cell)
            elif kind is Kind.DATE:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = _date_format(value)
                cells.append(cell)
            elif number_format:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(fileobj)


# --- Responses -----------------------------------------------------------------------------

_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_NON_TOKEN = re.compile(r"[^A-Za-z0-9._ -]+")


def _ascii_token(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_TOKEN.sub("_", ascii_text).strip(" ._")


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """An RFC 6266 Content-Disposition value: an ASCII ``filename`` and a UTF-8 ``filename*``.

    Path separators, quotes and control characters are removed, so the header cannot be split
    and the browser cannot be told to write outside its download folder.
    """
    name = _UNSAFE_FILENAME.sub("_", unicodedata.normalize("NFC", str(filename))).strip(" ._")
    name = name or "export"
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    fallback = _ascii_token(stem) or "export"
    if ascii_extension := _ascii_token(extension):
        fallback = f"{fallback}.{ascii_extension}"
    disposition = "attachment" if attachment else "inline"
    value = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def _with_extension(filename: str, extension: str) -> str:
    filename = str(filename)
    if not filename.lower().endswith(extension):
        filename += extension
    return filename


def csv_response(
    filename: str, columns: Sequence[Column], rows: Iterable[Any], **options
) -> StreamingHttpResponse:
    """A streamed CSV download (rows are read as the response is sent)."""
    response = StreamingHttpResponse(
        iter_csv(columns, rows, **options), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition(_with_extension(filename, ".csv"))
    return response


def xlsx_response(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    sheet_title: str | None = None,
) -> FileResponse:
    """An XLSX download, built in a temporary file (spilled to disk past 5 MB)."""
    filename = _with_extension(filename, ".xlsx")
    buffer = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(buffer, columns, rows, sheet_title=sheet_title or filename[: -len(".xlsx")])
    buffer.seek(0)
    response = FileResponse(buffer, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response
