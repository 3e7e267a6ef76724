"""The search core: a request in, plain data out.

Everything that knows Whoosh stays behind this module (with query.py, which parses the
search box, and execute.py, which runs the query over the postings): the web app and
the CLI call `search`, `search_rows`, `get_item`, `items_for_meeting` and
`items_for_case`, and get dicts shaped exactly like the JSON API's, ready to render as
JSON, HTML or CSV.

How a search runs:

1. A date typed in the search box ("april 2025") is read out of the words
   (query.interpret_query) and joins the from/to parameters; the words become a Whoosh
   query (query.parse_query).
2. Every item matching the words is found with its score, as arrays over the
   generation's docnums (execute.run_query: Whoosh's postings and Whoosh's BM25F,
   without Whoosh's one-document-at-a-time matchers); the dates and the case number
   narrow that down. The committee, status and year of each item come from a
   per-generation cache of the index's columns; each facet is counted over the items
   that pass the *other* two facet filters, so choosing a committee does not hide the
   other committees; the items passing all of them are the result.
3. Only the page asked for is ordered out (the best scores, or the date ranks), loaded,
   and given a snippet around the words that matched.
"""

from __future__ import annotations

import contextlib
import html
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import numpy as np
from whoosh import query as wq
from whoosh.index import Index

from .analysis import WORD_PATTERN
from .danish import MONTHS, fold_danish
from .execute import Generation, Hits, run_query
from .index import IndexHandle, IndexNotFound
from .models import STATUS_LABELS, STATUSES, AgendaItem
from .query import (
    BadRequest,
    QueryReading,
    SearchRequest,
    case_digits_of,
    interpret_query,
    parse_query,
    plain_query,
    query_words,
)
from .querytree import COMPOUND_FIELDS, TEXT_FIELDS
from .whoosh_engine.compile import compile_query, to_whoosh

__all__ = [
    "BadRequest",
    "IndexNotFound",
    "SearchIndex",
    "SearchRequest",
    "get_agenda_item",
    "get_item",
    "items_for_case",
    "items_for_meeting",
    "search",
    "search_rows",
    "CSV_COLUMNS",
]

SNIPPET_FRAGMENTS = 2
SNIPPET_CHARS = 240  # one fragment, about
LEAD_CHARS = 240  # the snippet of an item shown without a query
CSV_COLUMNS = ("id", "committee", "meeting_date", "item_number", "title", "case_number",
               "status", "url", "pdf_url")  # fmt: skip


# --- The index, as the core sees it ----------------------------------------------------


class SearchIndex:
    """The index and the source folders its items came from, for a long-running
    process: what the web app keeps for its lifetime. A search opens a fresh searcher
    on the newest generation (see IndexHandle), so a reindex is picked up without a
    restart. The sources are only needed to make links to the PDFs."""

    def __init__(self, root: Path | str, sources=()):
        self.handle = IndexHandle(Path(root))
        self.root = self.handle.root
        self.sources = tuple(Path(s) for s in sources)

    @property
    def index(self) -> Index:
        return self.handle.index

    @property
    def generation(self) -> str:
        return self.handle.generation

    def searcher(self):
        return self.handle.searcher()

    def exists(self) -> bool:
        """True when there is an index to search (else a search raises IndexNotFound)."""
        try:
            return self.handle.index is not None
        except IndexNotFound:
            return False

    def close(self) -> None:
        self.handle.close()


def _whoosh_index(handle) -> Index:
    """The Whoosh index of a SearchIndex, an IndexHandle or a Whoosh index."""
    if isinstance(handle, Index):
        return handle
    return handle.index


def _sources(handle) -> tuple[Path, ...]:
    return tuple(getattr(handle, "sources", ()) or ())


# --- Per-generation column cache -------------------------------------------------------


class _Codes:
    """One facet column as small integers: `codes[docnum]` indexes `values`, so a
    facet is counted with one bincount over the matching docnums."""

    def __init__(self, column: list[str]):
        self.values = sorted(set(column))
        lookup = {v: i for i, v in enumerate(self.values)}
        self.codes = np.fromiter((lookup[v] for v in column), dtype=np.int32, count=len(column))

    def allowing(self, wanted, key=lambda v: v) -> np.ndarray:
        """Per docnum: whether its value is one of `wanted` (compared by `key`)."""
        allowed = np.fromiter((key(v) in wanted for v in self.values), dtype=bool,
                              count=len(self.values))  # fmt: skip
        return allowed[self.codes]

    def counts(self, mask: np.ndarray) -> Counter:
        found = np.bincount(self.codes[mask], minlength=len(self.values))
        return Counter({self.values[i]: int(found[i]) for i in np.flatnonzero(found)})


@dataclass
class _Columns:
    """The facet and sort values of every document of one generation, by docnum, and
    what the query executor needs of it. A published generation never changes, so
    this is read once per generation."""

    generation: Generation  # live docnums and field lengths (execute.py)
    committee: _Codes
    status: _Codes
    year: _Codes
    day: np.ndarray  # date.toordinal() of the meeting, 0 when unknown
    rank_newest: np.ndarray  # each docnum's place when sorted newest first
    rank_oldest: np.ndarray
    committees: list[str]  # the committees of live items, sorted

    @property
    def live(self) -> np.ndarray:
        return self.generation.live


_cache: dict[int, tuple[Index, _Columns]] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 4


def _read_column(reader, name: str, size: int, default):
    if not reader.has_column(name):
        return [default] * size
    values = list(reader.column_reader(name))
    return [default if v is None else v for v in values] + [default] * (size - len(values))


def _ranks(size: int, key) -> np.ndarray:
    ranks = np.empty(size, dtype=np.int64)
    ranks[np.asarray(sorted(range(size), key=key), dtype=np.int64)] = np.arange(size)
    return ranks


def _columns(index: Index, searcher) -> _Columns:
    key = id(index)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is index:
            return hit[1]
    reader = searcher.reader()
    size = reader.doc_count_all()
    generation = Generation(reader)
    day = [
        v.toordinal() if isinstance(v, datetime) else 0
        for v in _read_column(reader, "meeting_date", size, None)
    ]
    committee = _read_column(reader, "committee", size, "")
    number = _read_column(reader, "number_sort", size, "")

    def date_key(newest_first: bool):
        # Meetings without a date last; within a meeting by committee and agenda order.
        def key(d):
            return (day[d] == 0, -day[d] if newest_first else day[d], committee[d], number[d])

        return key

    columns = _Columns(
        generation=generation,
        committee=_Codes(committee),
        status=_Codes(_read_column(reader, "status", size, "")),
        year=_Codes(_read_column(reader, "year", size, "")),
        day=np.asarray(day, dtype=np.int64),
        rank_newest=_ranks(size, date_key(True)),
        rank_oldest=_ranks(size, date_key(False)),
        committees=sorted({committee[d] for d in np.flatnonzero(generation.live)} - {""}),
    )
    with _cache_lock:
        while len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (index, columns)  # holding the index keeps its id() unique
    return columns


# --- Searchers, one per thread and generation --------------------------------------------

_local = threading.local()
_IDF_CACHE_LIMIT = 100_000


@contextlib.contextmanager
def _searcher(index: Index):
    """A searcher on `index`, kept open for the next request of the same thread:
    opening one reads every segment's headers and the stored fields' offsets, which
    grows with the index (a Whoosh searcher must not be shared between threads, and
    a generation never changes, so one per thread and generation is safe). A
    searcher on an older generation is closed when its thread next searches."""
    held = getattr(_local, "held", None)
    if held is not None and held[0] is index:
        searcher = held[1]
        if len(searcher._idf_cache) > _IDF_CACHE_LIMIT:
            searcher._idf_cache.clear()
        yield searcher
        return
    if held is not None:
        _local.held = None
        held[1].close()
    searcher = index.searcher()
    _local.held = (index, searcher)
    yield searcher


# --- Shaping items ----------------------------------------------------------------------


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "unknown", STATUS_LABELS["unknown"])


def item_url(item_id: str) -> str:
    return "/items/" + quote(item_id, safe="")


def pdf_url(source: str, pages, sources) -> str | None:
    """ "/files/<path under its source folder>#page=N", or None when the source is not
    a PDF inside one of the configured source folders."""
    if not source or not source.lower().endswith(".pdf"):
        return None
    path = Path(source)
    relative = None
    for root in sources:
        for candidate_root in (Path(root), Path(os.path.realpath(root))):
            try:
                relative = path.relative_to(candidate_root)
                break
            except ValueError:
                continue
        if relative is not None:
            break
    if relative is None or ".." in relative.parts or not relative.parts:
        return None
    url = "/files/" + quote(relative.as_posix(), safe="/")
    if pages:
        url += f"#page={int(pages[0])}"
    return url


def _item_view(item: AgendaItem, sources) -> dict:
    """An item as the API shows it: all its fields, and where to read it."""
    data = item.to_dict()
    data["url"] = item_url(item.id)
    data["pdf_url"] = pdf_url(item.source, item.pages, sources)
    data["status_label"] = status_label(item.status)
    return data


def _summary(item: AgendaItem, sources) -> dict:
    """An item in a list (the meeting's other items, the case's other items)."""
    return {
        "id": item.id,
        "committee": item.committee,
        "meeting_date": item.meeting_date,
        "number": item.number,
        "title": item.title,
        "part": item.part,
        "case_number": item.case_number,
        "status": item.status,
        "status_label": status_label(item.status),
        "url": item_url(item.id),
        "pdf_url": pdf_url(item.source, item.pages, sources),
    }


def _item_of(fields: dict) -> AgendaItem:
    return AgendaItem.from_dict(dict(fields["item_json"]))


def _hit(item: AgendaItem, sources, snippet: str, score: float | None) -> dict:
    return {
        "id": item.id,
        "url": item_url(item.id),
        "pdf_url": pdf_url(item.source, item.pages, sources),
        "committee": item.committee,
        "meeting_date": item.meeting_date,
        "item_number": item.number,
        "title": item.title,
        "case_number": item.case_number or None,
        "status": item.status,
        "status_label": status_label(item.status),
        "snippet": snippet,
        "score": None if score is None else round(float(score), 4),
    }


# --- Snippets -----------------------------------------------------------------------------


_SPACE = re.compile(r"\s+")


SNIPPET_CONTEXT = 70  # characters of context either side of a hit


def lead(text: str, chars: int = LEAD_CHARS) -> str:
    """The start of a text, escaped, cut at a word: the snippet without a query."""
    text = _SPACE.sub(" ", text or "").strip()
    if len(text) <= chars:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, chars)
    return html.escape(text[: cut if cut > chars // 2 else chars], quote=False) + " …"


def _word_terms(analyzer, word: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of each term the analyzer makes of one word when
    highlighting: the word, its hyphen parts and its compound parts, each with where
    it is in the word (the analyzer caches what a word makes: analysis.CachedAnalyzer)."""
    return [
        (t.text, t.startchar, t.endchar)
        for t in analyzer(word, positions=True, chars=True, mode="index", removestops=False)
        if not t.stopped
    ]


# How each folded spelling may be written (danish.fold_danish, in reverse).
_UNFOLD = {"ae": "(?:ae|æ|ä)", "oe": "(?:oe|ø|ö)", "aa": "(?:aa|å)", "e": "[eé]", "u": "[uü]"}
_FOLDED = re.compile("ae|oe|aa|e|u")


@lru_cache(maxsize=256)
def _term_pattern(words: frozenset[str]) -> re.Pattern:
    """The terms as they may be written in the text, in any case and with or without
    Danish letters. Every stem is the start of the word it came from (Snowball only
    cuts endings) and a compound part is inside its word, so each hit is in a word
    that may hold the term."""
    spelled = ["".join(_UNFOLD.get(piece) or re.escape(piece)
                       for piece in re.split(f"({_FOLDED.pattern})", t))  # fmt: skip
               for t in sorted(words, key=len, reverse=True)]  # fmt: skip
    return re.compile("|".join(spelled), re.IGNORECASE)


def _marks(text: str, words: frozenset[str], analyzer) -> list[tuple[int, int]]:
    """Where in `text` the terms `words` are, as merged (start, end) spans: the words
    the analyzer turns into one of them, or the part of a compound or hyphenated word
    that is one. The text is searched for the terms as written (fast, in C); each word
    they are found in is then analysed, to be sure and to find the part to mark."""
    spans: list[tuple[int, int]] = []
    seen = -1
    for m in _term_pattern(words).finditer(text):
        at = m.start()
        start = at
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        word = next((w for w in WORD_PATTERN.finditer(text, start) if w.end() > at), None)
        if word is None or word.start() > at or word.start() == seen:
            continue
        seen = word.start()
        for term, s, e in _word_terms(analyzer, word.group()):
            if term in words:
                spans.append((word.start() + s, word.start() + e))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _fragments(text: str, marks: list[tuple[int, int]]) -> list[tuple[int, int, list]]:
    """The best SNIPPET_FRAGMENTS passages, in text order: each a run of marks close
    enough to fit SNIPPET_CHARS with SNIPPET_CONTEXT around them, cut at spaces;
    the passages with most marks win (the first of equals)."""
    groups = []
    i = 0
    while i < len(marks):
        first = marks[i][0]
        j = i + 1
        while j < len(marks) and marks[j][1] - first + 2 * SNIPPET_CONTEXT <= SNIPPET_CHARS:
            j += 1
        groups.append(marks[i:j])
        i = j
    best = sorted(range(len(groups)), key=lambda g: (-len(groups[g]), g))[:SNIPPET_FRAGMENTS]
    out = []
    for g in sorted(best):
        group = groups[g]
        start = max(0, group[0][0] - SNIPPET_CONTEXT)
        if start > 0:
            space = text.find(" ", start, group[0][0])
            start = space + 1 if space != -1 else group[0][0]
        end = min(len(text), group[-1][1] + SNIPPET_CONTEXT)
        if end < len(text):
            space = text.rfind(" ", group[-1][1], end)
            end = space if space != -1 else group[-1][1]
        out.append((start, end, group))
    return out


def _escape(text: str) -> str:
    return html.escape(_SPACE.sub(" ", text), quote=False)


def snippet(text: str, words: frozenset[str], analyzer) -> str:
    """The best passages of `text` around `words` (index terms, as the analyzer
    makes them) with the hits in <mark>, everything else escaped; "…" where a passage
    does not start or end the text. The start of the text when none of them is in it."""
    if not text or not words:
        return lead(text)
    marks = _marks(text, words, analyzer)
    if not marks:
        return lead(text)
    pieces = []
    fragments = _fragments(text, marks)
    for start, end, group in fragments:
        out, at = [], start
        for s, e in group:
            out.append(_escape(text[at:s]))
            out.append("<mark>" + _escape(text[s:e]) + "</mark>")
            at = e
        out.append(_escape(text[at:end]))
        pieces.append("".join(out).strip())
    result = " … ".join(pieces)
    if fragments[0][0] > 0:
        result = "… " + result
    if fragments[-1][1] < len(text.rstrip()):
        result += " …"
    return result


def highlight_words(q, reader) -> frozenset[str]:
    """The index terms the query looks for in the text fields and among the compound
    parts (prefixes expanded), not counting the ones it excludes: these are marked in
    snippets. All text fields share one analyzer, so a term of `decision:` is marked in
    the whole text too, and that analyzer, highlighting, gives a compound's parts as
    well, so a part found in the compound field is marked inside its word."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if node.is_leaf():
            try:
                terms = node.existing_terms(reader, phrases=True, expand=True)
            except Exception:  # noqa: BLE001 - an odd leaf only loses its marks
                return
            for fieldname, text in terms:
                if fieldname in TEXT_FIELDS or fieldname in COMPOUND_FIELDS.values():
                    found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
            return
        for child in node.children():
            walk(child)

    if q is not None:
        walk(q)
    return frozenset(found)


# --- Did you mean --------------------------------------------------------------------------


def _known(word: str, reader, schema) -> bool:
    """Whether the index knows `word`: as written or with its Danish letters spelled
    out (the `exact` field), by its stem in the title or text, or as a part of
    compounds ("reform" in "ældrereformen")."""
    lower = word.lower()
    if ("exact", lower) in reader or ("exact", fold_danish(lower)) in reader:
        return True
    fields = [f for f in ("text", "title", *COMPOUND_FIELDS.values()) if f in schema]
    stems = schema["text"].process_text(word, mode="query")
    return any((field, t) in reader for t in stems for field in fields)


def suggest(q_text: str, searcher) -> str | None:
    """The query with each word the index does not know replaced by the closest one
    it does (as written, from the unstemmed `exact` field); None when every word is
    known or nothing close is. Month names are left alone: with a year they are a date
    (interpret_query), not words to correct."""
    reader = searcher.reader()
    schema = searcher.schema
    corrector = None
    out, last, changed = [], 0, False
    for m in query_words(q_text):
        word = m.group()
        lower = word.lower()
        if len(lower) < 3 or any(c.isdigit() for c in lower) or lower in MONTHS:
            continue
        if _known(word, reader, schema):
            continue
        if corrector is None:
            corrector = reader.corrector("exact")
        options = corrector.suggest(lower, limit=1, maxdist=2, prefix=1)
        if not options or fold_danish(options[0]) == fold_danish(lower):
            continue
        best = options[0]
        if word[:1].isupper():
            best = best[:1].upper() + best[1:]
        out.append(q_text[last : m.start()])
        out.append(best)
        last, changed = m.end(), True
    if not changed:
        return None
    out.append(q_text[last:])
    return "".join(out)


# --- Searching --------------------------------------------------------------------------


@dataclass
class _Plan:
    """What the request asks of the index, before paging."""

    words: object  # the Whoosh query of the search box (None without one): scored
    filters: list  # Whoosh queries every result must match too (the case number)
    fallback: bool
    reading: QueryReading  # the search box read: its words, dates and case number
    date_from: date | None = None  # the dates applied: the request's and the typed ones
    date_to: date | None = None

    def interpreted(self, request: SearchRequest) -> dict:
        """How the request was understood, for the API's `query.interpreted`: the words
        searched, the date range applied (the from/to parameters and any date typed in
        the search box, intersected) and the case number asked for."""
        return {
            "words": self.reading.words,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "case": request.case or self.reading.case,
        }


def _date_range(request: SearchRequest, reading: QueryReading) -> tuple[date | None, date | None]:
    """The from/to parameters and the dates typed in the search box, intersected."""
    starts = [d for d in (request.date_from, reading.date_from) if d]
    ends = [d for d in (request.date_to, reading.date_to) if d]
    return max(starts, default=None), min(ends, default=None)


def _make_plan(words, request: SearchRequest, reading: QueryReading, fallback: bool) -> _Plan:
    date_from, date_to = _date_range(request, reading)
    filters = [wq.Term("case_digits", case_digits_of(request.case))] if request.case else []
    return _Plan(words, filters, fallback, reading, date_from, date_to)


def _plan(request: SearchRequest, searcher, columns: _Columns, read_dates: bool = True) -> _Plan:
    """The plan for a request. With `read_dates` a date typed in the search box is a
    filter (query.interpret_query); without, it is searched as words."""
    reading = interpret_query(request.q) if request.q else QueryReading("")
    if not read_dates:
        reading = QueryReading(request.q, case=reading.case)
    if not reading.words:
        return _make_plan(None, request, reading, False)
    parsed = to_whoosh(parse_query(reading.words, columns.committees), searcher.schema)
    return _make_plan(parsed.query, request, reading, parsed.fallback)


def _fallback_plan(request: SearchRequest, searcher, plan: _Plan) -> _Plan:
    """Plain words, for a parsed query Whoosh could not run."""
    words = compile_query(plain_query(plan.reading.words), searcher.schema)
    return _make_plan(words, request, plan.reading, True)


def _matching(searcher, plan: _Plan, columns: _Columns) -> Hits:
    """The items matching the words, the dates and the case number, with the words'
    scores (None for a request without words)."""
    if plan.words is None:
        hits = Hits(columns.live.copy(), None)
    else:
        hits = run_query(searcher, plan.words, columns.generation)
    if plan.date_from or plan.date_to:
        day = columns.day
        hits.mask &= day > 0
        if plan.date_from:
            hits.mask &= day >= plan.date_from.toordinal()
        if plan.date_to:
            hits.mask &= day <= plan.date_to.toordinal()
    for q in plan.filters:
        hits.mask &= run_query(searcher, q, columns.generation).mask
    return hits


def _facet_list(counts: Counter, key=None, reverse: bool = False) -> list[dict]:
    """{value, count} pairs, most items first (ties by value), or by `key`."""
    items = [(v, n) for v, n in counts.items() if v]
    items.sort(key=key or (lambda vn: (-vn[1], vn[0])), reverse=reverse)
    return [{"value": v, "count": n} for v, n in items]


def _filter_and_count(mask: np.ndarray, request: SearchRequest, columns: _Columns,
                      facets: bool = True):  # fmt: skip
    """The docs passing all three facet filters (a mask), and each facet's counts over
    the docs passing the other two (None when `facets` is off)."""
    ok_c = columns.committee.allowing({c.casefold() for c in request.committee},
                                      key=str.casefold) if request.committee else None  # fmt: skip
    ok_s = columns.status.allowing(set(request.status)) if request.status else None
    ok_y = columns.year.allowing(set(request.year)) if request.year else None

    def passing(*oks):
        out = mask
        for ok in oks:
            if ok is not None:
                out = out & ok
        return out

    kept = passing(ok_c, ok_s, ok_y)
    if not facets:
        return kept, None
    order = {s: i for i, s in enumerate(STATUSES)}
    by_status = columns.status.counts(passing(ok_c, ok_y))
    return kept, {
        "committee": _facet_list(columns.committee.counts(passing(ok_s, ok_y))),
        "year": _facet_list(columns.year.counts(passing(ok_c, ok_s)),
                            key=lambda vn: vn[0], reverse=True),  # fmt: skip
        "status": [
            {"value": e["value"], "label": status_label(e["value"]), "count": e["count"]}
            for e in _facet_list(by_status, key=lambda vn: (-vn[1], order.get(vn[0], 99)))
        ],
    }


def _top(docs: np.ndarray, scores: np.ndarray, limit: int | None) -> np.ndarray:
    """`docs` by score, best first, ties in docnum order (as Whoosh orders them); only
    the first `limit` are sorted."""
    values = scores[docs]
    if limit is not None and limit < len(docs):
        threshold = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= threshold
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))
    return docs[order] if limit is None else docs[order][:limit]


def _ordered(plan: _Plan, request: SearchRequest, hits: Hits, kept: np.ndarray,
             columns: _Columns, limit: int | None) -> list[tuple[int, float | None]]:  # fmt: skip
    """(docnum, score) of the first `limit` kept docs (all of them with None), in the
    order the request asks for."""
    docs = np.flatnonzero(kept)
    if not len(docs):
        return []
    sort = request.effective_sort
    if sort == "relevance" and plan.words is not None and hits.scores is not None:
        top = _top(docs, hits.scores, limit)
        return [(d, float(hits.scores[d])) for d in top.tolist()]
    ranks = columns.rank_newest if sort != "date_asc" else columns.rank_oldest
    if limit is not None and limit < len(docs):
        docs = docs[np.argpartition(ranks[docs], limit - 1)[:limit]]
    ordered = docs[np.argsort(ranks[docs], kind="stable")]
    return [(d, None) for d in ordered.tolist()]


def _run(searcher, request: SearchRequest, columns: _Columns, limit: int | None,
         facets: bool = True):  # fmt: skip
    """Plan and run a request: (plan, how many docs pass every filter, the facets, the
    first `limit` of those docs in order as (docnum, score)).

    Two second tries: a date typed in the search box that finds nothing at all is
    searched as words instead ("møde 16. juni 2021": the item that names the next
    meeting, held months before it), and a query Whoosh cannot run is searched as its
    plain words."""
    plan = _plan(request, searcher, columns)
    try:
        hits = _matching(searcher, plan, columns)
        if not hits.mask.any() and plan.reading.has_dates:
            plan = _plan(request, searcher, columns, read_dates=False)
            hits = _matching(searcher, plan, columns)
    except Exception:  # noqa: BLE001 - a query Whoosh cannot run: search the words
        if plan.fallback or plan.words is None:
            raise
        plan = _fallback_plan(request, searcher, plan)
        hits = _matching(searcher, plan, columns)
    kept, facet_counts = _filter_and_count(hits.mask, request, columns, facets)
    ordered = _ordered(plan, request, hits, kept, columns, limit)
    return plan, int(kept.sum()), facet_counts, ordered


def _echo(request: SearchRequest, plan: _Plan) -> dict:
    """The request as the API echoes it, and how it was understood. A search box that
    held only a date ("april 2025") has no words to rank by: newest first."""
    echo = request.to_dict()
    if plan.words is None and echo["sort"] == "relevance":
        echo["sort"] = "date_desc"
    echo["interpreted"] = plan.interpreted(request)
    return echo


def search(handle, request: SearchRequest, facets: bool = True) -> dict:
    """Run `request` on the index of `handle` (a SearchIndex, or an IndexHandle: then
    without PDF links). Returns the /api/search JSON as a dict. Raises IndexNotFound.
    Without `facets` the facet filters still apply but nothing is counted ("facets":
    None): for callers that show no facets, and for the benchmark's cost of them."""
    index = _whoosh_index(handle)
    sources = _sources(handle)
    with _searcher(index) as searcher:
        columns = _columns(index, searcher)
        window = request.page * request.per_page
        plan, total, facet_counts, ordered = _run(searcher, request, columns, window, facets)
        start = (request.page - 1) * request.per_page
        page = ordered[start : start + request.per_page]
        words = highlight_words(plan.words, searcher.reader())
        analyzer = searcher.schema["text"].analyzer
        results = []
        for docnum, score in page:
            item = _item_of(searcher.stored_fields(docnum))
            results.append(_hit(item, sources, snippet(item.text, words, analyzer), score))
        suggestion = suggest(request.q, searcher) if request.q else None
    return {
        "query": _echo(request, plan),
        "total": total,
        "page": request.page,
        "per_page": request.per_page,
        "pages": math.ceil(total / request.per_page),
        "results": results,
        "facets": facet_counts,
        "suggestion": suggestion,
    }


def search_rows(handle, request: SearchRequest) -> Iterator[dict]:
    """Every item the request matches (paging ignored), in its order, as CSV_COLUMNS
    dicts. A generator holding a searcher until it is exhausted or closed, so a web
    response can stream it. Raises IndexNotFound on the first next()."""
    index = _whoosh_index(handle)
    sources = _sources(handle)
    with index.searcher() as searcher:
        columns = _columns(index, searcher)
        _, _, _, ordered = _run(searcher, request, columns, None)
        for docnum, _score in ordered:
            item = _item_of(searcher.stored_fields(docnum))
            yield {
                "id": item.id,
                "committee": item.committee,
                "meeting_date": item.meeting_date,
                "item_number": item.number,
                "title": item.title,
                "case_number": item.case_number,
                "status": item.status,
                "url": item_url(item.id),
                "pdf_url": pdf_url(item.source, item.pages, sources) or "",
            }


# --- Items ----------------------------------------------------------------------------------


def get_agenda_item(handle, item_id: str) -> AgendaItem | None:
    """The AgendaItem with this id, as it was indexed; None when there is none."""
    if not item_id or len(item_id) > 500:
        return None
    index = _whoosh_index(handle)
    with _searcher(index) as searcher:
        fields = searcher.document(id=item_id)
    return _item_of(fields) if fields else None


def get_item(handle, item_id: str) -> dict | None:
    """The item as /api/items/<id> shows it: every AgendaItem field, and url, pdf_url
    and status_label; None when there is none."""
    item = get_agenda_item(handle, item_id)
    return None if item is None else _item_view(item, _sources(handle))


def _field(obj, name: str) -> str:
    if obj is None:
        return ""
    if isinstance(obj, dict):
        return obj.get(name) or ""
    return getattr(obj, name, "") or ""


def _items_where(handle, q, newest_first: bool) -> list[dict]:
    index = _whoosh_index(handle)
    sources = _sources(handle)
    with _searcher(index) as searcher:
        columns = _columns(index, searcher)
        docs = np.flatnonzero(run_query(searcher, q, columns.generation).mask)
        ranks = columns.rank_newest if newest_first else columns.rank_oldest
        docs = docs[np.argsort(ranks[docs], kind="stable")].tolist()
        return [_summary(_item_of(searcher.stored_fields(d)), sources) for d in docs]


def items_for_meeting(
    handle, item=None, *, committee: str = "", meeting_date: str = ""
) -> list[dict]:
    """The items of one meeting in agenda order: the meeting of `item` (a dict or an
    AgendaItem), or the given committee and date. Summaries, as dicts."""
    committee = committee or _field(item, "committee")
    meeting_date = meeting_date or _field(item, "meeting_date")
    try:
        day = date.fromisoformat(meeting_date)
    except (TypeError, ValueError):
        return []
    if not committee:
        return []
    q = wq.And([
        wq.Term("committee", committee),
        wq.DateRange("meeting_date", datetime.combine(day, time.min),
                     datetime.combine(day, time.max)),
    ])  # fmt: skip
    return _items_where(handle, q, newest_first=False)


def items_for_case(handle, case) -> list[dict]:
    """Every item of one case, oldest meeting first: `case` is a case number in either
    form ("SAG-2025-01103", "2025-01103") or an item (dict or AgendaItem) having one."""
    number = case if isinstance(case, str) else _field(case, "case_number")
    digits = case_digits_of(number)
    if not digits:
        return []
    return _items_where(handle, wq.Term("case_digits", digits), newest_first=False)
