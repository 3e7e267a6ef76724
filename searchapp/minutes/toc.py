"""The table of contents ("Indholdsfortegnelse") that most minutes print after the
front page: the titles of the agenda items, often their numbers, and their pages.

It tells the parser how many items to expect and what they are called, and its lines
must not be mistaken for the items themselves ("1. Meddelelser ... 3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..extract import Line

_TOC_HEADING_RE = re.compile(r"^(?:indholdsfortegnelse|indhold|indholdsliste)\s*:?$", re.I)
# "Godkendelse af dagsorden......... 3", "1. Meddelelser 3", "Punkt 4 Title  12"
# Read backwards from the line's end, anchored: searched forwards, the three runs of
# spaces around the leader were split every way from every character (a line with 200
# spaces took 3 s, 1,000 hours; issue #14). See _leaders.
_LEADERS_REVERSED_RE = re.compile(r"\s*(?P<page>\d{1,4})\s*(?:\.{3,}|…+|_{3,}|\s{3,}|\t)\s*")
_PAGE_ONLY_RE = re.compile(r"^\s*(?P<page>\d{1,4})\s*$")
_DOTS_RE = re.compile(r"\.{3,}|…+")
_NUMBER_RE = re.compile(
    r"^(?:punkt\s+|pkt\.?\s*|sag\s+)?(?P<number>\d{1,3}(?:\.\d{1,2})?[a-z]?)\s*[.:)]?\s+(?P<title>\S.*)$",
    re.I,
)


@dataclass
class TocEntry:
    title: str
    number: str = ""  # "3" or "" when the contents list titles only
    page: int | None = None
    group: str = ""  # "Åbent referat" / "Lukket referat" when the contents groups them


@dataclass
class Toc:
    start: int  # index of the heading line
    end: int  # index after its last line
    entries: list[TocEntry]


# "Åbent referat" / "Lukket referat", "Til behandling - for lukkede døre": a group of
# items in the contents and in the text, never a section of the item before it.
GROUP_RE = re.compile(
    r"^(?:(?:til\s+\w+\s*[-–]\s*)?for\s+(?P<doors>åbne|lukkede)\s+døre"
    r"|(?P<open>åbent?|lukket|lukkede)\s+(?:referat|dagsorden|punkter|møde|del|sager))$",
    re.I,
)


def closes(group: re.Match) -> bool:
    """Whether the items after a group heading are closed."""
    word = group["open"] or group["doors"] or ""
    return word.lower().startswith("lukke")


def _leaders(text: str) -> tuple[int, int] | None:
    """(where the leader starts, the page) of "Title ......... 12", "Title   12" or
    "Title<TAB>12"; None when the line does not end so."""
    m = _LEADERS_REVERSED_RE.match(text[::-1])
    if m is None:
        return None
    return len(text) - m.end(), int(m["page"][::-1])


def find_toc(lines: list[Line]) -> Toc | None:
    """The contents, or None. It runs from its heading to the end of its page, and on
    over the next pages while their lines still look like contents (leaders and page
    numbers)."""
    start = next(
        (i for i, ln in enumerate(lines[:400]) if _TOC_HEADING_RE.match(ln.text.strip())), None
    )
    if start is None:
        return None
    page = lines[start].page
    end = start + 1
    while end < len(lines) and lines[end].page == page:
        end += 1
    while end < len(lines):
        nxt_page = lines[end].page
        j = end
        while j < len(lines) and lines[j].page == nxt_page:
            j += 1
        body = [ln for ln in lines[end:j] if ln.text.strip()]
        toc_like = sum(
            1 for ln in body if _leaders(ln.text) or _PAGE_ONLY_RE.match(ln.text)
        )
        if not body or toc_like < len(body) * 0.4:
            break
        end = j
    entries = _entries(lines[start + 1 : end])
    return Toc(start, end, entries) if entries else None


def _entries(lines: list[Line]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    group = ""
    pending = ""  # a title wrapped over lines, waiting for its page number
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if GROUP_RE.match(text):
            group = text
            pending = ""
            continue
        page_only = _PAGE_ONLY_RE.match(text)
        if page_only:
            if pending:
                entries.append(_entry(pending, int(page_only["page"]), group))
                pending = ""
            elif entries and entries[-1].page is None:
                entries[-1].page = int(page_only["page"])
            continue
        leaders = _leaders(text)
        if leaders:
            title = (pending + " " + text[: leaders[0]]).strip()
            entries.append(_entry(title, leaders[1], group))
            pending = ""
            continue
        # A title without its page yet: the page follows on its own line (eDoc), or the
        # title wraps and the page ends the next line.
        if pending and (text[:1].islower() or _DOTS_RE.search(pending)):
            pending = f"{pending} {text}"
        else:
            if pending:
                entries.append(_entry(pending, None, group))
            pending = text
    if pending:
        entries.append(_entry(pending, None, group))
    return entries


def _entry(text: str, page: int | None, group: str) -> TocEntry:
    text = _DOTS_RE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    m = _NUMBER_RE.match(text)
    if m:
        return TocEntry(m["title"].strip(), m["number"], page, group)
    return TocEntry(text, "", page, group)


def title_key(title: str) -> str:
    """For matching a contents title to a heading: letters and digits only, the title's
    start (contents lines get cut off: "... Hasselager-Kolt, med ti")."""
    return re.sub(r"[^0-9a-zæøå]+", "", title.lower())[:40]
