"""What a person asked for: the search parameters, checked, and the search box, read.

The engine-neutral front of the search core (no engine is imported here):

- `SearchRequest.from_params` turns query-string parameters into one frozen, valid
  object, or raises `BadRequest` with a sentence naming the parameter. Caps and
  allow-lists live here, so nothing behind it sees an unchecked value.
- `interpret_query` reads what the search box says beyond words: a date written in
  Danish ("april 2025", "3. februar 2025", "11-04-2025") is taken out of the words and
  becomes a date filter, and a case number ("sag 2025-01103") is noted.
- `parse_query` reads the words into the project's query tree (querytree.py; the syntax
  is queryparser.py's): words (all of them must match), "quoted phrases", OR, NOT / a
  leading minus, a trailing * for a prefix, ^N, and Danish field prefixes (titel:,
  beslutning:, udvalg:, sag: ...). A plain word is looked for in the title, the text
  and, with a low boost, among the parts of compounds, so "reform" finds
  "ældrereformen" below the items saying "reform". Whatever the syntax cannot take
  becomes a plain search for the words in it: a query string never makes an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from . import querytree as qt
from .casenumbers import DISTINCT_PATTERN, NUMBER_PATTERN, CaseNumber
from .danish import (
    CASE_LABEL,
    DANISH_STOP_WORDS,
    WORD_PATTERN,
    display_case,
    extract_case,
    extract_dates,
    fold_danish,
)
from .models import POSITIONS, STATUS_LABELS, STATUSES
from .people.parties import letter_of
from .people.records import DISSENT
from .queryparser import (
    MIN_PREFIX,
    OPERATOR_WORDS,
    WORD_START,
    QuerySyntaxError,
    Syntax,
    parse,
    parse_plain,
)
from .querytree import ATTACHMENT_SCOPES, COMPOUND_FIELDS, DEFAULT_FIELDS, TEXT_FIELDS

# --- Limits ----------------------------------------------------------------------------

MAX_QUERY_LENGTH = 500  # characters of the search box
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_WINDOW = 10_000  # page * per_page: deeper pages are refused (use the CSV)
MAX_VALUES = 50  # values of one repeatable filter
MAX_VALUE_LENGTH = 200  # characters of one filter value
SORTS = ("relevance", "date_desc", "date_asc")

_INT = re.compile(r"[0-9]{1,9}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_PERSON_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
# "dissent" is a shorthand for the stands the Parti facet counts (people.records.DISSENT).
POSITION_VALUES = (*POSITIONS, "dissent")


class BadRequest(Exception):
    """A parameter a client sent that we cannot use. `code` is for programs,
    `message` for people, `param` names the parameter ("page", "from" ...)."""

    def __init__(self, code: str, message: str, param: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param


def _invalid(param: str, message: str) -> BadRequest:
    return BadRequest("invalid_parameter", message, param)


def normalize_case_number(value: str) -> str | None:
    """ "SAG-2025-01103", "sag-2025-01103" or "2025-01103" -> "SAG-2025-01103",
    "emn-2025-003383" -> "EMN-2025-003383" (see danish.display_case); None when it is
    not a case number."""
    number = CaseNumber.parse(value)
    return display_case(number) if number else None


def case_digits_of(value: str) -> str | None:
    """What a case number is looked up by (CaseNumber.digits); None for no case number."""
    number = CaseNumber.parse(value or "")
    return number.digits if number else None


# --- The request -----------------------------------------------------------------------


def _values(params, key: str) -> list[str]:
    """All values of `key` in a MultiDict, or in a plain dict of strings or lists."""
    if params is None:
        return []
    if hasattr(params, "getlist"):
        raw = params.getlist(key)
    else:
        value = params.get(key) if isinstance(params, Mapping) else None
        raw = [] if value is None else list(value) if isinstance(value, list | tuple) else [value]
    return [str(v) for v in raw]


def _first(params, key: str) -> str | None:
    """The first non-blank value of a single-valued parameter."""
    for value in _values(params, key):
        if value.strip():
            return value.strip()
    return None


def _many(params, key: str) -> list[str]:
    values: list[str] = []
    for value in _values(params, key):
        value = value.strip()
        if value and value not in values:
            values.append(value)
    if len(values) > MAX_VALUES:
        raise _invalid(key, f"'{key}' can be given at most {MAX_VALUES} times")
    for value in values:
        if len(value) > MAX_VALUE_LENGTH:
            raise _invalid(key, f"'{key}' must be at most {MAX_VALUE_LENGTH} characters")
    return values


def _int(params, key: str, default: int, low: int, high: int) -> int:
    raw = _first(params, key)
    if raw is None:
        return default
    if not _INT.fullmatch(raw) or not low <= int(raw) <= high:
        raise _invalid(key, f"'{key}' must be a whole number from {low} to {high}, got {raw!r}")
    return int(raw)


def _date(params, key: str) -> date | None:
    raw = _first(params, key)
    if raw is None:
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise _invalid(key, f"'{key}' must be a date written YYYY-MM-DD, got {raw!r}") from None


@dataclass(frozen=True)
class SearchRequest:
    """One search, valid by construction when made by `from_params`."""

    q: str = ""
    committee: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    case: str | None = None  # normalised: "SAG-2025-01103"
    sort: str = ""  # "" = the default: relevance with words, date_desc without
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    municipality: tuple[str, ...] = ()
    party: tuple[str, ...] = ()  # letters: "Ø", "A", a local list's, "UP"
    position: tuple[str, ...] = ()  # models.POSITIONS ("dissent" expanded)
    person: tuple[str, ...] = ()  # person ids: "greve-liselott-blixt"
    attachments: str = "include"  # querytree.ATTACHMENT_SCOPES: search the attachments too

    @classmethod
    def from_params(cls, params) -> SearchRequest:
        """From query-string parameters (a MultiDict, or a dict of strings or lists):
        q, municipality*, committee*, status*, year*, party*, position*, person*, from,
        to, case, attachments, sort, page, per_page. Blank values count as not given; unknown
        parameters are ignored. Raises BadRequest."""
        q = _first(params, "q") or ""
        if len(q) > MAX_QUERY_LENGTH:
            raise _invalid("q", f"'q' must be at most {MAX_QUERY_LENGTH} characters")
        statuses = [s.lower() for s in _many(params, "status")]
        for status in statuses:
            if status not in STATUSES:
                raise _invalid(
                    "status", f"'status' must be one of {', '.join(STATUSES)}, got {status!r}"
                )
        years = _many(params, "year")
        for year in years:
            if not _YEAR.fullmatch(year):
                raise _invalid("year", f"'year' must be a year like 2025, got {year!r}")
        date_from, date_to = _date(params, "from"), _date(params, "to")
        if date_from and date_to and date_from > date_to:
            raise _invalid("from", "'from' must not be after 'to'")
        case = _first(params, "case")
        if case is not None:
            normalized = normalize_case_number(case)
            if normalized is None:
                raise _invalid(
                    "case", f"'case' must be a case number like SAG-2025-01103, got {case!r}"
                )
            case = normalized
        sort = _first(params, "sort")
        if sort is not None and sort not in SORTS:
            raise _invalid("sort", f"'sort' must be one of {', '.join(SORTS)}, got {sort!r}")
        page = _int(params, "page", 1, 1, MAX_WINDOW)
        per_page = _int(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
        if page * per_page > MAX_WINDOW:
            raise _invalid(
                "page",
                f"results beyond the first {MAX_WINDOW:,} cannot be paged to; "
                "narrow the search, or download all of them as CSV",
            )
        attachments = (_first(params, "attachments") or "include").lower()
        if attachments not in ATTACHMENT_SCOPES:
            raise _invalid(
                "attachments",
                f"'attachments' must be one of {', '.join(ATTACHMENT_SCOPES)}, got {attachments!r}",
            )
        return cls(
            q=q,
            attachments=attachments,
            party=_parties(params),
            position=_positions(params),
            person=_people(params),
            municipality=tuple(_many(params, "municipality")),
            committee=tuple(_many(params, "committee")),
            status=tuple(dict.fromkeys(statuses)),
            year=tuple(years),
            date_from=date_from,
            date_to=date_to,
            case=case,
            sort=sort or "",
            page=page,
            per_page=per_page,
        )

    @property
    def effective_sort(self) -> str:
        """The order results come in. Without words every item scores the same, so
        "relevance" is newest first there."""
        if self.sort == "relevance" and not self.q:
            return "date_desc"
        return self.sort or ("relevance" if self.q else "date_desc")

    def to_dict(self) -> dict:
        """The request as the API echoes it (the names of the query parameters)."""
        return {
            "q": self.q,
            "municipality": list(self.municipality),
            "committee": list(self.committee),
            "status": list(self.status),
            "year": list(self.year),
            "party": list(self.party),
            "position": list(self.position),
            "person": list(self.person),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "case": self.case,
            "attachments": self.attachments,
            "sort": self.sort or self.effective_sort,
            "page": self.page,
            "per_page": self.per_page,
        }


def _parties(params) -> tuple[str, ...]:
    """ "Ø", "ø", "(Ø)", "Enhedslisten", "SF" -> their letters."""
    letters = []
    for value in _many(params, "party"):
        letter = letter_of(value) or letter_of(value.upper()) or letter_of(value.capitalize())
        if not letter:
            raise _invalid(
                "party", f"'party' must be a party's letter (A, Ø, ...) or name, got {value!r}"
            )
        letters.append(letter)
    return tuple(dict.fromkeys(letters))


def _positions(params) -> tuple[str, ...]:
    positions = []
    for value in _many(params, "position"):
        value = value.lower()
        if value not in POSITION_VALUES:
            raise _invalid(
                "position",
                f"'position' must be one of {', '.join(POSITION_VALUES)}, got {value!r}",
            )
        positions.extend(DISSENT if value == "dissent" else [value])
    return tuple(dict.fromkeys(positions))


def _people(params) -> tuple[str, ...]:
    people = []
    for value in _many(params, "person"):
        value = value.lower()
        if not _PERSON_ID.fullmatch(value):
            raise _invalid(
                "person",
                f"'person' must be a person's id like greve-liselott-blixt, got {value!r}",
            )
        people.append(value)
    return tuple(dict.fromkeys(people))


# --- The query string --------------------------------------------------------------------

# The fields a field prefix may name: Danish names for people, the schema's for programs.
FIELD_NAMES = {
    "titel": "title",
    "resume": "summary",
    "resumé": "summary",
    "baggrund": "background",
    "indstilling": "recommendation",
    "sagsfremstilling": "presentation",
    "sagsforløb": "history",
    "sagsforloeb": "history",
    "økonomi": "economy",
    "oekonomi": "economy",
    "bilag": "attachments",
    "beslutning": "decision",
    "tekst": "text",
    **{name: name for name in TEXT_FIELDS},
}
# Prefixes that filter on a value rather than search words.
PSEUDO_FIELDS = {
    "kommune": "municipality",
    "municipality": "municipality",
    "udvalg": "committee",
    "committee": "committee",
    "status": "status",
    "sag": "case",
    "case": "case",
    "år": "year",
    "aar": "year",
    "year": "year",
}
# The parts of compounds are searched too, for less, so that a part found inside a
# compound ranks below the word itself, inflected or not (querytree.COMPOUND_FIELDS).
COMPOUND_BOOST = 0.3
# A word found in an item's attachments counts for this much of one found in its own
# text (querytree.scope_attachments): an item that says it ranks above one whose
# attachment does.
ATTACHMENT_BOOST = 0.3

# "sag 2025-01103", "sagsnr. 2025-01103", "SAG-2025-01103": a case number, as sag:...
_CASE_IN_QUERY = re.compile(
    rf"(?<![\w:-])(?:{CASE_LABEL}(?P<num>{NUMBER_PATTERN})|(?P<distinct>{DISTINCT_PATTERN}))"
    r"(?![\w/-]|\.\w)",
    re.I,
)


def _as_case_prefix(m: re.Match) -> str:
    return f"sag:{m['num'] or CaseNumber.parse(m['distinct']).digits}"


@dataclass(frozen=True)
class ParsedQuery:
    """The search box read as a query tree, and how.

    `tree` is None when the box holds nothing to search. `plain` is the tree of its
    plain words, which an engine searches instead when `tree` turns out to ask for
    nothing it can look up (every word of it a stop word, say: "((og" -> "og").
    `fallback`: the syntax could not be read, so `tree` is the plain words already;
    `notes` say why. `short_prefixes`: prefixes too short to look up ("ø*"), which
    are not searched (the person is told: SearchPlan.interpreted)."""

    tree: qt.Node | None
    plain: qt.Node | None = None
    fallback: bool = False
    notes: tuple[str, ...] = ()
    short_prefixes: tuple[str, ...] = ()


def _fold(text: str) -> str:
    return fold_danish(text.strip().lower())


def status_values(text: str) -> list[str]:
    """ "godkendt", "approved", "Taget til efterretning", "efterretning" -> status keys."""
    wanted = _fold(text.strip('"'))
    if not wanted:
        return []
    found = []
    for status in STATUSES:
        label = _fold(STATUS_LABELS[status])
        if wanted in (status, label) or wanted in label.split():
            found.append(status)
    return found


def committee_values(text: str, committees: Iterable[str]) -> list[str]:
    """The committees (or municipalities) a typed name means: the one it names
    exactly, else every one whose name contains it ("kkr" -> all KKR committees,
    "aarhus" -> "Aarhus Kommune")."""
    wanted = _fold(text.strip('"'))
    if not wanted:
        return []
    committees = [c for c in committees if c]
    exact = [c for c in committees if _fold(c) == wanted]
    return exact or sorted(c for c in committees if wanted in _fold(c))


def _filter_values(committees: list[str], municipalities: list[str]):
    def values(kind: str, text: str) -> list[str]:
        if kind == "committee":
            return committee_values(text, committees)
        if kind == "municipality":
            return committee_values(text, municipalities)
        if kind == "status":
            return status_values(text)
        if kind == "year":
            return [text.strip()] if _YEAR.fullmatch(text.strip()) else []
        digits = case_digits_of(text)
        return [digits] if digits else []

    return values


def _syntax(committees: Iterable[str], municipalities: Iterable[str] = ()) -> Syntax:
    """The language of the search box. `udvalg:` and `kommune:` need the committees and
    the municipalities of the index being searched."""
    return Syntax(
        field_names=FIELD_NAMES,
        filter_names=PSEUDO_FIELDS,
        filter_values=_filter_values(list(committees), list(municipalities)),
        default_fields={
            **dict.fromkeys(DEFAULT_FIELDS, 1.0),
            **{COMPOUND_FIELDS[f]: COMPOUND_BOOST for f in DEFAULT_FIELDS},
        },
        compound_fields=COMPOUND_FIELDS,
        compound_boost=COMPOUND_BOOST,
    )


def plain_query(text: str) -> qt.Node | None:
    """All the words of `text`, each in the title, the text or the compound parts: what
    any query string falls back to. None when it has no words."""
    words = WORD_PATTERN.findall(text)
    return parse_plain(words, _syntax(())) if words else None


# A prefix shorter than queryparser.MIN_PREFIX ("ø*", "a*"): the syntax reads it as a
# word, and the analysis leaves nothing of one letter.
_SHORT_PREFIX = re.compile(
    rf"{WORD_START}[^\s*\"()^:-][^\s*\"()^:]{{0,{MIN_PREFIX - 2}}}[*]+(?=\s|$|\))"
)


def short_prefixes(text: str) -> list[str]:
    """The prefixes in `text` (outside quotes) too short to search for."""
    pieces = _QUOTED.split(text)
    return [m.group() for piece in pieces[0::2] for m in _SHORT_PREFIX.finditer(piece)]


def parse_query(
    text: str, committees: Iterable[str] = (), municipalities: Iterable[str] = ()
) -> ParsedQuery:
    """The query tree of the text of the search box (see queryparser.py for the
    syntax). `committees` and `municipalities` are the index's, for udvalg: and
    kommune:. Never raises: text the syntax cannot take is searched as its words.
    The trees are immutable: the last PARSED_KEPT are kept (people page through and
    refine the same searches; parsing was a tenth of a one-hit search)."""
    return _parsed(text, tuple(committees), tuple(municipalities))


PARSED_KEPT = 512


@lru_cache(maxsize=PARSED_KEPT)
def _parsed(text: str, committees: tuple[str, ...], municipalities: tuple[str, ...]) -> ParsedQuery:
    text = _CASE_IN_QUERY.sub(_as_case_prefix, text)
    short = tuple(short_prefixes(text))
    try:
        tree = parse(text, _syntax(committees, municipalities))
    except (QuerySyntaxError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, QuerySyntaxError) else "nested too deeply"
        return ParsedQuery(plain_query(text), fallback=True, notes=(reason,),
                           short_prefixes=short)  # fmt: skip
    return ParsedQuery(tree, plain=plain_query(text), short_prefixes=short)


# --- Dates and case numbers typed in the search box -----------------------------------------

MAX_QUERY_DATES = 4  # dates read out of one query: "fra 1. april 2025 til 30. april 2025"
_QUOTED = re.compile(r'("[^"]*(?:"|$))')
_OR_WORD = re.compile(r"(?<!\S)(?:OR|ELLER)(?!\S)")
_NEGATED_CASE = re.compile(
    rf"(?:^|[\s(])(?:-|(?:NOT|IKKE)\s+)(?:(?:sag\w*|case)\.?\s*:?\s*)?{NUMBER_PATTERN}", re.I
)
_CASE_PREFIX = re.compile(rf'(?<![\w-])case:\s*"?(?P<num>{NUMBER_PATTERN})', re.I)


@dataclass(frozen=True)
class QueryReading:
    """What the search box says beyond its words (see interpret_query)."""

    words: str  # the query with its dates taken out: what is searched ("" for nothing)
    date_from: date | None = None  # the first day of the dates written in it
    date_to: date | None = None  # the last day
    case: str | None = None  # the case number it asks for, normalised: "SAG-2025-01103"

    @property
    def has_dates(self) -> bool:
        return self.date_from is not None


_STOPS = DANISH_STOP_WORDS | {fold_danish(w) for w in DANISH_STOP_WORDS}


def _has_words(text: str) -> bool:
    """Whether `text` still asks for something: a word that is no stop word nor a
    single letter (what the analysis leaves out of a query), or a quoted phrase (which
    is also looked for as written, stop words and all)."""
    return '"' in text or any(
        w.lower() not in _STOPS and (len(w) > 1 or w.isdigit())
        for w in WORD_PATTERN.findall(text)
    )


def _named_case(text: str) -> str | None:
    """The case number a query (its unquoted parts) asks for: "sag 2025-01103",
    "SAG-2025-01103", "sag:2025-01103", "case:2025-01103" or a bare "2025-01103"; not
    one it excludes ("-sag:2025-01103") nor one of alternatives ("... OR ...")."""
    if _NEGATED_CASE.search(text) or _OR_WORD.search(text):
        return None
    m = _CASE_PREFIX.search(text)
    if m:
        return display_case(CaseNumber.parse(m["num"]))
    return extract_case(text)[1]


@lru_cache(maxsize=PARSED_KEPT)  # a pure reading of the text, immutable: kept as parse_query's
def interpret_query(text: str) -> QueryReading:
    """Read the dates written in Danish in the search box ("april 2025", "3. februar
    2025", "11-04-2025", see danish.extract_dates) out of its words, as one range
    spanning them all ("fra 1. april 2025 til 30. april 2025"), and the case number it
    names. A quoted phrase is left as written ('"16. juni 2021"' is searched as a
    phrase) and a bare year stays a word ("budget 2025"). When the dates leave nothing
    but stop words ("fra april 2025"), no words are left to search."""
    pieces = _QUOTED.split(text)
    days: list[date] = []
    for i in range(0, len(pieces), 2):  # the even pieces are outside quotes
        piece = pieces[i]
        for _ in range(MAX_QUERY_DATES):
            found = extract_dates(piece)
            if found.date_from is None:
                break
            days += [found.date_from, found.date_to]
            piece = found.text
        if piece != pieces[i]:
            pieces[i] = f" {piece} "
    words = re.sub(r"\s+", " ", "".join(pieces)).strip()
    if days and not _has_words(words):
        words = ""
    case = _named_case(" ".join(pieces[0::2]))
    if not days:
        return QueryReading(words, case=case)
    return QueryReading(words, min(days), max(days), case)


# --- Words to check for "did you mean" ------------------------------------------------------

_PSEUDO_BEFORE = re.compile(
    r"(?i)(?:^|(?<=[\s(]))(?:" + "|".join(map(re.escape, PSEUDO_FIELDS)) + r'):(?:"[^"]*|[^\s"]*)$'
)


def query_words(text: str) -> list[re.Match]:
    """The words of a query string a spelling suggestion may replace: not operators,
    field names, prefixes (word*), nor values of udvalg:/status:/sag:."""
    words = []
    for m in WORD_PATTERN.finditer(text):
        word = m.group()
        after = text[m.end() : m.end() + 1]
        if word in OPERATOR_WORDS or after in (":", "*"):
            continue
        if _PSEUDO_BEFORE.search(text[: m.start()]) or word.isdigit():
            continue
        words.append(m)
    return words
