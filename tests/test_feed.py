"""The Atom feed of a search: valid Atom, newest first, the search's filters applied,
everything escaped."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest

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
    assert root.findtext(f"{A}id").startswith("http://localhost/feed?")
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
        assert link.startswith("http://localhost/items/")
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
    assert titles == ["3.1. Ældrereformen", "2.3. Ældrereformen i Sjælland"]


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
    want = {f"http://localhost/items/{hit['id']}" for hit in api["results"]}
    assert {e.findtext(f"{A}id") for e in entries(root)} == want


def test_feed_entries_say_committee_date_and_status(client):
    (entry,) = entries(feed(client, "/feed?case=SAG-2021-00777"))
    assert entry.find(f"{A}category").get("term") == "KKR Hovedstaden"
    summary = entry.findtext(f"{A}summary")
    assert summary.startswith("KKR Hovedstaden · 19. april 2021 · Udsat\n")
    assert "SOSU" in summary


def test_feed_text_is_escaped_not_markup(client):
    response = client.get("/feed?q=passagerpulsen%20%3Cscript%3E")
    assert b"<script>" not in response.data
    root = ET.fromstring(response.data)
    assert root.findtext(f"{A}title") == "Mødereferater: »passagerpulsen <script>«"
    (entry,) = entries(feed(client, "/feed?q=passagerpulsen"))
    summary = entry.findtext(f"{A}summary")
    assert "<script>alert('x')</script>" in summary  # as text, with the marks taken out
    assert "<mark>" not in summary


def test_bad_feed_parameters_get_a_400(client):
    response = client.get("/feed?from=tomorrow", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "Fra-datoen" in response.get_data(as_text=True)
