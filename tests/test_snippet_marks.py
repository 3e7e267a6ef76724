"""Snippets find the words to mark by searching the lowercased text for each term's
spellings (snippets._marks); that finds exactly what looking at every word of the text
finds (snippets._marks_by_word): for generated texts of every awkward kind and every
term the analyzer makes of them, and for the texts of the real corpus."""

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchapp.whoosh_engine.analysis import DanishAnalyzer, terms
from searchapp.whoosh_engine.snippets import (
    TermMarker,
    _marks,
    _marks_by_word,
    _merged,
    _spellings,
    highlight_terms,
    lead,
)

ANALYZER = DanishAnalyzer()
CORPUS_TEXT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "text"
WORDS = ["pårørende", "Pårørende", "paaroerende", "Ældrereformen", "ÆLDRE", "aeldre", "Äldre",
         "ældreområdet", "Sosu-uddannelserne",
         "SAG-2025-01103", "21-014420K", "3,5", "9.800", "kommunerne", "Kommunen",
         "fælleskommunale", "idé", "Müller", "Øresund", "oeresund", "Århus", "aarhus",
         "praksisplanudvalget", "budget", "budgettet", "og", "i", "x", "(kommunen)",
         "kommunen.", "—", "İstanbul", "straße", "ﬁnans", "København–Ringsted"]


def by_word(text: str, words: frozenset[str]):
    return _merged(_marks_by_word(text, words, ANALYZER, {}))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25),
       st.lists(st.sampled_from([" ", "  ", "\n", ", ", "-", "/", ". "]), min_size=25,
                max_size=25), st.data())  # fmt: skip
def test_spellings_find_what_every_word_finds(words, gaps, data):
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    made = sorted({t for w in words for t in terms(ANALYZER, w)})
    if not made:
        return
    wanted = frozenset(data.draw(st.lists(st.sampled_from(made), min_size=1, max_size=4)))
    assert _marks(text, wanted, ANALYZER) == by_word(text, wanted)


def test_spellings():
    assert set(_spellings(frozenset({"aeldr"}))) == {"aeldr", "ældr"}
    assert set(_spellings(frozenset({"oeresund", "aarhus"}))) == {
        "oeresund", "øresund", "aarhus", "århus"}
    # a stem cut inside a folded letter: "pårørende" is "paaroerende", stemmed "paaro"
    assert set(_spellings(frozenset({"paaro"}))) == {"paaro", "påro", "paarø", "pårø"}
    assert _spellings(frozenset({"budg"})) == ("budg",)


def test_the_corpus_texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS_TEXT.glob("*.txt"))]
    if not texts:
        return  # the shared corpus is not here: the generated texts above cover it
    for text in texts:
        vocabulary = sorted(set(terms(ANALYZER, text)))
        for i in range(0, len(vocabulary), max(1, len(vocabulary) // 40)):
            wanted = frozenset(vocabulary[i : i + 3])
            assert _marks(text, wanted, ANALYZER) == by_word(text, wanted), wanted


def _whole_lead(text: str, chars: int) -> str:
    """lead() as it was: the spaces of the whole text evened out first."""
    import html

    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= chars:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, chars)
    return html.escape(text[: cut if cut > chars // 2 else chars], quote=False) + " …"


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.tuples(st.text("ab<&ø", min_size=1, max_size=30),
                                 st.text(" \n\t\x0c", min_size=1, max_size=300))),
       lead_space=st.text(" \n", max_size=50), chars=st.integers(1, 60))  # fmt: skip
def test_lead_reads_only_the_start_and_says_the_same(parts, lead_space, chars):
    """The windowed lead is the lead of the whole text, whatever runs of spaces (longer
    than the window, at its edge, at the start) the text has."""
    text = lead_space + "".join(word + space for word, space in parts)
    assert lead(text, chars) == _whole_lead(text, chars)


_FOUND_IN_THE_CONFTEST_ITEMS = {"ældre* -budget", "\"regional udvikling\" OR kommunerne",
                                 "beslutning:godkendt NOT afslag"}


@pytest.mark.parametrize("q", ["plejehjem", "ældre* -budget", "titel:tilskud", "ukendtord",
                               "\"regional udvikling\" OR kommunerne", "SAG-2025-01103",
                               "beslutning:godkendt NOT afslag"])  # fmt: skip
def test_marked_words_found_by_the_searchs_document_frequencies_as_by_the_reader(engine, q):
    """The engine tells highlight_terms which words the index has from the document
    frequencies its search looked up; the same words as asking the reader."""
    from searchapp.plan import plan_search
    from searchapp.query import SearchRequest
    from searchapp.whoosh_engine.columns import columns_of
    from searchapp.whoosh_engine.search import _compiled
    from searchapp.whoosh_engine.store import thread_searcher

    index = engine.handle.index
    with thread_searcher(index) as searcher:
        columns = columns_of(index, searcher)
        plan = plan_search(SearchRequest.from_params({"q": q}), columns.committees)
        compiled = _compiled(plan, searcher, None)
        reader = searcher.reader()
        by_reader = highlight_terms(compiled.query, reader)
        by_df = highlight_terms(compiled.query, reader,
                                lambda f, b: columns.stats.doc_frequency(reader, f, b))
    assert by_df == by_reader
    assert bool(by_reader) == (q in _FOUND_IN_THE_CONFTEST_ITEMS)


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from(list("ab .:3æ\n\t\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000\u200b"))))
def test_one_space_is_the_regex_it_stands_for(text):
    """Snippets and sections even out spaces with models.one_space (str.split): the
    same as re.sub(r"\\s+", " ", ...) for every kind of whitespace and at the ends."""
    from searchapp.models import one_space

    assert one_space(text) == re.sub(r"\s+", " ", text)


def _spans_by_analysing(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """TermMarker.spans as it was: every token of the text looked at."""
    spans = sorted((t.startchar, t.endchar)
                   for t in ANALYZER(text, chars=True, mode="index", removestops=False)
                   if t.text in terms)  # fmt: skip
    return _merged(spans)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
       st.lists(st.sampled_from([" ", "\n", ", ", "-", "/"]), min_size=12, max_size=12),
       st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))  # fmt: skip
def test_a_marker_leaves_out_only_texts_without_the_terms(words, gaps, others):
    """TermMarker.spans does not analyse a text none of whose terms' spellings it
    holds: the same spans as analysing it, for terms of its own words (stop words
    too) and of other words."""
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    tokens = ANALYZER(" ".join(words + others), mode="index", removestops=False)
    made = sorted({t.text for t in tokens})
    for i in range(0, len(made), 2):
        terms = frozenset(made[i : i + 2])
        assert TermMarker(terms, ANALYZER).spans(text) == _spans_by_analysing(text, terms)
