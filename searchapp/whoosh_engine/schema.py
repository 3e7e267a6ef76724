"""The Whoosh schema: which parts of an agenda item are searched, filtered, sorted, shown.

The field names are the query tree's (querytree.TEXT_FIELDS and COMPOUND_FIELDS, and the
filters' fields, compile.FILTER_FIELDS). Facet and sort fields are `sortable` (a
per-document column), so counting and sorting never load stored fields. Bump
SCHEMA_VERSION whenever a field, an analyzer or where a class of the schema lives
changes (Whoosh pickles the schema into the index): reindex then rebuilds the whole
index instead of mixing old and new documents.
"""

from __future__ import annotations

import re
from datetime import datetime
from operator import attrgetter

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from ..casenumbers import CaseNumber, find_case_numbers
from ..models import (
    SECTION_KINDS,
    AgendaItem,
    AttachmentRef,
    Participant,
    Position,
    Section,
    VoteCount,
    kept_fields,
)
from ..people.records import attendee_terms, party_terms, stance_terms
from .analysis import CompoundAnalyzer, DanishAnalyzer, ExactAnalyzer
from .attachment_texts import attachment_text
from .internals import TermCounts, TermPositions

SCHEMA_VERSION = 10  # 2: compound parts out of title/text, into title_compound/compound
# 3: analyzers cached per word, faster formats, text and sections no longer stored
# 4: positions stored as packed uint32 arrays (TermPositions)
# 5: every case number of an item in case_digits, by CaseNumber.digits; a case number
#    with a letter after its digits ("21-014420K") also indexed by its digits
# 6: the analysis and the posting formats moved into searchapp.whoosh_engine
# 7: municipality (a facet) and meeting_id; a field for every section kind (summary,
#    history, economy, other beside the five before), filled from AgendaItem.sections
# 8: stance (the party, position and person filters), attendee (the person pages) and
#    party_seen (a member's party from other meetings), from searchapp.people
# 9: postings written in bulk (internals.BulkWriter), blocks pickled with protocol 5
# 10: attachment_text (the attachments' pages, indexed, kept apart: attachment_texts.py)
#     and has_attachment

TITLE_BOOST = 3.0


def text_field(analyzer, phrase: bool = True, stored: bool = False, field_boost=1.0) -> TEXT:
    """A TEXT field whose postings are written by the formats above."""
    field = TEXT(analyzer=analyzer, phrase=phrase, stored=stored, field_boost=field_boost)
    field.format = (TermPositions if phrase else TermCounts)(field_boost=field_boost)
    return field


def build_schema() -> Schema:
    danish = DanishAnalyzer()
    parts = CompoundAnalyzer()
    # The text and sections are not stored: item_json holds the whole item, and it is
    # all a search reads back. (The title is, as before: it is small.)
    return Schema(
        id=ID(stored=True, unique=True),
        municipality=ID(stored=True, sortable=True),
        meeting_id=ID,
        committee=ID(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),
        number=ID(stored=True),
        number_sort=ID(sortable=True),
        case_number=ID(stored=True),
        case_digits=KEYWORD,  # the digits of each case number, space-separated
        # "Ø:against Ø:* *:against @greve-liselott-blixt:for ...", and the person ids of
        # the meeting's attendance (people.records).
        stance=KEYWORD,
        attendee=KEYWORD,
        party_seen=KEYWORD,  # "greve-liselott-blixt=UP=2024-01-29"
        meeting_date=DATETIME(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        title=text_field(danish, stored=True, field_boost=TITLE_BOOST),
        text=text_field(danish),
        # One field a kind of section (models.SECTION_KINDS), for the field prefixes.
        **{kind: text_field(danish) for kind in SECTION_KINDS},
        exact=text_field(ExactAnalyzer()),
        # The parts of the closed compounds of the title and of the text, searched with
        # a low boost (query.COMPOUND_BOOST) so that a part ranks below the word itself.
        title_compound=text_field(parts, phrase=False, field_boost=TITLE_BOOST),
        compound=text_field(parts, phrase=False),
        # The text of the item's attachments, searched for less (query.ATTACHMENT_BOOST);
        # not stored: attachment_texts.py keeps the pages for the snippets.
        attachment_text=text_field(danish),
        has_attachment=ID,  # "1": the item has attachment text
        part=STORED,
        source=STORED,
        pages=STORED,
        urls=STORED,
        case_handler=STORED,
        item_json=STORED,
        source_hash=ID(stored=True),
    )


def number_sort_key(number: str) -> str:
    """ "3.4" -> "003.004", so item numbers sort as numbers: 3.4 < 3.10 < 4. A letter
    after the digits stays after them: "3a" -> "003a"."""
    keys = []
    for part in number.split("."):
        m = re.match(r"(\d+)(.*)", part.strip())
        keys.append(f"{int(m[1]):03d}{m[2]}" if m else part.strip())
    return ".".join(keys)


def case_digits(item: AgendaItem) -> str:
    """The digits of each of the item's case numbers ("SAG-2025-01103" -> "2025-01103":
    what people type, and what the `case` filter looks up), space-separated, each once."""
    keys: dict[str, None] = {}
    for value in (item.case_number, *item.case_numbers):
        number = CaseNumber.parse(value)
        for found in [number] if number else find_case_numbers(value):
            keys.setdefault(found.digits, None)
    return " ".join(keys)


def exact_text(item: AgendaItem) -> str:
    """Title and whole text, the title only once: the parser puts it in `text` too."""
    if item.title and item.title not in item.text:
        return f"{item.title}\n{item.text}"
    return item.text


_ID_FIELDS = (
    "municipality", "meeting_id", "committee", "status", "number", "number_sort",
    "case_number", "case_digits", "year", "source_hash", "stance", "attendee", "party_seen",
    "has_attachment",
)  # fmt: skip
# What an item without sections (KL's KKR minutes, read by parse.py) says of each kind.
_LEGACY_SECTIONS = {
    "summary": lambda item: item.summary,
    "background": lambda item: item.background,
    "presentation": lambda item: item.presentation,
    "recommendation": lambda item: item.recommendation,
    "decision": lambda item: item.decision,
    "attachments": lambda item: "\n".join(item.attachments),
}


def section_texts(item: AgendaItem) -> dict[str, str]:
    """The text of each kind of section: all the item's sections of that kind
    (AgendaItem.sections), or, for an item without them, the fields of old."""
    return {
        kind: item.section_text(kind) or _LEGACY_SECTIONS.get(kind, lambda i: "")(item)
        for kind in SECTION_KINDS
    }


# --- The item as stored ------------------------------------------------------------------

# Fields of an item (and the text of each section) that are mostly a piece of its text:
# stored as where in the text they are, not again. A hit's item is read back on every
# search, and its zlib and pickle costs go by its size (about half was these copies).
_PIECES = ("summary", "background", "recommendation", "presentation", "decision")
_MIN_PIECE = 64  # characters: a shorter field is stored as it is


def _where(text: str, value):
    """(start, end) of `value` in `text`, or the value itself."""
    if isinstance(value, str) and len(value) >= _MIN_PIECE:
        at = text.find(value)
        if at >= 0:
            return (at, at + len(value))
    return value


def _piece(text: str, value):
    return text[value[0] : value[1]] if isinstance(value, tuple) else value


# The lists of records an item carries, stored as (their field names, a tuple of values
# a record): a pickled dict a record (a Greve item has its meeting's 21 people) was
# most of the cost of reading a hit's item back.
_RECORDS = {"sections": Section, "attachment_refs": AttachmentRef, "participants": Participant,
            "positions": Position, "votes": VoteCount}  # fmt: skip


def _rows(cls, records: list, text: str) -> tuple[tuple[str, ...], list[tuple]]:
    """A list of records as (their field names, a tuple of their values each), read
    off the records themselves (a record's values are texts, numbers and None); a
    section's text that is a piece of the item's text as where it is (_where)."""
    names = kept_fields(cls)
    values = attrgetter(*names) if len(names) > 1 else lambda r: (getattr(r, names[0]),)
    rows = list(map(values, records))
    if cls is Section and names == ("name", "kind", "text"):
        rows = [(name, kind, _where(text, piece)) for name, kind, piece in rows]
    return names, rows


def stored_item(item: AgendaItem) -> dict:
    """The item as item_json keeps it (item_of reads it back): AgendaItem.to_dict, the
    named fields and the sections' texts that are a piece of the item's text as a
    (start, end) in it, and each list of records as its rows (_rows), made from the
    item's fields without making the records' dicts first (to_dict's work twice)."""
    text = item.text
    data = {}
    for name in kept_fields(AgendaItem):
        value = getattr(item, name)
        if name in _RECORDS:
            # none: an empty list, as before
            value = _rows(_RECORDS[name], value, text) if value else []
        elif isinstance(value, list):
            value = list(value)  # to_dict's own list (of texts or numbers)
        data[name] = value
    for name in _PIECES:
        data[name] = _where(text, data[name])
    return data


def _records(cls, stored, text: str) -> list:
    """The records of one list of a stored item: as rows (stored_item), or as dicts
    (an item stored before that); a section's text read from the item's text."""
    if not isinstance(stored, tuple):  # dicts, as stored before
        if cls is Section:
            stored = [{**s, "text": _piece(text, s.get("text", ""))} for s in stored]
        return [cls.from_dict(record) for record in stored]
    names, rows = stored
    if cls is Section and names == ("name", "kind", "text"):
        return [Section(name, kind, _piece(text, piece)) for name, kind, piece in rows]
    if names == kept_fields(cls):
        return [cls(*row) for row in rows]
    return _records(cls, [dict(zip(names, row, strict=True)) for row in rows], text)


def item_of(fields: dict) -> AgendaItem:
    """The AgendaItem a document was made from (stored_item; an item stored whole or
    with its records as dicts, as before, reads back as it is)."""
    data = dict(fields["item_json"])
    text = data.get("text", "")
    for name in _PIECES:
        if isinstance(data.get(name), tuple):
            data[name] = _piece(text, data[name])
    for name, cls in _RECORDS.items():
        data[name] = _records(cls, data.get(name) or [], text)
    return AgendaItem.from_dict(data)


def item_to_document(item: AgendaItem, source_hash: str) -> dict:
    """The Whoosh document for one agenda item. Empty ID values are left out: Whoosh
    would index "" as a term, which every item without a case number would share."""
    doc = {
        "id": item.id,
        "municipality": item.municipality,
        "meeting_id": item.meeting_id,
        "committee": item.committee,
        "status": item.status,
        "number": item.number,
        "number_sort": number_sort_key(item.number),
        "case_number": item.case_number,
        "case_digits": case_digits(item),
        "stance": " ".join(stance_terms(item)),
        "attendee": " ".join(attendee_terms(item)),
        "party_seen": " ".join(party_terms(item)),
        "year": item.year,
        "title": item.title,
        "text": item.text,
        **section_texts(item),
        "exact": exact_text(item),
        "title_compound": item.title,
        "compound": exact_text(item),
        "attachment_text": attachment_text(item),
        "has_attachment": "1" if any(ref.texts for ref in item.attachment_refs) else "",
        "part": item.part,
        "source": item.source,
        "pages": list(item.pages),
        "urls": list(item.urls),
        "case_handler": item.case_handler,
        "item_json": stored_item(item),
        "source_hash": source_hash,
    }
    try:
        doc["meeting_date"] = datetime.fromisoformat(item.meeting_date)
    except (TypeError, ValueError):
        pass  # an item without a readable date is still found, just not by date
    for name in _ID_FIELDS:
        if not doc[name]:
            del doc[name]
    return doc
