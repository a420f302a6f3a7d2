"""A workbook written with XlsxWriter in constant_memory mode for the background exports: each
row goes to the sheet's file as it is written and strings are stored inline (no shared-strings
table growing with every distinct text, as openpyxl's write-only mode keeps in memory), so an
export of 100,000 榜 with their long texts takes the memory of one row.

Same look as the in-request XlsxBook (bold tinted header, frozen first row, auto-filter, column
widths, number formats, wrapped multi-line text, sheets continued past Excel's row limit). No
cell becomes a formula: text is always written with write_string."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..exports.writers import EXCEL_MAX_ROWS, NUMBER_FORMATS, Column, _cell_value


class StreamingXlsxBook:
    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                                    "strings_to_formulas": False,
                                                    "strings_to_urls": False})
        self.header = self.book.add_format({"bold": True, "bg_color": "#F3E3E2"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.formats = {kind: self.book.add_format({"num_format": fmt})
                        for kind, fmt in NUMBER_FORMATS.items()}

    def add_table(self, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
        count, part = 0, 1
        sheet, written = self._new_sheet(title, columns), 0
        kinds = [c.kind for c in columns]
        for values in rows:
            if written == EXCEL_MAX_ROWS - 1:
                self._finish(sheet, columns, written)
                part += 1
                sheet, written = self._new_sheet(f"{title}({part})", columns), 0
            written += 1
            for col, (kind, value) in enumerate(zip(kinds, values, strict=True)):
                self._write(sheet, written, col, kind, _cell_value(kind, value))
            count += 1
        self._finish(sheet, columns, written)
        return count

    def _write(self, sheet, row: int, col: int, kind: str, value) -> None:
        if value is None:
            return
        number_format = self.formats.get(kind)
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            sheet.write_string(row, col, text, self.wrap if "\n" in text else None)
        elif isinstance(value, datetime | date):
            sheet.write_datetime(row, col, value, number_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, col, float(value), number_format)
        else:
            sheet.write_string(row, col, ILLEGAL_CHARACTERS_RE.sub("", str(value)))

    def add_notes(self, title: str, lines: Iterable[tuple[str, str]]) -> None:
        sheet = self.book.add_worksheet(title[:31])
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 60)
        for row, (label, value) in enumerate(lines):
            sheet.write_string(row, 0, ILLEGAL_CHARACTERS_RE.sub("", str(label)), self.header)
            sheet.write_string(row, 1, ILLEGAL_CHARACTERS_RE.sub("", str(value)))

    def _new_sheet(self, title: str, columns: Sequence[Column]):
        sheet = self.book.add_worksheet(title[:31])
        for number, column in enumerate(columns):
            sheet.set_column(number, number, column.width)
            sheet.write_string(0, number, str(column.title), self.header)
        sheet.freeze_panes(1, 0)
        return sheet

    @staticmethod
    def _finish(sheet, columns: Sequence[Column], written: int) -> None:
        sheet.autofilter(0, 0, written, len(columns) - 1)

    def close(self) -> None:
        self.book.close()
