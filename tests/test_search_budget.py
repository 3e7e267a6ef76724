"""What one search may spend (issue #14): a prefix stands for at most its share of
terms (its most frequent), the snippet's pattern for a bounded number, and a search
past its deadline, or whose client has gone, stops with 503 in the JSON error shape.

scripts/search_budget.py is the load run (10 clients sending the most expensive query
they can build, for 60 s); its figures are in docs/reliability.md."""

from __future__ import annotations

import dataclasses
import itertools
import string

import pytest
from conftest import make_config
from whoosh import query as wq

from searchapp.engine import open_engine
from searchapp.index import build_index
from searchapp.models import AgendaItem
from searchapp.query import SearchRequest
from searchapp.web import create_app
from searchapp.web.budget import ClientGone, RequestBudget, SearchTimeout
from searchapp.whoosh_engine import limits
from searchapp.whoosh_engine.limits import CappedPrefix, cap_prefixes, snippet_terms

# 26 x 26 = 676 words beginning "ko", the first ones in more items than the rest.
WORDS = ["ko" + a + b for a, b in itertools.product(string.ascii_lowercase, repeat=2)]


@pytest.fixture(scope="module")
def wide_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("wide")
    items = []
    for n in range(40):
        # Item n holds the words from n * 17 on, and the first 20 words in every item.
        body = " ".join(WORDS[:20] + WORDS[n * 17 : n * 17 + 17])
        items.append(AgendaItem(id=f"kkr-wide-2025-01-01-{n}", committee="KKR Wide",
                                meeting_date="2025-01-01", number=str(n), title=f"Punkt {n}",
                                text=body, source="wide.pdf"))  # fmt: skip
    build_index(items, root)
    return root


def test_a_prefix_stands_for_its_most_frequent_terms(wide_index):
    engine = open_engine(wide_index)
    with engine.handle.index.searcher() as searcher:
        reader = searcher.reader()
        capped = cap_prefixes(wq.Prefix("text", "ko"), reader)
        assert isinstance(capped, CappedPrefix) and len(capped.btexts) == limits.PREFIX_TERMS
        kept = {b.decode() for b in capped.btexts}
        assert set(WORDS[:20]) <= kept  # in every item: the most frequent
        # A prefix within its share keeps every term it has.
        narrow = cap_prefixes(wq.Prefix("text", "koa"), reader)
        assert {b.decode() for b in narrow.btexts} == {w for w in WORDS if w.startswith("koa")}
        # Many prefixes share QUERY_TERMS between them.
        many = wq.Or([wq.Prefix("text", "ko")] * 40)
        shares = [len(q.btexts) for q in cap_prefixes(many, reader).leaves()]
        assert shares == [max(1, limits.QUERY_TERMS // 40)] * 40


def test_search_with_a_broad_prefix_still_finds_and_marks(wide_index):
    engine = open_engine(wide_index)
    result = engine.search(SearchRequest.from_params({"q": "ko*"}))
    assert result.total == 40  # every item has the frequent words
    assert "<mark>" in result.hits[0].snippet


def test_the_snippet_pattern_is_bounded():
    words = frozenset(f"ord{i:04d}" for i in range(1000))
    kept = snippet_terms(words)
    assert len(kept) == limits.SNIPPET_TERMS and kept <= words
    assert snippet_terms(frozenset({"a", "b"})) == {"a", "b"}


def test_a_search_past_its_deadline_stops(wide_index):
    engine = open_engine(wide_index)
    with pytest.raises(SearchTimeout):
        engine.search(SearchRequest.from_params({"q": "ko*"}), budget=RequestBudget(0))
    with pytest.raises(ClientGone):
        engine.search(SearchRequest.from_params({"q": "ko*"}),
                      budget=RequestBudget(10, disconnected=lambda: True))  # fmt: skip
    assert engine.search(SearchRequest.from_params({"q": "ko*"}),
                         budget=RequestBudget(10, disconnected=lambda: False)).total == 40


@pytest.fixture
def stopping_client(index_root, sources_root):
    """An app whose searches are all past their deadline at once."""
    config = dataclasses.replace(make_config(index_root, sources_root), search_seconds=0)
    return create_app(config).test_client()


def test_the_api_answers_503_in_the_json_shape(stopping_client):
    response = stopping_client.get("/api/search?q=budget")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "search_timeout" and "took longer than 0 s" in error["message"]
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_person_gets_a_page_saying_to_narrow_the_search(stopping_client):
    response = stopping_client.get("/?q=budget", headers={"Accept": "text/html"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Søgningen tog for lang tid" in page and "ELLER" in page
    feed = stopping_client.get("/feed?q=budget")
    assert feed.status_code == 503


def test_search_seconds_is_configured(tmp_path):
    from searchapp.config import ConfigError, config_from_dict

    assert config_from_dict({}, base=tmp_path).search_seconds == 3
    assert config_from_dict({"limits": {"search_seconds": 5}}, base=tmp_path).search_seconds == 5
    with pytest.raises(ConfigError, match="'limits.search_seconds' must be at least 1"):
        config_from_dict({"limits": {"search_seconds": 0}}, base=tmp_path)


def test_one_heavy_search_at_a_time(index_root, sources_root):
    """A search box of many prefixes waits for nobody: while one runs, another is
    told to come back (503, Retry-After); light searches are never held up."""
    import threading

    from searchapp.web.budget import EXTENSION, is_heavy

    heavy = " OR ".join(f"{a}{b}*" for a, b in itertools.product("kbr", "aeo"))
    assert is_heavy(heavy) and not is_heavy("budget OR ældre*")
    app = create_app(make_config(index_root, sources_root))
    client = app.test_client()
    assert client.get("/api/search", query_string={"q": heavy}).status_code == 200
    slot = app.extensions.setdefault(EXTENSION, threading.BoundedSemaphore(1))
    slot.acquire()  # a heavy search is running
    try:
        response = client.get("/api/search", query_string={"q": heavy})
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "search_busy"
        assert response.headers["Retry-After"] == "2"
        assert client.get("/api/search?q=budget").status_code == 200
    finally:
        slot.release()
