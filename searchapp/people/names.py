"""People's names as minutes print them, and one person under the spellings of one
meeting.

An attendance entry is a name, often the party letter, sometimes a role, the
municipality (KL's KKR minutes) or whom a substitute sits for: "Lolan Ottesen (A) -
formand", "Anne Kirkegaard (A), formand", "Serdal Benli (F), Gladsaxe Kommune,
suppleant for Trine Græse", "Kasper Bang (O), stedfortræder Lene Frost (O)",
"Liselott Blixt (UP-1)". The same person is spelt differently within one meeting
("Mehmet Dogru" and "Mehmet Zeki Dogru", "Brigtitte" for "Brigitte", a trailing
full stop or no-break space): `Roster` matches such spellings to the one name the
attendance list gives.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .parties import letter_of

# One word of a name: "Hans-Jørgen", "Falk-Sørensen", "T.", "O'Neill"; particles in
# lower case ("de", "van") only between capitalised words.
_CAP = r"[A-ZÆØÅÄÖÜÉÈ][\w'’.-]*"
_PARTICLE = r"(?:de|da|van|von|der|den|la|le|af|du|el|al|bin|ibn)"
NAME_RE = rf"{_CAP}(?:[^\S\n]+(?:{_PARTICLE}[^\S\n]+)*{_CAP}){{1,5}}"  # within one line
_NAME_FULL_RE = re.compile(rf"^{NAME_RE}$")

# Capitalised words that begin sentences or name bodies and roles, never a person.
_NOT_NAMES = frozenset("""
afbud fraværende tilstede deltagere medlemmer sekretær referent formand næstformand
borgmester borgmesteren rådmand rådmanden udvalget udvalgets byrådet byråd kommunen
kommune kommunalbestyrelsen regionsrådet magistraten flertallet mindretallet et en
den det de der dette denne disse for imod og samt men med i på til af som at hvis når
punkt punktet sagen sag indstillingen indstilling administrationen forvaltningen
direktionen beslutning beslutningen bilag bemærkning bemærkninger jf pkt nr ad
mødet møde godkendt godkendte anbefales ingen alle øvrige følgende herunder
økonomiudvalget økonomiudvalgets teknisk kultur social sundhed børn unge skole
""".split())
# Words ending so name a body or a place, never a person: "KKR Hovedstaden",
# "Teknisk Udvalg", "Aarhus Byråd", "Greve Kommune".
_BODY_ENDINGS = (
    "udvalget", "udvalg", "udvalgets", "rådet", "råd", "rådets", "nævnet", "nævn",
    "bestyrelsen", "bestyrelse", "kommune", "kommunes", "kommunen", "forvaltningen",
    "afdelingen", "afdeling", "sekretariatet", "direktionen", "magistraten", "regionen",
    "hovedstaden", "sjælland", "syddanmark", "midtjylland", "nordjylland", "byrådet",
    "byråd", "forsamlingen", "repræsentantskabet", "partiet", "gruppen", "grupperne",
)
# Titles written before a name: "Borgmester Steen Christiansen".
TITLE_RE = re.compile(
    r"^(?:borgmester(?:en)?|viceborgmester|rådmand|rådkvinde|rådmanden|udvalgsformand|"
    r"byrådsmedlem|kommunalbestyrelsesmedlem|regionsrådsmedlem|medlem|formand(?:en)?|"
    r"næstformand(?:en)?|sekretær|referent)\s+",
    re.I,
)

ROLE_WORDS = {
    "formand": "formand",
    "formanden": "formand",
    "næstformand": "næstformand",
    "næstformanden": "næstformand",
    "medlem": "medlem",
    "suppleant": "suppleant",
    "stedfortræder": "suppleant",
    "sekretær": "sekretær",
    "referent": "sekretær",
    "udvalgssekretær": "sekretær",
    "protokolfører": "sekretær",
}
_ROLE_RE = re.compile(r"\b(" + "|".join(sorted(ROLE_WORDS, key=len, reverse=True)) + r")\b", re.I)
# "suppleant for Trine Græse", "i stedet for X": the entry sits for another;
# "stedfortræder Lene Frost (O)" after a member sending apologies: another sits for it.
_SUBSTITUTE_RE = re.compile(
    r"\b(?:(?:suppleant|stedfortræder)\s+for|i\s+stedet\s+for)\s+(?P<other>.+)$"
    r"|\b(?:suppleant|stedfortræder)(?:\s*:)?\s+(?P<by>.+)$",
    re.I,
)
_BODY_RE = re.compile(
    r"(?P<body>[A-ZÆØÅ][\w-]*(?:\s+[A-ZÆØÅ][\w-]*)?\s+(?:Kommune|Regionskommune)|Region\s+\w+)"
)
_PARTY_PAREN_RE = re.compile(r"\(\s*(?P<party>[^()]{1,40}?)\s*\)")
# A note after an entry, about when they came or went: not part of it.
_NOTE_RE = re.compile(
    r"(?:^|[\s,(])(?:deltog|forlod|ankom|kom|gik|fra\s+kl|til\s+kl|fra\s+(?:pkt|punkt)|"
    r"under\s+(?:pkt|punkt)|efter\s+(?:pkt|punkt)|indtil|ej\s+til\s+stede)\b",
    re.I,
)


@dataclass
class Entry:
    """One person as an attendance list or a decision names them."""

    name: str
    party: str = ""
    role: str = ""  # "" when the entry names none
    body: str = ""  # "Gladsaxe Kommune": the municipality a KKR member comes from
    substitute_for: str = ""
    substituted_by: str = ""  # "Kasper Bang (O), stedfortræder Lene Frost (O)"
    other_party: str = ""  # the party of the one sat for or sitting for this one


def clean_name(text: str) -> str:
    """ "Anne Marie Lyduch.\xa0" -> "Anne Marie Lyduch"."""
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ")
    text = re.sub(r"\s+", " ", text).strip(" .,:;\t\r\n-–")
    return TITLE_RE.sub("", text).strip()


def name_before(text: str) -> str:
    """The name that ends `text`, in its longest form: "Økonomiudvalget Linda Heegaard"
    -> "Linda Heegaard"; "" when the last words are no name."""
    words = text.split()
    if len(words) < 2 or not words[-1][:1].isupper() or not words[-2][:1].isupper():
        return ""  # a name ends in two capitalised words (particles come between)
    for n in range(min(6, len(words)), 1, -1):
        candidate = " ".join(words[-n:])
        if is_name(candidate):
            return clean_name(candidate)
    return ""


def is_name(text: str) -> bool:
    """Whether `text` reads as a person's name: two to six capitalised words, none a
    word that begins sentences or names a body or a role."""
    text = clean_name(text)
    if not _NAME_FULL_RE.match(text):
        return False
    words = [w.strip(".").lower() for w in text.split()]
    if any(w in _NOT_NAMES or w.endswith(_BODY_ENDINGS) for w in words):
        return False
    if any(len(w) >= 2 and w.isalpha() and w.isupper() for w in text.split()):
        return False  # an acronym: "KKR Hovedstaden", "KL", "SF"
    if letter_of(text):
        return False  # "Liberal Alliance", "Dansk Folkeparti"
    return not any(ch.isdigit() for ch in text)


def parse_entry(text: str) -> Entry | None:
    """An attendance entry, or None when `text` names no person."""
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ")
    text = re.sub(r"\s+", " ", text).strip(" .,;\t")
    if not text:
        return None
    role = ""
    # A role before the name: "Formand: Lars Berg (A)", "Borgmester Steen Christiansen".
    m = re.match(r"^(?P<role>[A-Za-zæøåÆØÅ]+)\s*:\s*(?P<rest>.+)$", text)
    if m and m["role"].lower() in ROLE_WORDS:
        role, text = ROLE_WORDS[m["role"].lower()], m["rest"]
    title = TITLE_RE.match(text)
    if title:
        role = role or ROLE_WORDS.get(title.group(0).strip().lower().removesuffix("en"), "")
        text = text[title.end() :]
    m = re.match(NAME_RE, text)
    if not m:
        return None
    name_text, rest = m.group(0), text[m.end() :]
    # "Thyge Enevoldsen (Ø) Frederiksberg Kommune" has its party; without one, the name
    # would run on into the body's capitalised words: give them back.
    body_in_name = _BODY_RE.search(name_text)
    if body_in_name and body_in_name.start() > 0:
        rest = name_text[body_in_name.start() :] + rest
        name_text = name_text[: body_in_name.start()]
    name = clean_name(name_text)
    if not is_name(name):
        return None
    entry = Entry(name=name, role=role)
    party = _PARTY_PAREN_RE.match(rest.lstrip())
    if party:
        letter = letter_of(party["party"])
        if letter:
            entry.party = letter
            rest = rest.lstrip()[party.end() :]
        elif ROLE_WORDS.get(party["party"].lower()):
            entry.role = entry.role or ROLE_WORDS[party["party"].lower()]
            rest = rest.lstrip()[party.end() :]
    if not _read_rest(entry, rest):
        return None
    return entry


def _read_rest(entry: Entry, rest: str) -> bool:
    """What follows the name and party: ", formand", " - næstformand", ", Gladsaxe
    Kommune", ", suppleant for Trine Græse". False when it is something else (the
    text is a sentence, not an entry)."""
    rest = rest.strip(" ,.-–\t")
    if not rest:
        return True
    note = _NOTE_RE.search(rest)
    if note:
        rest = rest[: note.start()]  # "deltog fra kl. 17.00", "forlod mødet under pkt. 5"
    if entry.role == "suppleant" and not entry.substitute_for:
        rest = re.sub(r"^for\s+", "suppleant for ", rest)  # "Suppleant: X (A) for Y"
    sub = _SUBSTITUTE_RE.search(rest)
    if sub:
        other_entry = parse_entry((sub["other"] or sub["by"]).strip(" .,"))
        if other_entry is None:
            return False
        if sub["other"]:
            entry.substitute_for = other_entry.name
            entry.role = "suppleant"
        else:
            entry.substituted_by = other_entry.name
        entry.other_party = other_entry.party
        rest = rest[: sub.start()].strip(" ,.-–")
    body = _BODY_RE.search(rest)
    if body:
        entry.body = body["body"]
        rest = (rest[: body.start()] + rest[body.end() :]).strip(" ,.-–")
    role = _ROLE_RE.search(rest)
    if role:
        entry.role = entry.role or ROLE_WORDS[role.group(1).lower()]
        after = rest[role.end() :]
        if entry.role in ("formand", "næstformand"):
            after = re.sub(r"^\s+for\s+[^,()]*", "", after)  # "formand for udvalget"
        rest = (rest[: role.start()] + after).strip(" ,.-–")
    party = None if entry.party else _PARTY_PAREN_RE.search(rest)
    if party and letter_of(party["party"]):
        entry.party = letter_of(party["party"])  # "Lars Berg, formand (A)"
        rest = (rest[: party.start()] + rest[party.end() :]).strip(" ,.-–")
    # What may remain: a note in brackets ("(deltog fra kl. 17)"), nothing else.
    rest = re.sub(r"\([^()]*\)", "", rest).strip(" ,.-–")
    return not rest or len(rest) <= 3


# -- one person under several spellings ----------------------------------------------------


def name_key(name: str) -> str:
    """A spelling-insensitive key: case, dots, hyphens and spaces do not count."""
    text = clean_name(name).casefold().replace("-", " ").replace(".", " ")
    return re.sub(r"\s+", " ", text).strip()


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


class Roster:
    """The names of one meeting's attendance, to match other spellings to."""

    def __init__(self, names: list[str] = ()):
        self._names: dict[str, str] = {}
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        self._names.setdefault(name_key(name), clean_name(name))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: str) -> bool:
        return self.match(name) is not None

    def match(self, name: str) -> str | None:
        """The roster's spelling of `name`, or None. A match must be unique: the same
        words (a middle name left out or added: "Mehmet Dogru" is "Mehmet Zeki Dogru"
        when first and last name agree) or a slip of at most two letters in a name of
        eight or more ("Brigtitte", "Ronnie")."""
        key = name_key(name)
        if not key:
            return None
        if key in self._names:
            return self._names[key]
        words = key.split()
        found = set()
        if len(words) >= 2:
            for other_key, other in self._names.items():
                other_words = other_key.split()
                if words[0] == other_words[0] and words[-1] == other_words[-1] and (
                    set(words) <= set(other_words) or set(other_words) <= set(words)
                ):
                    found.add(other)
        if len(found) == 1:
            return found.pop()
        if len(key) >= 8 and not found:
            close = {
                other for other_key, other in self._names.items()
                if len(other_key.split()) == len(words) and _distance(key, other_key, 2) <= 2
            }  # fmt: skip
            if len(close) == 1:
                return close.pop()
        return None
