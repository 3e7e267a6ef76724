"""How the Whoosh engine runs a search plan (plan.py) over one generation.

1. The plan's query tree becomes a Whoosh query (compile.py); every item matching it
   is found with its score, as a mask over the generation's docnums (execute.py:
   Whoosh's postings and Whoosh's BM25F, without Whoosh's one-document-at-a-time
   matchers); a case number asked for is read first, and the words only where it is;
   the dates narrow that down.
2. The committee, status and year of each item come from the generation's columns
   (columns.py); each facet is counted over the items that pass the *other* two facet
   filters, so choosing a committee does not hide the other committees; the items
   passing all of them are the result.
3. Only the page asked for is ordered out (the best scores, ties in docnum order as
   Whoosh orders them, or the date ranks), loaded, and given a snippet.

Two second tries, each logged and counted (Fallbacks): a date typed in the search box
that finds nothing at all is searched as words ("møde 16. juni 2021": the item naming
the next meeting, held months before it), and a query the executor cannot run is
searched as its plain words.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from contextlib import contextmanager

import numpy as np
from whoosh import query as wq

from ..engine import SearchStopped
from ..people.records import party_facet_terms, person_terms, position_terms
from ..plan import SearchPlan, plan_search
from ..query import SearchRequest
from .columns import Columns
from .compile import WhooshQuery, to_whoosh
from .execute import Hits, docnum_mask, run_query, term_docs
from .limits import cap_prefixes

__all__ = ["Fallbacks", "Timer", "match", "ordered", "select"]

log = logging.getLogger("searchapp.search")


class Fallbacks:
    """How often this process searched something other than what was typed, by why:
    "syntax" (the query syntax could not be read), "no_terms" (the query as read asked
    for nothing the index has, its words did), "engine" (the executor failed on the
    query), "dates" (a typed date found nothing and was searched as words)."""

    KINDS = ("syntax", "no_terms", "engine", "dates")

    def __init__(self):
        self._lock = threading.Lock()
        self.searches = 0
        self.counts: Counter[str] = Counter()

    def searched(self) -> None:
        with self._lock:
            self.searches += 1

    def fell_back(self, kind: str, q: str, reason: str) -> None:
        with self._lock:
            self.counts[kind] += 1
        log.warning("search fallback (%s) for q=%r: %s", kind, q, reason)

    def to_dict(self) -> dict:
        with self._lock:
            return {"searches": self.searches,
                    "fallbacks": {kind: self.counts[kind] for kind in self.KINDS}}  # fmt: skip


class Timer:
    """Milliseconds spent in each stage of a search, when asked for (timings=True)."""

    def __init__(self, on: bool):
        self.on = on
        self.ms: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        if not self.on:
            yield
            return
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - t0) * 1000

    def result(self) -> dict[str, float] | None:
        return dict(self.ms) if self.on else None


def _compiled(plan: SearchPlan, searcher, fallbacks: Fallbacks | None,
              budget=None) -> WhooshQuery | None:  # fmt: skip
    """The plan's words as a Whoosh query, its prefixes capped (limits.py); a fallback
    made on the way is logged and counted in `fallbacks` (None: it was already)."""
    if plan.parsed is None:
        return None
    compiled = to_whoosh(plan.parsed, searcher.schema)
    compiled.query = cap_prefixes(compiled.query, searcher.reader(), budget)
    if compiled.fallback and fallbacks is not None:
        kind = "syntax" if plan.parsed.fallback else "no_terms"
        fallbacks.fell_back(kind, plan.request.q, "; ".join(compiled.notes))
    return compiled


def _matching(searcher, plan: SearchPlan, compiled, columns: Columns, budget, cache) -> Hits:
    """The items matching the words, the dates and the case number, with the words'
    scores (None for a plan without words)."""
    case = (term_docs(searcher, "case_digits", plan.case, columns.stats, cache)
            if plan.case else None)  # fmt: skip
    within = None if case is None else docnum_mask(columns.stats.size, case)
    if compiled is not None:  # the words read only where the case number is
        hits = run_query(searcher, compiled.query, columns.stats, budget, cache, within)
        if within is not None:
            hits.mask &= within
    else:
        hits = Hits(columns.live.copy() if within is None else within, None)
    if plan.date_from or plan.date_to:
        day = columns.day
        hits.mask &= day > 0
        if plan.date_from:
            hits.mask &= day >= plan.date_from.toordinal()
        if plan.date_to:
            hits.mask &= day <= plan.date_to.toordinal()
    request = plan.request
    if request.attachments == "only":  # with words too: a NOT alone must not list all
        with_text = term_docs(searcher, "has_attachment", "1", columns.stats, cache)
        hits.mask &= docnum_mask(columns.stats.size, with_text)
    # The person filter, and the position filter when no party or person qualifies it;
    # the party filter is a facet's (select).
    if request.person:
        hits.mask &= _stance(searcher, person_terms(request.person, request.position), columns)
    elif request.position and not request.party:
        hits.mask &= _stance(searcher, position_terms(request.position), columns)
    return hits


def _stance(searcher, terms: list[str], columns: Columns) -> np.ndarray:
    """Per docnum: whether the item's stance field has one of `terms`."""
    query = wq.Or([wq.Term("stance", term) for term in terms])
    return run_query(searcher, query, columns.stats).mask


def match(searcher, request: SearchRequest, columns: Columns, fallbacks: Fallbacks,
          budget=None, cache=None) -> tuple[SearchPlan, WhooshQuery | None, Hits]:  # fmt: skip
    """Plan and run a request's words and filters: (the plan run, its Whoosh query,
    the hits), with the two second tries of the module's docstring. `cache`: the
    engine's PostingCache."""
    plan = plan_search(request, columns.committees, columns.municipalities)
    compiled = _compiled(plan, searcher, fallbacks, budget)
    try:
        hits = _matching(searcher, plan, compiled, columns, budget, cache)
        if not hits.mask.any() and plan.reading.has_dates:
            fallbacks.fell_back("dates", request.q, "the dates typed found nothing")
            plan = plan.words_only(columns.committees, columns.municipalities)
            compiled = _compiled(plan, searcher, fallbacks, budget)
            hits = _matching(searcher, plan, compiled, columns, budget, cache)
    except SearchStopped:
        raise
    except Exception as exc:
        if compiled is None or compiled.fallback:
            raise
        fallbacks.fell_back("engine", request.q, f"{type(exc).__name__}: {exc}")
        plan = plan.plain(f"{type(exc).__name__}")
        compiled = _compiled(plan, searcher, None, budget)  # logged and counted just now
        hits = _matching(searcher, plan, compiled, columns, budget, cache)
    return plan, compiled, hits


def _by_name(column, names) -> np.ndarray | None:
    """Per docnum: whether its value is one of `names`, in any case; None for no
    filter."""
    if not names:
        return None
    return column.allowing({n.casefold() for n in names}, key=str.casefold)


def select(mask: np.ndarray, request: SearchRequest, columns: Columns, facets: bool = True):
    """The docnums passing all the facet filters (sorted), and each facet's counts
    over the docs passing the others ({"municipality": Counter, ...}; None without
    `facets`). The party filter and the Parti facet go by the same stands: one of the
    chosen positions, by default a dissenting one (people.records.DISSENT); the facet
    counts, per party, the items where it took one."""
    stance = columns.stance
    # name: (the filter's mask or None, how the facet counts the docs passing the others)
    filters = {
        "municipality": (_by_name(columns.municipality, request.municipality),
                         columns.municipality.counts),
        "committee": (_by_name(columns.committee, request.committee), columns.committee.counts),
        "status": (columns.status.allowing(set(request.status)) if request.status else None,
                   columns.status.counts),
        "year": (columns.year.allowing(set(request.year)) if request.year else None,
                 columns.year.counts),
        "party": (
            stance.allowing(set(request.party), set(party_facet_terms(request.position)))
            if request.party else None,
            lambda docs: stance.counts(docs, party_facet_terms(request.position)),
        ),
    }  # fmt: skip

    def passing(but: str | None = None):
        out = mask
        for name, (ok, _) in filters.items():
            if ok is not None and name != but:
                out = out & ok
        return out

    kept = np.flatnonzero(passing())
    if not facets:
        return kept, None
    # Each facet counts the docnums passing the other filters: the same ones for every
    # facet whose own filter is not set, found once (a facet is counted over its
    # matches, not over every document).
    docs_of = {None: kept}
    counts = {}
    for name, (ok, count) in filters.items():
        but = name if ok is not None else None
        if but not in docs_of:
            docs_of[but] = np.flatnonzero(passing(but=but))
        counts[name] = count(docs_of[but])
    return kept, counts


def top(values: np.ndarray, limit: int | None) -> np.ndarray:
    """Where the best of `values` (the scores of sorted docnums) are, best first, ties
    in docnum order (as Whoosh orders them); only the first `limit` are sorted."""
    index = np.arange(len(values))
    if limit is not None and limit < len(values):
        threshold = np.partition(values, len(values) - limit)[len(values) - limit]
        index = np.flatnonzero(values >= threshold)
    order = index[np.lexsort((index, -values[index]))]
    return order if limit is None else order[:limit]


def ordered(plan: SearchPlan, hits: Hits, docs: np.ndarray, columns: Columns,
            limit: int | None) -> list[tuple[int, float | None]]:  # fmt: skip
    """(docnum, score) of the first `limit` of the docnums `docs` (sorted; all of them
    with None), in the order the plan asks for."""
    if not len(docs):
        return []
    sort = plan.sort
    if sort == "relevance" and hits.scored:
        values = hits.scores_at(docs)
        best = top(values, limit)
        return [(int(docs[i]), float(values[i])) for i in best.tolist()]
    ranks = columns.ranks(newest_first=sort != "date_asc")
    if limit is not None and limit < len(docs):
        docs = docs[np.argpartition(ranks[docs], limit - 1)[:limit]]
    in_order = docs[np.argsort(ranks[docs], kind="stable")]
    return [(d, None) for d in in_order.tolist()]
