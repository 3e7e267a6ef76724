"""SBSYS publications: `PublicationN.xml` with `Enclosures/`, zipped or unzipped.

SBSYS (eDagsorden) publishes a meeting as a folder, often shipped as a zip:
`Publication32/Publication32.xml` and the attachments under `Enclosures/`. The XML's
`Publication/Agendas/Agenda` has the committee (`Committee/Name`), the meeting
(`Meeting/When`, `Where`, `Members`), and `Items/Item` with `Number`, `Caption`,
`IsPublic`, `Case`, the sections as `Fields/ItemField` (a `Caption` and HTML
`Content`, ordered by `Index`) and `Enclosures/Enclosure` (their files at
`InstantiationFilePathRelative`, written with backslashes). A publication of type
"Final" is the agenda: its decision fields are empty until the minutes are published.
An item with `IsPublic` false is its title only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..casenumbers import CaseNumber
from ..ingest import IngestError
from ..models import AgendaItem, AttachmentRef, Meeting, Participant, Position, Section
from ..municipalities import find_in_text
from ..people.names import ROLE_WORDS, clean_name, parse_entry
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
from .html import html_sections, html_text

FORMAT = "sbsys"
ROOT = "Publication"
# An XML entry bigger than this is no publication but a zip bomb or a mistake.
MAX_XML_BYTES = 256 * 1024 * 1024


# -- recognising ------------------------------------------------------------------------


def sniff(path: Path, head: bytes) -> bool:
    if head.startswith(b"PK\x03\x04"):
        return bool(_publication_entries(path))
    return xml_root_name(head) == ROOT


def _publication_entries(path: Path) -> list[zipfile.ZipInfo]:
    """The zip's XML entries whose root element is <Publication>."""
    try:
        with zipfile.ZipFile(path) as archive:
            found = []
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".xml"):
                    continue
                with archive.open(info) as f:
                    if xml_root_name(f.read(4096)) == ROOT:
                        found.append(info)
            return found
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError):
        return []  # an encrypted or broken zip is not a publication we can read


def members(path: Path) -> list[Path]:
    """The enclosure files of an unzipped publication (a zip's are inside it)."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        return []
    try:
        data = path.read_bytes()
    except OSError:
        return []
    found = []
    for m in re.finditer(rb"<InstantiationFilePathRelative>\s*(?:<!\[CDATA\[)?([^<\]]+)", data):
        relative = m.group(1).decode("utf-8", "replace").strip()
        if relative:
            found.append(_resolve(path.parent, relative))
    return sorted({p for p in found if p is not None and p.is_file()})


def _resolve(folder: Path, relative: str) -> Path | None:
    """ "Enclosures\\1.pdf" below the XML's folder; None for a path that leaves it."""
    parts = PureWindowsPath(relative.replace("/", "\\")).parts
    if not parts or PureWindowsPath(relative).anchor or ".." in parts:
        return None
    return folder.joinpath(*parts)


# -- reading ----------------------------------------------------------------------------


def read(path: Path, options: ReadOptions) -> list[Meeting]:
    path = Path(path)
    if path.suffix.lower() == ".zip" or _is_zip(path):
        documents = _read_zip(path)
        folder = None  # the enclosures are inside the zip, not files on disk
    else:
        documents = [(path.name, path.read_bytes())]
        folder = path.parent
    meetings: list[Meeting] = []
    for name, data in documents:
        try:
            root = parse_xml(data)
        except ExportError as exc:
            raise IngestError(
                path, f"an SBSYS publication whose {name} cannot be read: {exc}"
            ) from None
        if root.tag != ROOT:
            raise IngestError(path, f"not an SBSYS publication: {name} has <{root.tag}>")
        agendas = root.findall("Agendas/Agenda")
        if not agendas:
            raise IngestError(path, f"an SBSYS publication without agendas (no <Agenda> in {name})")
        inside = PurePosixPath(name).parent.as_posix() if folder is None else None
        for agenda in agendas:
            meetings.append(_meeting(agenda, path, folder, options, inside))
    return meetings


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _read_zip(path: Path) -> list[tuple[str, bytes]]:
    entries = _publication_entries(path)
    if not entries:
        raise IngestError(
            path, "a zip without an SBSYS publication (no XML file with <Publication> in it)"
        )
    documents = []
    with zipfile.ZipFile(path) as archive:
        for info in entries:
            if info.file_size > MAX_XML_BYTES:
                raise IngestError(
                    path, f"{info.filename} would unpack to {info.file_size:,} bytes: too big"
                )
            documents.append((info.filename, archive.read(info)))
    return documents


def _meeting(agenda: ET.Element, path: Path, folder: Path | None, options,
             inside: str | None = None) -> Meeting:  # fmt: skip
    committee = text_of(agenda, "Committee/Name") or text_of(agenda, "Name")
    when = text_of(agenda, "Meeting/When")
    meeting_date, meeting_time = parse_when(when)
    if not committee or not meeting_date:
        raise IngestError(
            path,
            f"an SBSYS agenda without its committee or meeting date (<Committee><Name> "
            f"{committee!r}, <Meeting><When> {when!r})",
        )
    place = text_of(agenda, "Meeting/Where") or text_of(agenda, "Committee/DefaultMeetingPlace")
    meeting = Meeting(
        committee=committee,
        meeting_date=meeting_date,
        source=str(path),
        municipality=find_in_text(place) or options.municipality,
        meeting_time=meeting_time or text_of(agenda, "Committee/DefaultMeetingTime"),
        place=place,
        source_format=FORMAT,
        participants=_members(agenda.findall("Meeting/Members/MeetingMember")),
    )
    for position, element in enumerate(agenda.findall("Items/Item"), start=1):
        meeting.items.append(_item(element, position, meeting, folder, inside))
    meeting.items.sort(key=lambda i: number_key(i.number))
    return meeting


# ParticipationStatusAsText: "NotDecided" until the secretary records attendance.
_ABSENT_STATUS_RE = re.compile(r"not\s*participat|absent|cancel|declin|afbud|fravær", re.I)
_PRESENT_STATUS_RE = re.compile(r"^(?:participat|present|attend|deltager|deltog|til\s*stede)", re.I)


def _members(elements: list[ET.Element]) -> list[Participant]:
    """`Meeting/Members/MeetingMember`: "Doris Børger (A)", the participation status
    (unknown while "NotDecided", as in an agenda) and the roles."""
    found = []
    for element in elements:
        raw = " ".join(text_of(element, "Name").split())
        if not raw:
            continue
        entry = parse_entry(raw)
        status = text_of(element, "ParticipationStatusAsText")
        present = (
            False if _ABSENT_STATUS_RE.search(status)
            else True if _PRESENT_STATUS_RE.search(status) else None
        )  # fmt: skip
        roles = " ".join(
            (r.text or "") for r in element.iter() if "Role" in r.tag and r.text
        ).lower()
        role = next((ROLE_WORDS[w] for w in re.findall(r"[a-zæøå]+", roles) if w in ROLE_WORDS),
                    entry.role if entry and entry.role else "medlem")  # fmt: skip
        found.append(Participant(
            name=entry.name if entry else clean_name(raw), party=entry.party if entry else "",
            role=role, present=present,
            absence="" if present is not False
            else "afbud" if re.search(r"cancel|declin|afbud", status, re.I) else "fraværende",
            source=f"MeetingMember {status}".strip(),
        ))  # fmt: skip
    return found


def _item(element: ET.Element, position: int, meeting: Meeting, folder: Path | None,
          inside: str | None = None) -> AgendaItem:  # fmt: skip
    """One item; `inside`: the XML's folder in the zip it came from (its enclosures are
    read from the zip: AttachmentRef.member), None for a publication on disk."""
    number = text_of(element, "Number") or str(position)
    closed = text_of(element, "IsPublic").lower() == "false"
    attachments = []
    for enclosure in element.findall("Enclosures/Enclosure"):
        title = text_of(enclosure, "Name") or text_of(enclosure, "FileName")
        relative = text_of(enclosure, "InstantiationFilePathRelative")
        file = _resolve(folder, relative) if folder is not None and relative else None
        member = _resolve(Path(inside), relative) if inside is not None and relative else None
        attachments.append(
            AttachmentRef(
                title=title,
                url=text_of(enclosure, "DownloadUrl"),
                path=meeting.source if member is not None
                else str(file) if file is not None and file.is_file() else "",
                member=member.as_posix().removeprefix("./") if member is not None else "",
            )
        )  # fmt: skip
    item = build_item(
        municipality=meeting.municipality,
        committee=meeting.committee,
        meeting_date=meeting.meeting_date,
        number=number,
        title=text_of(element, "Caption") or f"Punkt {number}",
        sections=_sections(element),
        source=meeting.source,
        source_format=FORMAT,
        closed=closed,
        case_numbers=case_numbers(*_case(element)),
        attachments=attachments,
        meeting_time=meeting.meeting_time,
        place=meeting.place,
    )
    if not closed:
        item.positions = _not_taking_part(element.findall("Members/ItemMember"))
    return item


def _not_taking_part(elements: list[ET.Element]) -> list[Position]:
    """`Items/Item/Members/ItemMember`: a member the item records as not taking part
    (a status of absence, or a note saying inhabil) while the meeting has them."""
    found = []
    for element in elements:
        raw = " ".join(text_of(element, "Name").split())
        status = text_of(element, "ParticipationStatusAsText")
        note = " ".join(text_of(element, "ParticipationNote").split())
        if not raw or not (_ABSENT_STATUS_RE.search(status) or re.search(r"inhabil", note, re.I)):
            continue
        entry = parse_entry(raw)
        found.append(Position(
            "not_participating", entry.party if entry else "",
            entry.name if entry else clean_name(raw),
            f"{raw}: {status}" + (f" ({note})" if note else ""),
        ))  # fmt: skip
    return found


def _case(element: ET.Element) -> list[str]:
    """ "Case/Number", or the number at the start of "Case/NumberAndTitle"
    ("13/12345 Title"); "-" is SBSYS's "no case"."""
    number = text_of(element, "Case/Number")
    if number:
        return [number]
    both = text_of(element, "Case/NumberAndTitle")
    first = both.split(maxsplit=1)[0] if both else ""
    return [first] if first and CaseNumber.parse(first) else []


def _sections(element: ET.Element) -> list[Section]:
    """The fields with content, by their Index: each field is one section, named by its
    caption; a field without a caption is split at the section headings it holds."""
    fields = element.findall("Fields/ItemField")
    fields.sort(key=lambda f: int(text_of(f, "Index")) if text_of(f, "Index").isdigit() else 0)
    sections: list[Section] = []
    for field in fields:
        if text_of(field, "HasContent").lower() == "false":
            continue
        caption = text_of(field, "Caption").rstrip(":").strip()
        content = text_of(field, "Content")
        if not content:
            continue
        if caption:
            text = html_text(content)
            if text:
                sections.append(Section(caption, section_kind(caption) or "other", text))
        else:
            sections.extend(html_sections(content, lead_kind="presentation"))
    return sections


SBSYS = register(Reader(FORMAT, sniff, read, members, priority=20))
