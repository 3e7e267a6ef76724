"""The syntax of the search box, read into a query tree (querytree.py).

What a person may type: words (all must match), "quoted phrases" (~N for looser ones),
OR / ELLER, AND / OG, NOT / IKKE or a minus in front to exclude, parentheses, a
trailing * for a prefix, ^N to weigh something more, and field prefixes: the Danish
names of the text fields (titel:, beslutning: ...) and the filters (udvalg:, status:,
sag:, år:). A word without a field is looked for in the title, the text and, for less,
the parts of their compounds; a word in the title or the text also among that field's
compound parts.

The reading follows Whoosh's query parser (whoosh.qparser), which searchapp used until
its own tree replaced Whoosh's queries: the text is cut into tokens, the tokens are
grouped by parentheses, and a series of passes, each doing one thing, makes the tree.
For every query string the tree asks for exactly what Whoosh's parser asked for
(tests/test_query_tree.py compares them), odd strings included. What cannot be read
raises QuerySyntaxError; query.parse_query then searches the plain words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import querytree as qt

__all__ = ["MIN_PREFIX", "QuerySyntaxError", "Syntax", "parse", "parse_plain"]

MIN_PREFIX = 2  # "a*" would expand to half the dictionary
OPERATOR_WORDS = {"AND", "OR", "NOT", "OG", "ELLER", "IKKE"}
# Where a field name or a prefix may start: at the start of a word, or right after the
# minus that excludes it ("-titel:reform", "-udvalg:kkr"), not inside a hyphenated word.
WORD_START = r"(?:(?<![\w-])|(?<=^-)|(?<=[\s(]-))"


class QuerySyntaxError(ValueError):
    """Text the syntax cannot make a tree of (an operator with nothing to act on)."""


@dataclass(frozen=True)
class Syntax:
    """What the parser needs to know of the language: the field prefixes and their
    fields, the filter prefixes and how a typed value becomes filter values, the
    default fields and their boosts, and the compound-part fields of the text fields."""

    field_names: dict[str, str]  # "titel" -> "title" (and "title" -> "title")
    filter_names: dict[str, str]  # "udvalg" -> "committee"
    filter_values: Callable[[str, str], list[str]]  # (filter field, typed text) -> values
    default_fields: dict[str, float]  # field -> boost, for a word without a field
    compound_fields: dict[str, str]  # "title" -> "title_compound"
    compound_boost: float

    def taggers(self) -> list[tuple[re.Pattern, Callable[[re.Match], _Node]]]:
        return _taggers(frozenset(self.field_names) | frozenset(self.filter_names))


@lru_cache(maxsize=8)
def _taggers(prefixes: frozenset[str]) -> list[tuple[re.Pattern, Callable[[re.Match], _Node]]]:
    """What makes a syntax node of the text at a place, in the order they are tried:
    field names, prefixes, phrases, parentheses, operators, boosts, spaces."""
    names = sorted(prefixes, key=len, reverse=True)
    return [
        (
            re.compile(rf"{WORD_START}(?P<text>(?i:{'|'.join(map(re.escape, names))})):"),
            lambda m: _FieldName(m["text"].lower(), m.group(0)),
        ),
        (
            re.compile(
                rf"{WORD_START}(?P<text>[^\s*\"()^:-][^\s*\"()^:]{{{MIN_PREFIX - 1},}})"
                r"[*](?=\s|$|\))"
            ),
            lambda m: _Text("prefix", m["text"]),
        ),
        (
            re.compile(r'"(?P<text>.*?)"(~(?P<slop>[1-9][0-9]*))?'),
            lambda m: _Text("phrase", m["text"], slop=int(m["slop"] or 1)),
        ),
        (re.compile(r"[(]"), lambda m: _Open()),
        (re.compile(r"[)]"), lambda m: _Close()),
        (
            re.compile(r"(^|(?<=[\s(]))(?:(?:NOT|IKKE)(?=\s)|-(?=[^\s\-]))"),
            lambda m: _Operator("not"),
        ),
        (re.compile(r"(?<=\s)(?:AND|OG)(?=\s)"), lambda m: _Operator("and")),
        (re.compile(r"(?<=\s)(?:OR|ELLER)(?=\s)"), lambda m: _Operator("or")),
        (re.compile(r"\^(?P<boost>[0-9]*(\.[0-9]+)?)($|(?=[ \t\r\n)]))"), _boost_mark),
        (_SPACE, lambda m: _Space()),
    ]


_SPACE = re.compile(r"\s+")


# --- Syntax nodes ---------------------------------------------------------------------------


class _Node:
    has_fieldname = False
    has_text = False
    has_boost = False
    fieldname: str | None = None

    def set_fieldname(self, name: str, override: bool = False) -> None:
        if self.has_fieldname and (self.fieldname is None or override):
            self.fieldname = name

    def set_boost(self, boost: float) -> None:
        if self.has_boost:
            self.boost = boost


class _Space(_Node):
    pass


class _Open(_Node):
    pass


class _Close(_Node):
    pass


class _FieldName(_Node):
    has_fieldname = True

    def __init__(self, name: str, original: str):
        self.fieldname = name
        self.original = original


class _Operator(_Node):
    def __init__(self, kind: str):
        self.kind = kind  # "not" (before what it excludes), "and", "or" (between two)


class _BoostMark(_Node):
    def __init__(self, original: str, boost: float):
        self.original = original
        self.boost = boost


def _boost_mark(m: re.Match) -> _Node:
    try:
        return _BoostMark(m.group(0), float(m["boost"]))
    except ValueError:  # "^" alone: a word
        return _Text("word", m.group(0))


class _Text(_Node):
    """A word, a prefix or a phrase."""

    has_fieldname = has_text = has_boost = True

    def __init__(self, kind: str, text: str, slop: int = 1):
        self.kind = kind
        self.text = text
        self.slop = slop
        self.fieldname = None
        self.boost = 1.0

    def clone(self) -> _Text:
        twin = _Text(self.kind, self.text, self.slop)
        twin.fieldname, twin.boost = self.fieldname, self.boost
        return twin


class _Filter(_Node):
    """A filter prefix and its value, read: it takes no field and no boost."""

    def __init__(self, node: qt.Filter):
        self.node = node


@dataclass
class _Group(_Node):
    kind: str  # "and", "or", "not"
    nodes: list = field(default_factory=list)
    boost: float = 1.0

    has_boost = True

    @property
    def merging(self) -> bool:
        """Whether `a OR b OR c` may add c to the group of a and b."""
        return self.kind != "not"

    def set_fieldname(self, name: str, override: bool = False) -> None:
        for node in self.nodes:
            node.set_fieldname(name, override)

    def empty_copy(self) -> _Group:
        return _Group(self.kind, [], self.boost)


def _word(node: _FieldName | _BoostMark) -> _Text:
    """What a field name or a boost in the wrong place is: the word as typed."""
    return _Text("word", node.original)


# --- Reading -------------------------------------------------------------------------------


def _tokens(text: str, syntax: Syntax) -> list[_Node]:
    """The text as syntax nodes: at each place the first tagger that matches makes one;
    a run of characters none matches is a word."""
    taggers = syntax.taggers()
    out: list[_Node] = []
    pos = prev = 0
    while pos < len(text):
        for pattern, make in taggers:
            m = pattern.match(text, pos)
            if m:
                if prev < pos:
                    out.append(_Text("word", text[prev:pos]))
                out.append(make(m))
                prev = pos = m.end()
                break
        else:
            pos += 1
    if prev < len(text):
        out.append(_Text("word", text[prev:]))
    return out


def _grouped(nodes: list[_Node]) -> _Group:
    """Parentheses made into groups. An unclosed one ends at the end of the text; a
    stray closing one is dropped."""
    stack = [_Group("and")]
    for node in nodes:
        if isinstance(node, _Open):
            stack.append(_Group("and"))
        elif isinstance(node, _Close):
            if len(stack) > 1:
                last = stack.pop()
                stack[-1].nodes.append(last)
        else:
            stack[-1].nodes.append(node)
    top = stack[0]
    for level in stack[1:]:
        top.nodes.extend(level.nodes)
    if len(top.nodes) == 1 and isinstance(top.nodes[0], _Group):
        inner = top.nodes[0]
        inner.boost = top.boost
        top = inner
    return top


def _loose_boosts_to_words(group: _Group) -> _Group:
    """A ^N at the start, or after something it cannot weigh, is a word (top level)."""
    for i, node in enumerate(group.nodes):
        if isinstance(node, _BoostMark) and (not i or not group.nodes[i - 1].has_boost):
            group.nodes[i] = _word(node)
    return group


def _field_aliases(group: _Group, syntax: Syntax) -> _Group:
    """Danish field names to the fields they name (titel: -> title)."""
    for node in group.nodes:
        if isinstance(node, _Group):
            _field_aliases(node, syntax)
        elif node.has_fieldname and node.fieldname is not None:
            node.set_fieldname(syntax.field_names.get(node.fieldname, node.fieldname), True)
    return group


def _texts_of(node: _Node) -> list[str]:
    if node.has_text:
        return [node.text]
    if isinstance(node, _Group):
        return [t for child in node.nodes for t in _texts_of(child)]
    return []


def _filters(group: _Group, syntax: Syntax) -> _Group:
    """A filter prefix and the node after it (a word, a phrase, a group) become one
    filter of the values typed (udvalg:kkr -> the KKR committees). A prefix followed by
    a space or nothing is dropped."""
    out = group.empty_copy()
    pending: str | None = None
    for node in group.nodes:
        if isinstance(node, _Group):
            node = _filters(node, syntax)
        elif isinstance(node, _FieldName) and node.fieldname in syntax.filter_names:
            pending = syntax.filter_names[node.fieldname]
            continue
        if pending:
            texts = _texts_of(node)
            kind, pending = pending, None
            if not texts:
                continue
            values = [v for text in texts for v in syntax.filter_values(kind, text)]
            node = _Filter(qt.Filter(kind, tuple(dict.fromkeys(values))))
        out.nodes.append(node)
    return out


def _field_prefixes(group: _Group) -> _Group:
    """A field name gives its field to the node after it (a group: to everything in
    it, unless it names another). A field name followed by a space or nothing is a word
    ("titel:")."""
    out = group.empty_copy()
    nodes = group.nodes
    i = len(nodes)
    while i > 0:
        i -= 1
        node = nodes[i]
        if isinstance(node, _FieldName):
            node = _word(node)
        elif isinstance(node, _Group):
            node = _field_prefixes(node)
        if i > 0 and not isinstance(node, _Space) and isinstance(nodes[i - 1], _FieldName):
            node.set_fieldname(nodes[i - 1].fieldname)
            i -= 1
        out.nodes.append(node)
    out.nodes.reverse()
    return out


def _compound_parts(group: _Group, syntax: Syntax) -> _Group:
    """A word or prefix given the title or the text is also looked for, for less, among
    that field's compound parts (titel:reform finds "Ældrereformen" in a title)."""
    for i, node in enumerate(group.nodes):
        if isinstance(node, _Group):
            group.nodes[i] = _compound_parts(node, syntax)
        elif (
            isinstance(node, _Text)
            and node.kind in ("word", "prefix")
            and node.fieldname in syntax.compound_fields
        ):
            part = node.clone()
            part.set_fieldname(syntax.compound_fields[node.fieldname], override=True)
            part.set_boost(syntax.compound_boost)
            group.nodes[i] = _Group("or", [node, part])
    return group


def _default_fields(group: _Group, syntax: Syntax) -> _Group:
    """A word, prefix or phrase without a field: one of each for every default field,
    any of which may match."""
    for i, node in enumerate(group.nodes):
        if isinstance(node, _Group):
            group.nodes[i] = _default_fields(node, syntax)
        elif node.has_fieldname and node.fieldname is None:
            copies = []
            for name, boost in syntax.default_fields.items():
                each = node.clone()
                each.set_fieldname(name)
                each.set_boost(boost)
                copies.append(each)
            group.nodes[i] = _Group("or", copies)
    return group


def _without_spaces(group: _Group) -> _Group:
    out = group.empty_copy()
    for node in group.nodes:
        if isinstance(node, _Group):
            out.nodes.append(_without_spaces(node))
        elif not isinstance(node, _Space):
            out.nodes.append(node)
    return out


def _boosts(group: _Group) -> _Group:
    """^N weighs the node before it (what it set replaces the weight it had); a ^N with
    nothing before it to weigh is a word."""
    out = group.empty_copy()
    for node in group.nodes:
        if isinstance(node, _Group):
            node = _boosts(node)
        elif isinstance(node, _BoostMark):
            if out.nodes and out.nodes[-1].has_boost:
                out.nodes[-1].set_boost(node.boost)
                continue
            node = _word(node)
        out.nodes.append(node)
    return out


def _operators(group: _Group) -> _Group:
    """NOT takes the node after it; AND and OR the nodes either side, left to right
    (a OR b OR c is one group). An operator with nothing to act on is dropped. Then the
    same inside every group."""
    nodes = group.nodes
    for kind in ("not", "and", "or"):
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if not (isinstance(node, _Operator) and node.kind == kind):
                i += 1
                continue
            if kind == "not":
                length = len(nodes)
                del nodes[i]
                if i < length - 1:
                    nodes[i] = _Group("not", [nodes[i]])
            elif 0 < i < len(nodes) - 1:
                left, right = nodes[i - 1], nodes[i + 1]
                if isinstance(left, _Group) and left.kind == kind and left.merging:
                    left.nodes.append(right)
                    del nodes[i : i + 2]
                else:
                    nodes[i - 1 : i + 2] = [_Group(kind, [left, right])]
            else:
                del nodes[i]
    for i, node in enumerate(nodes):
        if isinstance(node, _Group):
            nodes[i] = _operators(node)
    return group


def _tree(node: _Node) -> qt.Node | None:
    if isinstance(node, _Group):
        if node.kind == "not":
            if not node.nodes:
                raise QuerySyntaxError("NOT with nothing after it")
            child = _tree(node.nodes[0])
            return qt.Not(child) if child is not None else None
        children = tuple(c for c in map(_tree, node.nodes) if c is not None)
        if len(children) == 1 and node.boost == 1.0:
            return children[0]  # "all of" or "any of" one thing is that thing
        return (qt.And if node.kind == "and" else qt.Or)(children, node.boost)
    if isinstance(node, _Text):
        if node.kind == "phrase":
            return qt.Phrase(node.fieldname, node.text, node.slop, node.boost)
        leaf = qt.Prefix if node.kind == "prefix" else qt.Term
        return leaf(node.fieldname, node.text, node.boost)
    if isinstance(node, _Filter):
        return node.node
    raise QuerySyntaxError(f"{type(node).__name__.strip('_')} left in the query")


def parse(text: str, syntax: Syntax) -> qt.Node:
    """The tree of a search-box text. Raises QuerySyntaxError."""
    group = _grouped(_tokens(text, syntax))
    group = _loose_boosts_to_words(group)
    group = _field_aliases(group, syntax)
    group = _filters(group, syntax)
    group = _field_prefixes(group)
    group = _compound_parts(group, syntax)
    group = _default_fields(group, syntax)
    group = _without_spaces(group)
    group = _boosts(group)
    group = _operators(group)
    return _tree(group)


def parse_plain(words: Iterable[str], syntax: Syntax) -> qt.Node:
    """All of `words`, each in the default fields: what any text falls back to."""
    group = _Group("and", [_Text("word", w) for w in words])
    return _tree(_default_fields(group, syntax))
