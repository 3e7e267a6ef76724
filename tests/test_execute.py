"""The array executor against Whoosh itself: for every kind of query the search box
makes (words, phrases, prefixes, fields, OR and NOT, boosts, the udvalg:/status:/sag:/år:
filters, bare case numbers, and whatever the syntax strategy puts together), the same
documents, the same scores and the same order, ties included, as Whoosh's own search,
on one segment and on several segments with deleted documents (what an incremental
reindex leaves)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import make_items
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_query_tree import SYNTAX
from whoosh import query as wq

import searchapp.whoosh_engine.postings as postings_module
from searchapp.index import build_index
from searchapp.query import parse_query
from searchapp.whoosh_engine.compile import to_whoosh
from searchapp.whoosh_engine.execute import DocStats, run_query
from searchapp.whoosh_engine.postings import PostingCache
from searchapp.whoosh_engine.schema import item_to_document
from searchapp.whoosh_engine.search import top
from searchapp.whoosh_engine.store import open_readonly

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "text"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _whoosh(searcher, q) -> dict[int, float]:
    results = searcher.search(q, limit=None)
    return {hit.docnum: hit.score for hit in results}  # in Whoosh's order: best first


def _assert_same_order(expected: dict[int, float], got: dict[int, float], text: str):
    """Our ranking (search.top: by score, ties by docnum) is Whoosh's. Two documents
    may only trade places where Whoosh's scores for them differ in the last bits of a
    float; where they tie exactly, Whoosh's order (by docnum) is ours too."""
    docs = sorted(got)
    ours = [docs[i] for i in top(np.array([got[d] for d in docs]), None).tolist()]
    theirs = list(expected)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        if a != b:
            assert expected[a] != expected[b], ("a tie out of Whoosh's order", text, i, a, b)
            assert expected[a] == pytest.approx(expected[b], rel=1e-9), (text, i, a, b)


def _exact_ties(expected: dict[int, float]) -> int:
    scores = list(expected.values())
    return sum(a == b for a, b in zip(scores, scores[1:], strict=False))


def _ours(searcher, q, stats, cache=None) -> dict[int, float]:
    hits = run_query(searcher, q, stats, cache=cache)
    return {int(d): float(hits.scores[d]) for d in np.flatnonzero(hits.mask)}


def _assert_same(searcher, stats, text: str, cache=None):
    q = to_whoosh(parse_query(text, ["KKR Hovedstaden", "KKR Sjælland"]), searcher.schema).query
    expected = _whoosh(searcher, q)
    got = _ours(searcher, q, stats, cache)
    assert set(got) == set(expected), f"{text!r} -> {q}"
    for doc, score in expected.items():
        assert got[doc] == pytest.approx(score, rel=1e-6, abs=1e-9), f"{text!r} doc {doc}"
    _assert_same_order(expected, got, text)


def _queries(texts: list[str], n: int, seed: int) -> list[str]:
    """Search-box strings of every kind, from the words of `texts`."""
    rnd = random.Random(seed)
    words = [w for t in texts for w in re.findall(r"[^\W\d_]{3,}", t)]
    out = []
    for _ in range(n):
        text = rnd.choice(texts)
        run = re.findall(r"[^\W\d_]+", text)
        start = rnd.randrange(max(1, len(run) - 4))
        kind = rnd.randrange(15)
        w1, w2, w3 = (rnd.choice(words) for _ in range(3))
        if kind == 0:
            out.append(w1)
        elif kind == 1:
            out.append(f"{w1} {w2}")
        elif kind == 2:
            out.append(f"{w1} {w2} {w3}")
        elif kind == 3:
            out.append('"' + " ".join(run[start : start + rnd.choice((2, 3, 4))]) + '"')
        elif kind == 4:
            out.append(f"{w1} -{w2}")
        elif kind == 5:
            out.append(f"{w1} OR {w2}")
        elif kind == 6:
            out.append(f"titel:{w1} {w2}")
        elif kind == 7:
            out.append(f"{w1[:4]}* {w2}")
        elif kind == 8:
            out.append('"' + " ".join(run[start : start + 3]) + '"~3 ' + w1)
        elif kind == 9:  # boosts, on a word, a phrase, a field, a group
            out.append(rnd.choice([f"{w1}^2 {w2}", f'"{w1} {w2}"^3 OR {w3}',
                                   f"titel:{w1}^0.5 {w2}", f"({w1} OR {w2})^4 {w3}"]))
        elif kind == 10:  # the committee filter, alone, with words, excluded
            out.append(rnd.choice(["udvalg:hovedstaden", f"udvalg:kkr {w1}",
                                   f"{w1} -udvalg:sjælland", 'udvalg:"KKR Sjælland"']))
        elif kind == 11:  # the status filter
            out.append(rnd.choice(["status:godkendt", f"{w1} status:efterretning",
                                   f"{w1} -status:afvist", "status:(udsat OR drøftet)"]))
        elif kind == 12:  # case numbers: the filter, typed with "sag", and bare
            out.append(rnd.choice(["sag:2025-01103", "SAG-2025-01103", "2025-01103",
                                   f"sag 2025-01103 {w1}", "2021-00777 OR 2025-00420"]))
        elif kind == 13:  # the year filter
            out.append(rnd.choice(["år:2025", f"{w1} år:2021", "aar:2024 OR år:2025"]))
        else:  # words that tie: the same few words in every item
            out.append(rnd.choice(["kkr", "sager", "godkendt", "kommunerne"]))
    return out


@pytest.fixture(scope="module")
def split_index(tmp_path_factory, sources_root):
    """The conftest items over three segments, with some documents deleted."""
    from whoosh import index as whoosh_index

    items = make_items(sources_root)
    root = tmp_path_factory.mktemp("split")
    name = build_index(items[:5], root)
    ix = whoosh_index.open_dir(str(root / name))
    for chunk in (items[5:9], items[9:]):
        writer = ix.writer()
        for item in chunk:
            writer.add_document(**item_to_document(item, "x"))
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("id", items[1].id)
    writer.delete_by_term("id", items[6].id)
    writer.commit(merge=False)
    ix.close()
    return open_readonly(root / name), items


def test_several_segments_and_deletions(split_index):
    ix, items = split_index
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2
        assert searcher.reader().has_deletions()
        stats = DocStats(searcher.reader())
        assert stats.live.sum() == len(items) - 2
        texts = [i.text for i in items]
        for text in _queries(texts, 150, seed=1) + ["kommunerne", "sundhedsreformen"]:
            _assert_same(searcher, stats, text)


def test_with_the_posting_cache_cold_and_warm(split_index, monkeypatch):
    """Every term kept decoded (and read again from the cache), or none kept (a budget
    of nothing) but blocks skipped: the same documents and scores."""
    monkeypatch.setattr(postings_module, "MIN_CACHED", 1)
    ix, items = split_index
    texts = [i.text for i in items]
    with ix.searcher() as searcher:
        stats = DocStats(searcher.reader())
        for cache in (PostingCache(64), PostingCache(0)):
            for text in _queries(texts, 80, seed=4) * 2:
                _assert_same(searcher, stats, text, cache)
        assert cache.stats()["terms"] == 0


def test_fixture_index(index_root, items):
    from searchapp.whoosh_engine.store import open_index

    ix = open_index(index_root)
    with ix.searcher() as searcher:
        stats = DocStats(searcher.reader())
        for text in _queries([i.text for i in items], 200, seed=2):
            _assert_same(searcher, stats, text)


@pytest.mark.parametrize(
    "text",
    ["udvalg:hovedstaden", "status:godkendt", "år:2025", "aar:2024 OR år:2025",
     "sag:2025-01103", "2025-01103", "udvalg:kkr -status:afvist", "kkr^2 OR udvalg:sjælland"],
)
def test_ties_in_whoosh_order(index_root, text):
    """Queries whose hits tie (a filter scores every item it takes alike): the ties are
    there, and come in Whoosh's order."""
    from searchapp.whoosh_engine.store import open_index

    ix = open_index(index_root)
    with ix.searcher() as searcher:
        q = to_whoosh(parse_query(text, ["KKR Hovedstaden", "KKR Sjælland"]), searcher.schema)
        assert _exact_ties(_whoosh(searcher, q.query)) > 0, text
        _assert_same(searcher, DocStats(searcher.reader()), text)


def test_unknown_nodes_go_to_whoosh(index_root):
    """A query kind the executor has no array code for is still answered, by Whoosh's
    matcher (here a Not on its own and an Or with a coordination bonus)."""
    from searchapp.whoosh_engine.store import open_index

    ix = open_index(index_root)
    with ix.searcher() as searcher:
        stats = DocStats(searcher.reader())
        for q in (
            wq.Not(wq.Term("text", "kommun")),
            wq.Or([wq.Term("text", "kommun"), wq.Term("text", "region")], scale=0.5),
            wq.Every(),
        ):
            expected = _whoosh(searcher, q)
            got = _ours(searcher, q, stats)
            assert set(got) == set(expected)
            for doc, score in expected.items():
                assert got[doc] == pytest.approx(score, rel=1e-6)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is missing ({CORPUS})")
def test_real_minutes(tmp_path):
    """The real minutes of ../shared/corpus and the samples: 400 queries of every kind."""
    from searchapp.ingest import ingest_file

    items = []
    for path in sorted(CORPUS.glob("*.txt")) + sorted(SAMPLES.glob("*.txt")):
        items += ingest_file(path)
    assert items
    name = build_index(items, tmp_path)
    ix = open_readonly(tmp_path / name)
    with ix.searcher() as searcher:
        stats = DocStats(searcher.reader())
        for text in _queries([i.text for i in items], 400, seed=3):
            _assert_same(searcher, stats, text)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=st.lists(st.sampled_from(SYNTAX), max_size=8).map(" ".join))
def test_the_syntax_strategy(index_root, q):
    """Whatever the syntax strategy of test_query_tree.py puts together."""
    from searchapp.whoosh_engine.store import open_index

    ix = open_index(index_root)
    with ix.searcher() as searcher:
        _assert_same(searcher, DocStats(searcher.reader()), q)


@pytest.fixture(scope="module")
def blocks_index(tmp_path_factory):
    """2,600 short items: the common words' posting lists span many blocks, so a
    query asked within a few documents skips most of them."""
    from searchapp.models import AgendaItem

    words = ["vej", "skole", "budget", "plan", "borger"]
    items = [
        AgendaItem(id=f"i{n}", committee="Byrådet", meeting_date="2024-01-02", number="1",
                   title=f"Punkt {n}", case_number=f"SAG-2024-{n % 7:05d}" if n % 97 < 3 else "",
                   text=" ".join(w for k, w in enumerate(words) if (n * (k + 3)) % (k + 2))
                   + f" sagen nummer {n}")
        for n in range(2600)
    ]  # fmt: skip
    root = tmp_path_factory.mktemp("blocks")
    build_index(items, root)
    from searchapp.whoosh_engine.store import open_index

    return open_index(root)


@pytest.mark.parametrize("size", [1, 3, 40, 1300])
def test_within_a_few_documents_as_in_all(blocks_index, size):
    """A query run within some documents finds, of them, what it finds in all, with
    the same scores (the words of a search with a case number)."""
    rnd = random.Random(size)
    texts = ["vej skole budget plan borger sagen nummer"]
    queries = ["sagen", "vej skole", "budget OR plan", '"sagen nummer"', "borger -vej",
               "bor* skole", "sag:2024-00003 vej", *_queries(texts, 30, seed=size)]
    with blocks_index.searcher() as searcher:
        stats = DocStats(searcher.reader())
        within = np.zeros(stats.size, dtype=bool)
        within[rnd.sample(range(stats.size), size)] = True
        for text in queries:
            q = to_whoosh(parse_query(text, []), searcher.schema).query
            full = run_query(searcher, q, stats)
            part = run_query(searcher, q, stats, within=within)
            assert np.array_equal(part.mask & within, full.mask & within), text
            docs = np.flatnonzero(full.mask & within)
            assert np.array_equal(part.scores[docs], full.scores[docs]), text


def test_term_docs_are_the_terms_documents(blocks_index, split_index):
    """A filter's term read as docnums alone: the live documents its query matches."""
    from searchapp.whoosh_engine.execute import term_docs

    for ix in (blocks_index, split_index[0]):
        with ix.searcher() as searcher:
            stats = DocStats(searcher.reader())
            reader = searcher.reader()
            for field in ("case_digits", "text", "has_attachment", "nowhere"):
                terms = ([t for f, t in reader.all_terms() if f == field][:40]
                         + [b"2024-00003", b"nothing"])  # fmt: skip
                for btext in terms:
                    expected = np.flatnonzero(run_query(searcher, wq.Term(field, btext),
                                                        stats).mask)  # fmt: skip
                    assert term_docs(searcher, field, btext, stats).tolist() == expected.tolist()


@given(st.sets(st.integers(0, 199), max_size=60), st.randoms(use_true_random=False))
def test_hits_scored_at_a_few_documents(ids, rnd):
    """Scores kept at a few docnums read as the whole array would give them, which is
    made only when asked for."""
    from searchapp.whoosh_engine.execute import Hits

    docs = np.array(sorted(ids), dtype=np.int64)
    values = np.array([rnd.random() for _ in docs])
    hits = Hits.at(200, docs, values)
    assert hits.scored and np.array_equal(np.flatnonzero(hits.mask), docs)
    some = docs[[rnd.random() < 0.5 for _ in docs]] if len(docs) else docs
    expected = np.zeros(200)
    expected[docs] = values
    assert np.array_equal(hits.scores_at(some), expected[some])
    assert np.array_equal(hits.scores, expected)
    assert np.array_equal(hits.scores_at(some), expected[some])  # from the whole array now
    assert not Hits(hits.mask).scored
