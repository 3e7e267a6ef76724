"""The search core without HTTP: request validation, the query language, filters,
facets, sorting, paging, snippets, suggestions and item lookups."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import HOVEDSTADEN, SJAELLAND, SYDDANMARK, make_items
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from searchapp.engine import IndexNotFound, open_engine
from searchapp.models import STATUS_LABELS, STATUSES
from searchapp.query import BadRequest, SearchRequest
from searchapp.results import CSV_COLUMNS


def run(engine, **params):
    return engine.search(SearchRequest.from_params(MultiDict(params))).to_dict()


def summaries(found) -> list[dict]:
    return [summary.to_dict() for summary in found]


def ids(result) -> list[str]:
    return [hit["id"] for hit in result["results"]]


def facet(result, name) -> dict[str, int]:
    return {entry["value"]: entry["count"] for entry in result["facets"][name]}


# --- SearchRequest.from_params ------------------------------------------------------------


def test_request_defaults():
    request = SearchRequest.from_params(MultiDict())
    assert request == SearchRequest()
    assert request.effective_sort == "date_desc"
    assert request.to_dict() == {
        "q": "", "municipality": [], "committee": [], "status": [], "year": [], "party": [],
        "position": [], "person": [], "from": None, "to": None, "case": None,
        "attachments": "include", "sort": "date_desc", "page": 1, "per_page": 20,
    }  # fmt: skip


def test_request_every_parameter():
    request = SearchRequest.from_params(MultiDict([
        ("q", "  ældrereformen "), ("committee", HOVEDSTADEN), ("committee", SJAELLAND),
        ("status", "approved"), ("status", "NOTED"), ("year", "2025"), ("year", "2024"),
        ("from", "2024-01-01"), ("to", "2025-12-31"), ("case", "2025-01103"),
        ("sort", "date_asc"), ("page", "2"), ("per_page", "5"),
    ]))  # fmt: skip
    assert request.q == "ældrereformen"
    assert request.committee == (HOVEDSTADEN, SJAELLAND)
    assert request.status == ("approved", "noted")
    assert request.year == ("2025", "2024")
    assert request.date_from == date(2024, 1, 1) and request.date_to == date(2025, 12, 31)
    assert request.case == "SAG-2025-01103"
    assert (request.sort, request.page, request.per_page) == ("date_asc", 2, 5)
    echoed = request.to_dict()
    assert echoed["from"] == "2024-01-01" and echoed["case"] == "SAG-2025-01103"


def test_request_from_plain_dict_and_blank_values():
    request = SearchRequest.from_params(
        {"q": "", "committee": ["", HOVEDSTADEN, HOVEDSTADEN], "from": " ", "page": "3"}
    )
    assert request.q == "" and request.committee == (HOVEDSTADEN,)
    assert request.date_from is None and request.page == 3


def test_sort_defaults_to_relevance_with_words():
    assert SearchRequest.from_params({"q": "budget"}).effective_sort == "relevance"
    assert SearchRequest.from_params({"sort": "relevance"}).effective_sort == "date_desc"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "٣"}, "page"),  # a digit, but not an ASCII one
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "10000"}, "per_page"),
        ({"page": "200", "per_page": "100"}, "page"),  # beyond the paging window
        ({"from": "2025-13-01"}, "from"),
        ({"from": "11-04-2025"}, "from"),
        ({"to": "2025-02-30"}, "to"),
        ({"to": "20250101"}, "to"),
        ({"from": "2025-05-01", "to": "2025-04-01"}, "from"),
        ({"sort": "newest"}, "sort"),
        ({"status": "maybe"}, "status"),
        ({"year": "25"}, "year"),
        ({"year": "1850"}, "year"),
        ({"case": "not-a-case"}, "case"),
        ({"q": "x" * 501}, "q"),
        ({"committee": [f"c{i}" for i in range(51)]}, "committee"),
        ({"committee": "x" * 201}, "committee"),
    ],
)
def test_request_rejects(params, param):
    with pytest.raises(BadRequest) as caught:
        SearchRequest.from_params(params)
    assert caught.value.code == "invalid_parameter"
    assert caught.value.param == param
    assert param in caught.value.message


def test_request_limits_are_inclusive():
    SearchRequest.from_params({"q": "x" * 500, "per_page": "100", "page": "100"})


# --- The query language ---------------------------------------------------------------------


def test_all_words_must_match(engine):
    assert set(ids(run(engine, q="ældrereformen"))) == {
        "kkr-hovedstaden-2025-04-11-3.1", "kkr-sjaelland-2024-06-03-2.3",
    }  # fmt: skip
    assert ids(run(engine, q="ældrereformen dialogmødet")) == [
        "kkr-hovedstaden-2025-04-11-3.1"
    ]


def test_stemming_folding_and_compounds(engine):
    # Inflected, spelt without Danish letters, a compound's part.
    assert ids(run(engine, q="passagerpulsens"))[0] == "kkr-hovedstaden-2021-04-19-3.6"
    assert "kkr-hovedstaden-2025-04-11-3.1" in ids(run(engine, q="aeldrereformen"))
    assert "kkr-hovedstaden-2025-04-11-3.1" in ids(run(engine, q="reform"))


def test_title_outranks_body(engine):
    result = run(engine, q="rusmiddelbrug")
    assert ids(result) == ["kkr-hovedstaden-2025-04-11-3.10", "kkr-hovedstaden-2025-04-11-3.9"]
    scores = [hit["score"] for hit in result["results"]]
    assert scores[0] > scores[1] > 0


def test_phrases(engine):
    assert ids(run(engine, q='"rød løber"')) == ["kkr-hovedstaden-2025-04-11-3.2"]
    # The words, but not next to each other: no phrase.
    assert ids(run(engine, q='"løber rød"')) == []
    # A phrase of stop words only is still found as written (the `exact` field).
    assert ids(run(engine, q='"Social- og Boligstyrelsen"')) == [
        "kkr-hovedstaden-2025-04-11-3.10"
    ]


def test_exact_phrase_outranks_inflected_one(engine, tmp_path):
    items = make_items(tmp_path)[:1]
    exact = items[0]
    other = type(exact)(**{**exact.to_dict(), "id": "other", "text": "De røde løbere."})
    exact.text = "Den rød løber."
    from searchapp.index import build_index

    build_index([other, exact], tmp_path / "ix")
    result = run(open_engine(tmp_path / "ix"), q='"rød løber"')
    assert ids(result) == [exact.id, "other"]


def test_or_not_and_minus(engine):
    either = set(ids(run(engine, q="fingerplanen OR passagerpulsen")))
    assert either == {"kkr-syddanmark-2025-01-20-1.2", "kkr-hovedstaden-2021-04-19-3.6"}
    assert set(ids(run(engine, q="fingerplanen ELLER passagerpulsen"))) == either
    budget = set(ids(run(engine, q="budget")))
    assert budget == {"kkr-sjaelland-2024-06-03-2.1", "kkr-sjaelland-2024-06-03-2.2"}
    for q in ("budget -anlæg", "budget NOT anlæg", "budget IKKE anlæg"):
        assert ids(run(engine, q=q)) == ["kkr-sjaelland-2024-06-03-2.2"], q
    # Only exclusions: everything else.
    assert run(engine, q="-budget")["total"] == len(make_items_ids()) - 2


def test_excluding_a_field_a_filter_or_a_prefix(engine):
    # A minus in front of a field name or a prefix excludes what it names.
    assert ids(run(engine, q="ældrereformen -udvalg:sjælland")) == [
        "kkr-hovedstaden-2025-04-11-3.1"
    ]
    assert ids(run(engine, q="budget -titel:driften")) == ["kkr-sjaelland-2024-06-03-2.1"]
    assert ids(run(engine, q="budget -status:afvist")) == ["kkr-sjaelland-2024-06-03-2.2"]
    assert ids(run(engine, q="budget -anlæ*")) == ["kkr-sjaelland-2024-06-03-2.2"]
    assert ids(run(engine, q="ældrereformen -sag:2025-01103")) == []


def make_items_ids():
    from pathlib import Path

    return [item.id for item in make_items(Path("/x"))]


def test_hyphenated_word_is_not_a_minus(engine):
    assert ids(run(engine, q="SOSU-uddannelserne")) == ["kkr-hovedstaden-2021-04-19-3.8"]


def test_prefix(engine):
    assert ids(run(engine, q="mobilitet*")) == ["kkr-hovedstaden-2025-04-11-3.2"]
    assert ids(run(engine, q="passager*")) == ["kkr-hovedstaden-2021-04-19-3.6"]


def test_field_prefixes(engine):
    assert ids(run(engine, q="titel:budget", sort="date_asc")) == [
        "kkr-sjaelland-2024-06-03-2.1", "kkr-sjaelland-2024-06-03-2.2",
    ]  # fmt: skip
    # In the body but not in a title.
    assert ids(run(engine, q="titel:dialogmødet")) == []
    assert ids(run(engine, q="beslutning:udsat")) == ["kkr-hovedstaden-2021-04-19-3.8"]
    assert ids(run(engine, q="Indstilling:godkendes")) == ["kkr-hovedstaden-2025-04-11-3.2"]
    assert ids(run(engine, q="sagsfremstilling:ældreministeren")) == [
        "kkr-hovedstaden-2025-04-11-3.1"
    ]


def test_committee_status_and_case_prefixes(engine):
    assert run(engine, q="udvalg:sjælland")["total"] == 3
    assert run(engine, q='udvalg:"KKR Syddanmark"')["total"] == 3
    assert run(engine, q="udvalg:kkr")["total"] == 12
    assert ids(run(engine, q="udvalg:sjælland ældrereformen")) == [
        "kkr-sjaelland-2024-06-03-2.3"
    ]
    assert run(engine, q="udvalg:nowhere")["total"] == 0
    assert facet(run(engine, q="status:godkendt"), "status") == {"approved": 4}
    assert facet(run(engine, q="status:efterretning"), "status") == {"noted": 3}
    assert facet(run(engine, q="status:postponed"), "status") == {"postponed": 1}
    for q in ("sag:2025-01103", "sag:SAG-2025-01103", "SAG-2025-01103", "sag 2025-01103",
              "sagsnr. 2025-01103", "2025-01103"):  # fmt: skip
        assert set(ids(run(engine, q=q))) == {
            "kkr-hovedstaden-2025-04-11-3.1", "kkr-sjaelland-2024-06-03-2.3",
        }, q  # fmt: skip


@pytest.mark.parametrize(
    "q",
    ['"unclosed phrase', "((((budget", "budget))", "AND", "OR OR OR", "NOT", "-", "--",
     "titel:", "udvalg:", "*", "**budget", "a*", "budget^", "budget^x", "[a TO b]",
     "{x}", "titel:(", '""', "\x00", "item_json:budget", "*:*", "sag:", "<script>",
     "(" * 300 + "budget"],
)  # fmt: skip
def test_odd_queries_never_fail(engine, q):
    result = run(engine, q=q)
    assert result["total"] >= 0


def test_unparsable_query_falls_back_to_its_words(engine):
    assert ids(run(engine, q="((((((((fingerplanen")) == ["kkr-syddanmark-2025-01-20-1.2"]
    assert ids(run(engine, q="titel:(fingerplanen")) == ["kkr-syddanmark-2025-01-20-1.2"]


def test_stop_words_alone_find_nothing(engine):
    assert run(engine, q="og i")["total"] == 0


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=st.text(max_size=80))
def test_any_query_string_is_searchable(engine, q):
    result = engine.search(SearchRequest(q=q.strip())).to_dict()
    assert result["total"] == len(search_rows_ids(engine, q.strip()))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    q=st.lists(
        st.sampled_from(
            [
                "budget",
                "OR",
                "AND",
                "NOT",
                "-",
                '"',
                "(",
                ")",
                "*",
                "titel:",
                "udvalg:",
                "sag:",
                "status:",
                "ældre",
                "reform*",
                "2025-01103",
                "^2",
                " ",
            ]
        ),
        max_size=8,
    ).map("".join)
)
def test_any_query_syntax_is_searchable(engine, q):  # fmt: skip
    engine.search(SearchRequest(q=q.strip()))


def search_rows_ids(engine, q):
    return [row["id"] for row in engine.rows(SearchRequest(q=q))]


# --- Filters and facets ------------------------------------------------------------------------


def test_no_query_lists_everything_newest_first(engine, items):
    result = run(engine, per_page="100")
    assert result["total"] == len(items) == len(result["results"])
    dates = [hit["meeting_date"] for hit in result["results"]]
    assert dates == sorted(dates, reverse=True)
    # Within a meeting: agenda order, 3.9 before 3.10.
    meeting = [h["number"] for h in result["results"] if h["meeting_date"] == "2025-04-11"]
    assert meeting == ["3.1", "3.2", "3.9", "3.10"]
    assert all(hit["score"] is None for hit in result["results"])


def test_committee_filter_several_values(engine):
    result = run(engine, committee=[SJAELLAND, SYDDANMARK])
    assert result["total"] == 6
    assert {hit["committee"] for hit in result["results"]} == {SJAELLAND, SYDDANMARK}
    # Any case of the name.
    assert run(engine, committee="kkr sjælland")["total"] == 3


def test_status_year_date_and_case_filters(engine):
    assert run(engine, status="approved")["total"] == 4
    assert run(engine, status=["approved", "rejected"])["total"] == 5
    assert run(engine, year="2021")["total"] == 2
    assert run(engine, year=["2021", "2024"])["total"] == 5
    assert run(engine, **{"from": "2025-01-01"})["total"] == 7
    assert run(engine, to="2024-06-03")["total"] == 5
    assert run(engine, **{"from": "2024-06-03", "to": "2024-06-03"})["total"] == 3
    assert run(engine, **{"from": "2022-01-01", "to": "2023-12-31"})["total"] == 0
    for case in ("SAG-2025-01103", "2025-01103", "sag-2025-01103"):
        assert run(engine, case=case)["total"] == 2
    assert run(engine, case="2025-99999")["total"] == 0


def test_filters_combine_with_words(engine):
    result = run(engine, q="ældrereformen", committee=SJAELLAND, year="2024")
    assert ids(result) == ["kkr-sjaelland-2024-06-03-2.3"]


def test_facets_over_everything(engine, items):
    result = run(engine)
    assert result["facets"]["committee"] == [
        {"value": HOVEDSTADEN, "count": 6},
        {"value": SJAELLAND, "count": 3},
        {"value": SYDDANMARK, "count": 3},
    ]
    assert result["facets"]["year"] == [
        {"value": "2025", "count": 7}, {"value": "2024", "count": 3},
        {"value": "2021", "count": 2},
    ]  # fmt: skip
    statuses = result["facets"]["status"]
    assert statuses[0] == {"value": "approved", "label": "Godkendt", "count": 4}
    # Every status the items have, and only those, each with its Danish label.
    assert {s["value"] for s in statuses} == {item.status for item in items}
    assert {s["value"] for s in statuses} <= set(STATUSES)
    assert all(s["label"] == STATUS_LABELS[s["value"]] for s in statuses)
    counts = [s["count"] for s in statuses]
    assert counts == sorted(counts, reverse=True)


def test_facet_counts_ignore_their_own_filter(engine):
    result = run(engine, committee=SJAELLAND)
    assert result["total"] == 3
    # The other committees keep their counts, so one can add or switch to them ...
    assert facet(result, "committee") == {HOVEDSTADEN: 6, SJAELLAND: 3, SYDDANMARK: 3}
    # ... while the other facets count only Sjælland's items.
    assert facet(result, "year") == {"2024": 3}
    assert facet(result, "status") == {"approved": 1, "rejected": 1, "noted": 1}

    result = run(engine, committee=SJAELLAND, status="approved")
    assert result["total"] == 1
    assert facet(result, "committee") == {HOVEDSTADEN: 2, SJAELLAND: 1, SYDDANMARK: 1}
    assert facet(result, "status") == {"approved": 1, "rejected": 1, "noted": 1}
    assert facet(result, "year") == {"2024": 1}

    result = run(engine, year="2021")
    assert facet(result, "year") == {"2025": 7, "2024": 3, "2021": 2}
    assert facet(result, "committee") == {HOVEDSTADEN: 2}


def test_facets_follow_the_words(engine):
    result = run(engine, q="ældrereformen")
    assert facet(result, "committee") == {HOVEDSTADEN: 1, SJAELLAND: 1}
    assert facet(result, "status") == {"discussed": 1, "noted": 1}


# --- Sorting and paging ------------------------------------------------------------------------


def test_sort_orders(engine):
    newest = ids(run(engine, q="ældrereformen", sort="date_desc"))
    oldest = ids(run(engine, q="ældrereformen", sort="date_asc"))
    assert newest == ["kkr-hovedstaden-2025-04-11-3.1", "kkr-sjaelland-2024-06-03-2.3"]
    assert oldest == newest[::-1]
    result = run(engine, sort="date_asc", per_page="3")
    assert [h["meeting_date"] for h in result["results"]] == ["2021-04-19"] * 2 + ["2024-06-03"]
    assert [h["number"] for h in result["results"]][:2] == ["3.6", "3.8"]
    relevance = run(engine, q="rusmiddelbrug", sort="relevance")
    assert relevance["query"]["sort"] == "relevance"


def test_paging(engine, items):
    everything = ids(run(engine, per_page="100"))
    pages = [run(engine, per_page="5", page=str(n)) for n in (1, 2, 3)]
    assert [ids(p) for p in pages] == [everything[0:5], everything[5:10], everything[10:]]
    assert all(p["total"] == len(items) and p["pages"] == 3 for p in pages)
    beyond = run(engine, per_page="5", page="9")
    assert beyond["results"] == [] and beyond["total"] == len(items)


def test_nothing_found(engine):
    result = run(engine, q="zzzzqqq")
    assert result["total"] == 0 and result["pages"] == 0 and result["results"] == []
    assert result["facets"] == {"municipality": [], "committee": [], "year": [], "status": [],
                                "party": []}  # fmt: skip


# --- Results and snippets ----------------------------------------------------------------------


def test_hit_shape(engine):
    hit = run(engine, q="ældrereformen dialogmødet")["results"][0]
    assert set(hit) == {
        "id", "url", "pdf_url", "committee", "meeting_date", "number", "title",
        "case_number", "status", "status_label", "snippet", "score",
        # issue #13: where the item is from and whether it is closed
        "source_url", "municipality", "meeting_id", "meeting_time", "place", "closed",
        # issue #17: the meeting's page, the stands the decision states
        "meeting_url", "positions",
        # issue #16: an item found through its attachment says where
        "found_in",
    }  # fmt: skip
    assert hit["found_in"] is None
    assert hit["url"] == "/items/kkr-hovedstaden-2025-04-11-3.1"
    assert hit["pdf_url"] == "/files/hovedstaden/kkr-hovedstaden-2025-04-11.pdf#page=4"
    assert hit["case_number"] == "SAG-2025-01103"
    assert (hit["status"], hit["status_label"]) == ("discussed", "Drøftet")
    assert (hit["committee"], hit["meeting_date"], hit["number"]) == (
        HOVEDSTADEN, "2025-04-11", "3.1",
    )  # fmt: skip


def test_pdf_url_only_for_pdfs_inside_a_source(engine, index_root):
    hit = run(engine, q="fingerplanen")["results"][0]
    assert hit["pdf_url"] is None  # a .txt source
    # Without the source folders no link can be made.
    bare = open_engine(index_root).search(SearchRequest(q="ældrereformen dialogmødet"))
    assert bare.to_dict()["results"][0]["pdf_url"] is None


def test_snippet_marks_the_words(engine):
    snippet = run(engine, q="dialogmødet")["results"][0]["snippet"]
    assert "<mark>dialogmødet</mark>" in snippet
    snippet = run(engine, q="reform")["results"][0]["snippet"]
    assert "ældre<mark>reformen</mark>" in snippet.lower()
    # Excluded words are not marked.
    snippets = [h["snippet"] for h in run(engine, q="budgettet -anlæg")["results"]]
    assert snippets == ["<mark>Budgettet</mark> for driften i Region Sjælland."]


def test_snippet_finds_a_hit_beyond_32_kb(engine, items):
    long_item = next(i for i in items if i.id.endswith("3.9"))
    assert len(long_item.text.encode()) > 40_000
    assert long_item.text.rindex("rusmiddelbrug") > 40_000
    result = run(engine, q="rusmiddelbrug")
    snippet = next(h["snippet"] for h in result["results"] if h["id"] == long_item.id)
    assert "<mark>rusmiddelbrug</mark>" in snippet
    assert snippet.startswith("… ") and len(snippet) < 600


def test_snippet_escapes_the_text(engine):
    for q in ("passagerpulsen", "script", "alert", ""):
        result = run(engine, q=q, **({"year": "2021"} if not q else {}))
        hit = next(h for h in result["results"] if h["id"] == "kkr-hovedstaden-2021-04-19-3.6")
        snippet = hit["snippet"]
        assert "<script" not in snippet and "<b>" not in snippet, q
        without_marks = re.sub(r"</?mark>", "", snippet)
        assert "<" not in without_marks and ">" not in without_marks.replace("&gt;", ""), q
        if q:  # without a query: the decision, "Godkendt."
            assert "&lt;script&gt;" in snippet or "&lt;<mark>script</mark>&gt;" in snippet, q
    snippet = run(engine, q="fed")["results"][0]["snippet"]
    assert "&lt;b&gt;<mark>fed</mark>&lt;/b&gt; tekst &amp; mere" in snippet


def test_snippet_without_query_leads_with_the_decision(engine):
    hits = {h["number"]: h["snippet"] for h in run(engine, per_page="100")["results"]}
    assert hits["3.9"] == "Beslutning: Taget til efterretning."
    # No decision: the start of the text, without the title, cut at a word.
    assert hits["4"] == "Intet."
    assert all("<mark>" not in snippet for snippet in hits.values())


# --- Did you mean ---------------------------------------------------------------------------


def test_suggestion_for_a_misspelt_word(engine):
    result = run(engine, q="ældrerefomen")
    assert result["total"] == 0
    assert result["suggestion"] == "ældrereformen"
    assert run(engine, q="Passagerpulsn tog")["suggestion"] == "Passagerpulsen tog"
    assert run(engine, q="titel:fingerplanan")["suggestion"] == "titel:fingerplanen"


def test_no_suggestion_for_known_or_far_words(engine):
    assert run(engine, q="ældrereformen")["suggestion"] is None
    assert run(engine, q="kommunernes")["suggestion"] is None  # known by its stem
    assert run(engine, q="xyzzyplugh")["suggestion"] is None
    assert run(engine, q="mobilite*")["suggestion"] is None
    assert run(engine)["suggestion"] is None


@pytest.mark.parametrize("q", ["ældrerefomen", "Passagerpulsn tog", "titel:fingerplanan",
                               "ældrereformen", "kommunernes", "xyzzyplugh", "aeldrereformen",
                               "reform", "Ældrerefomen kommunerne", "sosu-udannelserne",
                               "SAG-2025-01103 budgett", "juni 2025"])  # fmt: skip
def test_suggestion_by_the_searchs_document_frequencies_as_by_the_reader(engine, q):
    """The engine tells suggest which words the index has from the document frequencies
    the search keeps; the same suggestion as asking the reader."""
    from searchapp.whoosh_engine.columns import columns_of
    from searchapp.whoosh_engine.store import thread_searcher
    from searchapp.whoosh_engine.suggest import suggest

    index = engine.handle.index
    with thread_searcher(index) as searcher:
        stats = columns_of(index, searcher).stats
        reader = searcher.reader()
        by_df = suggest(q, searcher, lambda f, b: stats.doc_frequency(reader, f, b))
        assert by_df == suggest(q, searcher)


# --- Items ------------------------------------------------------------------------------------


def test_get_item(engine, items):
    item = engine.item_view(engine.item(items[1].id))
    want = {**items[1].to_dict(), "source": "kkr-hovedstaden-2025-04-11.pdf"}  # no path
    assert {k: item[k] for k in items[1].to_dict()} == want
    assert item["url"] == "/items/" + items[1].id
    assert item["pdf_url"] == "/files/hovedstaden/kkr-hovedstaden-2025-04-11.pdf#page=4"
    assert item["status_label"] == "Godkendt"
    assert engine.item(items[1].id) == items[1]
    assert engine.item("no-such-item") is None
    assert engine.item("") is None


def test_items_for_meeting(engine, items):
    meeting = summaries(engine.same_meeting(engine.item_view(engine.item(items[0].id))))
    assert [i["number"] for i in meeting] == ["3.1", "3.2", "3.9", "3.10"]
    assert summaries(engine.same_meeting(items[0])) == meeting
    by_name = summaries(engine.same_meeting(committee=SJAELLAND, meeting_date="2024-06-03"))
    assert [i["number"] for i in by_name] == ["2.1", "2.2", "2.3"]
    assert set(meeting[0]) >= {"id", "number", "title", "committee", "meeting_date", "url"}
    assert engine.same_meeting(committee=SJAELLAND, meeting_date="bad") == []


def test_items_for_case(engine, items):
    for case in ("SAG-2025-01103", "2025-01103", items[0], items[0].to_dict()):
        found = summaries(engine.same_case(case))
        assert [i["id"] for i in found] == [
            "kkr-sjaelland-2024-06-03-2.3", "kkr-hovedstaden-2025-04-11-3.1",
        ]  # fmt: skip
    assert engine.same_case("") == []
    assert engine.same_case(items[2]) == []  # it has no case number


# --- All rows, index life -----------------------------------------------------------------------


def test_search_rows_returns_every_match_in_order(engine, items):
    rows = list(engine.rows(SearchRequest.from_params({"per_page": "1"})))
    assert len(rows) == len(items)
    assert all(tuple(row) == CSV_COLUMNS for row in rows)
    assert [r["id"] for r in rows] == ids(run(engine, per_page="100"))


def test_no_index(tmp_path):
    handle = open_engine(tmp_path / "none")
    assert not handle.exists()
    with pytest.raises(IndexNotFound):
        handle.search(SearchRequest())
    with pytest.raises(IndexNotFound):
        handle.item("x")


def test_new_generation_is_picked_up(tmp_path, items):
    from searchapp.index import build_index

    build_index(items[:2], tmp_path / "ix")
    handle = open_engine(tmp_path / "ix")
    first = handle.generation
    assert handle.search(SearchRequest()).total == 2
    assert run(handle, q="budget")["total"] == 0
    build_index(items, tmp_path / "ix")
    assert handle.generation != first
    assert handle.search(SearchRequest()).total == len(items)
    assert run(handle, q="budget")["total"] == 2
    assert facet(run(handle), "committee")[SJAELLAND] == 3
