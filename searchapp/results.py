"""What a search answers, typed, and the one shape each takes as JSON.

An engine fills these; the web app, the CLI and the feed render them: the JSON API
returns `to_dict()` as it is, the pages render the very same dict (with the titles
marked, `to_dict(html_titles=True)`), the CSV writes `csv_row`s. Links to an item's
page and to its source PDF are made here (`Links`), from the configured source folders.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Protocol
from urllib.parse import quote

from .models import POSITION_LABELS, STATUS_LABELS, STATUSES, AgendaItem, AttachmentRef
from .people.parties import label as party_label
from .people.records import meeting_url, person_url, position_person_id, position_view

__all__ = [
    "CSV_COLUMNS",
    "FacetValue",
    "Facets",
    "FoundIn",
    "Hit",
    "ItemSummary",
    "Links",
    "Marker",
    "SearchResult",
    "marked_html",
    "status_label",
]

CSV_COLUMNS = ("id", "municipality", "committee", "meeting_id", "meeting_date", "number",
               "title", "case_number", "status", "status_label", "decision", "positions",
               "url", "pdf_url", "meeting_url")  # fmt: skip


def positions_text(item: AgendaItem) -> str:
    """The item's stands in a cell: "Ø:against; Viggo Jonasen:against; B:reservation"."""
    return "; ".join(
        f"{p.person + (f' ({p.party})' if p.party else '') if p.person else p.party}:{p.position}"
        for p in item.positions
    )


def hit_positions(item: AgendaItem) -> list[dict]:
    """The item's stands as a result lists them: who, and which."""
    out = []
    for p in item.positions:
        pid = position_person_id(p, item) if p.person else None
        out.append({
            "position": p.position,
            "position_label": POSITION_LABELS.get(p.position, p.position),
            "party": p.party,
            "party_label": party_label(p.party),
            "person": p.person,
            "person_url": person_url(pid) if pid else None,
        })  # fmt: skip
    return out


def file_name(path: str) -> str:
    """ "referat.pdf" of "/srv/minutes/2025/referat.pdf": what an answer may show of a
    file on the server."""
    return PurePath(path).name if path else ""


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "unknown", STATUS_LABELS["unknown"])


class Links:
    """Where an item is read: its page here, and its source PDF at its first page when
    the PDF lies inside one of the configured source folders (/files serves those)."""

    def __init__(self, sources=()):
        self.sources = tuple(Path(s) for s in sources)
        # Each folder as given and as its links resolve, resolved once (realpath asks
        # the file system; pdf_url is asked for every hit of every search).
        self._roots = tuple(dict.fromkeys(
            candidate for root in self.sources
            for candidate in (root, Path(os.path.realpath(root)))
        ))  # fmt: skip

    @staticmethod
    def item_url(item_id: str) -> str:
        return "/items/" + quote(item_id, safe="")

    def pdf_url(self, source: str, pages, page: int | None = None) -> str | None:
        """ "/files/<path under its source folder>#page=N" (N: `page`, else the first
        of `pages`), or None when the source is not a PDF inside a source folder."""
        if not source or not source.lower().endswith(".pdf"):
            return None
        path = Path(source)
        relative = None
        for root in self._roots:
            try:
                relative = path.relative_to(root)
                break
            except ValueError:
                continue
        if relative is None or ".." in relative.parts or not relative.parts:
            return None
        url = "/files/" + quote(relative.as_posix(), safe="/")
        first = page or (pages[0] if pages else None)
        if first:
            url += f"#page={int(first)}"
        return url

    def attachment_url(self, ref: AttachmentRef, page: int | None = None) -> str | None:
        """Where an attachment is read, at `page`: its PDF here (/files) when it lies
        in a source folder, else the link its source gave; None for neither."""
        if ref.path and not ref.member:
            url = self.pdf_url(ref.path, [], page)
            if url:
                return url
        if ref.url:
            return ref.url + (f"#page={int(page)}" if page else "")
        return None

    def attachment_views(self, item: AgendaItem) -> list[dict]:
        """The item's attachments as its page lists them: title, pages, link."""
        return [
            {"title": ref.title, "pages": ref.pages, "url": self.attachment_url(ref),
             "searchable": bool(ref.text_key), "error": ref.error or None}
            for ref in item.attachment_refs
        ]  # fmt: skip

    def item_pdf_url(self, item: AgendaItem) -> str | None:
        """The item's own page of its source PDF."""
        return self.pdf_url(item.source, item.pages, item.source_page)

    def item_view(self, item: AgendaItem) -> dict:
        """An item as /api/items shows it: all its fields, and where to read it."""
        data = item.to_dict()
        # The server's paths stay on the server: the file's name, and pdf_url to read it.
        data["source"] = file_name(item.source)
        for ref in data["attachment_refs"]:
            ref["path"] = file_name(ref["path"])
        data["url"] = self.item_url(item.id)
        data["pdf_url"] = self.item_pdf_url(item)
        data["status_label"] = status_label(item.status)
        data["attachment_links"] = self.attachment_views(item)
        data["meeting_id"] = item.meeting_id
        data["meeting_url"] = meeting_url(item.meeting_id)
        data["positions"] = [position_view(p, item) for p in item.positions]
        return data

    def csv_row(self, item: AgendaItem) -> dict:
        """An item as a row of the CSV export (CSV_COLUMNS)."""
        return {
            "id": item.id,
            "municipality": item.municipality,
            "committee": item.committee,
            "meeting_id": item.meeting_id,
            "meeting_date": item.meeting_date,
            "number": item.number,
            "title": item.title,
            "case_number": item.case_number,
            "status": item.status,
            "status_label": status_label(item.status),
            "decision": "" if item.closed else item.decision,
            "positions": positions_text(item),
            "url": self.item_url(item.id),
            "pdf_url": self.item_pdf_url(item) or "",
            "meeting_url": meeting_url(item.meeting_id),
        }


# --- Marking the words of a search in a text -------------------------------------------------


class Marker(Protocol):
    """Where the words a search looks for are in a text, as its engine finds them."""

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each word or part of a word to mark, in order, not
        overlapping."""

    def __bool__(self) -> bool:
        """False when there is nothing to mark."""


def marked_html(text: str | None, marker: Marker | None) -> str:
    """`text` escaped, with <mark> around what `marker` finds: the only markup added."""
    text = text or ""
    if not marker or not text:
        return html.escape(text, quote=False)
    out, last = [], 0
    for start, end in marker.spans(text):
        out.append(html.escape(text[last:start], quote=False))
        out.append("<mark>" + html.escape(text[start:end], quote=False) + "</mark>")
        last = end
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


# --- Search results --------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    label: str | None = None  # the Danish name of a status, a party

    def to_dict(self) -> dict:
        if self.label is None:
            return {"value": self.value, "count": self.count}
        return {"value": self.value, "label": self.label, "count": self.count}


@dataclass(frozen=True)
class Facets:
    """Each facet counted over the items that pass the other facets' filters, so that
    choosing a committee does not hide the other committees."""

    municipality: tuple[FacetValue, ...] = ()
    committee: tuple[FacetValue, ...] = ()
    year: tuple[FacetValue, ...] = ()
    status: tuple[FacetValue, ...] = ()
    party: tuple[FacetValue, ...] = ()  # items where the party dissented (or took the
    # positions asked for), per party

    NAMES = ("municipality", "committee", "year", "status", "party")

    @classmethod
    def from_counts(cls, municipality: Counter, committee: Counter, year: Counter,
                    status: Counter, party: Counter | None = None) -> Facets:  # fmt: skip
        """Most items first (ties by name), the years newest first, the statuses and
        parties with their labels, ties in the usual order of statuses."""
        order = {s: i for i, s in enumerate(STATUSES)}
        return cls(
            municipality=_values(municipality, lambda vn: (-vn[1], vn[0])),
            committee=_values(committee, lambda vn: (-vn[1], vn[0])),
            year=_values(year, lambda vn: vn[0], reverse=True),
            status=tuple(
                FacetValue(v.value, v.count, status_label(v.value))
                for v in _values(status, lambda vn: (-vn[1], order.get(vn[0], 99)))
            ),
            party=tuple(
                FacetValue(v.value, v.count, party_label(v.value))
                for v in _values(party or Counter(), lambda vn: (-vn[1], vn[0]))
            ),
        )

    def to_dict(self) -> dict:
        return {name: [v.to_dict() for v in getattr(self, name)] for name in self.NAMES}


def _values(counts: Counter, key, reverse: bool = False) -> tuple[FacetValue, ...]:
    pairs = sorted(((v, n) for v, n in counts.items() if v), key=key, reverse=reverse)
    return tuple(FacetValue(v, n) for v, n in pairs)


@dataclass(frozen=True)
class FoundIn:
    """Where a hit's words are when they are in one of its attachments rather than its
    own text: the attachment, its page, a link to that page."""

    title: str
    page: int | None
    url: str | None

    @property
    def label(self) -> str:
        return f"Fundet i bilag: {self.title}" + (f", side {self.page}" if self.page else "")

    def to_dict(self) -> dict:
        return {"title": self.title, "page": self.page, "url": self.url, "label": self.label}


@dataclass
class Hit:
    """One result: the item, its score (None when sorted by date), a snippet (HTML:
    the text escaped, the words found in <mark>) and its title, marked the same way."""

    item: AgendaItem
    score: float | None
    snippet: str
    url: str
    pdf_url: str | None
    marker: Marker | None = field(default=None, repr=False)
    found_in: FoundIn | None = None  # the snippet is from this attachment's page

    @property
    def title_html(self) -> str:
        return marked_html(self.item.title, self.marker)

    def to_dict(self, html_title: bool = False) -> dict:
        item = self.item
        out = {
            "id": item.id,
            "url": self.url,
            "pdf_url": self.pdf_url,
            "source_url": item.source_url or None,
            "municipality": item.municipality,
            "committee": item.committee,
            "meeting_id": item.meeting_id,
            "meeting_url": meeting_url(item.meeting_id),
            "meeting_date": item.meeting_date,
            "meeting_time": item.meeting_time,
            "place": item.place,
            "number": item.number,
            "title": item.title,
            "case_number": item.case_number or None,
            "status": item.status,
            "status_label": status_label(item.status),
            "closed": item.closed,
            "positions": hit_positions(item),
            "snippet": self.snippet,
            "found_in": self.found_in.to_dict() if self.found_in else None,
            "score": None if self.score is None else round(float(self.score), 4),
        }
        if html_title:
            out["title_html"] = self.title_html
        return out


@dataclass
class SearchResult:
    """One page of a search. `query` is the request as the API echoes it, with how it
    was understood (`interpreted`); `facets` is None when they were not asked for;
    `timings` (ms a stage) only when asked for."""

    query: dict
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: Facets | None
    suggestion: str | None
    timings: dict[str, float] | None = None

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)

    def to_dict(self, html_titles: bool = False) -> dict:
        """The /api/search JSON; with `html_titles` each hit has its title marked too
        (`title_html`), for the pages."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "results": [hit.to_dict(html_titles) for hit in self.hits],
            "facets": None if self.facets is None else self.facets.to_dict(),
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class ItemSummary:
    """An item in a list: the meeting's other items, the case's other items."""

    id: str
    committee: str
    meeting_date: str
    number: str
    title: str
    part: str
    case_number: str
    status: str
    status_label: str
    url: str
    pdf_url: str | None
    municipality: str = ""
    closed: bool = False

    @classmethod
    def of(cls, item: AgendaItem, links: Links) -> ItemSummary:
        return cls(
            id=item.id,
            municipality=item.municipality,
            closed=item.closed,
            committee=item.committee,
            meeting_date=item.meeting_date,
            number=item.number,
            title=item.title,
            part=item.part,
            case_number=item.case_number,
            status=item.status,
            status_label=status_label(item.status),
            url=links.item_url(item.id),
            pdf_url=links.item_pdf_url(item),
        )

    def to_dict(self) -> dict:
        return dict(self.__dict__)
