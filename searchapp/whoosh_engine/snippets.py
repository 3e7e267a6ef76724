"""Snippets and marks: where the words a search looks for are in a text.

A snippet is the best passages of an item's text around the words found, the words in
<mark>, everything else escaped; a Marker finds the same words in any text (a title,
the item page). Both look for the index terms the query looks for (`highlight_terms`:
stemmed, Danish letters folded, prefixes expanded, the words a NOT excludes left out),
found with the index's own analyzer, so "reform" marks "ældre<mark>reformen</mark>" and
"Reformen" as the search matched them. Apart from the searching, as in Whoosh's own
highlighting.
"""

from __future__ import annotations

import html
import re
import threading

from whoosh import query as wq

from ..danish import WORD_PATTERN
from ..querytree import COMPOUND_FIELDS, TEXT_FIELDS
from .limits import snippet_terms

__all__ = ["TermMarker", "highlight_terms", "lead", "snippet"]

SNIPPET_FRAGMENTS = 2
SNIPPET_CHARS = 240  # one fragment, about
LEAD_CHARS = 240  # the snippet of an item shown without a query


_SPACE = re.compile(r"\s+")


SNIPPET_CONTEXT = 70  # characters of context either side of a hit


def lead(text: str, chars: int = LEAD_CHARS) -> str:
    """The start of a text, escaped, cut at a word: the snippet without a query."""
    text = _SPACE.sub(" ", text or "").strip()
    if len(text) <= chars:
        return html.escape(text, quote=False)
    cut = text.rfind(" ", 0, chars)
    return html.escape(text[: cut if cut > chars // 2 else chars], quote=False) + " …"


def _word_terms(analyzer, word: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of each term the analyzer makes of one word when
    highlighting: the word, its hyphen parts and its compound parts, each with where
    it is in the word (the project's analyzers keep this per word:
    analysis.CachedAnalyzer.highlight_terms)."""
    cached = getattr(analyzer, "highlight_terms", None)
    if cached is not None:
        return cached(word)
    return [
        (t.text, t.startchar, t.endchar)
        for t in analyzer(word, positions=True, chars=True, mode="index", removestops=False)
        if not t.stopped
    ]


def _marks(text: str, words: frozenset[str], analyzer) -> list[tuple[int, int]]:
    """Where in `text` the terms `words` (at most limits.SNIPPET_TERMS of them) are,
    as merged (start, end) spans: the words the analyzer turns into one of them, or
    the part of a compound or hyphenated word that is one. Each word of the text is
    looked up once a search (what it holds of `words`, kept in `_word_marks`): a
    common term is in hundreds of words of a long text."""
    words = snippet_terms(words)
    found_in = _word_marks(words, analyzer)
    spans: list[tuple[int, int]] = []
    for m in WORD_PATTERN.finditer(text):
        word = m.group()
        marks = found_in.get(word)
        if marks is None:
            marks = found_in[word] = tuple(
                (s, e) for term, s, e in _word_terms(analyzer, word) if term in words
            )
        if marks:
            at = m.start()
            spans.extend((at + s, at + e) for s, e in marks)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


_WORD_MARKS: dict[tuple, tuple] = {}
_WORD_MARKS_KEPT = 64  # searches' terms
_WORD_MARKS_LOCK = threading.Lock()


def _word_marks(words: frozenset[str], analyzer) -> dict[str, tuple[tuple[int, int], ...]]:
    """word -> where in it the terms `words` are, filled as words are met: one per
    search's terms and analyzer (the hits of a page share it), the last few kept."""
    shared = getattr(analyzer, "_cache", None)
    owner = shared("marks", "index", False) if shared else analyzer  # one per chain
    key = (words, id(owner))
    with _WORD_MARKS_LOCK:
        found = _WORD_MARKS.get(key)
        if found is None:
            if len(_WORD_MARKS) >= _WORD_MARKS_KEPT:
                del _WORD_MARKS[next(iter(_WORD_MARKS))]
            found = _WORD_MARKS[key] = (owner, {})
    return found[1]


def _fragments(text: str, marks: list[tuple[int, int]]) -> list[tuple[int, int, list]]:
    """The best SNIPPET_FRAGMENTS passages, in text order: each a run of marks close
    enough to fit SNIPPET_CHARS with SNIPPET_CONTEXT around them, cut at spaces;
    the passages with most marks win (the first of equals)."""
    groups = []
    i = 0
    while i < len(marks):
        first = marks[i][0]
        j = i + 1
        while j < len(marks) and marks[j][1] - first + 2 * SNIPPET_CONTEXT <= SNIPPET_CHARS:
            j += 1
        groups.append(marks[i:j])
        i = j
    best = sorted(range(len(groups)), key=lambda g: (-len(groups[g]), g))[:SNIPPET_FRAGMENTS]
    out = []
    for g in sorted(best):
        group = groups[g]
        start = max(0, group[0][0] - SNIPPET_CONTEXT)
        if start > 0:
            space = text.find(" ", start, group[0][0])
            start = space + 1 if space != -1 else group[0][0]
        end = min(len(text), group[-1][1] + SNIPPET_CONTEXT)
        if end < len(text):
            space = text.rfind(" ", group[-1][1], end)
            end = space if space != -1 else group[-1][1]
        out.append((start, end, group))
    return out


def _escape(text: str) -> str:
    return html.escape(_SPACE.sub(" ", text), quote=False)


def snippet(text: str, words: frozenset[str], analyzer) -> str:
    """The best passages of `text` around `words` (index terms, as the analyzer
    makes them) with the hits in <mark>, everything else escaped; "…" where a passage
    does not start or end the text. The start of the text when none of them is in it."""
    if not text or not words:
        return lead(text)
    marks = _marks(text, words, analyzer)
    if not marks:
        return lead(text)
    pieces = []
    fragments = _fragments(text, marks)
    for start, end, group in fragments:
        out, at = [], start
        for s, e in group:
            out.append(_escape(text[at:s]))
            out.append("<mark>" + _escape(text[s:e]) + "</mark>")
            at = e
        out.append(_escape(text[at:end]))
        pieces.append("".join(out).strip())
    result = " … ".join(pieces)
    if fragments[0][0] > 0:
        result = "… " + result
    if fragments[-1][1] < len(text.rstrip()):
        result += " …"
    return result


def highlight_terms(q, reader) -> frozenset[str]:
    """The index terms the query looks for in the text fields and among the compound
    parts (prefixes expanded), not counting the ones it excludes: these are marked in
    snippets. All text fields share one analyzer, so a term of `decision:` is marked in
    the whole text too, and that analyzer, highlighting, gives a compound's parts as
    well, so a part found in the compound field is marked inside its word."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if node.is_leaf():
            try:
                terms = node.existing_terms(reader, phrases=True, expand=True)
            except Exception:  # noqa: BLE001 - an odd leaf only loses its marks
                return
            for fieldname, text in terms:
                if fieldname in TEXT_FIELDS or fieldname in COMPOUND_FIELDS.values():
                    found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
            return
        for child in node.children():
            walk(child)

    if q is not None:
        walk(q)
    return frozenset(found)



class TermMarker:
    """The Marker (results.Marker) of a set of index terms: the spans of the words
    `analyzer`, highlighting, turns into one of them, overlapping ones merged
    ("ældre" and "ældrereformen" start at the same place)."""

    def __init__(self, terms: frozenset[str] = frozenset(), analyzer=None):
        self.terms = terms
        self.analyzer = analyzer

    def __bool__(self) -> bool:
        return bool(self.terms)

    def spans(self, text: str) -> list[tuple[int, int]]:
        spans = sorted(
            (t.startchar, t.endchar)
            for t in self.analyzer(text, chars=True, mode="index", removestops=False)
            if t.text in self.terms
        )
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged
