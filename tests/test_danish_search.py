"""Danish search quality through search(): compound parts ranked below the word itself,
no nonsense splits, dates typed in the query box, spelling variants and case numbers.

On a small index of its own, made so that each ranking question has one right answer.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from searchapp.engine import open_engine
from searchapp.models import AgendaItem
from searchapp.query import SearchRequest, interpret_query

NORD = "KKR Nordjylland"


def _item(key: str, day: str, number: str, title: str, body: str, **fields) -> AgendaItem:
    return AgendaItem(
        id=key,
        committee=NORD,
        meeting_date=day,
        number=number,
        title=title,
        part="3. Sager",
        text=f"{number}. {title}\n{body}",
        source=f"/minutes/kkr-nordjylland-{day}.pdf",
        pages=[int(number.split(".")[0]) + 1],
        status=fields.pop("status", "noted"),
        **fields,
    )


ITEMS = [
    _item(
        "compound", "2025-04-11", "3.1", "Ældrereformen",
        "Kommunerne drøfter ældrereformen og ældreministerens udspil. "
        "Ældrereformen træder i kraft næste år.",
        case_number="SAG-2025-01103",
    ),
    _item(
        "exact", "2025-04-11", "3.2", "Reform af erhvervsuddannelserne",
        "Aftalen om en reform af uddannelserne. En reform er nødvendig.",
    ),
    _item(
        "stemmed", "2025-02-03", "2.1", "Reformen af beskæftigelsesindsatsen",
        "Status på reformen af beskæftigelsesindsatsen. Næste møde i april 2025.",
    ),
    _item(
        "members", "2025-02-03", "2.2", "Velkommen til nye medlemmer",
        "Medlemmerne af Ældrerådet blev budt velkommen.",
    ),
    _item(
        "follow-up", "2025-02-03", "2.3", "Opfølgning på ældrereformen",
        "Opfølgning fra sidste møde.",
        case_number="SAG-2025-01103",
    ),
    _item(
        "aalborg", "2024-06-03", "4.1", "Aalborg Kommune og Køge Kommune",
        "Samarbejde mellem Aalborg Kommune og Køge Kommune om budget 2025.",
    ),
    _item(
        "aalborg-harbour", "2024-06-03", "4.2", "Ålborg Havn",
        "Ålborg Havn udvides. Mødet den 16. juni 2025 fastlægger planen.",
        case_number="SAG-2024-00042",
    ),
    _item(
        "ring-road", "2021-04-19", "5.1", "Trafikplan for Søndre Ringvej",
        "Trafikken på Søndre Ringvej øges.",
    ),
    # Two items alike but for one word: the word itself against a compound holding it.
    _item("body-word", "2023-09-01", "6.1", "Punkt om status",
          "Status for arbejdet med tilsyn i kommunerne og regionen."),
    _item("body-compound", "2023-09-01", "6.2", "Punkt om drift",
          "Status for arbejdet med ældretilsyn i kommunerne og regionen."),
]  # fmt: skip


@pytest.fixture(scope="module")
def handle(tmp_path_factory):
    from searchapp.index import build_index

    root = tmp_path_factory.mktemp("danish-index")
    build_index(ITEMS, root)
    return open_engine(root)


def run(handle, **params) -> dict:
    return handle.search(SearchRequest.from_params(MultiDict(params))).to_dict()


def ids(result) -> list[str]:
    return [hit["id"] for hit in result["results"]]


def hit(result, item_id) -> dict:
    return next(h for h in result["results"] if h["id"] == item_id)


# --- Compound parts -----------------------------------------------------------------------


def test_compound_part_found_but_ranked_below_exact_and_stemmed(handle):
    result = run(handle, q="reform")
    found = ids(result)
    # "Reform" as a word, "Reformen" inflected, then "Ældrereformen" and the other item
    # holding it only inside compounds.
    assert found[:2] == ["exact", "stemmed"]
    assert set(found[2:]) == {"compound", "follow-up"}
    scores = {h["id"]: h["score"] for h in result["results"]}
    assert scores["stemmed"] > scores["compound"] > 0


def test_a_word_outranks_the_same_word_inside_a_compound(handle):
    # Same length, same place, one word different: "tilsyn" against "ældretilsyn".
    result = run(handle, q="tilsyn")
    assert ids(result) == ["body-word", "body-compound"]
    word, part = (h["score"] for h in result["results"])
    assert word > 2 * part


def test_compound_part_in_a_field_prefix(handle):
    assert ids(run(handle, q="titel:reform"))[:2] == ["exact", "stemmed"]
    assert {"compound", "follow-up"} <= set(ids(run(handle, q="titel:reform")))
    assert set(ids(run(handle, q="beslutning:reform"))) == set()


def test_a_part_found_only_in_a_compound(handle):
    result = run(handle, q="minister")  # only in "ældreministerens"
    assert ids(result) == ["compound"]
    assert "ældre<mark>ministerens</mark>" in result["results"][0]["snippet"]
    assert result["suggestion"] is None  # known, as a part: nothing to correct


def test_no_nonsense_split(handle):
    assert ids(run(handle, q="medlemmerne")) == ["members"]
    for q in ("lemmerne", "lemmer"):
        result = run(handle, q=q)
        assert result["total"] == 0, q


def test_phrases_are_of_words_and_exclusions_take_compounds_too(handle):
    # A phrase is of words: no compound part stands in for one.
    assert set(ids(run(handle, q='"reform"'))) == {"exact", "stemmed"}
    assert ids(run(handle, q='"ældre reformen"')) == []
    # Excluding a part excludes the compounds holding it too, as it finds them.
    kommunerne = set(ids(run(handle, q="kommunerne")))
    assert "compound" in kommunerne
    assert set(ids(run(handle, q="kommunerne -reform"))) == kommunerne - {"compound"}
    assert ids(run(handle, q="ældrereformen -titel:opfølgning")) == ["compound"]
    assert ids(run(handle, q="reform -reform*")) == []


def test_snippets_mark_the_part_and_are_never_empty(handle):
    result = run(handle, q="reform")
    snippet = hit(result, "compound")["snippet"]
    assert "Ældre<mark>reformen</mark>" in snippet
    # the title ("Reform af erhvervsuddannelserne") is not repeated: the text is shown
    assert "en <mark>reform</mark> af uddannelserne" in hit(result, "exact")["snippet"]
    for q in ("reform", "minister", "april 2025", "tilsyn", "ældre*", "titel:reform"):
        for h in run(handle, q=q)["results"]:
            assert h["snippet"].strip(), (q, h["id"])


# --- Dates typed in the query box ---------------------------------------------------------


def test_month_and_year_is_a_date_filter(handle):
    result = run(handle, q="april 2025")
    assert set(ids(result)) == {"compound", "exact"}
    assert result["query"]["q"] == "april 2025"  # the echo stays as typed
    assert result["query"]["interpreted"] == {
        "words": "", "from": "2025-04-01", "to": "2025-04-30", "case": None, "notes": [],
    }  # fmt: skip
    # No words to rank by: newest first, and the echo says so.
    assert result["query"]["sort"] == "date_desc"


def test_date_and_words(handle):
    assert ids(run(handle, q="reform april 2025")) == ["exact", "compound"]
    assert ids(run(handle, q="reformen 3. februar 2025")) == ["stemmed", "follow-up"]
    assert set(ids(run(handle, q="3. februar 2025"))) == {"stemmed", "members", "follow-up"}
    result = run(handle, q="11-04-2025 reform")
    assert set(ids(result)) == {"exact", "compound"}
    assert result["query"]["interpreted"]["from"] == result["query"]["interpreted"]["to"]
    assert result["query"]["interpreted"]["words"] == "reform"


def test_a_bare_year_stays_a_word(handle):
    result = run(handle, q="budget 2025")
    assert ids(result) == ["aalborg"]
    assert result["query"]["interpreted"]["from"] is None


def test_typed_date_intersects_from_and_to(handle):
    result = run(handle, q="april 2025", **{"from": "2025-04-05", "to": "2025-12-31"})
    assert result["query"]["interpreted"]["from"] == "2025-04-05"
    assert result["query"]["interpreted"]["to"] == "2025-04-30"
    assert set(ids(result)) == {"compound", "exact"}
    # The parameters stay as given in the echo.
    assert (result["query"]["from"], result["query"]["to"]) == ("2025-04-05", "2025-12-31")


def test_typed_date_that_finds_nothing_is_searched_as_words(handle):
    # No meeting on 16 June 2025, but an item naming the day.
    result = run(handle, q="havn 16. juni 2025")
    assert ids(result) == ["aalborg-harbour"]
    assert result["query"]["interpreted"] == {
        "words": "havn 16. juni 2025", "from": None, "to": None, "case": None, "notes": [],
    }  # fmt: skip
    # A typed date outside from/to: no day is both, so the words, within from/to.
    result = run(handle, q="april 2025", to="2025-03-01")
    assert ids(result) == ["stemmed"]  # "Næste møde i april 2025", on 3 February
    assert result["query"]["interpreted"]["to"] == "2025-03-01"
    assert result["query"]["interpreted"]["from"] is None


def test_quoted_date_stays_a_phrase(handle):
    result = run(handle, q='"16. juni 2025"')
    assert ids(result) == ["aalborg-harbour"]
    assert result["query"]["interpreted"]["from"] is None


def test_impossible_date_is_words(handle):
    result = run(handle, q="30. februar 2025")
    assert result["query"]["interpreted"]["from"] is None
    assert result["total"] == 0


def test_date_filter_applies_to_csv_rows_too(handle):
    request = SearchRequest.from_params(MultiDict({"q": "april 2025"}))
    rows = list(handle.rows(request))
    assert [row["id"] for row in rows] == ids(handle.search(request).to_dict())
    assert {row["id"] for row in rows} == {"compound", "exact"}


def test_month_names_are_not_corrected(handle):
    # "februar" is not in this index; as part of a date it is not a misspelling.
    assert run(handle, q="reformen 3. februar 2025")["suggestion"] is None


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    q=st.lists(
        st.sampled_from(["april", "2025", "3.", "februar", "11-04-2025", '"', "-", "NOT",
                         "reform", "sag", "2025-01103", "fra", "til", " ", "30."]),
        max_size=8,
    ).map(" ".join)
)  # fmt: skip
def test_any_query_is_read_and_searched(handle, q):
    reading = interpret_query(q)
    if reading.date_from:
        assert reading.date_from <= reading.date_to
    assert set(WORDS.findall(reading.words)) <= set(WORDS.findall(q))
    handle.search(SearchRequest(q=q.strip()))


WORDS = re.compile(r"\w+")


def test_interpret_query_spans_several_dates():
    reading = interpret_query("fra 1. april 2025 til 30. juni 2025")
    assert (reading.date_from, reading.date_to) == (date(2025, 4, 1), date(2025, 6, 30))
    assert reading.words == ""  # only stop words were left


# --- Spelling variants --------------------------------------------------------------------


@pytest.mark.parametrize("q", ["Aalborg", "Ålborg", "aalborg", "ÅLBORG"])
def test_aa_and_å(handle, q):
    result = run(handle, q=q)
    assert set(ids(result)) == {"aalborg", "aalborg-harbour"}
    assert result["suggestion"] is None


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("aeldrereformen", {"compound", "follow-up"}),
        ("ældrereformen", {"compound", "follow-up"}),
        ("Koege", {"aalborg"}),
        ("Køge", {"aalborg"}),
        ("Soendre Ringvej", {"ring-road"}),
        ("aeldreraadet", {"members"}),
    ],
)
def test_letters_typed_out(handle, q, expected):
    result = run(handle, q=q)
    assert set(ids(result)) == expected
    assert result["suggestion"] is None


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"Ålborg Kommune"', ["aalborg"]),
        ('"Aalborg Havn"', ["aalborg-harbour"]),
        ('"Soendre Ringvej"', ["ring-road"]),
        ('"Søndre Ringvej"', ["ring-road"]),
        # stop words kept: only the `exact` field has the whole phrase
        ('"Aalborg Kommune og Koege Kommune"', ["aalborg"]),
    ],
)
def test_phrases_in_either_spelling(handle, q, expected):
    result = run(handle, q=q)
    assert ids(result) == expected
    assert result["suggestion"] is None


def test_misspelling_still_gets_a_suggestion(handle):
    result = run(handle, q="Aalbort")
    assert result["total"] == 0
    assert result["suggestion"] is not None
    assert result["suggestion"].lower() in ("aalborg", "ålborg")


def test_snippet_marks_either_spelling(handle):
    snippet = hit(run(handle, q="Ålborg"), "aalborg")["snippet"]
    assert "<mark>Aalborg</mark>" in snippet


# --- Case numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    ["SAG-2025-01103", "sag-2025-01103", "2025-01103", "sag 2025-01103", "sagsnr. 2025-01103",
     "sag:2025-01103", "Sag: 2025-01103"],
)  # fmt: skip
def test_case_number_in_any_form(handle, q):
    result = run(handle, q=q)
    assert set(ids(result)) == {"compound", "follow-up"}, q
    assert result["query"]["interpreted"]["case"] == "SAG-2025-01103"


def test_case_number_with_words_and_dates(handle):
    assert ids(run(handle, q="sag 2025-01103 opfølgning")) == ["follow-up"]
    assert ids(run(handle, q="SAG-2025-01103 april 2025")) == ["compound"]
    result = run(handle, q="ældrereformen", case="2025-01103")
    assert set(ids(result)) == {"compound", "follow-up"}
    assert result["query"]["interpreted"]["case"] == "SAG-2025-01103"


def test_excluded_case_number_is_not_reported_as_asked_for(handle):
    result = run(handle, q="ældrereformen -sag:2025-01103")
    assert result["total"] == 0
    assert result["query"]["interpreted"]["case"] is None
