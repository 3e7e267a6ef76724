"""File -> pages of lines, with the font facts that tell headings from body text.

PDFs go through pdfminer.six; a page without a text layer (a scan) is read by OCR
(ocr.py) into lines without font facts; plain-text extractions of minutes (each printed line
followed by an empty line, a page starting with a line that begins with one space)
are read into the same shape, without font facts.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import ocr

SOURCE_SUFFIXES = (".pdf", ".txt")


class ExtractError(Exception):
    """A file that cannot be read as minutes; the reason is meant for a person."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass
class Line:
    text: str
    page: int
    size: float = 0.0  # font size in points; 0 when unknown (text files)
    bold: bool = False
    page_start: bool = False  # first line of its page (set by the clean stage too)
    top: float = -1.0  # points from the top of the page to the line's top; -1 unknown
    left: float = -1.0  # points from the left edge; -1 unknown
    ocr: bool = False  # read from a scanned page by OCR (no font facts, no positions)

    @property
    def has_font(self) -> bool:
        return self.size > 0


@dataclass
class Extraction:
    """A file's lines and how many pages it has, blank ones too: the last pages of an
    attachment may hold no text, and are still its pages."""

    lines: list[Line]
    pages: int


def extract(path: Path) -> list[Line]:
    return extract_document(path).lines


def extract_document(path: Path) -> Extraction:
    """`extract`, with the page count (a PDF's pages as pdfminer read them; a text
    extraction's, as its lines number them)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _extract_pdf(path)
    if suffix == ".txt":
        lines = extract_text(path)
        return Extraction(lines, max((line.page for line in lines), default=0))
    raise ExtractError(path, f"unsupported file type '{suffix}' (only .pdf and .txt)")


# -- PDF ------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ExtractError(path, "the file disappeared before it could be read") from None
    except IsADirectoryError:
        raise ExtractError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise ExtractError(path, f"cannot be read ({exc.strerror})") from None


def extract_pdf(path: Path) -> list[Line]:
    return _extract_pdf(path).lines


def _extract_pdf(path: Path) -> Extraction:
    # Imported here: pdfminer is slow to import and text-only runs don't need it.
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    data = _read_bytes(path)
    if not data.strip():
        raise ExtractError(path, "the file is empty")
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise ExtractError(path, "is not a PDF file (it does not start with %PDF-)")
    if b"%%EOF" not in data[-2048:]:
        # pdfminer can sometimes read a cut-off file half-way; a half minute is worse
        # than a clear refusal.
        raise ExtractError(path, "the PDF is truncated (no end-of-file marker); re-download it")

    by_page: dict[int, list[Line]] = {}
    scanned: list[int] = []  # pages that are pictures of text: read by OCR
    pages_seen = 0
    try:
        for page_no, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
            pages_seen = page_no
            height = page.height
            page_lines = []
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                for text_line in element:
                    if not isinstance(text_line, LTTextLine):
                        continue
                    text = fix_unmapped_glyphs(text_line.get_text().rstrip("\n").rstrip())
                    if not text.strip():
                        continue
                    chars = [c for c in text_line if isinstance(c, LTChar) and c.get_text().strip()]
                    size, bold = _dominant_font(chars)
                    line = Line(
                        text,
                        page_no,
                        size,
                        bold,
                        top=round(height - text_line.y1, 1),
                        left=round(text_line.x0, 1),
                    )
                    page_lines.append(
                        (-round(text_line.y1), round(text_line.x0), line, text_line.x1, chars)
                    )
            page_lines.sort(key=lambda t: (t[0], t[1]))
            by_page[page_no] = list(_with_paragraph_breaks(_join_same_height(page_lines)))
            if _is_scan(page, by_page[page_no]):
                scanned.append(page_no)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ExtractError(path, "the PDF is encrypted (password protected)") from None
    except (PDFSyntaxError, PSException) as exc:
        raise ExtractError(path, f"the PDF is damaged ({exc or 'syntax error'})") from None
    except MemoryError:
        raise  # not the file's fault as such: the worker reports its memory limit
    except Exception as exc:  # pdfminer raises many kinds on broken files
        if "encrypt" in type(exc).__name__.lower() or "password" in str(exc).lower():
            raise ExtractError(path, "the PDF is encrypted (password protected)") from None
        raise ExtractError(path, f"the PDF could not be read ({type(exc).__name__})") from None
    if pages_seen == 0:
        raise ExtractError(path, "the PDF has no pages")
    unread = ""
    try:
        for page_no, ocr_lines in ocr.read_pages(data, scanned).items():
            by_page[page_no] = _lines_from_ocr(page_no, ocr_lines)
    except ocr.OcrUnavailable as exc:
        unread = str(exc)  # the scans' pages keep what text they have (a stamp)
    except ocr.OcrFailed as exc:
        raise ExtractError(path, str(exc)) from None
    lines = [line for page_no in sorted(by_page) for line in by_page[page_no]]
    if not lines:
        if unread:
            raise ExtractError(
                path,
                f"no text in {pages_seen} page(s): a scanned PDF without a text layer, "
                f"not read by OCR: {unread}",
            )
        if scanned:
            raise ExtractError(
                path,
                f"no text in {pages_seen} page(s): a scanned PDF, and OCR found no words "
                f"on its {len(scanned)} scanned page(s)",
            )
        raise ExtractError(path, f"no text in {pages_seen} page(s), and no scanned pages")
    return Extraction(lines, pages_seen)


# A page is a scan when a picture covers most of it and its text layer holds no more than
# a stamp or a page number (an archive's "Dok.nr." over a scanned letter).
_SCAN_COVER = 0.5  # of the page's area
_SCAN_MAX_CHARS = 200


def _is_scan(page, lines: list[Line]) -> bool:
    if sum(len(line.text) for line in lines) > _SCAN_MAX_CHARS:
        return False
    area = max(page.width * page.height, 1.0)
    return _image_area(page) >= _SCAN_COVER * area


def _image_area(container) -> float:
    from pdfminer.layout import LTContainer, LTImage, LTTextContainer

    total = 0.0
    for element in container:
        if isinstance(element, LTImage):
            total += element.width * element.height
        elif isinstance(element, LTContainer) and not isinstance(element, LTTextContainer):
            inner = _image_area(element)
            # A figure's image may be placed scaled: the figure's box is what is printed.
            total += min(inner, element.width * element.height) if inner else 0.0
    return total


def _lines_from_ocr(page: int, ocr_lines: list[ocr.OcrLine]) -> list[Line]:
    """OCR'd lines in the shape of a text extraction: a blank line between paragraphs,
    no font facts, no positions (they shift with a scan's skew; see clean.py)."""
    out: list[Line] = []
    paragraph = None
    for ocr_line in ocr_lines:
        text = ocr_line.text.strip()
        if not text:
            continue
        if paragraph is not None and ocr_line.paragraph != paragraph:
            out.append(Line("", page, ocr=True))
        paragraph = ocr_line.paragraph
        out.append(Line(text, page, ocr=True))
    return out


def _join_same_height(page_lines):
    """Pieces of one printed line that pdfminer returns apart: an item's number and its
    title ("4." at the margin, the title at the indent), a label and its value, a
    title and its page number in the contents. Pieces at the same height, left to
    right, become one line (a wide gap becomes a tab); its font is the one most of its
    letters have."""
    joined = []
    for neg_top, x0, line, x1, chars in page_lines:
        if joined:
            p_neg_top, p_x0, p_line, p_x1, p_chars = joined[-1]
            if abs(neg_top - p_neg_top) <= 2 and x0 >= p_x1 - 1:
                gap = x0 - p_x1
                sep = "\t" if gap > 3 * max(line.size, 4.0) else " "
                merged_chars = p_chars + chars
                size, bold = _dominant_font(merged_chars)
                text = p_line.text.rstrip() + sep + line.text.lstrip()
                merged = Line(text, line.page, size, bold, top=p_line.top, left=p_line.left)
                joined[-1] = (p_neg_top, p_x0, merged, x1, merged_chars)
                continue
        joined.append((neg_top, x0, line, x1, chars))
    return [(neg_top, x0, line) for neg_top, x0, line, _, _ in joined]


def _with_paragraph_breaks(page_lines):
    """A vertical gap wider than a line is a blank line, as in the text extractions."""
    previous_top = None
    for neg_top, _, line in page_lines:
        top = -neg_top
        if previous_top is not None and previous_top - top > 1.7 * max(line.size, 8.0):
            yield Line("", line.page)
        if previous_top is None or top != previous_top:
            previous_top = top
        yield line


def _dominant_font(chars) -> tuple[float, bool]:
    if not chars:
        return 0.0, False
    counts = Counter((round(c.size, 1), "bold" in c.fontname.lower()) for c in chars)
    (size, bold), _ = counts.most_common(1)[0]
    return float(size), bold


# -- plain text -----------------------------------------------------------------------

_CID_RE = re.compile(r"\(cid:(\d+)\)")
_CID_CHARS = {"127": "•"}  # the bullet of Symbol-encoded lists


def fix_unmapped_glyphs(text: str) -> str:
    """pdfminer writes "(cid:N)" for glyphs without a Unicode mapping; the raw text
    extractions carry the same artefacts."""
    return _CID_RE.sub(lambda m: _CID_CHARS.get(m.group(1), ""), text)


_SIDE_RE = re.compile(r"^\s*SIDE\s*\|\s*(\d+)\s*$")
_DATE_HEADER_RE = re.compile(r"^\s*\S.*\|\s*\d{2}-\d{2}-\d{4}\s*$")


def extract_text(path: Path) -> list[Line]:
    data = _read_bytes(path)
    if not data.strip():
        raise ExtractError(path, "the file is empty")
    if b"\x00" in data[:4096]:
        raise ExtractError(path, "is not a text file (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return lines_from_text(text)


def lines_from_text(text: str) -> list[Line]:
    """Printed lines and pages from a text extraction: the raw extractions of KL's
    minutes (see `_lines_from_kkr_extraction`), or plain text as pdftotext writes it:
    pages split by form feeds, a blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text or not _alternates_with_empty_lines(text):
        return _lines_from_plain_text(text)
    return _lines_from_kkr_extraction(text)


def _alternates_with_empty_lines(text: str) -> bool:
    """KL's extractions follow every printed line with an empty line."""
    rows = text.split("\n")
    filled = [i for i, row in enumerate(rows[:-1]) if row.strip()]
    if len(filled) < 4:
        return True
    followed = sum(1 for i in filled if rows[i + 1] == "")
    return followed >= 0.8 * len(filled)


def _lines_from_plain_text(text: str) -> list[Line]:
    lines: list[Line] = []
    text = fix_unmapped_glyphs(text)
    for page, content in enumerate(text.split("\f"), 1):
        first = True
        for raw in content.split("\n"):
            stripped = raw.strip()
            if not stripped:
                if lines and lines[-1].text:
                    lines.append(Line("", page))
                continue
            lines.append(Line(stripped, page, page_start=first))
            first = False
    while lines and not lines[-1].text:
        lines.pop()
    return lines


def _lines_from_kkr_extraction(text: str) -> list[Line]:
    """Rebuild printed lines and pages from a raw text extraction of KL's minutes.

    Empty lines only separate printed lines; a line of spaces is a printed blank line;
    a line that begins with exactly one space before text starts a page; running
    headers left in the text start a page and "SIDE | N" says which.
    """
    lines: list[Line] = []
    page = 1
    in_header = False
    next_is_start = True
    text = fix_unmapped_glyphs(text)
    for raw in text.split("\n"):
        if raw == "":
            continue
        content = raw.strip()
        if not content:
            lines.append(Line("", page))
            continue
        side = _SIDE_RE.match(raw)
        if _DATE_HEADER_RE.match(raw) and not in_header:
            page += 1
            in_header = True
            lines.append(Line(content, page, page_start=True))
            next_is_start = False
            continue
        if side:
            if not in_header:
                page += 1
            page = int(side.group(1)) if in_header else page
            in_header = False
            lines.append(Line(content, page, page_start=not lines or lines[-1].page != page))
            next_is_start = True
            continue
        in_header = False
        starts_page = raw.startswith(" ") and not raw.startswith("  ")
        if starts_page and lines:
            page += 1
        lines.append(Line(content, page, page_start=starts_page or next_is_start))
        next_is_start = False
    return lines
