"""The Danish analyzers: what terms a text becomes at index time and at query time."""

import pickle

import pytest

from searchapp.analysis import (
    DANISH_STOP_WORDS,
    DanishAnalyzer,
    ExactAnalyzer,
    terms,
    word_parts,
)

danish = DanishAnalyzer()
exact = ExactAnalyzer()


def positions(analyzer, text, mode="index"):
    return [(t.text, t.pos) for t in analyzer(text, positions=True, mode=mode)]


def test_inflections_share_a_stem():
    assert terms(danish, "kommunerne") == terms(danish, "kommunen") == ["kommun"]
    assert terms(danish, "Borgmesteren") == terms(danish, "borgmester")


def test_stop_words_removed_and_positions_closed_up():
    stem = {w: terms(danish, w, mode="query")[0] for w in ("ældreområdet", "ældre", "området")}
    assert positions(danish, "status på ældreområdet og sundhed") == [
        ("status", 0),
        (stem["ældreområdet"], 1),
        (stem["ældre"], 1),  # a compound's parts share its position
        (stem["området"], 1),
        ("sund", 2),
    ]
    assert {"og", "på", "ikke", "været", "sådan"} <= DANISH_STOP_WORDS
    assert len(DANISH_STOP_WORDS) == 94  # the Snowball list, complete


def test_query_side_matches_index_side():
    text = "Kommunernes Landsforening drøftede sundhedsreformen"
    indexed = set(terms(danish, text))
    for word in ("kommunerne", "landsforeningen", "sundhedsreform", "Drøftede", "forening"):
        assert set(terms(danish, word, mode="query")) <= indexed, word


@pytest.mark.parametrize("query", ["SAG-2025-01103", "sag-2025-01103", "2025-01103"])
def test_case_number_found_as_written_and_by_digits(query):
    indexed = set(terms(danish, "Sagsnr. SAG-2025-01103 jjc"))
    assert "sag-2025-01103" in indexed and "2025-01103" in indexed
    assert set(terms(danish, query, mode="query")) <= indexed
    assert set(terms(exact, query, mode="query")) <= set(terms(exact, "SAG-2025-01103"))


def test_case_number_forms_share_a_position():
    tokens = positions(danish, "se SAG-2025-01103 her")
    assert ("sag-2025-01103", 1) in tokens and ("2025-01103", 1) in tokens


@pytest.mark.parametrize("number", ["2025-01103", "9,8", "3.354", "11-04-2025", "2.500.000"])
def test_numbers_stay_whole(number):
    assert terms(danish, f"beløb {number} kr")[1:] == [number, "kr"]
    assert terms(danish, number, mode="query") == [number]


def test_hyphenated_word_by_whole_and_parts():
    indexed = positions(danish, "nye SOSU-uddannelserne i regionen")
    words = ("sosu-uddannelserne", "sosu", "uddannelserne")
    whole, sosu, rest = (terms(danish, w, mode="query")[0] for w in words)
    assert {(whole, 1), (sosu, 1), (rest, 1)} <= set(indexed)
    assert ("region", 2) in indexed  # the parts take no positions of their own
    assert terms(danish, "SOSU-uddannelserne", mode="query") == [whole]


def test_word_parts_keep_number_runs_together():
    assert word_parts("SAG-2025-01103") == [(0, 3), (4, 14)]
    assert word_parts("11-04-2025") == []
    assert word_parts("kultur") == []
    assert word_parts("COVID-19") == [(0, 5), (6, 8)]


def test_compounds_indexed_with_their_parts():
    indexed = set(terms(danish, "Ældrereformen er vedtaget"))
    assert set(terms(danish, "reform", mode="query")) <= indexed
    assert set(terms(danish, "ældre", mode="query")) <= indexed
    # ...but a query is not split: "ældrereformen" asks for the compound itself
    assert terms(danish, "ældrereformen", mode="query") == ["aeldrereform"]


def test_danish_letters_and_their_spelled_out_forms():
    assert terms(danish, "ØKONOMI") == terms(danish, "økonomi") == terms(danish, "oekonomi")
    assert terms(danish, "ældrereformen", mode="query") == terms(
        danish, "aeldrereformen", mode="query"
    )
    assert terms(danish, "Ålborg Kommune", mode="query")[0] == "aalborg"


def test_exact_keeps_words_as_written():
    assert terms(exact, "Kommunerne og Ældrerådet") == [
        "kommunerne",
        "og",
        "ældrerådet",
        "aeldreraadet",
    ]
    # a query is folded, so both spellings find the word
    assert terms(exact, "Ældrerådet", mode="query") == ["aeldreraadet"]
    assert terms(exact, "aeldreraadet", mode="query") == ["aeldreraadet"]


def test_character_offsets_point_into_the_text():
    # the highlighter marks what these offsets say, parts of words included
    text = "Om SOSU-uddannelserne og Ældrereformen"
    spans = {t.text: text[t.startchar : t.endchar] for t in exact(text, chars=True)}
    assert spans["sosu"] == "SOSU" and spans["uddannelserne"] == "uddannelserne"
    assert spans["aeldrereformen"] == "Ældrereformen"
    parts = {text[t.startchar : t.endchar] for t in danish(text, chars=True)}
    assert {"Ældre", "reformen", "SOSU-uddannelserne"} <= parts


def test_stop_words_marked_not_removed_for_the_highlighter():
    tokens = [(t.text, t.stopped) for t in danish("og kommunen", removestops=False)]
    assert tokens == [("og", True), ("kommun", False)]


def test_analyzers_survive_pickling():
    # Whoosh pickles the schema, analyzers included, into the index
    for analyzer in (danish, exact):
        again = pickle.loads(pickle.dumps(analyzer))
        assert again == analyzer
        text = "Kommunerne i SAG-2025-01103"
        assert terms(again, text) == terms(analyzer, text)
