"""Clean lines of a minutes document -> the meeting and its agenda items, whatever
system printed it.

KL's KKR minutes have a parser of their own (`searchapp.parse`: parts, "3.4." items,
a running header naming the meeting). Every other layout is read by what all Danish
minutes share (see the modules here): a front page naming the body and the date
(`frontpage`), often a table of contents (`toc`), numbered item headings set apart by
their font (`headings`), case-number lines and sections under the usual Danish names
(`items`). The layout is named after the system when the document shows which it is
("Punkt N:" headings and EMN- case numbers: FirstAgenda; "Dok.nr." lines and
"<Udvalg>s beslutning den DD.MM.YYYY Punkt N": eDoc), but read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clean import CleanText
from ..decisions import classify_decision
from ..extract import Line
from ..models import AgendaItem, AttachmentRef, Meeting, Section, item_id
from ..municipalities import lookup
from ..parse import parse_lines
from ..people import read_attendance
from .frontpage import MeetingFacts, read_front_page
from .headings import body_font, closed_title, find_headings, headings_from_toc
from .items import (
    DraftItem,
    LabelStyle,
    attachment_titles,
    paragraphs,
    read_item,
    urls_in,
)
from .toc import GROUP_RE, closes, find_toc

__all__ = ["MinutesError", "parse_minutes"]


class MinutesError(Exception):
    """The document cannot be read as minutes; the message says what was looked for."""


@dataclass(frozen=True)
class Fallbacks:
    """What the caller knows when the document does not say: the committee and date in
    the file name, the municipality the config names for the folder."""

    committee: str = ""
    meeting_date: str = ""
    municipality: str = ""


def parse_minutes(cleaned: CleanText, source: str, fallbacks: Fallbacks) -> Meeting:
    lines = cleaned.lines
    if cleaned.header.committee and cleaned.header.meeting_date:
        meeting = _kkr(cleaned, source, fallbacks)
        if meeting.items:
            return meeting
    font = body_font(lines)
    toc = find_toc(lines)
    headings = find_headings(lines, toc.end if toc else 0, toc, font)
    if not headings and toc:
        # Items whose headings carry no number: found by the contents' titles; else a
        # contents list with no items after it, so search the whole document.
        headings = headings_from_toc(lines, toc, font) or find_headings(lines, 0, None, font)
    front_end = headings[0].index if headings else len(lines)
    if toc and toc.start < front_end:
        front_end = toc.start
    facts = read_front_page(lines, cleaned.header.running, front_end)
    header = cleaned.header
    committee = (
        facts.committee or header.committee or _decision_body(lines) or fallbacks.committee
    )
    meeting_date = (
        facts.meeting_date or header.meeting_date or _decision_date(lines)
        or fallbacks.meeting_date
    )
    if not meeting_date:
        raise MinutesError(
            "cannot tell the committee and meeting date (no meeting date found): looked for "
            + ", ".join(facts.looked_at)
            + ", the decisions' dates and a date in the file name"
        )
    # Items are worth finding even when no line names the committee.
    committee = committee or UNKNOWN_COMMITTEE
    if not headings:
        raise MinutesError(
            "no agenda items found: looked for numbered item headings ('Punkt 1: Title', "
            "'1. Title', '1.1 Title') set apart from the text by their font or followed by "
            "a case number or a section name"
            + (f", and for the {len(toc.entries)} titles of the contents" if toc else "")
        )
    municipality = facts.municipality or fallbacks.municipality
    meeting = Meeting(
        committee=committee,
        meeting_date=meeting_date,
        source=source,
        municipality=municipality,
        meeting_time=facts.meeting_time,
        place=facts.place,
        source_format=_layout_name(lines, headings),
        # The attendance is on the front page, before or after the contents.
        participants=read_attendance(ln.text for ln in lines[: headings[0].index]),
    )
    labels = LabelStyle(lines, font)
    closed_from = _closed_group_start(lines, headings)
    closed_in_toc = _closed_in_toc(toc)
    for k, heading in enumerate(headings):
        end = headings[k + 1].index if k + 1 < len(headings) else len(lines)
        draft = read_item(lines, heading, end, labels)
        if closed_from is not None and heading.index > closed_from:
            draft.closed = True
        if heading.number in closed_in_toc:
            draft.closed = True
        meeting.items.append(_finish(draft, meeting, facts))
    return meeting


def _body_of_its_own(committee: str) -> str:
    """KL's regional councils ("KKR Hovedstaden") and the regions are bodies of their own:
    the council is the "municipality". A municipality's committee in KL's layout
    ("Økonomiudvalget") names none; the config's [sources.municipality] may."""
    if committee.upper().startswith("KKR "):
        return committee
    return lookup(committee)


def _kkr(cleaned: CleanText, source: str, fallbacks: Fallbacks) -> Meeting:
    meeting = parse_lines(
        cleaned.lines, cleaned.header.committee, cleaned.header.meeting_date, source
    )
    meeting.municipality = fallbacks.municipality or _body_of_its_own(meeting.committee)
    meeting.source_format = "kkr"
    # KKR lists its members before the first item, on pages of their own.
    first_page = min((i.source_page or (i.pages[0] if i.pages else 0) for i in meeting.items),
                     default=0)  # fmt: skip
    meeting.participants = read_attendance(
        ln.text for ln in cleaned.lines if first_page and ln.page < first_page
    )
    return meeting


_DECISION_DATE_RE = re.compile(
    r"beslutning\s+(?:den|d\.)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})", re.I
)


def _decision_date(lines: list[Line]) -> str:
    """eDoc item PDFs have no front page, but every decision says its date."""
    from ..danish import find_date

    for line in lines:
        m = _DECISION_DATE_RE.search(line.text)
        if m:
            found = find_date(m["date"])
            if found:
                return found.iso
    return ""


UNKNOWN_COMMITTEE = "Ukendt udvalg"

_DECISION_BODY_RES = (
    re.compile(r"^beslutning\s+i\s+(?P<body>.{3,80}?)\s+(?:den|d\.)\s+\d", re.I),
    re.compile(r"^(?P<body>.{3,80}?)s\s+beslutning\s+(?:den|d\.)\s+\d", re.I),
)


def _decision_body(lines: list[Line]) -> str:
    """ "Beslutning i Økonomiudvalget den 20-06-2013" -> "Økonomiudvalget"; eDoc's
    "Sundheds- og Forebyggelsesudvalgets beslutning den ..." -> without the "s"."""
    for line in lines:
        text = line.text.strip()
        if len(text) > 140:
            continue
        for pattern in _DECISION_BODY_RES:
            m = pattern.match(text)
            if m:
                return m["body"].strip()
    return ""


def _closed_in_toc(toc) -> set[str]:
    """The numbers the contents lists under "Lukket referat" (or a like group)."""
    if toc is None:
        return set()
    closed = set()
    for entry in toc.entries:
        group = GROUP_RE.match(entry.group)
        if entry.number and group and closes(group):
            closed.add(entry.number)
    return closed


def _closed_group_start(lines: list[Line], headings) -> int | None:
    """The line after which items are closed: a "Lukket referat" heading between the
    items. One in the front matter or the contents is only a group of the contents
    (eDoc prints an empty "Lukket referat" group right before item 1)."""
    first = headings[0].index
    for i in range(first + 1, len(lines)):
        m = GROUP_RE.match(lines[i].text.strip())
        if m and closes(m):
            return i
    return None


def _layout_name(lines: list[Line], headings) -> str:
    """Which system printed it, where the document shows it; else "pdf"/"text", or
    "scan" for a PDF read by OCR."""
    texts = "\n".join(ln.text for ln in lines[:2000])
    if headings[0].pattern == "punkt" and re.search(r"\bEMN-\d{4}-\d+", texts):
        return "firstagenda"
    if re.search(r"^Dok\.nr\.:", texts, re.M) or re.search(
        r"s beslutning den \d{2}\.\d{2}\.\d{4} Punkt \d", texts
    ):
        return "edoc"
    if any(ln.ocr for ln in lines[:50]):
        return "scan"
    return "pdf" if any(ln.has_font for ln in lines[:50]) else "text"


def _finish(draft: DraftItem, meeting: Meeting, facts: MeetingFacts) -> AgendaItem:
    heading = draft.heading
    title = re.sub(r"\s+", " ", " ".join(draft.title_lines)).strip()
    closed = draft.closed or closed_title(title)
    pages = sorted(set(draft.pages))
    item = AgendaItem(
        id=item_id(meeting.municipality, meeting.committee, meeting.meeting_date, heading.number),
        committee=meeting.committee,
        meeting_date=meeting.meeting_date,
        number=heading.number,
        title=title,
        case_number=draft.case_numbers[0] if draft.case_numbers else "",
        case_numbers=list(draft.case_numbers),
        case_handler=draft.case_handler,
        document_number=draft.document_number,
        source=meeting.source,
        pages=list(range(pages[0], pages[-1] + 1)) if pages else [],
        source_page=pages[0] if pages else None,
        closed=closed,
    )
    if closed:
        # Only the title: what a closed item says was not published for everyone.
        item.text = title
        return item
    sections = []
    for draft_section in draft.sections:
        if draft_section.kind == "attachments":
            titles = attachment_titles(draft_section.lines)
            item.attachments.extend(titles)
            item.attachment_refs.extend(AttachmentRef(t) for t in titles)
            text = "\n".join(titles)
        else:
            text = paragraphs(draft_section.lines)
        if text or draft_section.name:
            sections.append(Section(draft_section.name, draft_section.kind, text))
    item.sections = sections
    item.summary = item.section_text("summary")
    item.background = item.section_text("background")
    item.presentation = item.section_text("presentation")
    item.recommendation = item.section_text("recommendation")
    item.decision = item.section_text("decision")
    parts = [title]
    for section in sections:
        parts.append(f"{section.name}\n\n{section.text}" if section.name else section.text)
    item.text = "\n\n".join(p for p in parts if p).strip()
    item.urls = urls_in(item.text)
    item.status = classify_decision(item.decision) if item.decision else "unknown"
    return item
