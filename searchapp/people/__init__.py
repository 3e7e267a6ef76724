"""Who took part in a meeting, who was away, and where each party and member stood.

The readers give a meeting the attendance its source has: a front page's lists
(`attendance.read_attendance`), eDoc's meeting text, SBSYS's meeting members, the
publishing site's `Moededeltagere`. `complete` then reads every open item's decision:
the stands taken and the votes counted (`positions`), and the attendance written into
the decisions themselves ("Fraværende: Bjarke Abel, Linda Heegaard" under every
decision of a Greve meeting; "Jette Andersen deltog som suppleant for Kenneth
Jerkel"). Someone named away under every decision was away from the meeting; someone
named under some only did not take part in those items.

Only the decision counts: "Sagsforløb" and "Sagens forløb" report what other bodies
decided at earlier meetings ("Magistraten 19-08-2025 ... Socialdemokratiet tog
forbehold"), which is not where anyone stood on the item as this meeting decided it.
Only members, substitutes and officials of the attendance become participants, and
only people standing as subject of a stand in a decision are named in positions; the
citizens a text mentions never are.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..models import AgendaItem, Meeting, Participant, Position
from .attendance import merge, read_attendance, split_entries
from .names import NAME_RE, Roster, clean_name, is_name, name_before, name_key
from .parties import label, letter_of
from .positions import read_positions, sentences

__all__ = ["complete", "read_attendance", "decision_text", "label", "letter_of"]

# eDoc writes who did not take part as a section of its own after the decision.
_NOT_PARTICIPATING_SECTION_RE = re.compile(r"^følgende\s+deltog\s+ikke", re.I)
# Attendance written into a decision: "Fraværende: X, Y", "Afbud fra X", "Ikke til
# stede: X (UP-1)".
_ABSENT_LINE_RE = re.compile(
    r"^(?P<label>fraværende|afbud(?:\s+fra)?|ikke\s+til\s+stede|ikke\s+mødt|meldt\s+afbud)"
    r"(?:\s+under\s+(?:punktet|sagen|behandlingen))?\s*:?\s+(?P<names>\S.*)$",
    re.I,
)
_SUBSTITUTE_RE = re.compile(
    rf"^(?P<name>{NAME_RE})(?:\s*\((?P<party>[^()]{{1,12}})\))?\s+deltog\s+(?:i\s+mødet\s+)?"
    rf"som\s+(?:suppleant|stedfortræder)(?:\s+for\s+(?P<other>{NAME_RE}))?",
)
_PARTY_RE = re.compile(r"\((?P<party>[^()]{1,12})\)")


def decision_text(item: AgendaItem) -> str:
    """What the meeting decided on the item: its decision sections, and eDoc's "Følgende
    deltog ikke i behandlingen af punktet" with the names after it."""
    if not item.sections:
        return item.decision  # KL's KKR minutes: the fields without sections
    parts = []
    for section in item.sections:
        if section.kind == "decision":
            parts.append(section.text)
        elif _NOT_PARTICIPATING_SECTION_RE.match(section.name or ""):
            # The names one a line under the label: one list.
            names = ", ".join(line.strip(" ,") for line in section.text.splitlines()
                              if line.strip(" ,"))  # fmt: skip
            parts.append(f"{section.name.rstrip(':')}: {names}")
    return "\n\n".join(p for p in parts if p.strip())


def complete(meeting: Meeting) -> Meeting:
    """Fill in the meeting's participants and every open item's positions and votes,
    then give each item the meeting's participants."""
    participants = merge([Participant(**vars(p)) for p in meeting.participants])
    roster = Roster([p.name for p in participants])
    decided: list[tuple[AgendaItem, str]] = []
    given: dict[str, list[Position]] = {}  # what an export records per item (SBSYS)
    for item in meeting.items:
        given[item.id] = [] if item.closed else list(item.positions)
        item.positions, item.votes = [], []
        text = "" if item.closed else decision_text(item)
        if text:
            decided.append((item, text))
    away: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)  # item id -> name -> why
    substitutes: list[Participant] = []
    for item in meeting.items:
        item.positions = list(given[item.id])
    for item, text in decided:
        positions, item.votes = read_positions(text)
        item.positions += [p for p in positions if p not in item.positions]
        for sentence, label_, names in _absences(text):
            for name in names:
                away[item.id][_resolve(name, roster)] = (label_, sentence)
        substitutes.extend(_substitutes(text))
    _apply_absences(participants, decided, away, roster)
    participants = merge(participants + substitutes)
    parties = _parties_in_text(meeting, participants)
    for p in participants:
        p.party = p.party or parties.get(name_key(p.name), "")
    roster = Roster([p.name for p in participants])
    for item in meeting.items:
        item.positions = _resolved_positions(item.positions, roster, participants, parties)
    meeting.participants = participants
    for item in meeting.items:
        item.participants = [Participant(**vars(p)) for p in participants]
    return meeting


def _absences(text: str) -> list[tuple[str, str, list[str]]]:
    """(sentence, label, names) for each "Fraværende: ..." line of a decision."""
    found = []
    for sentence in sentences(text):
        m = _ABSENT_LINE_RE.match(sentence)
        if not m:
            continue
        entries = split_entries(m["names"])
        if entries:
            found.append((sentence, m["label"], [e.name for e in entries]))
    return found


def _substitutes(text: str) -> list[Participant]:
    found = []
    for sentence in sentences(text):
        m = _SUBSTITUTE_RE.match(sentence)
        if m and is_name(m["name"]):
            found.append(Participant(
                name=clean_name(m["name"]), party=letter_of(m["party"] or ""),
                role="suppleant", present=True,
                substitute_for=clean_name(m["other"]) if m["other"] else "", source=sentence,
            ))  # fmt: skip
    return found


def _resolve(name: str, roster: Roster) -> str:
    return roster.match(name) or clean_name(name)


def _apply_absences(participants, decided, away, roster) -> None:
    """Names away under every decided item were away from the meeting; the others did
    not take part in the items that name them."""
    if not away:
        return
    counts = Counter(name for names in away.values() for name in names)
    by_key = {name_key(p.name): p for p in participants}
    whole_meeting = {name for name, n in counts.items() if n == len(decided)}
    for name in whole_meeting:
        label_, sentence = next(names[name] for names in away.values() if name in names)
        p = by_key.get(name_key(name))
        if p is None:
            p = Participant(name=name)
            participants.append(p)
            by_key[name_key(name)] = p
        if p.present is not False:
            p.present = False
            p.absence = "afbud" if label_.lower().startswith(("afbud", "meldt")) else "fraværende"
            p.source = sentence
    for item, _ in decided:
        for name, (_, sentence) in away.get(item.id, {}).items():
            p = by_key.get(name_key(name))
            if name in whole_meeting or (p is not None and p.present is False):
                continue
            item.positions.append(Position(
                "not_participating", p.party if p else "", name, sentence
            ))  # fmt: skip


def _parties_in_text(meeting: Meeting, participants: list[Participant]) -> dict[str, str]:
    """Name key -> party letter, from "Name (P)" wherever the meeting's open items write
    it: the letter written most often (a slip, "Charlotte Levin (S)" among many "(A)",
    does not count), the decisions first (a case's history may predate a change of
    party). The attendance's own letters win over both."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for item in meeting.items:
        if item.closed:
            continue
        for section in item.sections:
            weight = 1000 if section.kind == "decision" else 1
            for m in _PARTY_RE.finditer(section.text):
                letter = letter_of(m["party"])
                line_start = max(section.text.rfind("\n", 0, m.start()) + 1, m.start() - 200)
                name = name_before(section.text[line_start : m.start()]) if letter else ""
                if name:
                    counts[name_key(name)][letter] += weight
    roster = Roster([p.name for p in participants])
    found: dict[str, str] = {}
    for key, letters in counts.items():
        (first, n), *rest = letters.most_common(2) + [(None, 0)]
        if rest[0][1] == n:
            continue  # as often one letter as another: none
        found[key] = first
        match = roster.match(key)
        if match:
            found.setdefault(name_key(match), first)
    for p in participants:
        if p.party:
            found[name_key(p.name)] = p.party
    return found


def _resolved_positions(
    positions: list[Position], roster: Roster, participants: list[Participant], parties: dict
) -> list[Position]:
    """People named in positions under the attendance's spelling, with their party; one
    away from the whole meeting did not take part in any item, which is no item's
    position."""
    party_of = {name_key(p.name): p.party for p in participants if p.party}
    away = {name_key(p.name) for p in participants if p.present is False}
    resolved: list[Position] = []
    for position in positions:
        if position.person:
            position.person = roster.match(position.person) or position.person
            key = name_key(position.person)
            if position.position == "not_participating" and key in away:
                continue  # away from the whole meeting: the attendance says so
            # The person's party as the meeting knows it, over a slip in one sentence.
            position.party = party_of.get(key) or parties.get(key) or position.party
        if position not in resolved:
            resolved.append(position)
    return resolved
