"""What the export readers share: reading an export's XML safely, and turning what an
export says about an item into the AgendaItem every reader produces.

Exports are written by systems, not people, yet they are not always well-formed: eDoc
writes form feeds as `&#xC;`, a character XML 1.0 forbids, so a strict parser refuses
the whole file. `parse_xml` reads such files, and refuses what could make a parser
reach outside the file (a DOCTYPE with entities): an export never needs one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from ..casenumbers import CaseNumber
from ..decisions import classify_decision
from ..models import AgendaItem, AttachmentRef, Section, item_id


class ExportError(Exception):
    """An export that cannot be read; the reason says what was looked for."""


# Character references to characters XML 1.0 forbids (C0 controls but tab, newline and
# carriage return), and the raw characters themselves.
_BAD_REF_RE = re.compile(r"&#(?:x0*([0-8bcefBCEF]|1[0-9a-fA-F])|0*([0-8]|1[124-9]|2[0-9]|3[01]));")
_BAD_CHAR_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.S)  # anchored: linear
_PROLOG_RE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def _bad_ref(m: re.Match) -> str:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return "\n" if code == 0x0C else " "  # a form feed is a page break: keep a break


def parse_xml(data: bytes) -> ET.Element:
    """The root of an export's XML. Forbidden control characters (written raw or as
    references) become spaces, a form feed a line break; a document type declaration
    is refused, so no entity can expand or point at another file."""
    text = _decode(data)
    if _has_doctype(text):
        raise ExportError("the XML declares a document type or entities, which no export does")
    text = _BAD_REF_RE.sub(_bad_ref, text)
    text = _BAD_CHAR_RE.sub(lambda m: "\n" if m.group() == "\x0c" else " ", text)
    # The declaration named the encoding of the bytes; the text is decoded already.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise ExportError(f"the XML is broken ({exc})") from None


def _has_doctype(text: str) -> bool:
    """Whether a DOCTYPE stands before the root element (where alone it may stand; an
    HTML field's "<!DOCTYPE html>" inside CDATA is text)."""
    rest = text.removeprefix("\ufeff")
    while m := _PROLOG_RE.match(rest):
        rest = rest[m.end() :]
    return rest.lstrip()[:9].upper() == "<!DOCTYPE"


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    m = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']", data)
    encoding = m.group(1).decode("ascii") if m else "utf-8"
    if encoding.lower().startswith("utf-16"):
        encoding = "utf-8"  # a file saved as UTF-8 that still says UTF-16
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        # Old Windows exports name no encoding and write cp1252.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")


def text_of(element: ET.Element | None, path: str = "") -> str:
    """The stripped text at `path` below `element`, "" when absent."""
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "").strip() if found is not None else ""


def xml_root_name(head: bytes) -> str:
    """The name of the root element in the first bytes of an XML file, "" when they
    are not XML (comments, the declaration, a DOCTYPE and a byte order mark skipped:
    the reader, not the sniffing, refuses a DOCTYPE, so the refusal is reported)."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"<"):
        return ""
    # Skipped one by one from the start: a pattern removing them anywhere rescanned the
    # rest for each unclosed "<?" (quadratic; issue #14).
    while True:
        text = text.lstrip()
        for start, end in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if text.startswith(start):
                cut = text.find(end, len(start))
                text = text[cut + len(end) :] if cut >= 0 else b""
                break
        else:
            doctype = _DOCTYPE_RE.match(text)
            if not doctype:
                break
            text = text[doctype.end() :]
    m = re.match(rb"\s*<([A-Za-z_][\w.-]*)", text)
    return m.group(1).decode("ascii", "replace") if m else ""


# -- dates ----------------------------------------------------------------------------

_DATE_FORMATS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d.%m.%Y %H:%M",
                 "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")  # fmt: skip


def parse_when(value: str) -> tuple[str, str]:
    """ "04-12-2012 13:00:00" -> ("2012-12-04", "13:00"); an ISO time with a zone keeps
    the local time it names ("2022-01-10T08:00:00+01:00" -> 08:00). ("", "") when it is
    no date; the time is "" when none is given (or it is midnight, which no meeting
    starts at: systems write 00:00:00 for "no time")."""
    value = (value or "").strip()
    if not value:
        return "", ""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        when = None
        for fmt in _DATE_FORMATS:
            try:
                when = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if when is None:
        return "", ""
    has_time = bool(re.search(r"\d[T ]\d{1,2}[:.]\d{2}", value)) and (when.hour or when.minute)
    return when.date().isoformat(), when.strftime("%H:%M") if has_time else ""


def number_key(number: str) -> tuple:
    """Items in the order of their numbers: "2" before "10", "3.2" before "3.10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.findall(r"\d+|[^\d.\s]+", number)
    )


# -- items ----------------------------------------------------------------------------


def case_numbers(*values: str) -> list[str]:
    """The case numbers among `values`, as printed (upper case letters), each once.
    A value that is no case number in a known form is kept as the system gave it."""
    found: list[str] = []
    for value in values:
        value = (value or "").strip()
        if not value or value in ("-", "0"):
            continue
        number = CaseNumber.parse(value)
        text = number.text if number else value
        if text not in found:
            found.append(text)
    return found


def build_item(
    *,
    municipality: str,
    committee: str,
    meeting_date: str,
    number: str,
    title: str,
    sections: list[Section],
    source: str,
    source_format: str,
    closed: bool = False,
    case_numbers: list[str] | None = None,
    document_number: str = "",
    attachments: list[AttachmentRef] | None = None,
    meeting_time: str = "",
    place: str = "",
    source_url: str = "",
) -> AgendaItem:
    """An agenda item from what an export says about it, with the fields every reader
    fills from the sections. A closed item keeps its title and nothing it says."""
    if closed:
        sections, attachments, document_number = [], [], ""
    sections = [s for s in sections if s.text.strip()]
    refs = list(attachments or [])
    numbers = list(case_numbers or [])
    item = AgendaItem(
        id=item_id(municipality, committee, meeting_date, number),
        committee=committee,
        meeting_date=meeting_date,
        number=number,
        title=title,
        case_number=numbers[0] if numbers else "",
        case_numbers=numbers,
        document_number=document_number,
        sections=sections,
        attachment_refs=refs,
        attachments=[a.title for a in refs],
        closed=closed,
        source=source,
        source_format=source_format,
        source_url=source_url,
        municipality=municipality,
        meeting_time=meeting_time,
        place=place,
    )
    item.summary = item.section_text("summary")
    item.background = item.section_text("background")
    item.presentation = item.section_text("presentation")
    item.recommendation = item.section_text("recommendation")
    item.decision = item.section_text("decision")
    item.status = classify_decision(item.decision) if item.decision else "unknown"
    parts = [title] + [f"{s.name}\n\n{s.text}" if s.name else s.text for s in sections]
    item.text = "\n\n".join(p for p in parts if p)
    return item
