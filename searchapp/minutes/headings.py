"""Where each agenda item starts: its numbered heading.

Every system numbers its items ("Punkt 2: Title", "2. Title", "2 Title", "3.4. Title")
and sets the heading apart from the text, by a larger or bold font and by what follows
it (a case number, a section name). Numbered lists inside an item look the same in
words ("1. Aarhus Byråd træffer ..."), so a heading is found as a *style*: the lines
of one pattern in one font whose numbers run on (1, 2, 3, ...) through the document,
set apart from the body text, best agreeing with the table of contents.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..casenumbers import case_number_line
from ..extract import Line
from ..sections import section_kind
from .toc import Toc, title_key

_PATTERNS = (
    # "Punkt 2: Title", "Pkt. 2 Title", "Dagsordenspunkt 2 - Title", "Punkt 2" (title below)
    ("punkt", re.compile(
        r"^(?:punkt|pkt\.?|dagsordenspunkt|dagsordenpunkt|sag\s+nr\.?)\s*"
        r"(?P<number>\d{1,3}[a-z]?)\b\.?\s*[:.\-–)]?\s*(?P<title>.*)$", re.I)),
    # "3.4. Title", "3.4 Title"
    ("sub", re.compile(r"^(?P<number>\d{1,2}\.\d{1,2})\.?\s+(?P<title>\S.*)$")),
    # "2. Title", "2) Title"
    ("dot", re.compile(r"^(?P<number>\d{1,3}[a-z]?)\s?[.)]\s*(?P<title>[^\W\d_].*)$")),
    # "2 Title" (only with the font setting it apart)
    ("bare", re.compile(r"^(?P<number>\d{1,3})\s+(?P<title>[A-ZÆØÅ\"«„].*)$")),
    # "2." alone, the title on the lines below (only with the font setting it apart)
    ("alone", re.compile(r"^(?P<number>\d{1,3})\s?[.:)]?(?P<title>)$")),
)  # fmt: skip

_CLOSED_TITLE_RE = re.compile(
    r"^(?:lukket(?:\s+punkt|\s+sag)?|fortroligt?|fortrolig\s+sag)\s*(?:[:\-–]\s*|$)"
    r"|[(\[](?:lukket|fortroligt?)(?:\s+punkt|\s+sag)?[)\]]$"
    r"|\s[-–]\s+(?:lukket|fortroligt?)(?:\s+punkt|\s+sag)?$",
    re.I,
)


@dataclass
class Heading:
    index: int  # the heading line in the document's lines
    number: str
    title: str
    pattern: str
    style: tuple  # (pattern, size, bold): one heading style of one document


@dataclass(frozen=True)
class BodyFont:
    size: float
    bold: bool

    def sets_apart(self, line: Line) -> bool:
        """Larger than the body text, or bold where the body is not."""
        return line.size > self.size + 0.4 or (line.bold and not self.bold)


def body_font(lines: list[Line]) -> BodyFont | None:
    """The font most of the text is set in (by characters); None for text files."""
    counts: Counter[tuple[float, bool]] = Counter()
    for line in lines:
        if line.has_font:
            counts[(round(line.size, 1), line.bold)] += len(line.text)
    if not counts:
        return None
    (size, bold), _ = counts.most_common(1)[0]
    return BodyFont(size, bold)


def _match(text: str):
    for name, pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            return name, m
    return None


def _next_texts(lines: list[Line], i: int, n: int) -> list[Line]:
    found = []
    for line in lines[i + 1 :]:
        if line.text.strip():
            found.append(line)
            if len(found) == n:
                break
    return found


def _announces_item(lines: list[Line], i: int) -> bool:
    """A case number or a section name follows within the title's few lines."""
    for line in _next_texts(lines, i, 5):
        text = line.text.strip()
        if case_number_line(text) or section_kind(text) or _is_case_label(text):
            return True
    return False


_CASE_LABEL_RE = re.compile(
    r"^(?:sagsnr|sags\s*nr|sagsnummer|sag\s*nr|j\.\s*nr|journalnr|dok\.\s*nr|sagsid|sags-id)"
    r"\b\.?\s*:?", re.I,
)  # fmt: skip


def _is_case_label(text: str) -> bool:
    return bool(_CASE_LABEL_RE.match(text))


def _title_follows(lines: list[Line], i: int) -> bool:
    """A number alone on its line heads an item when a title in the same type follows."""
    nxt = _next_texts(lines, i, 1)
    if not nxt:
        return False
    line, after = lines[i], nxt[0]
    text = after.text.strip()
    if not text[:1].isalpha() or case_number_line(text) or section_kind(text):
        return False
    return not line.has_font or (abs(after.size - line.size) < 0.6 and after.bold == line.bold)


def candidates(lines: list[Line], start: int, font: BodyFont | None) -> list[Heading]:
    found = []
    for i in range(start, len(lines)):
        line = lines[i]
        text = line.text.strip()
        if not text or len(text) > 250:
            continue
        matched = _match(text)
        if not matched:
            continue
        name, m = matched
        if name == "alone" and not _title_follows(lines, i):
            continue
        if font is not None:
            if not font.sets_apart(line) and name != "punkt":
                continue  # a numbered list in the body text
            style = (name, round(line.size), line.bold)
        else:
            if not _announces_item(lines, i):
                continue  # text files: only what a case number or section name follows
            style = (name, 0, False)
        found.append(Heading(i, m["number"], m["title"].strip(), name, style))
    return found


def _number_value(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", number))


def _runs_on(prev: Heading, cur: Heading) -> bool:
    """cur can follow prev in one numbering: 2 after 1, 7 after 4 (items left out of
    the open minutes), 3.1 after 2.4; never backwards, never a wild jump."""
    a, b = _number_value(prev.number), _number_value(cur.number)
    if len(a) != len(b):
        return False
    if b <= a:
        return False
    return b[0] - a[0] <= 4


def _best_chain(group: list[Heading]) -> list[Heading]:
    """The longest run of headings whose numbers run on, in document order."""
    best: list[list[Heading]] = []
    for k, heading in enumerate(group):
        chain = [heading]
        for prev_k in range(k):
            prev_chain = best[prev_k]
            if _runs_on(prev_chain[-1], heading) and len(prev_chain) + 1 > len(chain):
                chain = prev_chain + [heading]
        best.append(chain)
    if not best:
        return []
    return max(best, key=lambda c: (len(c), -_gaps(c)))


def _gaps(chain: list[Heading]) -> int:
    values = [_number_value(h.number)[-1] for h in chain]
    return sum(b - a - 1 for a, b in zip(values, values[1:], strict=False) if b > a)


def find_headings(
    lines: list[Line], start: int, toc: Toc | None, font: BodyFont | None
) -> list[Heading]:
    """The item headings of the document: the best-scoring style's chain."""
    by_style: dict[tuple, list[Heading]] = {}
    for heading in candidates(lines, start, font):
        by_style.setdefault(heading.style, []).append(heading)
    toc_keys = {title_key(e.title) for e in toc.entries} if toc else set()
    toc_count = len(toc.entries) if toc else 0
    scored = []
    for style, group in by_style.items():
        chain = _best_chain(group)
        if not chain:
            continue
        announced = sum(1 for h in chain if _announces_item(lines, h.index))
        in_toc = sum(1 for h in chain if toc_keys and _title_in(h.title, toc_keys))
        size = style[1]
        score = (
            len(chain)
            + announced
            + 2 * in_toc
            - _gaps(chain)
            + (2 if toc_count and len(chain) == toc_count else 0)
            + size * 0.01  # the larger font, all else equal
        )
        scored.append((score, chain))
    if not scored:
        return []
    return max(scored, key=lambda sc: sc[0])[1]


def _title_in(title: str, toc_keys: set[str]) -> bool:
    key = title_key(title)
    return any(key and (key.startswith(k[:25]) or k.startswith(key[:25])) for k in toc_keys)


def closed_title(title: str) -> bool:
    """ "Lukket: Køb af landbrugsejendom", "Lukket punkt", "Fortroligt - ...",
    "Salg af grund (Lukket)", "Salg af grund - lukket punkt"."""
    return bool(_CLOSED_TITLE_RE.search(title))


def headings_from_toc(lines: list[Line], toc: Toc, font: BodyFont | None) -> list[Heading]:
    """Items without numbers in the text, found by the contents' titles: the lines after
    the contents that begin an entry's title, set apart from the body text, in order."""
    found: list[Heading] = []
    i = toc.end
    for n, entry in enumerate(toc.entries, 1):
        key = title_key(entry.title)[:25]
        if not key:
            continue
        for j in range(i, len(lines)):
            line = lines[j]
            if not line.text.strip() or (font is not None and not font.sets_apart(line)):
                continue
            if title_key(line.text).startswith(key):
                number = entry.number or str(n)
                found.append(Heading(j, number, line.text.strip(), "toc", ("toc", 0, False)))
                i = j + 1
                break
    return found
