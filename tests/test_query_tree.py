"""The search box read into the project's own query tree, and that tree compiled for
Whoosh: the same Whoosh query, boosts and all, as Whoosh's own query parser made before
issue #15 (tests/qparser_oracle.py), for the syntax strategy, any text, and queries
made from real words."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from qparser_oracle import parse_query as whoosh_parse
from whoosh import query as wq

from searchapp import querytree as qt
from searchapp.query import parse_query, plain_query
from searchapp.whoosh_engine.compile import to_whoosh
from searchapp.whoosh_engine.schema import build_schema

SCHEMA = build_schema()
COMMITTEES = ["KKR Hovedstaden", "KKR Sjælland", "Økonomiudvalget"]

SYNTAX = [
    "budget", "ældre", "reform*", "ældre*", "a*", "OR", "AND", "NOT", "OG", "ELLER", "IKKE",
    "-", '"', "(", ")", "*", "^2", "^", "^0.5", "~2", ":", "titel:", "Titel:", "tekst:",
    "beslutning:", "udvalg:", "sag:", "status:", "år:", "case:", "godkendt", "kkr",
    "2025-01103", "SAG-2025-01103", "sag 2025-01103", "21-014420K", "og", "i",
    "x", "3", " ", " ", "\t",
]  # fmt: skip


def shape(q):
    """A Whoosh query as plain data, boosts included (Whoosh's == leaves some out)."""
    name = type(q).__name__
    if q is wq.NullQuery or name == "_NullQuery":
        return ("Null",)
    if isinstance(q, wq.Phrase):
        return (name, q.fieldname, tuple(q.words), q.slop, q.boost)
    if isinstance(q, wq.Not):
        return (name, shape(q.query), q.boost)
    if q.is_leaf():
        return (name, q.fieldname, q.text, q.boost)
    return (name, q.boost, tuple(shape(c) for c in q.children()))


def assert_same(text: str, committees=COMMITTEES):
    expected = whoosh_parse(text, SCHEMA, committees)
    got = to_whoosh(parse_query(text, committees), SCHEMA)
    assert shape(got.query) == shape(expected.query), text
    assert got.fallback == expected.fallback, text


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=st.lists(st.sampled_from(SYNTAX), max_size=10).map("".join))
@example("a^2 OR b")
@example("titel:reform^2 OR x")
@example("NOT AND x")
@example("udvalg: kkr")
@example("titel:tekst:reform")
@example('"rød løber"~3^2 ældre')
def test_the_syntax_strategy(q):
    assert_same(q)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=st.lists(st.sampled_from(SYNTAX), max_size=10).map(" ".join))
def test_the_syntax_strategy_spaced(q):
    assert_same(q)


@settings(max_examples=800, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=st.text(max_size=60))
def test_any_text(q):
    assert_same(q)


def test_odd_queries():
    for q in ['"unclosed phrase', "((((budget", "budget))", "AND", "OR OR OR", "NOT", "-",
              "--", "titel:", "udvalg:", "*", "**budget", "a*", "budget^", "budget^x",
              "[a TO b]", "{x}", "titel:(", '""', "\x00", "item_json:budget", "*:*", "sag:",
              "<script>", "(" * 300 + "budget", "(" * 300 + "budget" + ")" * 300,
              "titel:(a OR b)", "udvalg:(kkr sjælland) budget", "-(a b)", "a -(b OR c)",
              "status:(godkendt OR afvist)", "år:2025 år:1850", "sag:12/27845"]:  # fmt: skip
        assert_same(q)


def test_a_case_number_the_analysis_splits_also_finds_its_case():
    """New with the CaseNumber type: Whoosh's parser looked for "12/27845" only as the
    words 12 and 27845."""
    got = to_whoosh(parse_query("12/27845"), SCHEMA).query
    assert wq.Term("case_digits", "12/27845") in list(got.leaves())
    old = whoosh_parse("12/27845", SCHEMA, [])
    assert wq.Term("case_digits", "12/27845") not in list(old.query.leaves())


def test_queries_of_real_words(items):
    from test_execute import _queries

    for q in _queries([i.text for i in items], 600, seed=7):
        assert_same(q)


def test_the_tree_is_the_language_not_whoosh():
    """What the tree says of a few queries, as a reader of querytree.py expects it."""
    tree = parse_query("titel:reform -udvalg:kkr", COMMITTEES).tree
    reform, kkr = tree.children
    assert reform == qt.Or((qt.Term("title", "reform"), qt.Term("title_compound", "reform", 0.3)))
    assert kkr == qt.Not(qt.Filter("committee", ("KKR Hovedstaden", "KKR Sjælland")))
    word = parse_query("budget^2", COMMITTEES).tree
    assert word.boost == 2.0 and {c.field for c in word.children} == {
        "title", "text", "title_compound", "compound",
    }  # fmt: skip
    assert parse_query('"rød løber"~3').tree.children[1] == qt.Phrase("text", "rød løber", 3)
    assert parse_query("status:nej").tree == qt.Filter("status", ())
    assert parse_query("").tree == qt.And(())
    assert plain_query("(( budget") == qt.Or((qt.Term("title", "budget"),
        qt.Term("text", "budget"), qt.Term("title_compound", "budget", 0.3),
        qt.Term("compound", "budget", 0.3)))  # fmt: skip


def test_the_query_module_does_not_import_whoosh():
    import subprocess
    import sys

    code = (
        "import sys, searchapp.query, searchapp.querytree, searchapp.queryparser;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    # The one thing taken from Whoosh's distribution is a table of data: the stop list.
    assert set(eval(out)) <= {"whoosh", "whoosh.lang", "whoosh.lang.stopwords"}, out


@pytest.mark.parametrize("seed", range(3))
def test_random_mixes_of_real_words_and_syntax(items, seed):
    rnd = random.Random(seed)
    words = sorted({w for i in items for w in re.findall(r"\w+", i.text)})
    for _ in range(300):
        parts = [rnd.choice(words + SYNTAX) for _ in range(rnd.randrange(1, 8))]
        assert_same(rnd.choice(["", " "]).join(parts))
