"""The Whoosh engine's search side (engine.SearchEngine): the index for a long-running
process, answering searches and item lookups with the project's own result types."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
from whoosh import query as wq

from ..engine import IndexNotFound
from ..models import AgendaItem, meeting_id
from ..people.records import nearest_party
from ..query import SearchRequest, case_digits_of, interpret_query, parse_query
from ..results import Facets, FoundIn, Hit, ItemSummary, Links, SearchResult
from .attachment_texts import read_pages
from .columns import columns_of
from .compile import to_whoosh
from .execute import run_query
from .limits import cap_prefixes
from .postings import DEFAULT_BUDGET_MB, PostingCache
from .schema import item_of
from .search import Fallbacks, Timer, match, ordered, select
from .snippets import TermMarker, best_page, highlight_terms, item_snippet, matched_terms, snippet
from .store import IndexHandle, thread_searcher
from .suggest import suggest

__all__ = ["WhooshEngine"]

MAX_ID_LENGTH = 500
MAX_PEOPLE = 200  # people a meeting's record looks up the parties of


def _field(obj, name: str) -> str:
    if obj is None:
        return ""
    if isinstance(obj, dict):
        return obj.get(name) or ""
    return getattr(obj, name, "") or ""


class WhooshEngine:
    """The index at `root` and the source folders its items came from (for the links
    to the PDFs), kept for a process's lifetime: every call serves the generation in
    use, and a reindex is picked up without a restart (store.IndexHandle). The posting
    lists of frequent terms are kept decoded, within `cache_mb` (postings.py)."""

    def __init__(self, root: Path | str, sources: Iterable[Path | str] = (),
                 cache_mb: float = DEFAULT_BUDGET_MB):  # fmt: skip
        self.handle = IndexHandle(Path(root))
        self.root = self.handle.root
        self.links = Links(sources)
        self.fallbacks = Fallbacks()
        self.cache = PostingCache(cache_mb)

    @property
    def generation(self) -> str:
        return self.handle.generation

    def exists(self) -> bool:
        try:
            return self.handle.index is not None
        except IndexNotFound:
            return False

    def close(self) -> None:
        self.handle.close()

    def stats(self) -> dict:
        return {**self.fallbacks.to_dict(), "posting_cache": self.cache.stats()}

    # --- Searching

    def search(self, request: SearchRequest, *, facets: bool = True, snippets: bool = True,
               budget=None, timings: bool = False) -> SearchResult:  # fmt: skip
        index = self.handle.index
        timer = Timer(timings)
        self.fallbacks.searched()
        with thread_searcher(index) as searcher:
            with timer.stage("columns"):
                columns = columns_of(index, searcher)
            with timer.stage("match"):
                plan, compiled, hits = match(searcher, request, columns, self.fallbacks, budget,
                                             self.cache)  # fmt: skip
            with timer.stage("facets"):
                kept, counts = select(hits.mask, request, columns, facets)
                total = len(kept)
            with timer.stage("order"):
                window = request.page * request.per_page
                start = (request.page - 1) * request.per_page
                page = ordered(plan, hits, kept, columns, window)[start : start + request.per_page]
            reader = searcher.reader()
            analyzer = searcher.schema["text"].analyzer
            def df(fieldname, btext):
                return columns.stats.doc_frequency(reader, fieldname, btext)

            terms = highlight_terms(compiled.query if compiled else None, reader, df)
            marker = TermMarker(terms, analyzer)
            if budget is not None and snippets:
                budget.checkpoint("snippets")
            results = []
            for docnum, score in page:
                with timer.stage("load"):
                    item = item_of(searcher.stored_fields(docnum))
                with timer.stage("snippets"):
                    text, found_in = (self._snippet(index, item, terms, analyzer, request)
                                      if snippets else ("", None))  # fmt: skip
                url, pdf = self.links.item_url(item.id), self.links.item_pdf_url(item)
                results.append(Hit(item, score, text, url, pdf, marker, found_in))
            suggestion = None
            if request.q:
                if budget is not None:
                    budget.checkpoint("suggest")
                with timer.stage("suggest"):
                    suggestion = suggest(request.q, searcher, df)
        return SearchResult(
            query=plan.echo(),
            total=total,
            page=request.page,
            per_page=request.per_page,
            hits=results,
            facets=None if counts is None else Facets.from_counts(**counts),
            suggestion=suggestion,
            timings=timer.result(),
        )

    def _snippet(self, index, item: AgendaItem, terms, analyzer,
                 request: SearchRequest) -> tuple[str, FoundIn | None]:  # fmt: skip
        """The hit's snippet from its own text, or, when an attachment's page holds
        more of the words (with attachments=only: any of them), from that page, with
        where it is. The attachments' pages are read only for such a hit."""
        refs = [r for r in item.attachment_refs if r.text_key]
        only = request.attachments == "only"
        if not refs or not terms or request.attachments == "exclude":
            return item_snippet(item, terms, analyzer), None
        own = 0 if only else len(matched_terms(item.text, terms, analyzer))
        if own == len(terms):
            return item_snippet(item, terms, analyzer), None
        folder = Path(index.storage.folder)
        best = (own, None, -1, [])
        for ref in refs:
            pages = read_pages(folder, ref.text_key)
            n, held = best_page(pages, terms, analyzer)
            if held > best[0]:
                best = (held, ref, n, pages)
        held, ref, n, pages = best
        if ref is None:
            return item_snippet(item, terms, analyzer), None
        found = FoundIn(ref.title, n + 1, self.links.attachment_url(ref, n + 1))
        return snippet(pages[n], terms, analyzer), found

    def rows(self, request: SearchRequest) -> Iterator[dict]:
        index = self.handle.index
        with index.searcher() as searcher:  # its own: the generator may outlive a request
            columns = columns_of(index, searcher)
            plan, _, hits = match(searcher, request, columns, self.fallbacks, cache=self.cache)
            kept, _ = select(hits.mask, request, columns, facets=False)
            for docnum, _score in ordered(plan, hits, kept, columns, None):
                yield self.links.csv_row(item_of(searcher.stored_fields(docnum)))

    def marker(self, q: str) -> TermMarker:
        words = interpret_query(q).words  # the dates typed in the box are a filter
        if not words.strip():
            return TermMarker()
        index = self.handle.index
        with thread_searcher(index) as searcher:
            compiled = to_whoosh(parse_query(words), searcher.schema)
            query = cap_prefixes(compiled.query, searcher.reader())
            terms = highlight_terms(query, searcher.reader())
            return TermMarker(terms, searcher.schema["text"].analyzer)

    # --- Items

    def item(self, item_id: str) -> AgendaItem | None:
        if not item_id or len(item_id) > MAX_ID_LENGTH:
            return None
        index = self.handle.index
        with thread_searcher(index) as searcher:
            fields = searcher.document(id=item_id)
        return item_of(fields) if fields else None

    def item_view(self, item: AgendaItem) -> dict:
        return self.links.item_view(item)

    def _items_where(self, q, newest_first: bool) -> list[ItemSummary]:
        index = self.handle.index
        with thread_searcher(index) as searcher:
            columns = columns_of(index, searcher)
            docs = np.flatnonzero(run_query(searcher, q, columns.stats, cache=self.cache).mask)
            ranks = columns.ranks(newest_first)
            docs = docs[np.argsort(ranks[docs], kind="stable")].tolist()
            return [ItemSummary.of(item_of(searcher.stored_fields(d)), self.links) for d in docs]

    def same_meeting(self, item=None, *, municipality: str = "", committee: str = "",
                     meeting_date: str = "") -> list[ItemSummary]:  # fmt: skip
        """The items of the meeting of `item` (an AgendaItem or its dict), or of the
        given municipality's committee that day, in agenda order."""
        if item is not None:
            municipality = _field(item, "municipality")
            committee = _field(item, "committee")
            meeting_date = _field(item, "meeting_date")
        try:
            date.fromisoformat(meeting_date)
        except (TypeError, ValueError):
            return []
        if not committee:
            return []
        key = meeting_id(municipality, committee, meeting_date)
        return self._items_where(wq.Term("meeting_id", key), newest_first=False)

    def _load(self, searcher, docs) -> list[AgendaItem]:
        return [item_of(searcher.stored_fields(int(d))) for d in docs]

    def meeting_items(self, meeting_id: str) -> list[AgendaItem]:
        if not meeting_id or len(meeting_id) > MAX_ID_LENGTH:
            return []
        index = self.handle.index
        with thread_searcher(index) as searcher:
            columns = columns_of(index, searcher)
            docs = np.flatnonzero(
                run_query(searcher, wq.Term("meeting_id", meeting_id), columns.stats).mask
            )
            docs = docs[np.argsort(columns.rank_oldest[docs], kind="stable")]
            return self._load(searcher, docs)

    def person_items(self, person_id: str) -> list[AgendaItem]:
        if not person_id or len(person_id) > MAX_ID_LENGTH:
            return []
        index = self.handle.index
        with thread_searcher(index) as searcher:
            columns = columns_of(index, searcher)
            attending = np.flatnonzero(
                run_query(searcher, wq.Term("attendee", person_id), columns.stats).mask
            )
            # Any one item of a meeting carries its attendance: one a meeting (by
            # municipality, committee and day, which make the meeting's id).
            keys = np.stack([columns.municipality.codes[attending],
                             columns.committee.codes[attending],
                             columns.day[attending]], axis=1)  # fmt: skip
            _, first = np.unique(keys, axis=0, return_index=True) if len(attending) else ([], [])
            named = np.flatnonzero(
                run_query(searcher, wq.Term("stance", f"@{person_id}:*"), columns.stats).mask
            )
            docs = np.union1d(attending[np.asarray(first, dtype=np.int64)], named)
            return self._load(searcher, docs)

    def parties_seen(self, person_ids: list[str], meeting_date: str) -> dict:
        index = self.handle.index
        found = {}
        with thread_searcher(index) as searcher:
            reader = searcher.reader()
            if "party_seen" not in reader.schema:
                return {}
            for pid in person_ids[:MAX_PEOPLE]:
                terms = [t.decode("utf-8") if isinstance(t, bytes) else t
                         for t in reader.expand_prefix("party_seen", f"{pid}=")]  # fmt: skip
                # Only this person's words: "greve-anne-marie-x=" must not take
                # "greve-anne-marie-x-y=..."; expand_prefix gives both when one id
                # begins another.
                nearest = nearest_party([t for t in terms if t.count("=") == 2
                                         and t.split("=", 1)[0] == pid], meeting_date)  # fmt: skip
                if nearest:
                    found[pid] = nearest
        return found

    def same_case(self, case) -> list[ItemSummary]:
        number = case if isinstance(case, str) else _field(case, "case_number")
        digits = case_digits_of(number)
        if not digits:
            return []
        return self._items_where(wq.Term("case_digits", digits), newest_first=False)
