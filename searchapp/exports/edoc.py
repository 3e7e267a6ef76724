"""eDoc's AgendaPublishing export: `eDocAgendaPublishing.xml` and the meeting's PDFs.

The XML is one `<Meeting>` (Committee, MeetingDate) with its agendas
(`MeetingAgendaType`: "Åben dagsorden" or "Lukket dagsorden", the whole minutes as a
PDF) and their items (`MeetingAgendaItem`: AgendaItemNumber, the item's PDF,
`Document/Title`, `Document/PublishingType`, attachments with their PDFs, and a
`FullText` rendering of the item with "Sagsnr.:", "Dok.nr.:", its sections and the
decision "<Udvalg>s beslutning den DD.MM.YYYY Punkt N"). The meeting's own FullText
gives the place and the attendance.

Every PDF the XML names is the export's member: the minutes PDF beside it is the same
meeting, read once, through the XML. Items of a closed agenda, or marked as not to be
published, are their (neutral) title only. The FullText's table of contents is not
used to tell open from closed: eDoc prints an empty "Lukket referat" group there right
before the first open item.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..casenumbers import case_number_line
from ..ingest import IngestError
from ..models import AgendaItem, AttachmentRef, Meeting, Section
from ..municipalities import find_in_text
from ..people import read_attendance
from ..sections import section_kind
from ..sources import Reader, ReadOptions, register
from .base import (
    ExportError,
    build_item,
    case_numbers,
    number_key,
    parse_when,
    parse_xml,
    text_of,
    xml_root_name,
)

FORMAT = "edoc-xml"
# The name is stripped in Python: "\s*([^<]+?)\s*" tried every split of a run of spaces
# (the parent process reads this while it scans: hours for one file; issue #14).
_PDF_RE = re.compile(rb"<PDFDocument>([^<]*)</PDFDocument>")


def sniff(path: Path, head: bytes) -> bool:
    return xml_root_name(head) == "Meeting" and (
        b"<MeetingAgendaTypes" in head or b"<MeetingDate" in head
    )


def members(path: Path) -> list[Path]:
    """The PDFs the XML names (minutes, items, attachments), as they are on disk."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    names = {
        m.group(1).strip().decode("utf-8", "replace").lower() for m in _PDF_RE.finditer(data)
    } - {""}
    folder = Path(path).parent
    try:
        return sorted(p for p in folder.iterdir() if p.name.lower() in names and p.is_file())
    except OSError:
        return []


def read(path: Path, options: ReadOptions) -> list[Meeting]:
    path = Path(path)
    try:
        root = parse_xml(path.read_bytes())
    except ExportError as exc:
        raise IngestError(path, f"an eDoc export that cannot be read: {exc}") from None
    if root.tag != "Meeting":
        raise IngestError(
            path, f"not an eDoc export: the XML's root is <{root.tag}>, not <Meeting>"
        )
    committee = text_of(root, "Committee")
    meeting_date, meeting_time = parse_when(text_of(root, "MeetingDate"))
    if not committee or not meeting_date:
        raise IngestError(
            path,
            "an eDoc export without its committee or meeting date "
            f"(<Committee> {committee!r}, <MeetingDate> {text_of(root, 'MeetingDate')!r})",
        )
    agendas = root.findall("MeetingAgendaTypes/MeetingAgendaType")
    header = "\n".join(_meeting_header(text_of(a, "FullText")) for a in agendas)
    place = _place(header)
    municipality = find_in_text(place) or find_in_text(header) or options.municipality
    files = _files(path.parent)
    meeting = Meeting(
        committee=committee,
        meeting_date=meeting_date,
        source=str(path),
        municipality=municipality,
        meeting_time=meeting_time,
        place=place,
        source_format=FORMAT,
        participants=read_attendance(header.splitlines()),
    )
    seen: set[str] = set()
    for agenda in agendas:
        closed_agenda = _is_closed_agenda(text_of(agenda, "AgendaType"))
        for position, element in enumerate(
            agenda.findall("MeetingAgendaItems/MeetingAgendaItem"), start=1
        ):
            item = _item(element, position, closed_agenda, meeting, files)
            if item.id not in seen:  # an item on both agendas is one item
                seen.add(item.id)
                meeting.items.append(item)
    meeting.items.sort(key=lambda i: number_key(i.number))
    return [meeting]


def _item(
    element: ET.Element, position: int, closed_agenda: bool, meeting: Meeting, files: dict
) -> AgendaItem:
    document = element.find("Document")
    number = text_of(element, "AgendaItemNumber") or str(position)
    title = text_of(document, "Title") or text_of(document, "NeutralTitle")
    closed = closed_agenda or not _is_public(document) or _closed_on_this_agenda(document, meeting)
    if closed:
        # eDoc's neutral title is the one meant for the public.
        title = text_of(document, "NeutralTitle") or title
    cases, document_number, sections = _read_full_text(text_of(element, "FullText"), number)
    cases = case_numbers(*cases, text_of(document, "CaseLogicIdentifier"))
    attachments = []
    for attachment in document.findall("Attachments/Attachment") if document is not None else ():
        if not _is_public(attachment):
            continue
        name = text_of(attachment, "Title") or text_of(attachment, "NeutralTitle")
        pdf = files.get(text_of(attachment, "PDFDocument").lower())
        attachments.append(AttachmentRef(title=name, path=str(pdf) if pdf else ""))
    item_pdf = files.get(text_of(element, "PDFDocument").lower())
    return build_item(
        municipality=meeting.municipality,
        committee=meeting.committee,
        meeting_date=meeting.meeting_date,
        number=number,
        title=title or f"Punkt {number}",
        sections=sections,
        source=meeting.source,
        source_format=FORMAT,
        closed=closed,
        case_numbers=cases,
        document_number=document_number,
        attachments=attachments,
        meeting_time=meeting.meeting_time,
        place=meeting.place,
        source_url=str(item_pdf) if item_pdf and not closed else "",
    )


# -- open and closed ------------------------------------------------------------------


def _is_closed_agenda(agenda_type: str) -> bool:
    return bool(re.search(r"\blukket\b", agenda_type, re.I))


def _is_public(element: ET.Element | None) -> bool:
    """PublishingType "SKAL PUBLICERES" or "KAN PUBLICERES" (or none given) publishes;
    "MÅ IKKE PUBLICERES", "SKAL IKKE PUBLICERES" and a closed public access do not."""
    if element is None:
        return True
    publishing = text_of(element, "PublishingType")
    access = text_of(element, "PublicAccess")
    if re.search(r"\b(?:ikke|lukket|nej)\b", publishing, re.I):
        return False
    return not re.search(r"\b(?:ikke|lukket|nej|false|fortrolig)\b", access, re.I)


def _closed_on_this_agenda(document: ET.Element | None, meeting: Meeting) -> bool:
    """The document lists the agendas it is on; on this committee's, is it closed?"""
    if document is None:
        return False
    for entry in document.findall("AgendaItems/AgendaItem"):
        if text_of(entry, "Committee") == meeting.committee:
            return _is_closed_agenda(text_of(entry, "AgendaType"))
    return False


# -- the item's FullText ----------------------------------------------------------------

_DOC_NR_RE = re.compile(r"^\s*Dok(?:ument)?\.?\s*-?\s*nr\.?\s*:?\s*(\S+)\s*$", re.I)
_MARKER_RE = re.compile(r"^\s*(?:[a-zA-Z]|\d{1,2}|[ivxIVX]{1,4})[.)]\s*$")
_HEADING_LINE_RE = re.compile(r"^\s*(\d{1,3}[a-z]?)\.?\s+(\S.*)$")


def _read_full_text(text: str, number: str) -> tuple[list[str], str, list[Section]]:
    """Case numbers, the document number and the sections of an item's FullText."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if lines:
        m = _HEADING_LINE_RE.match(lines[0])
        if m and m.group(1) == number:
            lines = lines[1:]  # "2.\tBygningsvedligeholdelse 2013 - anlægsbevilling"
    cases: list[str] = []
    document_number = ""
    sections: list[Section] = []
    name, kind, paragraphs = "", "presentation", []
    list_section: tuple[str, str] | None = None  # where a lettered list began
    pending_marker = ""

    def close() -> None:
        if paragraphs:
            sections.append(Section(name=name, kind=kind, text="\n\n".join(paragraphs)))

    for line in lines:
        if not sections and not paragraphs and not pending_marker:
            case = case_number_line(line)
            if case:
                cases.append(case.number.text)
                continue
            m = _DOC_NR_RE.match(line)
            if m:
                document_number = document_number or m.group(1)
                continue
        # The line after "d." is the list item's text, whatever it starts with.
        heading = section_kind(line) if _is_name(line) and not pending_marker else None
        if heading:
            close()
            name, kind, paragraphs = line.rstrip(":").strip(), heading, []
            pending_marker = ""
            continue
        if _MARKER_RE.match(line):
            if kind == "attachments" and list_section:
                # "c." after a "Bilag" under point b.: the list goes on, not the Bilag.
                close()
                (name, kind), paragraphs = list_section, []
            list_section = list_section or (name, kind)
            pending_marker = line.strip()
            continue
        paragraphs.append(f"{pending_marker} {line}" if pending_marker else line)
        pending_marker = ""
    close()
    return cases, document_number, sections


def _is_name(line: str) -> bool:
    return len(line) <= 120 and not line.endswith((".", ",", ";"))


# -- the meeting's FullText -------------------------------------------------------------


def _meeting_header(text: str) -> str:
    """The front page of the meeting's FullText: up to the table of contents."""
    head = re.split(r"\n\s*INDHOLDSFORTEGNELSE\s*\n", text, maxsplit=1, flags=re.I)[0]
    return "\n".join(head.splitlines()[:60])


_PLACE_LABEL_RE = re.compile(r"^(?:Sted|Mødested|Mødelokale)\s*:\s*(\S.*)$", re.I)
_WHEN_RE = re.compile(r"\bden\s+\d{1,2}\.\s*\w+\s+\d{4}|\bkl\.\s*\d{1,2}[.:]\d{2}", re.I)


def _place(header: str) -> str:
    """ "i Mødecenter C, Lokale 32 på Ballerup Rådhus" under the date line, or
    "Sted: ..." anywhere on the front page."""
    lines = [line.strip() for line in header.splitlines() if line.strip()]
    for line in lines:
        m = _PLACE_LABEL_RE.match(line)
        if m:
            return m.group(1).strip()
    for before, line in zip(lines, lines[1:], strict=False):
        if _WHEN_RE.search(before):
            m = re.match(r"^(?:i|på)\s+(\S.*)$", line)
            if m:
                return m.group(1).strip()
    return ""


# -- helpers ----------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, Path]:
    """The files beside the XML by their lower-case names: the XML writes "1552814.PDF"
    for a file a copy may have renamed to "1552814.pdf"."""
    try:
        return {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    except OSError:
        return {}


EDOC = register(Reader(FORMAT, sniff, read, members, priority=10))
