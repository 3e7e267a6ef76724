"""Running a Whoosh query over one index generation a posting list at a time.

Whoosh's matchers walk the postings one document at a time in Python; collecting every
match for the facet counts and then scoring the page cost most of a search at 10,000
items (bench/results/). Here each leaf of the query reads its posting list, block by
block, into numpy arrays (postings.py); And, Or, Not and AndNot combine them as
arrays, and the leaves are scored with the formula Whoosh's BM25F scorer uses, so that
the scores, and with them the order of the results, are Whoosh's own
(tests/test_execute.py compares them). Prefixes are their terms; a phrase is checked
for all its candidate documents at once. A node this module does not know is run by
Whoosh's own matcher: every query works, the unusual ones only slower.

An AND runs its rarest part first; the parts after it, and whatever it excludes, read
only the blocks of their posting lists that can hold a document still in the running,
as does each word of a phrase after the rarest. Frequent terms come decoded from the
engine's PostingCache.

The posting blocks and field-length columns are read through internals.py.
"""

from __future__ import annotations

import threading

import numpy as np
from whoosh import query as wq
from whoosh.query.qcore import QueryError
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

from .internals import CappedPrefix, bm25_b, field_lengths
from .postings import PostingCache, TermArrays, generation_token, read_term

__all__ = ["DocStats", "Hits", "docnum_mask", "run_query", "term_bytes", "term_docs"]

_NO_DOCS = np.zeros(0, dtype=np.int64)
_NO_SCORES = np.zeros(0)


def docnum_mask(size: int, docs: np.ndarray) -> np.ndarray:
    """A bool mask over `size` docnums, true at `docs`."""
    mask = np.zeros(size, dtype=bool)
    mask[docs] = True
    return mask


class Hits:
    """The documents a query matches (a mask over docnums) and their scores: an array
    over every docnum (0 where they do not match), or, from a term, a phrase or an
    AND, only at the sorted docnums `ids` the mask is within, made whole only when a
    caller asks for `scores`. At 100,000 documents the whole array is 800 KB to clear
    and write; a case number matches one."""

    __slots__ = ("mask", "_scores", "_ids", "_values")

    def __init__(self, mask: np.ndarray, scores: np.ndarray | None = None,
                 ids: np.ndarray | None = None, values: np.ndarray | None = None):  # fmt: skip
        self.mask = mask  # bool, one per docnum
        self._scores = scores  # float64, one per docnum; None: not made (yet), or no scores
        self._ids, self._values = ids, values

    @classmethod
    def at(cls, size: int, ids: np.ndarray, values: np.ndarray) -> Hits:
        """The documents `ids` (sorted, distinct), scoring `values`."""
        return cls(docnum_mask(size, ids), None, ids, values)

    @property
    def scored(self) -> bool:
        return self._scores is not None or self._ids is not None

    @property
    def scores(self) -> np.ndarray | None:
        if self._scores is None and self._ids is not None:
            self._scores = np.zeros(len(self.mask))
            self._scores[self._ids] = self._values
            self._ids = self._values = None
        return self._scores

    @scores.setter
    def scores(self, scores: np.ndarray) -> None:
        self._scores, self._ids, self._values = scores, None, None

    def scores_at(self, docs: np.ndarray) -> np.ndarray:
        """The scores of `docs` (sorted, and all in the mask)."""
        if self._scores is None and self._ids is not None:
            return self._values[np.searchsorted(self._ids, docs)]
        return self.scores[docs]


class DocStats:
    """What running queries needs of one index generation beyond Whoosh's readers, by
    docnum and read once: which documents are live, each field's lengths (BM25's
    document length), and how many documents each term looked up is in (a lookup in
    the term table reads the segment file through several Python layers, twice a term
    before). A published generation never changes, so this is shared by every searcher
    on it."""

    DF_KEPT = 100_000  # terms whose document frequency is remembered

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.token = generation_token()  # what the posting cache knows this one by
        self.live = docnum_mask(self.size, np.fromiter(reader.all_doc_ids(), dtype=np.int64))
        # The deleted docnums: taking them out of a result costs what they are, not
        # a pass over every document (most generations have none).
        self.dead = np.flatnonzero(~self.live)
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._df: dict[tuple[str, bytes], int] = {}

    def doc_frequency(self, reader, fieldname: str, btext: bytes) -> int:
        """Documents the term is in, deleted ones included (0: not in the index)."""
        key = (fieldname, btext)
        found = self._df.get(key)
        if found is None:
            try:  # one lookup: a term the index does not have counts 0
                found = reader.doc_frequency(fieldname, btext)
            except TermNotFound:  # a field it does not have, or does not index
                found = 0
            if len(self._df) >= self.DF_KEPT:
                self._df.clear()  # crude, but a generation's queries repeat their terms
            self._df[key] = found
        return found

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is not None:
            return found
        with self._lock:
            found = self._lengths.get(fieldname)
            if found is None:
                found = self._lengths[fieldname] = field_lengths(reader, fieldname, self.size)
        return found

    def empty(self) -> Hits:
        """No document; its scores made whole only if a caller adds to them (an OR)."""
        return Hits.at(self.size, _NO_DOCS, _NO_SCORES)


def term_bytes(schema, fieldname: str, text) -> bytes | None:
    """A term's text as its field indexes it; None for a field the schema does not
    have or a text the field cannot take."""
    if fieldname not in schema:
        return None
    if isinstance(text, bytes):
        return text
    try:
        return schema[fieldname].to_bytes(text)
    except ValueError:
        return None


# --- Evaluation ----------------------------------------------------------------------------

# Whoosh's Or runs as an array instead of a tree of unions for this many parts, or more
# than two in an index of at most this many documents (compound.Or._matcher).
_TOO_MANY_CLAUSES = wq.Or.TOO_MANY_CLAUSES
_SMALL_INDEX = 5000


def _is_null(q) -> bool:
    return q is wq.NullQuery or isinstance(q, type(wq.NullQuery))


class QueryRun:
    """One query run over one searcher: leaves to arrays, arrays combined. `budget`
    (engine.Budget) is told at each leaf, so a search can be stopped between them;
    `cache` keeps the frequent terms decoded.

    `within` (a bool mask by docnum, or None for all) is what a caller will keep of a
    node's result: a node may leave out documents outside it (and a leaf then reads
    only the blocks that can hold one of them)."""

    def __init__(self, searcher, stats: DocStats, budget=None, cache: PostingCache | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.gen = stats
        self.budget = budget
        self.cache = cache
        weighting = searcher.weighting
        self.bm25 = weighting if type(weighting) is BM25F else None

    # Leaves

    def _btext(self, fieldname, text) -> bytes | None:
        return term_bytes(self.schema, fieldname, text)

    def term_scores(self, fieldname: str, btext: bytes, ids: np.ndarray,
                    weights: np.ndarray) -> np.ndarray:  # fmt: skip
        """The scores Whoosh's weighting gives the term in each of its postings."""
        field = self.schema[fieldname]
        if not field.scorable:
            return weights  # WeightScorer
        bm25 = self.bm25
        b = bm25_b(bm25, fieldname)
        k1 = bm25.K1
        idf = self.searcher.idf(fieldname, btext)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        fl = self.gen.lengths(self.reader, fieldname)[ids]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))

    def read(self, fieldname: str, btext: bytes, within=None, positions=False) -> TermArrays:
        return read_term(self.reader, fieldname, btext, self.term_scores, positions=positions,
                         within=within, cache=self.cache, token=self.gen.token,
                         df=self.df(fieldname, btext))  # fmt: skip

    def _known(self, fieldname: str, text) -> bytes | None:
        btext = self._btext(fieldname, text)
        if btext is None or not self.df(fieldname, btext):
            return None
        return btext

    def df(self, fieldname: str, btext: bytes) -> int:
        return self.gen.doc_frequency(self.reader, fieldname, btext)

    def _add_term(self, hits: Hits, q: wq.Term, within) -> None:
        """The term's documents into `hits` (its score added, times its boost)."""
        btext = self._known(q.fieldname, q.text)
        if btext is None:
            return
        a = self.read(q.fieldname, btext, within)
        hits.mask[a.ids] = True
        hits.scores[a.ids] += a.scores * q.boost if q.boost != 1.0 else a.scores

    def _live_postings(self, fieldname: str, text, within=None):
        """(the live docnums holding the term, sorted; the term's score in each)."""
        btext = self._known(fieldname, text)
        if btext is None:
            return _NO_DOCS, _NO_SCORES
        a = self.read(fieldname, btext, within)
        if not len(self.gen.dead):
            return a.ids, a.scores
        live = self.gen.live[a.ids]
        return a.ids[live], a.scores[live]

    def docs(self, fieldname: str, text) -> np.ndarray:
        """The live docnums holding the term, sorted."""
        return self._live_postings(fieldname, text)[0]

    def term(self, q: wq.Term, within=None) -> Hits:
        ids, scores = self._live_postings(q.fieldname, q.text, within)
        return Hits.at(self.gen.size, ids, scores * q.boost if q.boost != 1.0 else scores)

    def _live(self, hits: Hits) -> Hits:
        """`hits` without the deleted documents. Terms score only the documents they
        mark, so the scores to clear are the deleted ones'."""
        dead = self.gen.dead
        if len(dead):
            hits.mask[dead] = False
            hits.scores[dead] = 0.0
        return hits

    def prefix_terms(self, q: wq.Prefix) -> list[bytes]:
        """The terms the prefix stands for: a CappedPrefix's own (limits.py: at most
        its most frequent), else every term of the field that starts with it."""
        if isinstance(q, CappedPrefix):
            return [b for b in q.btexts if b]  # read from this very reader: they exist
        return [b for b in self.reader.expand_prefix(q.fieldname, q.text) if b]

    def prefix(self, q: wq.Prefix, within=None) -> Hits:
        """Whoosh's Prefix, scored as Whoosh scores it: one term alone is a plain Term
        (without the prefix's boost); several are an Or asked for no weighting, which
        Whoosh runs as a tree of unions of BM25-scored terms times the boost (two
        terms, or an index of more than 5,000 documents) or else as an array marking
        each document 1 (compound.Or._matcher and ArrayUnionMatcher)."""
        if q.fieldname not in self.schema:
            return self.gen.empty()
        btexts = self.prefix_terms(q)
        if not btexts:
            return self.gen.empty()
        if len(btexts) == 1:
            return self.term(wq.Term(q.fieldname, btexts[0]), within)
        terms = [wq.Term(q.fieldname, b) for b in btexts]
        if len(terms) < _TOO_MANY_CLAUSES and (len(terms) == 2 or self.gen.size > _SMALL_INDEX):
            return self.any_of(terms, q.boost, within)
        hits = self.any_of(terms, 1.0, within)
        hits.scores = hits.mask.astype(np.float64)
        return hits

    def phrase(self, q: wq.Phrase, within=None) -> Hits:
        """Whoosh's Phrase: the words in order, each 1..slop positions after the last;
        scored as the sum of its words' scores (SpanNear2 over an intersection). The
        rarest word is read first; each next one only where the ones before were."""
        field = self.schema[q.fieldname] if q.fieldname in self.schema else None
        if field is None:
            return self.gen.empty()
        if not field.format or not field.format.supports("positions"):
            raise QueryError(f"Phrase search: {q.fieldname!r} field has no positions")
        if not getattr(field.format, "packed_positions", False):
            return self.by_matcher(q)  # positions pickled a posting at a time: Whoosh's way
        btexts = [self._known(q.fieldname, w) for w in q.words]
        if any(b is None for b in btexts):
            return self.gen.empty()
        rarest_first = sorted(set(btexts),
                              key=lambda b: self.df(q.fieldname, b))  # fmt: skip
        possible = self.gen.live if within is None else within & self.gen.live
        distinct = {}
        for b in rarest_first:
            a = self.read(q.fieldname, b, within=possible, positions=True)
            distinct[b] = a
            possible = possible & docnum_mask(self.gen.size, a.ids)
        if not possible.any():
            return self.gen.empty()
        docs = self._packed_phrase(btexts, distinct, possible, q.slop)
        total = np.zeros(len(docs))
        for b in btexts:  # a repeated word counts again, as in Whoosh
            a = distinct[b]
            total += a.scores[np.searchsorted(a.ids, docs)]
        return Hits.at(self.gen.size, docs, total * q.boost)

    @staticmethod
    def _packed_phrase(btexts, distinct, wanted, slop) -> np.ndarray:
        """The documents where the phrase is, checked for all candidates (`wanted`) at
        once, as sorted arrays of (docnum << 32 | position) keys: possible when each
        posting's positions are a packed uint32 array (schema.TermPositions). Keys come
        out sorted (docnums and positions both ascend), so lookups are binary searches,
        not set operations."""
        ends = None
        for b in btexts:
            a = distinct[b]
            sub = a.select(wanted[a.ids])
            keys = (np.repeat(sub.ids, sub.counts) << 32) | sub.positions
            if ends is None:
                ends = keys
                continue
            ok = np.zeros(len(keys), dtype=bool)
            last = len(ends) - 1
            for gap in range(1, slop + 1):
                before = keys - gap
                ok |= ends[np.minimum(np.searchsorted(ends, before), last)] == before
            ends = keys[ok]
            if not len(ends):
                return ends
        docs = ends >> 32
        return docs[np.concatenate(([True], docs[1:] != docs[:-1]))]

    def by_matcher(self, q) -> Hits:
        """Any other query, by Whoosh's own matcher (its documents come in ascending
        order, once each)."""
        m = q.matcher(self.searcher, self.searcher.context())
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        if not ids:
            return self.gen.empty()
        return Hits.at(self.gen.size, np.asarray(ids, dtype=np.int64), np.asarray(scores))

    # Compounds

    def any_of(self, subs, boost: float, within) -> Hits:
        """Or: every document any part matches, scored by the sum of the parts' scores
        (times the Or's boost). Terms go straight into one pair of arrays."""
        hits = self.gen.empty()
        for s in subs:
            if type(s) is wq.Term and self.bm25 is not None:
                if self.budget is not None:
                    self.budget.checkpoint("leaf")
                self._add_term(hits, s, within)
            else:
                part = self.run(s, within)
                hits.mask |= part.mask
                hits.scores += part.scores
        self._live(hits)
        if boost != 1.0:
            hits.scores *= boost
        return hits

    def _estimate(self, q) -> float:
        """About how many documents `q` matches, to run the rarest part of an And first
        (a term's document frequency; what is unknown counts as many)."""
        kind = type(q)
        if kind is wq.Term:
            btext = self._known(q.fieldname, q.text)
            return 0 if btext is None else self.df(q.fieldname, btext)
        if kind is wq.Or:
            return sum(self._estimate(s) for s in q.subqueries)
        if kind in (wq.And, wq.Phrase):
            parts = (q.subqueries if kind is wq.And
                     else [wq.Term(q.fieldname, w) for w in q.words])  # fmt: skip
            return min((self._estimate(s) for s in parts), default=0)
        return self.gen.size

    def all_of(self, q: wq.And, within) -> Hits:
        """And: the documents every part matches, their scores summed (a Not part
        counting 1, as Whoosh's InverseMatcher scores it). The rarest part runs first,
        each next one within what is left; the excluded ones last."""
        subs = q.subqueries
        wanted = [s for s in subs if type(s) is not wq.Not]
        excluded = [s.query for s in subs if type(s) is wq.Not]
        wanted.sort(key=self._estimate)
        mask = within
        parts = []
        for s in wanted:
            part = self.run(s, mask)
            mask = part.mask if mask is None else mask & part.mask
            parts.append(part)
            if not mask.any():
                break
        if mask is None:  # only exclusions: everything but them
            mask = self.gen.live.copy()
        for s in excluded:
            if not mask.any():
                break
            mask = mask & ~self.run(s, mask).mask
        mask = mask & self.gen.live  # a new array: `within` is the caller's
        # Summed only where all matched, in the parts' order (the same floats as
        # summing whole arrays, without a pass over every document a part).
        docs = np.flatnonzero(mask)
        total = np.zeros(len(docs))
        for part in parts:
            total += part.scores_at(docs)
        total += len(excluded)
        if q.boost != 1.0:
            total *= q.boost
        return Hits(mask, None, docs, total)

    def run(self, q, within: np.ndarray | None = None) -> Hits:
        if self.budget is not None and q.is_leaf():
            self.budget.checkpoint("leaf")
        kind = type(q)
        if _is_null(q):
            return self.gen.empty()
        if self.bm25 is not None:
            if kind is wq.Term:
                return self.term(q, within)
            if kind is wq.Phrase and len(q.words) > 1:
                return self.phrase(q, within)
            if kind in (wq.Prefix, CappedPrefix) and q.text and q.constantscore:
                return self.prefix(q, within)
        if kind in (wq.And, wq.Or) and (kind is wq.And or not q.scale):
            subs = q.subqueries
            if not subs:
                return self.gen.empty()
            if len(subs) == 1:
                return self.run(subs[0], within)  # Whoosh drops the boost of a lone child, too
            return self.all_of(q, within) if kind is wq.And else self.any_of(subs, q.boost,
                                                                            within)
        if kind is wq.Not:
            # Whoosh's InverseMatcher: every live document the child does not match,
            # each scoring 1 (its weight), whatever the Not's boost.
            mask = self.gen.live & ~self.run(q.query, within).mask
            if within is not None:
                mask &= within
            return Hits(mask, mask.astype(np.float64))
        if kind is wq.AndNot:
            a = self.run(q.a, within)
            b = self.run(q.b, a.mask)
            mask = a.mask & ~b.mask
            scores = np.where(mask, a.scores, 0.0)
            if q.boost != 1.0:
                scores *= q.boost
            return Hits(mask, scores)
        return self.by_matcher(q)


def run_query(searcher, q, stats: DocStats, budget=None, cache: PostingCache | None = None,
              within: np.ndarray | None = None) -> Hits:  # fmt: skip
    """Every live document `q` matches, with Whoosh's score for it; with `within` (a
    bool mask by docnum), only those of its documents, read in only the blocks that
    can hold one."""
    hits = QueryRun(searcher, stats, budget, cache).run(q, within)
    if len(stats.dead):
        hits.mask[stats.dead] = False
    return hits


def term_docs(searcher, fieldname: str, text, stats: DocStats,
              cache: PostingCache | None = None) -> np.ndarray:  # fmt: skip
    """The live docnums holding one term (a filter's: a case number), sorted: no
    scores, and no arrays over every document, which for a query matching a handful
    cost more than reading its postings."""
    return QueryRun(searcher, stats, cache=cache).docs(fieldname, text)
