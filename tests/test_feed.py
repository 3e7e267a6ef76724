"""The Atom feed of a search: valid Atom, newest first, the search's filters applied,
everything escaped."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from conftest import PUBLIC_URL

A = "{http://www.w3.org/2005/Atom}"


def feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{A}feed"
    return root


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{A}entry")


def test_feed_is_valid_atom(client):
    root = feed(client, "/feed?q=budget")
    # RFC 4287: a feed has id, title, updated and an author; each entry id, title,
    # updated and a link (no content, so a summary)
    assert root.findtext(f"{A}id").startswith(f"{PUBLIC_URL}feed?")
    assert root.findtext(f"{A}title") == "Mødereferater: »budget«"
    assert root.findtext(f"{A}author/{A}name")
    self_link = root.find(f"{A}link[@rel='self']")
    assert self_link.get("href") == root.findtext(f"{A}id")
    alternate = root.find(f"{A}link[@rel='alternate']").get("href")
    assert parse_qs(urlsplit(alternate).query) == {"q": ["budget"], "sort": ["date_desc"]}
    assert len(entries(root)) == 2
    for entry in entries(root):
        for name in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{A}{name}"), name
        link = entry.find(f"{A}link").get("href")
        assert link == entry.findtext(f"{A}id")
        assert link.startswith(f"{PUBLIC_URL}items/")
        assert entry.findtext(f"{A}updated").endswith("T00:00:00Z")
    assert root.findtext(f"{A}updated") == "2024-06-03T00:00:00Z"  # the newest entry's date


def test_feed_entries_link_to_the_item_pages(client):
    for entry in entries(feed(client, "/feed?committee=KKR+Syddanmark")):
        path = urlsplit(entry.find(f"{A}link").get("href")).path
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200


def test_feed_lists_the_newest_items_first_even_for_a_query(client, items):
    root = feed(client, "/feed")
    dates = [e.findtext(f"{A}updated") for e in entries(root)]
    assert len(dates) == len(items)
    assert dates == sorted(dates, reverse=True)
    ranked = feed(client, "/feed?q=ældrereformen&sort=relevance")
    titles = [e.findtext(f"{A}title") for e in entries(ranked)]
    assert titles == ["Ældrereformen — KKR Hovedstaden, 11. april 2025",
                      "Ældrereformen i Sjælland — KKR Sjælland, 3. juni 2024"]  # fmt: skip


def test_feed_entries_name_their_meeting_and_the_feed_its_size(client, items):
    """Issue #18: entries titled "2.1. Siden sidst" could not be told apart; the feed
    did not say how many items it holds."""
    root = feed(client, "/feed")
    assert root.findtext(f"{A}subtitle") == f"{len(items)} punkter"
    titles = [e.findtext(f"{A}title") for e in entries(root)]
    assert len(set(titles)) == len(titles)
    assert all(" — KKR " in t and t[-4:].isdigit() for t in titles)
    two = feed(client, "/feed?per_page=2")
    assert len(entries(two)) == 2
    assert two.findtext(f"{A}subtitle") == f"De 2 nyeste af {len(items)} punkter"
    assert feed(client, "/feed?case=SAG-2021-00777").findtext(f"{A}subtitle") == "1 punkt"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("committee=KKR+Sj%C3%A6lland", 3),
        ("year=2021", 2),
        ("status=approved&status=rejected", 5),
        ("from=2025-01-01&to=2025-01-31", 3),
        ("case=SAG-2025-01103", 2),
        ("q=budget&committee=KKR+Hovedstaden", 0),
    ],
)
def test_feed_applies_the_filters_of_the_search(client, query, expected):
    root = feed(client, f"/feed?{query}")
    assert len(entries(root)) == expected
    api = client.get(f"/api/search?{query}&per_page=100").get_json()
    want = {f"{PUBLIC_URL}items/{hit['id']}" for hit in api["results"]}
    assert {e.findtext(f"{A}id") for e in entries(root)} == want


def test_feed_entries_say_committee_date_and_status(client):
    (entry,) = entries(feed(client, "/feed?case=SAG-2021-00777"))
    assert entry.find(f"{A}category").get("term") == "KKR Hovedstaden"
    summary = entry.findtext(f"{A}summary")
    assert summary == "KKR Hovedstaden · 19. april 2021 · Udsat\nBeslutning: Udsat til næste møde."


def test_feed_text_is_escaped_not_markup(client):
    response = client.get("/feed?q=passagerpulsen%20%3Cscript%3E")
    assert b"<script>" not in response.data
    root = ET.fromstring(response.data)
    assert root.findtext(f"{A}title") == "Mødereferater: »passagerpulsen <script>«"
    (entry,) = entries(feed(client, "/feed?q=passagerpulsen"))
    summary = entry.findtext(f"{A}summary")
    assert "<script>alert('x')</script>" in summary  # as text, with the marks taken out
    assert "<mark>" not in summary


@pytest.mark.parametrize(
    "query, param",
    [("from=notadate", "from"), ("from=tomorrow", "from"), ("page=0", "page"),
     ("per_page=10000", "per_page"), ("sort=bogus", "sort"), ("status=maybe", "status")],
)
def test_bad_feed_parameters_get_the_json_400_of_the_api(client, query, param):
    """Issue #18: the feed answered HTML for a bad date, and 200 for page=0,
    per_page=10000 and sort=bogus; a feed reader is no browser, so JSON, as /api."""
    for accept in ("text/html", "application/atom+xml", "*/*"):
        response = client.get(f"/feed?{query}", headers={"Accept": accept})
        assert response.status_code == 400, query
        error = response.get_json()["error"]
        assert error["code"] == "invalid_parameter" and param in error["message"]
        api = client.get(f"/api/search?{query}").get_json()
        assert api == response.get_json()


# --- Characters XML cannot hold (issue #14) ---------------------------------------------------

# Every control character (C0, DEL, C1) and the two noncharacters XML 1.0 forbids.
CONTROLS = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF]))
FORBIDDEN = set(CONTROLS) - set("\t\n\r")


def test_control_characters_never_reach_the_feed(tmp_path):
    """Through ingestion (a title in a text extraction holding every control character
    a text file can), then the query: the feed parses, and holds none of them."""
    from test_index import minutes

    from searchapp.config import Config
    from searchapp.index import reindex
    from searchapp.web import create_app

    title = "Budget" + "".join(c for c in CONTROLS if c not in "\x00\n\r") + "opfølgning"
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "kkr-testby-2025-02-03.txt").write_text(
        minutes("KKR Testby", "2025-02-03", title), encoding="utf-8"
    )
    report = reindex([sources], tmp_path / "index", workers=0)
    assert report.ok, report.failed
    client = create_app(
        Config(sources=[sources], index_path=tmp_path / "index", public_url=PUBLIC_URL)
    ).test_client()
    item = client.get("/api/search?q=budget").get_json()["results"][0]
    assert not FORBIDDEN & set(item["title"])  # removed when the file was read

    response = client.get("/feed", query_string={"q": CONTROLS + "budget"})
    assert response.status_code == 200
    root = ET.fromstring(response.data)  # well-formed
    assert not FORBIDDEN & set(response.data.decode("utf-8"))
    assert "budget" in root.findtext(f"{A}title")
    assert len(entries(root)) == 1


def test_control_characters_in_the_index_are_dropped_when_the_feed_is_written(tmp_path):
    """An index built before ingestion removed them (or by another tool)."""
    from conftest import make_items

    from searchapp.config import Config
    from searchapp.index import build_index
    from searchapp.web import create_app

    items = make_items(tmp_path / "sources")
    items[0].title = "Ældre" + CONTROLS + "reformen"
    items[0].committee = "KKR\x01Hovedstaden"
    build_index(items, tmp_path / "index")
    client = create_app(
        Config(sources=[tmp_path / "sources"], index_path=tmp_path / "index")
    ).test_client()
    response = client.get("/feed", query_string={"q": "\x01ældrereformen\x0b\x1f\x7f\x85"})
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    assert not FORBIDDEN & set(response.data.decode("utf-8"))
    titles = [e.findtext(f"{A}title") for e in entries(root)]
    assert any("Ældre" in t for t in titles), titles


def test_feed_links_use_the_public_url_not_the_host_header(client):
    response = client.get("/feed?q=budget", headers={"Host": "evil.example"},
                          base_url="http://evil.example")  # fmt: skip
    assert b"evil.example" not in response.data
    root = ET.fromstring(response.data)
    assert root.findtext(f"{A}id").startswith(PUBLIC_URL)
    assert all(e.findtext(f"{A}id").startswith(PUBLIC_URL) for e in entries(root))


def test_without_a_public_url_the_links_use_the_listening_address(tmp_path, index_root,
                                                                  sources_root):  # fmt: skip
    from searchapp.config import Config
    from searchapp.web import create_app

    config = Config(sources=[sources_root], index_path=index_root, host="10.0.0.5", port=8080)
    response = create_app(config).test_client().get("/feed", base_url="http://evil.example")
    assert b"evil.example" not in response.data
    assert ET.fromstring(response.data).findtext(f"{A}id") == "http://10.0.0.5:8080/feed"
