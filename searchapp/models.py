"""The plain records that travel from the readers to the index and the adapters.

Every reader (a minutes PDF of any layout, a text extraction, a meeting system's
structured export, a publishing site's JSON) produces the same `Meeting` with its
`AgendaItem`s; nothing after the readers knows which system a meeting came from
except by its `source_format`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache

# Decision statuses, in the order the facets list them.
STATUSES = (
    "approved",
    "recommended",
    "noted",
    "discussed",
    "referred",
    "postponed",
    "rejected",
    "unknown",
)

# Danish labels for the user interface.
STATUS_LABELS = {
    "approved": "Godkendt",
    "recommended": "Anbefalet",
    "noted": "Taget til efterretning",
    "discussed": "Drøftet",
    "referred": "Sendt videre",
    "postponed": "Udsat",
    "rejected": "Afvist",
    "unknown": "Ukendt",
}

# The kinds of sections an item has, whatever a system calls them; each kind is a
# searchable field. The Danish name a document gives a section is kept beside it.
SECTION_KINDS = (
    "summary",  # Resumé, Sammendrag
    "background",  # Baggrund
    "presentation",  # Sagsfremstilling, Sagsbeskrivelse, Fremstilling
    "recommendation",  # Indstilling, Beslutningspunkter, Forslag til beslutning
    "decision",  # Beslutning(er), "<Udvalg>s beslutning den ..."
    "history",  # Sagsforløb, Tidligere behandling, Sagens forløb
    "economy",  # Økonomi, Økonomiske konsekvenser
    "attachments",  # Bilag
    "other",  # Lovgrundlag, Tidsplan, Kommunikation, ...
)

# The Danish name of each kind, for a section whose own name is missing or too long.
SECTION_KIND_NAMES = {
    "summary": "Resumé",
    "background": "Baggrund",
    "presentation": "Sagsfremstilling",
    "recommendation": "Indstilling",
    "decision": "Beslutning",
    "history": "Sagsforløb",
    "economy": "Økonomi",
    "attachments": "Bilag",
    "other": "Øvrigt",
}


@dataclass
class Section:
    """One labelled part of an item, in the document's order."""

    name: str  # as the document writes it: "Sagsfremstilling", "Beslutninger"
    kind: str  # one of SECTION_KINDS
    text: str  # paragraphs separated by blank lines

    @classmethod
    def from_dict(cls, data: dict) -> Section:
        return cls(**data)


@dataclass
class AttachmentRef:
    """An attachment (bilag) an item names: its title, and where the file is when
    the source says (a file beside the minutes, or the publishing site's link)."""

    title: str
    url: str = ""  # an absolute link given by the source ("https://.../Vis/Pdf/bilag/<id>")
    path: str = ""  # a file the source ships with it, as a path on disk
    pages: int | None = None
    member: str = ""  # the file inside `path` when that is an archive (an SBSYS zip)
    error: str = ""  # why its text could not be read ("no text in 3 page(s) ...")
    text_key: str = ""  # where the index keeps its page texts (the engine's own key)
    # Its text, a page an entry, read while indexing (searchapp.attachments) and kept
    # by the index apart from the item: never part of the item as stored or shown.
    texts: list[str] = field(default_factory=list, repr=False, compare=False,
                             metadata={"transient": True})  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> AttachmentRef:
        return cls(**_known(cls, data))


@cache
def _field_names(cls) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))  # dataclasses.fields is slow: asked once


@cache
def kept_fields(cls) -> tuple[str, ...]:
    """A record's fields as to_dict keeps them: not the transient ones."""
    return tuple(f.name for f in fields(cls) if not f.metadata.get("transient"))


def _plain(value):
    """A record as dicts and lists of the values in it, as dataclasses.asdict; the
    transient fields (AttachmentRef.texts) left out."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    names = kept_fields(type(value)) if hasattr(type(value), "__dataclass_fields__") else None
    if names is None:
        return value  # a str, a number, None
    return {name: _plain(getattr(value, name)) for name in names}


def _known(cls, data: dict) -> dict:
    """The keys of `data` that are fields of `cls`: a record stored by an older or newer
    searchapp still loads."""
    names = _field_names(cls)
    if data.keys() <= names:  # as this searchapp stored it: nothing to leave out
        return data
    return {k: v for k, v in data.items() if k in names}


# Who took part in a meeting, and where each took a stand (see searchapp/people).
ROLES = ("formand", "næstformand", "medlem", "suppleant", "sekretær")
ROLE_LABELS = {
    "formand": "Formand",
    "næstformand": "Næstformand",
    "medlem": "Medlem",
    "suppleant": "Suppleant",
    "sekretær": "Sekretær",
}
POSITIONS = ("for", "against", "reservation", "abstained", "not_participating")
POSITION_LABELS = {
    "for": "For",
    "against": "Imod",
    "reservation": "Forbehold",
    "abstained": "Undlod",
    "not_participating": "Deltog ikke",
}


@dataclass
class Participant:
    """One person of a meeting's attendance: a member, a substitute or the secretary."""

    name: str
    party: str = ""  # the official list letter ("A", "Ø"), a local list's, "UP"; "" unknown
    role: str = "medlem"  # one of ROLES
    present: bool | None = True  # False: afbud/fraværende; None: not known (an agenda)
    substitute_for: str = ""  # whom a suppleant sat for
    absence: str = ""  # "afbud" or "fraværende" as the source says, when not present
    body: str = ""  # the municipality a member of a joint body (KKR) comes from
    source: str = ""  # what it was read from: "Tilstede", "Moededeltagere", a sentence

    @classmethod
    def from_dict(cls, data: dict) -> Participant:
        return cls(**_known(cls, data))


@dataclass
class Position:
    """A stand a party or a person took on an item, with the sentence that says so."""

    position: str  # one of POSITIONS
    party: str = ""  # the party's letter; a person's party when known
    person: str = ""  # "" when a party (its group) took the stand
    sentence: str = ""
    points: str = ""  # what of the item it concerns, as written: "beslutningspunkt 5"

    @classmethod
    def from_dict(cls, data: dict) -> Position:
        return cls(**_known(cls, data))


@dataclass
class VoteCount:
    """A vote the decision counts: "Med stemmerne 19 for og 1 imod"."""

    in_favour: int | None = None
    against: int | None = None
    abstained: int | None = None
    sentence: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> VoteCount:
        return cls(**_known(cls, data))


@dataclass
class AgendaItem:
    """One agenda item of one meeting: the unit we index, search and show."""

    id: str  # stable, readable and URL-safe: "aarhus-byraad-2025-08-27-3"
    committee: str  # "KKR Hovedstaden", "Økonomiudvalget"
    meeting_date: str  # ISO date "2025-04-11"
    number: str  # as printed: "3.4", "7"; "5" for a KKR part without numbered items
    title: str
    part: str = ""  # "3. Regionalpolitiske sager"
    case_number: str = ""  # the first case number: "SAG-2025-01103", "EMN-2025-003383"
    case_handler: str = ""  # initials, "jjc"
    background: str = ""  # Baggrund
    recommendation: str = ""  # Indstilling, Beslutningspunkter
    presentation: str = ""  # Sagsfremstilling
    attachments: list[str] = field(default_factory=list)  # Bilag: the titles
    decision: str = ""  # Beslutning
    text: str = ""  # the whole item, title included
    status: str = "unknown"  # one of STATUSES
    source: str = ""  # the file it came from, as given to the reader
    pages: list[int] = field(default_factory=list)  # PDF pages it spans, first to last
    urls: list[str] = field(default_factory=list)
    # Added for minutes of every meeting system:
    municipality: str = ""  # "Aarhus Kommune", "Region Hovedstaden", "KKR Hovedstaden"
    meeting_time: str = ""  # "16:00"
    place: str = ""  # "Byrådssalen"
    case_numbers: list[str] = field(default_factory=list)  # every one given, first first
    document_number: str = ""  # eDoc's "Dok.nr.: 2012-202935"
    summary: str = ""  # Resumé, Sammendrag
    sections: list[Section] = field(default_factory=list)  # all of them, in order
    attachment_refs: list[AttachmentRef] = field(default_factory=list)
    closed: bool = False  # a closed item ("Lukket punkt"): its title only, never its text
    source_format: str = ""  # "kkr", "firstagenda", "edoc", "generic", "edoc-xml", ...
    source_url: str = ""  # the item on the publishing site, when it came from one
    source_page: int | None = None  # the page of `source` the item starts on
    # Who took part and where they stood (searchapp/people): the meeting's attendance,
    # carried by each of its items like the meeting's other fields.
    participants: list[Participant] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    votes: list[VoteCount] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.meeting_date[:4]

    @property
    def meeting_id(self) -> str:
        return meeting_id(self.municipality, self.committee, self.meeting_date)

    def section_text(self, kind: str) -> str:
        """All sections of one kind, joined: an item may have two Indstillinger."""
        return "\n\n".join(s.text for s in self.sections if s.kind == kind and s.text)

    def all_sections(self) -> list[Section]:
        """The sections; for an item whose reader did not keep them (KL's KKR layout),
        its text after the title cut at the paragraphs that are one of KL's section
        labels ("Baggrund"; a subheading is not one), or, with none, the text and the
        named fields it does not hold."""
        if self.sections:
            return self.sections
        from .parse import SECTION_LABELS  # KL's: "Baggrund", "Indstilling", ...

        body = _without_title(self.text, self.number, self.title)
        # (name, kind, paragraphs) a section; only a short paragraph can be a label
        # (lowercasing every paragraph was most of the time of this, asked per hit).
        longest = _longest_label()
        pieces: list[tuple[str, str, list[str]]] = [("", "other", [])]
        for paragraph in _PARAGRAPH_BREAK.split(body):
            name = paragraph.strip()
            key = name.rstrip(":").strip()  # lower() never shortens it
            kind = SECTION_LABELS.get(key.lower()) if len(key) <= longest else None
            if kind:
                pieces.append((name.rstrip(":"), kind, []))
            elif name:
                pieces[-1][2].append(name)
        found = [Section(name, kind, "\n\n".join(paragraphs))
                 for name, kind, paragraphs in pieces if paragraphs or name]  # fmt: skip
        if any(s.name for s in found):
            return found
        fields = (("background", self.background), ("recommendation", self.recommendation),
                  ("presentation", self.presentation), ("decision", self.decision))  # fmt: skip
        return found + [Section(SECTION_KIND_NAMES[kind], kind, text)
                        for kind, text in fields if text and text not in body]  # fmt: skip

    def to_dict(self) -> dict:
        """The item as stored and shown: its attachments' texts left out (the index
        keeps those apart, AttachmentRef.texts). What dataclasses.asdict makes, 4x
        faster (asdict deep-copies every string; indexing asks this of every item)."""
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict) -> AgendaItem:
        data = dict(_known(cls, data))
        data["sections"] = [
            s if isinstance(s, Section) else Section.from_dict(s) for s in data.get("sections", ())
        ]
        data["attachment_refs"] = [
            a if isinstance(a, AttachmentRef) else AttachmentRef.from_dict(a)
            for a in data.get("attachment_refs", ())
        ]
        for name, kind in (("participants", Participant), ("positions", Position),
                           ("votes", VoteCount)):  # fmt: skip
            data[name] = [v if isinstance(v, kind) else kind.from_dict(v)
                          for v in data.get(name, ())]  # fmt: skip
        return cls(**data)


@dataclass
class Meeting:
    """One meeting as a source describes it; its items carry the meeting's fields."""

    committee: str
    meeting_date: str  # ISO
    source: str
    items: list[AgendaItem] = field(default_factory=list)
    municipality: str = ""
    meeting_time: str = ""
    place: str = ""
    source_format: str = ""
    participants: list[Participant] = field(default_factory=list)

    @property
    def id(self) -> str:
        return meeting_id(self.municipality, self.committee, self.meeting_date)


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@cache
def _longest_label() -> int:
    from .parse import SECTION_LABELS

    return max(map(len, SECTION_LABELS))


def one_space(text: str) -> str:
    """What re.sub(r"\\s+", " ", text) makes: each run of whitespace one space, by
    str.split (in C, without the regex's work at each run: a sixth of its 6 us for 140
    characters)."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


def _without_title(text: str, number: str, title: str) -> str:
    """An item's text after its title, as the readers begin it ("3.1. Title", "Title")."""
    text = (text or "").lstrip()
    flat = one_space(title or "").strip()
    for heading in (f"{number}. {flat}", f"{number} {flat}", flat):
        if heading and one_space(text[: len(heading) + 40]).startswith(heading):
            cut = _leading_words(len(heading.split())).match(text + " ")
            return text[cut.end() :].strip() if cut else ""
    return text


@cache
def _leading_words(n: int) -> re.Pattern:
    """The first `n` words of a text and the whitespace around them."""
    return re.compile(rf"\s*(?:\S+\s+){{{n}}}")


# -- ids ----------------------------------------------------------------------------------


def slugify(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


_BODY_WORDS = re.compile(r"\b(kommune|kommunes|regionskommune)\b", re.I)


def municipality_slug(municipality: str) -> str:
    """ "Aarhus Kommune" -> "aarhus", "Region Hovedstaden" -> "region-hovedstaden"."""
    return slugify(_BODY_WORDS.sub(" ", municipality))


@lru_cache(maxsize=4096)  # asked twice for every hit shown; a few meetings a page
def meeting_id(municipality: str, committee: str, meeting_date: str) -> str:
    """ "greve-oekonomiudvalget-2023-05-08": readable, and unique across municipalities.
    The municipality is left out where the committee's name already begins with it
    ("Aarhus Byråd", "KKR Hovedstaden"), so ids read naturally."""
    committee_slug = slugify(committee)
    prefix = municipality_slug(municipality)
    if prefix and not (committee_slug + "-").startswith(prefix + "-"):
        committee_slug = f"{prefix}-{committee_slug}"
    return f"{committee_slug}-{meeting_date}"


def item_id(municipality: str, committee: str, meeting_date: str, number: str) -> str:
    return f"{meeting_id(municipality, committee, meeting_date)}-{number}"
