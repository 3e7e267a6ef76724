"""The query tree (querytree.py) as a Whoosh query, over this engine's schema.

Each leaf is analysed by its field's analyzer, as Whoosh's own query parser does it: a
word that analyses to nothing (a stop word) is left out, one that analyses to several
terms needs all of them; a prefix is taken as typed; a phrase in the text is also
looked for as written (the `exact` field: no stemming, stop words kept), which counts
for more. The result is normalised as Whoosh's parser normalised it, so the queries,
and with them the scores, are the ones the project had before it parsed the search
box itself (tests/test_query_tree.py).
"""

from __future__ import annotations

import re

from whoosh import query as wq

from .. import querytree as qt
from ..casenumbers import CaseNumber
from ..query import ParsedQuery

__all__ = ["EXACT_PHRASE_BOOST", "NOTHING", "WhooshQuery", "compile_query", "to_whoosh"]

EXACT_PHRASE_BOOST = 2.0  # a phrase as written outranks the same phrase inflected
# What a filter with no values matches: nothing (a NullQuery would vanish in an And).
NOTHING = wq.Term("id", "\uffff")
# The schema's field for each filter of the tree (querytree.FILTER_FIELDS).
FILTER_FIELDS = {"municipality": "municipality", "committee": "committee", "status": "status",
                 "year": "year", "case": "case_digits"}  # fmt: skip
_WORDS = re.compile(r"\S+")


class WhooshQuery:
    """A parsed query made runnable: the Whoosh query (NullQuery: words that match
    nothing, "og i"), and whether it is the plain words because the query as typed could
    not be used (`fallback`, with the reason in `notes`)."""

    __slots__ = ("query", "fallback", "notes")

    def __init__(self, query, fallback: bool = False, notes: tuple[str, ...] = ()):
        self.query = query
        self.fallback = fallback
        self.notes = notes


def _term_query(schema, fieldname, text, termclass, boost, tokenize, removestops):
    """A leaf as Whoosh's QueryParser.term_query makes it."""
    if fieldname in schema:
        field = schema[fieldname]
        texts = list(field.process_text(text, mode="query", tokenize=tokenize,
                                        removestops=removestops))  # fmt: skip
        if len(texts) > 1:
            return wq.And([termclass(fieldname, t, boost=boost) for t in texts])
        if not texts:
            return None
        text = texts[0]
    return termclass(fieldname, text, boost=boost)


def _phrase(schema, fieldname, text, slop, boost):
    if fieldname in schema:
        field = schema[fieldname]
        if field.analyzer:
            words = [t.text for t in field.tokenize(text, mode="query", chars=True)]
        else:
            words = list(field.process_text(text, mode="query"))
    else:
        words = _WORDS.findall(text)
    return wq.Phrase(fieldname, words, slop=slop, boost=boost)


def compile_node(node: qt.Node, schema):
    """One node of the tree as a Whoosh query (before normalising); None for what asks
    for nothing."""
    if isinstance(node, qt.And | qt.Or):
        subs = [q for q in (compile_node(c, schema) for c in node.children) if q is not None]
        return (wq.And if isinstance(node, qt.And) else wq.Or)(subs, boost=node.boost)
    if isinstance(node, qt.Not):
        q = compile_node(node.child, schema)
        return wq.Not(q) if q else None  # an empty And or Or is false: nothing to exclude
    if isinstance(node, qt.Term):
        q = _term_query(schema, node.field, node.text, wq.Term, node.boost, True, True)
        if node.field == "text" and isinstance(q, wq.And):
            # A case number the analysis takes as several words ("12/27845" is 12 and
            # 27845) finds its case too, as one it keeps whole does (_with_case_digits).
            number = CaseNumber.parse(node.text)
            if number:
                q = wq.Or([q, wq.Term("case_digits", number.digits, boost=node.boost)])
        return q
    if isinstance(node, qt.Prefix):
        return _term_query(schema, node.field, node.text, wq.Prefix, node.boost, False, False)
    if isinstance(node, qt.Phrase):
        if node.field in qt.COMPOUND_FIELDS.values():
            return wq.NullQuery  # a phrase is of words, not of compound parts
        q = _phrase(schema, node.field, node.text, node.slop, node.boost)
        if node.field != "text":
            return q
        exact = _phrase(schema, "exact", node.text, node.slop, node.boost)
        exact.boost = (exact.boost or 1.0) * EXACT_PHRASE_BOOST
        return wq.Or([q, exact])
    if isinstance(node, qt.Filter):
        terms = [wq.Term(FILTER_FIELDS[node.field], v) for v in node.values]
        return wq.Or(terms) if terms else NOTHING
    raise TypeError(f"not a query tree node: {node!r}")


def _with_case_digits(q):
    """A word that is a case number ("2025-01103") also finds the item of that case,
    whether or not the number is in its text."""

    def visit(node):
        if isinstance(node, wq.Term) and node.fieldname == "text":
            number = CaseNumber.parse(str(node.text))
            if number:
                return wq.Or([node, wq.Term("case_digits", number.digits, boost=node.boost)])
        return node

    return q.accept(visit)


def compile_query(tree: qt.Node | None, schema):
    """The Whoosh query of a tree, normalised; NullQuery when it asks for nothing."""
    q = compile_node(tree, schema) if tree is not None else None
    if not q:
        return wq.NullQuery
    return _with_case_digits(q.normalize())


def _is_null(q) -> bool:
    return q is wq.NullQuery or isinstance(q, type(wq.NullQuery))


def to_whoosh(parsed: ParsedQuery, schema) -> WhooshQuery:
    """The Whoosh query to run for a parsed search box: its tree, or its plain words
    when the tree asks for nothing the index can look up ("((((budget" does, "og" does
    not: then there is nothing to search at all)."""
    q = compile_query(parsed.tree, schema)
    if _is_null(q) and not parsed.fallback and parsed.plain is not None:
        plain = compile_query(parsed.plain, schema)
        if not _is_null(plain):
            return WhooshQuery(plain, True, ("no query left after parsing",))
    return WhooshQuery(q, parsed.fallback, parsed.notes)
