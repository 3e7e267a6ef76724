"""A term's postings as arrays, reading only what a query needs.

A posting list is read a block at a time (internals.posting_arrays). When a query
already knows which documents can match (the rare word of an AND, the documents
holding every word of a phrase), the blocks of a common word that cannot hold one of
them are not decoded at all. The terms read most often, the frequent ones, are kept
decoded (their documents, their BM25 scores, their positions when a phrase needed
them) in a cache of the process, within a memory budget: a frequent word costs one
decoding per generation, not one per search. The cache says what it holds, and how
many blocks searches read and skipped (PostingCache.stats, the engine's stats()).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import count

import numpy as np

from .internals import posting_arrays

__all__ = ["DEFAULT_BUDGET_MB", "MIN_CACHED", "PostingCache", "TermArrays", "generation_token"]

DEFAULT_BUDGET_MB = 256  # a worker's decoded postings (server.cache_mb in the config)
MIN_CACHED = 1024  # postings a term needs to be kept: shorter lists are cheap to read
BLOCK = 128  # postings in a block (Whoosh 3's codec)

_tokens = count(1)


def generation_token() -> int:
    """A number for one opened generation, unique in the process: cache keys use it
    (an id() could be reused once its object is gone)."""
    return next(_tokens)


@dataclass
class TermArrays:
    """One term's postings: docnums (ascending), weights, and what is worked out from
    them once: the scores (BM25 of this term, by the generation's statistics) and the
    positions (each posting's count, then all of them in one array)."""

    ids: np.ndarray
    weights: np.ndarray
    scores: np.ndarray | None = None
    counts: np.ndarray | None = None
    positions: np.ndarray | None = None
    complete: bool = True  # False: only the blocks a query needed were read

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.ids, self.weights, self.scores, self.counts,
                                      self.positions) if a is not None)  # fmt: skip

    def select(self, keep: np.ndarray) -> TermArrays:
        """The postings where `keep` (a bool per posting) is true."""
        counts = positions = None
        if self.counts is not None:
            starts = np.cumsum(self.counts) - self.counts
            counts = self.counts[keep]
            positions = self.positions[ranges(starts[keep], counts)]
        return TermArrays(self.ids[keep], self.weights[keep],
                          None if self.scores is None else self.scores[keep],
                          counts, positions, complete=False)  # fmt: skip


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indexes start..start+length-1 of each (start, length), one after another."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total)


def decode_positions(values: list) -> tuple[np.ndarray, np.ndarray]:
    """Packed positions (schema.TermPositions: a uint32 array a posting) as each
    posting's count and all of them in one array."""
    counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 4
    return counts, np.frombuffer(b"".join(values), dtype=np.uint32).astype(np.int64)


class PostingCache:
    """Decoded posting lists of frequent terms, least recently used first out, within
    `budget_mb`. Thread-safe; one per engine (a server worker has its own)."""

    def __init__(self, budget_mb: float = DEFAULT_BUDGET_MB):
        self.budget = int(budget_mb * 1024 * 1024)
        self.used = 0
        self._entries: OrderedDict[tuple, TermArrays] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = 0
        self.blocks_read = self.blocks_skipped = 0

    def get(self, key: tuple) -> TermArrays | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple, entry: TermArrays) -> None:
        size = entry.nbytes
        if size > self.budget // 4:
            return  # one term must not push out everything else
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old.nbytes
            self._entries[key] = entry
            self.used += size
            while self.used > self.budget and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self.used -= dropped.nbytes
                self.evictions += 1

    def counted(self, blocks: list) -> None:
        with self._lock:
            self.blocks_read += blocks[0]
            self.blocks_skipped += blocks[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0

    def stats(self) -> dict:
        with self._lock:
            return {"budget_mb": round(self.budget / 1024 / 1024, 1),
                    "used_mb": round(self.used / 1024 / 1024, 1),
                    "terms": len(self._entries), "hits": self.hits, "misses": self.misses,
                    "evictions": self.evictions, "blocks_read": self.blocks_read,
                    "blocks_skipped": self.blocks_skipped}  # fmt: skip


def read_term(reader, fieldname: str, btext: bytes, scorer, *, positions: bool = False,
              within: np.ndarray | None = None, cache: PostingCache | None = None,
              token: int = 0, df: int | None = None) -> TermArrays:  # fmt: skip
    """One term's postings with their scores (`scorer(fieldname, btext, ids, weights)`)
    and, when asked, their positions.

    A frequent term (MIN_CACHED postings or more) is read whole and kept in `cache`,
    or taken from it. With `within` (the documents that can still match) a term is
    read only in the blocks that may hold one of them, unless they are so many that
    most blocks would be read anyway: then it is read whole, and kept if frequent.
    A term read in part is never kept, and its arrays say so (`complete`)."""
    key = (token, fieldname, btext)
    if cache is not None:
        found = cache.get(key)
        if found is not None and (found.counts is not None or not positions):
            return found
    if df is None:
        df = reader.doc_frequency(fieldname, btext)
    if within is not None and int(np.count_nonzero(within)) * 2 >= df / BLOCK:
        within = None  # a candidate for every other block: read it all, once
    blocks = [0, 0]
    ids, weights, values = posting_arrays(reader, fieldname, btext, positions, within, blocks)
    if cache is not None:
        cache.counted(blocks)
    arrays = TermArrays(ids, weights, scorer(fieldname, btext, ids, weights),
                        complete=within is None)  # fmt: skip
    if positions:
        arrays.counts, arrays.positions = decode_positions(values)
    if cache is not None and within is None and df >= MIN_CACHED:
        cache.put(key, arrays)
    return arrays
