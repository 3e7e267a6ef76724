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
from functools import lru_cache

from whoosh import query as wq

from ..danish import WORD_PATTERN
from ..models import SECTION_KIND_NAMES, AgendaItem, one_space
from ..querytree import ATTACHMENT_FIELD, COMPOUND_FIELDS, TEXT_FIELDS
from .execute import term_bytes
from .limits import snippet_terms

__all__ = ["TermMarker", "best_page", "highlight_terms", "item_snippet", "lead", "matched_terms",
           "snippet"]  # fmt: skip

SNIPPET_FRAGMENTS = 2
SNIPPET_CHARS = 240  # one fragment, about
LEAD_CHARS = 240  # the snippet of an item shown without a query
SNIPPET_CONTEXT = 70  # characters of context either side of a hit


def lead(text: str, chars: int = LEAD_CHARS) -> str:
    """The start of a text, escaped, cut at a word: the snippet without a query.
    Its spaces are evened out in a window of the text's start, widened until it holds
    more than `chars` (the whole text was 0.5 ms of a one-hit case-number search)."""
    text = text or ""
    window = 4 * chars
    while True:
        start = one_space(text[:window]).strip()
        if len(start) > chars or window >= len(text):
            break
        window *= 4
    text = start
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
    the part of a compound or hyphenated word that is one (_Finder.marks)."""
    return _Finder(words, analyzer).marks(text)


class _Finder:
    """Finds the terms `words` in texts, set up once for all the sections of a hit
    (the terms cut to limits.SNIPPET_TERMS, their spellings, the words met so far).

    Every stem is the start of the word it came from (Snowball only cuts endings) and
    a compound part is inside its word, so a word holding a term holds one of its
    spellings (`_spellings`): the text, lowercased, is searched for those (str.find,
    in C), and only the words they are found in are looked at, each once a search
    (what it holds of `words` is kept in `_word_marks`)."""

    __slots__ = ("analyzer", "found_in", "spellings", "words")

    def __init__(self, words: frozenset[str], analyzer):
        self.words = snippet_terms(words)
        self.analyzer = analyzer
        self.found_in = _word_marks(self.words, analyzer)
        self.spellings = _spellings(self.words)

    def marks(self, text: str) -> list[tuple[int, int]]:
        lowered = _lowered(text)
        if len(lowered) != len(text):  # a letter whose lower case is longer: word by word
            return _merged(_marks_by_word(text, self.words, self.analyzer, self.found_in))
        spans: list[tuple[int, int]] = []
        seen: set[int] = set()
        for spelling in self.spellings:
            at = lowered.find(spelling)
            while at >= 0:
                word = _word_at(text, at)
                if word is not None and word.start() not in seen:
                    seen.add(word.start())
                    spans += _word_spans(word, self.words, self.analyzer, self.found_in)
                at = lowered.find(spelling, at + 1)
        return _merged(spans)


def _word_at(text: str, at: int) -> re.Match | None:
    """The word (WORD_PATTERN) holding `at`: the first of the text after the space
    before `at` that ends after it, if it starts at or before it."""
    start = at
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    search = WORD_PATTERN.search
    word = search(text, start)
    while word is not None and word.end() <= at:  # a word never is empty: as finditer
        word = search(text, word.end())
    return word if word is not None and word.start() <= at else None


def _word_spans(m: re.Match, words, analyzer, found_in: dict) -> list[tuple[int, int]]:
    """The spans of `words` in the word `m` of a text."""
    word = m.group()
    marks = found_in.get(word)
    if marks is None:
        marks = found_in[word] = tuple(
            (s, e) for term, s, e in _word_terms(analyzer, word) if term in words
        )
    at = m.start()
    return [(at + s, at + e) for s, e in marks]


def _marks_by_word(text: str, words, analyzer, found_in: dict) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in WORD_PATTERN.finditer(text):
        spans += _word_spans(m, words, analyzer, found_in)
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


# The text's letters that fold (danish.fold_danish) to a spelling of the same length:
# then only "ae", "oe" and "aa" have two spellings each, æ/ø/å or the two letters.
_SAME_LENGTH_FOLD = (("ä", "æ"), ("ö", "ø"), ("é", "e"), ("ü", "u"))


def _lowered(text: str) -> str:
    """The text as the terms' spellings are looked for in it: lowercased, and the
    letters of _SAME_LENGTH_FOLD folded."""
    lowered = text.lower()
    for letter, same in _SAME_LENGTH_FOLD:
        if letter in lowered:
            lowered = lowered.replace(letter, same)
    return lowered


def _may_hold(text: str, words: frozenset[str]) -> bool:
    """Whether a word of `text` may be one of the terms `words` or hold one: one of
    their spellings is in it (_Finder), or a letter's lower case is longer."""
    lowered = _lowered(text)
    return len(lowered) != len(text) or any(s in lowered for s in _spellings(words))
_TWO_SPELLINGS = re.compile("ae|oe|aa")
_AS_LETTER = {"ae": "æ", "oe": "ø", "aa": "å"}


# A stem may end inside a folded letter: "pårørende" -> "paaroerende" -> "paaro".
_CUT_LETTER = {"a": ("æ", "å"), "o": ("ø",)}


@lru_cache(maxsize=256)
def _spellings(words: frozenset[str]) -> tuple[str, ...]:
    """How the terms (folded: "aeldr") may be written in the lowercased text: with each
    "ae", "oe", "aa" as those letters or as æ, ø, å ("aeldr", "ældr"), and a last "a" or
    "o" also as the letter it may be the first half of ("paaro": "pårø")."""
    out: set[str] = set()
    for term in words:
        pieces = _TWO_SPELLINGS.split(term)
        folded = _TWO_SPELLINGS.findall(term)
        variants = [pieces[0]]
        for pair, rest in zip(folded, pieces[1:], strict=True):
            variants = [v + choice + rest for v in variants for choice in (pair, _AS_LETTER[pair])]
        for v in variants:
            out.add(v)
            out.update(v[:-1] + letter for letter in _CUT_LETTER.get(v[-1:], ()))
    out.discard("")
    return tuple(sorted(out))


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


# A longer section name ("Beslutning i Økonomiudvalget den ...") is shown by its kind.
SECTION_NAME_CHARS = 40


def _fragments(text: str, marks: list[tuple[int, int]]) -> list[tuple[int, int, list]]:
    """The best SNIPPET_FRAGMENTS passages, in text order: each a run of marks close
    enough to fit SNIPPET_CHARS with SNIPPET_CONTEXT around them, cut at spaces;
    the passages with most marks win (the first of equals). Passages whose context
    would overlap are one passage: no text is shown twice."""
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
    out: list[tuple[int, int, list]] = []
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
        if out and start <= out[-1][1]:  # overlapping or touching: one passage
            prev_start, _, prev_group = out[-1]
            between = [m for m in marks if prev_group[-1][0] < m[0] < group[0][0]]
            out[-1] = (prev_start, max(end, out[-1][1]), prev_group + between + group)
        else:
            out.append((start, end, group))
    return out


def _escape(text: str) -> str:
    return html.escape(one_space(text), quote=False)


# A paragraph of one short line ending in a letter, with a paragraph after it: a
# subheading (paragraphs.join_paragraphs sets them apart).
_HEADING = r"([ \t]*)([^\W\d_][^\n]{0,78}[^\W\d_])([ \t]*\n[ \t]*\n)(?=\S)"
_SUBHEADING = re.compile(r"(^|\n[ \t]*\n)" + _HEADING)


def _join_heading(m: re.Match) -> str:
    start, indent, heading, gap = m.groups()
    if len(heading.split()) > 8 or not heading[0].isupper():
        return m.group(0)
    return f"{start}{indent}{heading}:" + " " * (len(gap) - 1)


# Where a subheading may start: the text's start, and a line end before a blank line.
_BREAK = re.compile(r"\n(?=[ \t]*\n)")
_HEADING_CHARS = 80  # a subheading's most characters, by _HEADING


def _headed(text: str) -> str:
    """The text with each subheading joined to its paragraph by a colon ("Ældretilsyn:
    Lov om ældretilsyn er ..."), so a snippet does not run the two together; of the
    same length, so what is found in it is where it is in the text.

    What _SUBHEADING.sub(_join_heading, text) makes, tried only where a match can
    start (the text's start and its paragraph breaks, found by _BREAK) and only
    before a line short enough to be a subheading (the regex tried at every character
    was a third of a long item's snippet; at every line end, 7-14 us a section)."""
    if "\n" not in text:
        return text
    out, at = [], 0
    match = _SUBHEADING.match
    for i in (0, *(m.start() for m in _BREAK.finditer(text))):
        if i < at or not _short_line_after(text, i):
            continue
        m = match(text, i)
        if m is not None:
            out += (text[at : m.start()], _join_heading(m))
            at = m.end()
    out.append(text[at:])
    return "".join(out)


def _short_line_after(text: str, i: int) -> bool:
    """Whether the line after the paragraph break at `i` (or the first line, at 0) may
    be a subheading: _HEADING's heading is that line without the spaces and tabs
    either side, of at most _HEADING_CHARS, with a line end after it."""
    start = i
    while start < len(text) and text[start] in " \t\n":
        start += 1
    end = text.find("\n", start)
    if end < 0:
        return False
    return end - start <= _HEADING_CHARS or len(text[start:end].rstrip(" \t")) <= _HEADING_CHARS


def _passage(text: str, start: int, end: int, group: list[tuple[int, int]]) -> str:
    out, at = [], start
    for s, e in group:
        out.append(_escape(text[at:s]))
        out.append("<mark>" + _escape(text[s:e]) + "</mark>")
        at = e
    out.append(_escape(text[at:end]))
    return "".join(out).strip()


def snippet(text: str, words: frozenset[str], analyzer) -> str:
    """The best passages of `text` around `words` (index terms, as the analyzer
    makes them) with the hits in <mark>, everything else escaped; "…" where a passage
    does not start or end the text. The start of the text when none of them is in it."""
    marks = _marks(text, words, analyzer) if text and words else []
    if not marks:
        return lead(text)
    return _passages(text, _fragments(text, marks))


def _passages(text: str, fragments: list[tuple[int, int, list]]) -> str:
    result = " … ".join(_passage(text, *fragment) for fragment in fragments)
    if fragments[0][0] > 0:
        result = "… " + result
    if fragments[-1][1] < len(text.rstrip()):
        result += " …"
    return result


def _section_name(name: str, kind: str) -> str:
    name = one_space(name or "").strip().rstrip(":")
    if len(name) > SECTION_NAME_CHARS:
        return SECTION_KIND_NAMES.get(kind, "")
    return name


def _named(name: str, body: str) -> str:
    return f"{html.escape(name, quote=False)}: {body}" if name else body


def item_snippet(item: AgendaItem, words: frozenset[str], analyzer) -> str:
    """An item's snippet as its sections: "Beslutning: … <mark>x</mark> …", the best
    passages of the sections the words are in (of several, the ones with most hits, in
    the document's order, each passage once), never the title again. Without words, or
    when only the title holds them: the start of the decision, else of the first
    section."""
    # A subheading joined to its paragraph keeps the text's length and its words where
    # they are: the words are found in the text as it is, and only the sections shown
    # are given their subheadings (most of a one-hit search's snippet time was that).
    # (name as written, kind, text) of the sections with words; a name is shown only
    # for the sections shown (_section_name).
    parts = [[s.name, s.kind, s.text]
             for s in item.all_sections() if s.text and not s.text.isspace()]  # fmt: skip
    if not parts:
        return ""
    found = []
    finder = _Finder(words, analyzer) if words else None
    for i, part in enumerate(parts) if words else ():
        marks = finder.marks(part[2])
        if marks:
            part[2] = _headed(part[2])
            found += [(i, fragment) for fragment in _fragments(part[2], marks)]
    if not found:
        name, kind, text = next((p for p in parts if p[1] == "decision"), parts[0])
        return _named(_section_name(name, kind), lead(_headed(text)))
    best = sorted(found, key=lambda f: (-len(f[1][2]), f[0], f[1][0]))[:SNIPPET_FRAGMENTS]
    pieces, seen = [], set()
    for i in sorted({i for i, _ in best}):
        name, kind, text = parts[i]
        fragments = [f for j, f in sorted(best, key=lambda f: (f[0], f[1][0])) if j == i]
        kept = [(f, plain) for f in fragments if (plain := _plain(text, f)) not in seen]
        fragments = [f for f, _ in kept]
        seen.update(plain for _, plain in kept)
        if fragments:
            pieces.append(_named(_section_name(name, kind), _passages(text, fragments)))
    return " · ".join(pieces)


def _plain(text: str, fragment: tuple[int, int, list]) -> str:
    return one_space(text[fragment[0] : fragment[1]]).strip().lower()


def matched_terms(text: str, words: frozenset[str], analyzer) -> frozenset[str]:
    """Which of the terms `words` the text holds (as its snippet would mark them)."""
    if not text or not words:
        return frozenset()
    found: set[str] = set()
    for s, e in _marks(text, words, analyzer):
        found.update(t for t, _, _ in _word_terms(analyzer, text[s:e]) if t in words)
    return frozenset(found)


def best_page(pages: list[str], words: frozenset[str], analyzer) -> tuple[int, int]:
    """(index of the page holding most of the terms `words`, how many): the first of
    equals; (-1, 0) when no page holds any."""
    best, most = -1, 0
    for n, page in enumerate(pages):
        held = len(matched_terms(page, words, analyzer))
        if held > most:
            best, most = n, held
            if held == len(words):
                break
    return best, most


# The fields whose terms a snippet marks: one analyzer makes them all.
_MARKED_FIELDS = frozenset((*TEXT_FIELDS, *COMPOUND_FIELDS.values(), ATTACHMENT_FIELD))


def highlight_terms(q, reader, df=None) -> frozenset[str]:
    """The index terms the query looks for in the text fields and among the compound
    parts (prefixes expanded), not counting the ones it excludes: these are marked in
    snippets. All text fields share one analyzer, so a term of `decision:` is marked in
    the whole text too, and that analyzer, highlighting, gives a compound's parts as
    well, so a part found in the compound field is marked inside its word.
    `df(fieldname, btext)`, when given, says whether a word is in the index (the
    engine's remembered document frequencies) instead of a lookup in the reader."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if df is not None and type(node) is wq.Term and node.fieldname in _MARKED_FIELDS:
            # A word: whether the index has it, as the search just looked it up
            # (`df`, the generation's remembered document frequencies).
            btext = term_bytes(reader.schema, node.fieldname, node.text)
            if btext is not None and df(node.fieldname, btext):
                found.add(btext.decode("utf-8"))
            return
        if node.is_leaf():
            if getattr(node, "fieldname", None) not in (None, *_MARKED_FIELDS):
                return  # a filter's term (a case number): nothing to mark, nothing to look up
            try:
                terms = node.existing_terms(reader, phrases=True, expand=True)
            except Exception:  # noqa: BLE001 - an odd leaf only loses its marks
                return
            for fieldname, text in terms:
                if fieldname in _MARKED_FIELDS:
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
        if not _may_hold(text, self.terms):
            return []  # a hit's title without the words: not analysed (half its record)
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
