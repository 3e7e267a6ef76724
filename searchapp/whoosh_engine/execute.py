"""Running a Whoosh query over one index generation a posting list at a time.

Whoosh's matchers walk the postings one document at a time in Python; collecting every
match for the facet counts and then scoring the page cost most of a search at 10,000
items (bench/results/). Here each leaf of the query reads its whole posting list,
block by block, into numpy arrays; And, Or, Not and AndNot combine them as arrays, and
the leaves are scored with the formula Whoosh's BM25F scorer uses, so that the scores,
and with them the order of the results, are Whoosh's own (tests/test_execute.py
compares them). A node this module does not know is run by Whoosh's own matcher:
every query works, the unusual ones only slower.

The posting blocks and field-length columns are read through internals.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.query.qcore import QueryError
from whoosh.scoring import BM25F

from .internals import CappedPrefix, bm25_b, field_lengths, posting_arrays

__all__ = ["DocStats", "Hits", "run_query"]

@dataclass
class Hits:
    """The documents a query matches (a mask over docnums) and their scores (0 where
    they do not match)."""

    mask: np.ndarray  # bool, one per docnum
    scores: np.ndarray  # float64, one per docnum


class DocStats:
    """What running queries needs of one index generation beyond Whoosh's readers, by
    docnum and read once: which documents are live, and each field's lengths (BM25's
    document length). A published generation never changes, so this is shared by every
    searcher on it."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.live = np.zeros(self.size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

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
        return Hits(np.zeros(self.size, dtype=bool), np.zeros(self.size))


# --- Posting lists ---------------------------------------------------------------------


@dataclass
class _Postings:
    ids: np.ndarray  # int64 docnums, ascending
    weights: np.ndarray  # float64
    values: list | None  # encoded positions, when asked for


def postings(reader, fieldname: str, btext: bytes, values: bool = False) -> _Postings:
    """One term's postings over every segment, deleted documents included (the live
    mask removes them)."""
    return _Postings(*posting_arrays(reader, fieldname, btext, values))


# --- Evaluation ----------------------------------------------------------------------------


class QueryRun:
    """One query run over one searcher: leaves to arrays, arrays combined. `budget`
    (engine.Budget) is told at each leaf, so a search can be stopped between them."""

    def __init__(self, searcher, stats: DocStats, budget=None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.gen = stats
        self.budget = budget
        weighting = searcher.weighting
        self.bm25 = weighting if type(weighting) is BM25F else None

    # Leaves

    def _btext(self, fieldname, text) -> bytes | None:
        if fieldname not in self.schema:
            return None
        if isinstance(text, bytes):
            return text
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def term_scores(self, fieldname: str, btext: bytes, p: _Postings) -> np.ndarray:
        """The scores Whoosh's weighting gives the term in each posting of `p`."""
        field = self.schema[fieldname]
        if not field.scorable:
            return p.weights  # WeightScorer
        bm25 = self.bm25
        b = bm25_b(bm25, fieldname)
        k1 = bm25.K1
        idf = self.searcher.idf(fieldname, btext)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        fl = self.gen.lengths(self.reader, fieldname)[p.ids]
        w = p.weights
        return idf * ((w * (k1 + 1)) / (w + k1 * ((1 - b) + b * fl / avgfl)))

    def term(self, q: wq.Term) -> Hits:
        hits = self.gen.empty()
        btext = self._btext(q.fieldname, q.text)
        if btext is None or (q.fieldname, btext) not in self.reader:
            return hits
        p = postings(self.reader, q.fieldname, btext)
        hits.mask[p.ids] = True
        hits.scores[p.ids] = self.term_scores(q.fieldname, btext, p) * q.boost
        hits.mask &= self.gen.live
        hits.scores[~hits.mask] = 0.0
        return hits

    def prefix(self, q: CappedPrefix) -> Hits:
        """A prefix of known terms (internals.CappedPrefix, made by limits.py), scored
        as Whoosh scores a Prefix: one term as that term; several match with a constant
        score of 1 (its constant-score Or, which ignores the boost)."""
        btexts = [b for b in q.btexts if b]  # read from this very reader: they exist
        if len(btexts) == 1:
            return self.term(wq.Term(q.fieldname, btexts[0], boost=q.boost))
        hits = self.gen.empty()
        for n, btext in enumerate(btexts, 1):
            if self.budget is not None and n % 64 == 0:
                self.budget.checkpoint("leaf")
            hits.mask[postings(self.reader, q.fieldname, btext).ids] = True
        hits.mask &= self.gen.live
        hits.scores[hits.mask] = 1.0
        return hits

    def phrase(self, q: wq.Phrase) -> Hits:
        """Whoosh's Phrase: the words in order, each 1..slop positions after the last;
        scored as the sum of its words' scores (SpanNear2 over an intersection)."""
        field = self.schema[q.fieldname] if q.fieldname in self.schema else None
        if field is None:
            return self.gen.empty()
        if not field.format or not field.format.supports("positions"):
            raise QueryError(f"Phrase search: {q.fieldname!r} field has no positions")
        if not getattr(field.format, "packed_positions", False):
            return self.by_matcher(q)  # positions pickled a posting at a time: Whoosh's way
        btexts = [self._btext(q.fieldname, w) for w in q.words]
        if any(b is None or (q.fieldname, b) not in self.reader for b in btexts):
            return self.gen.empty()
        distinct = {b: postings(self.reader, q.fieldname, b, values=True) for b in btexts}
        candidates = None
        for p in distinct.values():  # a term's docnums are unique and ascending
            candidates = (p.ids if candidates is None
                          else np.intersect1d(candidates, p.ids, assume_unique=True))  # fmt: skip
        candidates = candidates[self.gen.live[candidates]]
        hits = self.gen.empty()
        if not len(candidates):
            return hits
        matched = self._packed_phrase(btexts, distinct, candidates, q.slop)
        if not matched:
            return hits
        docs = np.asarray(matched, dtype=np.int64)
        hits.mask[docs] = True
        total = np.zeros(len(docs))
        for b in btexts:  # a repeated word counts again, as in Whoosh
            p = distinct[b]
            rows = np.searchsorted(p.ids, docs)
            total += self.term_scores(q.fieldname, b, p)[rows]
        hits.scores[docs] = total * q.boost
        return hits

    def _packed_phrase(self, btexts, distinct, candidates, slop) -> list[int]:
        """The phrase checked for all candidates at once, as sorted arrays of
        (docnum << 32 | position) keys: possible when each posting's positions are a
        packed uint32 array (schema.TermPositions). Keys come out sorted (docnums and
        positions both ascend), so lookups are binary searches, not set operations."""
        wanted = np.zeros(self.gen.size, dtype=bool)
        wanted[candidates] = True
        ends = None
        for b in btexts:
            p = distinct[b]
            counts = np.fromiter(map(len, p.values), dtype=np.int64, count=len(p.values)) // 4
            positions = np.frombuffer(b"".join(p.values), dtype=np.uint32).astype(np.int64)
            docs = np.repeat(p.ids, counts)
            keep = wanted[docs]
            keys = (docs[keep] << 32) | positions[keep]
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
                return []
        docs = ends >> 32
        return docs[np.concatenate(([True], docs[1:] != docs[:-1]))].tolist()

    def by_matcher(self, q) -> Hits:
        """Any other query, by Whoosh's own matcher."""
        hits = self.gen.empty()
        m = q.matcher(self.searcher, self.searcher.context())
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        if ids:
            index = np.asarray(ids, dtype=np.int64)
            hits.mask[index] = True
            hits.scores[index] = scores
        return hits

    # Compounds

    def run(self, q) -> Hits:
        if self.budget is not None and q.is_leaf():
            self.budget.checkpoint("leaf")
        kind = type(q)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self.gen.empty()
        if kind is wq.Term and self.bm25 is not None:
            return self.term(q)
        if kind is CappedPrefix and self.bm25 is not None:
            return self.prefix(q)
        if kind is wq.Phrase and self.bm25 is not None and len(q.words) > 1:
            return self.phrase(q)
        if kind in (wq.And, wq.Or) and (kind is wq.And or not q.scale):
            subs = q.subqueries
            if not subs:
                return self.gen.empty()
            if len(subs) == 1:
                return self.run(subs[0])  # Whoosh drops the boost of a lone child, too
            parts = [self.run(s) for s in subs]
            mask = parts[0].mask.copy()
            scores = parts[0].scores.copy()
            for part in parts[1:]:
                if kind is wq.And:
                    mask &= part.mask
                else:
                    mask |= part.mask
                scores += part.scores
            if kind is wq.And:
                scores[~mask] = 0.0
            if q.boost != 1.0:
                scores *= q.boost
            return Hits(mask, scores)
        if kind is wq.Not:
            # Whoosh's InverseMatcher: every live document the child does not match,
            # each scoring 1 (its weight), whatever the Not's boost.
            mask = self.gen.live & ~self.run(q.query).mask
            return Hits(mask, mask.astype(np.float64))
        if kind is wq.AndNot:
            a, b = self.run(q.a), self.run(q.b)
            mask = a.mask & ~b.mask
            scores = np.where(mask, a.scores, 0.0)
            if q.boost != 1.0:
                scores *= q.boost
            return Hits(mask, scores)
        return self.by_matcher(q)


def run_query(searcher, q, stats: DocStats, budget=None) -> Hits:
    """Every live document `q` matches, with Whoosh's score for it."""
    hits = QueryRun(searcher, stats, budget).run(q)
    hits.mask &= stats.live
    return hits
