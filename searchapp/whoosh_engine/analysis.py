"""Danish text analysis for the index, in the manner of Whoosh's analysis module.

A tokenizer and small filters composed with `|`. The same chains run at index time and
at query time; what differs is told by the token's `mode`:

- at index time a word may stand for several terms at one position: a hyphenated word
  also as its parts ("sosu-uddannelserne", "sosu", "uddannelserne"), a case number also
  as its digits ("sag-2025-01103", "2025-01103"). Whichever of them a person types then
  matches.
- at query time a word stays one term, so a query never asks for more than was typed.

Closed compounds ("ældrereformen" = "ældre" + "reformen") are split too, but their parts
go to a field of their own (`compound`, CompoundAnalyzer), not to the title and text:
the query searches that field with a low boost, so a part found inside a compound
ranks below the word itself. When the title and text are analysed for highlighting
(Whoosh's convention: `removestops=False`, every word kept for display), a compound is
followed by its parts after all, so the part a search matched is marked in the word.

Danish letters are folded (æ -> ae, ø -> oe, å -> aa) before stemming, at both times,
so "aeldrereformen" typed on a foreign keyboard finds "ældrereformen".

The chains (danish_chain, compound_chain, exact_chain) are the definition; the analyzers
the schema uses (DanishAnalyzer, CompoundAnalyzer, ExactAnalyzer) run a chain once per
distinct word and replay what it made (CachedAnalyzer), which is several times faster
and, as the tests prove, yields the very same tokens.

Every piece is a module-level class holding only plain data, because Whoosh pickles the
schema, analyzers included, into the index.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter, defaultdict
from functools import lru_cache, partial

import numpy as np
from whoosh.analysis import (
    Analyzer,
    Composable,
    Filter,
    LowercaseFilter,
    Token,
    Tokenizer,
)

from ..casenumbers import CaseNumber
from ..compounds import MIN_WORD, split_compound
from ..danish import DANISH_STOP_WORDS, HYPHENS, WORD_PATTERN, fold_danish

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_HYPHEN_RE = re.compile(f"[{HYPHENS}]")


def word_parts(word: str) -> list[tuple[int, int]]:
    """Where the parts of a hyphenated word are, as (start, end) offsets; [] for a word
    that is one part. Runs of numbers stay together, so "SAG-2025-01103" gives "SAG" and
    "2025-01103", and a date or number such as "11-04-2025" is not split at all."""
    pieces, start = [], 0
    for m in _HYPHEN_RE.finditer(word):
        pieces.append((start, m.start()))
        start = m.end()
    if not pieces:
        return []
    pieces.append((start, len(word)))
    parts: list[tuple[int, int, bool]] = []
    for s, e in pieces:
        numeric = bool(_NUMBER.fullmatch(word, s, e))
        if parts and numeric and parts[-1][2]:
            parts[-1] = (parts[-1][0], e, True)
        else:
            parts.append((s, e, numeric))
    return [(s, e) for s, e, _ in parts] if len(parts) > 1 else []


def case_digits_span(word: str) -> list[tuple[int, int]]:
    """[(0, end)] where a case number's digits are at the start of it but not among its
    parts ("21-014420K": "21-014420"), so it is found by the digits people type, as
    "SAG-2025-01103" is by its part "2025-01103"; [] for any other word."""
    if not (word[:1].isdigit() and word[-1:].isalpha()):
        return []
    number = CaseNumber.parse(word)
    if number is None or number.digits == number.text:
        return []
    return [(0, len(number.digits))] if number.text.startswith(number.digits) else []


class DanishTokenizer(Tokenizer):
    """Words, numbers and case numbers, kept whole; at index time a hyphenated word is
    followed by its parts (and a case number by its digits) at the same position, with
    their own character offsets."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):  # fmt: skip
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, match in enumerate(WORD_PATTERN.finditer(value), start_pos):
            word = _HYPHEN_RE.sub("-", match.group())
            spans = [(0, len(word))]
            if mode != "query":
                spans += word_parts(word) + case_digits_span(word)
            for s, e in spans:
                t.text = word[s:e]
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = t.text
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + match.start() + s
                    t.endchar = start_char + match.start() + e
                yield t


class CompoundFilter(Filter):
    """Closed compounds and their parts: "ældrereformen" -> "ældre", "reformen" (see
    compounds.py for how words are split). At query time a word always stays one term.

    - `parts_only` (the `compound` field): at index time each word becomes its parts;
      a word that is no compound leaves nothing.
    - otherwise (the title and text fields): words pass unchanged when indexing; when
      analysed for highlighting (removestops=False) a compound is followed by its parts
      at the same position and with their own character offsets, so "reform" marks
      "ældre<mark>reformen</mark>".
    """

    parts_only = False  # also what an analyzer pickled before the option existed has

    def __init__(self, parts_only=False):
        self.parts_only = parts_only

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.__dict__ == other.__dict__

    def __call__(self, tokens):
        parts_only = self.parts_only
        for t in tokens:
            if t.mode == "query" or t.stopped or not (parts_only or not t.removestops):
                yield t
                continue
            word = t.text
            spans = compound_spans(word)
            # Filters downstream change the one shared token: note what a part needs.
            pos = t.pos if t.positions else None
            start = t.startchar if t.chars else 0
            if not parts_only:
                yield t
            for s, e in spans:
                t.text, t.stopped, t.boost = word[s:e], False, 1.0
                if pos is not None:
                    t.pos = pos
                if t.chars:
                    t.startchar, t.endchar = start + s, start + e
                yield t


@lru_cache(maxsize=200_000)
def compound_spans(word: str) -> tuple[tuple[int, int], ...]:
    """Where the parts of a compound (a lowercased word) are in it, as (start, end)
    offsets, () for a word that is none; for a compound of three parts, the runs of
    two as well ("praksisplanudvalget": "praksis", "plan", "udvalget", "praksisplan",
    "planudvalget"), so a search for the compound inside it finds it too. A linking
    -s- belongs to neither side: "danskuddannelsesområdet" has "danskuddannelse".
    Cached per word, like the splitting: indexing sees each word many times."""
    if len(word) < MIN_WORD:
        return ()
    parts = split_compound(word)
    spans, offset = [], 0
    for part in parts:
        found = word.find(part, offset)
        if found < 0:  # never: the parts are pieces of the word
            return ()
        spans.append((found, found + len(part)))
        offset = found + len(part)
    runs = [
        (spans[i][0], spans[j][1])
        for i in range(len(spans))
        for j in range(i + 1, len(spans))
        if (i, j) != (0, len(spans) - 1)
    ]
    return tuple(spans + runs)


class DanishStopFilter(Filter):
    """Drops the Snowball Danish stop words and single letters.

    Unlike Whoosh's StopFilter it renumbers by position, not by token, because several
    terms may share a position: a position only disappears when all of its terms were
    stopped. Like Whoosh's, it marks stop words instead when `removestops` is off
    (the highlighter wants every word).
    """

    def __init__(self, stoplist=DANISH_STOP_WORDS):
        self.stops = frozenset(stoplist) | {fold_danish(w) for w in stoplist}

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.stops == other.stops

    def __call__(self, tokens):
        stops = self.stops
        kept_pos = None  # original position of the last kept term
        out_pos = 0  # the position it was given
        for t in tokens:
            text = t.text
            if text in stops or (len(text) < 2 and not text.isdigit()):
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            t.stopped = False
            if t.positions and t.removestops:
                if kept_pos is None:
                    out_pos = t.pos
                elif t.pos != kept_pos:
                    out_pos += 1
                kept_pos = t.pos
                t.pos = out_pos
            yield t


class FoldFilter(Filter):
    """Spells Danish letters out: "ældre" -> "aeldre", so both spellings are one term.

    With `keep_original`, index time keeps the word as written too, at the same
    position, so the field's word list still reads as Danish (for suggestions); a
    query is always folded, which matches either.
    """

    def __init__(self, keep_original=False):
        self.keep_original = keep_original

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.__dict__ == other.__dict__

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            folded = fold_danish(text)
            if folded != text and self.keep_original and t.mode != "query":
                pos = t.pos if t.positions else None
                yield t
                t.text, t.stopped = folded, False
                if pos is not None:
                    t.pos = pos
                yield t
            else:
                t.text = folded
                yield t


_local = threading.local()


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """The Snowball Danish stem, cached per word: a corpus repeats its words endlessly.
    (snowballstemmer uses PyStemmer's C code when it is installed; a stemmer object is
    not thread-safe, so each thread has its own.)"""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("danish")
    return stemmer.stemWord(word)


class DanishStemFilter(Filter):
    """Snowball Danish stems: "kommunerne" and "kommunen" are both "kommun". Numbers and
    case numbers are left as they are."""

    is_morph = True

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if not t.stopped and not any(c.isdigit() for c in text):
                t.text = stem_word(text)
            yield t


def danish_chain() -> Composable:
    """The definition of DanishAnalyzer, filter by filter (see there)."""
    return (
        DanishTokenizer()
        | LowercaseFilter()
        | CompoundFilter()
        | DanishStopFilter()
        | FoldFilter()
        | DanishStemFilter()
    )


def compound_chain() -> Composable:
    """The definition of CompoundAnalyzer, filter by filter (see there)."""
    return (
        DanishTokenizer()
        | LowercaseFilter()
        | CompoundFilter(parts_only=True)
        | DanishStopFilter()
        | FoldFilter()
        | DanishStemFilter()
    )


def exact_chain() -> Composable:
    """The definition of ExactAnalyzer, filter by filter (see there)."""
    return DanishTokenizer() | LowercaseFilter() | FoldFilter(keep_original=True)


MAX_CACHED_WORDS = 100_000  # per chain and way of calling it; then the cache starts over

_caches: list[tuple[Composable, dict]] = []
_caches_lock = threading.Lock()


def _shared_cache(chain: Composable) -> dict:
    """One cache per chain definition in the process, whichever analyzer object asks:
    Whoosh unpickles a new schema, analyzers and all, for every searcher."""
    with _caches_lock:
        for known, cache in _caches:
            if known == chain:
                return cache
        cache = {}
        _caches.append((chain, cache))
        return cache


class CachedAnalyzer(Analyzer):
    """A chain of the filters above, run once per distinct word instead of per token.

    Every filter of the chains acts on a word alone, except for the positions: the
    tokenizer numbers the words, and DanishStopFilter closes up the positions of words
    stopped altogether. So the tokens a word makes (text, offsets within the word,
    boost, stopped) are the chain's, made the first time the word is seen, and a text
    is one regex pass, a dict lookup a word and the positions counted here the way the
    stop filter counts them. Indexing analyses each item several times (title, text,
    sections, exact, compound) and a corpus repeats its words endlessly.

    What it yields is exactly what the chain yields (tests/test_analysis_cache.py).
    `tokenize=False` and `no_morph` are left to the chain: they are rare and short.
    """

    def __init__(self, chain: Composable):
        self.chain = chain

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.chain == other.chain

    def __getstate__(self):
        return {"chain": self.chain}  # the cache is the process's, not the index's

    def __repr__(self):
        return f"{self.__class__.__name__}({self.chain!r})"

    def has_morph(self):
        return self.chain.has_morph()

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", no_morph=False, **kwargs):  # fmt: skip
        if not tokenize or no_morph:
            return self.chain(value, positions=positions, chars=chars,
                              keeporiginal=keeporiginal, removestops=removestops,
                              start_pos=start_pos, start_char=start_char,
                              tokenize=tokenize, mode=mode, no_morph=no_morph,
                              **kwargs)  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        return self._tokens(value, token, keeporiginal, start_pos, start_char)

    def _tokens(self, value, t, keeporiginal, start_pos, start_char):
        positions, chars, mode, removestops = t.positions, t.chars, t.mode, t.removestops
        closing_up = positions and removestops  # as DanishStopFilter renumbers
        words = self._cache("tokens", mode, removestops)
        next_pos = None
        for pos, match in enumerate(WORD_PATTERN.finditer(value), start_pos):
            word = match.group()
            made = words.get(word)
            if made is None:
                made = _remember(words, word, self._word_tokens(word, mode, removestops))
            if not made:
                continue
            if closing_up:
                if next_pos is None:
                    next_pos = pos
                pos, next_pos = next_pos, next_pos + 1
            start = start_char + match.start()
            for text, s, e, boost, stopped, original in made:
                t.text, t.boost, t.stopped = text, boost, stopped
                if keeporiginal:
                    t.original = original
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = start + s, start + e
                yield t

    def highlight_terms(self, word: str) -> tuple[tuple[str, int, int], ...]:
        """(term, start, end) of each term highlighting finds in one word (the word
        analysed with removestops=False, stop words left out), with where it is in the
        word: what snippets look up for every word a search term may be in, kept per
        word (a common term is in hundreds of words of a long text)."""
        marks = self._cache("marks", "index", False)
        found = marks.get(word)
        if found is None:
            found = _remember(marks, word, tuple(
                (t.text, t.startchar, t.endchar)
                for t in self(word, positions=True, chars=True, mode="index", removestops=False)
                if not t.stopped
            ))  # fmt: skip
        return found

    def term_positions(self, value: str, mode: str = "index") -> dict[str, list[int]]:
        """{term: [position, ...]} for the tokens of `value` with positions on and stop
        words out, as Whoosh's Positions format collects them from the tokens, but
        without making them: a word is one dict lookup here."""
        terms = self._cache("terms", mode, True)
        found: defaultdict[str, list[int]] = defaultdict(list)
        pos = -1
        for i, word in enumerate(WORD_PATTERN.findall(value)):
            made = terms.get(word)
            if made is None:
                made = _remember(terms, word, self._word_terms(word, mode))
            if made:
                pos = pos + 1 if pos >= 0 else i  # closed up, as DanishStopFilter does
                for text in made:
                    found[text].append(pos)
        return found

    def term_counts(self, value: str, mode: str = "index") -> dict[str, int]:
        """{term: frequency} for the tokens of `value` with stop words out, as Whoosh's
        Frequency format counts them, a distinct word at a time."""
        terms = self._cache("terms", mode, True)
        found: defaultdict[str, int] = defaultdict(int)
        for word, n in Counter(WORD_PATTERN.findall(value)).items():
            made = terms.get(word)
            if made is None:
                made = _remember(terms, word, self._word_terms(word, mode))
            for text in made:
                found[text] += n
        return found

    def token_ids(self, value: str, numbering: TermNumbering,
                  mode: str = "index") -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """The tokens of `value` as two arrays, the number of each token's term (in
        `numbering`) and its position, in text order: what term_positions says, for a
        writer that sorts the postings of many documents at once (internals.BulkWriter).
        Positions are closed up as there; a term's frequency is its count. The words
        are looked up once a text and kept as numbers, so the fields indexing the same
        text (the text, its exact words, its compound parts) share that work."""
        if not value:  # the sections of the kinds an item has none of
            return _NO_TOKENS, _NO_TOKENS
        words = numbering.word_numbers(value)
        made = numbering.made(self, mode)
        counts = made.counts(words, self, numbering, mode)
        # (array methods, not numpy's functions: a few us less a call, 47,000 calls
        # for Greve's minutes)
        kept = counts.nonzero()[0]
        if not len(kept):
            return _NO_TOKENS, _NO_TOKENS
        kept_counts = counts[kept]
        starts = made.start[words[kept]]
        positions = np.arange(kept[0], kept[0] + len(kept), dtype=np.int32)
        if kept_counts.max() == 1:
            return made.terms[starts], positions
        ends = kept_counts.cumsum()
        offsets = ends - kept_counts
        term_ids = made.terms[(starts - offsets).repeat(kept_counts) + np.arange(int(ends[-1]))]
        return term_ids, positions.repeat(kept_counts)

    def _made_terms(self, words: list[str], mode: str) -> list[tuple[str, ...]]:
        """The terms the chain indexes for each of `words`, through the shared cache:
        a text's new words asked at once, so that those not in the cache are worked
        out together (_words_terms)."""
        terms = self._cache("terms", mode, True)
        made = [terms.get(word) for word in words]
        new = [word for word, found in zip(words, made, strict=True) if found is None]
        if not new:
            return made
        worked_out = dict(zip(new, self._words_terms(new, mode), strict=True))
        for word, found in worked_out.items():
            _remember(terms, word, found)
        return [worked_out[w] if found is None else found
                for w, found in zip(words, made, strict=True)]  # fmt: skip

    def _cache(self, kind: str, mode: str, removestops: bool) -> dict:
        """word -> what it makes, for one way of calling the analyzer."""
        shared = self.__dict__.get("_shared")
        if shared is None:
            shared = self._shared = _shared_cache(self.chain)
        key = (kind, mode, removestops)
        words = shared.get(key)
        if words is None:
            words = shared.setdefault(key, {})
        return words

    def _word_tokens(self, word: str, mode: str, removestops: bool) -> tuple:
        """The tokens the chain makes of `word` alone: (text, start, end, boost,
        stopped, original), offsets relative to the word."""
        return tuple(
            (t.text, t.startchar, t.endchar, t.boost, t.stopped, t.original)
            for t in self.chain(word, positions=True, chars=True, keeporiginal=True,
                                removestops=removestops, mode=mode)
        )  # fmt: skip

    def _word_terms(self, word: str, mode: str) -> tuple[str, ...]:
        """The terms the chain indexes for `word` (stop words out), in order."""
        return self._words_terms([word], mode)[0]

    def _words_terms(self, words: list[str], mode: str) -> list[tuple[str, ...]]:
        """_word_terms of each of `words`: worked out by _direct_terms for a chain of
        this module's pieces (indexing meets tens of thousands of new words in real
        minutes; the chain's generators cost 4x), else by the chain itself."""
        direct = self.__dict__.get("_direct", _UNKNOWN)
        if direct is _UNKNOWN:
            direct = self._direct = _direct_terms(self.chain)
        if direct is not None:
            return direct(words, mode)
        return [tuple(t[0] for t in self._word_tokens(word, mode, True)) for word in words]


_NO_TOKENS = np.zeros(0, dtype=np.int32)
_UNKNOWN = object()


def _direct_terms(chain):
    """A function (words, mode) -> the terms `chain` indexes for each of the words
    with stop words out (what CachedAnalyzer._words_terms asks), the chain's filters
    applied to lists of strings instead of a stream of tokens, all the words' at once
    (each string beside the number of the word it is of); None for a chain holding
    anything else than this module's tokenizer and filters and Whoosh's
    LowercaseFilter. With stop words out, no token reaching a filter is stopped,
    which is all that makes this shorter than the filters themselves
    (tests/test_analysis_cache.py proves it the same)."""
    items = getattr(chain, "items", None)
    if not items or type(items[0]) is not DanishTokenizer:
        return None
    steps = []
    for f in items[1:]:
        kind = type(f)
        if kind is LowercaseFilter:
            steps.append(lambda owners, texts, mode: (owners, [w.lower() for w in texts]))
        elif kind is CompoundFilter:
            if getattr(f, "parts_only", False):
                steps.append(_compound_parts)
        elif kind is DanishStopFilter:
            steps.append(partial(_unstopped, f.stops))
        elif kind is FoldFilter:
            steps.append(_fold_keeping if f.keep_original else
                         lambda owners, texts, mode: (owners, list(map(fold_danish, texts))))
        elif kind is DanishStemFilter:
            steps.append(_stemmed)
        else:
            return None

    def terms(words: list[str], mode: str) -> list[tuple[str, ...]]:
        owners, texts = _tokenized(words, mode)
        for step in steps:
            owners, texts = step(owners, texts, mode)
        return _by_word(owners, texts, len(words))

    return terms


def _tokenized(words: list[str], mode: str) -> tuple[list[int], list[str]]:
    """The texts of the tokens DanishTokenizer makes of each of `words`, and the
    number of the word each is of. A word of letters alone (most) is its one token:
    one match of the pattern, no hyphen, no case number's digits."""
    if all(map(str.isalpha, words)):
        return list(range(len(words))), list(words)
    owners, texts = [], []
    for i, word in enumerate(words):
        if word.isalpha():
            owners.append(i)
            texts.append(word)
            continue
        for match in WORD_PATTERN.finditer(word):
            w = _HYPHEN_RE.sub("-", match.group())
            parts = [w]
            if mode != "query":
                parts.extend(w[s:e] for s, e in word_parts(w) + case_digits_span(w))
            owners.extend([i] * len(parts))
            texts.extend(parts)
    return owners, texts


def _by_word(owners: list[int], texts: list[str], count: int) -> list[tuple[str, ...]]:
    """The texts of each of `count` words, in order, from each text's word number."""
    if owners == list(range(count)):  # one text a word
        return [(text,) for text in texts]
    made: list[list[str]] = [[] for _ in range(count)]
    for owner, text in zip(owners, texts, strict=True):
        made[owner].append(text)
    return list(map(tuple, made))


def _compound_parts(owners: list[int], texts: list[str], mode: str):
    """CompoundFilter(parts_only=True) on unstopped tokens."""
    if mode == "query":
        return owners, texts
    spans = list(map(compound_spans, texts))
    return ([o for o, found in zip(owners, spans, strict=True) for _ in found],
            [w[s:e] for w, found in zip(texts, spans, strict=True) for s, e in found])  # fmt: skip


def _unstopped(stops: frozenset, owners: list[int], texts: list[str], mode: str):
    """DanishStopFilter on unstopped tokens: stop words and single letters out."""
    kept = [i for i, w in enumerate(texts) if w not in stops and (len(w) >= 2 or w.isdigit())]
    if len(kept) == len(texts):
        return owners, texts
    return [owners[i] for i in kept], [texts[i] for i in kept]


def _fold_keeping(owners: list[int], texts: list[str], mode: str):
    """FoldFilter(keep_original=True): at index time a word with Danish letters as
    written, then spelled out."""
    folded = list(map(fold_danish, texts))
    if mode == "query" or folded == texts:
        return owners, folded
    out_owners, out_texts = [], []
    for owner, w, f in zip(owners, texts, folded, strict=True):
        if f != w:
            out_owners.append(owner)
            out_texts.append(w)
        out_owners.append(owner)
        out_texts.append(f)
    return out_owners, out_texts


def _stemmed(owners: list[int], texts: list[str], mode: str):
    """DanishStemFilter: words stemmed, numbers and case numbers left as they are
    (a letter is never a digit)."""
    return owners, [stem_word(w) if w.isalpha() or not any(c.isdigit() for c in w) else w
                    for w in texts]  # fmt: skip


class _Made:
    """What one analyzer makes of each word, by word number (TermNumbering): how many
    terms (-1: not yet known) and where they start in `terms`, the terms' numbers."""

    def __init__(self):
        self.count = np.full(1024, -1, dtype=np.int64)
        self.start = np.zeros(1024, dtype=np.int64)
        self.terms = np.zeros(4096, dtype=np.int32)
        self.used = 0

    def counts(self, words: np.ndarray, analyzer, numbering, mode: str) -> np.ndarray:
        """The number of terms each of `words` makes, working out the new ones."""
        if len(self.count) < len(numbering.word_texts):
            size = max(len(numbering.word_texts), 2 * len(self.count))
            self.count = np.concatenate((self.count, np.full(size - len(self.count), -1)))
            self.start = np.concatenate((self.start, np.zeros(size - len(self.start), np.int64)))
        counts = self.count[words]
        if len(counts) and counts.min() < 0:
            self._add(np.unique(words[counts < 0]), analyzer, numbering, mode)
            counts = self.count[words]
        return counts

    def _add(self, words: np.ndarray, analyzer, numbering, mode: str) -> None:
        """Work out what each of `words` (new to this analyzer) makes, and note its
        terms' numbers all at once: a real text has hundreds of new words."""
        texts = numbering.word_texts
        made = analyzer._made_terms([texts[w] for w in words.tolist()], mode)
        terms = numbering.ids(itertools.chain.from_iterable(made))
        counts = np.fromiter(map(len, made), dtype=np.int64, count=len(made))
        end = self.used + len(terms)
        if end > len(self.terms):
            self.terms = np.concatenate((self.terms, np.zeros(max(end, len(self.terms)),
                                                              np.int32)))  # fmt: skip
        self.terms[self.used : end] = terms
        self.start[words] = self.used + np.cumsum(counts) - counts
        self.count[words] = counts
        self.used = end


class TermNumbering:
    """Words and terms numbered in the order they are first seen, and what each
    analyzer makes of each word: one per writer, so that a document's tokens are
    arrays (CachedAnalyzer.token_ids) and the numbers do not outlive the write."""

    # Texts whose word numbers are kept, by value: all the fields of one item (its text
    # is indexed by four fields, not one after another: a shorter memory missed it).
    RECENT = 32

    def __init__(self):
        self.numbers: dict[str, int] = {}
        self.texts: list[str] = []
        self.word_numbers_of: dict[str, int] = {}
        self.word_texts: list[str] = []
        self._made: list[tuple[CachedAnalyzer, str, _Made]] = []
        self._recent: dict[str, np.ndarray] = {}

    def made(self, analyzer: CachedAnalyzer, mode: str) -> _Made:
        for known, known_mode, found in self._made:
            if known is analyzer and known_mode == mode:
                return found
        found = _Made()
        self._made.append((analyzer, mode, found))
        return found

    def word_numbers(self, value: str) -> np.ndarray:
        """The number of each word of `value`, in order."""
        numbers = self._recent.get(value)
        if numbers is None:
            numbers = np.fromiter(self._numbered(WORD_PATTERN.findall(value)), dtype=np.int64)
            self._keep(value, numbers)
        return numbers

    def document(self, values) -> None:
        """Word numbers for the texts of one document at once: a text found in the
        longest one (a section in the item's text, the title) at a word boundary on
        each side is cut out of it, so that its words are found once, not again in
        the whole. So is a text that is pieces of it joined by blank lines (all the
        sections of a kind, AgendaItem.section_text). The texts found in none (an
        attachment's title) are tried in the longest of them in turn (the item's text
        when its attachments' pages are longer); the rest is left to word_numbers."""
        texts = sorted({v for v in values if v} - self._recent.keys(), key=len, reverse=True)
        while len(texts) > 1:
            whole = texts[0]
            spans: dict[str, list[tuple[int, int]]] = {}
            rest = []
            for text in texts[1:]:
                found = _spans(whole, text)
                if found is None:
                    rest.append(text)
                else:
                    spans[text] = found
            if spans:
                self._cut(whole, spans)
            texts = rest

    def _cut(self, whole: str, spans: dict[str, list[tuple[int, int]]]) -> None:
        """Number the words of `whole` cut at the edges of `spans` (each at a word's
        edge, so no word runs across one), and keep each spanned text's numbers."""
        points = sorted({p for found in spans.values() for span in found for p in span}
                        | {0, len(whole)})  # fmt: skip
        found: list[int] = []
        first: dict[int, int] = {}  # a point -> the number of the first word after it
        for a, b in zip(points, points[1:], strict=False):
            first[a] = len(found)
            found.extend(self._numbered(WORD_PATTERN.findall(whole[a:b])))
        first[len(whole)] = len(found)
        numbers = np.fromiter(found, dtype=np.int64, count=len(found))
        self._keep(whole, numbers)
        for text, pieces in spans.items():
            if len(pieces) == 1:
                (a, b), = pieces
                self._keep(text, numbers[first[a] : first[b]])
            else:
                self._keep(text, np.concatenate([numbers[first[a] : first[b]]
                                                 for a, b in pieces]))  # fmt: skip

    def _numbered(self, words: list[str]) -> list[int]:
        known = self.word_numbers_of
        found = list(map(known.get, words))
        if None in found:
            texts = self.word_texts
            for i, n in enumerate(found):
                if n is None:
                    word = words[i]
                    n = known.get(word)
                    if n is None:
                        n = known[word] = len(texts)
                        texts.append(word)
                    found[i] = n
        return found

    def _keep(self, value: str, numbers: np.ndarray) -> None:
        if len(self._recent) >= self.RECENT:
            del self._recent[next(iter(self._recent))]  # the oldest
        self._recent[value] = numbers

    def ids(self, texts) -> tuple[int, ...]:
        numbers = self.numbers
        out = []
        for text in texts:
            n = numbers.get(text)
            if n is None:
                n = numbers[text] = len(self.texts)
                self.texts.append(text)
            out.append(n)
        return tuple(out)

    def __len__(self) -> int:
        return len(self.texts)


def _spans(whole: str, text: str) -> list[tuple[int, int]] | None:
    """Where in `whole` the words of `text` are, as (start, end) spans each beginning
    and ending at a word's edge, in text order: the text itself, or the paragraphs of
    a text of paragraphs joined by blank lines, runs of them that follow each other in
    `whole` as one span; None when a piece is not found so."""
    start = _find_at_edges(whole, text)
    if start >= 0:
        return [(start, start + len(text))]
    if "\n\n" not in text:
        return None
    spans: list[tuple[int, int]] = []
    for part in text.split("\n\n"):
        if not part or part.isspace():
            continue  # no words: nothing to find (and a blank line is no word's part)
        if spans and whole.startswith("\n\n" + part, spans[-1][1]):
            end = spans[-1][1] + 2 + len(part)
            if _word_edge(whole, end):
                spans[-1] = (spans[-1][0], end)
                continue
        at = _find_at_edges(whole, part)
        if at < 0:
            return None
        spans.append((at, at + len(part)))
    return spans or None


def _find_at_edges(whole: str, text: str) -> int:
    """The first place of `text` in `whole` beginning and ending at a word's edge, or -1."""
    at = whole.find(text)
    while at >= 0 and not (_word_edge(whole, at) and _word_edge(whole, at + len(text))):
        at = whole.find(text, at + 1)
    return at


def _word_edge(text: str, i: int) -> bool:
    """Whether no word can run across index `i` of `text`: a word (WORD_PATTERN) holds
    no white space, and at the text's ends there is nothing to run into."""
    return i == 0 or i == len(text) or text[i - 1].isspace() or text[i].isspace()


def _remember(words: dict, word: str, made):
    if len(words) >= MAX_CACHED_WORDS:
        words.clear()  # a crude bound, but a corpus's vocabulary rarely reaches it
    words[word] = made
    return made


def DanishAnalyzer() -> Composable:
    """For the searchable text fields: words stemmed, stop words out, hyphenated words
    and case numbers also by their parts; compounds split only for highlighting."""
    return CachedAnalyzer(danish_chain())


def CompoundAnalyzer() -> Composable:
    """For the `compound` field: only the parts of closed compounds, stemmed and folded
    like the text ("sundhedsreformen" -> "sundh", "reform"). At query time it makes the
    same term of a word as DanishAnalyzer, so one query term serves both fields."""
    return CachedAnalyzer(compound_chain())


def ExactAnalyzer() -> Composable:
    """For quoted phrases and exact names: words as written (only lowercased and with
    Danish letters also spelled out), no stop words taken out, nothing stemmed."""
    return CachedAnalyzer(exact_chain())


def terms(analyzer, text: str, mode: str = "index") -> list[str]:
    """The terms `analyzer` makes of `text`: for tests and for debugging relevance."""
    return [t.text for t in analyzer(text, mode=mode)]
