"""What one query may expand to (issue #14).

A prefix is looked up as every term it begins: "ko*" is thousands of terms in a large
index, and a search box of 500 characters holds a hundred such prefixes. Each term is
a posting list to read, and each is an alternative in the snippet's pattern, which is
run over the text of every hit shown (that pattern cost 75 ms a hit before). So:

- a prefix stands for at most PREFIX_TERMS terms, its most frequent (those are what
  it most likely means; a prefix within the cap is left exactly as it was);
- all the prefixes of one query together for at most QUERY_TERMS: with many prefixes,
  each gets its share;
- the snippet's pattern looks for at most SNIPPET_TERMS terms.

The deadline of a search is the caller's Budget (engine.Budget); these caps keep the
work under it small enough that one expensive query does not hold a thread for long.
"""

from __future__ import annotations

import heapq
import weakref
from collections import OrderedDict

from whoosh import query as wq

from .internals import CappedPrefix

PREFIX_TERMS = 64
QUERY_TERMS = 256
SNIPPET_TERMS = 64
_CHECK_EVERY = 1024  # terms of an expansion read between two budget checkpoints
_CACHED = 4096  # expansions kept per reader (a reader is one generation, one thread)
_expansions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _most_frequent(reader, prefix: wq.Prefix, cap: int, budget) -> tuple[bytes, ...]:
    """The terms of the prefix, or, past `cap` of them, the `cap` found in most
    documents; in index order. Remembered per reader: a published generation never
    changes, and the same expensive query tends to come again and again."""
    try:
        cache = _expansions.setdefault(reader, OrderedDict())
    except TypeError:  # a reader that cannot be weakly referenced: no cache
        cache = OrderedDict()
    key = (prefix.fieldname, prefix.text, cap)
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    terms = cache[key] = _expand(reader, prefix, cap, budget)
    if len(cache) > _CACHED:
        cache.popitem(last=False)
    return terms


def _expand(reader, prefix: wq.Prefix, cap: int, budget) -> tuple[bytes, ...]:
    field = prefix.fieldname
    found: list[bytes] = []
    for btext in reader.expand_prefix(field, prefix.text):
        found.append(btext)
        if budget is not None and len(found) % _CHECK_EVERY == 0:
            budget.checkpoint("prefix")
    if len(found) <= cap:
        return tuple(found)
    best = heapq.nlargest(cap, ((reader.doc_frequency(field, b), b) for b in found))
    return tuple(sorted(btext for _, btext in best))


def cap_prefixes(q, reader, budget=None):
    """`q` with each prefix replaced by a CappedPrefix of its terms, or of its share of
    them, the most frequent. Expanded once here: reading the term table is most of what
    a prefix costs, and Whoosh would read it again to match and again to highlight."""
    if q is None:
        return q
    prefixes = [leaf for leaf in q.leaves() if type(leaf) is wq.Prefix]
    if not prefixes:
        return q
    share = max(1, min(PREFIX_TERMS, QUERY_TERMS // len(prefixes)))

    def visit(node):
        if type(node) is wq.Prefix and node.text:  # "" is Every: nothing to expand
            return CappedPrefix(node, _most_frequent(reader, node, share, budget))
        return node

    return q.accept(visit)


def snippet_terms(words: frozenset[str]) -> frozenset[str]:
    """The terms the snippet's pattern looks for: all of them, or the first
    SNIPPET_TERMS in order (shortest first: they find the most)."""
    if len(words) <= SNIPPET_TERMS:
        return words
    return frozenset(sorted(words, key=lambda w: (len(w), w))[:SNIPPET_TERMS])
