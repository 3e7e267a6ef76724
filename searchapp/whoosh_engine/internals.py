"""Everything of Whoosh 2.7.4 that is not its public API, in one place.

The engine reads posting lists a block at a time, field lengths a column at a time and
BM25F's per-field B, trims a searcher's IDF cache, writes the posting pool's sorted
runs a batch at a time, and stores positions as packed arrays. Each of these reaches
into Whoosh's internals, which another release may change without notice; so they are
all here, and importing this module checks the installed version first and refuses
any other, with a message saying what to install.
"""

from __future__ import annotations

import pickle
from array import array
from functools import lru_cache
from itertools import islice

import numpy as np
import whoosh

SUPPORTED = (2, 7, 4)


class WhooshVersionError(ImportError):
    """The installed Whoosh is not the one these internals were written against."""


if tuple(whoosh.__version__[:3]) != SUPPORTED:
    raise WhooshVersionError(
        f"searchapp's Whoosh engine reads internals of Whoosh "
        f"{'.'.join(map(str, SUPPORTED))} (posting blocks, field-length columns, the "
        f"posting pool); Whoosh {whoosh.versionstring()} is installed. Install the pinned "
        f"version: pip install 'Whoosh=={'.'.join(map(str, SUPPORTED))}'"
    )

from whoosh import query as wq  # noqa: E402
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield  # noqa: E402
from whoosh.formats import Frequency, Positions  # noqa: E402
from whoosh.matching.wrappers import FilterMatcher  # noqa: E402
from whoosh.system import pack_uint  # noqa: E402
from whoosh.util.numeric import byte_to_length  # noqa: E402
from whoosh.writing import PostingPool  # noqa: E402

__all__ = [
    "BatchedPostingPool",
    "CappedPrefix",
    "TermCounts",
    "TermPositions",
    "WhooshVersionError",
    "bm25_b",
    "field_lengths",
    "posting_arrays",
    "trim_idf_cache",
    "use_batched_pool",
]

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


# --- Reading postings a block at a time ---------------------------------------------------


def _read_matcher(m, offset: int, values: bool):
    """(ids, weights, values) of a fresh leaf matcher, a block at a time when it is a
    Whoosh 3 posting list, else posting by posting."""
    ids, weights, vals = [], [], []
    if isinstance(m, W3LeafMatcher) and not m._byteids:
        while m.is_active():
            m._read_data()
            raw_ids, raw_weights = m._data[:2]
            block = np.cumsum(np.asarray(raw_ids, dtype=np.int64))  # stored as deltas
            ids.append(block)
            n = len(block)
            if raw_weights is None:
                weights.append(np.ones(n))
            elif isinstance(raw_weights, float):
                weights.append(np.full(n, raw_weights))
            else:
                weights.append(np.asarray(raw_weights, dtype=np.float64))
            if values:
                m._read_values()
                vals.extend(m._values)
            m._next_block()
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0), vals
        return np.concatenate(ids) + offset, np.concatenate(weights), vals
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        if values:
            vals.append(m.value())
        m.next()
    return np.asarray(ids, dtype=np.int64) + offset, np.asarray(weights, dtype=np.float64), vals


def posting_arrays(reader, fieldname: str, btext: bytes, values: bool = False):
    """One term's postings over every segment as (docnums, weights, encoded values or
    None), deleted documents included (the caller's live mask removes them)."""
    ids, weights, vals = [], [], []
    for segment, offset in reader.leaf_readers():
        if (fieldname, btext) not in segment:
            continue
        m = segment.postings(fieldname, btext)
        if isinstance(m, FilterMatcher):  # the segment's deletions: the mask does that
            m = m.child
        i, w, v = _read_matcher(m, offset, values)
        ids.append(i)
        weights.append(w)
        vals.extend(v)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0), [] if values else None
    if len(ids) == 1:
        return ids[0], weights[0], vals if values else None
    return np.concatenate(ids), np.concatenate(weights), vals if values else None


# --- Field lengths and BM25F ---------------------------------------------------------------


def field_lengths(reader, fieldname: str, size: int) -> np.ndarray:
    """Every document's length of one field (BM25's document length), read a segment's
    column at a time (Whoosh keeps it as one byte a document)."""
    out = np.zeros(size)
    for segment, offset in reader.leaf_readers():
        count = segment.doc_count_all()
        column = None
        perdoc = getattr(segment, "_perdoc", None)
        if perdoc is not None and hasattr(perdoc, "_cached_reader"):
            column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is not None:
            codes = np.fromiter(column, dtype=np.uint8, count=count)
            out[offset : offset + count] = _LENGTH_OF_BYTE[codes]
        else:  # another codec: ask document by document
            for d in range(count):
                out[offset + d] = segment.doc_field_length(d, fieldname, 0) or 0
    return out


def bm25_b(weighting, fieldname: str) -> float:
    """The B of BM25F for one field (a per-field B when the weighting was given one)."""
    return weighting._field_B.get(fieldname, weighting.B)


def trim_idf_cache(searcher, limit: int) -> None:
    """A searcher kept open for many requests caches the IDF of every term it scored:
    start the cache over once it holds `limit` terms."""
    if len(searcher._idf_cache) > limit:
        searcher._idf_cache.clear()


# --- Queries -------------------------------------------------------------------------------


class CappedPrefix(wq.Prefix):
    """A prefix that stands for the given terms only (limits.cap_prefixes): Whoosh
    expands a Prefix through its private `_btexts`, for matching and for highlighting
    alike, so that is what this overrides."""

    def __init__(self, prefix: wq.Prefix, btexts):
        super().__init__(prefix.fieldname, prefix.text, boost=prefix.boost,
                         constantscore=prefix.constantscore)  # fmt: skip
        self.btexts = tuple(btexts)

    def _btexts(self, ixreader):
        return iter(self.btexts)


# --- Writing ---------------------------------------------------------------------------------


class BatchedPostingPool(PostingPool):
    """Whoosh's posting pool, writing its sorted runs `batch` postings per pickle.

    Past the pool's memory limit (about 1,000 items at 256 MB) it sorts what it holds
    out to a run file and the commit merges the runs; Whoosh pickles and unpickles them
    one posting at a time, which made every posting of a larger build cost half as much
    again (3,000 items: 64 items/s, 82 batched, 99 with no runs). Same postings, same
    order, so the same index."""

    batch = 2000

    def _write_run(self, f, items):
        items = iter(items)
        while batch := list(islice(items, self.batch)):
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


def use_batched_pool(writer, limitmb: float, batch: int):
    """`writer` (ix.writer()) with its posting pool replaced by a BatchedPostingPool:
    Whoosh's writer ignores its `poolclass` argument."""
    pool = writer.pool
    writer.pool = BatchedPostingPool(pool.tempstore, pool.segment, limitmb=limitmb)
    writer.pool.batch = batch
    return writer


# --- Posting formats ---------------------------------------------------------------------------


class TermPositions(Positions):
    """Whoosh's Positions format filled from CachedAnalyzer's term_positions instead
    of token by token (any other analyzer: as Whoosh does), and each posting's
    positions stored as a packed array of uint32 instead of a pickled list of gaps:
    a phrase search then reads the positions of a whole posting list as one array
    (execute.py) instead of unpickling them a document at a time."""

    packed_positions = True

    def word_values(self, value, analyzer, **kwargs):
        term_positions = getattr(analyzer, "term_positions", None)
        if term_positions is None or not isinstance(value, str) or kwargs.keys() - {"mode"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        fb, encode = self.field_boost, self.encode
        for word, poslist in term_positions(value, kwargs.get("mode", "")).items():
            n = len(poslist)
            yield (word, n, n * fb, encode(poslist))

    def encode(self, poslist):
        if len(poslist) == 1:
            return _one_position(poslist[0])  # most terms occur once in an item
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        positions = array("I")
        positions.frombytes(valuestring)
        return positions.tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4


@lru_cache(maxsize=65536)
def _one_position(pos: int) -> bytes:
    return array("I", (pos,)).tobytes()


class TermCounts(Frequency):
    """Whoosh's Frequency format, the same bytes, counted by CachedAnalyzer's
    term_counts a distinct word at a time."""

    def word_values(self, value, analyzer, **kwargs):
        term_counts = getattr(analyzer, "term_counts", None)
        if term_counts is None or not isinstance(value, str) or kwargs.keys() - {"mode"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        fb = self.field_boost
        for word, freq in term_counts(value, kwargs.get("mode", "")).items():
            yield (word, freq, freq * fb, pack_uint(freq))
