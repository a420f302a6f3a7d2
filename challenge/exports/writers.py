"""The site's one spreadsheet writer: every .xlsx and .csv it writes (the bureau's exports, the
statistics, the expert pool and its template, the background exports) goes through here, so
they share one look (bold tinted header, frozen first row, auto-filter, column widths, number
formats for money in 万元, dates, scores and percentages, wrapped multi-line text).

Rows arrive as an iterator of plain Python values (integer 分, aware UTC datetimes, dates,
Decimals, text), so the same rows become an .xlsx (XlsxBook: openpyxl write-only, rows go to a
temporary file as they come; StreamingXlsxBook: XlsxWriter constant_memory for the background
exports) or a streamed UTF-8 CSV with a BOM for Excel.

No cell ever becomes a formula: text goes through sheet_value / write_string, and every CSV
through SafeCsvWriter (csv_text).
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..money import BP_PER_PERCENT, FEN_PER_WAN, SHARE_TOTAL
from ..timeutil import SHANGHAI

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
EXCEL_MAX_ROWS = 1_048_576  # a sheet's limit, header included; more rows continue on a new sheet

HEADER_FILL = "F3E3E2"  # the header row's tint (the brand red, faded)
NOTES_WIDTHS = (16, 60)

# Column kinds and how Excel shows them.
TEXT, INT, MONEY, DATE, DATETIME, SCORE, PERCENT = (
    "text", "int", "money", "date", "datetime", "score", "percent")
COUNT, DAYS, RATE, RATIO = "count", "days", "rate", "ratio"  # the statistics' figures
NUMBER_FORMATS = {
    INT: "0",
    MONEY: "#,##0.00",            # 万元, two decimals shown; the exact value is kept in the cell
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    SCORE: "0.00",
    PERCENT: "0.00%",             # basis points, stored as the fraction
    COUNT: "#,##0",
    DAYS: "0.0",
    RATE: "0.0%",                 # a fraction
    RATIO: "0.00",
}


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT
    width: int = 14
    wrap: bool = False  # wrap every text cell (not only multi-line ones)


@dataclass(frozen=True)
class Typed:
    """A cell with a kind of its own, in a column of mixed figures (the statistics' values)."""

    kind: str
    value: object


def typed(kind: str, value) -> tuple[str, object]:
    """(kind, value) of a row value: its column's kind unless the value is Typed."""
    return (value.kind, value.value) if isinstance(value, Typed) else (kind, value)


def fen_to_wan(fen: int | None) -> Decimal | None:
    """Integer 分 → exact Decimal 万元 (the cell shows two decimals)."""
    return None if fen is None else Decimal(fen) / FEN_PER_WAN


def excel_time(value: datetime | None) -> datetime | None:
    """Excel has no time zones: aware UTC → naive Shanghai wall-clock time."""
    if value is None:
        return None
    return value.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)


def cell_value(kind: str, value):
    """A row value as the spreadsheet stores it."""
    if value is None or value == "":
        return None
    if kind == MONEY:
        return fen_to_wan(value)
    if kind == DATETIME:
        return excel_time(value)
    if kind == PERCENT:
        return Decimal(value) / SHARE_TOTAL  # basis points → fraction, shown as 12.50%
    if kind == TEXT:
        return str(value)
    return value


# Spreadsheet programs run a cell that starts with one of these as a formula (a tab or carriage
# return first, then the formula: OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def csv_text(value) -> str:
    """A CSV cell that can never become a formula: text starting with = + - @ tab or CR gets a
    leading apostrophe (Excel's own mark for "text"); a plain number such as -12.50 stays one."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """csv.writer whose every cell goes through csv_text: use it for every CSV the site writes."""

    def __init__(self, buffer, **options):
        self._writer = csv.writer(buffer, **options)

    def writerow(self, row) -> None:
        self._writer.writerow([csv_text(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def sheet_value(sheet, value):
    """A value for `sheet.append` (normal or write-only) that stays what it is: text is stripped
    of the control characters Excel refuses and, when it starts with "=", typed as text — openpyxl
    would otherwise store it as a live formula (=HYPERLINK(...) from a typed 榜 field)."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith("="):
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"
        return cell
    return text


def sheet_row(sheet, values) -> list:
    """`sheet.append(sheet_row(sheet, values))`: every cell through sheet_value."""
    return [sheet_value(sheet, v) for v in values]


def _csv_value(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == MONEY:
        return money_text(value)
    if kind == DATETIME:
        return excel_time(value).strftime("%Y-%m-%d %H:%M")
    if kind == DATE:
        return value.isoformat()
    if kind == PERCENT:
        return f"{Decimal(value) / BP_PER_PERCENT:.2f}%"
    if kind == SCORE:
        return f"{Decimal(value):.2f}"
    return str(value)  # csv_chunks writes it through SafeCsvWriter


def money_text(fen: int) -> str:
    """'1234.50': 万元 with two decimals, more only when needed to stay exact; no separators."""
    value = fen_to_wan(fen)
    shown = value.quantize(Decimal("0.01"))
    if shown != value:
        return format(value.quantize(Decimal("0.000001")), "f").rstrip("0")
    return format(shown, "f")


class XlsxBook:
    """A write-only workbook saved to a temporary file; sheets continue past Excel's row limit."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self._header_font = Font(bold=True)
        self._header_fill = PatternFill("solid", fgColor=HEADER_FILL)

    def add_table(self, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
        """Write a header and the rows; returns how many data rows were written."""
        count, part = 0, 1
        sheet, written = self._new_sheet(title, columns), 0
        wrap = Alignment(wrap_text=True, vertical="top")
        for values in rows:
            if written == EXCEL_MAX_ROWS - 1:
                self._finish(sheet, columns, written)
                part += 1
                sheet, written = self._new_sheet(f"{title}({part})", columns), 0
            out = []
            for column, value in zip(columns, values, strict=True):
                kind, value = typed(column.kind, value)
                value = cell_value(kind, value)
                number_format = NUMBER_FORMATS.get(kind)
                if value is None:
                    out.append(None)
                elif number_format:
                    cell = WriteOnlyCell(sheet, value)
                    cell.number_format = number_format
                    out.append(cell)
                elif isinstance(value, str) and (column.wrap or "\n" in value):
                    cell = sheet_value(sheet, value)
                    if isinstance(cell, str):
                        cell = WriteOnlyCell(sheet, cell)
                    cell.alignment = wrap
                    out.append(cell)
                else:
                    out.append(sheet_value(sheet, value))
            sheet.append(out)
            written += 1
            count += 1
        self._finish(sheet, columns, written)
        return count

    def add_notes(self, title: str, lines: Iterable[tuple[str, str]]) -> None:
        """A small sheet of (label, value) lines: what was exported, when, with which filters."""
        sheet = self.book.create_sheet(title[:31])
        sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = NOTES_WIDTHS
        for label, value in lines:
            head = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", str(label)))
            head.font = self._header_font
            sheet.append([head, sheet_value(sheet, str(value))])

    def _new_sheet(self, title: str, columns: Sequence[Column]):
        sheet = self.book.create_sheet(title[:31])
        for number, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, str(column.title))
            cell.font = self._header_font
            cell.fill = self._header_fill
            header.append(cell)
        sheet.append(header)
        return sheet

    @staticmethod
    def _finish(sheet, columns: Sequence[Column], written: int) -> None:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{written + 1}"

    def save(self):
        """The finished workbook as an open temporary file, positioned at its start."""
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        self.book.save(handle)
        handle.seek(0)
        return handle

    def bytes(self) -> bytes:
        """The finished workbook, for a small file sent whole."""
        with self.save() as handle:
            return handle.read()

    def chunks(self, size: int = 256 * 1024) -> tuple[int, Iterator[bytes]]:
        """(length, chunks) of the saved workbook; the temporary file closes when read through."""
        handle = self.save()
        length = handle.seek(0, io.SEEK_END)
        handle.seek(0)

        def read() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(size):
                    yield chunk
        return length, read()


class StreamingXlsxBook:
    """XlsxBook's look written with XlsxWriter in constant_memory mode, for the background
    exports: each row goes to the sheet's file as it is written and strings are stored inline
    (no shared-strings table growing with every distinct text, as openpyxl's write-only mode
    keeps in memory), so an export of 100,000 榜 with their long texts takes the memory of one
    row. Text is always written with write_string: never a formula."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                                    "strings_to_formulas": False,
                                                    "strings_to_urls": False})
        self.header = self.book.add_format({"bold": True, "bg_color": f"#{HEADER_FILL}"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.formats = {kind: self.book.add_format({"num_format": fmt})
                        for kind, fmt in NUMBER_FORMATS.items()}

    def add_table(self, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
        count, part = 0, 1
        sheet, written = self._new_sheet(title, columns), 0
        for values in rows:
            if written == EXCEL_MAX_ROWS - 1:
                self._finish(sheet, columns, written)
                part += 1
                sheet, written = self._new_sheet(f"{title}({part})", columns), 0
            written += 1
            for col, (column, value) in enumerate(zip(columns, values, strict=True)):
                kind, value = typed(column.kind, value)
                self._write(sheet, written, col, kind, cell_value(kind, value), column.wrap)
            count += 1
        self._finish(sheet, columns, written)
        return count

    def _write(self, sheet, row: int, col: int, kind: str, value, wrap: bool = False) -> None:
        if value is None:
            return
        number_format = self.formats.get(kind)
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            sheet.write_string(row, col, text, self.wrap if wrap or "\n" in text else None)
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
        for number, width in enumerate(NOTES_WIDTHS):
            sheet.set_column(number, number, width)
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


def csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence], batch: int = 500) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel on Chinese Windows opens it right), yielded a few hundred rows at
    a time so a large table never sits in memory."""
    buffer = io.StringIO(newline="")
    writer = SafeCsvWriter(buffer)
    kinds = [c.kind for c in columns]
    writer.writerow([str(c.title) for c in columns])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for values in rows:
        writer.writerow([_csv_value(*typed(kind, value)) for kind, value in zip(kinds, values, strict=True)])
        pending += 1
        if pending == batch:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


__all__ = ["Column", "Typed", "XlsxBook", "StreamingXlsxBook", "csv_chunks", "csv_text",
           "SafeCsvWriter", "sheet_value", "sheet_row", "money_text",
           "excel_time", "fen_to_wan", "cell_value", "TEXT", "INT", "MONEY", "DATE", "DATETIME",
           "SCORE", "PERCENT", "COUNT", "DAYS", "RATE", "RATIO", "XLSX_MIME", "CSV_MIME"]
