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


def test_posting_lists_read_in_one_piece_as_a_matcher_reads_them(common_and_rare):
    """posting_arrays parses a Whoosh 3 posting list's blocks from its bytes
    (internals._read_blocks); every term of every field gives what Whoosh's own leaf
    matcher gives block by block: docnums, weights, values, and the blocks read and
    skipped for a mask of wanted documents."""
    from searchapp.whoosh_engine.internals import _postings, _read_matcher, posting_arrays

    rng = np.random.default_rng(3)
    with common_and_rare.searcher() as searcher:
        reader = searcher.reader()
        (segment, offset), = reader.leaf_readers()
        size = reader.doc_count_all()
        masks = [None, rng.random(size) < 0.01, np.zeros(size, dtype=bool)]
        masks[2][[0, 128, 2999]] = True  # the first docnum of a block (of 128), the last
        checked = multi_block = 0
        for fieldname, btext in reader.all_terms():
            positions = bool(segment.schema[fieldname].format.supports("positions"))
            for within in masks:
                got_blocks, want_blocks = [0, 0], [0, 0]
                ids, weights, values = posting_arrays(reader, fieldname, btext, positions,
                                                      within, got_blocks)  # fmt: skip
                m = _postings(segment, fieldname, btext)
                want = _read_matcher(m, offset, positions, within, want_blocks)
                assert np.array_equal(ids, want[0]) and np.array_equal(weights, want[1])
                assert (values if positions else []) == want[2]
                assert got_blocks == want_blocks
            checked += 1
            multi_block += want_blocks[0] + want_blocks[1] > 1
    assert checked > 1000 and multi_block > 10


def test_document_frequencies_with_one_lookup(common_and_rare):
    """DocStats asks the reader once a term; the same counts as asking first whether
    the index has the term, for terms it has and has not, in fields it has, does not
    index, and does not have."""
    with common_and_rare.searcher() as searcher:
        reader = searcher.reader()
        stats = columns_of(common_and_rare, searcher).stats
        terms = list(reader.all_terms())[::7]
        terms += [(f, b + b"zz") for f, b in terms[:50]]
        terms += [("item_json", b"x"), ("no_such_field", b"x"), ("title", b"")]
        for fieldname, btext in terms:
            want = (reader.doc_frequency(fieldname, btext)
                    if (fieldname, btext) in reader else 0)  # fmt: skip
            assert stats.doc_frequency(reader, fieldname, btext) == want
