"""Reading FEC files (finance/fec.py): layouts, encodings, separators, values and their errors."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.imports import read_table
from maillage.finance.fec import (
    NAMES,
    EntryBook,
    FecFile,
    FecFileError,
    FecParser,
    FecTable,
    cents_text,
    parse_amount,
    parse_date,
    read_layout,
)

from .fec_files import DIRECTION_NAMES, fec_text, line, purchase, with_direction


def _file(tmp_path, text: str, encoding="utf-8", name="fec.txt") -> FecFile:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return FecFile(path)


def _parsed(source):
    layout = read_layout(source.header, source.delimiter)
    parser = FecParser(layout)
    return [(number, *parser.parse(cells)) for number, cells in source.records()]


# --- layouts, separators, encodings --------------------------------------------------------------


@pytest.mark.parametrize("delimiter", ["\t", "|"])
@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("iso-8859-15", "ISO-8859-15")],
)
def test_every_separator_and_encoding_reads_the_same_values(
    tmp_path, delimiter, encoding, expected
):
    lines = purchase(label="Coût des outils, œuvre 10 €")
    source = _file(tmp_path, fec_text(lines, delimiter=delimiter), encoding)
    assert source.encoding == expected
    assert source.delimiter == delimiter
    rows = _parsed(source)
    assert [number for number, *_ in rows] == [2, 3]
    (_, first, errors), (_, second, _errors) = rows
    assert errors == []
    assert first.values[10] == "Coût des outils, œuvre 10 €"
    assert first.values[5] == "Fournitures d'entretien et de petit équipement"
    assert first.values[3] == date(2025, 3, 10)
    assert (first.values[11], first.values[12]) == ("120.50", "0.00")
    assert (second.values[11], second.values[12]) == ("0.00", "120.50")
    assert first.entry == second.entry == "AC\x1fAC000001"


def test_the_web_upload_reads_the_same_lines_as_the_file_on_disk(tmp_path):
    lines = [
        *purchase("AC1", label="Coût"),
        *purchase("AC2", label='"Les Amis" du jardin'),
        *purchase("AC3", label='Facture "Leroy", 3 m'),
    ]
    text = fec_text(lines, delimiter="|")
    data = text.encode("iso-8859-15")
    from_disk = _parsed(_file(tmp_path, text, "iso-8859-15"))
    from_upload = _parsed(FecTable(read_table(data, "fec.txt"), name="fec.txt"))
    assert [(n, p.text) for n, p, _ in from_disk] == [(n, p.text) for n, p, _ in from_upload]
    assert len(from_disk) == 6 and all(errors == [] for _, _, errors in from_disk)


def test_headers_are_matched_without_regard_to_case_or_order(tmp_path):
    names = [name.upper() for name in reversed(NAMES)] + ["Analytique"]
    lines = [
        {**{k.upper(): v for k, v in values.items()}, "Analytique": "JARDINS"}
        for values in purchase()
    ]
    source = _file(tmp_path, fec_text(lines, names=names))
    layout = read_layout(source.header, source.delimiter)
    assert layout.ignored == ["Analytique"]
    assert layout.headers["EcritureDate"] == "ECRITUREDATE"
    rows = _parsed(source)
    assert rows[0][1].values[11] == "120.50"


def test_montant_and_sens_replace_debit_and_credit(tmp_path):
    plain = _parsed(_file(tmp_path, fec_text(purchase()), name="a.txt"))
    variant = _parsed(
        _file(tmp_path, fec_text(with_direction(purchase()), names=DIRECTION_NAMES), name="b.txt")
    )
    assert [p.values for _, p, _ in variant] == [p.values for _, p, _ in plain]
    # The same line written either way has the same fingerprint text: a re-import adds nothing.
    assert [p.text for _, p, _ in variant] == [p.text for _, p, _ in plain]


@pytest.mark.parametrize(
    ("direction", "debit", "credit"),
    [
        ("D", "75.00", "0.00"),
        ("c", "0.00", "75.00"),
        ("+1", "75.00", "0.00"),
        ("-1", "0.00", "75.00"),
    ],
)
def test_sens_is_d_or_c_or_plus_or_minus_one(tmp_path, direction, debit, credit):
    values = dict(line(), Montant="75", Sens=direction)
    source = _file(tmp_path, fec_text([values], names=DIRECTION_NAMES))
    ((_, parsed, errors),) = _parsed(source)
    assert errors == []
    assert (parsed.values[11], parsed.values[12]) == (debit, credit)


def test_decimal_point_and_comma_are_the_same_amount(tmp_path):
    lines = [line(Debit="1234.5"), line(Debit="1234,50"), line(Debit="1234,500")]
    rows = _parsed(_file(tmp_path, fec_text(lines)))
    assert [p.values[11] for _, p, _ in rows] == ["1234.50"] * 3


def test_a_trailing_separator_and_blank_lines_are_harmless(tmp_path):
    text = "\t".join(NAMES) + "\t\n\n" + "\t".join(line().values()) + "\t\n\n"
    rows = _parsed(_file(tmp_path, text))
    assert [(number, errors) for number, _, errors in rows] == [(3, [])]


# --- whole-file errors ---------------------------------------------------------------------------


def test_missing_columns_are_named(tmp_path):
    names = [n for n in NAMES if n not in ("EcritureDate", "Credit")]
    source = _file(tmp_path, fec_text([line()], names=names))
    with pytest.raises(FecFileError) as error:
        read_layout(source.header, source.delimiter)
    assert "Missing columns: EcritureDate, Credit." in error.value.message
    assert "Montant and Sens may replace Debit and Credit" in error.value.message


def test_montant_without_sens_is_refused(tmp_path):
    names = [n for n in DIRECTION_NAMES if n != "Sens"]
    source = _file(tmp_path, fec_text([line()], names=names))
    with pytest.raises(FecFileError, match="Missing columns: Sens"):
        read_layout(source.header, source.delimiter)


def test_a_column_twice_is_refused(tmp_path):
    source = _file(tmp_path, fec_text([line()], names=[*NAMES, "journalcode"]))
    with pytest.raises(FecFileError, match="JournalCode appears twice"):
        read_layout(source.header, source.delimiter)


def test_a_semicolon_file_is_not_a_fec(tmp_path):
    with pytest.raises(FecFileError, match="tab or a vertical bar"):
        _file(tmp_path, fec_text([line()], delimiter=";"))
    table = read_table(fec_text([line()], delimiter=";").encode(), "fec.csv")
    source = FecTable(table)
    with pytest.raises(FecFileError, match="not “;”"):
        read_layout(source.header, source.delimiter)


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(FecFileError, match="empty"):
        _file(tmp_path, "\n\n")


# --- line errors ---------------------------------------------------------------------------------


def _errors(tmp_path, **values):
    ((_, parsed, errors),) = _parsed(_file(tmp_path, fec_text([line(**values)])))
    assert parsed is None
    return errors


@pytest.mark.parametrize("written", ["2025-03-10", "10/03/2025", "20251310", "2025031", "hier"])
def test_dates_must_be_aaaammjj(tmp_path, written):
    errors = _errors(tmp_path, EcritureDate=written)
    assert errors == [
        ("EcritureDate", f"“{written}” is not a date written AAAAMMJJ (e.g. 20250310).")
    ]


def test_optional_dates_may_be_empty_but_not_wrong(tmp_path):
    rows = _parsed(_file(tmp_path, fec_text([line(PieceDate="", ValidDate="", DateLet="")])))
    assert rows[0][2] == []
    assert rows[0][1].values[9] is None
    assert [c for c, _ in _errors(tmp_path, DateLet="31/12/2025")] == ["DateLet"]


@pytest.mark.parametrize("written", ["12,345", "douze", "1e5", "12,50 €", "NaN", "1.234,56"])
def test_amounts_must_be_amounts_with_two_decimals_at_most(tmp_path, written):
    errors = _errors(tmp_path, Debit=written)
    assert [column for column, _ in errors] == ["Debit"]
    assert "is not an amount" in errors[0][1]


def test_a_line_with_a_debit_and_a_credit_is_refused(tmp_path):
    errors = _errors(tmp_path, Debit="10,00", Credit="5,00")
    assert errors == [
        (
            "Debit",
            "A line carries a debit or a credit, not both (debit 10,00, credit 5,00): split it "
            "into two lines.",
        )
    ]


def test_required_values_too_long_values_and_accounts(tmp_path):
    errors = dict(_errors(tmp_path, JournalCode="", CompteNum="ABC", Idevise="EURO"))
    assert errors["JournalCode"] == "A value is required."
    assert errors["CompteNum"] == "“ABC” is not an account number: it must start with 3 digits."
    assert errors["Idevise"] == "At most 3 characters (this one has 4)."


def test_a_cut_line_is_refused(tmp_path):
    text = "\t".join(NAMES) + "\n" + "\t".join(list(line().values())[:10]) + "\n"
    ((_, parsed, errors),) = _parsed(_file(tmp_path, text))
    assert parsed is None
    assert errors[0] == (
        "",
        "This line has 10 columns where the first line has 18: a value may "
        "contain the separator, or the line may be cut.",
    )


# --- values, fingerprints ------------------------------------------------------------------------


def test_identical_lines_of_an_entry_get_different_fingerprints():
    book = EntryBook()
    first, second, other = book.fingerprint("x"), book.fingerprint("x"), book.fingerprint("y")
    assert len({first, second, other}) == 3
    again = EntryBook()
    assert [again.fingerprint("x"), again.fingerprint("x")] == [first, second]


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1), st.sampled_from([",", "."]))
def test_amounts_round_trip_through_their_writing(cents, separator):
    text = cents_text(cents)
    assert parse_amount(text) == (cents, text)
    assert parse_amount(text.replace(".", separator)) == (cents, text)
    assert parse_amount(text.replace(".", separator) + "0") == (cents, text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_dates_round_trip_through_aaaammjj(day):
    assert parse_date(day.strftime("%Y%m%d")) == day
    assert parse_date(day.isoformat()) is None


def test_too_large_amounts_are_refused():
    assert parse_amount("999999999999,99") == (99999999999999, "999999999999.99")
    assert parse_amount("1000000000000,00") is None
