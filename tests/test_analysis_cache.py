"""The cached analyzers yield exactly what their filter chains yield, token by token.

CachedAnalyzer runs a chain once per distinct word and replays it; these tests are the
proof that nothing is lost: every attribute of every token (text, position, character
offsets, boost, stopped, original, and whatever the caller passed), for every way the
code calls an analyzer, over generated text and over the real minutes.
"""

import itertools
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchapp.whoosh_engine.analysis import (
    DANISH_STOP_WORDS,
    CachedAnalyzer,
    CompoundAnalyzer,
    DanishAnalyzer,
    ExactAnalyzer,
    TermNumbering,
    compound_chain,
    danish_chain,
    exact_chain,
)

CORPUS_TEXT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "text"

PAIRS = {
    "danish": (DanishAnalyzer(), danish_chain()),
    "compound": (CompoundAnalyzer(), compound_chain()),
    "exact": (ExactAnalyzer(), exact_chain()),
}

# How the code calls the analyzers: Whoosh's Positions and Frequency formats (index),
# the query parser (query; phrases with chars; prefixes with tokenize=False), snippets
# (index, removestops=False, positions and chars), the item page's marks (chars only),
# the FTS5 benchmark (index, nothing else), and the analysis tests (mode "").
CALLS = [
    {"mode": "index", "positions": True, "boosts": True},
    {"mode": "index", "boosts": True},
    {"mode": "query"},
    {"mode": "query", "chars": True},
    {"mode": "query", "tokenize": False, "removestops": False},
    {"mode": "index", "positions": True, "chars": True, "removestops": False},
    {"mode": "index", "chars": True, "removestops": False},
    {"mode": "index"},
    {"positions": True},
]
# ...and every combination of the flags, each mode.
FLAGS = ("positions", "chars", "keeporiginal", "removestops")
ALL_CALLS = CALLS + [
    {"mode": mode, **dict(zip(FLAGS, values, strict=True))}
    for mode in ("index", "query", "")
    for values in itertools.product((False, True), repeat=len(FLAGS))
]


def tokens(analyzer, text, **kwargs):
    """Each token as a dict of all its attributes (the analyzers reuse one object)."""
    return [dict(t.__dict__) for t in analyzer(text, **kwargs)]


def assert_same(text, calls=ALL_CALLS):
    for name, (cached, chain) in PAIRS.items():
        for kwargs in calls:
            assert tokens(cached, text, **kwargs) == tokens(chain, text, **kwargs), (
                name,
                kwargs,
            )


WORDS = [
    "Ældrereformen", "ældrereformen", "aeldrereformen", "sundhedsreformen", "reform",
    "erhvervsakademiuddannelserne", "praksisplanudvalget", "danskuddannelsesområdet",
    "Kommunerne", "kommunen", "KKR", "Hovedstaden", "Ålborg", "ØKONOMI", "økonomi",
    "SOSU-uddannelserne", "SOSU\u2010uddannelserne", "SOSU\u2011uddannelserne",
    "COVID-19", "life-science", "SAG-2025-01103", "sag-2025-01103", "2025-01103",
    "9,8", "3.354", "11-04-2025", "2.500.000", "mio.", "kr.", "a", "B", "7", "x-y",
    "-", "--", "_", "é", "ü", "ß", "İstanbul", "medlemmerne", "borgmesteren",
]  # fmt: skip
SEPARATORS = [" ", "  ", "\n", ", ", ". ", "-", "", "_", " – ", "(", ")", "/", ":", "\t"]
word = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(sorted(DANISH_STOP_WORDS)),
    st.text(alphabet="abcæøåÆØÅ019-.,\u2010 _", min_size=1, max_size=12),
)
texts = st.lists(st.tuples(word, st.sampled_from(SEPARATORS)), max_size=25).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_cached_analyzers_yield_what_their_chains_yield(text):
    assert_same(text)


@settings(max_examples=100, deadline=None)
@given(texts, st.integers(0, 50), st.integers(0, 500))
def test_start_pos_and_start_char_carry_over(text, start_pos, start_char):
    calls = [dict(kwargs, start_pos=start_pos, start_char=start_char) for kwargs in CALLS]
    assert_same(text, calls)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_any_unicode_text(text):
    assert_same(text, CALLS)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "og i på",  # nothing but stop words
        "og Ældrereformen i og SAG-2025-01103 på",  # positions closed up around them
        "a-og-b i-x SOSU-og",  # parts stopped, the whole word kept
        "Ældrereformen" * 3,
    ],
)
def test_edge_cases(text):
    assert_same(text)


def test_a_cold_and_a_warm_cache_agree():
    text = "Sundhedsreformen og ældrereformen i SAG-2025-01103, 9,8 mio. kr."
    fresh = CachedAnalyzer(danish_chain())
    first = tokens(fresh, text, positions=True, chars=True, removestops=False)
    assert tokens(fresh, text, positions=True, chars=True, removestops=False) == first


def test_pickled_analyzers_are_equal_and_share_the_cache():
    for cached, _chain in PAIRS.values():
        again = pickle.loads(pickle.dumps(cached))
        assert again == cached and "_shared" not in again.__dict__
        list(cached("kommunerne"))
        list(again("kommunerne"))
        assert again._shared is cached._shared
    assert DanishAnalyzer() != CompoundAnalyzer() != ExactAnalyzer()
    assert DanishAnalyzer().has_morph() and not ExactAnalyzer().has_morph()


@pytest.mark.corpus
@pytest.mark.skipif(
    not CORPUS_TEXT.is_dir() or not any(CORPUS_TEXT.glob("*.txt")),
    reason=f"corpus text not found at {CORPUS_TEXT} (../shared/corpus beside the project); "
    "the real-text equivalence test is skipped",
)
@pytest.mark.parametrize("kwargs", CALLS)
def test_real_minutes(kwargs):
    for path in sorted(CORPUS_TEXT.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for name, (cached, chain) in PAIRS.items():
            assert tokens(cached, text, **kwargs) == tokens(chain, text, **kwargs), (
                path.name,
                name,
            )


def fresh_word_numbers(values: list[str]) -> list[list[str]]:
    """Each text's words by the numbers one writer gives them, spelled back out."""
    numbering = TermNumbering()
    return [[numbering.word_texts[n] for n in numbering.word_numbers(v)] for v in values]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.lists(st.tuples(st.integers(0, 400), st.integers(0, 120)), max_size=6),
       texts)  # fmt: skip
def test_a_documents_texts_cut_out_of_the_longest_have_the_same_words(whole, cuts, other):
    """TermNumbering.document finds the texts of a document (sections, the title) in
    the longest one and takes their words from it: the words are what each text alone
    makes, whether a cut falls at a word's edge, inside a word or a number, or
    overlaps another cut."""
    values = [whole[a : a + n] for a, n in cuts] + [whole, other, ""]
    numbering = TermNumbering()
    numbering.document(values)
    got = [[numbering.word_texts[n] for n in numbering.word_numbers(v)] for v in values]
    assert got == fresh_word_numbers(values)




@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.lists(st.tuples(st.integers(0, 400), st.integers(0, 120)), max_size=6),
       texts)  # fmt: skip
def test_texts_joined_by_blank_lines_and_texts_found_in_a_shorter_one(whole, cuts, other):
    """All the sections of a kind, joined by blank lines, are cut out of the text piece
    by piece; texts that are not in the longest (an attachment's pages longer than the
    item's text) in the longest of the others: the same words, wherever they are cut."""
    pieces = [whole[a : a + n] for a, n in cuts]
    longer = "zz, " * (len(whole) // 4 + 1) + other
    values = [*pieces, "\n\n".join(pieces), "\n\n\n".join(reversed(pieces)),
              "\n\n".join([*pieces, other]), whole, longer, other]  # fmt: skip
    numbering = TermNumbering()
    numbering.document(values)
    got = [[numbering.word_texts[n] for n in numbering.word_numbers(v)] for v in values]
    assert got == fresh_word_numbers(values)


def test_an_items_sections_are_all_cut_out_of_its_text():
    """Greve's items: two sections of a kind (joined by a blank line), one of them of
    two paragraphs, a short one whose words are also inside another word earlier, and
    an attachments field longer than the text and not in it: every text's words come
    from cutting, none is left to word_numbers to read again."""
    history = ["Sagsprocedure\n\nByrådet 2024.", "10-01-2022 Udvalget\n\nIkke frigivet"]
    decision = "Godkendt."
    text = (f"Godkendelse af dagsorden\n\nBeslutning\n\nUgodkendt. {decision}\n\n"
            f"Sagsprocedure\n\n{history[0]}\n\nSagens forløb\n\n{history[1]}")  # fmt: skip
    attachments = "Bilag 1 Økonomisk oversigt " * 40
    values = [text, "Godkendelse af dagsorden", decision, "\n\n".join(history), attachments,
              "Bilag 1"]  # fmt: skip
    numbering = TermNumbering()
    numbering.document(values)
    assert all(v in numbering._recent for v in values)
    got = [[numbering.word_texts[n] for n in numbering.word_numbers(v)] for v in values]
    assert got == fresh_word_numbers(values)


def chain_terms(chain, text, mode):
    """The terms a chain indexes for `text` with stop words out, as the cache asks."""
    return tuple(t.text for t in chain(text, positions=True, chars=True, keeporiginal=True,
                                       mode=mode))  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(word, st.text(max_size=12)), st.sampled_from(["index", "query", ""]))
def test_the_terms_of_a_word_worked_out_directly_are_the_chains(text, mode):
    """CachedAnalyzer._word_terms (what indexing and term_positions look up for each
    new word) applies the filters to strings, not tokens: the same terms, in order."""
    for name, (_cached, chain) in PAIRS.items():
        fresh = CachedAnalyzer(chain)
        assert fresh._word_terms(text, mode) == chain_terms(chain, text, mode), (name, mode)
        assert fresh.__dict__["_direct"] is not None, name  # not the chain after all


# Words of letters alone, of any script and case: the direct terms take them as one
# token without the tokenizer's pattern. (İ lowercases to i and a combining dot, ß and
# ǅ have no one-letter case pair, ª and ʰ are letters of no case.)
letters = st.text(alphabet=st.one_of(
    st.characters(categories=("Lu", "Ll", "Lt", "Lm", "Lo")),
    st.sampled_from("abcæøåÆØÅİßǅªʰ")), min_size=1, max_size=14)  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letters, st.sampled_from(["index", "query", ""]))
def test_the_direct_terms_of_a_word_of_letters_are_the_chains(text, mode):
    assert text.isalpha()
    for name, (_cached, chain) in PAIRS.items():
        fresh = CachedAnalyzer(chain)
        assert fresh._word_terms(text, mode) == chain_terms(chain, text, mode), (name, mode)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(word, letters, st.text(max_size=12)), max_size=12),
       st.sampled_from(["index", "query", ""]))  # fmt: skip
def test_the_direct_terms_of_many_words_at_once_are_each_words_own(texts, mode):
    """Indexing works out a text's new words together (_words_terms): each word's
    terms are the chain's for it alone, whatever the words beside it make (none, one,
    several)."""
    for name, (_cached, chain) in PAIRS.items():
        fresh = CachedAnalyzer(chain)
        assert fresh._words_terms(texts, mode) == [chain_terms(chain, t, mode) for t in texts], (
            name, mode)  # fmt: skip


@pytest.mark.parametrize("text", [*WORDS, "og", "i", "på", "paa", "2", "²", "x²", "٣"])
@pytest.mark.parametrize("mode", ["index", "query", ""])
def test_the_direct_terms_of_listed_words(text, mode):
    for _cached, chain in PAIRS.values():
        assert CachedAnalyzer(chain)._word_terms(text, mode) == chain_terms(chain, text, mode)


def test_a_chain_of_other_filters_is_left_to_itself():
    from whoosh.analysis import StopFilter

    chain = exact_chain() | StopFilter(stoplist=["kommunerne"])
    odd = CachedAnalyzer(chain)
    assert odd._word_terms("Kommunerne", "index") == () == chain_terms(chain, "Kommunerne", "")
    assert odd.__dict__["_direct"] is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=4), st.sampled_from(["index", "query"]))
def test_token_ids_are_the_term_positions(values, mode):
    """CachedAnalyzer.token_ids (the bulk writer's tokens: each one's term number and
    position) says what term_positions says, for texts whose words make no term (stop
    words), one, or several (parts, Danish letters twice), words new and known."""
    numbering = TermNumbering()
    for analyzer, _chain in PAIRS.values():
        for value in values + values[:1]:
            terms, positions = analyzer.token_ids(value, numbering, mode)
            assert terms.dtype == np.int32 and positions.dtype == np.int32
            found: dict[str, list[int]] = {}
            for term, pos in zip(terms.tolist(), positions.tolist(), strict=True):
                found.setdefault(numbering.texts[term], []).append(pos)
            assert found == dict(analyzer.term_positions(value, mode))
