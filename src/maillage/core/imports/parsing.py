"""Read an uploaded file into a table of text cells: CSV (encoding and delimiter sniffed), XLSX,
or JSON (a list of objects, as open-data APIs publish them).

Nothing here knows about importers: `read_table` returns the header row and the data rows with
their line numbers as the user sees them in a spreadsheet (the header is usually line 1, the
first data row line 2). A file that cannot be read raises `ImportFileError` with a message meant
for the user.

XLSX files are zip archives that can expand enormously ("zip bombs"): `check_xlsx` opens the
archive's directory with `zipfile` (which decompresses nothing), adds up the sizes its members
declare once uncompressed and refuses the file above `IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES`. The
declared size is a real bound: `zipfile` never yields more bytes than a member declares. Only
then does openpyxl read the workbook, in read-only mode (and through defusedxml, which openpyxl
uses when it is installed).
"""

import csv
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
JSON_EXTENSIONS = {".json"}
ACCEPTED_EXTENSIONS = CSV_EXTENSIONS | XLSX_EXTENSIONS | JSON_EXTENSIONS
DELIMITERS = ";,\t|"
DELIMITER_NAMES = {
    ";": gettext_lazy("semicolon (;)"),
    ",": gettext_lazy("comma (,)"),
    "\t": gettext_lazy("tab"),
    "|": gettext_lazy("vertical bar (|)"),
}
SNIFF_SAMPLE_CHARS = 64 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and other Office 97 files


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `message` tells the user why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """A file read as text cells. `rows` holds `(line, cells)` for every non-blank data row."""

    format: str  # "csv", "xlsx" or "json"
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]
    encoding: str = ""  # CSV: "UTF-8", "UTF-8 with BOM", "ISO-8859-15"…
    delimiter: str = ""  # CSV
    sheet: str = ""  # XLSX: the sheet that was read
    notes: list[str] = field(default_factory=list)

    def describe(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_line": self.header_line,
        }


def normalize_header(text: str) -> str:
    """Compare column headers loosely: trimmed, case-folded, accents removed, `_`/`-` as spaces.

    "  Adresse_E-mail " and "adresse e mail" compare equal; so do "Rôle" and "role".
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    for char in "_-.\u00a0":
        stripped = stripped.replace(char, " ")
    return " ".join(stripped.casefold().split())


# --- entry points -------------------------------------------------------------------------


def file_format(data: bytes, filename: str) -> str:
    """`"csv"`, `"xlsx"` or `"json"`, from the extension and the first bytes; refuse the rest."""
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(OLE_MAGIC) or suffix == ".xls":
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls), which cannot be read. Open it in your "
                "spreadsheet program and save it as .xlsx or CSV, then import it again."
            )
        )
    if suffix in XLSX_EXTENSIONS:
        return "xlsx"
    if suffix in CSV_EXTENSIONS:
        return "csv"
    if suffix in JSON_EXTENSIONS:
        return "json"
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if suffix:
        raise ImportFileError(
            _("Files of type “%(suffix)s” cannot be imported: use CSV or XLSX (Excel).")
            % {"suffix": suffix}
        )
    return "csv"


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportFileError(
            _(
                "The file is too large (%(size)s): the limit is %(limit)s. "
                "Split it into smaller files."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def check_file(fileobj, filename: str) -> str:
    """Cheap checks for an upload form, before anything is stored: size, type, XLSX guard.

    `fileobj` must be a seekable binary file. Returns the format. Raises `ImportFileError`.
    """
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    check_size(size)
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    head = fileobj.read(8)
    fileobj.seek(0)
    kind = file_format(head, filename)
    if kind == "xlsx":
        check_xlsx(fileobj)
        fileobj.seek(0)
    return kind


def read_table(data: bytes, filename: str) -> Table:
    """Read `data` (the whole file) as CSV, XLSX or JSON. Raises `ImportFileError`."""
    check_size(len(data))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    kind = file_format(data[:8], filename)
    if kind == "xlsx":
        return read_xlsx(data)
    if kind == "json":
        return read_json(data)
    return read_csv(data)


# --- CSV ----------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else ISO-8859-15.

    Strict UTF-8 is tried first: text in ISO-8859-15 with accented letters is almost never valid
    UTF-8, so the fallback is reliable. Returns `(text, encoding name for the user)`.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("iso-8859-15"), "ISO-8859-15"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def sniff_delimiter(text: str) -> str:
    """The delimiter among `; , tab |`: csv.Sniffer first, checked against the header line.

    The sniffer's answer is kept only if that character appears in the header line; otherwise
    (or when it gives up) the delimiter is the one found most often in the header line, with
    `;` (what French spreadsheet programs write) winning ties.
    """
    header = _first_line(text)
    sample = text[:SNIFF_SAMPLE_CHARS]
    if len(text) > SNIFF_SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in header:
        return sniffed
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equal counts: ";"
    return best if counts[best] else ";"


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def read_csv(data: bytes) -> Table:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _("This file does not look like a CSV text file. Export your table as CSV or XLSX.")
        )
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [[cell.strip() for cell in record] for record in reader]
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    table = _table_from_records(records, format="csv")
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def _table_from_records(records: list[list[str]], *, format: str) -> Table:
    """Header = first non-blank record; line numbers are record positions counted from 1."""
    header_index = next((i for i, r in enumerate(records) if any(r)), None)
    if header_index is None:
        raise ImportFileError(_("The file is empty."))
    header = records[header_index]
    while header and not header[-1]:
        header.pop()
    rows = [
        (index + 1, record)
        for index, record in enumerate(records[header_index + 1 :], start=header_index + 1)
        if any(record)
    ]
    return Table(format=format, header=header, header_line=header_index + 1, rows=rows)


# --- XLSX ---------------------------------------------------------------------------------


def check_xlsx(fileobj) -> None:
    """Refuse a non-zip, a corrupt zip or one that would unzip beyond the limit.

    Reads only the zip's central directory: nothing is decompressed here.
    """
    limit = settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise ImportFileError(
            _("This file is not a valid XLSX (Excel) file: it may be damaged.")
        ) from error
    total = sum(member.file_size for member in members)
    if total > limit:
        raise ImportFileError(
            _(
                "This XLSX file was refused: once unzipped it would take %(size)s, more than the "
                "%(limit)s allowed. Remove unused sheets, rows or images, or save it as CSV."
            )
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise ImportFileError(_("This zip file is not an XLSX (Excel) workbook."))


def cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV export would give (dates in ISO format)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def read_xlsx(data: bytes) -> Table:
    buffer = io.BytesIO(data)
    check_xlsx(buffer)
    buffer.seek(0)
    try:
        workbook = openpyxl.load_workbook(buffer, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise ImportFileError(
            _("This XLSX (Excel) file cannot be read: it may be damaged.")
        ) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # don't trust the stored dimensions: read every row
        records = []
        for values in sheet.iter_rows(values_only=True):
            records.append([cell_text(v) for v in values])
    finally:
        workbook.close()
    table = _table_from_records(records, format="xlsx")
    table.sheet = sheet.title
    if len(workbook.worksheets) > 1:
        table.notes.append(
            _("Only the first sheet (“%(sheet)s”) was read.") % {"sheet": sheet.title}
        )
    return table


# --- JSON ---------------------------------------------------------------------------------


def json_cell(value) -> str:
    """A JSON value as a cell's text: scalars as a CSV export would write them, lists and
    objects as compact JSON (an importer's parser decodes them with `json.loads`)."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""
    return cell_text(value)


def read_json(data: bytes) -> Table:
    """A JSON list of objects (or an object whose `items` is one, as paginated APIs answer).

    The header is every key met, in order of first appearance; each object is a row, numbered
    from 1 (its position in the list: JSON has no meaningful line numbers).
    """
    text, encoding = decode(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("The JSON file cannot be read near line %(line)s, column %(column)s: %(error)s.")
            % {"line": error.lineno, "column": error.colno, "error": error.msg}
        ) from error
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        document = document["items"]
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise ImportFileError(_("A JSON file must hold a list of objects: [{…}, {…}]."))
    header: dict[str, None] = {}
    for item in document:
        header.update(dict.fromkeys(str(key) for key in item))
    keys = list(header)
    rows = []
    for number, item in enumerate(document, start=1):
        cells = [json_cell(item.get(key)) for key in keys]
        if any(cells):
            rows.append((number, cells))
    if not keys:
        raise ImportFileError(_("The file is empty."))
    return Table(format="json", header=keys, header_line=0, rows=rows, encoding=encoding)
