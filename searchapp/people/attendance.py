"""Who was at a meeting, from the attendance a front page prints.

Every system labels the lists its own way, the names below the label or after it:
eDoc's "Tilstede" / "Afbud/Fraværende" / "Sekretær", Acadre-like "Medlemmer" /
"Fraværende", "Deltagere", "Ikke til stede"; "Medlemmer: Lars Berg (A), formand,
Anna Friis (V), Ole Dahl (Ø)" on one line; "Fraværende: Ingen". KL's KKR minutes
list the members present without a label, one a line with their municipality:
"Serdal Benli (F), Gladsaxe Kommune, suppleant for Trine Græse".

A substitute sits for a member who is away, so "X, suppleant for Y" also says Y was
absent, and "Y (O), stedfortræder X (O)" under "Afbud" says X took part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..models import Participant
from .names import Entry, parse_entry

PRESENT, ABSENT, SECRETARY, OTHER = "present", "absent", "secretary", "other"

# Labels that open a list, lower case -> what the list says of the people in it.
LABELS = {
    "tilstede": PRESENT, "til stede": PRESENT, "deltagere": PRESENT,
    "mødedeltagere": PRESENT, "medlemmer": PRESENT, "fremmødte": PRESENT,
    "til stede var": PRESENT, "deltog": PRESENT, "udvalgsmedlemmer": PRESENT,
    "medlemmer til stede": PRESENT, "deltagere i mødet": PRESENT,
    "afbud": ABSENT, "fraværende": ABSENT, "afbud/fraværende": ABSENT,
    "fraværende/afbud": ABSENT, "afbud og fraværende": ABSENT, "ikke til stede": ABSENT,
    "ikke mødt": ABSENT, "ikke fremmødt": ABSENT, "meldt afbud": ABSENT,
    "forfald": ABSENT, "afbud fra": ABSENT, "fraværende med afbud": ABSENT,
    "fraværende uden afbud": ABSENT, "afbud/fravær": ABSENT, "fravær": ABSENT,
    "ikke tilstede": ABSENT, "afbud meldt af": ABSENT,
    "sekretær": SECRETARY, "referent": SECRETARY, "protokolfører": SECRETARY,
    "udvalgssekretær": SECRETARY, "mødesekretær": SECRETARY,
    # Lists of others: they end the lists above, their people are not members.
    "øvrige deltagere": OTHER, "desuden deltog": OTHER, "fra administrationen deltog": OTHER,
    "fra administrationen": OTHER, "administrationen": OTHER, "gæster": OTHER,
    "inviterede": OTHER,
}  # fmt: skip
_LABEL_RE = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(LABELS, key=len, reverse=True))
    + r")(?:\s*:\s*|\s*$|\s+(?=[A-ZÆØÅ]))(?P<rest>.*)$",
    re.I,
)
# A second list on the same line: "Deltagere: A (V), B (C). Afbud: D (Ø)".
_NEXT_LABEL_RE = re.compile(
    r"(?<=[.;])\s+(?=(?:"
    + "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(LABELS, key=len, reverse=True))
    + r")\s*:)",
    re.I,
)
_NOBODY_RE = re.compile(r"^(?:ingen|-|–|intet|ingen\s+afbud|alle\s+til\s+stede)\.?$", re.I)
# KKR's unlabelled entries: a name, the party, the municipality.
_KKR_ENTRY_RE = re.compile(r"\([^()]{1,12}\),?\s+[\w -]+?\s+(?:Kommune|Regionskommune)\b")


def read_attendance(texts: Iterable[str]) -> list[Participant]:
    """The participants a front page lists, in its order; [] when it lists none."""
    found: list[Participant] = []
    kind: str | None = None
    label = ""
    unlabelled: list[Entry] = []
    for line in _lines(texts):
        text = re.sub(r"\s+", " ", line)
        if not text:
            continue
        m = _LABEL_RE.match(line)
        if m:
            label = re.sub(r"\s+", " ", m["label"])
            kind = LABELS[label.lower()]
            rest = m["rest"].strip()
            if rest:
                entries = split_entries(rest)
                if entries is None:
                    kind = None  # "Deltog i mødet som ..." is a sentence, not a list
                else:
                    _add(found, entries, kind, label)
            continue
        if kind is not None:
            entries = split_entries(line)
            if entries is not None:
                _add(found, entries, kind, label)
                continue
            kind = None
        if _KKR_ENTRY_RE.search(text):
            entry = parse_entry(text)
            if entry is not None and entry.body:
                unlabelled.append(entry)
    if not found and len(unlabelled) >= 2:
        _add(found, unlabelled, PRESENT, "")
    return merge(found)


def _lines(texts: Iterable[str]):
    """The lines, a line holding several labelled lists split before each label. Wide
    gaps stay: they part names set in columns (split_entries)."""
    for raw in texts:
        yield from (part.strip() for part in _NEXT_LABEL_RE.split(raw.replace("\xa0", " ")))


def split_entries(text: str) -> list[Entry] | None:
    """ "Lars Berg (A), formand, Anna Friis (V) og Ole Dahl (Ø)" -> three entries;
    [] for "Ingen"; None when the text is not a list of people."""
    text = text.strip(" .;")
    if _NOBODY_RE.match(text):
        return []
    whole = parse_entry(text)
    if whole is not None:
        return [whole]
    # Commas, "og", and the wide gaps of names set in columns ("Lars Berg (A)    Anna
    # Friis (V)").
    pieces = [p for p in re.split(r"\s*[,;]\s*|\s+(?:og|samt)\s+|\t+|\s{3,}",
                                  _expand_brackets(text)) if p]  # fmt: skip
    entries: list[Entry] = []
    for piece in pieces:
        if entries and _continues(piece):
            # ", formand", ", Gladsaxe Kommune", ", suppleant for X" belong to the name
            # before them.
            merged = parse_entry(f"{_as_text(entries[-1])}, {piece}")
            if merged is None:
                return None
            entries[-1] = merged
            continue
        entry = parse_entry(piece)
        if entry is None:
            return None
        entries.append(entry)
    return entries


def _expand_brackets(text: str) -> str:
    # "(suppleant for X, Y)" must not be split inside the brackets.
    return re.sub(r"\(([^()]*)\)", lambda m: "(" + m.group(1).replace(",", " ") + ")", text)


_CONTINUATION_RE = re.compile(
    r"^(?:næstformand|formand|medlem|suppleant|sekretær|referent|stedfortræder)\b"
    r"|\b(?:Kommune|Regionskommune)$|^Region\s",
    re.I,
)


def _continues(piece: str) -> bool:
    return bool(_CONTINUATION_RE.search(piece.strip()))


def _as_text(entry: Entry) -> str:
    text = entry.name + (f" ({entry.party})" if entry.party else "")
    if entry.body:
        text += f", {entry.body}"
    if entry.role and entry.role != "suppleant":
        text += f", {entry.role}"
    if entry.substitute_for:
        text += f", suppleant for {entry.substitute_for}"
    elif entry.role == "suppleant":
        text += ", suppleant"
    if entry.substituted_by:
        text += f", stedfortræder {entry.substituted_by}"
    return text


def _add(found: list[Participant], entries: list[Entry], kind: str, label: str) -> None:
    if kind == OTHER:
        return
    for entry in entries:
        role = entry.role or ("sekretær" if kind == SECRETARY else "medlem")
        present = kind != ABSENT
        found.append(Participant(
            name=entry.name, party=entry.party, role=role, present=present,
            substitute_for=entry.substitute_for,
            absence=_absence(label) if not present else "", body=entry.body,
            source=label or "deltagerliste",
        ))  # fmt: skip
        if entry.substitute_for:
            # The member a substitute sat for was away.
            found.append(Participant(
                name=entry.substitute_for, party=entry.other_party, present=False,
                body=entry.body, source=f"{entry.name} suppleant for {entry.substitute_for}",
            ))  # fmt: skip
        if entry.substituted_by:
            found.append(Participant(
                name=entry.substituted_by, party=entry.other_party, role="suppleant",
                present=True, substitute_for=entry.name, body=entry.body,
                source=f"{label}: {entry.name}, stedfortræder {entry.substituted_by}",
            ))  # fmt: skip


def _absence(label: str) -> str:
    """ "Afbud" says the member sent apologies; any other list only that they were away
    ("Afbud/Fraværende" does not say which)."""
    label = label.lower()
    if label in ("afbud", "meldt afbud", "afbud fra", "forfald", "fraværende med afbud",
                 "afbud meldt af"):
        return "afbud"
    return "fraværende"


def merge(participants: list[Participant]) -> list[Participant]:
    """One record a person: a name listed twice keeps what each listing knew (the
    first listing's role, an absence from either, a party from either)."""
    from .names import name_key

    by_key: dict[str, Participant] = {}
    for p in participants:
        key = name_key(p.name)
        have = by_key.get(key)
        if have is None:
            by_key[key] = p
            continue
        have.party = have.party or p.party
        have.body = have.body or p.body
        have.substitute_for = have.substitute_for or p.substitute_for
        if have.role == "medlem" and p.role != "medlem":
            have.role = p.role
        if p.present is False and have.present is not False:
            have.present, have.absence, have.source = False, p.absence, p.source
    return list(by_key.values())
