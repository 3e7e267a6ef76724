"""The search box's parser as it was before issue #15: Whoosh's own query parser with
the project's plugins. Kept as the oracle the project's parser (searchapp.query) is
compared against: for every query string, the same Whoosh query
(tests/test_query_tree.py)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from searchapp.casenumbers import CaseNumber
from searchapp.danish import WORD_PATTERN
from searchapp.query import (
    _CASE_IN_QUERY,
    _YEAR,
    COMPOUND_BOOST,
    FIELD_NAMES,
    PSEUDO_FIELDS,
    _as_case_prefix,
    case_digits_of,
    committee_values,
    status_values,
)
from searchapp.queryparser import MIN_PREFIX
from searchapp.queryparser import WORD_START as _WORD_START
from searchapp.querytree import COMPOUND_FIELDS, DEFAULT_FIELDS, TEXT_FIELDS
from searchapp.whoosh_engine.compile import EXACT_PHRASE_BOOST


@dataclass
class ParsedQuery:
    query: object  # whoosh.query.Query
    fallback: bool = False
    notes: list[str] = field(default_factory=list)


def _parser(schema, committees: Iterable[str]):
    """A MultifieldParser for the Danish query language. Built per query: it is
    cheap, and `udvalg:` needs the committees of the generation being searched."""
    from whoosh import query as wq
    from whoosh.qparser import (
        BoostPlugin,
        FieldAliasPlugin,
        FieldsPlugin,
        GroupPlugin,
        OperatorsPlugin,
        PhrasePlugin,
        Plugin,
        PrefixPlugin,
        PseudoFieldPlugin,
        syntax,
    )
    from whoosh.qparser.taggers import RegexTagger

    committees = list(committees)
    names = sorted(set(FIELD_NAMES) | set(PSEUDO_FIELDS), key=len, reverse=True)

    class Fields(FieldsPlugin):
        """Only our field names (any case), and only at the start of a word."""

        class FieldnameTagger(RegexTagger):
            def create(self, parser, match):
                return syntax.FieldnameNode(match.group("text").lower(), match.group(0))

    class Phrases(PhrasePlugin):
        """A phrase in the text field is also looked for as written (the `exact`
        field: no stemming, stop words kept), and that counts for more."""

        class PhraseNode(PhrasePlugin.PhraseNode):
            def query(self, parser):
                fieldname = self.fieldname or parser.fieldname
                if fieldname in COMPOUND_FIELDS.values():
                    return wq.NullQuery  # a phrase is of words, not of compound parts
                q = super().query(parser)
                if fieldname != "text":
                    return q
                exact = copy.copy(self)
                exact.fieldname = "exact"
                eq = PhrasePlugin.PhraseNode.query(exact, parser)
                eq.boost = (eq.boost or 1.0) * EXACT_PHRASE_BOOST
                return wq.Or([q, eq])

        class PhraseTagger(RegexTagger):
            def create(self, parser, match):
                slop = int(match.group("slop")) if match.group("slop") else 1
                return Phrases.PhraseNode(match.group("text"), match.start("text"), slop)

        def taggers(self, parser):
            return [(self.PhraseTagger(self.expr), 0)]

    class Prefixes(PrefixPlugin):
        expr = (
            rf"{_WORD_START}(?P<text>[^\s*\"()^:-][^\s*\"()^:]{{{MIN_PREFIX - 1},}})"
            r"[*](?=\s|$|\))"
        )

    class CompoundParts(Plugin):
        """A word or prefix given a field (titel:reform, tekst:reform) is also looked
        for among that field's compound parts, as a plain word is (MultifieldPlugin,
        which runs next, does that for words without a field)."""

        def filters(self, parser):
            return [(self.do_parts, 105)]

        def do_parts(self, parser, group):
            for i, node in enumerate(group):
                if isinstance(node, syntax.GroupNode):
                    group[i] = self.do_parts(parser, node)
                elif (
                    isinstance(node, syntax.WordNode | PrefixPlugin.PrefixNode)
                    and COMPOUND_FIELDS.get(node.fieldname) in parser.schema
                ):
                    part = copy.copy(node)
                    part.set_fieldname(COMPOUND_FIELDS[node.fieldname], override=True)
                    part.set_boost(COMPOUND_BOOST)
                    group[i] = syntax.OrGroup([node, part])
            return group

    class Fixed(syntax.SyntaxNode):
        """A node standing for a query made here (a pseudo field's filter)."""

        has_fieldname = False
        has_text = False
        has_boost = False

        def __init__(self, q):
            self.q = q

        def r(self):
            return f"Fixed {self.q!r}"

        def query(self, parser):
            return self.q

    nothing = wq.Term("id", "\uffff")  # matches no item (NullQuery would vanish in And)

    def texts_of(node) -> list[str]:
        if node.has_text:
            return [node.text]
        if isinstance(node, syntax.GroupNode):
            return [t for child in node for t in texts_of(child)]
        return []

    def pseudo(kind):
        def transform(node):
            texts = texts_of(node)
            if not texts:
                return None
            terms = []
            for text in texts:
                if kind == "committee":
                    terms += [wq.Term("committee", c) for c in committee_values(text, committees)]
                elif kind == "status":
                    terms += [wq.Term("status", s) for s in status_values(text)]
                elif kind == "year":
                    year = text.strip()
                    terms += [wq.Term("year", year)] if _YEAR.fullmatch(year) else []
                else:
                    digits = case_digits_of(text)
                    terms += [wq.Term("case_digits", digits)] if digits else []
            return Fixed(wq.Or(terms) if terms else nothing)

        return transform

    parser = _multifield_parser(schema)
    parser.add_plugins([
        Fields(expr=rf"{_WORD_START}(?P<text>(?i:{'|'.join(map(re.escape, names))})):"),
        FieldAliasPlugin({real: [n for n, r in FIELD_NAMES.items() if r == real and n != real]
                          for real in TEXT_FIELDS}),
        PseudoFieldPlugin({name: pseudo(kind) for name, kind in PSEUDO_FIELDS.items()}),
        CompoundParts(),
        Prefixes(),
        Phrases(),
        GroupPlugin(),
        OperatorsPlugin(
            And=r"(?<=\s)(?:AND|OG)(?=\s)",
            Or=r"(?<=\s)(?:OR|ELLER)(?=\s)",
            Not=r"(^|(?<=[\s(]))(?:(?:NOT|IKKE)(?=\s)|-(?=[^\s\-]))",
            AndNot=None,
            AndMaybe=None,
            Require=None,
        ),
        BoostPlugin(),
    ])  # fmt: skip
    return parser


def _has_error(q) -> bool:
    if getattr(q, "error", None):
        return True
    return any(_has_error(child) for child in q.children())


def _with_case_digits(q):
    """A word that is a case number ("2025-01103") also finds the item of that case,
    whether or not the number is in its text."""
    from whoosh import query as wq

    def visit(node):
        if isinstance(node, wq.Term) and node.fieldname == "text":
            number = CaseNumber.parse(str(node.text))
            if number:
                return wq.Or([node, wq.Term("case_digits", number.digits, boost=node.boost)])
        return node

    return q.accept(visit)


def _multifield_parser(schema):
    """A parser without syntax that looks for a plain word in the title, the text and
    (boosted low) their compound parts: the base of both parsers here. An index made
    before the compound fields existed is searched in the title and text only."""
    from whoosh.qparser import MultifieldParser

    parts = [COMPOUND_FIELDS[f] for f in DEFAULT_FIELDS if COMPOUND_FIELDS[f] in schema]
    return MultifieldParser(
        [*DEFAULT_FIELDS, *parts],
        schema,
        fieldboosts=dict.fromkeys(parts, COMPOUND_BOOST),
        plugins=[],
    )


def plain_query(text: str, schema):
    """All the words of `text`, each in the title, the text or the compound parts: what
    any query string falls back to. None when it has no words."""
    words = WORD_PATTERN.findall(text)
    if not words:
        return None
    q = _multifield_parser(schema).parse(" ".join(words))
    return _with_case_digits(q)


def parse_query(text: str, schema, committees: Iterable[str] = ()) -> ParsedQuery:
    """The Whoosh query for the text of the search box. Never raises."""
    from whoosh import query as wq

    text = _CASE_IN_QUERY.sub(_as_case_prefix, text)
    try:
        q = _parser(schema, committees).parse(text)
        if _has_error(q):
            raise ValueError("the parser marked part of the query as an error")
        q = _with_case_digits(q)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            # Nothing the parser could use ("((((budget", "title:(a OR b)"): if plain
            # words are left, search those.
            plain = plain_query(text, schema)
            if plain is not None and not isinstance(plain, type(wq.NullQuery)):
                return ParsedQuery(plain, fallback=True, notes=["no query left after parsing"])
        return ParsedQuery(q)
    except Exception as exc:  # noqa: BLE001 - any failure means: search the words
        try:
            q = plain_query(text, schema)
        except Exception:  # noqa: BLE001
            q = None
        return ParsedQuery(q or wq.NullQuery, fallback=True, notes=[f"{type(exc).__name__}"])


