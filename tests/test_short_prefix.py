"""A prefix too short to look up ("ø*": one letter, where the index would have to read
half its words) is not searched, and the person is told so, in the API, on the page
and in the terminal: never an empty result without a word of why."""

from __future__ import annotations

from searchapp.cli import cli
from searchapp.query import SearchRequest, short_prefixes


def test_which_prefixes_are_too_short():
    assert short_prefixes("ø*") == ["ø*"]
    assert short_prefixes("a* budget (b*) -c* titel:d*") == ["a*", "b*", "c*", "d*"]
    assert short_prefixes('budget* ab* "ø*" x-y*') == []


def test_the_api_says_what_was_not_searched(client):
    body = client.get("/api/search?q=ø*").get_json()
    assert body["total"] == 0
    (note,) = body["query"]["interpreted"]["notes"]
    assert note["code"] == "prefix_too_short" and note["text"] == "ø*"
    assert "mindst 2 bogstaver" in note["message"]
    with_words = client.get("/api/search?q=a*+budget").get_json()
    plain = client.get("/api/search?q=budget").get_json()
    assert with_words["total"] == plain["total"] > 0  # the rest is searched
    assert [n["text"] for n in with_words["query"]["interpreted"]["notes"]] == ["a*"]
    assert plain["query"]["interpreted"]["notes"] == []


def test_the_engine_and_the_page_and_the_terminal(engine, client, runner, config_file):
    result = engine.search(SearchRequest(q="ø*"))
    assert result.total == 0 and result.query["interpreted"]["notes"]
    page = client.get("/?q=%C3%B8*").get_data(as_text=True)
    assert '<p class="note">»ø*« er ikke søgt på' in page
    output = runner.invoke(cli, ["search", "ø*", "--config", str(config_file)]).output
    assert "Not searched: ø* (a prefix needs 2 letters before *)" in output
