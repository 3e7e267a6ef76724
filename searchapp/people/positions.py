"""Where parties and members stood on an item, from the sentences of its decision.

Minutes write a stand as a sentence with a subject and a verb ("Socialdemokratiet tog
forbehold", "(A), (Ø) og (F) stemte imod", "Radikale Venstres og Alternativets
byrådsgrupper kunne ikke tiltræde indstillingen", "A stemmer for, V og D stemmer imod
og C undlader") or as a labelled list ("For stemte: (V), (A) og Liselott Blixt (UP)",
"Imod stemte (Ø).", "Undlod: Ø", "Følgende deltog ikke i behandlingen af punktet: X").
Vote counts come as "Med stemmerne 19 for og 1 imod" or "For stemte 20 (A, F, Ø),
imod stemte 10 (V, C)".

Nothing is guessed: a stand is taken only from a verb or label of the lists below,
with the parties and people standing right next to it; a sentence that names a body
("Udvalget kunne ikke anbefale"), a wish ("(A) ønskede at sende forslaget til
realitetsbehandling") or a question ("spurgte, om han var inhabil") gives none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Position, VoteCount
from .names import NAME_RE, clean_name, is_name
from .parties import group_words_pattern, letter_of, letter_of_match, name_pattern

# -- sentences ------------------------------------------------------------------------------

_ABBREVIATIONS = (
    "pkt", "nr", "jf", "bl.a", "ca", "kr", "mio", "mia", "stk", "f.eks", "dvs", "evt",
    "inkl", "ekskl", "vedr", "ang", "mht", "pga", "iht", "m.fl", "m.v", "mv", "etc", "tlf",
    "kl", "st", "p.t", "pt", "ift", "hhv", "bl", "cand", "adm", "dir", "ref", "ex",
)  # fmt: skip
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”]?\s+(?=[\"”(A-ZÆØÅ])")


def sentences(text: str) -> list[str]:
    """The sentences of a text, paragraph by paragraph (a line of its own ends one:
    "For stemte: (V), (A)" has no full stop)."""
    found = []
    for paragraph in re.split(r"\n+", text):
        paragraph = re.sub(r"\s+", " ", paragraph.replace("\xa0", " ")).strip()
        if not paragraph:
            continue
        start = 0
        for m in _SENTENCE_END_RE.finditer(paragraph):
            before = paragraph[max(start, m.start() - 40) : m.start()]
            word = re.search(r"([\w.]+)\.$", before)
            if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
            if re.search(r"\b[A-ZÆØÅ]\.$", before):
                continue  # an initial: "John T. Olsen"
            found.append(paragraph[start : m.start()].strip())
            start = m.end()
        found.append(paragraph[start:].strip())
    return [s for s in found if s]


# -- what counts as taking a stand ----------------------------------------------------------

_VERBS: tuple[tuple[str, str], ...] = (
    ("against", r"stemte\s+imod|stemmer\s+imod|har\s+stemt\s+imod|stemte\s+nej"),
    ("against", r"(?:kunne|kan)\s+ikke\s+(?:tiltræde|godkende|støtte|anbefale|gå\s+ind\s+for"
                r"|tilslutte\s+sig|medvirke\s+til)"),  # fmt: skip
    ("against", r"ikke\s+(?:kunne|kan)\s+(?:tiltræde|godkende|støtte|anbefale|tilslutte\s+sig)"),
    ("against", r"(?:var|er)\s+imod|gik\s+imod|går\s+imod"),
    ("for", r"stemte\s+for|stemmer\s+for|har\s+stemt\s+for|stemte\s+ja"),
    ("for", r"(?:kunne|kan)\s+(?:tiltræde|godkende|støtte|anbefale|tilslutte\s+sig)"),
    ("for", r"tiltrådte|tiltræder|støttede|tilsluttede\s+sig"),
    ("reservation", r"(?:tog|tager|har\s+taget)\s+(?:et\s+|sit\s+|deres\s+)?(?:\w+\s+)?forbehold"),
    ("abstained", r"u[n]?dlod\s+at\s+(?:stemme|tage\s+stilling)|undlader\s+at\s+(?:stemme|tage"
                  r"\s+stilling)|undlod|undlader|stemte\s+blankt|stemte\s+hverken\s+for\s+eller"
                  r"\s+imod"),  # fmt: skip
    ("not_participating", r"deltog\s+ikke\s+i\s+(?:sagens\s+|punktets\s+)?behandling(?:en)?"
                          r"(?:\s+af\s+(?:sagen|punktet))?|deltog\s+ikke\s+under\s+behandlingen"
                          r"|(?:var|er|blev\s+erklæret)\s+inhabil|erklærede\s+sig\s+inhabil"
                          r"|forlod\s+mødet\s+under\s+(?:behandlingen|punktet|sagens)"),
)  # fmt: skip
_VERB_RE = re.compile(
    "|".join(f"(?P<v{i}>\\b(?:{pattern})\\b)" for i, (_, pattern) in enumerate(_VERBS)), re.I
)

# Labelled lists at the start of a sentence: "Imod stemte: ...", "For administrationens
# indstilling stemte: ...", "Undlod: Ø", "Følgende deltog ikke i behandlingen af punktet:".
_LABELS: tuple[tuple[str, str], ...] = (
    ("for", r"for\s+stemte|stemte\s+for|for(?:\s+[^:]{1,60}?)?\s+stemte|for(?=\s*:)"),
    ("against", r"imod\s+stemte|stemte\s+imod|imod(?:\s+[^:]{1,60}?)?\s+stemte|imod(?=\s*:)"),
    ("abstained", r"undlod\s+at\s+stemme|undlod|undlader|hverken\s+for\s+eller\s+imod|blank"
                  r"(?:e)?(?=\s*:)"),  # fmt: skip
    ("not_participating", r"følgende\s+deltog\s+ikke\s+i\s+(?:behandlingen\s+af\s+)?"
                          r"(?:punktet|sagen)|deltog\s+ikke(?=\s*:)|inhabil(?:e)?(?=\s*:)"),
    ("reservation", r"forbehold(?=\s*:)"),
)  # fmt: skip
_LABEL_RE = re.compile(
    r"(?:"
    + "|".join(f"(?P<l{i}>{pattern})" for i, (_, pattern) in enumerate(_LABELS))
    + r")\s*:?\s*(?:(?P<count>\d+)\s*)?(?=\S|$)",
    re.I,
)
# "Byrådet erklærede Charlotte Levin (A) for inhabil i punktets behandling."
_DECLARED_RE = re.compile(r"erklærede\s+(?P<actors>.+?)\s+for\s+inhabil\b", re.I)
# Where a forward list of actors ends: a remark, a reason, the next sentence.
_LIST_END_RE = re.compile(
    r"\s+(?:med\s+(?:en\s+|følgende\s+)?bemærkning|med\s+begrundelse|idet|da|fordi|som|"
    r"for\s+så\s+vidt|hvilket|vedr\.?|vedrørende|til\s+(?:indstillings|beslutnings)?punkt)"
    r"\b|(?<!\b[A-ZÆØÅ])\.(?=\s|$)|\s*[;:”\"](?=\s|$)",
    re.I,
)
_POINTS_RE = re.compile(
    r"\b(?:(?:indstillingens|administrationens|udvalgets|forslagets)\s+)?"
    r"(?:beslutnings|indstillings|forslags|ændrings)?(?:punkt(?:er|erne|et)?|pkt\.?)"
    r"\s+\d+(?:\s*\.?\s*[a-z](?![a-zæøå]))?(?:\s*(?:,|og|-|–|samt)\s*\d+(?:\s*\.?\s*[a-z](?![a-zæøå]))?)*",
    re.I,
)


@dataclass(frozen=True)
class Actor:
    party: str = ""
    person: str = ""


# -- reading the sentences --------------------------------------------------------------


def read_positions(text: str) -> tuple[list[Position], list[VoteCount]]:
    """The stands and vote counts a decision text states, in the text's order."""
    positions: list[Position] = []
    votes: list[VoteCount] = []
    for sentence in sentences(text):
        vote = read_vote(sentence)
        if vote is not None:
            votes.append(vote)
        for position in sentence_positions(sentence):
            if position not in positions:
                positions.append(position)
    return positions, votes


def sentence_positions(sentence: str) -> list[Position]:
    found: list[Position] = []

    def add(kind: str, actors: list[Actor], clause: str) -> None:
        points = _points(clause)
        for actor in actors:
            found.append(Position(kind, actor.party, actor.person, sentence, points))

    rest_from = 0
    # Labelled lists, one after another: "For stemte 20 (A, F, Ø), imod stemte 10 (V, C)".
    while label := _LABEL_RE.match(sentence, rest_from):
        kind = _LABELS[int(next(k for k, v in label.groupdict().items()
                                if v is not None and k != "count")[1:])][0]  # fmt: skip
        tail = sentence[label.end() :]
        actors, used = forward_actors(tail)
        if not actors:
            if kind == "not_participating" and not tail.strip():
                return []  # eDoc prints the label with no one after it
            break
        add(kind, actors, tail[:used])
        rest_from = label.end() + used
        gap = re.match(r"\s*(?:[,;]|\bog\b)?\s*", sentence[rest_from:])
        rest_from += gap.end()
    declared = _DECLARED_RE.search(sentence)
    if declared and not re.search(r"\bikke\s+inhabil", sentence[declared.start():], re.I):
        actors, _ = forward_actors(declared["actors"])
        add("not_participating", actors, sentence[declared.end() :])
    if re.search(r"\bspurgte\b|\bom\s+(?:han|hun|de)\s+(?:var|er)\b|\?", sentence, re.I):
        return found  # a question is no stand; the answer, if any, is another sentence
    clause_start = rest_from
    for m in _VERB_RE.finditer(sentence, rest_from):
        kind = _VERBS[int(next(k for k, v in m.groupdict().items() if v is not None)[1:])][0]
        before = sentence[clause_start : m.start()]
        clause_end = _next_clause(sentence, m.end())
        clause_start = m.end()
        if _negated(sentence[: m.start()]):
            continue
        actors = backward_actors(before)
        if actors:
            add(kind, actors, sentence[m.end() : clause_end])
    return found


def _negated(before: str) -> bool:
    """ "(Ø) er ikke imod ..." reads "ikke" before the verb: no stand."""
    return bool(re.search(r"\bikke\s*$", before, re.I))


def _next_clause(sentence: str, start: int) -> int:
    m = _VERB_RE.search(sentence, start)
    return m.start() if m else len(sentence)


def _points(clause: str) -> str:
    m = _POINTS_RE.search(clause)
    return re.sub(r"\s+", " ", m.group(0)).strip() if m else ""


# -- the parties and people next to a verb --------------------------------------------------

_PARTY_AT_END_RE = re.compile(r"\((?P<p>[^()]{1,12})\)$")
# "Mehmet Zeki Dogru (Ø)"; Greve also writes "Charlotte Levin fra (A)".
_PERSON_PARTY_RE = re.compile(rf"^(?P<name>{NAME_RE})\s*(?:fra\s+)?\((?P<p>[^()]{{1,12}})\)$")
_LEADING_WORDS_RE = re.compile(
    r"^(?:og|samt|men|mens|hvorimod|dog|desuden|endvidere|herudover|derudover|"
    r"kun|alene|også|heraf|her|hvor|hvorefter|idet|da)\s+",
    re.I,
)
_CONJUNCTION_RE = re.compile(r"\s+(?:og|samt|&)\s+|\s*,\s*")


def parts(text: str) -> list[tuple[int, int]]:
    """Where the parts of a list are in `text`: split at commas and "og"/"samt" outside
    brackets ("(A, F, Ø)" is one part)."""
    found, start, depth, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch == "," or ch.isspace()):
            m = _CONJUNCTION_RE.match(text, i)
            if m:
                found.append((start, i))
                start = i = m.end()
                continue
        i += 1
    found.append((start, len(text)))
    return [(a, b) for a, b in found if text[a:b].strip()]


def read_actors(part: str) -> list[Actor] | None:
    """One part of a list of actors: "(Ø)", "Ø", "(A, F, Ø)", "Mehmet Zeki Dogru (Ø)",
    "Liselott Blixt (UP-1)", "Socialistisk Folkepartis byrådsgruppe", "Viggo Jonasen";
    None when it is none of these."""
    part = part.strip(" .,:;\"”“")
    part = _LEADING_WORDS_RE.sub("", part)
    if not part:
        return None
    m = re.fullmatch(r"\((?P<list>[^()]{3,40})\)", part)
    if m:
        letters = [letter_of(x) for x in re.split(r",|\bog\b", m["list"]) if x.strip()]
        if len(letters) > 1 and all(letters):
            return [Actor(party=x) for x in letters]
    m = _PERSON_PARTY_RE.match(part)
    if m:
        name = clean_name(m["name"])
        letter = letter_of(m["p"])
        if is_name(name):
            return [Actor(letter, name)]
        return [Actor(party=letter)] if letter else None  # "Mindretallet (A)"
    m = re.fullmatch(r"\(?\s*(?P<p>[^()]{1,12}?)\s*\)?", part)
    if m and (part[0] == "(" or part[-1] == ")" or part.upper() == part):
        # "(Ø)", "Ø", "A)" (a bracket lost), "UP-1"; not "Venstre" written out.
        letter = letter_of(m["p"])
        if letter and (part[0] == "(" or part[-1] == ")" or len(m["p"]) <= 5):
            return [Actor(party=letter)]
    named = name_pattern().fullmatch(_strip_party_name(part))
    if named:
        return [Actor(party=letter_of_match(named))]
    if is_name(part):
        return [Actor(person=clean_name(part))]
    return None


def _strip_party_name(text: str) -> str:
    text = re.sub(rf"\s+{group_words_pattern()}$", "", text, flags=re.I)
    return re.sub(r"^(?:det|de|den)\s+", "", text, flags=re.I)


def _actor_at_end(part: str) -> Actor | None:
    """The party that ends a part with words before it: "Mindretallet (A)", "idet
    Enhedslisten"."""
    m = _PARTY_AT_END_RE.search(part)
    if m:
        letter = letter_of(m["p"])
        return Actor(party=letter) if letter else None
    found = None
    for named in name_pattern().finditer(part):
        found = named
    if found is not None:
        tail = part[found.end() :].strip()
        if not tail or re.fullmatch(group_words_pattern(), tail, re.I):
            return Actor(party=letter_of_match(found))
    return None


def backward_actors(text: str) -> list[Actor]:
    """The actors right before a verb: the longest run of parts that are each a party
    or a person, read from the verb backwards; the first part that is not one may
    still end in a party ("Mindretallet (A), (Ø) og (F) stemte for")."""
    text = text.strip()
    found: list[list[Actor]] = []
    for a, b in reversed(parts(text)):
        actors = read_actors(text[a:b])
        if actors is None:
            actor = _actor_at_end(text[a:b].strip())
            if actor is not None:
                found.append([actor])
            break
        found.append(actors)
    return _unique(actor for group in reversed(found) for actor in group)


def forward_actors(text: str) -> tuple[list[Actor], int]:
    """The actors a label lists, up to a remark or the first part that is no actor;
    also how many characters of `text` they took."""
    end = _LIST_END_RE.search(text)
    stop = end.start() if end else len(text)
    found: list[Actor] = []
    used = 0
    for a, b in parts(text[:stop]):
        actors = read_actors(text[a:b])
        if actors is None:
            break
        found.extend(actors)
        used = b
    return _unique(found), used


def _unique(actors) -> list[Actor]:
    seen: list[Actor] = []
    for actor in actors:
        if actor not in seen:
            seen.append(actor)
    return seen


# -- vote counts ------------------------------------------------------------------------

_NUMBER = r"(?:\d+|ingen|en|et|to|tre|fire|fem|seks|syv|otte|ni|ti)"
_WORDS = {"ingen": 0, "en": 1, "et": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6,
          "syv": 7, "otte": 8, "ni": 9, "ti": 10}  # fmt: skip
_VOTE_RE = re.compile(
    rf"\b(?:med\s+)?(?:stemmerne\s+|(?=\d))(?P<for>{_NUMBER})\s+(?:stemmer\s+)?for\b"
    rf"(?:\s*(?:,|og)?\s*(?P<against>{_NUMBER})\s+(?:stemmer\s+)?imod\b)?"
    rf"(?:\s*(?:,|og)\s*(?P<abstained>{_NUMBER})\s+(?:stemmer\s+)?(?:undlod|hverken|blank|"
    rf"stemte\s+blankt|undlader))?",
    re.I,
)
_LABEL_COUNT_RE = re.compile(
    r"\b(?P<kind>for|imod)\s+stemte\s*:?\s*(?P<n>\d+)\b|\bundlod\s+at\s+stemme\s*:?\s*(?P<a>\d+)\b",
    re.I,
)


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.lower()
    return int(text) if text.isdigit() else _WORDS.get(text)


def read_vote(sentence: str) -> VoteCount | None:
    """The count of a vote, when the sentence gives one."""
    m = _VOTE_RE.search(sentence)
    if m and (m["against"] is not None or re.search(r"\bstemmerne\b", m.group(0), re.I)):
        return VoteCount(_number(m["for"]), _number(m["against"]), _number(m["abstained"]),
                         sentence)  # fmt: skip
    counts = {"for": None, "imod": None, "a": None}
    for c in _LABEL_COUNT_RE.finditer(sentence):
        if c["kind"]:
            counts[c["kind"].lower()] = int(c["n"])
        else:
            counts["a"] = int(c["a"])
    if counts["for"] is not None or counts["imod"] is not None:
        return VoteCount(counts["for"], counts["imod"], counts["a"], sentence)
    return None
