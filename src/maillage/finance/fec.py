"""Reading a "fichier des écritures comptables" (FEC, article A47 A-1 of the LPF): no database here.

A FEC is a text file, one accounting line per line, its 18 legal columns named in the first line
(headers compared without regard to case, in any order; other columns are ignored):

    JournalCode JournalLib EcritureNum EcritureDate CompteNum CompteLib CompAuxNum CompAuxLib
    PieceRef PieceDate EcritureLib Debit Credit EcritureLet DateLet ValidDate Montantdevise Idevise

Some software writes `Montant` and `Sens` (D or C, or +1 and -1) instead of `Debit` and `Credit`;
both layouts are read. Columns are separated by a tab or a vertical bar (|); the text is UTF-8
(with or without BOM) or ISO-8859-15; amounts have a decimal comma or point and at most two
decimals; dates are written AAAAMMJJ (20250310) and nothing else.

`FecParser.parse` turns one line's cells into the values of a `LedgerLine` (`FIELDS` order) and
the text its fingerprint is computed from, or into errors naming the FEC column. `EntryBook`
adds up each entry's debits and credits (an entry is JournalCode + EcritureNum) to find the
unbalanced ones, and gives each line its rank among the identical lines of its entry.
"""

import codecs
import csv
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.money import format_decimal, to_decimal

#: The 18 legal columns, in the order of the law, and the `LedgerLine` field each one fills.
COLUMNS = (
    ("JournalCode", "journal_code"),
    ("JournalLib", "journal_label"),
    ("EcritureNum", "entry_number"),
    ("EcritureDate", "entry_date"),
    ("CompteNum", "account_number"),
    ("CompteLib", "account_label"),
    ("CompAuxNum", "aux_account_number"),
    ("CompAuxLib", "aux_account_label"),
    ("PieceRef", "piece_ref"),
    ("PieceDate", "piece_date"),
    ("EcritureLib", "label"),
    ("Debit", "debit"),
    ("Credit", "credit"),
    ("EcritureLet", "lettering"),
    ("DateLet", "lettering_date"),
    ("ValidDate", "validation_date"),
    ("Montantdevise", "currency_amount"),
    ("Idevise", "currency"),
)
NAMES = tuple(name for name, _field in COLUMNS)
FIELDS = tuple(field_name for _name, field_name in COLUMNS)
#: The variant's columns, which replace Debit and Credit.
AMOUNT, DIRECTION = "Montant", "Sens"
DELIMITERS = ("\t", "|")

#: Text columns: (name, the most characters the ledger keeps, whether a value is required).
TEXTS = (
    ("JournalCode", 20, True),
    ("JournalLib", 200, False),
    ("EcritureNum", 40, True),
    ("CompteNum", 40, True),
    ("CompteLib", 200, False),
    ("CompAuxNum", 40, False),
    ("CompAuxLib", 200, False),
    ("PieceRef", 60, False),
    ("EcritureLib", 300, False),
    ("EcritureLet", 20, False),
    ("Idevise", 3, False),
)
DATES = (("EcritureDate", True), ("PieceDate", False), ("DateLet", False), ("ValidDate", False))
MAX_INTEGER_DIGITS = 12  # DecimalField(max_digits=14, decimal_places=2)
_TOO_LARGE = 10 ** (MAX_INTEGER_DIGITS + 2)  # in cents

# Digits, an optional decimal comma or point with at most two significant decimals (zeros after
# them are exact: 12,500 is 12.50).
_AMOUNT = re.compile(r"([+-]?)(\d+)(?:[.,](\d{0,2})0*)?")
_ZERO = (0, "0.00")
_ZEROS = frozenset({"", "0", "0,00", "0.00", "0,0", "0.0", "-0,00", "-0.00", "+0,00", "+0.00"})
_DIRECTIONS = {
    "D": 1,
    "+1": 1,
    "1": 1,
    "DEBIT": 1,
    "DÉBIT": 1,
    "C": -1,
    "-1": -1,
    "CREDIT": -1,
    "CRÉDIT": -1,
}
_ACCOUNT = re.compile(r"\d{3}")
_NO_ERRORS: list = []  # never appended to: parse's answer for a correct line


class FecFileError(Exception):
    """The file as a whole cannot be read as a FEC; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the header ----------------------------------------------------------------------------------


@dataclass
class Layout:
    """Where each FEC column is in the file's lines, as the header says."""

    delimiter: str
    width: int
    indexes: dict[str, int]  # FEC column name → index of its cell
    headers: dict[str, str]  # FEC column name → the header as written in the file
    with_direction: bool  # Montant + Sens instead of Debit + Credit
    ignored: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


def detect_delimiter(header_line: str) -> str:
    """Tab or `|`, whichever the header line uses most; anything else is refused."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    if not counts[best]:
        raise FecFileError(
            _(
                "A FEC separates its columns with a tab or a vertical bar (|): the first line "
                "has neither. Export the file again from your accounting software."
            )
        )
    return best


def read_layout(header: list[str], delimiter: str) -> Layout:
    """Match the header's cells to the FEC columns (case ignored). Raises `FecFileError`."""
    if delimiter not in DELIMITERS:
        name = {";": "“;”", ",": "“,”"}.get(delimiter, repr(delimiter))
        raise FecFileError(
            _(
                "A FEC separates its columns with a tab or a vertical bar (|), not %(delimiter)s. "
                "Export the file again from your accounting software."
            )
            % {"delimiter": name}
        )
    known = {name.casefold(): name for name in (*NAMES, AMOUNT, DIRECTION)}
    indexes: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[str] = []
    cells = [cell.strip().lstrip("\ufeff").strip() for cell in header]
    while cells and not cells[-1]:
        cells.pop()
    for index, text in enumerate(cells):
        name = known.get(text.casefold())
        if name is None:
            if text:
                ignored.append(text)
        elif name in indexes:
            problems.append(
                _("The column %(name)s appears twice (columns %(first)s and %(second)s).")
                % {"name": name, "first": indexes[name] + 1, "second": index + 1}
            )
        else:
            indexes[name] = index
            headers[name] = text
    with_direction = not ("Debit" in indexes or "Credit" in indexes) and (
        AMOUNT in indexes or DIRECTION in indexes
    )
    needed = [n for n in NAMES if n not in ("Debit", "Credit")]
    needed += [AMOUNT, DIRECTION] if with_direction else ["Debit", "Credit"]
    missing = [n for n in needed if n not in indexes]
    if missing:
        message = _("Missing columns: %(names)s.") % {"names": ", ".join(missing)}
        if not with_direction and {"Debit", "Credit"} & set(missing):
            message += " " + _("(Montant and Sens may replace Debit and Credit.)")
        problems.insert(0, message)
    if problems:
        raise FecFileError(
            " ".join(problems)
            + " "
            + _("A FEC's first line names its 18 columns: %(names)s.") % {"names": ", ".join(NAMES)}
        )
    return Layout(
        delimiter=delimiter,
        width=len(cells),
        indexes=indexes,
        headers=headers,
        with_direction=with_direction,
        ignored=ignored,
    )


# --- one line ------------------------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """AAAAMMJJ → date, or None if the text is not a real date written so."""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def parse_amount(text: str) -> tuple[int, str] | None:
    """An amount → (cents, canonical text "1234.50"), or None if it is not one.

    A decimal comma or point, at most two decimals (more is refused unless they are zeros: never
    a rounding), an optional sign; spaces between thousands are tolerated.
    """
    match = _AMOUNT.fullmatch(text)
    if match is None:
        try:
            value = to_decimal(text)
        except ValueError:
            return None
        cents = value * 100
        if cents != cents.to_integral_value():
            return None
        cents = int(cents)
        if abs(cents) >= _TOO_LARGE:
            return None
        return cents, cents_text(cents)
    sign, whole, decimals = match.groups()
    if len(whole) > 1 and whole[0] == "0":
        whole = whole.lstrip("0") or "0"
    if len(whole) > MAX_INTEGER_DIGITS:
        return None
    decimals = decimals.ljust(2, "0") if decimals else "00"
    cents = int(whole + decimals)
    if sign == "-" and cents:
        return -cents, f"-{whole}.{decimals}"
    return cents, f"{whole}.{decimals}"


def cents_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


@dataclass(slots=True)
class ParsedLine:
    """The values of one FEC line, in `FIELDS` order, with what the import needs besides.

    Dates are `date` objects; debit, credit and the currency amount are canonical texts
    ("1234.50"; the currency amount "" when empty), their cents in `debit_cents` and
    `credit_cents`.
    """

    values: list
    entry: str  # JournalCode and EcritureNum, which identify the entry
    debit_cents: int
    credit_cents: int
    text: str  # the normalised line: what its fingerprint hashes (with its rank)


class FecParser:
    """Parses lines laid out as `layout` says. Caches dates (the same few hundred recur)."""

    def __init__(self, layout: Layout):
        self.layout = layout
        idx = layout.indexes
        self.width = layout.width
        self._texts = [(name, idx[name], limit, required) for name, limit, required in TEXTS]
        self._dates = {name: idx[name] for name, _required in DATES}
        self._date_cache: dict[str, date | None] = {}
        self._amount_columns = (
            (idx[AMOUNT], idx[DIRECTION])
            if layout.with_direction
            else (idx["Debit"], idx["Credit"])
        )
        self._currency_amount = idx["Montantdevise"]
        self._order = [idx.get(name) for name in NAMES]
        # The cells in the order of the law (Montant and Sens where Debit and Credit are).
        picked = list(self._order)
        if layout.with_direction:
            picked[11], picked[12] = self._amount_columns
        self._pick = itemgetter(*picked)
        self._accounts: set[str] = set()

    def entry_of(self, cells: list[str]) -> str:
        """The entry a line belongs to (JournalCode and EcritureNum), even if it has errors."""
        order = self._order
        journal = cells[order[0]] if order[0] < len(cells) else ""
        number = cells[order[2]] if order[2] < len(cells) else ""
        return f"{journal}\x1f{number}"

    def _date(self, text: str):
        cache = self._date_cache
        if text in cache:
            return cache[text]
        value = parse_date(text)
        if len(cache) < 100_000:
            cache[text] = value
        return value

    def parse(self, cells: list[str]) -> tuple[ParsedLine | None, list[tuple[str, str]]]:
        """The line's values, or None and its errors as (FEC column name, message).

        The common case (a correct line) takes a short path of cheap checks; anything unusual
        goes through `_parse_checked`, which finds every error, or accepts the line the same.
        """
        width = self.width
        if len(cells) != width and (len(cells) < width or any(cells[width:])):
            return self._parse_checked(cells)
        (jc, jl, en, ed, ac, al, xn, xl, pr, pd, lib, de, cr, let, dl, vd, cam, cur) = self._pick(
            cells
        )
        if (
            not jc
            or not en
            or not ac
            or len(jc) > 20
            or len(en) > 40
            or len(ac) > 40
            or len(xn) > 40
            or len(pr) > 60
            or len(let) > 20
            or len(cur) > 3
            or len(jl) > 200
            or len(al) > 200
            or len(xl) > 200
            or len(lib) > 300
        ):
            return self._parse_checked(cells)
        accounts = self._accounts
        if ac not in accounts:
            if not _ACCOUNT.match(ac):
                return self._parse_checked(cells)
            if len(accounts) < 100_000:
                accounts.add(ac)
        date_of = self._date
        entry_date = date_of(ed)
        piece_date = date_of(pd) if pd else None
        lettering_date = date_of(dl) if dl else None
        validation_date = date_of(vd) if vd else None
        if (
            entry_date is None
            or (pd and piece_date is None)
            or (dl and lettering_date is None)
            or (vd and validation_date is None)
        ):
            return self._parse_checked(cells)
        if self.layout.with_direction:
            direction = _DIRECTIONS.get(cr.upper())
            amount = parse_amount(de) if de else None
            if direction is None or amount is None:
                return self._parse_checked(cells)
            debit, credit = (amount, _ZERO) if direction > 0 else (_ZERO, amount)
        else:
            debit = _ZERO if de in _ZEROS else parse_amount(de)
            credit = _ZERO if cr in _ZEROS else parse_amount(cr)
            if debit is None or credit is None or (debit[0] and credit[0]):
                return self._parse_checked(cells)
        if cam:
            parsed = parse_amount(cam)
            if parsed is None:
                return self._parse_checked(cells)
            cam = parsed[1]
        d_text, c_text = debit[1], credit[1]
        text = "\x1f".join(
            (jc, jl, en, ed, ac, al, xn, xl, pr, pd, lib, d_text, c_text, let, dl, vd, cam, cur)
        )
        values = [
            jc,
            jl,
            en,
            entry_date,
            ac,
            al,
            xn,
            xl,
            pr,
            piece_date,
            lib,
            d_text,
            c_text,
            let,
            lettering_date,
            validation_date,
            cam,
            cur,
        ]
        return ParsedLine(values, f"{jc}\x1f{en}", debit[0], credit[0], text), _NO_ERRORS

    def _parse_checked(self, cells: list[str]) -> tuple[ParsedLine | None, list[tuple[str, str]]]:
        """Check every value, so as to report every error of the line."""
        errors: list[tuple[str, str]] = []
        width = self.width
        count = len(cells)
        if count != width:
            if count < width:
                errors.append(("", self._width_message(count)))
                cells = cells + [""] * (width - count)
            elif any(cells[width:]):
                errors.append(("", self._width_message(count)))
        for name, index, limit, required in self._texts:
            value = cells[index]
            if len(value) > limit:
                errors.append(
                    (
                        name,
                        _("At most %(max)s characters (this one has %(length)s).")
                        % {"max": limit, "length": len(value)},
                    )
                )
            elif required and not value:
                errors.append((name, _("A value is required.")))
        account = cells[self._order[4]]
        if account and not _ACCOUNT.match(account):
            errors.append(
                (
                    "CompteNum",
                    _("“%(value)s” is not an account number: it must start with 3 digits.")
                    % {"value": account[:40]},
                )
            )
        dates = {}
        for name, index in self._dates.items():
            text = cells[index]
            if not text:
                if name == "EcritureDate":
                    errors.append((name, _("A value is required.")))
                dates[name] = None
                continue
            value = self._date(text)
            if value is None:
                errors.append(
                    (
                        name,
                        _("“%(value)s” is not a date written AAAAMMJJ (e.g. 20250310).")
                        % {"value": text[:20]},
                    )
                )
            dates[name] = value
        debit, credit = self._amounts(cells, errors)
        currency_text = cells[self._currency_amount]
        currency_amount = ""
        if currency_text:
            parsed = parse_amount(currency_text)
            if parsed is None:
                errors.append(("Montantdevise", self._amount_message(currency_text)))
            else:
                currency_amount = parsed[1]
        if errors:
            return None, errors
        order = self._order
        values = [
            cells[order[0]],
            cells[order[1]],
            cells[order[2]],
            dates["EcritureDate"],
            account,
            cells[order[5]],
            cells[order[6]],
            cells[order[7]],
            cells[order[8]],
            dates["PieceDate"],
            cells[order[10]],
            debit[1],
            credit[1],
            cells[order[13]],
            dates["DateLet"],
            dates["ValidDate"],
            currency_amount,
            cells[order[17]],
        ]
        text = "\x1f".join(
            [
                values[0],
                values[1],
                values[2],
                cells[order[3]],
                account,
                values[5],
                values[6],
                values[7],
                values[8],
                cells[order[9]],
                values[10],
                debit[1],
                credit[1],
                values[13],
                cells[order[14]],
                cells[order[15]],
                currency_amount,
                values[17],
            ]
        )
        return ParsedLine(values, f"{values[0]}\x1f{values[2]}", debit[0], credit[0], text), []

    def _amounts(self, cells, errors) -> tuple[tuple[int, str], tuple[int, str]]:
        first, second = self._amount_columns
        if self.layout.with_direction:
            amount_text, direction_text = cells[first], cells[second]
            amount = self._amount(AMOUNT, amount_text, errors, required=True)
            direction = _DIRECTIONS.get(direction_text.upper())
            if direction is None:
                errors.append(
                    (
                        DIRECTION,
                        _("“%(value)s” is not a direction: write D (debit) or C (credit).")
                        % {"value": direction_text[:20]},
                    )
                )
                return _ZERO, _ZERO
            return (amount, _ZERO) if direction > 0 else (_ZERO, amount)
        debit = self._amount("Debit", cells[first], errors)
        credit = self._amount("Credit", cells[second], errors)
        if debit[0] and credit[0]:
            errors.append(
                (
                    "Debit",
                    _(
                        "A line carries a debit or a credit, not both (debit %(debit)s, "
                        "credit %(credit)s): split it into two lines."
                    )
                    % {"debit": cells[first], "credit": cells[second]},
                )
            )
        return debit, credit

    def _amount(self, name, text, errors, *, required=False) -> tuple[int, str]:
        if text in _ZEROS:
            if required and not text:
                errors.append((name, _("A value is required.")))
            return _ZERO
        parsed = parse_amount(text)
        if parsed is None:
            errors.append((name, self._amount_message(text)))
            return _ZERO
        return parsed

    @staticmethod
    def _amount_message(text: str) -> str:
        return _(
            "“%(value)s” is not an amount: write digits with a decimal comma or point and at "
            "most two decimals, e.g. 1234,56."
        ) % {"value": text[:30]}

    def _width_message(self, count: int) -> str:
        return _(
            "This line has %(count)s columns where the first line has %(width)s: a value may "
            "contain the separator, or the line may be cut."
        ) % {"count": count, "width": self.width}


# --- entries -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Entry:
    first_line: int
    debit: int = 0  # cents
    credit: int = 0
    lines: int = 0
    bad_lines: int = 0  # lines with errors of their own


class EntryBook:
    """Each entry's totals and lines, and each line's rank among its entry's identical lines."""

    def __init__(self):
        self.entries: dict[str, Entry] = {}
        self._seen: dict[bytes, int] = {}

    def entry(self, key: str, line: int) -> Entry:
        found = self.entries.get(key)
        if found is None:
            found = self.entries[key] = Entry(line)
        return found

    def fingerprint(self, text: str) -> str:
        """The line's fingerprint: identical lines of an entry get ranks 0, 1, 2…"""
        digest = hashlib.sha1(text.encode())  # noqa: S324 - not security
        key = digest.digest()[:8]
        seen = self._seen
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        digest.update(b"\x1e%d" % rank)
        return digest.hexdigest()

    def troubled(self) -> dict[str, Entry]:
        """The entries that cannot be imported: with a refused line, or unbalanced."""
        return {
            key: entry
            for key, entry in self.entries.items()
            if entry.bad_lines or entry.debit != entry.credit
        }


@dataclass(slots=True)
class Chunk:
    """What `read_chunks` yields: the lines read so far, the correct lines of this chunk as
    (fingerprint, entry key, what `prepare` made of the line or None), the refused ones as
    (line number, errors), and, in the last chunk only, the entries that cannot be imported."""

    read: int
    lines: list[tuple[str, str, Any]]
    refused: list[tuple[int, list[tuple[str, str]]]]
    troubled: dict[str, Entry] | None = None


def read_chunks(
    source,
    layout: Layout,
    book: EntryBook,
    size: int,
    prepare: Callable[[list, str], Any] | None = None,
) -> Iterator[Chunk]:
    """Read every line of `source` once: check it, total it in its entry, fingerprint it and,
    given `prepare` (which needs no database either), prepare it for writing:
    `prepare(values in FIELDS order, fingerprint)`.

    No database here, so that a large import can run this in another process while it writes
    (`core.forked`). Yields a chunk every `size` correct (or refused) lines, then a last one.
    """
    parser = FecParser(layout)
    entries = book.entries
    fingerprint = book.fingerprint
    parse = parser.parse
    read = 0
    lines: list = []
    refused: list = []
    for line, cells in source.records():
        read += 1
        parsed, errors = parse(cells)
        key = parser.entry_of(cells) if errors else parsed.entry
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = Entry(line)
        entry.lines += 1
        if errors:
            entry.bad_lines += 1
            refused.append((line, errors))
            if len(refused) >= size:
                yield Chunk(read, lines, refused)
                lines, refused = [], []
            continue
        entry.debit += parsed.debit_cents
        entry.credit += parsed.credit_cents
        line_fingerprint = fingerprint(parsed.text)
        prepared = prepare(parsed.values, line_fingerprint) if prepare else None
        lines.append((line_fingerprint, key, prepared))
        if len(lines) >= size:
            yield Chunk(read, lines, refused)
            lines, refused = [], []
    yield Chunk(read, lines, refused, book.troubled())


def entry_name(key: str) -> str:
    journal, number = key.split("\x1f", 1)
    return f"{journal} {number}"


def _amount_text(cents: int) -> str:
    """Cents as the user's language writes an amount (120,50 in French)."""
    return format_decimal(Decimal(cents).scaleb(-2))


def unbalanced_message(key: str, entry: Entry) -> str:
    return ngettext(
        "Entry %(entry)s is not balanced: debits %(debit)s, credits %(credit)s, a difference "
        "of %(difference)s (the entry has a single line).",
        "Entry %(entry)s is not balanced: debits %(debit)s, credits %(credit)s, a difference "
        "of %(difference)s (the entry has %(lines)s lines; this is its first).",
        entry.lines,
    ) % {
        "entry": entry_name(key),
        "debit": _amount_text(entry.debit),
        "credit": _amount_text(entry.credit),
        "difference": _amount_text(entry.debit - entry.credit),
        "lines": entry.lines,
    }


# --- files ---------------------------------------------------------------------------------------


class FecFile:
    """A FEC read from a file on disk, line by line (constant memory, no size limit).

    The encoding is found first: a UTF-8 BOM means UTF-8; else the whole file is checked as
    UTF-8 (by chunks, nothing kept), and ISO-8859-15 is the fallback.
    """

    format = "csv"
    CHUNK = 1 << 20

    def __init__(self, path: Path | str, name: str | None = None):
        self.path = Path(path)
        self.name = name or self.path.name
        self.encoding, self._codec, self.total = self._sniff()
        header_line, header = self._header()
        self.header_line = header_line
        self.delimiter = detect_delimiter(header)
        self.header = next(csv.reader([header], delimiter=self.delimiter))

    def _sniff(self) -> tuple[str, str, int]:
        decoder = codecs.getincrementaldecoder("utf-8")()
        lines = 0
        valid = True
        with self.path.open("rb") as stream:
            head = stream.read(3)
            stream.seek(0)
            while chunk := stream.read(self.CHUNK):
                lines += chunk.count(b"\n")
                if valid:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        valid = False
            if valid:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    valid = False
        if b"\x00" in head:
            raise FecFileError(_("This file is not a text file: export the FEC again."))
        if head.startswith(codecs.BOM_UTF8) and valid:
            return "UTF-8 with BOM", "utf-8-sig", lines
        if valid:
            return "UTF-8", "utf-8", lines
        return "ISO-8859-15", "iso-8859-15", lines

    def _header(self) -> tuple[int, str]:
        with self.path.open(encoding=self._codec, newline=None) as stream:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    return number, line.rstrip("\n")
        raise FecFileError(_("The file is empty."))

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells) of every non-blank line after the header.

        Read with the `csv` module's default dialect and numbered as `core.imports.read_table`
        numbers them (a quoted value spanning lines is one line), so that a file imported from
        the web page and from the command line gives the same lines, hence the same fingerprints.
        """
        first = self.header_line
        strip = str.strip
        with self.path.open(encoding=self._codec, newline="") as stream:
            reader = csv.reader(stream, delimiter=self.delimiter)
            try:
                for number, record in enumerate(reader, start=1):
                    if number > first and record:
                        cells = list(map(strip, record))
                        if any(cells):
                            yield number, cells
            except csv.Error as error:
                raise FecFileError(
                    _("The file cannot be read near line %(line)s: %(error)s")
                    % {"line": reader.line_num, "error": error}
                ) from error

    def describe(self) -> dict:
        return {
            "format": "csv",
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": "",
            "header_line": self.header_line,
        }


class FecTable:
    """A FEC already read by the import framework (`core.imports.read_table`): the web page."""

    def __init__(self, table, name: str = ""):
        if table.format != "csv":
            raise FecFileError(
                _(
                    "A FEC is a text file (.txt or .csv) with a tab or a vertical bar between "
                    "columns, not a spreadsheet: export it again from your accounting software."
                )
            )
        self.table = table
        self.name = name
        self.encoding = table.encoding
        self.delimiter = table.delimiter
        self.header = list(table.header)
        self.header_line = table.header_line
        self.total = len(table.rows)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        return iter(self.table.rows)

    def describe(self) -> dict:
        return self.table.describe()
