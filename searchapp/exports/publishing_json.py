"""A meeting of a municipal agenda-publishing site, as its JSON API gives it.

The sites behind dagsordener.<kommune>.dk answer one meeting as a JSON object:
`Udvalg.Navn` (the committee; "Byråd 2022-2025" carries the election period),
`Moede` (`Dato` with its time zone, `Sted`, `Moededeltagere`), and
`Dagsordenpunkter`, each with `Punktnummer`, `Navn`, `SagsNummer`, `Felter` (the
item's text as HTML, and `Link`, the item's PDF on the site) and `Bilag` (attachments
by `Navn` and `Id`, at `<site>/Vis/Pdf/bilag/<Id>`). The site's host names the
municipality.

A closed item is published with a title "Lukket: ..." and, on some sites, its
decision: it is indexed as its title only. `IsOpen` is not trusted on its own: Greve
sends false for every item, open or closed.

The fetcher (`searchapp fetch`) mirrors a site as `<host>/moeder/<meeting>.json` with
the attachments in `<host>/bilag/<id>.pdf`: those PDFs are this reader's members.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from ..ingest import IngestError
from ..minutes.headings import closed_title
from ..mirror import ATTACHMENTS_DIR, attachment_file_name
from ..models import AgendaItem, AttachmentRef, Meeting, Participant, Section
from ..municipalities import find_in_text, from_host, without_election_period
from ..people.names import clean_name, parse_entry
from ..sources import Reader, ReadOptions, register
from .base import build_item, case_numbers, parse_when
from .html import html_sections

FORMAT = "publishing-json"
ATTACHMENT_PATH = "/Vis/Pdf/bilag/"


# -- recognising ------------------------------------------------------------------------


def sniff(path: Path, head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not start.startswith(b"{"):
        return False
    if b'"Dagsordenpunkter"' in head:
        return True
    if len(head) < 4096:
        return False  # the whole file is in `head`, without the key
    # A site that puts the items last: look through the whole file, still only bytes.
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    return b'"Dagsordenpunkter"' in data and b'"Moede"' in data


def _load(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise IngestError(path, "a publishing-site meeting that is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise IngestError(
            path, f"a publishing-site meeting that is not valid JSON (line {exc.lineno}: {exc.msg})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("Dagsordenpunkter"), list):
        raise IngestError(
            path, "a JSON file without a meeting's items (no 'Dagsordenpunkter' list)"
        )
    return data


def members(path: Path) -> list[Path]:
    """The attachment and item PDFs of the meeting that the fetcher stored beside it."""
    try:
        data = _load(path)
    except (IngestError, OSError):
        return []
    found = []
    for point in _items(data):
        ids = [str(b.get("Id") or "") for b in point.get("Bilag") or [] if isinstance(b, dict)]
        ids += [str(f.get("DocumentId") or "") for f in point.get("Felter") or []
                if isinstance(f, dict)]  # fmt: skip
        for attachment_id in ids:
            file = _stored_file(Path(path), attachment_id)
            if file is not None:
                found.append(file)
    return sorted(set(found))


def _stored_file(meeting_file: Path, attachment_id: str) -> Path | None:
    """The PDF of an attachment id where a mirror keeps it: `../bilag/<id>.pdf` (the
    fetcher's layout, named as `mirror` names it), `bilag/<id>.pdf` or `<id>.pdf` beside
    the meeting."""
    if not attachment_id.strip(" .0-"):
        return None  # no id, or the nil GUID
    name = attachment_file_name(attachment_id)
    folder = meeting_file.parent
    for candidate in (folder.parent / ATTACHMENTS_DIR, folder / ATTACHMENTS_DIR, folder):
        file = candidate / name
        if file.is_file():
            return file
    return None


# -- reading ----------------------------------------------------------------------------


def read(path: Path, options: ReadOptions) -> list[Meeting]:
    path = Path(path)
    data = _load(path)
    committee_field = data.get("Udvalg") if isinstance(data.get("Udvalg"), dict) else {}
    moede = data.get("Moede") if isinstance(data.get("Moede"), dict) else {}
    committee = without_election_period(str(committee_field.get("Navn") or ""))
    when = str(moede.get("Dato") or moede.get("MeetingBeginUtc") or "")
    meeting_date, meeting_time = parse_when(when)
    if not committee or not meeting_date:
        raise IngestError(
            path,
            "a publishing-site meeting without its committee or date "
            f"(Udvalg.Navn {committee_field.get('Navn')!r}, Moede.Dato {when!r})",
        )
    points = _items(data)
    site = _site(points, path)
    place = str(moede.get("Sted") or "").strip()
    municipality = (
        (from_host(urlsplit(site).hostname or "") if site else "")
        or options.municipality
        or find_in_text(place)
    )
    meeting = Meeting(
        committee=committee,
        meeting_date=meeting_date,
        source=str(path),
        municipality=municipality,
        meeting_time=meeting_time,
        place=place,
        source_format=FORMAT,
        participants=participants(moede.get("Moededeltagere")),
    )
    # Greve sends IsOpen false for every item; it means something only where some
    # item of the meeting is open.
    trust_open = any(p.get("IsOpen") is True for p in points)
    for position, point in enumerate(points, start=1):
        meeting.items.append(_item(point, position, meeting, site, trust_open, path))
    return [meeting]


def participants(listed) -> list[Participant]:
    """`Moede.Moededeltagere`: [{Name, Absent, ParticipationCancelled, ...}]. A member
    who sent apologies (ParticipationCancelled) or was marked absent (Absent) was not
    there. A name may carry the party: "Doris Børger (A)"."""
    found = []
    for person in listed if isinstance(listed, list) else []:
        if not isinstance(person, dict) or not str(person.get("Name") or "").strip():
            continue
        raw = " ".join(str(person["Name"]).split())
        entry = parse_entry(raw)
        cancelled = person.get("ParticipationCancelled") is True
        absent = cancelled or person.get("Absent") is True
        found.append(Participant(
            name=entry.name if entry else clean_name(raw),
            party=entry.party if entry else "",
            role=(entry.role if entry and entry.role else "medlem"),
            present=not absent,
            absence="afbud" if cancelled else "fraværende" if absent else "",
            source="Moededeltagere",
        ))  # fmt: skip
    return found


def _items(data: dict) -> list[dict]:
    points = [p for p in data.get("Dagsordenpunkter") or [] if isinstance(p, dict)]
    if all(isinstance(p.get("Sorting"), int) for p in points):
        points.sort(key=lambda p: p["Sorting"])
    return points


def _site(points: list[dict], path: Path) -> str:
    """ "https://dagsordener.greve.dk": from the items' links, else from the mirror
    folder the fetcher named after the host."""
    for point in points:
        for field in point.get("Felter") or []:
            link = str((field or {}).get("Link") or "")
            parts = urlsplit(link)
            if parts.scheme in ("http", "https") and parts.netloc:
                return f"{parts.scheme}://{parts.netloc}"
    for folder in list(path.parents)[:3]:
        host = folder.name.split("_")[0]
        if "." in host and from_host(host):
            return f"https://{host}"
    return ""


def _item(
    point: dict, position: int, meeting: Meeting, site: str, trust_open: bool, path: Path
) -> AgendaItem:
    number = str(point.get("Punktnummer") or point.get("Number") or position).strip()
    title = " ".join(str(point.get("Navn") or point.get("Caption") or "").split())
    closed = closed_title(title) or (trust_open and point.get("IsOpen") is False)
    sections: list[Section] = []
    links = []
    for field in point.get("Felter") or []:
        if not isinstance(field, dict):
            continue
        name = str(field.get("Navn") or "").strip()
        sections += html_sections(str(field.get("Html") or ""), lead_name=name,
                                  lead_kind="" if name else "presentation")  # fmt: skip
        if field.get("Link"):
            links.append(str(field["Link"]))
    attachments = []
    for bilag in point.get("Bilag") or []:
        if not isinstance(bilag, dict):
            continue
        attachment_id = str(bilag.get("Id") or "")
        file = _stored_file(path, attachment_id) if attachment_id else None
        attachments.append(
            AttachmentRef(
                title=" ".join(str(bilag.get("Navn") or "").split()) or "Bilag",
                url=f"{site}{ATTACHMENT_PATH}{attachment_id}" if site and attachment_id else "",
                path=str(file) if file else "",
            )
        )
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
        case_numbers=case_numbers(str(point.get("SagsNummer") or point.get("CaseNumber") or "")),
        attachments=attachments,
        meeting_time=meeting.meeting_time,
        place=meeting.place,
        source_url="" if closed else (links[0] if links else ""),
    )


PUBLISHING_JSON = register(Reader(FORMAT, sniff, read, members, priority=30))
