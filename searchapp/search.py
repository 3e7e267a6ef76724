"""The search core: a request in, plain data out.

Everything that knows Whoosh stays behind this module (and query.py, which parses the
search box): the web app and the CLI call `search`, `search_rows`, `get_item`,
`items_for_meeting` and `items_for_case`, and get dicts shaped exactly like the JSON
API's, ready to render as JSON, HTML or CSV.

How a search runs:

1. A date typed in the search box ("april 2025") is read out of the words
   (query.interpret_query) and joins the from/to parameters; the words become a Whoosh
   query (query.parse_query); the date range and the case number are added to it.
2. The items matching it are collected unscored, and the committee, status and year of
   each are read from a per-generation cache of the index's columns. Each facet is
   counted over the items that pass the *other* two facet filters, so choosing a
   committee does not hide the other committees; the items passing all of them are
   the result.
3. Only the page asked for is scored (relevance) or sorted (dates), then loaded, with
   a snippet around the words that matched.
"""

from __future__ import annotations

import html
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import quote

from whoosh import highlight
from whoosh import query as wq
from whoosh.index import Index

from .danish import MONTHS, fold_danish
from .index import IndexHandle, IndexNotFound
from .models import STATUS_LABELS, STATUSES, AgendaItem
from .query import (
    COMPOUND_FIELDS,
    TEXT_FIELDS,
    BadRequest,
    QueryReading,
    SearchRequest,
    case_digits_of,
    interpret_query,
    parse_query,
    plain_query,
    query_words,
)

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


@dataclass
class _Columns:
    """The facet and sort values of every document of one generation, by docnum.
    A published generation never changes, so this is read once per generation."""

    live: list[int]  # docnums not deleted
    committee: list[str]
    status: list[str]
    year: list[str]
    day: list[int]  # date.toordinal() of the meeting, 0 when unknown
    number: list[str]  # number_sort

    @property
    def committees(self) -> list[str]:
        return sorted({self.committee[d] for d in self.live} - {""})


_cache: dict[int, tuple[Index, _Columns]] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 4


def _read_column(reader, name: str, size: int, default):
    if not reader.has_column(name):
        return [default] * size
    values = list(reader.column_reader(name))
    return [default if v is None else v for v in values] + [default] * (size - len(values))


def _columns(index: Index, searcher) -> _Columns:
    key = id(index)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is index:
            return hit[1]
    reader = searcher.reader()
    size = reader.doc_count_all()
    days = [
        v.toordinal() if isinstance(v, datetime) else 0
        for v in _read_column(reader, "meeting_date", size, None)
    ]
    columns = _Columns(
        live=list(reader.all_doc_ids()),
        committee=_read_column(reader, "committee", size, ""),
        status=_read_column(reader, "status", size, ""),
        year=_read_column(reader, "year", size, ""),
        day=days,
        number=_read_column(reader, "number_sort", size, ""),
    )
    with _cache_lock:
        while len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (index, columns)  # holding the index keeps its id() unique
    return columns


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


class _MarkFormatter(highlight.Formatter):
    """<mark> around the words that matched, everything else HTML-escaped, whitespace
    collapsed, "…" where a fragment does not start or end the text."""

    between = " … "

    def _text(self, text):
        return html.escape(_SPACE.sub(" ", text), quote=False)

    def format_token(self, text, token, replace=False):
        return "<mark>" + self._text(highlight.get_text(text, token, replace)) + "</mark>"

    def format(self, fragments, replace=False):
        if not fragments:
            return ""
        out = self.between.join(self.format_fragment(f, replace).strip() for f in fragments)
        if fragments[0].startchar > 0:
            out = "… " + out
        if fragments[-1].endchar < len(fragments[-1].text.rstrip()):
            out += " …"
        return out


# charlimit=None: look for hits in the whole text, not only its first 32 KB.
_FRAGMENTER = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70, charlimit=None)
_SCORER = highlight.BasicFragmentScorer()
_FORMATTER = _MarkFormatter()


def lead(text: str, chars: int = LEAD_CHARS) -> str:
    """The start of a text, escaped, cut at a word: the snippet without a query."""
    text = _SPACE.sub(" ", text or "").strip()
    if len(text) <= chars:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, chars)
    return html.escape(text[: cut if cut > chars // 2 else chars], quote=False) + " …"


def snippet(text: str, words: frozenset[str], analyzer) -> str:
    """The best fragments of `text` around `words` (index terms, as the analyzer
    makes them), or its start when none of them is in it."""
    if not text or not words:
        return lead(text)
    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = highlight.set_matched_filter(tokens, words)
    tokens = highlight.Highlighter._merge_matched_tokens(tokens)
    fragments = highlight.top_fragments(
        _FRAGMENTER.fragment_tokens(text, tokens), SNIPPET_FRAGMENTS, _SCORER,
        highlight.FIRST, minscore=1,
    )  # fmt: skip
    return _FORMATTER.format(fragments) or lead(text)


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

    query: object  # the Whoosh query that decides which items match (None: all)
    words: object  # the part from the search box (None without one)
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


_NOTHING = wq.Term("id", "\uffff")  # matches no item (a NullQuery would vanish in And)


def _day_range(date_from: date | None, date_to: date | None):
    if not (date_from or date_to):
        return None
    if date_from and date_to and date_from > date_to:
        return _NOTHING  # "april 2025" typed with to=2025-03-01: no day is both
    start = datetime.combine(date_from, time.min) if date_from else None
    end = datetime.combine(date_to, time.max) if date_to else None
    return wq.DateRange("meeting_date", start, end)


def _date_range(request: SearchRequest, reading: QueryReading) -> tuple[date | None, date | None]:
    """The from/to parameters and the dates typed in the search box, intersected."""
    starts = [d for d in (request.date_from, reading.date_from) if d]
    ends = [d for d in (request.date_to, reading.date_to) if d]
    return max(starts, default=None), min(ends, default=None)


def _plan_filters(request: SearchRequest, date_from: date | None, date_to: date | None) -> list:
    """The date range and the case number: filters that are not facets."""
    filters = []
    dates = _day_range(date_from, date_to)
    if dates is not None:
        filters.append(dates)
    if request.case:
        filters.append(wq.Term("case_digits", case_digits_of(request.case)))
    return filters


def _make_plan(words, request: SearchRequest, reading: QueryReading, fallback: bool) -> _Plan:
    date_from, date_to = _date_range(request, reading)
    parts = ([words] if words is not None else []) + _plan_filters(request, date_from, date_to)
    query = None if not parts else parts[0] if len(parts) == 1 else wq.And(parts)
    return _Plan(query, words, fallback, reading, date_from, date_to)


def _plan(request: SearchRequest, searcher, columns: _Columns, read_dates: bool = True) -> _Plan:
    """The plan for a request. With `read_dates` a date typed in the search box is a
    filter (query.interpret_query); without, it is searched as words."""
    reading = interpret_query(request.q) if request.q else QueryReading("")
    if not read_dates:
        reading = QueryReading(request.q, case=reading.case)
    if not reading.words:
        return _make_plan(None, request, reading, False)
    parsed = parse_query(reading.words, searcher.schema, columns.committees)
    return _make_plan(parsed.query, request, reading, parsed.fallback)


def _fallback_plan(request: SearchRequest, searcher, plan: _Plan) -> _Plan:
    """Plain words, for a parsed query Whoosh could not run."""
    words = plain_query(plan.reading.words, searcher.schema) or wq.NullQuery
    return _make_plan(words, request, plan.reading, True)


def _matching(searcher, plan: _Plan, columns: _Columns) -> list[int]:
    if plan.query is None:
        return columns.live
    if plan.query is wq.NullQuery or isinstance(plan.query, type(wq.NullQuery)):
        return []
    return list(searcher.docs_for_query(plan.query))


def _facet_list(counts: Counter, key=None, reverse: bool = False) -> list[dict]:
    """{value, count} pairs, most items first (ties by value), or by `key`."""
    items = [(v, n) for v, n in counts.items() if v]
    items.sort(key=key or (lambda vn: (-vn[1], vn[0])), reverse=reverse)
    return [{"value": v, "count": n} for v, n in items]


def _filter_and_count(docs, request: SearchRequest, columns: _Columns):
    """The docs passing all three facet filters, and each facet's counts over the
    docs passing the other two."""
    want_c = {c.casefold() for c in request.committee}
    want_s = set(request.status)
    want_y = set(request.year)
    committee, status, year = columns.committee, columns.status, columns.year
    by_c, by_s, by_y = Counter(), Counter(), Counter()
    kept = []
    for d in docs:
        c, s, y = committee[d], status[d], year[d]
        ok_c = not want_c or c.casefold() in want_c
        ok_s = not want_s or s in want_s
        ok_y = not want_y or y in want_y
        if ok_s and ok_y:
            by_c[c] += 1
        if ok_c and ok_y:
            by_s[s] += 1
        if ok_c and ok_s:
            by_y[y] += 1
            if ok_y:
                kept.append(d)
    order = {s: i for i, s in enumerate(STATUSES)}
    facets = {
        "committee": _facet_list(by_c),
        "year": _facet_list(by_y, key=lambda vn: vn[0], reverse=True),
        "status": [
            {"value": e["value"], "label": status_label(e["value"]), "count": e["count"]}
            for e in _facet_list(by_s, key=lambda vn: (-vn[1], order.get(vn[0], 99)))
        ],
    }
    return kept, facets


def _date_key(columns: _Columns, newest_first: bool):
    day, committee, number = columns.day, columns.committee, columns.number

    def key(d):
        known = day[d] > 0
        return (not known, -day[d] if newest_first else day[d], committee[d], number[d], d)

    return key


def _ordered(
    searcher,
    plan: _Plan,
    request: SearchRequest,
    docs: list[int],
    columns: _Columns,
    limit: int | None,
) -> list[tuple[int, float | None]]:
    """(docnum, score) of the first `limit` docs (all of them with None), in the
    order the request asks for."""
    if not docs:
        return []
    sort = request.effective_sort
    if sort == "relevance" and plan.words is not None:
        results = searcher.search(plan.query, filter=set(docs), limit=limit)
        return [(hit.docnum, hit.score) for hit in results]
    ordered = sorted(docs, key=_date_key(columns, sort != "date_asc"))
    if limit is not None:
        ordered = ordered[:limit]
    return [(d, None) for d in ordered]


def _run(searcher, request: SearchRequest, columns: _Columns, limit: int | None):
    """Plan and run a request: (plan, the docs passing every filter, the facets, the
    first `limit` of those docs in order as (docnum, score)).

    Two second tries: a date typed in the search box that finds nothing at all is
    searched as words instead ("møde 16. juni 2021": the item that names the next
    meeting, held months before it), and a query Whoosh cannot run is searched as its
    plain words."""
    plan = _plan(request, searcher, columns)
    try:
        docs = _matching(searcher, plan, columns)
        if not docs and plan.reading.has_dates:
            plan = _plan(request, searcher, columns, read_dates=False)
            docs = _matching(searcher, plan, columns)
        kept, facets = _filter_and_count(docs, request, columns)
        ordered = _ordered(searcher, plan, request, kept, columns, limit)
    except Exception:  # noqa: BLE001 - a query Whoosh cannot run: search the words
        if plan.fallback or plan.words is None:
            raise
        plan = _fallback_plan(request, searcher, plan)
        kept, facets = _filter_and_count(_matching(searcher, plan, columns), request, columns)
        ordered = _ordered(searcher, plan, request, kept, columns, limit)
    return plan, kept, facets, ordered


def _echo(request: SearchRequest, plan: _Plan) -> dict:
    """The request as the API echoes it, and how it was understood. A search box that
    held only a date ("april 2025") has no words to rank by: newest first."""
    echo = request.to_dict()
    if plan.words is None and echo["sort"] == "relevance":
        echo["sort"] = "date_desc"
    echo["interpreted"] = plan.interpreted(request)
    return echo


def search(handle, request: SearchRequest) -> dict:
    """Run `request` on the index of `handle` (a SearchIndex, or an IndexHandle: then
    without PDF links). Returns the /api/search JSON as a dict. Raises IndexNotFound."""
    index = _whoosh_index(handle)
    sources = _sources(handle)
    with index.searcher() as searcher:
        columns = _columns(index, searcher)
        window = request.page * request.per_page
        plan, kept, facets, ordered = _run(searcher, request, columns, window)
        start = (request.page - 1) * request.per_page
        page = ordered[start : start + request.per_page]
        words = highlight_words(plan.words, searcher.reader())
        analyzer = searcher.schema["text"].analyzer
        results = []
        for docnum, score in page:
            item = _item_of(searcher.stored_fields(docnum))
            results.append(_hit(item, sources, snippet(item.text, words, analyzer), score))
        suggestion = suggest(request.q, searcher) if request.q else None
    total = len(kept)
    return {
        "query": _echo(request, plan),
        "total": total,
        "page": request.page,
        "per_page": request.per_page,
        "pages": math.ceil(total / request.per_page),
        "results": results,
        "facets": facets,
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
    with index.searcher() as searcher:
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
    with index.searcher() as searcher:
        columns = _columns(index, searcher)
        docs = list(searcher.docs_for_query(q))
        docs.sort(key=_date_key(columns, newest_first))
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
