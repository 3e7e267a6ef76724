"""What a municipal agenda-publishing site's JSON API looks like (the API behind
dagsordener.<kommune>.dk): its addresses, its committee list, and how to tell a whole
meeting or attachment from a broken answer. No HTTP here; `fetch` does the asking.

    GET <site>/api/agenda/udvalgsliste      {"Udvalg": {"<group>": [{"Navn", "Id",
                                              "Moeder": [{"Id", "Dato"}, ...]}, ...]}}
    GET <site>/api/agenda/dagsorden/<id>    one meeting: {"Id", "Udvalg", "Moede",
                                              "Dagsordenpunkter": [{..., "Bilag": [...]}]}
    GET <site>/Vis/Pdf/bilag/<bilag-id>     an attachment's PDF
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote, urljoin

COMMITTEE_LIST_PATH = "/api/agenda/udvalgsliste"
MEETING_PATH = "/api/agenda/dagsorden/"
ATTACHMENT_PATH = "/Vis/Pdf/bilag/"
CURRENT_GROUP = "Aktuelle politiske udvalg"


def committee_list_url(site: str) -> str:
    return site.rstrip("/") + COMMITTEE_LIST_PATH


def meeting_url(site: str, meeting_id: str) -> str:
    return site.rstrip("/") + MEETING_PATH + quote(meeting_id, safe="")


@dataclass(frozen=True)
class ListedMeeting:
    """A meeting as the committee list names it, before it is fetched."""

    id: str
    committee: str
    group: str
    date: str  # "2023-05-08", "" when the list gives none we can read
    when: str = ""  # as listed: "2023-05-08T08:00:00+02:00"

    @property
    def label(self) -> str:
        return f"{self.committee} {self.date}".strip()


@dataclass(frozen=True)
class Attachment:
    id: str
    title: str
    url: str


def _load_json(body: bytes | Path, what: str):
    data = body.read_bytes() if isinstance(body, Path) else body
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError(f"{what} is not UTF-8 text") from None
    except ValueError as exc:
        raise ValueError(f"{what} is not whole JSON ({exc.msg} at byte {exc.pos})") from None


def parse_committee_list(body: bytes | Path) -> list[ListedMeeting]:
    """Every meeting of every group, in the list's order, each once. ValueError with
    what is wrong when the answer is not a committee list."""
    data = _load_json(body, "the committee list")
    groups = data.get("Udvalg") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        raise ValueError('the committee list has no "Udvalg" object of committee groups')
    meetings: dict[str, ListedMeeting] = {}
    for group, committees in groups.items():
        if not isinstance(committees, list):
            raise ValueError(f'committee group "{group}" is not a list of committees')
        for committee in committees:
            if not isinstance(committee, dict):
                raise ValueError(f'committee group "{group}" holds a non-object')
            name = str(committee.get("Navn") or "").strip() or "Udvalg"
            for meeting in committee.get("Moeder") or []:
                if not isinstance(meeting, dict) or not meeting.get("Id"):
                    raise ValueError(f'a meeting of "{name}" has no "Id"')
                when = str(meeting.get("Dato") or "")
                meeting_id = str(meeting["Id"])
                meetings.setdefault(
                    meeting_id.lower(),
                    ListedMeeting(meeting_id, name, group, _day(when), when),
                )
    return list(meetings.values())


def group_names(body: bytes | Path) -> list[str]:
    data = _load_json(body, "the committee list")
    return list(data["Udvalg"])


def _day(when: str) -> str:
    try:
        return date.fromisoformat(when[:10]).isoformat()
    except ValueError:
        return ""


def select(
    listed: list[ListedMeeting], groups: tuple[str, ...], since: date | None
) -> list[ListedMeeting]:
    """The meetings a site's config asks for: in its groups (all when none are named),
    on or after `since` (a meeting without a readable date is kept: it may be new)."""
    wanted = {g.casefold() for g in groups}
    chosen = []
    for meeting in listed:
        if wanted and meeting.group.casefold() not in wanted:
            continue
        if since and meeting.date and meeting.date < since.isoformat():
            continue
        chosen.append(meeting)
    return chosen


def unknown_groups(groups: tuple[str, ...], names: list[str]) -> list[str]:
    known = {n.casefold() for n in names}
    return [g for g in groups if g.casefold() not in known]


def check_meeting(meeting_id: str):
    """A check for the client: the body is the whole JSON of meeting `meeting_id`."""

    def check(body: bytes | Path) -> None:
        data = _load_json(body, "the meeting")
        if not isinstance(data, dict) or "Dagsordenpunkter" not in data:
            raise ValueError('the answer is not a meeting (no "Dagsordenpunkter")')
        items = data["Dagsordenpunkter"]
        if items is not None and not isinstance(items, list):
            raise ValueError('the meeting\'s "Dagsordenpunkter" is not a list')
        if str(data.get("Id", "")).lower() != meeting_id.lower():
            raise ValueError(f"the site answered with meeting {data.get('Id')!r}")

    return check


def meeting_attachments(body: bytes | Path, site: str) -> list[Attachment]:
    """The PDFs the meeting's items list as `Bilag`, each once, in order. A `Bilag`
    without a PDF version (`HarPdfVersion` false) has nothing to fetch."""
    data = _load_json(body, "the meeting")
    found: dict[str, Attachment] = {}
    for item in data.get("Dagsordenpunkter") or []:
        if not isinstance(item, dict):
            continue
        for bilag in item.get("Bilag") or []:
            if not isinstance(bilag, dict) or not bilag.get("Id"):
                continue
            if str(bilag.get("HarPdfVersion", "true")).lower() == "false":
                continue
            attachment_id = str(bilag["Id"])
            link = bilag.get("Link") or ATTACHMENT_PATH + quote(attachment_id, safe="")
            url = urljoin(site.rstrip("/") + "/", str(link))
            found.setdefault(
                attachment_id.lower(),
                Attachment(attachment_id, str(bilag.get("Navn") or "").strip(), url),
            )
    return list(found.values())


def check_pdf(body: bytes | Path) -> None:
    """A whole PDF: the header at the start and an end-of-file marker near the end
    (a download cut short by a closed connection has no length to compare)."""
    if isinstance(body, Path):
        with body.open("rb") as f:
            head = f.read(1024)
            f.seek(max(0, body.stat().st_size - 4096))
            tail = f.read()
    else:
        head, tail = body[:1024], body[-4096:]
    if b"%PDF-" not in head:
        raise ValueError("the answer is not a PDF")
    if b"%%EOF" not in tail:
        raise ValueError("the PDF is cut off (no %%EOF at its end)")
