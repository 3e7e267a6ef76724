"""Reading only what a query needs (postings.py): an AND or a phrase with a rare word
decodes only the blocks of a common word's posting list that can hold the rare
word's documents; frequent terms are kept decoded within the cache's budget."""

import numpy as np
import pytest

from searchapp.index import build_index
from searchapp.models import AgendaItem
from searchapp.query import parse_query
from searchapp.whoosh_engine.columns import columns_of
from searchapp.whoosh_engine.compile import to_whoosh
from searchapp.whoosh_engine.execute import run_query
from searchapp.whoosh_engine.postings import MIN_CACHED, PostingCache, TermArrays
from searchapp.whoosh_engine.store import open_index

ITEMS = 3000  # every one says "fælles": 24 blocks of it in each field


@pytest.fixture(scope="module")
def common_and_rare(tmp_path_factory):
    root = tmp_path_factory.mktemp("blocks")
    items = []
    for i in range(ITEMS):
        rare = " Sønderbylund fysioterapi." if i in (700, 2900) else ""
        items.append(AgendaItem(
            id=f"item-{i}", committee="Byråd", meeting_date="2024-05-01", number=str(i),
            title=f"Punkt {i}", text=f"Fælles opgaver for kommunen nummer {i}.{rare}",
        ))  # fmt: skip
    build_index(items, root)
    return open_index(root)


def search(ix, text: str, cache: PostingCache):
    with ix.searcher() as searcher:
        q = to_whoosh(parse_query(text), searcher.schema).query
        stats = columns_of(ix, searcher).stats  # one per generation, as the engine has it
        hits = run_query(searcher, q, stats, cache=cache)
        expected = {h.docnum for h in searcher.search(q, limit=None)}
        assert set(np.flatnonzero(hits.mask).tolist()) == expected
        return expected


@pytest.mark.parametrize("text", ["fælles sønderbylund", '"fysioterapi fælles"',
                                  "sønderbylund fælles -kommunen", '"for kommunen"'])
def test_a_rare_word_skips_the_blocks_of_a_common_one(common_and_rare, text):
    cache = PostingCache(0)  # keeps nothing: every term is read from the index
    found = search(common_and_rare, text, cache)
    stats = cache.stats()
    assert stats["terms"] == 0
    if text == '"for kommunen"':  # two common words: nothing to skip
        assert len(found) == ITEMS and stats["blocks_skipped"] == 0
        return
    assert len(found) <= 2
    # the common word's 24 blocks (a field), all but the two holding the rare documents
    assert stats["blocks_skipped"] >= 20
    assert stats["blocks_read"] <= 12


def test_frequent_terms_are_kept_decoded(common_and_rare):
    cache = PostingCache(64)
    search(common_and_rare, "fælles", cache)
    first = cache.stats()
    assert first["terms"] == 1 and first["used_mb"] > 0  # the text field's "faell"
    search(common_and_rare, "fælles", cache)
    second = cache.stats()
    assert second["hits"] >= first["terms"]
    assert second["blocks_read"] == first["blocks_read"]  # nothing read again
    assert ITEMS >= MIN_CACHED


def test_the_budget_is_kept(common_and_rare):
    def entry(n: int) -> TermArrays:
        return TermArrays(np.arange(n), np.ones(n), np.ones(n))

    cache = PostingCache(1)  # 1 MB: 20 bytes a posting
    for i in range(20):
        cache.put((0, "text", str(i).encode()), entry(10_000))
    stats = cache.stats()
    assert cache.used <= cache.budget
    assert stats["evictions"] > 0 and stats["terms"] == cache.budget // (10_000 * 24)
    assert cache.get((0, "text", b"19")) is not None  # the latest stay
    assert cache.get((0, "text", b"0")) is None
    cache.put((0, "text", b"huge"), entry(100_000))  # more than a quarter: not kept
    assert cache.get((0, "text", b"huge")) is None
