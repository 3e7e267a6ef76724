"""The search's rows as files people take away: the CSV's cells and names, and a real
spreadsheet (/api/search.xlsx).

The spreadsheet is written with XlsxWriter, a row at a time (constant-memory mode) into
a temporary file: Danish headers, the meeting date as a date, the Danish label of the
decision status and the decision's text, and the links absolute and clickable, so a
file mailed on still leads back to the items. Text is never read as a formula. Both
files are named after the search ("soegning-aeldrereformen.xlsx").
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from urllib.parse import quote

import xlsxwriter

from ..models import slugify

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# (row key, header, column width in characters), in the sheet's order.
XLSX_COLUMNS = (
    ("municipality", "Kommune", 18),
    ("committee", "Udvalg", 26),
    ("meeting_date", "Mødedato", 11),
    ("number", "Punkt", 7),
    ("title", "Titel", 50),
    ("case_number", "Sagsnummer", 17),
    ("status_label", "Beslutning", 20),
    ("decision", "Beslutningens tekst", 70),
    ("positions", "Holdninger", 24),
    ("url", "Punktet", 45),
    ("pdf_url", "PDF", 45),
    ("meeting_url", "Mødet", 45),
    ("meeting_id", "Møde-id", 30),
    ("id", "Punkt-id", 32),
)
LINKS = ("url", "pdf_url", "meeting_url")
CELL_CHARS = 32_767  # what an Excel cell holds
MAX_LINKS = 65_530  # hyperlinks Excel takes in one sheet; past them, links as text
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_name(args, extension: str) -> str:
    """ "soegning-aeldrereformen-kkr-hovedstaden.xlsx": the search's words and filter
    values, as a file name any system takes; "soegning.xlsx" for all items."""
    values = [v for key in ("q", "municipality", "committee", "year", "status", "party",
                            "case", "from", "to") for v in args.getlist(key)]  # fmt: skip
    slug = slugify(" ".join(values))[:60].strip("-")
    return f"soegning-{slug}.{extension}" if slug else f"soegning.{extension}"


def attachment(name: str) -> str:
    """The Content-Disposition of a file to save (RFC 6266; the name is ASCII already)."""
    return f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"


# --- CSV -------------------------------------------------------------------------------------


def _cell(value) -> str:
    """A CSV cell Excel will not run as a formula (OWASP: prefix with a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_cell(v) for v in values])
    return buffer.getvalue()


def csv_lines(columns: tuple[str, ...], rows: Iterator[dict]) -> Iterator[str]:
    """The CSV, a line at a time: UTF-8 with a byte-order mark for Excel."""
    yield "\ufeff" + csv_line(columns)
    for row in rows:
        yield csv_line(row[c] for c in columns)


# --- The spreadsheet ------------------------------------------------------------------------


def write_xlsx(rows: Iterable[dict], about: list[tuple[str, str]]):
    """The rows as a workbook in a temporary file (at its start): a sheet "Punkter", one
    row an item, and a sheet "Om udtrækket" with `about` (what was searched, when)."""
    out = tempfile.TemporaryFile()
    options = {"constant_memory": True, "strings_to_formulas": False,
               "strings_to_urls": False, "strings_to_numbers": False}  # fmt: skip
    book = xlsxwriter.Workbook(out, options)
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "text_wrap": True})
    day = book.add_format({"num_format": "dd-mm-yyyy"})
    link = book.add_format({"font_color": "#0B5394", "underline": 1})
    sheet = book.add_worksheet("Punkter")
    for col, (_, title, width) in enumerate(XLSX_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, header)
    sheet.freeze_panes(1, 0)
    links = 0
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, (key, _, _) in enumerate(XLSX_COLUMNS):
            value = row.get(key)
            if not value:
                continue
            value = str(value)[:CELL_CHARS]
            if key == "meeting_date":
                try:
                    sheet.write_datetime(n, col, date.fromisoformat(value), day)
                    continue
                except ValueError:
                    pass
            if key in LINKS and links < MAX_LINKS and len(value) <= 2000:
                sheet.write_url(n, col, value, link, string=value)
                links += 1
            else:
                sheet.write_string(n, col, value)
    sheet.autofilter(0, 0, max(n, 1), len(XLSX_COLUMNS) - 1)
    info = book.add_worksheet("Om udtrækket")
    info.set_column(0, 0, 22)
    info.set_column(1, 1, 80)
    for r, (what, value) in enumerate([*about, ("Punkter", n)]):
        info.write_string(r, 0, what, header)
        info.write(r, 1, value[:CELL_CHARS] if isinstance(value, str) else value)
    book.close()
    out.seek(0)
    return out
