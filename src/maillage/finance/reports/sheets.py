"""Workbooks of several sheets, each described like a `core.exports` export (columns + rows).

The cells are typed and protected exactly as `core.exports.write_xlsx` writes them (money stays
numeric, a text that would be a formula is neutralised), with a title and notes above each
table, and rows in bold where a row says so (totals)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from maillage.core.exports import (
    HOURS_NUMBER_FORMAT,
    MONEY_NUMBER_FORMAT,
    XLSX_CONTENT_TYPE,
    Column,
    Kind,
    _sheet_title,
    content_disposition,
    export_values,
    neutralise,
)

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)


@dataclass
class Sheet:
    title: str  # of the tab (shortened to 31 characters)
    columns: Sequence[Column]
    rows: Iterable[Any]
    heading: str = ""  # written above the table
    notes: list[str] = field(default_factory=list)
    bold: Any = None  # callable(row) -> bool: a total row


def _write(workbook: Workbook, sheet: Sheet) -> None:
    ws = workbook.create_sheet(_sheet_title(sheet.title))
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.xlsx_width
    if sheet.heading:
        ws.append([neutralise(str(sheet.heading))])
        ws.cell(ws.max_row, 1).font = TITLE
    for note in sheet.notes:
        ws.append([neutralise(str(note))])
    if sheet.heading or sheet.notes:
        ws.append([])
    ws.append([neutralise(str(column.header)) for column in sheet.columns])
    header = ws.max_row
    for cell in ws[header]:
        cell.font = BOLD
        cell.data_type = "s"
    ws.freeze_panes = ws.cell(header + 1, 1).coordinate
    for row in sheet.rows:
        values = export_values(sheet.columns, row)
        ws.append(values)
        number = ws.max_row
        strong = bool(sheet.bold and sheet.bold(row))
        for index, (column, value) in enumerate(zip(sheet.columns, values, strict=True), 1):
            cell = ws.cell(number, index)
            if value is None:
                continue
            if column.kind is Kind.TEXT:
                cell.data_type = "s"  # never a formula
            elif column.kind is Kind.MONEY:
                cell.number_format = MONEY_NUMBER_FORMAT
            elif column.kind is Kind.HOURS:
                cell.number_format = HOURS_NUMBER_FORMAT
            elif column.kind is Kind.DATE:
                cell.number_format = "yyyy-mm-dd"
            elif column.number_format:
                cell.number_format = column.number_format
            if strong:
                cell.font = BOLD


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _write(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    response = FileResponse(io.BytesIO(workbook_bytes(sheets)), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response
