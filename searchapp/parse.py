"""Clean lines -> a meeting and its agenda items.

Minutes are laid out as parts ("3. Regionalpolitiske sager", at the top of a page),
numbered items ("3.4. Title", a case number on the next line) and labelled sections.
Numbered lists inside an item look like parts and items too, so a heading is only
accepted where the numbering, the page position and the fonts agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .casenumbers import case_number_line
from .decisions import classify_decision
from .extract import Line
from .models import AgendaItem, Meeting, Section, item_id
from .paragraphs import join_paragraphs

__all__ = ["classify_decision", "parse_lines"]

SECTION_LABELS = {
    "baggrund": "background",
    "indstilling": "recommendation",
    "indstillinger": "recommendation",
    "sagsfremstilling": "presentation",
    "bilag": "attachments",
    "vedlagte bilag": "attachments",
    "beslutning": "decision",
}

_ITEM_RE = re.compile(r"^(?P<part>\d{1,2})\.(?P<sub>\d{1,2})\.?\s+(?P<title>\S.*)$")
_PART_RE = re.compile(r"^(?P<part>\d{1,2})\.\s+(?P<title>[^\W\d_].*)$")
_URL_RE = re.compile(r"https?://[^\s<>()\"”’]+|www\.[^\s<>()\"”’]+")
# "ressourcer , som": a typesetting artefact of the published minutes.
_LIST_START_RE = re.compile(r"^([–\-•*]\s|\d{1,2}[.)]\s|[a-z]\)\s)")

PART_SIZE = 13.0  # points: parts are set in 14 pt, item titles in 11 pt, body in 10
TITLE_SIZE = 10.5


# -- headings -------------------------------------------------------------------------


def _label(line: Line) -> str | None:
    key = line.text.strip().rstrip(":").strip().lower()
    if key not in SECTION_LABELS:
        return None
    if line.has_font and not line.bold and key != "vedlagte bilag":
        return None
    return SECTION_LABELS[key]


def _next_texts(lines: list[Line], i: int, n: int) -> list[tuple[int, Line]]:
    found = []
    j = i + 1
    while j < len(lines) and len(found) < n:
        if lines[j].text.strip():
            found.append((j, lines[j]))
        j += 1
    return found


def _is_item_heading(lines: list[Line], i: int) -> tuple[int, int] | None:
    """Return (part, sub) when line i opens a numbered item."""
    line = lines[i]
    m = _ITEM_RE.match(line.text.strip())
    if not m:
        return None
    if line.has_font:
        if not line.bold or line.size < TITLE_SIZE:
            return None
        return int(m["part"]), int(m["sub"])
    # Text files: a case number or a section label must follow within the title's wrap.
    for _, nxt in _next_texts(lines, i, 4):
        if case_number_line(nxt.text) or _label(nxt):
            return int(m["part"]), int(m["sub"])
        if _ITEM_RE.match(nxt.text.strip()):
            break
    return None


def _part_heading(lines: list[Line], i: int, current: int, item_parts: list[tuple[int, int]]):
    """Return the part number when line i opens a part of the agenda.

    A part starts at the top of a page, continues the numbering, and no later item
    still belongs to the part before it (which rules out "4. Cirkulære indkøb" in a
    numbered list inside item 3.2).
    """
    line = lines[i]
    m = _PART_RE.match(line.text.strip())
    if not m or _ITEM_RE.match(line.text.strip()):
        return None
    number = int(m["part"])
    big = line.has_font and line.bold and line.size >= PART_SIZE
    if not big and not (line.page_start and number == current + 1):
        return None
    if number <= current or len(m["title"]) > 90:
        return None
    later = [p for pos, p in item_parts if pos > i]
    if later and later[0] < number and not big:
        return None
    return number


# -- the parser -----------------------------------------------------------------------


@dataclass
class _Draft:
    number: str
    title_lines: list[str]
    part: str
    pages: list[int] = field(default_factory=list)
    case_number: str = ""
    case_handler: str = ""
    sections: dict[str, list[Line]] = field(default_factory=dict)  # kind -> its lines
    names: dict[str, str] = field(default_factory=dict)  # kind -> its label as printed
    body: list[Line] = field(default_factory=list)  # every line after the title

    def has_content(self) -> bool:
        return any(line.text.strip() for line in self.body)


def parse_lines(lines: list[Line], committee: str, meeting_date: str, source: str) -> Meeting:
    meeting = Meeting(committee, meeting_date, source)
    item_parts = []
    for i in range(len(lines)):
        heading = _is_item_heading(lines, i)
        if heading:
            item_parts.append((i, heading[0]))

    current_part = 0
    part_title = ""
    last_sub = 0
    draft: _Draft | None = None
    section: str | None = None
    i = 0

    def close():
        if draft is not None and (draft.has_content() or "." in draft.number):
            meeting.items.append(_finish(draft, committee, meeting_date, source))

    while i < len(lines):
        line = lines[i]
        text = line.text.strip()
        if not text:
            if draft is not None:
                draft.body.append(line)
                if section:
                    draft.sections.setdefault(section, []).append(line)
            i += 1
            continue

        part_no = _part_heading(lines, i, current_part, item_parts)
        if part_no is not None:
            close()
            current_part, last_sub = part_no, 0
            part_title = f"{part_no}. {_PART_RE.match(text)['title'].strip()}"
            draft = _Draft(str(part_no), [_PART_RE.match(text)["title"].strip()], part_title)
            draft.pages.append(line.page)
            section = None
            i += 1
            continue

        heading = _is_item_heading(lines, i) if current_part else None
        if heading and heading[0] == current_part and heading[1] > last_sub:
            close()
            last_sub = heading[1]
            m = _ITEM_RE.match(text)
            draft = _Draft(f"{heading[0]}.{heading[1]}", [m["title"].strip()], part_title)
            draft.pages.append(line.page)
            section = None
            i = _read_title_and_case(lines, i + 1, draft, line)
            continue

        if draft is None:  # front matter before the first part
            i += 1
            continue

        label = _label(line)
        if label:
            section = label
            draft.sections.setdefault(label, [])
            draft.names.setdefault(label, line.text.strip().rstrip(":").strip())
            draft.pages.append(line.page)
            # Labels stay in the whole text as paragraph headings.
            draft.body.extend([Line("", line.page), line, Line("", line.page)])
            i += 1
            continue
        draft.body.append(line)
        draft.pages.append(line.page)
        if section:
            draft.sections.setdefault(section, []).append(line)
        i += 1
    close()
    return meeting


def _read_title_and_case(lines: list[Line], i: int, draft: _Draft, first: Line) -> int:
    """Collect the title's wrapped lines and the case number line after it."""
    lookahead = _next_texts(lines, i - 1, 4)
    case_at = next((j for j, ln in lookahead if case_number_line(ln.text)), None)
    while i < len(lines):
        line = lines[i]
        text = line.text.strip()
        if not text:
            i += 1
            continue
        case = case_number_line(text)
        if case:
            draft.case_number = case.number.text
            draft.case_handler = case.handler
            draft.pages.append(line.page)
            return i + 1
        if _label(line):
            return i
        if first.has_font:
            is_title = line.bold and abs(line.size - first.size) < 0.6
        else:
            is_title = case_at is not None and i < case_at
        if not is_title:
            return i
        draft.title_lines.append(text)
        draft.pages.append(line.page)
        i += 1
    return i


def _attachment_titles(lines: list[Line]) -> list[str]:
    titles: list[str] = []
    for line in lines:
        text = line.text.strip()
        if not text or _URL_RE.fullmatch(text):
            continue
        continues = titles and (text[0].islower() or text[0].isdigit() or titles[-1].endswith("-"))
        if continues:
            titles[-1] = f"{titles[-1]} {text}"
        else:
            titles.append(text)
    return titles


def _finish(draft: _Draft, committee: str, meeting_date: str, source: str) -> AgendaItem:
    title = " ".join(t for t in draft.title_lines if t)
    title = re.sub(r"\s+", " ", title).strip()
    sections = {name: join_paragraphs(lines, _LIST_START_RE)
                for name, lines in draft.sections.items()}  # fmt: skip
    body = join_paragraphs(draft.body, _LIST_START_RE)
    decision = sections.get("decision", "")
    attachments = _attachment_titles(draft.sections.get("attachments", []))
    # In the document's order, under their labels as printed (models.Section).
    kept = [Section(draft.names.get(kind, kind), kind,
                    "\n".join(attachments) if kind == "attachments" else text)
            for kind, text in sections.items()]  # fmt: skip
    urls = list(dict.fromkeys(u.rstrip(".,;:") for u in _URL_RE.findall(body)))
    pages = sorted(set(draft.pages))
    return AgendaItem(
        id=item_id("", committee, meeting_date, draft.number),
        committee=committee,
        meeting_date=meeting_date,
        number=draft.number,
        title=title,
        part=draft.part,
        case_number=draft.case_number,
        case_handler=draft.case_handler,
        background=sections.get("background", ""),
        recommendation=sections.get("recommendation", ""),
        presentation=sections.get("presentation", ""),
        attachments=attachments,
        sections=[section for section in kept if section.text],
        decision=decision,
        text=f"{title}\n\n{body}".strip(),
        status=classify_decision(decision) if decision else "unknown",
        source=source,
        pages=list(range(pages[0], pages[-1] + 1)) if pages else [],
        urls=urls,
    )
