"""The facet and sort values of every document of a generation, as arrays by docnum.

Counting a facet is then one bincount over the matching docnums, and sorting by date a
lookup of precomputed ranks; neither loads a stored field. A published generation never
changes, so its columns are read once and kept (for the last few generations).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from whoosh.index import Index

from .execute import DocStats, docnum_mask
from .internals import posting_arrays

__all__ = ["Columns", "FacetColumn", "StanceColumn", "columns_of"]

CACHE_SIZE = 4  # generations kept: the one in use and those just before it
FEW = 32  # docnums counted one by one rather than by a bincount over every value


class FacetColumn:
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

    def counts(self, docs: np.ndarray) -> Counter:
        """How many of the docnums `docs` (or of a mask's) have each value, in the
        values' order."""
        codes = self.codes[docs]
        if len(codes) <= FEW:  # a case number's few items: no pass over every value
            return Counter(self.values[c] for c in sorted(codes.tolist()))
        found = np.bincount(codes, minlength=len(self.values))
        return Counter({self.values[i]: int(found[i]) for i in np.flatnonzero(found)})


class StanceColumn:
    """Which documents have each party's stands, by position: one mask a (party,
    position) of the `stance` field ("Ø:against"), for the Parti facet and the party
    filter. A document may have several parties, so this is a set of masks, not codes."""

    def __init__(self, reader, size: int):
        self.size = size
        self.masks: dict[tuple[str, str], np.ndarray] = {}
        if "stance" not in reader.schema:
            return
        for btext in reader.lexicon("stance"):
            term = btext.decode("utf-8")
            party, _, position = term.rpartition(":")
            if not party or party == "*" or party.startswith("@") or position == "*":
                continue
            docs = posting_arrays(reader, "stance", btext)[0]
            self.masks[(party, position)] = docnum_mask(size, docs)

    @property
    def parties(self) -> list[str]:
        return sorted({party for party, _ in self.masks})

    def allowing(self, parties, positions) -> np.ndarray:
        """Per docnum: whether one of `parties` took one of `positions`."""
        out = np.zeros(self.size, dtype=bool)
        for (party, position), mask in self.masks.items():
            if party in parties and position in positions:
                out |= mask
        return out

    def counts(self, docs: np.ndarray, positions) -> Counter:
        """Per party: how many of the docnums `docs` (or of a mask's) it took one of
        `positions` in."""
        found: dict[str, np.ndarray] = {}
        for (party, position), mask in self.masks.items():
            if position in positions:
                took = mask[docs]
                found[party] = took if party not in found else found[party] | took
        return Counter({party: n for party, took in sorted(found.items())
                        if (n := int(np.count_nonzero(took)))})  # fmt: skip


@dataclass
class Columns:
    """The facet and sort values of every document of one generation, by docnum, and
    what the query executor needs of it (DocStats)."""

    stats: DocStats  # live docnums and field lengths (execute.py)
    municipality: FacetColumn
    committee: FacetColumn
    status: FacetColumn
    year: FacetColumn
    stance: StanceColumn
    day: np.ndarray  # date.toordinal() of the meeting, 0 when unknown
    rank_newest: np.ndarray  # each docnum's place when sorted newest first
    rank_oldest: np.ndarray
    committees: list[str]  # the committees of live items, sorted
    municipalities: list[str]  # the municipalities of live items, sorted

    @property
    def live(self) -> np.ndarray:
        return self.stats.live

    def ranks(self, newest_first: bool) -> np.ndarray:
        return self.rank_newest if newest_first else self.rank_oldest


_cache: dict[int, tuple[Index, Columns]] = {}
_cache_lock = threading.Lock()


def _read_column(reader, name: str, size: int, default):
    if not reader.has_column(name):
        return [default] * size
    values = list(reader.column_reader(name))
    return [default if v is None else v for v in values] + [default] * (size - len(values))


def _ranks(size: int, key) -> np.ndarray:
    ranks = np.empty(size, dtype=np.int64)
    ranks[np.asarray(sorted(range(size), key=key), dtype=np.int64)] = np.arange(size)
    return ranks


def columns_of(index: Index, searcher) -> Columns:
    """The columns of the generation `index` is, read once."""
    key = id(index)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is index:
            return hit[1]
    reader = searcher.reader()
    size = reader.doc_count_all()
    stats = DocStats(reader)
    day = [
        v.toordinal() if isinstance(v, datetime) else 0
        for v in _read_column(reader, "meeting_date", size, None)
    ]
    committee = _read_column(reader, "committee", size, "")
    municipality = _read_column(reader, "municipality", size, "")
    number = _read_column(reader, "number_sort", size, "")

    def date_key(newest_first: bool):
        # Meetings without a date last; within a meeting by committee and agenda order.
        def key(d):
            return (day[d] == 0, -day[d] if newest_first else day[d], committee[d], number[d])

        return key

    live = np.flatnonzero(stats.live)
    columns = Columns(
        stats=stats,
        municipality=FacetColumn(municipality),
        committee=FacetColumn(committee),
        status=FacetColumn(_read_column(reader, "status", size, "")),
        year=FacetColumn(_read_column(reader, "year", size, "")),
        stance=StanceColumn(reader, size),
        day=np.asarray(day, dtype=np.int64),
        rank_newest=_ranks(size, date_key(True)),
        rank_oldest=_ranks(size, date_key(False)),
        committees=sorted({committee[d] for d in live} - {""}),
        municipalities=sorted({municipality[d] for d in live} - {""}),
    )
    with _cache_lock:
        while len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (index, columns)  # holding the index keeps its id() unique
    return columns
