"""A meeting's record and a person's, from the items an index holds, and what the index
keeps of each item to find them: engine-neutral, so any engine fills the same records.

Each item carries its meeting's participants (people.complete), so a meeting's record
is any of its items' attendance and all its items' positions, and a person's record the
meetings whose attendance lists them and the items whose positions name them. A person
is known by their name within their municipality: `person_id` ("greve-liselott-blixt");
a member of KL's KKR by the municipality they come from.

The index keeps three lists of words an item: `stance_terms` ("Ø:against", "Ø:*",
"*:against", "@greve-liselott-blixt:for") for the party, position and person filters,
`attendee_terms` (the person ids of the meeting's attendance) for the person page, and
`party_terms` ("greve-liselott-blixt=UP=2024-01-29": the party a meeting's minutes
write a person with). A meeting whose minutes never write a member's party (Greve's
committees name members without) shows the party written for them at the nearest
meeting in time, and says which: a member who changed party is shown with the party of
the time.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ..models import (
    POSITION_LABELS,
    POSITIONS,
    ROLE_LABELS,
    AgendaItem,
    Participant,
    Position,
    municipality_slug,
    slugify,
)
from .parties import label as party_label

# The stands that are dissent: what the party filter and the Parti facet go by unless
# positions are chosen.
DISSENT = ("against", "reservation", "abstained")
ANY = "*"


@lru_cache(maxsize=4096)
def person_id(name: str, municipality: str) -> str:
    """ "Liselott Blixt" of "Greve Kommune" -> "greve-liselott-blixt". Kept for the
    last few thousand people: indexing asks it for every attendee of every item (a
    meeting's 21 people again for each of its items)."""
    place = municipality_slug(municipality) or "ukendt"
    return f"{place}-{slugify(name)}"


def participant_id(participant: Participant, item: AgendaItem) -> str:
    return person_id(participant.name, participant.body or item.municipality)


def position_person_id(position: Position, item: AgendaItem) -> str:
    """The id of the person a stand names; a KKR member by the municipality the
    attendance gives them."""
    body = next((p.body for p in item.participants if p.name == position.person and p.body), "")
    return person_id(position.person, body or item.municipality)


# -- what the index keeps -------------------------------------------------------------------


def stance_terms(item: AgendaItem) -> list[str]:
    """Words for the filters: "<party>:<position>" and "<party>:*" for every party
    taking a stand (a member's stand counts for their party), "*:<position>", and
    "@<person id>:<position>" and "@<person id>:*" for a person named in one."""
    terms: set[str] = set()
    for position in item.positions:
        terms.add(f"{ANY}:{position.position}")
        if position.party:
            terms.update((f"{position.party}:{position.position}", f"{position.party}:{ANY}"))
        if position.person:
            pid = position_person_id(position, item)
            terms.update((f"@{pid}:{position.position}", f"@{pid}:{ANY}"))
    return sorted(terms)


def attendee_terms(item: AgendaItem) -> list[str]:
    """The person ids of the item's meeting's attendance."""
    return sorted({participant_id(p, item) for p in item.participants})


def party_terms(item: AgendaItem) -> list[str]:
    """ "<person id>=<letter>=<meeting date>" for each person the item's meeting writes
    with a party (attendance or stand)."""
    terms = {f"{participant_id(p, item)}={p.party}={item.meeting_date}"
             for p in item.participants if p.party}  # fmt: skip
    terms |= {f"{position_person_id(p, item)}={p.party}={item.meeting_date}"
              for p in item.positions if p.person and p.party}  # fmt: skip
    return sorted(terms)


def nearest_party(terms: Iterable[str], meeting_date: str) -> tuple[str, str] | None:
    """(letter, date) of the `party_terms` of one person nearest to `meeting_date` in
    time, an earlier meeting winning a tie; None for none."""
    from datetime import date

    try:
        day = date.fromisoformat(meeting_date)
    except ValueError:
        day = None
    best = None
    for term in terms:
        _, letter, seen = term.rsplit("=", 2)
        try:
            distance = abs((date.fromisoformat(seen) - day).days) if day else 0
        except ValueError:
            continue
        key = (distance, seen > meeting_date)
        if best is None or key < best[0]:
            best = (key, letter, seen)
    return (best[1], best[2]) if best else None


def person_terms(people: Iterable[str], positions: Iterable[str]) -> list[str]:
    """The stance words one of which an item must have for the person filter: one of
    the people named in one of the positions (any, when none are chosen)."""
    positions = list(positions) or [ANY]
    return [f"@{pid}:{p}" for pid in people for p in positions]


def position_terms(positions: Iterable[str]) -> list[str]:
    """The stance words for the position filter alone: anyone taking one of them."""
    return [f"{ANY}:{p}" for p in positions]


def party_facet_terms(positions: Iterable[str]) -> tuple[str, ...]:
    """The positions the party filter and the Parti facet go by: those chosen, else
    dissent."""
    chosen = tuple(p for p in positions if p in POSITIONS)
    return chosen or DISSENT


# -- records ---------------------------------------------------------------------------------


def participant_view(participant: Participant, item: AgendaItem,
                     seen: tuple[str, str] | None = None) -> dict:  # fmt: skip
    """A participant as the meeting record lists them; `seen`, (letter, date), is the
    party another meeting's minutes write them with, for one whose party these do not
    write."""
    party, seen_on = participant.party, ""
    if not party and seen:
        party, seen_on = seen
    data = {
        "name": participant.name,
        "party": party,
        "party_label": party_label(party),
        "party_seen": seen_on,
        "role": participant.role,
        "role_label": ROLE_LABELS.get(participant.role, participant.role),
        "present": participant.present,
        "absence": participant.absence,
        "substitute_for": participant.substitute_for,
        "body": participant.body,
        "source": participant.source,
        "person_id": participant_id(participant, item),
    }
    data["person_url"] = person_url(data["person_id"])
    return data


def position_view(position: Position, item: AgendaItem) -> dict:
    data = {
        "position": position.position,
        "position_label": POSITION_LABELS.get(position.position, position.position),
        "party": position.party,
        "party_label": party_label(position.party),
        "person": position.person,
        "person_id": position_person_id(position, item) if position.person else None,
        "points": position.points,
        "sentence": position.sentence,
    }
    data["person_url"] = person_url(data["person_id"]) if data["person_id"] else None
    return data


def meeting_url(meeting_id: str) -> str:
    from urllib.parse import quote

    return "/meetings/" + quote(meeting_id, safe="")


def person_url(pid: str) -> str:
    from urllib.parse import quote

    return "/people/" + quote(pid, safe="")


def meeting_record(items: list[AgendaItem], item_view, parties_seen=None) -> dict | None:
    """GET /api/meetings/<id>: the meeting's facts, its participants, and its items in
    agenda order with their positions and votes; `item_view(item)` gives an item's
    summary and links, `parties_seen(person_ids, meeting_date)` the party other
    meetings write people with ({person id: (letter, date)}). None for no items."""
    if not items:
        return None
    first = items[0]
    # Every item carries the attendance; the first with one speaks for the meeting.
    attending = next((i for i in items if i.participants), first)
    unknown = [participant_id(p, attending) for p in attending.participants if not p.party]
    seen = parties_seen(unknown, first.meeting_date) if parties_seen and unknown else {}
    participants = [participant_view(p, attending, seen.get(participant_id(p, attending)))
                    for p in attending.participants]  # fmt: skip
    return {
        "id": first.meeting_id,
        "url": meeting_url(first.meeting_id),
        "municipality": first.municipality,
        "committee": first.committee,
        "meeting_date": first.meeting_date,
        "meeting_time": first.meeting_time,
        "place": first.place,
        "source_format": first.source_format,
        "participants": participants,
        "present": sum(p["present"] is True for p in participants),
        "absent": sum(p["present"] is False for p in participants),
        "items": [
            {
                **item_view(item),
                "positions": [position_view(p, item) for p in item.positions],
                "votes": [v.__dict__.copy() for v in item.votes],
            }
            for item in items
        ],
    }


def person_record(pid: str, items: list[AgendaItem], item_view) -> dict | None:
    """GET /api/people/<id>: the meetings whose attendance lists the person (attended
    or missed, newest first) and the items where they are named in a position. `items`
    are the index's items naming them (one a meeting is enough for the attendance)."""
    meetings: dict[str, dict] = {}
    positions: list[dict] = []
    name, party, municipality = "", "", ""
    seen_items: set[str] = set()
    for item in sorted(items, key=lambda i: (i.meeting_date, i.meeting_id), reverse=True):
        for participant in item.participants:
            if participant_id(participant, item) != pid:
                continue
            name = name or participant.name
            party = party or participant.party
            municipality = municipality or participant.body or item.municipality
            meetings.setdefault(item.meeting_id, {
                "meeting_id": item.meeting_id,
                "url": meeting_url(item.meeting_id),
                "municipality": item.municipality,
                "committee": item.committee,
                "meeting_date": item.meeting_date,
                "role": participant.role,
                "role_label": ROLE_LABELS.get(participant.role, participant.role),
                "present": participant.present,
                "absence": participant.absence,
                "substitute_for": participant.substitute_for,
                "source": participant.source,
            })  # fmt: skip
        if item.id in seen_items:
            continue
        for position in item.positions:
            if position.person and position_person_id(position, item) == pid:
                seen_items.add(item.id)
                name = name or position.person
                party = party or position.party
                municipality = municipality or item.municipality
                positions.append({
                    **item_view(item),
                    "meeting_id": item.meeting_id,
                    "meeting_url": meeting_url(item.meeting_id),
                    **{k: v for k, v in position_view(position, item).items()
                       if k not in ("person", "person_id", "person_url")},
                })  # fmt: skip
    if not meetings and not positions:
        return None
    listed = sorted(meetings.values(), key=lambda m: (m["meeting_date"], m["meeting_id"]),
                    reverse=True)  # fmt: skip
    return {
        "id": pid,
        "url": person_url(pid),
        "name": name,
        "party": party,
        "party_label": party_label(party),
        "municipality": municipality,
        "meetings": listed,
        "attended": sum(m["present"] is True for m in listed),
        "missed": sum(m["present"] is False for m in listed),
        "positions": positions,
    }
