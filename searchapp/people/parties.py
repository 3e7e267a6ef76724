"""Danish parties: the letters the minutes print, and their names in any inflection.

Minutes name a party by its list letter in brackets ("Mehmet Zeki Dogru (Ø)",
"(A), (Ø) og (F) stemte imod"), bare ("For stemte: V, C, M og F"), by a common
abbreviation in titles ("Forslag fra KF og M", "EL og Viggo Jonasen, UFP"), or by
name, inflected as Danish inflects it: "Socialistisk Folkepartis og Enhedslisten de
Rød-Grønnes byrådsgrupper", "Radikale Venstres byrådsgruppe", "det Konservative
Folkeparti". Everything becomes the letter of the official list (the national parties'
letters are the same in every municipality); a local list keeps the letter it ran
under. Members outside any party ("UP-1", "UFP", "løsgænger") are "UP".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

INDEPENDENT = "UP"


@dataclass(frozen=True)
class Party:
    letter: str
    name: str
    # Regular expressions of the names a party goes by (each may take a genitive "s");
    # case-sensitive where a lower-case spelling is an ordinary word ("venstre").
    names: tuple[str, ...]
    abbreviations: tuple[str, ...] = ()


PARTIES: tuple[Party, ...] = (
    Party("A", "Socialdemokratiet",
          (r"Socialdemokrati(?:et)?", r"Socialdemokraterne", r"Socialdemokratisk\s+Parti"),
          ("SD", "Soc.dem.")),
    Party("B", "Radikale Venstre",
          (r"(?:[Dd]et\s+)?Radikale\s+Venstre", r"(?:[Dd]e\s+)?Radikale"), ("RV",)),
    Party("C", "Det Konservative Folkeparti",
          (r"(?:[Dd]et\s+)?Konservative\s+Folkeparti", r"(?:[Dd]e\s+)?Konservative"),
          ("KF", "K.F.")),
    Party("D", "Nye Borgerlige", (r"Nye\s+Borgerlige",), ("NB",)),
    Party("F", "SF - Socialistisk Folkeparti",
          (r"Socialistisk\s+Folkeparti", r"SF"), ("SF",)),
    Party("I", "Liberal Alliance", (r"Liberal\s+Alliance",), ("LA",)),
    Party("K", "Kristendemokraterne", (r"Kristendemokraterne", r"Kristeligt\s+Folkeparti"),
          ("KD",)),
    Party("M", "Moderaterne", (r"Moderaterne",), ()),
    Party("O", "Dansk Folkeparti", (r"Dansk\s+Folkeparti",), ("DF",)),
    Party("Q", "Frie Grønne", (r"Frie\s+Grønne",), ("FG",)),
    Party("V", "Venstre", (r"(?<!Radikale )(?<!Radikale\s)Venstre",), ()),
    Party("Æ", "Danmarksdemokraterne",
          (r"Danmarksdemokraterne(?:\s*[-–]\s*Inger\s+Støjberg)?",), ("DD",)),
    Party("Ø", "Enhedslisten",
          (r"Enhedslisten(?:\s*[-–]?\s*[Dd]e\s+Rød-?[Gg]rønne)?",), ("EL",)),
    Party("Å", "Alternativet", (r"Alternativet",), ("ALT",)),
    Party(INDEPENDENT, "Uden for partierne",
          (r"[Uu]den\s+for\s+parti(?:erne|gruppe)?", r"[Ll]øsgænger(?:e|en)?"),
          ("UFP", "UP", "UDP", "LØ")),
)  # fmt: skip

_BY_LETTER = {p.letter: p for p in PARTIES}
# Single letters a national party uses; any other single capital letter is a local list.
NATIONAL_LETTERS = frozenset(p.letter for p in PARTIES if len(p.letter) == 1)
# "UP-1", "UP1", "UP 2": Greve numbers its independent members.
_INDEPENDENT_RE = re.compile(r"^(?:UP|UFP|UDP)(?:[\s-]*\d+)?$")
_LETTER_RE = re.compile(r"^[A-ZÆØÅ]$")


def label(letter: str) -> str:
    """ "Ø" -> "Enhedslisten"; a local list's letter -> "Lokalliste L"."""
    party = _BY_LETTER.get(letter)
    if party:
        return party.name
    return f"Lokalliste {letter}" if letter else ""


def letter_of(text: str) -> str:
    """The party a short text names: a letter ("Ø", "(Ø)", "UP-1"), an abbreviation
    ("SF", "KF", "EL") or a name in any inflection ("Socialistisk Folkepartis
    byrådsgruppe"); "" when it names none."""
    text = re.sub(r"\s+", " ", text).strip(" ()[].,:;")
    if not text:
        return ""
    if _INDEPENDENT_RE.match(text):
        return INDEPENDENT
    if _LETTER_RE.match(text):
        return text
    for party in PARTIES:
        if text in party.abbreviations:
            return party.letter
    m = name_pattern().fullmatch(_strip_group_word(text))
    if m:
        return letter_of_match(m)
    return ""


_GROUP_WORDS = (
    r"(?:byråds|kommunalbestyrelses|regionsråds|udvalgs|partiets\s+)?"
    r"(?:grupper|gruppe|gruppen|grupperne|medlemmer|medlem|repræsentanter|repræsentant)"
)
_GROUP_RE = re.compile(rf"\s+{_GROUP_WORDS}$", re.I)


def _strip_group_word(text: str) -> str:
    return _GROUP_RE.sub("", text)


@lru_cache(maxsize=1)
def name_pattern() -> re.Pattern:
    """One pattern for every party name, each alternative a named group `p<i>`; a
    genitive ("Venstres", "SF's", "Enhedslistens") is part of the match."""
    parts = []
    for i, party in enumerate(PARTIES):
        names = "|".join(party.names)
        parts.append(rf"(?P<p{i}>(?:{names})(?:s|'s|’s)?)")
    return re.compile(r"(?<![\wÆØÅæøå])(?:" + "|".join(parts) + r")(?![\wÆØÅæøå-])")


def letter_of_match(m: re.Match) -> str:
    for name, value in m.groupdict().items():
        if value is not None:
            return PARTIES[int(name[1:])].letter
    return ""


def group_words_pattern() -> str:
    """What may follow a party's name to make it a group: "byrådsgruppe(r)"."""
    return _GROUP_WORDS
