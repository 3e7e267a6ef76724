"""Everything of Whoosh 2.7.4 that is not its public API, in one place.

The engine reads posting lists a block at a time, field lengths a column at a time and
BM25F's per-field B, trims a searcher's IDF cache, writes a segment's postings in bulk
(BulkWriter, in Whoosh's own segment format), and stores positions as packed arrays.
Each of these reaches into Whoosh's internals, which another release may change without
notice; so they are all here, and importing this module checks the installed version
first and refuses any other, with a message saying what to install.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import shutil
import struct
import tempfile
import zlib
from array import array
from datetime import datetime
from functools import lru_cache
from hashlib import md5
from itertools import accumulate

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

from whoosh import fields as wf  # noqa: E402
from whoosh import query as wq  # noqa: E402
from whoosh.codec.whoosh3 import (  # noqa: E402
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3LeafMatcher,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.compat import dumps  # noqa: E402
from whoosh.filedb.filetables import OrderedHashWriter, md5_hash  # noqa: E402
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS  # noqa: E402
from whoosh.filedb.structfile import StructFile  # noqa: E402
from whoosh.formats import Frequency, Positions  # noqa: E402
from whoosh.matching.wrappers import FilterMatcher  # noqa: E402
from whoosh.reading import TermNotFound  # noqa: E402
from whoosh.system import pack_int, pack_uint, pack_ushort  # noqa: E402
from whoosh.util.numeric import byte_to_length, length_to_byte  # noqa: E402
from whoosh.writing import SegmentWriter  # noqa: E402

__all__ = [
    "BulkWriter",
    "CappedPrefix",
    "TermCounts",
    "TermPositions",
    "WhooshVersionError",
    "bm25_b",
    "field_lengths",
    "posting_arrays",
    "trim_idf_cache",
]

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


# --- Reading postings a block at a time ---------------------------------------------------


def _block_arrays(raw_ids, raw_weights) -> tuple[np.ndarray, np.ndarray]:
    """A W3 block's docnums (stored as deltas) and weights (None: all 1; one float:
    all the same) as arrays."""
    block = np.cumsum(np.asarray(raw_ids, dtype=np.int64))
    if raw_weights is None:
        return block, np.ones(len(block))
    if isinstance(raw_weights, float):
        return block, np.full(len(block), raw_weights)
    return block, np.asarray(raw_weights, dtype=np.float64)


def _read_matcher(m, offset: int, values: bool, within: np.ndarray | None = None,
                  blocks: list | None = None):  # fmt: skip
    """(ids, weights, values) of a fresh leaf matcher, a block at a time when it is a
    Whoosh 3 posting list, else posting by posting. With `within` (a bool mask by
    docnum) a block none of whose documents can be among `within` is not decoded: its
    header says its last docnum, the block before ends where it starts. `blocks`, a
    list [read, skipped], counts the blocks."""
    ids, weights, vals = [], [], []
    if isinstance(m, W3LeafMatcher) and not m._byteids:
        read = skipped = 0
        before = offset - 1  # the last docnum of the block before
        while m.is_active():
            last = offset + m._maxid
            if within is not None and not within[before + 1 : last + 1].any():
                skipped += 1
                before = last
                m._next_block()
                continue
            read += 1
            before = last
            m._read_data()
            block, block_weights = _block_arrays(*m._data[:2])
            ids.append(block)
            weights.append(block_weights)
            if values:
                m._read_values()
                vals.extend(m._values)
            m._next_block()
        if blocks is not None:
            blocks[0] += read
            blocks[1] += skipped
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


def _postings(segment, fieldname: str, btext: bytes):
    """The segment's matcher of the term, None when it does not have it; deleted
    documents included (the caller's live mask removes them). The term is looked up
    once: a segment reader's own postings() is looked up after `in`, and puts the
    segment's deletions in a frozenset each time."""
    terms = getattr(segment, "_terms", None)
    if terms is None or not hasattr(segment, "schema"):  # not a segment of Whoosh 3
        if (fieldname, btext) not in segment:
            return None
        m = segment.postings(fieldname, btext)
        return m.child if isinstance(m, FilterMatcher) else m
    if fieldname not in segment.schema:
        return None
    try:
        return terms.matcher(fieldname, btext, segment.schema[fieldname].format)
    except TermNotFound:
        return None


_BLOCK_LENGTH = struct.Struct("!i")  # a W3 block's length, negative for the last block


def _block_values(raw, fixedsize, count: int):
    """A block's values as W3LeafMatcher._read_values decodes them."""
    if fixedsize is None or fixedsize < 0:
        return raw
    if fixedsize == 0:
        return (None,) * count
    return tuple(raw[i : i + fixedsize] for i in range(0, len(raw), fixedsize))


def _read_blocks(raw: bytes, offset: int, values: bool, fixedsize, within=None,
                 blocks: list | None = None):  # fmt: skip
    """(ids, weights, values) of a Whoosh 3 posting list from its bytes, read in one
    piece: each block (its length, its pickled info, its pickled and maybe zlib'd data)
    parsed here as W3LeafMatcher parses it, without a matcher's seek and read per
    block. Skips the blocks `within` rules out, as _read_matcher does."""
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"not a Whoosh 3 posting list: {raw[:4]!r}")
    stream = io.BytesIO(raw)
    ids, weights, vals = [], [], []
    read = skipped = 0
    before = offset - 1  # the last docnum of the block before
    pos = 4
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(raw, pos)
        end = pos + 4 + abs(length)
        stream.seek(pos + 4)
        count, maxid, _, compression, _, _ = pickle.load(stream)
        last = offset + maxid
        if within is not None and not within[before + 1 : last + 1].any():
            skipped += 1
        else:
            read += 1
            data = raw[stream.tell() : end]
            raw_ids, raw_weights, raw_values = pickle.loads(
                zlib.decompress(data) if compression else data)  # fmt: skip
            block, block_weights = _block_arrays(raw_ids, raw_weights)
            ids.append(block)
            weights.append(block_weights)
            if values:
                vals.extend(_block_values(raw_values, fixedsize, count))
        before = last
        if length < 0:
            break
        pos = end
    if blocks is not None:
        blocks[0] += read
        blocks[1] += skipped
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0), vals
    if len(ids) == 1:
        return ids[0] + offset, weights[0], vals
    return np.concatenate(ids) + offset, np.concatenate(weights), vals


def _posting_bytes(segment, fieldname: str, btext: bytes):
    """(the term's posting list as bytes, its format's fixed value size) in a Whoosh 3
    segment, read with one lookup and one read; None when the segment does not have the
    term; NotImplemented for a segment or term (inlined) read only by a matcher."""
    terms = getattr(segment, "_terms", None)
    if not isinstance(terms, W3TermsReader) or not hasattr(segment, "schema"):
        return NotImplemented
    if fieldname not in segment.schema:
        return None
    try:
        info = terms.term_info(fieldname, btext)
    except TermNotFound:
        return None
    if info.is_inlined():
        return NotImplemented
    start, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct.unpack's tuple
        (length,) = length
    return terms._postfile.get(start, length), segment.schema[fieldname].format.fixed_value_size()


def posting_arrays(reader, fieldname: str, btext: bytes, values: bool = False,
                   within: np.ndarray | None = None, blocks: list | None = None):  # fmt: skip
    """One term's postings over every segment as (docnums, weights, encoded values or
    None), deleted documents included (the caller's live mask removes them). With
    `within`, only the blocks that may hold one of its documents (see _read_blocks)."""
    ids, weights, vals = [], [], []
    for segment, offset in reader.leaf_readers():
        if within is not None:
            count = segment.doc_count_all()
            if not within[offset : offset + count].any():
                continue
        found = _posting_bytes(segment, fieldname, btext)
        if found is None:
            continue
        if found is NotImplemented:
            m = _postings(segment, fieldname, btext)
            if m is None:
                continue
            i, w, v = _read_matcher(m, offset, values, within, blocks)
        else:
            raw, fixedsize = found
            i, w, v = _read_blocks(raw, offset, values, fixedsize, within, blocks)
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


# --- Writing postings in bulk -------------------------------------------------------------------
#
# Whoosh's writer hands every posting to its pool as a tuple, estimates its size, sorts
# all of them at the commit and writes them one call at a time: at 1,400 postings an
# item that was most of the cost of indexing. BulkWriter keeps the tokens of the text
# fields as arrays (a term number, a document, a position each; analysis.token_ids),
# sorts a field's tokens at once, and writes a block of 128 postings at a time, with
# the statistics Whoosh's postings writer keeps worked out for all blocks together.
# With Whoosh's pickle protocol and zlib call (protocol=2, whooshs_zlib=True) the segment
# it writes is Whoosh's, byte for byte (tests/test_bulk_writer.py); by default its blocks
# decode to the same, written faster (PICKLE_PROTOCOL, _small_zlib, SMALLEST_COMPRESSED).

_BLOCK_MAGIC = WHOOSH3_HEADER_MAGIC
# Whoosh pickles a block with protocol 2, which has no opcode for bytes: each packed
# position is pickled as a call to codecs.encode. Protocol 5 (any protocol reads
# back through the same pickle.loads) wrote blocks 1.9x faster, read them 2.2x
# faster and made them half the size. With protocol 2 the segment is Whoosh's own,
# byte for byte.
PICKLE_PROTOCOL = 5
_TERMINFO = W3TermInfo._struct
_POSTINGS_AT = struct.Struct("!qi")  # a term's postings: where they start, their length
# W3TermInfo._struct ("!BfIBBfII") as a numpy record, to pack many at once
_TERMINFO_RECORD = np.dtype([("inlined", "u1"), ("weight", ">f4"), ("df", ">u4"),
                             ("minlength", "u1"), ("maxlength", "u1"), ("maxweight", ">f4"),
                             ("minid", ">u4"), ("maxid", ">u4")])  # fmt: skip


def _small_zlib(data: bytes, level: int) -> bytes:
    """zlib.compress(data, level) with zlib's window and hash table sized to the data
    (a block is mostly under 2 KB): most of zlib.compress's time on a small block is
    setting up its 64 KB window (50 us a block; this: 3 us), and the output is as small
    (within 1 % above 2 KB). zlib.decompress reads the window size from the header."""
    wbits = min(15, max(9, (len(data) + 262).bit_length()))  # 262: zlib's lookahead
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, 4 if wbits <= 11 else 8)
    return c.compress(data) + c.flush()


def _stable_argsort(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable") for keys in 0 .. 2**32-1, 2-5x faster: numpy
    sorts 16-bit keys by radix (linear) and wider ones by timsort, so the keys are
    sorted as one or two 16-bit halves, the low half first."""
    if not len(keys) or int(keys.max()) < 1 << 16:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    return order[np.argsort((keys[order] >> 16).astype(np.uint16), kind="stable")]


def _merge_order(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable") for keys that are a few sorted runs one after
    another (a chunk's pieces of each run): numpy's stable sort of 64-bit keys is a
    timsort, which merges such runs in linear time, 3-5x faster than _stable_argsort's
    two radix passes (for keys that are in no order, the other way round)."""
    return np.argsort(keys, kind="stable")


# A block whose pickle is shorter is written as it is, its header saying so (Whoosh's
# reader decompresses a block whose header gives a compression level): zlib makes
# almost none of those under 32 bytes shorter and half of those under 64 (its header
# and checksum take 6), and each call costs 4-5 us. On Greve's minutes 95,000 of the
# 175,000 blocks (a real vocabulary has many terms of one item), the index 0.1 % smaller.
SMALLEST_COMPRESSED = 64


class _FieldTokens:
    """One text field's tokens held in memory, as added: a document's (its number,
    its tokens' term numbers and positions), or a merged term's (the term number and
    each token's document and position). Within a term, documents ascend in the order
    they are added."""

    __slots__ = ("docs", "terms", "positions", "count")

    def __init__(self):
        self.docs: list = []  # a document number, or an array of one a token
        self.terms: list = []  # an array of term numbers, or one term number
        self.positions: list[np.ndarray] = []
        self.count = 0

    def add(self, docs, terms, positions: np.ndarray) -> None:
        self.docs.append(docs)
        self.terms.append(terms)
        self.positions.append(positions)
        self.count += len(positions)

    def sorted(self, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(term numbers, documents, positions) sorted by term (in `rank` order), then
        document and position: a stable sort by term keeps the order they came in."""
        if not self.positions:
            empty = np.zeros(0, np.int32)
            return empty, empty, empty
        sizes = [len(p) for p in self.positions]
        terms = _expanded(self.terms, sizes)
        docs = _expanded(self.docs, sizes)
        positions = np.concatenate(self.positions)
        order = _stable_argsort(_renumbered(rank[terms], len(rank)))
        return terms[order], docs[order], positions[order]


def _renumbered(keys: np.ndarray, size: int) -> np.ndarray:
    """`keys` (each below `size`) numbered 0, 1, ... in their order: one field's terms
    are fewer than 65,536 where all fields' are not (Greve's: 67,000), so that
    _stable_argsort sorts them in one radix pass instead of two, in the same order."""
    if not len(keys) or size <= 1 << 16:
        return keys
    present = np.zeros(size, dtype=bool)
    present[keys] = True
    return (np.cumsum(present) - 1)[keys]


def _expanded(entries: list, sizes: list[int]) -> np.ndarray:
    """Entries (each an array, or a number standing for `size` of it) as one array;
    when all are numbers (a document's number beside each of its token arrays), by
    one np.repeat instead of an array each."""
    if not any(isinstance(e, np.ndarray) for e in entries):
        return np.repeat(np.asarray(entries, dtype=np.int32), sizes)
    return np.concatenate([e if isinstance(e, np.ndarray) else np.full(n, e, np.int32)
                           for e, n in zip(entries, sizes, strict=True)])  # fmt: skip


def _term_starts(terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of tokens sorted by term: each term's number, in order, and where its tokens
    start (with the end of the last appended)."""
    starts = np.flatnonzero(np.concatenate(([True], terms[1:] != terms[:-1])))
    return terms[starts], np.append(starts, len(terms))


class _TokenRun:
    """One field's tokens written out sorted (a run), read back a term range at a time
    to merge: where each of its terms starts is kept in memory (a few bytes a term),
    the tokens (12 bytes each) only on disk, so that merging the runs at the commit
    holds one chunk of them, not every run at once (mapped into memory, they were
    about half the peak of indexing 100,000 items)."""

    def __init__(self, folder: str, name: str, terms, docs, positions):
        self.paths = [os.path.join(folder, f"{name}.{part}.run") for part in "tdp"]
        self.dtypes = [a.dtype for a in (terms, docs, positions)]
        for path, array_ in zip(self.paths, (terms, docs, positions), strict=True):
            array_.tofile(path)
        self.term_numbers, self.starts = _term_starts(terms)

    def read(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The tokens [start, end) of the run: (terms, docs, positions)."""
        return tuple(
            np.fromfile(path, dtype=dtype, count=end - start, offset=start * dtype.itemsize)
            for path, dtype in zip(self.paths, self.dtypes, strict=True)
        )  # fmt: skip

    def close(self) -> None:
        for path in self.paths:
            with contextlib.suppress(OSError):
                os.remove(path)


# Tokens of a text field written out at a time at the commit: writing them makes Python
# lists of about 100 bytes a token (at 4,000,000 the peak of indexing 10,000 items was
# 1.48 GB; at 500,000 1.02 GB, and no slower).
CHUNK_TOKENS = 500_000


class BulkPool:
    """What a BulkWriter holds until the commit: the text fields' tokens (written out
    to runs past `limit` tokens) and, for any other field (ids, keywords, dates: a
    few terms a document), each term's postings as Whoosh's pool would have them."""

    def __init__(self, numbering, folder: str | None, limit: int):
        self.numbering = numbering
        self.limit = limit
        self.folder = folder
        self._own_folder = False
        self.tokens: dict[str, _FieldTokens] = {}
        self.runs: dict[str, list[_TokenRun]] = {}
        self.other: dict[str, dict[bytes, tuple]] = {}
        self.count = 0

    def add_tokens(self, fieldname: str, docs, terms, positions) -> None:
        """Tokens of a document (`docs` its number, `terms` an array), or of a term
        (`terms` its number, `docs` an array)."""
        held = self.tokens.get(fieldname)
        if held is None:
            held = self.tokens[fieldname] = _FieldTokens()
        held.add(docs, terms, positions)
        self.count += len(positions)

    def add_posting(self, fieldname: str, btext: bytes, docnum: int, weight: float,
                    vbytes: bytes) -> None:  # fmt: skip
        terms = self.other.get(fieldname)
        if terms is None:
            terms = self.other[fieldname] = {}
        entry = terms.get(btext)
        if entry is None:
            entry = terms[btext] = ([], [], [])
        entry[0].append(docnum)
        entry[1].append(weight)
        if vbytes:
            entry[2].append(vbytes)

    def rank(self) -> np.ndarray:
        """Each term number's place in the order of the terms' text (Whoosh writes a
        field's terms in the order of their UTF-8 bytes, which is the order of their
        code points)."""
        texts = self.numbering.texts
        rank = np.empty(len(texts), dtype=np.int64)
        rank[np.asarray(sorted(range(len(texts)), key=texts.__getitem__), dtype=np.int64)] = (
            np.arange(len(texts))
        )
        return rank

    def check(self) -> None:
        """Write the held tokens out when past the limit."""
        if self.count >= self.limit:
            self.spill()

    def spill(self) -> None:
        if self.folder is None:
            self.folder = tempfile.mkdtemp(prefix="searchapp-bulk-")
            self._own_folder = True
        rank = self.rank()
        for fieldname, held in self.tokens.items():
            runs = self.runs.setdefault(fieldname, [])
            name = f"run{len(runs)}-{len(self.runs)}-{abs(hash(fieldname))}"
            runs.append(_TokenRun(self.folder, name, *held.sorted(rank)))
        self.tokens = {}
        self.count = 0

    def fieldnames(self) -> list[str]:
        return sorted(set(self.tokens) | set(self.runs) | set(self.other))

    def chunks(self, fieldname: str, rank: np.ndarray, size: int | None = None):
        """A text field's tokens sorted by term, document and position, as chunks of
        whole terms of about `size` tokens (CHUNK_TOKENS): the runs and what is held,
        merged."""
        size = size or CHUNK_TOKENS
        runs = self.runs.get(fieldname, [])
        held = self.tokens.get(fieldname)
        held = held.sorted(rank) if held is not None else None
        if not runs and held is not None and len(held[0]) <= size:
            yield held
            return
        # Each source's terms in order, where each term's tokens start, and how to
        # read a range of its tokens.
        sources = [(rank[r.term_numbers], r.starts, r.read) for r in runs]
        if held is not None:
            numbers, starts = _term_starts(held[0])
            sources.append((rank[numbers], starts,
                            lambda s, e, held=held: tuple(a[s:e] for a in held)))  # fmt: skip
        if not sources:
            return
        every = np.concatenate([r for r, _, _ in sources])
        tokens = np.concatenate([np.diff(s) for _, s, _ in sources])
        per_rank = np.bincount(every, weights=tokens, minlength=len(rank))
        cumulative = np.cumsum(per_rank)
        bounds = [0]
        while bounds[-1] < len(rank):
            done = cumulative[bounds[-1] - 1] if bounds[-1] else 0
            nxt = int(np.searchsorted(cumulative, done + size, side="right"))
            bounds.append(min(len(rank), max(nxt, bounds[-1] + 1)))
        for low, high in zip(bounds[:-1], bounds[1:], strict=True):
            parts = []
            for ranks, starts, read in sources:
                a, b = np.searchsorted(ranks, (low, high))
                if a < b:
                    parts.append(read(int(starts[a]), int(starts[b])))
            if not parts:
                continue
            terms = np.concatenate([p[0] for p in parts])
            docs = np.concatenate([p[1] for p in parts])
            positions = np.concatenate([p[2] for p in parts])
            order = _merge_order(rank[terms])  # run order: documents ascend
            yield terms[order], docs[order], positions[order]

    def cleanup(self) -> None:
        for runs in self.runs.values():
            for run in runs:
                run.close()
        self.runs = {}
        self.tokens = {}
        self.other = {}
        if self._own_folder and self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


class _TermWriter:
    """Writes terms and their postings to a segment's postings file and term table,
    as Whoosh 3's postings writer lays them out: blocks of at most `limit` postings,
    each a pickled (count, last docnum, max weight, compression, shortest and longest
    document as length bytes) then the zlib'd pickle of (docnum deltas, weights,
    values); the term's statistics in its W3TermInfo."""

    def __init__(self, fieldwriter, codec, protocol: int, whooshs_zlib: bool = False):
        self.fw = fieldwriter
        self.protocol = protocol
        self.postfile = fieldwriter._postfile
        self.tindex = fieldwriter._tindex
        self.limit = codec._blocklimit
        self.compression = codec._compression
        self.compress = zlib.compress if whooshs_zlib else _small_zlib
        self.smallest = 0 if whooshs_zlib else SMALLEST_COMPRESSED
        self.add_terms = _terms_adder(self.tindex)
        self.keys: list[bytes] = []  # the terms held, their W3TermInfo and postings
        self.infos: list[bytes] = []
        self.bodies: list[bytes] = []
        if codec._inlinelimit > 1:
            raise ValueError("BulkWriter writes no inlined postings (inlinelimit > 1)")

    def field(self, fieldname: str, fieldobj) -> None:
        self.fw.start_field(fieldname, fieldobj)
        self.prefix = pack_ushort(self.fw._fieldid)

    def term(self, btext: bytes, blocks, weight: float, df: int, minlength, maxlength: int,
             maxweight: float, minid: int, maxid: int) -> None:  # fmt: skip
        """`blocks`: (data tuple, count, last docnum, max weight, shortest length byte,
        longest length byte) of each block, in order."""
        compression = self.compression
        compress = self.compress
        smallest = self.smallest
        protocol = self.protocol
        last = len(blocks) - 1
        parts = [_BLOCK_MAGIC]
        for i, (data, count, last_id, block_maxweight, low, high) in enumerate(blocks):
            databytes = dumps(data, protocol)
            comp = compression if len(databytes) >= smallest else 0
            if comp:
                databytes = compress(databytes, comp)
            infobytes = dumps((count, last_id, block_maxweight, comp, low, high), protocol)
            length = len(infobytes) + len(databytes)
            parts += (pack_int(-length if i == last else length), infobytes, databytes)
        info = _TERMINFO.pack(0, weight, df, length_to_byte(minlength),
                              length_to_byte(maxlength), maxweight, minid, maxid)  # fmt: skip
        self.put(btext, info, b"".join(parts))

    def one_block(self, btext: bytes, info: bytes, data: tuple, count: int, last_id: int,
                  maxweight: float, low: int, high: int) -> None:  # fmt: skip
        """A term of one block (most terms of real minutes: many are one item's), its
        W3TermInfo packed already (_write_tokens packs them at once): term() without
        its loop."""
        databytes = dumps(data, self.protocol)
        comp = self.compression if len(databytes) >= self.smallest else 0
        if comp:
            databytes = self.compress(databytes, comp)
        infobytes = dumps((count, last_id, maxweight, comp, low, high), self.protocol)
        self.put(btext, info, b"".join((_BLOCK_MAGIC, pack_int(-len(infobytes) - len(databytes)),
                                        infobytes, databytes)))  # fmt: skip

    def put(self, btext: bytes, info: bytes, body: bytes) -> None:
        """A term's postings and its W3TermInfo, held until flush()."""
        self.keys.append(btext)
        self.infos.append(info)
        self.bodies.append(body)

    def flush(self) -> None:
        """Write the held terms' postings, and their term table entries (where each
        term's postings start counted, not asked of the file term by term)."""
        if not self.bodies:
            return
        out = self.postfile.file
        sizes = list(map(len, self.bodies))
        starts = accumulate(sizes, initial=out.tell())  # and the end: zip leaves it
        out.write(b"".join(self.bodies))
        at = _POSTINGS_AT.pack
        prefix = self.prefix
        values = [i + at(s, n) for i, s, n in zip(self.infos, starts, sizes, strict=False)]
        self.add_terms([prefix + k for k in self.keys], values)
        self.keys, self.infos, self.bodies = [], [], []

    def finish_field(self) -> None:
        self.flush()
        self.fw.finish_field()


try:  # CPython's own MD5: for a key of a few bytes, half the time of OpenSSL's (hashlib's)
    from _md5 import md5 as _small_md5
except ImportError:  # pragma: no cover - a Python built without it
    _small_md5 = md5
_LOW_32_BITS = struct.Struct(">I").unpack_from


def _md5_hash(key: bytes) -> int:
    """Whoosh's md5_hash (the low 32 bits of the key's MD5 as a big-endian number)
    without making and parsing its hex digits, by CPython's MD5 (Greve's 162,000
    term-table keys: 0.087 -> 0.042 s)."""
    return _LOW_32_BITS(_small_md5(key).digest(), 12)[0]


def _terms_adder(tindex):
    """add(keys, values) to the term table: for Whoosh's OrderedHashWriter what its
    add does key by key, for many keys at once, written to the file under its
    StructFile (a term is a tenth of a millisecond's work, and its add was a fifth of
    it); another table's own add, key by key."""
    if type(tindex) is not OrderedHashWriter or type(tindex.dbfile) is not StructFile:

        def add_each(keys: list[bytes], values: list[bytes]) -> None:
            for key, value in zip(keys, values, strict=True):
                tindex.add(key, value)

        return add_each
    out = tindex.dbfile.file
    hashfn = _md5_hash if tindex.hashfn is md5_hash else tindex.hashfn
    buckets, index = tindex.buckets, tindex.index
    lengths = _HASH_LENGTHS.pack
    tindex._write_hashes = lambda: _write_hashes(tindex)

    def add(keys: list[bytes], values: list[bytes]) -> None:
        before = tindex.lastkey
        for key in keys:
            if key <= before:
                raise ValueError(f"Keys must increase: {before!r}..{key!r}")
            before = key
        entries = [lengths(len(k), len(v)) + k + v for k, v in zip(keys, values, strict=True)]
        positions = list(accumulate(map(len, entries), initial=out.tell()))
        positions.pop()
        out.write(b"".join(entries))
        if isinstance(index.array, array):
            held = len(index.array)
            try:
                index.array.extend(positions)
            except OverflowError:  # past its type's range: as GrowableArray.append
                del index.array[held:]
                index.extend(positions)
        else:
            index.extend(positions)
        for key, pos in zip(keys, positions, strict=True):
            h = hashfn(key)
            buckets[h & 255].append((h, pos))
        tindex.lastkey = before

    return add


# Whoosh's hash table slot (filetables._pointer, "!Iq"): a key's hash and position
_HASH_SLOT = np.dtype([("hash", ">u4"), ("pos", ">i8")])


def _write_hashes(tindex) -> None:
    """HashWriter._write_hashes (the 256 hash tables, open addressing), each table
    written at once instead of a slot at a time (two calls a slot, 324,000 slots for
    Greve's minutes)."""
    out = tindex.dbfile.file
    for entries in tindex.buckets:
        numslots = 2 * len(entries)
        tindex.directory.append((out.tell(), numslots))
        if not numslots:
            continue
        hashes = [0] * numslots
        positions = [0] * numslots
        taken = bytearray(numslots)
        for hashval, position in entries:
            slot = (hashval >> 8) % numslots
            while taken[slot]:
                slot = (slot + 1) % numslots
            taken[slot] = 1
            hashes[slot] = hashval
            positions[slot] = position
        table = np.zeros(numslots, dtype=_HASH_SLOT)
        table["hash"] = hashes
        table["pos"] = positions
        out.write(table.tobytes())


def _mini_weights(weights: list):
    """A block's weights as Whoosh stores them: None when all are 1.0, the one value
    when all are equal, else all of them."""
    first = weights[0]
    if all(w == first for w in weights):
        return None if first == 1.0 else first
    return tuple(weights)


def _write_tokens(tw: _TermWriter, fieldobj, codes: np.ndarray | None, texts: list[str],
                  terms: np.ndarray, docs: np.ndarray, positions: np.ndarray) -> None:  # fmt: skip
    """The postings of a chunk of a text field's sorted tokens."""
    n = len(terms)
    if not n:
        return
    fmt = fieldobj.format
    boost = float(fmt.field_boost)
    # A posting per (term, document); its frequency is its number of tokens.
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(terms[1:], terms[:-1], out=new[1:])
    new[1:] |= docs[1:] != docs[:-1]
    post = np.flatnonzero(new)
    post_end = np.append(post[1:], n)
    freq = post_end - post
    pterm = terms[post]
    pdoc = docs[post].astype(np.int64)
    weights = (freq * boost).astype(np.float32).astype(np.float64)
    lengths = codes[pdoc] if codes is not None else np.zeros(len(pdoc), dtype=np.uint8)
    # Terms, and blocks of at most `limit` postings within each term.
    m = len(post)
    tnew = np.empty(m, dtype=bool)
    tnew[0] = True
    np.not_equal(pterm[1:], pterm[:-1], out=tnew[1:])
    tstart = np.flatnonzero(tnew)
    tend = np.append(tstart[1:], m)
    within = np.arange(m) - np.repeat(tstart, tend - tstart)
    bstart = np.flatnonzero(within % tw.limit == 0)
    bend = np.append(bstart[1:], m)
    deltas = np.diff(pdoc, prepend=0)
    deltas[bstart] = pdoc[bstart]
    b_maxw = np.maximum.reduceat(weights, bstart)
    b_minw = np.minimum.reduceat(weights, bstart)
    b_low = np.minimum.reduceat(lengths, bstart)
    b_high = np.maximum.reduceat(lengths, bstart)
    b_sums = np.add.reduceat(weights, bstart)
    b_sum = b_sums.tolist()  # see below
    if getattr(fmt, "packed_positions", False):
        # As TermPositions.encode: one position is the shared bytes of _one_position
        # (so pickle writes a repeated one once), several their packed array.
        first = positions[post]
        ones = _one_positions(int(first.max()) + 1 if len(first) else 0)
        values = list(map(ones.__getitem__, first.tolist()))
        several = np.flatnonzero(freq > 1)
        if len(several):
            raw = positions.astype(np.uint32).tobytes()
            for i, a, b in zip(several.tolist(), (post[several] * 4).tolist(),
                               (post_end[several] * 4).tolist(), strict=True):  # fmt: skip
                values[i] = raw[a:b]
        fixed = False
    else:  # TermCounts: each frequency as Whoosh's Frequency packs it
        values = freq.astype(">u4").tobytes()
        fixed = True
    deltas_l = deltas.tolist()
    weights_l = weights.tolist()
    pdoc_l = pdoc.tolist()
    b_maxw_l, b_minw_l = b_maxw.tolist(), b_minw.tolist()
    b_low_l, b_high_l = b_low.tolist(), b_high.tolist()
    bstart_l, bend_l = bstart.tolist(), bend.tolist()
    # Which blocks each term has: blocks are numbered in order, a term's are consecutive.
    term_blocks_a = np.searchsorted(bstart, np.append(tstart, m))
    term_blocks = term_blocks_a.tolist()
    # The W3TermInfo of every term of one block packed at once (most of them: a term of
    # one item is one block), its statistics those of the block (see the loop below).
    first_block = term_blocks_a[:-1]
    one = np.diff(term_blocks_a) == 1
    records = np.zeros(len(tstart), dtype=_TERMINFO_RECORD)
    records["weight"] = b_sums[first_block]
    records["df"] = tend - tstart
    records["minlength"] = b_low[first_block]  # length_to_byte(byte_to_length(b)) == b
    records["maxlength"] = b_high[first_block]
    records["maxweight"] = b_maxw[first_block]
    records["minid"] = pdoc[tstart]
    records["maxid"] = pdoc[tend - 1]
    infos = records.tobytes()
    size = _TERMINFO_RECORD.itemsize
    one_l = one.tolist()
    texts_of = pterm[tstart].tolist()
    tstart_l, tend_l = tstart.tolist(), tend.tolist()
    for t in range(len(tstart_l)):
        btext = texts[texts_of[t]].encode("utf-8")
        if one_l[t]:
            b = term_blocks[t]
            s, e = bstart_l[b], bend_l[b]
            maxw = b_maxw_l[b]
            if maxw != b_minw_l[b]:
                mini = tuple(weights_l[s:e])
            else:
                mini = None if maxw == 1.0 else maxw
            vals = values[4 * s : 4 * e] if fixed else tuple(values[s:e])
            tw.one_block(btext, infos[size * t : size * t + size],
                         (tuple(deltas_l[s:e]), mini, vals), e - s, pdoc_l[e - 1], maxw,
                         b_low_l[b], b_high_l[b])  # fmt: skip
            continue
        blocks = []
        weight = 0.0
        low_min = None
        high_max = 0
        maxweight = 0
        for b in range(term_blocks[t], term_blocks[t + 1]):
            s, e = bstart_l[b], bend_l[b]
            w = weights_l[s:e] if b_maxw_l[b] != b_minw_l[b] else None
            mini = (tuple(w) if w is not None
                    else (None if b_maxw_l[b] == 1.0 else b_maxw_l[b]))  # fmt: skip
            vals = values[4 * s : 4 * e] if fixed else tuple(values[s:e])
            low, high = b_low_l[b], b_high_l[b]
            blocks.append(((tuple(deltas_l[s:e]), mini, vals), e - s, pdoc_l[e - 1],
                           b_maxw_l[b], low, high))  # fmt: skip
            # Whoosh's W3TermInfo.add_block, block by block
            weight += b_sum[b]
            block_min = byte_to_length(low) if low else None
            if low_min is None:
                low_min = block_min
            elif block_min is not None:
                low_min = min(low_min, block_min)
            high_max = max(high_max, byte_to_length(high))
            maxweight = max(maxweight, b_maxw_l[b])
        s, e = tstart_l[t], tend_l[t]
        tw.term(btext, blocks, weight, e - s, low_min, high_max, maxweight, pdoc_l[s],
                pdoc_l[e - 1])  # fmt: skip
    tw.flush()


def _write_other(tw: _TermWriter, fieldobj, codes, terms: dict) -> None:
    """The postings of a field kept a posting at a time (BulkPool.other)."""
    fixed = fieldobj.format.fixed_value_size()
    limit = tw.limit
    for btext in sorted(terms):
        ids, weights, values = terms[btext]
        blocks = []
        weight = 0.0
        low_min = None
        high_max = 0
        maxweight = 0
        for s in range(0, len(ids), limit):
            block = ids[s : s + limit]
            w = array("f", weights[s : s + limit])
            vals = values[s : s + limit]
            if fixed is None or fixed < 0:
                vals = tuple(vals)
            elif fixed == 0:
                vals = None
            else:
                vals = b"".join(vals)
            lengths = [c for c in map(codes.__getitem__, block) if c] if codes is not None else []
            block_max = max(weights[s : s + limit])
            deltas = [block[0]] + [b - a for a, b in zip(block, block[1:], strict=False)]
            low = min(lengths) if lengths else 0
            high = max(lengths) if lengths else 0
            blocks.append(((tuple(deltas), _mini_weights(w), vals), len(block), block[-1],
                           block_max, low, high))  # fmt: skip
            weight += sum(w)
            block_min = byte_to_length(low) if low else None
            if low_min is None:
                low_min = block_min
            elif block_min is not None:
                low_min = min(low_min, block_min)
            high_max = max(high_max, byte_to_length(high) if high else 0)
            maxweight = max(maxweight, block_max)
        tw.term(btext, blocks, weight, len(ids), low_min, high_max, maxweight, ids[0], ids[-1])


def _length_codes(pdr, fieldname: str) -> np.ndarray | None:
    """The length byte of each document of the segment being written, for one field
    (None for a field without lengths)."""
    if pdr is None:
        return None
    column = pdr._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return np.fromiter(column, dtype=np.uint8, count=pdr.doc_count_all())


# Whoosh's field types whose terms are a pure function of a value: their analyzer, if
# any, a stateless chain (IDAnalyzer, KeywordAnalyzer), their format's word_values or
# their to_bytes deterministic.
_PURE_FIELDS = (wf.ID, wf.KEYWORD, wf.DATETIME)
INDEX_CACHE_SIZE = 50_000  # values whose postings BulkWriter keeps; then it starts over


def _same_each_time(field, value) -> bool:
    """Whether field.index(value) can be kept by value: a text, or a date without a
    time zone (equal aware datetimes of other zones would share a key)."""
    if type(field) not in _PURE_FIELDS:
        return False
    return type(value) is str or (type(value) is datetime and value.tzinfo is None)


def _remember_bounded(cache: dict, key, found) -> None:
    if len(cache) >= INDEX_CACHE_SIZE:
        cache.clear()  # a crude bound: unique values (ids) would otherwise pile up
    cache[key] = found


class BulkWriter(SegmentWriter):
    """Whoosh's segment writer with the postings written in bulk (see above). A text
    field is taken in bulk when its format says how to (`bulk_values`) and its analyzer
    makes token arrays (analysis.CachedAnalyzer); any other field a posting at a time,
    as Whoosh does. Segments merged at the commit are read a block at a time.
    Per-document boosts (`_boost`) and spelling fields are not taken. `protocol` and
    `whooshs_zlib`: how blocks are pickled and compressed (Whoosh's: 2 and True)."""

    def __init__(self, ix, limit_tokens: int = 20_000_000, protocol: int = PICKLE_PROTOCOL,
                 whooshs_zlib: bool = False, **kwargs):  # fmt: skip
        from .analysis import TermNumbering

        super().__init__(ix, **kwargs)
        self.protocol = protocol
        self.whooshs_zlib = whooshs_zlib
        self.numbering = TermNumbering()
        folder = getattr(self._tempstorage, "folder", None)
        self.pool = BulkPool(self.numbering, folder, limit_tokens)
        self.bulk_fields = set()
        self._index_cache: dict = {}  # (field name, value) -> _indexed's answer
        for name, field in self.schema.items():
            if field.separate_spelling():
                raise ValueError(f"BulkWriter: field {name!r} has a spelling field")
            if (getattr(field.format, "bulk_values", None) and field.scorable
                    and hasattr(field.analyzer, "token_ids") and not field.vector):  # fmt: skip
                self.bulk_fields.add(name)

    def add_document(self, **fields):
        self._check_state()
        if any(name == "_boost" or (name.startswith("_") and name.endswith("_boost"))
               for name in fields):  # fmt: skip
            raise ValueError("BulkWriter takes no per-document boosts")
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        bulk = self.bulk_fields
        numbering = self.numbering
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        numbering.document([fields[name] for name in fieldnames
                            if name in bulk and isinstance(fields[name], str)])  # fmt: skip
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if fieldname in bulk:
                if not isinstance(value, str):
                    raise TypeError(f"field {fieldname!r} takes text, not {type(value).__name__}")
                terms, positions = field.analyzer.token_ids(value, numbering)
                if len(terms):
                    pool.add_tokens(fieldname, docnum, terms, positions)
                length = len(terms)
            elif field.indexed:
                postings, length = self._indexed(fieldname, field, value)
                for tbytes, weight, vbytes in postings:
                    pool.add_posting(fieldname, tbytes, docnum, weight, vbytes)
            if field.vector:
                vitems = field.vector.word_values(value, field.analyzer, mode="index")
                vitems = sorted((text, weight, vbytes) for text, _, weight, vbytes in vitems)
                perdocwriter.add_vector_items(fieldname, field, vitems)
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        pool.check()

    def _indexed(self, fieldname: str, field, value) -> tuple[list[tuple], int]:
        """What Whoosh's field.index(value) makes of a field taken a posting at a
        time, as (term, weight, value) postings and the field's length; kept by value
        for the fields that make the same of the same value (_same_each_time): an
        item's committee, date and its meeting's people repeat over the meeting."""
        key = (fieldname, value) if _same_each_time(field, value) else None
        found = self._index_cache.get(key) if key is not None else None
        if found is None:
            postings, length = [], 0
            for tbytes, freq, weight, vbytes in field.index(value):
                length += freq
                postings.append((tbytes, weight, vbytes))
            found = (postings, length if field.scorable else 0)
            if key is not None:
                _remember_bounded(self._index_cache, key, found)
        return found

    def add_postings_to_pool(self, reader, startdoc, docmap):
        """A merged segment's postings (deleted documents left out, the others
        renumbered), read a term and a block at a time."""
        schema = self.schema
        pool = self.pool
        newdoc = np.arange(reader.doc_count_all(), dtype=np.int64) + startdoc
        if docmap is not None:
            newdoc[:] = -1
            for old, new in docmap.items():
                newdoc[old] = new
        for fieldname, btext in reader.all_terms():
            if fieldname not in schema:
                continue
            m = reader.postings(fieldname, btext)
            if isinstance(m, FilterMatcher):
                m = m.child
            bulk = fieldname in self.bulk_fields
            ids, weights, values = _read_matcher(m, 0, True)
            mapped = newdoc[ids]
            keep = mapped >= 0
            if not keep.any():
                continue
            keep_l = keep.tolist()
            if bulk:
                kept = [v for v, k in zip(values, keep_l, strict=True) if k]
                self._merge_tokens(fieldname, btext, schema[fieldname], mapped[keep],
                                   weights[keep], kept)
            else:
                kept = [v for v, k in zip(values, keep_l, strict=True) if k]
                for d, w, v in zip(mapped[keep].tolist(), weights[keep].tolist(), kept,
                                   strict=True):  # fmt: skip
                    pool.add_posting(fieldname, btext, d, w, v or b"")
        pool.check()

    def _merge_tokens(self, fieldname, btext, fieldobj, docs, weights, values) -> None:
        """A merged term's postings as tokens: its positions, or for a field without
        them, as many tokens as its frequency."""
        term = self.numbering.ids((btext.decode("utf-8"),))[0]
        if getattr(fieldobj.format, "packed_positions", False):
            counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 4
            positions = np.frombuffer(b"".join(values), dtype=np.uint32).astype(np.int32)
        else:
            counts = np.rint(weights / float(fieldobj.format.field_boost)).astype(np.int64)
            positions = np.zeros(int(counts.sum()), dtype=np.int32)
        self.pool.add_tokens(fieldname, np.repeat(docs.astype(np.int32), counts), term,
                             positions)  # fmt: skip

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        try:
            tw = _TermWriter(self.fieldwriter, self.codec, self.protocol, self.whooshs_zlib)
            pool = self.pool
            rank = pool.rank()
            texts = self.numbering.texts
            for fieldname in pool.fieldnames():
                fieldobj = self.schema[fieldname]
                codes = _length_codes(pdr, fieldname)
                tw.field(fieldname, fieldobj)
                if fieldname in self.bulk_fields:
                    for chunk in pool.chunks(fieldname, rank):
                        _write_tokens(tw, fieldobj, codes, texts, *chunk)
                else:
                    _write_other(tw, fieldobj, codes, pool.other.get(fieldname, {}))
                tw.finish_field()
            self.fieldwriter.close()
        finally:
            if pdr is not None:
                pdr.close()


# --- Posting formats ---------------------------------------------------------------------------


class TermPositions(Positions):
    """Whoosh's Positions format filled from CachedAnalyzer's term_positions instead
    of token by token (any other analyzer: as Whoosh does), and each posting's
    positions stored as a packed array of uint32 instead of a pickled list of gaps:
    a phrase search then reads the positions of a whole posting list as one array
    (execute.py) instead of unpickling them a document at a time."""

    packed_positions = True
    bulk_values = "positions"  # BulkWriter writes these from token arrays

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


_ONE_POSITIONS: list[bytes] = []


def _one_positions(count: int) -> list[bytes]:
    """The encoded single positions 0 .. count-1, one shared object each (a pickle
    writes a repeated object once)."""
    while len(_ONE_POSITIONS) < count:
        _ONE_POSITIONS.append(_one_position(len(_ONE_POSITIONS)))
    return _ONE_POSITIONS


class TermCounts(Frequency):
    """Whoosh's Frequency format, the same bytes, counted by CachedAnalyzer's
    term_counts a distinct word at a time."""

    bulk_values = "counts"  # BulkWriter writes these from token arrays

    def word_values(self, value, analyzer, **kwargs):
        term_counts = getattr(analyzer, "term_counts", None)
        if term_counts is None or not isinstance(value, str) or kwargs.keys() - {"mode"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        fb = self.field_boost
        for word, freq in term_counts(value, kwargs.get("mode", "")).items():
            yield (word, freq, freq * fb, pack_uint(freq))
