"""The schema's posting formats write exactly the postings Whoosh's own formats write.

TermPositions and TermCounts take their terms from CachedAnalyzer a distinct word at a
time instead of token by token, and TermPositions packs the positions as an array
instead of pickling them; these tests compare them, posting by posting (term,
frequency, weight, and the value decoded: the positions or the count), with Whoosh's
Positions and Frequency fed by the reference filter chains, over generated text and
the real minutes.
"""

from pathlib import Path

import pytest
from conftest import index_contents
from hypothesis import given, settings
from hypothesis import strategies as st
from test_analysis_cache import CORPUS_TEXT, texts
from whoosh.fields import TEXT
from whoosh.filedb.filestore import RamStorage
from whoosh.formats import Frequency, Positions

from searchapp.ingest import ingest_file
from searchapp.whoosh_engine.analysis import (
    CompoundAnalyzer,
    DanishAnalyzer,
    ExactAnalyzer,
    compound_chain,
    danish_chain,
    exact_chain,
)
from searchapp.whoosh_engine.schema import (
    TITLE_BOOST,
    TermCounts,
    TermPositions,
    build_schema,
    item_to_document,
)

PAIRS = [
    (DanishAnalyzer(), danish_chain()),
    (CompoundAnalyzer(), compound_chain()),
    (ExactAnalyzer(), exact_chain()),
]
FORMATS = [(TermPositions, Positions), (TermCounts, Frequency)]


def decoded(fmt, postings):
    """(term, frequency, weight, positions or count) of each posting."""
    if fmt.supports("positions"):
        return [(w, n, wt, fmt.decode_positions(v)) for w, n, wt, v in postings]
    return [(w, n, wt, fmt.decode_frequency(v)) for w, n, wt, v in postings]


def assert_same_postings(text):
    for fast_format, whoosh_format in FORMATS:
        for boost in (1.0, TITLE_BOOST):
            fast, reference = fast_format(field_boost=boost), whoosh_format(field_boost=boost)
            for cached, chain in PAIRS:
                for mode in ("index", ""):
                    got = decoded(fast, fast.word_values(text, cached, mode=mode))
                    want = decoded(reference, reference.word_values(text, chain, mode=mode))
                    assert got == want, (fast_format.__name__, chain, mode)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_postings_are_whooshs(text):
    assert_same_postings(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_postings_of_any_unicode_text(text):
    assert_same_postings(text)


@given(st.lists(st.integers(0, 100_000), max_size=20).map(sorted))
def test_positions_decode_as_whooshs_do(positions):
    fast, reference = TermPositions(), Positions()
    packed = fast.encode(positions)
    assert fast.decode_positions(packed) == reference.decode_positions(
        reference.encode(positions)) == positions
    assert fast.decode_frequency(packed) == len(positions)
    assert fast.decode_positions(fast.encode(positions)) == positions


def test_other_analyzers_and_values_go_through_whoosh():
    # a list value is taken as tokens already made; an analyzer without the fast
    # methods is called token by token, as Whoosh does
    for fast_format, whoosh_format in FORMATS:
        fast, reference = fast_format(), whoosh_format()
        value = ["kommunerne", "og", "kommunerne"]
        assert decoded(fast, fast.word_values(value, danish_chain(), mode="index")) == decoded(
            reference, reference.word_values(value, danish_chain(), mode="index")
        )
        text = "Kommunerne og regionerne"
        assert decoded(fast, fast.word_values(text, danish_chain(), mode="index")) == decoded(
            reference, reference.word_values(text, danish_chain(), mode="index")
        )


def test_schema_uses_the_formats():
    schema = build_schema()
    for name in ("title", "text", "background", "decision", "exact"):
        assert type(schema[name].format) is TermPositions and schema[name].format.supports(
            "positions"
        )
    for name in ("title_compound", "compound"):
        assert type(schema[name].format) is TermCounts
    assert schema["title"].format.field_boost == TITLE_BOOST


@pytest.mark.corpus
@pytest.mark.skipif(
    not CORPUS_TEXT.is_dir() or not any(CORPUS_TEXT.glob("*.txt")),
    reason=f"corpus text not found at {CORPUS_TEXT} (../shared/corpus beside the project); "
    "the real-text postings test is skipped",
)
def test_postings_of_the_real_minutes():
    for path in sorted(Path(CORPUS_TEXT).glob("*.txt")):
        assert_same_postings(path.read_text(encoding="utf-8"))


# --- The whole index -------------------------------------------------------------------


def reference_schema():
    """build_schema with Whoosh's own formats, each text field analysed token by token
    by its filter chain: the index as it was made before the cache."""
    schema = build_schema()
    for name in schema.names():
        field = schema[name]
        if isinstance(field.format, TermPositions | TermCounts):
            chain = next(chain for cached, chain in PAIRS if cached == field.analyzer)
            schema._fields[name] = TEXT(
                analyzer=chain,
                phrase=isinstance(field.format, Positions),
                field_boost=field.format.field_boost,
                stored=field.stored,
            )
    return schema


def built(schema, docs):
    """An in-memory index of `docs` with `schema`."""
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for doc in docs:
            writer.add_document(**doc)
    return ix


def test_the_index_is_the_one_the_chains_make(items):
    docs = [item_to_document(item, "sha") for item in items]
    if CORPUS_TEXT.is_dir():
        for path in sorted(CORPUS_TEXT.glob("*.txt")):
            docs += [item_to_document(item, "sha") for item in ingest_file(path)]
    assert len(docs) > len(items) or not CORPUS_TEXT.is_dir()
    assert index_contents(built(build_schema(), docs)) == index_contents(
        built(reference_schema(), docs)
    )
