"""The HTML pages through Flask's test client, on the conftest items: the search page
(hits, facets, sort, pages, help when nothing matches, did-you-mean, errors), the item
page (sections, highlighting, PDF link, related items), escaping and accessibility."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from searchapp.config import Config


class Page(HTMLParser):
    """The parts of a page the tests look at: every start tag with its attributes,
    the headings in order with their text, and the text of elements with an id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[tuple[int, str]] = []
        self._heading: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data

    def find(self, tag: str, **attrs) -> list[dict]:
        return [
            a for t, a in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]  # fmt: skip

    def links(self) -> list[str]:
        return [a["href"] for t, a in self.tags if t == "a" and "href" in a]


def get(client, url: str, status: int = 200):
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def result_titles(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", t)
        for t in re.findall(r'<h3 class="hit-title"><a [^>]*>(.*?)</a></h3>', html)
    ]


# --- The search page ------------------------------------------------------------------


def test_search_page_shows_hits_with_their_details(client):
    html = get(client, "/?q=ældrereformen")
    assert "2 resultater for »ældrereformen«" in html
    assert set(result_titles(html)) == {"Ældrereformen", "Ældrereformen i Sjælland"}
    # committee, Danish date, item number and the status as a label
    assert "KKR Hovedstaden" in html and "KKR Sjælland" in html
    assert '<time datetime="2025-04-11">11. april 2025</time>' in html
    assert "Punkt 3.1" in html
    assert re.search(r'class="badge badge-discussed">Drøftet<', html)
    assert re.search(r'class="badge badge-noted">Taget til efterretning<', html)
    # the snippet keeps the core's <mark>; the title is marked the same way
    assert "<mark>" in re.search(r'<p class="snippet">(.*?)</p>', html, re.S)[1]
    assert "<mark>Ældrereformen</mark></a></h3>" in html


def test_result_links_carry_the_query_to_the_item_page(client):
    page = Page(get(client, "/?q=ældrereformen"))
    item_links = [h for h in page.links() if h.startswith("/items/")]
    assert "/items/kkr-hovedstaden-2025-04-11-3.1?q=%C3%A6ldrereformen" in item_links


def test_without_a_query_the_newest_items_come_first(client, items):
    html = get(client, "/")
    assert f"{len(items)} resultater" in html
    dates = re.findall(r'<time datetime="([\d-]+)">', html)
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == max(i.meeting_date for i in items)
    assert "nyeste først" in html


def test_facets_list_every_value_with_its_count(client):
    page = Page(get(client, "/"))
    html = get(client, "/")
    for legend in ("Udvalg", "År", "Beslutning", "Mødedato"):
        assert f"<legend>{legend}</legend>" in html
    boxes = {(a["name"], a["value"]) for a in page.find("input", type="checkbox")}
    assert ("committee", "KKR Sjælland") in boxes
    assert ("year", "2021") in boxes
    assert ("status", "postponed") in boxes
    # each checkbox belongs to the search form and has a label with the count
    for box in page.find("input", type="checkbox"):
        assert box["form"] == "soeg"
        assert page.find("label", for_=box["id"])
    assert re.search(r"KKR Sjælland</span> <span class=\"facet-count\">.*?3<", html)
    assert re.search(r">Udsat</span> <span class=\"facet-count\">.*?1<", html)


def test_a_chosen_facet_filters_is_checked_and_keeps_the_others_counts(client):
    html = get(client, "/?committee=KKR+Sj%C3%A6lland")
    assert "3 resultater" in html
    assert {"KKR Sjælland"} == set(re.findall(r"<span>(KKR [^<]+)</span>", html))
    page = Page(html)
    checked = [a["value"] for a in page.find("input", type="checkbox") if "checked" in a]
    assert checked == ["KKR Sjælland"]
    # the other committees stay offered, with their counts (facets ignore their own filter)
    assert re.search(r"KKR Hovedstaden</span> <span class=\"facet-count\">.*?6<", html)


def test_filters_combine_and_each_has_a_link_that_removes_it(client):
    html = get(client, "/?q=budget&committee=KKR+Sj%C3%A6lland&status=approved&year=2024")
    assert "1 resultat for »budget«" in html
    chips = re.findall(r'<a class="chip" href="([^"]+)">', html)
    assert len(chips) == 3
    removed = [params(h.replace("&amp;", "&")) for h in chips]
    assert {"q": ["budget"], "status": ["approved"], "year": ["2024"]} in removed
    assert {"q": ["budget"], "committee": ["KKR Sjælland"], "year": ["2024"]} in removed
    assert {"q": ["budget"], "committee": ["KKR Sjælland"], "status": ["approved"]} in removed
    # "Ryd alle filtre" keeps the words
    assert 'href="/?q=budget">Ryd alle filtre</a>' in html


def test_the_form_keeps_sort_case_and_page_size_of_the_current_search(client):
    page = Page(get(client, "/?q=budget&sort=date_asc&per_page=5&case=2025-01103"))
    hidden = {(a["name"], a["value"]) for a in page.find("input", type="hidden")}
    assert hidden == {("sort", "date_asc"), ("per_page", "5"), ("case", "2025-01103")}
    assert page.find("input", type="search", name="q", value="budget")


def test_date_range_filters_and_shows_in_the_inputs(client):
    html = get(client, "/?from=2024-01-01&to=2024-12-31")
    assert "3 resultater" in html
    page = Page(html)
    assert page.find("input", type="date", name="from", value="2024-01-01")
    assert page.find("input", type="date", name="to", value="2024-12-31")
    assert "Fra: 1. januar 2024" in html and "Til: 31. december 2024" in html


def test_empty_fields_of_the_form_redirect_to_the_short_url(client):
    response = client.get("/?q=budget&from=&to=&committee=KKR+Sj%C3%A6lland&utm_source=x")
    assert response.status_code == 302
    assert response.location == "/?q=budget&committee=KKR+Sj%C3%A6lland"


def test_sort_links_change_the_order(client):
    html = get(client, "/?q=ældrereformen")
    sort_nav = re.search(r'<nav class="sort".*?</nav>', html, re.S)[0]
    assert re.search(r'aria-current="true">Relevans<', sort_nav)
    newest = re.search(r'href="([^"]+)">Nyeste<', sort_nav)[1].replace("&amp;", "&")
    assert params(newest) == {"q": ["ældrereformen"], "sort": ["date_desc"]}
    oldest_first = get(client, "/?q=ældrereformen&sort=date_asc")
    assert result_titles(oldest_first) == ["Ældrereformen i Sjælland", "Ældrereformen"]
    newest_first = get(client, newest)
    assert result_titles(newest_first) == ["Ældrereformen", "Ældrereformen i Sjælland"]
    # without words there is nothing to rank by: no "Relevans"
    assert ">Relevans<" not in get(client, "/")


def test_pagination_pages_on_and_back(client, items):
    first = get(client, "/?per_page=5")
    assert "Viser 1–5" in first
    nav = re.search(r'<nav class="pagination".*?</nav>', first, re.S)[0]
    assert re.search(r'href="/\?per_page=5" aria-current="page"', nav)
    assert 'href="/?page=2&amp;per_page=5" rel="next"' in nav
    assert '<span class="disabled">‹ Forrige</span>' in nav
    last = get(client, "/?page=3&per_page=5")
    assert f"Viser 11–{len(items)}" in last
    nav = re.search(r'<nav class="pagination".*?</nav>', last, re.S)[0]
    assert 'href="/?page=2&amp;per_page=5" rel="prev"' in nav
    assert '<span class="disabled">Næste ›</span>' in nav
    assert set(result_titles(first)).isdisjoint(result_titles(last))


def test_a_page_beyond_the_last_says_so(client):
    html = get(client, "/?page=9&per_page=5")
    assert "Søgningen har kun 3 sider." in html
    assert 'href="/?per_page=5">Gå til første side' in html


def test_no_results_page_helps(client):
    html = get(client, "/?q=ældrereformen+kystbeskyttelse&committee=KKR+Sj%C3%A6lland")
    assert "0 resultater" in html
    assert "Prøv at" in html
    assert "bruge færre ord" in html
    assert "stave ordet på en anden måde" in html
    assert (
        'href="/?q=%C3%A6ldrereformen+kystbeskyttelse">fjerne filteret Udvalg: KKR Sjælland</a>'
        in html
    )
    assert 'href="/">se de nyeste punkter</a>' in html


def test_did_you_mean(client):
    html = get(client, "/?q=passagerpulsn&year=2021")
    link = re.search(r'Mente du <a href="([^"]+)">([^<]+)</a>\?', html)
    assert link[2] == "passagerpulsen"
    assert params(link[1].replace("&amp;", "&")) == {"q": ["passagerpulsen"], "year": ["2021"]}


@pytest.mark.parametrize(
    "query, says",
    [
        ("page=0", "Sidenummeret"),
        ("per_page=10000", "Antal resultater pr. side"),
        ("from=11-04-2025", "Fra-datoen"),
        ("from=2025-05-01&to=2025-01-01", "Fra-datoen"),
        ("sort=popular", "Sorteringen"),
        ("status=maybe", "Beslutningen skal være en af"),
        ("year=nineteen", "Året"),
        ("case=abc", "Sagsnummeret"),
    ],
)
def test_a_bad_parameter_gets_a_friendly_400_in_danish(client, query, says):
    html = get(client, f"/?q=budget&{query}", status=400)
    assert '<html lang="da">' in html
    assert "<h1>Søgningen kan ikke udføres</h1>" in html
    assert says in html
    assert "Traceback" not in html
    retry = re.search(r'<a href="([^"]+)">Søg uden den værdi', html)[1]
    assert get(client, retry.replace("&amp;", "&"))  # the link leads to a search that works


def test_an_index_not_built_yet_gets_a_503_page(sources_root, tmp_path):
    from searchapp.web import create_app

    app = create_app(Config(sources=[sources_root], index_path=tmp_path / "none"))
    client = app.test_client()
    html = get(client, "/", status=503)
    assert "Søgningen er ikke klar endnu" in html


# --- The item page --------------------------------------------------------------------


def test_item_page_shows_the_whole_item(client):
    html = get(client, "/items/kkr-hovedstaden-2025-04-11-3.2")
    page = Page(html)
    assert page.headings[0] == (1, "Mobilitetsanalyse for hovedstadsområdet")
    assert [h for level, h in page.headings if level == 2][:3] == [
        "Punktets tekst", "Indstilling", "Beslutning Godkendt",
    ]  # fmt: skip
    assert "Det indstilles, at analysen godkendes." in html
    assert '<dd><time datetime="2025-04-11">11. april 2025</time></dd>' in html
    assert "<dd>3.2</dd>" in html and "<dd>3. Sager</dd>" in html
    # the case number is a search for the case; the committee a search for the committee
    assert '<a href="/?case=SAG-2025-00420">SAG-2025-00420</a>' in html
    assert '<a href="/?committee=KKR+Hovedstaden">KKR Hovedstaden</a>' in html
    # the decision: linked from the top, and set apart
    assert '<a class="button" href="#beslutning">Gå til beslutning</a>' in html
    assert re.search(r'<section class="section decision" id="beslutning"[^>]*>\s*<h2', html)
    # cited links, as links that pass no rank and no window
    assert (
        '<a href="https://www.kl.dk/mobilitet" rel="noopener nofollow">https://www.kl.dk/mobilitet</a>'
        in html
    )


def test_item_page_links_the_pdf_at_the_items_page(client):
    html = get(client, "/items/kkr-hovedstaden-2025-04-11-3.1")
    link = re.search(r'<a class="button button-secondary" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert link[1] == "/files/hovedstaden/kkr-hovedstaden-2025-04-11.pdf#page=4"
    assert link[2] == "Åbn PDF på side 4"
    pdf = client.get(link[1].split("#")[0])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # an item from a text file has no PDF to open
    assert "Åbn PDF" not in get(client, "/items/kkr-syddanmark-2025-01-20-1.2")


def test_item_page_links_the_meeting_and_the_case(client):
    html = get(client, "/items/kkr-hovedstaden-2025-04-11-3.1?q=reform")
    meeting = re.search(r'<ol class="related-list meeting-list">.*?</ol>', html, re.S)[0]
    numbers = re.findall(r'<span class="num">([^<]+)</span>', meeting)
    assert numbers == ["3.1", "3.2", "3.9", "3.10"]  # agenda order, 3.10 after 3.9
    assert 'aria-current="page"><span class="num">3.1<' in meeting
    assert 'href="/items/kkr-hovedstaden-2025-04-11-3.2?q=reform"' in meeting
    case = re.search(r'<h2 id="h-case">.*?</section>', html, re.S)[0]
    assert 'href="/items/kkr-sjaelland-2024-06-03-2.3?q=reform"' in case
    assert "KKR Sjælland, 3. juni 2024, punkt 2.3" in case
    assert 'href="/?case=SAG-2025-01103">Alle punkter i sag SAG-2025-01103</a>' in case


def test_item_page_marks_the_words_of_the_search(client):
    html = get(client, "/items/kkr-hovedstaden-2025-04-11-3.1?q=reform")
    # the part of a compound that matched, in any case and inflection
    assert "<h1>Ældre<mark>reformen</mark></h1>" in html
    assert "drøfter ældre<mark>reformen</mark> og" in html
    assert "Ordene fra søgningen »reform« er <mark>markeret</mark>" in html
    assert 'href="/items/kkr-hovedstaden-2025-04-11-3.1">Vis uden markering' in html
    plain = get(client, "/items/kkr-hovedstaden-2025-04-11-3.1")
    assert "<mark>" not in plain


def test_item_page_does_not_mark_excluded_words(client):
    html = get(client, "/items/kkr-hovedstaden-2025-04-11-3.1?q=dialogmødet+-ældreministeren")
    assert "<mark>dialogmødet</mark>" in html
    assert "<mark>ældreministeren</mark>" not in html


def test_unknown_item_gets_a_404_page_in_danish(client):
    html = get(client, "/items/no-such-item", status=404)
    assert '<html lang="da">' in html
    assert "<h1>Punktet findes ikke</h1>" in html


# --- Escaping ---------------------------------------------------------------------------


def test_markup_in_item_text_is_escaped(client):
    for url in ("/items/kkr-hovedstaden-2021-04-19-3.6", "/?q=passagerpulsen"):
        html = get(client, url)
        assert "<script>alert" not in html
        assert "<b>fed</b>" not in html
        assert "&lt;script&gt;alert(" in html
    item = get(client, "/items/kkr-hovedstaden-2021-04-19-3.6?q=passagerpulsen")
    assert "&lt;b&gt;fed&lt;/b&gt; tekst &amp; mere" in item


def test_markup_in_the_query_is_escaped(client):
    q = "%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E"
    for url in (f"/?q={q}", f"/items/kkr-hovedstaden-2025-04-11-3.1?q={q}", f"/?q={q}&page=0"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Twins, feed link, accessibility ----------------------------------------------------------


def test_search_page_links_its_json_twin_and_feed(client):
    html = get(client, "/?q=budget&committee=KKR+Sj%C3%A6lland&page=1")
    page = Page(html)
    (json_link,) = page.find("link", rel="alternate", type="application/json")
    (feed_link,) = page.find("link", rel="alternate", type="application/atom+xml")
    assert f'href="{json_link["href"].replace("&", "&amp;")}">JSON</a>' in html
    assert ">Følg denne søgning (Atom)</a>" in html
    data = client.get(json_link["href"]).get_json()
    assert data["total"] == 2
    assert data["query"]["committee"] == ["KKR Sjælland"]
    assert params(feed_link["href"]) == {"q": ["budget"], "committee": ["KKR Sjælland"]}
    assert client.get(feed_link["href"]).mimetype == "application/atom+xml"


def test_item_page_links_its_json_twin(client):
    page = Page(get(client, "/items/kkr-hovedstaden-2025-04-11-3.2"))
    (json_link,) = page.find("link", rel="alternate", type="application/json")
    assert json_link["href"] == "/api/items/kkr-hovedstaden-2025-04-11-3.2"
    assert client.get(json_link["href"]).get_json()["title"].startswith("Mobilitetsanalyse")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=ældrereformen&committee=KKR+Hovedstaden",
        "/?q=zzzz",
        "/?page=0",
        "/items/kkr-hovedstaden-2025-04-11-3.1?q=reform",
        "/items/no-such-item",
    ],
)
def test_pages_are_danish_labelled_and_have_ordered_headings(client, url):
    response = client.get(url, headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert html.startswith('<!doctype html>\n<html lang="da">')
    page = Page(html)
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert page.find("a", class_="skip-link", href="#indhold")
    assert page.find("main", id="indhold")
    for field in page.find("input"):
        if field.get("type") != "hidden":
            assert page.find("label", for_=field["id"]), field
    # no inline script or style: the Content-Security-Policy allows neither
    assert not [a for t, a in page.tags if t == "script" and "src" not in a]
    assert not [a for t, a in page.tags if "style" in a] and "<style" not in html




def test_text_outside_sections_keeps_sections_whole_when_one_quotes_another():
    """Ballerup's eDoc export: a section "Beslutningen træffes af" whose text is the
    committee's name, which the Indstilling and the decision's heading also hold. Taking
    the short one out first cut the committee out of the others, and their remains showed
    as loose text ("... under <br> godkendes.", "s beslutning den 04.12.2012 Punkt 2")."""
    from searchapp.web.pages import text_outside_sections

    committee = "Sundheds- og Forebyggelsesudvalget"
    recommendation = f"A) De foreslåede arbejder under {committee} godkendes."
    item = {
        "title": "Bygningsvedligeholdelse 2013",
        "number": "2",
        "text": (f"Bygningsvedligeholdelse 2013\nBeslutningen træffes af\n{committee}\n"
                 f"Indstilling\n{recommendation}\n"
                 f"{committee}s beslutning den 04.12.2012 Punkt 2\nIndstillingen godkendt"),
        "sections": [
            {"name": "Beslutningen træffes af", "kind": "other", "text": committee},
            {"name": "Indstilling", "kind": "recommendation", "text": recommendation},
            {"name": f"{committee}s beslutning den 04.12.2012 Punkt 2", "kind": "decision",
             "text": "Indstillingen godkendt"},
        ],
    }
    assert text_outside_sections(item) == ""
