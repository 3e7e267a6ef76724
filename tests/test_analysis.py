"""The Danish analyzers: what terms a text becomes at index time and at query time."""

import pickle

import pytest

from searchapp.whoosh_engine.analysis import (
    DANISH_STOP_WORDS,
    CompoundAnalyzer,
    DanishAnalyzer,
    ExactAnalyzer,
    compound_spans,
    terms,
    word_parts,
)

danish = DanishAnalyzer()
exact = ExactAnalyzer()
compound = CompoundAnalyzer()


def positions(analyzer, text, mode="index"):
    return [(t.text, t.pos) for t in analyzer(text, positions=True, mode=mode)]


def test_inflections_share_a_stem():
    assert terms(danish, "kommunerne") == terms(danish, "kommunen") == ["kommun"]
    assert terms(danish, "Borgmesteren") == terms(danish, "borgmester")


def test_stop_words_removed_and_positions_closed_up():
    words = ("SOSU-uddannelserne", "SOSU", "uddannelserne")
    stem = {w: terms(danish, w, mode="query")[0] for w in words}
    assert positions(danish, "status på SOSU-uddannelserne og sundhed") == [
        ("status", 0),
        (stem["SOSU-uddannelserne"], 1),
        (stem["SOSU"], 1),  # a hyphenated word's parts share its position
        (stem["uddannelserne"], 1),
        ("sund", 2),
    ]
    assert {"og", "på", "ikke", "været", "sådan"} <= DANISH_STOP_WORDS
    assert len(DANISH_STOP_WORDS) == 94  # the Snowball list, complete


def test_query_side_matches_index_side():
    text = "Kommunernes Landsforening drøftede sundhedsreformen"
    indexed = set(terms(danish, text))
    for word in ("kommunerne", "landsforeningen", "sundhedsreform", "Drøftede"):
        assert set(terms(danish, word, mode="query")) <= indexed, word
    parts = set(terms(compound, text))
    for word in ("forening", "reformen", "sundhed"):
        assert set(terms(compound, word, mode="query")) <= parts, word


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


def test_compound_parts_go_to_the_compound_field_only():
    text = "Ældrereformen er vedtaget"
    reform, aeldre = (terms(danish, w, mode="query")[0] for w in ("reform", "ældre"))
    # The text field: the compound itself, not its parts (they would score as words)...
    assert terms(danish, text) == ["aeldrereform", "vedtag"]
    # ...the compound field: only the parts, stemmed and folded like the text
    assert terms(compound, text) == [aeldre, reform]
    assert terms(compound, "Kommunerne og medlemmerne") == []  # no compounds, no terms
    # A query is not split, and makes one term that serves both fields.
    for word in ("ældrereformen", "reform", "Ålborg", "SAG-2025-01103", "og"):
        assert terms(compound, word, mode="query") == terms(danish, word, mode="query")


def test_three_part_compounds_also_by_their_runs_of_two():
    assert compound_spans("ældrereformen") == ((0, 5), (5, 13))
    word = "erhvervsakademiuddannelserne"  # erhverv-s-akademi-uddannelserne
    assert [word[s:e] for s, e in compound_spans(word)] == [
        "erhverv", "akademi", "uddannelserne", "erhvervsakademi", "akademiuddannelserne",
    ]  # fmt: skip
    assert set(terms(compound, "erhvervsakademi", mode="query")) <= set(terms(compound, word))
    assert compound_spans("medlemmerne") == ()


def test_compound_parts_given_for_highlighting():
    # Analysed for highlighting (removestops=False), the text field gives a compound's
    # parts too, at the compound's position, so the part a search matched is marked.
    tokens = [(t.text, t.pos) for t in danish("om ældrereformen", positions=True,
                                               removestops=False)]  # fmt: skip
    assert tokens == [("om", 0), ("aeldrereform", 1), ("aeldr", 1), ("reform", 1)]


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
    assert {"SOSU", "uddannelserne", "SOSU-uddannelserne", "Ældrereformen"} <= parts
    marked = {text[t.startchar : t.endchar] for t in danish(text, chars=True, removestops=False)}
    assert {"Ældre", "reformen"} <= marked


def test_stop_words_marked_not_removed_for_the_highlighter():
    tokens = [(t.text, t.stopped) for t in danish("og kommunen", removestops=False)]
    assert tokens == [("og", True), ("kommun", False)]


def test_analyzers_survive_pickling():
    # Whoosh pickles the schema, analyzers included, into the index
    for analyzer in (danish, exact, compound):
        again = pickle.loads(pickle.dumps(analyzer))
        assert again == analyzer
        text = "Kommunerne i SAG-2025-01103 om sundhedsreformen"
        assert terms(again, text) == terms(analyzer, text)
    assert DanishAnalyzer() != CompoundAnalyzer()
