"""The prefix fast path (execute.QueryRun.prefix) against Whoosh's own matcher: for any
prefix of any term in the index, capped to its most frequent terms or not, boosted or
not, alone or inside an AND, an OR or a NOT, the same documents with the same scores as
Whoosh's search of the same query. Two indexes, because Whoosh scores a prefix of
several terms two ways: below 5,001 documents as an array of 1s, past it as a tree of
BM25-scored unions (compound.Or._matcher)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_execute import _ours, _whoosh
from whoosh import query as wq

from searchapp.index import build_index
from searchapp.models import AgendaItem
from searchapp.whoosh_engine.execute import _SMALL_INDEX, DocStats
from searchapp.whoosh_engine.internals import CappedPrefix
from searchapp.whoosh_engine.limits import _expand
from searchapp.whoosh_engine.postings import PostingCache
from searchapp.whoosh_engine.store import open_index

# Words sharing their beginnings, so that a prefix stands for one term, a few or many.
WORDS = (
    "kommune kommunal kommunerne kommunernes kommuneplan kommunalbestyrelse budget "
    "budgettet budgetter budgetaftale borger borgere borgerservice borgmester skole "
    "skolerne skolebestyrelse skoleleder sundhed sundhedsaftale sundhedsreform region "
    "regionen regional regionsrådet plan planer planlægning plads trafik trafikplan "
    "ældre ældrepleje ældreråd økonomi økonomiudvalget vej veje vejdirektoratet"
).split()
FIELDS = ("text", "title", "exact", "compound")


def _many_items(count: int, seed: int) -> list[AgendaItem]:
    rnd = random.Random(seed)
    return [
        AgendaItem(id=f"prefix-{n}", committee="Økonomiudvalget", meeting_date="2024-05-06",
                   number=str(n), title=" ".join(rnd.sample(WORDS, 2)),
                   text=" ".join(rnd.choices(WORDS, k=rnd.randint(2, 14))))
        for n in range(count)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def indexes(tmp_path_factory, index_root):
    """The conftest index (a dozen items) and one just past Whoosh's 5,000 documents."""
    root = tmp_path_factory.mktemp("many")
    build_index(_many_items(_SMALL_INDEX + 100, seed=7), root)
    out = []
    for path in (index_root, root):
        ix = open_index(path)
        searcher = ix.searcher()
        reader = searcher.reader()
        terms = {f: [b for b in reader.lexicon(f) if len(b) >= 2] for f in FIELDS}
        out.append((searcher, DocStats(reader), terms))
    assert out[1][1].size > _SMALL_INDEX >= out[0][1].size
    yield out
    for searcher, _, _ in out:
        searcher.close()


CACHE = PostingCache(64)  # shared across examples: cold first, then warm


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_prefix_fast_path_is_whooshs_result(indexes, data):
    searcher, stats, terms = data.draw(st.sampled_from(indexes), label="index")
    field = data.draw(st.sampled_from(FIELDS), label="field")
    term = data.draw(st.sampled_from(terms[field]), label="term").decode("utf-8")
    text = term[: data.draw(st.integers(1, len(term)), label="length")]
    boost = data.draw(st.sampled_from((1.0, 2.0, 0.5)), label="boost")
    prefix = wq.Prefix(field, text, boost=boost)
    cap = data.draw(st.sampled_from((None, 1, 2, 3, 64)), label="cap")
    if cap is not None:
        prefix = CappedPrefix(prefix, _expand(searcher.reader(), prefix, cap, None))
    other = wq.Term(field, data.draw(st.sampled_from(terms[field]), label="other"))
    q = data.draw(st.sampled_from([
        prefix,
        wq.And([prefix, other]),
        wq.And([other, prefix]),
        wq.Or([prefix, other]),
        wq.And([other, wq.Not(prefix)]),  # "other -pre*": the parser's NOT
    ]), label="query")  # fmt: skip
    # (Not wq.AndNot, which the project never makes: Whoosh's AndNotMatcher keeps the
    # first document of its positive side when its negative side starts before it.)
    cache = data.draw(st.sampled_from((None, CACHE)), label="cache")
    expected = _whoosh(searcher, q)
    got = _ours(searcher, q, stats, cache)
    assert set(got) == set(expected), q
    for doc, score in expected.items():
        assert got[doc] == pytest.approx(score, rel=1e-6, abs=1e-9), (q, doc)
