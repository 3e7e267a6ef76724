"""The search core's own query language: a small tree that says what to look for, in
which field and how much it counts, and nothing about how an engine finds it.

`query.parse_query` makes it from the search box; an engine turns it into its own
query (the Whoosh engine: whoosh_engine/compile.py; an OpenSearch engine would make
`bool` / `match` / `match_phrase` / `prefix` / `terms` of it, docs/architecture.md).

Leaves hold the text as typed: the engine analyses it with the field's analyzer (so
"Ældrereformen" is the term "aeldrereform" in the Whoosh engine, a stop word may leave
nothing to look for, and a word that analyses to several terms needs all of them).

Fields are the index's searchable fields (`TEXT_FIELDS`, plus the compound parts of the
title and the text); the filters (`Filter`) name the facet fields. A boost multiplies
the score of what it is on; groups keep their own boost, leaves theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "ATTACHMENT_FIELD",
    "ATTACHMENT_SCOPES",
    "COMPOUND_FIELDS",
    "DEFAULT_FIELDS",
    "FILTER_FIELDS",
    "TEXT_FIELDS",
    "And",
    "Filter",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Prefix",
    "Term",
    "leaves",
    "scope_attachments",
]

# The text of an item, whole and by kind of section (models.SECTION_KINDS); what a
# field prefix may name.
TEXT_FIELDS = ("title", "text", "summary", "background", "presentation", "recommendation",
               "decision", "history", "economy", "attachments", "other")  # fmt: skip
# What a word without a field prefix is looked for in.
DEFAULT_FIELDS = ("title", "text")
# The parts of the closed compounds of the title and of the text, each a field of its
# own, searched for less (query.COMPOUND_BOOST): "reform" finds "ældrereformen" below the
# items saying "reform".
COMPOUND_FIELDS = {"title": "title_compound", "text": "compound"}
# The text of an item's attachments: a word found there finds the item, below an item
# whose own text has it (query.ATTACHMENT_BOOST). `scope_attachments` puts it in a tree.
ATTACHMENT_FIELD = "attachment_text"
ATTACHMENT_SCOPES = ("include", "exclude", "only")
# What a filter may name: the facets, and the case numbers (by CaseNumber.digits).
FILTER_FIELDS = ("municipality", "committee", "status", "year", "case")


@dataclass(frozen=True)
class Term:
    """A word, as typed, looked for in one field."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Every term of the field that starts with `text` (as typed: "ældre*")."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Words in this order, each at most `slop` positions after the one before."""

    field: str
    text: str  # the words as typed, between the quotes
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Filter:
    """Items whose `field` (one of FILTER_FIELDS) has one of `values`; no values:
    nothing matches (an unknown committee finds nothing, not everything)."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Not:
    """Everything but what `child` matches; inside an And: those without it."""

    child: Node


Node = Term | Prefix | Phrase | Filter | And | Or | Not


def leaves(node: Node | None, *, negated: bool = False) -> Iterator[tuple[Node, bool]]:
    """Every leaf of the tree with whether it is under a Not (what a query excludes is
    not marked in a snippet, nor corrected)."""
    if node is None:
        return
    if isinstance(node, Not):
        yield from leaves(node.child, negated=True)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from leaves(child, negated=negated)
    else:
        yield node, negated


def _in_attachments(leaf: Term | Prefix | Phrase, boost: float) -> Node:
    return type(leaf)(**{**leaf.__dict__, "field": ATTACHMENT_FIELD, "boost": leaf.boost * boost})


def _is_text_leaf(node: Node) -> bool:
    return isinstance(node, Term | Prefix | Phrase) and node.field == "text"


def scope_attachments(node: Node | None, scope: str, boost: float) -> Node | None:
    """The tree searching the attachments as `scope` (ATTACHMENT_SCOPES) says: "include"
    looks for every word looked for in the text in the attachments too, its score times
    `boost`; "exclude" leaves the tree as it is; "only" looks for those words in the
    attachments instead (a word's group of title, text and compound parts becomes its
    attachment leaf). What a NOT excludes is excluded by the item's own text in every
    scope: a long report mentioning a word should not hide its item."""
    if node is None or scope == "exclude":
        return node
    if isinstance(node, Not):
        return node
    if isinstance(node, And):
        return And(tuple(scope_attachments(c, scope, boost) for c in node.children), node.boost)
    if isinstance(node, Or):
        texts = [c for c in node.children if _is_text_leaf(c)]
        if scope == "only" and texts:
            found = tuple(_in_attachments(c, 1.0) for c in texts)
            return found[0] if len(found) == 1 and node.boost == 1.0 else Or(found, node.boost)
        children = tuple(scope_attachments(c, scope, boost) if not _is_text_leaf(c) else c
                         for c in node.children)  # fmt: skip
        return Or(children + tuple(_in_attachments(c, boost) for c in texts), node.boost)
    if _is_text_leaf(node):
        if scope == "only":
            return _in_attachments(node, 1.0)
        return Or((node, _in_attachments(node, boost)))
    return node
