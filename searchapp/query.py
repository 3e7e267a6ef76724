"""What a person asked for: the search parameters, checked, and the query string, parsed.

Two halves, both part of the search core (the web and the CLI reach them through
searchapp.search):

- `SearchRequest.from_params` turns query-string parameters into one frozen, valid
  object, or raises `BadRequest` with a sentence naming the parameter. Caps and
  allow-lists live here, so nothing behind it sees an unchecked value.
- `interpret_query` reads what the search box says beyond words: a date written in
  Danish ("april 2025", "3. februar 2025", "11-04-2025") is taken out of the words and
  becomes a date filter, and a case number ("sag 2025-01103") is noted.
- `parse_query` turns the text of the search box into a Whoosh query: words (all of
  them must match), "quoted phrases", OR, NOT / a leading minus, a trailing * for a
  prefix, and Danish field prefixes (titel:, beslutning:, udvalg:, sag: ...). A plain
  word is looked for in the title, the text and, with a low boost, among the parts of
  compounds, so "reform" finds "ældrereformen" below the items saying "reform".
  Whatever the parser cannot take becomes a plain search for the words in it: a query
  string never makes an error.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .analysis import WORD_PATTERN, DanishAnalyzer, terms
from .casenumbers import DISTINCT_PATTERN, NUMBER_PATTERN, CaseNumber
from .danish import CASE_LABEL, display_case, extract_case, extract_dates, fold_danish
from .models import STATUS_LABELS, STATUSES

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


class BadRequest(Exception):
    """A parameter a client sent that we cannot use. `code` is for programs,
    `message` for people, `param` names the parameter ("page", "from" ...)."""

    def __init__(self, code: str, message: str, param: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param

    @property
    def parameter(self) -> str | None:
        return self.param


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

    @classmethod
    def from_params(cls, params) -> SearchRequest:
        """From query-string parameters (a MultiDict, or a dict of strings or lists):
        q, committee*, status*, year*, from, to, case, sort, page, per_page. Blank values
        count as not given; unknown parameters are ignored. Raises BadRequest."""
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
        return cls(
            q=q,
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
            "committee": list(self.committee),
            "status": list(self.status),
            "year": list(self.year),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "case": self.case,
            "sort": self.sort or self.effective_sort,
            "page": self.page,
            "per_page": self.per_page,
        }


# --- The query string --------------------------------------------------------------------

# Fields a plain word searches (the title is boosted in the schema), and the fields a
# prefix may name: Danish names for people, the schema's names for programs.
DEFAULT_FIELDS = ("title", "text")
# The parts of compounds are searched too, for less, so that a part found inside a
# compound ranks below the word itself, inflected or not. They have fields of their
# own, the title's (boosted like the title) and the text's: a word searched in the
# title or text is also searched among the parts there, titel:reform included.
COMPOUND_FIELDS = {"title": "title_compound", "text": "compound"}
COMPOUND_BOOST = 0.3
TEXT_FIELDS = ("title", "text", "background", "recommendation", "presentation",
               "attachments", "decision")  # fmt: skip
FIELD_NAMES = {
    "titel": "title",
    "baggrund": "background",
    "indstilling": "recommendation",
    "sagsfremstilling": "presentation",
    "bilag": "attachments",
    "beslutning": "decision",
    "tekst": "text",
    **{name: name for name in TEXT_FIELDS},
}
# Prefixes that filter on a value rather than search words.
PSEUDO_FIELDS = {
    "udvalg": "committee",
    "committee": "committee",
    "status": "status",
    "sag": "case",
    "case": "case",
    "år": "year",
    "aar": "year",
    "year": "year",
}
# Where a field name or a prefix may start: at the start of a word, or right after the
# minus that excludes it ("-titel:reform", "-udvalg:kkr"), not inside a hyphenated word.
_WORD_START = r"(?:(?<![\w-])|(?<=^-)|(?<=[\s(]-))"
EXACT_PHRASE_BOOST = 2.0  # a phrase as written outranks the same phrase inflected
MIN_PREFIX = 2  # "a*" would expand to half the dictionary

_OPERATOR_WORDS = {"AND", "OR", "NOT", "OG", "ELLER", "IKKE"}
# "sag 2025-01103", "sagsnr. 2025-01103", "SAG-2025-01103": a case number, as sag:...
_CASE_IN_QUERY = re.compile(
    rf"(?<![\w:-])(?:{CASE_LABEL}(?P<num>{NUMBER_PATTERN})|(?P<distinct>{DISTINCT_PATTERN}))"
    r"(?![\w/-]|\.\w)",
    re.I,
)


def _as_case_prefix(m: re.Match) -> str:
    return f"sag:{m['num'] or CaseNumber.parse(m['distinct']).digits}"


@dataclass
class ParsedQuery:
    """A Whoosh query and how it came about."""

    query: object  # whoosh.query.Query
    fallback: bool = False  # the parser could not take the text: plain words instead
    notes: list[str] = field(default_factory=list)


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
    """The committees a typed name means: the one it names exactly, else every one
    whose name contains it ("kkr" -> all KKR committees)."""
    wanted = _fold(text.strip('"'))
    if not wanted:
        return []
    committees = [c for c in committees if c]
    exact = [c for c in committees if _fold(c) == wanted]
    return exact or sorted(c for c in committees if wanted in _fold(c))


def _parser(schema, committees: Iterable[str]):
    """A MultifieldParser for the Danish query language. Built per query: it is
    cheap, and `udvalg:` needs the committees of the generation being searched."""
    from whoosh import query as wq
    from whoosh.qparser import (
        BoostPlugin,
        FieldAliasPlugin,
        FieldsPlugin,
        GroupPlugin,
        OperatorsPlugin,
        PhrasePlugin,
        Plugin,
        PrefixPlugin,
        PseudoFieldPlugin,
        syntax,
    )
    from whoosh.qparser.taggers import RegexTagger

    committees = list(committees)
    names = sorted(set(FIELD_NAMES) | set(PSEUDO_FIELDS), key=len, reverse=True)

    class Fields(FieldsPlugin):
        """Only our field names (any case), and only at the start of a word."""

        class FieldnameTagger(RegexTagger):
            def create(self, parser, match):
                return syntax.FieldnameNode(match.group("text").lower(), match.group(0))

    class Phrases(PhrasePlugin):
        """A phrase in the text field is also looked for as written (the `exact`
        field: no stemming, stop words kept), and that counts for more."""

        class PhraseNode(PhrasePlugin.PhraseNode):
            def query(self, parser):
                fieldname = self.fieldname or parser.fieldname
                if fieldname in COMPOUND_FIELDS.values():
                    return wq.NullQuery  # a phrase is of words, not of compound parts
                q = super().query(parser)
                if fieldname != "text":
                    return q
                exact = copy.copy(self)
                exact.fieldname = "exact"
                eq = PhrasePlugin.PhraseNode.query(exact, parser)
                eq.boost = (eq.boost or 1.0) * EXACT_PHRASE_BOOST
                return wq.Or([q, eq])

        class PhraseTagger(RegexTagger):
            def create(self, parser, match):
                slop = int(match.group("slop")) if match.group("slop") else 1
                return Phrases.PhraseNode(match.group("text"), match.start("text"), slop)

        def taggers(self, parser):
            return [(self.PhraseTagger(self.expr), 0)]

    class Prefixes(PrefixPlugin):
        expr = (
            rf"{_WORD_START}(?P<text>[^\s*\"()^:-][^\s*\"()^:]{{{MIN_PREFIX - 1},}})"
            r"[*](?=\s|$|\))"
        )

    class CompoundParts(Plugin):
        """A word or prefix given a field (titel:reform, tekst:reform) is also looked
        for among that field's compound parts, as a plain word is (MultifieldPlugin,
        which runs next, does that for words without a field)."""

        def filters(self, parser):
            return [(self.do_parts, 105)]

        def do_parts(self, parser, group):
            for i, node in enumerate(group):
                if isinstance(node, syntax.GroupNode):
                    group[i] = self.do_parts(parser, node)
                elif (
                    isinstance(node, syntax.WordNode | PrefixPlugin.PrefixNode)
                    and COMPOUND_FIELDS.get(node.fieldname) in parser.schema
                ):
                    part = copy.copy(node)
                    part.set_fieldname(COMPOUND_FIELDS[node.fieldname], override=True)
                    part.set_boost(COMPOUND_BOOST)
                    group[i] = syntax.OrGroup([node, part])
            return group

    class Fixed(syntax.SyntaxNode):
        """A node standing for a query made here (a pseudo field's filter)."""

        has_fieldname = False
        has_text = False
        has_boost = False

        def __init__(self, q):
            self.q = q

        def r(self):
            return f"Fixed {self.q!r}"

        def query(self, parser):
            return self.q

    nothing = wq.Term("id", "\uffff")  # matches no item (NullQuery would vanish in And)

    def texts_of(node) -> list[str]:
        if node.has_text:
            return [node.text]
        if isinstance(node, syntax.GroupNode):
            return [t for child in node for t in texts_of(child)]
        return []

    def pseudo(kind):
        def transform(node):
            texts = texts_of(node)
            if not texts:
                return None
            terms = []
            for text in texts:
                if kind == "committee":
                    terms += [wq.Term("committee", c) for c in committee_values(text, committees)]
                elif kind == "status":
                    terms += [wq.Term("status", s) for s in status_values(text)]
                elif kind == "year":
                    year = text.strip()
                    terms += [wq.Term("year", year)] if _YEAR.fullmatch(year) else []
                else:
                    digits = case_digits_of(text)
                    terms += [wq.Term("case_digits", digits)] if digits else []
            return Fixed(wq.Or(terms) if terms else nothing)

        return transform

    parser = _multifield_parser(schema)
    parser.add_plugins([
        Fields(expr=rf"{_WORD_START}(?P<text>(?i:{'|'.join(map(re.escape, names))})):"),
        FieldAliasPlugin({real: [n for n, r in FIELD_NAMES.items() if r == real and n != real]
                          for real in TEXT_FIELDS}),
        PseudoFieldPlugin({name: pseudo(kind) for name, kind in PSEUDO_FIELDS.items()}),
        CompoundParts(),
        Prefixes(),
        Phrases(),
        GroupPlugin(),
        OperatorsPlugin(
            And=r"(?<=\s)(?:AND|OG)(?=\s)",
            Or=r"(?<=\s)(?:OR|ELLER)(?=\s)",
            Not=r"(^|(?<=[\s(]))(?:(?:NOT|IKKE)(?=\s)|-(?=[^\s\-]))",
            AndNot=None,
            AndMaybe=None,
            Require=None,
        ),
        BoostPlugin(),
    ])  # fmt: skip
    return parser


def _has_error(q) -> bool:
    if getattr(q, "error", None):
        return True
    return any(_has_error(child) for child in q.children())


def _with_case_digits(q):
    """A word that is a case number ("2025-01103") also finds the item of that case,
    whether or not the number is in its text."""
    from whoosh import query as wq

    def visit(node):
        if isinstance(node, wq.Term) and node.fieldname == "text":
            number = CaseNumber.parse(str(node.text))
            if number:
                return wq.Or([node, wq.Term("case_digits", number.digits, boost=node.boost)])
        return node

    return q.accept(visit)


def _multifield_parser(schema):
    """A parser without syntax that looks for a plain word in the title, the text and
    (boosted low) their compound parts: the base of both parsers here. An index made
    before the compound fields existed is searched in the title and text only."""
    from whoosh.qparser import MultifieldParser

    parts = [COMPOUND_FIELDS[f] for f in DEFAULT_FIELDS if COMPOUND_FIELDS[f] in schema]
    return MultifieldParser(
        [*DEFAULT_FIELDS, *parts],
        schema,
        fieldboosts=dict.fromkeys(parts, COMPOUND_BOOST),
        plugins=[],
    )


def plain_query(text: str, schema):
    """All the words of `text`, each in the title, the text or the compound parts: what
    any query string falls back to. None when it has no words."""
    words = WORD_PATTERN.findall(text)
    if not words:
        return None
    q = _multifield_parser(schema).parse(" ".join(words))
    return _with_case_digits(q)


def parse_query(text: str, schema, committees: Iterable[str] = ()) -> ParsedQuery:
    """The Whoosh query for the text of the search box. Never raises."""
    from whoosh import query as wq

    text = _CASE_IN_QUERY.sub(_as_case_prefix, text)
    try:
        q = _parser(schema, committees).parse(text)
        if _has_error(q):
            raise ValueError("the parser marked part of the query as an error")
        q = _with_case_digits(q)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            # Nothing the parser could use ("((((budget", "title:(a OR b)"): if plain
            # words are left, search those.
            plain = plain_query(text, schema)
            if plain is not None and not isinstance(plain, type(wq.NullQuery)):
                return ParsedQuery(plain, fallback=True, notes=["no query left after parsing"])
        return ParsedQuery(q)
    except Exception as exc:  # noqa: BLE001 - any failure means: search the words
        try:
            q = plain_query(text, schema)
        except Exception:  # noqa: BLE001
            q = None
        return ParsedQuery(q or wq.NullQuery, fallback=True, notes=[f"{type(exc).__name__}"])


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


_ANALYZER = DanishAnalyzer()  # the text's: which words of a query are searched


def _has_words(text: str) -> bool:
    """Whether `text` still asks for something: a word that is no stop word, or a
    quoted phrase (which is also looked for as written, stop words and all)."""
    return '"' in text or bool(terms(_ANALYZER, text, mode="query"))


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
        if word in _OPERATOR_WORDS or after in (":", "*"):
            continue
        if _PSEUDO_BEFORE.search(text[: m.start()]) or word.isdigit():
            continue
        words.append(m)
    return words
