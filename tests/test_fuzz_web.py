"""Every page and endpoint fuzzed with whatever a client might send: never a 500, never
a traceback, never the client's markup echoed unescaped. And no HTTP route writes."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchapp.web import create_app

PARAMS = ["q", "committee", "status", "year", "from", "to", "case", "sort", "page", "per_page"]
NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "%00",
    "\x00",
    "../../etc/passwd",
    "9" * 40,
    "-1",
    "0",
    "2025-02-30",
    "titel:",
    'beslutning:"',
    "(((",
    "*",
    "ældre*",
    "æøå" * 50,
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
queries = st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=6)
MARKUP = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def fuzz_client(index_root, sources_root):
    from conftest import make_config

    app = create_app(make_config(index_root, sources_root))
    app.config["TESTING"] = False  # errors go through the real handlers, as in production
    return app.test_client()


def check(response):
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:500]
    assert "Traceback" not in body
    if "html" in response.content_type:
        assert MARKUP not in body


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(params=queries, path=st.sampled_from(["/", "/api/search", "/api/search.csv", "/feed"]))
def test_search_surfaces_never_fail(fuzz_client, params, path):
    check(fuzz_client.get(path + "?" + urlencode(params)))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(item_id=st.one_of(st.sampled_from(NASTY), st.text(max_size=60)), q=values)
def test_item_pages_never_fail(fuzz_client, item_id, q):
    from urllib.parse import quote

    for prefix in ("/items/", "/api/items/"):
        check(fuzz_client.get(prefix + quote(item_id, safe="") + "?" + urlencode({"q": q})))


def test_markup_in_the_query_is_escaped(fuzz_client):
    response = fuzz_client.get("/?" + urlencode({"q": MARKUP}))
    body = response.get_data(as_text=True)
    assert MARKUP not in body
    assert "&lt;script&gt;" in body


def test_no_route_changes_the_index(index_root, sources_root):
    from conftest import make_config

    app = create_app(make_config(index_root, sources_root))
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/alerts", "/api/alerts")):
            # Sign-ups, confirmations and unsubscribes write the alerts' own database.
            assert app.view_functions[rule.endpoint].__module__ == "searchapp.web.alerts"
            continue
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, (rule.rule, rule.methods)
