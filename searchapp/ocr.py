"""Pages without a text layer -> lines of text, through Tesseract in Danish.

A scanned PDF (or a scanned page inside one) has pictures of text and no text; `extract`
asks this module for those pages. Each page is rendered by PDFium (pypdfium2) and read
by Tesseract through pytesseract, as printed lines in reading order with a blank line
between paragraphs, the same shape as a text extraction, so the minutes readers treat
an OCR'd document like any other without fonts.

OCR costs about a second a page (README: "Scanned pages"), so every file's result is
kept in a cache folder under the file's SHA-256: a reindex never reads the same scan
twice. What OCR settings are in force, and what it did, is per process
(`using(settings)`), so a reindex worker reads with the config's settings and reports
its page counts, while `extract(path)` works anywhere with the defaults.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGE = "dan"  # Tesseract's Danish model (Debian: tesseract-ocr-dan)
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-dan"
CACHE_VERSION = 8  # bump when what is cached (or how lines are built) changes
DEFAULT_DPI = 300
DEFAULT_PAGE_SECONDS = 120.0  # ~2 s a page here; a loaded machine is slower


@dataclass(frozen=True)
class OcrSettings:
    """The `[ocr]` section of the config."""

    enabled: bool = True
    cache: Path | None = None  # folder of cached results; None: no cache
    dpi: int = DEFAULT_DPI  # pages are rendered at this resolution for Tesseract
    page_seconds: float = DEFAULT_PAGE_SECONDS  # what one page may take (its own budget)


@dataclass
class OcrStats:
    """What OCR did in one `using` block: pages read by Tesseract now, pages taken from
    the cache, pages left unread (OCR off or not installed, with the reason)."""

    pages: int = 0
    cached: int = 0
    seconds: float = 0.0
    skipped: int = 0
    problem: str = ""

    def as_dict(self) -> dict:
        return {
            "pages": self.pages,
            "cached": self.cached,
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped,
            "problem": self.problem,
        }


class OcrUnavailable(Exception):
    """OCR is off or cannot run here; the message says why and what to install."""


@dataclass
class OcrLine:
    """One printed line as Tesseract read it; `paragraph` changes where a new one
    starts. Positions are in points from the page's top left, like pdfminer's."""

    text: str
    top: float
    left: float
    paragraph: int


@dataclass
class _State:
    settings: OcrSettings = field(default_factory=OcrSettings)
    stats: OcrStats = field(default_factory=OcrStats)
    on_page: Callable[[float], None] | None = None  # told before each page is OCR'd


_state = _State()


@contextlib.contextmanager
def using(
    settings: OcrSettings | None, on_page: Callable[[float], None] | None = None
) -> Iterator[OcrStats]:
    """Read with `settings` inside the block and count what was done. `on_page(seconds)`
    is called before each page goes to Tesseract with the page's budget (a reindex
    worker extends its time limit by it, see workers.more_time)."""
    global _state
    previous = _state
    _state = _State(settings or OcrSettings(), OcrStats(), on_page)
    try:
        yield _state.stats
    finally:
        _state = previous


# -- Is it here? ----------------------------------------------------------------------------

_checked: dict[str, str] = {}  # PATH -> "" when Tesseract and Danish are there, else why


def problem() -> str:
    """Why OCR cannot run here ("" when it can), naming the Debian package to install."""
    key = os.environ.get("PATH", "") + "|" + os.environ.get("TESSDATA_PREFIX", "")
    if key not in _checked:
        _checked[key] = _find_problem()
    return _checked[key]


def _find_problem() -> str:
    try:
        import pytesseract
    except ImportError:
        return "pytesseract is not installed (pip install -e . installs it)"
    try:
        pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError:
        return f"Tesseract is not installed: {INSTALL_HINT}"
    try:
        languages = pytesseract.get_languages(config="")
    except Exception as exc:  # noqa: BLE001 - an odd install: say what it said
        return f"Tesseract cannot list its languages ({exc}): {INSTALL_HINT}"
    if LANGUAGE not in languages:
        return f"Tesseract has no Danish language data: {INSTALL_HINT}"
    return ""


# -- Reading pages --------------------------------------------------------------------------


def read_pages(data: bytes, pages: list[int]) -> dict[int, list[OcrLine]]:
    """The lines of `pages` (1-based) of the PDF `data`, from the cache or Tesseract.
    Raises OcrUnavailable when OCR is off or missing (the pages are counted skipped)."""
    if not pages:
        return {}
    settings, stats = _state.settings, _state.stats
    reason = "OCR is off (ocr.enabled in the config)" if not settings.enabled else problem()
    if reason:
        stats.skipped += len(pages)
        stats.problem = reason
        raise OcrUnavailable(reason)
    key = _cache_key(data, settings)
    cached = _load(settings.cache, key)
    found = {p: cached[p] for p in pages if p in cached}
    stats.cached += len(found)
    todo = [p for p in pages if p not in found]
    if todo:
        started = time.monotonic()
        found |= _ocr(data, todo, settings)
        stats.seconds += time.monotonic() - started
        stats.pages += len(todo)
        _store(settings.cache, key, cached | found)
    return found


def _ocr(data: bytes, pages: list[int], settings: OcrSettings) -> dict[int, list[OcrLine]]:
    import pypdfium2
    import pytesseract

    # One Tesseract thread: the reindex already runs a worker per core.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:  # pdfminer read it, PDFium cannot
        raise OcrFailed(f"the scanned pages could not be rendered for OCR ({exc})") from None
    try:
        out = {}
        for number in pages:
            if _state.on_page:
                _state.on_page(settings.page_seconds)
            try:
                image = _render(pdf, number, settings.dpi)
            except MemoryError:
                raise
            except Exception as exc:  # noqa: BLE001 - PDFium's errors on a damaged page
                raise OcrFailed(f"page {number} could not be rendered for OCR ({exc})") from None
            try:
                table = _read_upright(image, settings.page_seconds)
            except pytesseract.TesseractError as exc:
                raise OcrFailed(f"Tesseract could not read page {number} ({exc})") from None
            except RuntimeError as exc:  # pytesseract's timeout
                raise OcrFailed(
                    f"OCR of page {number} took longer than {settings.page_seconds:g} s "
                    "(ocr.page_seconds in the config)"
                ) from exc
            out[number] = lines_from_table(table, 72 / settings.dpi)
        return out
    finally:
        pdf.close()


_POOR_CONFIDENCE = 60  # Tesseract's mean word confidence below which a page is suspect


def _read_upright(image, seconds: float) -> dict:
    """Tesseract's word table of a page, turned upright first when the page reads
    poorly and Tesseract's orientation detection says it is turned (a landscape scan
    filed upside down). Orientation detection costs time, so only poor pages pay."""
    import pytesseract

    def read(img):
        return pytesseract.image_to_data(
            img, lang=LANGUAGE, config="--psm 3", output_type=pytesseract.Output.DICT,
            timeout=seconds,
        )  # fmt: skip

    table = read(image)
    if _confidence(table) >= _POOR_CONFIDENCE:
        return table
    try:
        osd = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT, timeout=seconds)
    except pytesseract.TesseractError:
        return table  # too little text to tell
    if not osd.get("rotate"):
        return table
    turned = read(image.rotate(-osd["rotate"], expand=True))
    return turned if _confidence(turned) > _confidence(table) else table


def _confidence(table: dict) -> float:
    """Mean confidence of the words, weighted by their length."""
    total = weight = 0.0
    for word, conf in zip(table["text"], table["conf"], strict=True):
        if word and word.strip() and float(conf) >= 0:
            total += float(conf) * len(word)
            weight += len(word)
    return total / weight if weight else 0.0


MAX_PIXELS = 40_000_000  # an A3 page at 300 dpi is 17 million; a poster is made smaller


def _render(pdf, number: int, dpi: int):
    """The page as a grey image at `dpi`, or smaller where a huge page would take
    gigabytes (a hostile file's 5 m page)."""
    page = pdf[number - 1]
    try:
        width, height = page.get_size()  # points
        scale = min(dpi / 72, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
        return page.render(scale=scale, grayscale=True).to_pil()
    finally:
        page.close()


class OcrFailed(Exception):
    """Tesseract could not read a page; the message is meant for a person."""


def lines_from_table(table: dict, points_per_pixel: float) -> list[OcrLine]:
    """Tesseract's word table (image_to_data) -> printed lines in its reading order.

    Dust on a scan is read as tiny "words" (".", "'", "i" three pixels high): a word of
    one or two characters under half the page's usual word height is dropped, unless it
    is a dash, and so is a word of punctuation Tesseract is unsure of (or of one or two
    letters it is very unsure of). A lone bracket, or a lone 1, l or I before a date, is
    the bar of a running header ("KKR Hovedstaden ] 14-06-2023"). A wide gap inside a
    line becomes a tab, as in extract.py's PDF lines ("KKR Hovedstaden | 14-06-2023
    <tab> SIDE | 3"). Tesseract's em dash is the en dash Danish print uses."""
    heights = sorted(
        table["height"][i] for i, w in enumerate(table["text"]) if w and len(w.strip()) > 2
    )
    usual = heights[len(heights) // 2] if heights else 0
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(table["text"]):
        word = (word or "").strip()
        if not word:
            continue
        key = (table["block_num"][i], table["par_num"][i], table["line_num"][i])
        if word in _BAR_LOOKALIKES and _DATE_RE.match(_next_word(table, i)):
            table["text"][i] = "|"  # "KKR Sjælland 1 12-09-2024": a header's bar
        elif _is_dust(word, table["height"][i], float(table["conf"][i]), usual):
            continue
        lines.setdefault(key, []).append(i)
    for words in lines.values():  # a dash at a line's end that Tesseract doubts: a speck
        while words and table["text"][words[-1]].strip() in _DASHES and (
            float(table["conf"][words[-1]]) < 50
        ):
            words.pop()
    lines = {key: words for key, words in lines.items() if words}
    out: list[OcrLine] = []
    paragraphs: dict[tuple[int, int], int] = {}
    for (block, par, _), words in lines.items():
        words.sort(key=lambda i: (table["word_num"][i], table["left"][i]))
        text, right = "", None
        for i in words:
            if right is not None:
                gap = table["left"][i] - right
                text += "\t" if gap > 3 * max(usual, 1) else " "
            word = table["text"][i].strip().replace("—", "–")
            text += "|" if word in ("]", "[") else word
            right = table["left"][i] + table["width"][i]
        top = min(table["top"][i] for i in words) * points_per_pixel
        left = min(table["left"][i] for i in words) * points_per_pixel
        paragraph = paragraphs.setdefault((block, par), len(paragraphs))
        text = _strip_stray_quotes(_QUOTED_BAR_RE.sub(" | ", text))
        out.append(OcrLine(text, round(top, 1), round(left, 1), paragraph))
    return out


_QUOTED_BAR_RE = re.compile(r" ?[\"'“”‘’]+\|[\"'“”‘’]* ?| ?[\"'“”‘’]*\|[\"'“”‘’]+ ?")


def _is_dust(word: str, height: int, conf: float, usual: int) -> bool:
    if word in _DASHES:
        return False
    if len(word) <= 2 and height < usual / 2:
        return True
    if len(word) <= 2 and conf < 40 and not any(c.isdigit() for c in word):
        return True  # not "1.": a part's number in bold is read with little confidence
    return not any(c.isalnum() for c in word) and conf < 60


def _next_word(table: dict, i: int) -> str:
    for j in range(i + 1, len(table["text"])):
        if (table["text"][j] or "").strip():
            same = table["line_num"][j] == table["line_num"][i]
            return table["text"][j].strip() if same else ""
    return ""


def _strip_stray_quotes(text: str) -> str:
    """A speck beside a word is read as a quote mark ('"SAG-2024-00417 tfr', '”SIDE | 7'):
    one quote mark alone in a line (or in a piece of it set apart by a tab), at its
    start or end, is dropped."""
    if "\t" in text:
        return "\t".join(_strip_stray_quotes(piece) for piece in text.split("\t"))
    if text and sum(text.count(q) for q in _QUOTES) == 1:
        if text[0] in _QUOTES:
            return text[1:].lstrip()
        if text[-1] in _QUOTES:
            return text[:-1].rstrip()
    return text


_QUOTES = "\"'‘’“”„»«"
_BAR_LOOKALIKES = {"1", "l", "I", "!", "]", "[", "|"}
_DATE_RE = re.compile(r"\d{2}-\d{2}-\d{4}$")


_DASHES = {"-", "–", "—"}


# -- The cache ------------------------------------------------------------------------------


def _cache_key(data: bytes, settings: OcrSettings) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest}-{LANGUAGE}-{settings.dpi}-v{CACHE_VERSION}"


def _cache_file(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.json"


def _load(folder: Path | None, key: str) -> dict[int, list[OcrLine]]:
    if folder is None:
        return {}
    try:
        raw = json.loads(_cache_file(folder, key).read_text(encoding="utf-8"))
        return {int(p): [OcrLine(*row) for row in rows] for p, rows in raw["pages"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # not cached, or a damaged entry: read it again


def _store(folder: Path | None, key: str, pages: dict[int, list[OcrLine]]) -> None:
    """Written whole and renamed into place: a reader never sees half an entry. A cache
    that cannot be written costs time, never the file's text."""
    if folder is None:
        return
    target = _cache_file(folder, key)
    rows = {
        str(p): [[ln.text, ln.top, ln.left, ln.paragraph] for ln in lines]
        for p, lines in sorted(pages.items())
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"pages": rows}, f, ensure_ascii=False)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
