"""The fixed query mix: 50 queries made from the generated corpus' own words.

Picked, reproducibly by seed, from the first items of the corpus (the same first items
for every size, since the generator is sequential):

- common words: a word in 15-60 % of the items;
- rare words: a word in at most 0.15 % of the items (place names and rare corpus words);
- two- and three-word AND: words of one sentence of one item, so they co-occur;
- phrases: two or three consecutive words of a sentence, quoted.

A third of them carry a committee filter, a quarter a date range, some both. Each query
is a dict: {"id", "kind", "q" (as typed in the search box), "words", "phrase",
"committee", "from", "to"}. The query strings are plain words and "phrases": all three
systems take them the same way (every word must match).
"""

from __future__ import annotations

import random
import re
from collections import Counter

from searchapp.danish import DANISH_STOP_WORDS

from .generate import COMMITTEES

WORD = re.compile(r"[^\W\d_]{3,}")
KINDS = (("common", 12), ("rare", 10), ("and2", 10), ("and3", 8), ("phrase", 10))


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w.lower() not in DANISH_STOP_WORDS]


def build_mix(items, count: int = 50, seed: int = 7) -> list[dict]:
    """`count` queries (50, or fewer for --quick: the same kinds in proportion) from
    `items` (a list of AgendaItems, a few thousand is plenty)."""
    rng = random.Random(seed)
    n_items = len(items)
    df: Counter[str] = Counter()
    for item in items:
        df.update({w.lower() for w in _words(item.text)})
    vocab = sorted(df)
    common = [w for w in vocab if 0.15 <= df[w] / n_items <= 0.60 and len(w) >= 5]
    rare = [w for w in vocab if df[w] <= max(1, int(n_items * 0.0015)) and len(w) >= 6]
    rng.shuffle(common)
    rng.shuffle(rare)
    mid = {w for w in vocab if 0.01 <= df[w] / n_items <= 0.30 and len(w) >= 4}

    def sentence_words(min_words: int) -> list[str]:
        for _ in range(1000):
            item = items[rng.randrange(n_items)]
            sentences = re.split(r"(?<=[.!?])\s+", item.presentation or item.text)
            sentence = rng.choice(sentences)
            words = [w for w in _words(sentence) if w.lower() in mid]
            if len(words) >= min_words:
                return words
        raise RuntimeError("the corpus has too few sentences for the query mix")

    def phrase_words() -> list[str]:
        for _ in range(1000):
            item = items[rng.randrange(n_items)]
            tokens = re.findall(r"[^\W_]+", rng.choice(re.split(r"(?<=[.!?])\s+", item.text)))
            n = rng.choice((2, 3))
            if len(tokens) < n + 1:
                continue
            start = rng.randrange(len(tokens) - n)
            run = tokens[start : start + n]
            content = [t for t in run if t.lower() not in DANISH_STOP_WORDS]
            if all(t.isalpha() for t in run) and len(content) >= 2 and all(
                len(t) >= 3 for t in content
            ):
                return run
        raise RuntimeError("the corpus has too few sentences for the query mix")

    total = sum(n for _, n in KINDS)
    plan: list[str] = []
    for kind, n in KINDS:
        plan += [kind] * max(1, round(n * count / total))
    plan = plan[:count]
    while len(plan) < count:
        plan.append("common")
    queries = []
    pools = {"common": iter(common), "rare": iter(rare)}
    for i, kind in enumerate(plan):
        if kind in pools:
            words = [next(pools[kind])]
        elif kind == "and2":
            words = rng.sample(sentence_words(2), 2)
        elif kind == "and3":
            words = rng.sample(sentence_words(3), 3)
        else:
            words = phrase_words()
        words = [w.lower() for w in words]
        phrase = kind == "phrase"
        q = '"' + " ".join(words) + '"' if phrase else " ".join(words)
        committee = COMMITTEES[rng.randrange(len(COMMITTEES))] if i % 3 == 1 else None
        date_from = date_to = None
        if i % 4 == 2:
            start = rng.randint(2007, 2022)
            date_from, date_to = f"{start}-01-01", f"{start + rng.randint(1, 4)}-12-31"
        queries.append({
            "id": f"q{i + 1:02d}", "kind": kind, "q": q, "words": words, "phrase": phrase,
            "committee": committee, "from": date_from, "to": date_to,
        })  # fmt: skip
    return queries


def describe(query: dict) -> str:
    parts = [query["q"]]
    if query["committee"]:
        parts.append(f"committee={query['committee']}")
    if query["from"]:
        parts.append(f"{query['from']}..{query['to']}")
    return " ".join(parts)


def params(query: dict) -> dict:
    """The /api/search parameters of a query (also SearchRequest.from_params input)."""
    out: dict = {"q": query["q"]}
    if query["committee"]:
        out["committee"] = [query["committee"]]
    if query["from"]:
        out["from"], out["to"] = query["from"], query["to"]
    return out
