"""The query mix: every kind of query the search box takes, made from a corpus' own words.

Picked reproducibly by seed from a sample of the corpus' items (the same first items
for every size of the generated corpus). Words are drawn from the items' text (the
generated corpus) or from their titles and decisions (the real minutes), with their
document frequency counted over the items' text:

| kind | what | example |
|---|---|---|
| common | a word in 15-60 % of the items | `kommunen` |
| rare | a word in at most 0.15 % (at least 1) | `sønderbylund` |
| and2, and3 | two or three words of one sentence | `borgerne kvalitet` |
| phrase | two or three words in a row, quoted | `"regionale udvikling"` |
| phrase_common | a quoted run with stop words | `"i forhold til"` |
| prefix | the first 5-6 letters of a word, then `*` | `kommun*` |
| not | a word without another | `budget NOT skole` |
| or | either of two words | `budget OR anlæg` |
| field | a word in the title only | `titel:budget` |
| date_sort | a common word, newest first | `kommunen` sort=date_desc |
| filters_only | no words: a committee and a status, newest first | committee=Byrådet |
| deep_page | a common word, page 20 of 20 a page | `kommunen` page=20 |
| case | a case number as people type it | `sag 2025-01103` |
| long | a natural-language question of 7-9 words | `hvad har udvalget besluttet om ...` |

A third of the word queries carry a committee filter and a quarter a date range. Each
query is a dict: id, kind, q (as typed in the search box), words (what the baselines
look for: the words, the phrase's words, the prefix), exclude (the NOT's words), op
("and", "or", "phrase", "prefix", "none"), field (None or "title"), committee, status,
from, to, sort, page, case (the case number's digits).
"""

from __future__ import annotations

import random
import re
from collections import Counter

from searchapp.casenumbers import CaseNumber
from searchapp.danish import DANISH_STOP_WORDS

WORD = re.compile(r"[^\W\d_]{3,}")
TOKEN = re.compile(r"[^\W_]+")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
KINDS = (("common", 6), ("rare", 6), ("and2", 6), ("and3", 4), ("phrase", 5),
         ("phrase_common", 5), ("prefix", 5), ("not", 4), ("or", 4), ("field", 4),
         ("date_sort", 4), ("filters_only", 4), ("deep_page", 4), ("case", 4),
         ("long", 6))  # fmt: skip
KIND_NAMES = {
    "common": "common word", "rare": "rare word", "and2": "two words", "and3": "three words",
    "phrase": "phrase", "phrase_common": "phrase with stop words", "prefix": "prefix",
    "not": "NOT", "or": "OR", "field": "field scope (titel:)", "date_sort": "date sort",
    "filters_only": "filters, no words", "deep_page": "deep page (20)",
    "case": "case number", "long": "long question (7-9 words)",
}  # fmt: skip
QUESTION_STARTS = ("hvad har", "hvad er", "hvordan har", "hvornår har", "hvorfor har")
DEEP_PAGE = 20


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w.lower() not in DANISH_STOP_WORDS]


def _content(token: str) -> bool:
    return token.lower() not in DANISH_STOP_WORDS and len(token) >= 3 and token.isalpha()


class _Pools:
    """Words and sentences to draw queries from, with their document frequency."""

    def __init__(self, items, source: str, rng: random.Random):
        self.rng = rng
        self.items = items
        n = len(items)
        self.df: Counter[str] = Counter()
        for item in items:
            self.df.update({w.lower() for w in _words(item.text)})
        if source == "titles":
            texts = [t for i in items for t in (i.title, i.decision) if t]
        else:
            texts = [i.text for i in items]
        self.sentences = [s for t in texts for s in SENTENCE.split(t) if len(s) > 10]
        vocab = sorted({w.lower() for t in texts for w in _words(t)})
        self.common = [w for w in vocab if 0.15 <= self.df[w] / n <= 0.60 and len(w) >= 5]
        if len(self.common) < 10:  # titles and decisions: fewer common words
            self.common = [w for w in vocab if 0.04 <= self.df[w] / n <= 0.60 and len(w) >= 5]
        self.rare = [w for w in vocab if 0 < self.df[w] <= max(1, int(n * 0.0015))
                     and len(w) >= 6]  # fmt: skip
        self.mid = {w for w in vocab if 0.01 <= self.df[w] / n <= 0.30 and len(w) >= 4}
        self.title_words = sorted({w.lower() for i in items for w in _words(i.title)
                                   if self.df[w.lower()] >= 2})  # fmt: skip
        for pool in (self.common, self.rare, self.title_words):
            rng.shuffle(pool)
        self._next = {"common": 0, "rare": 0, "title": 0}

    def next(self, pool: str) -> str:
        words = {"common": self.common, "rare": self.rare, "title": self.title_words}[pool]
        if not words:
            raise RuntimeError(f"the corpus has no {pool} words for the query mix")
        i = self._next[pool]
        self._next[pool] = i + 1
        return words[i % len(words)]

    def sentence_words(self, count: int) -> list[str]:
        """`count` mid-frequency words of one sentence: they occur together."""
        for _ in range(2000):
            words = [w for w in _words(self.rng.choice(self.sentences)) if w.lower() in self.mid]
            if len(set(words)) >= count:
                return self.rng.sample(sorted(set(words)), count)
        raise RuntimeError("the corpus has too few sentences for the query mix")

    def run(self, sizes: tuple[int, ...], stop_words: bool) -> list[str]:
        """Consecutive words of a sentence: with `stop_words` at least one stop word and
        two words that are none, else at least two words that are none."""
        for _ in range(4000):
            tokens = TOKEN.findall(self.rng.choice(self.sentences))
            n = self.rng.choice(sizes)
            if len(tokens) < n + 1:
                continue
            start = self.rng.randrange(len(tokens) - n)
            run = tokens[start : start + n]
            content = [t for t in run if _content(t)]
            stops = [t for t in run if t.lower() in DANISH_STOP_WORDS]
            if not all(t.isalpha() for t in run):
                continue
            if (stop_words and stops and len(content) >= 1) or (
                not stop_words and len(content) >= 2 and len(content) == len(run)
            ):
                return [t.lower() for t in run]
        raise RuntimeError("the corpus has too few sentences for the query mix")

    def question(self) -> list[str]:
        """A question of 7-9 words: a question start and words of one sentence."""
        for _ in range(4000):
            tokens = [t.lower() for t in TOKEN.findall(self.rng.choice(self.sentences))
                      if t.isalpha()]  # fmt: skip
            n = self.rng.randint(5, 7)
            if len(tokens) < n + 1:
                continue
            start = self.rng.randrange(len(tokens) - n)
            run = tokens[start : start + n]
            if sum(_content(t) for t in run) >= 3:
                return self.rng.choice(QUESTION_STARTS).split() + run
        raise RuntimeError("the corpus has too few sentences for the query mix")

    def case(self) -> tuple[str, str]:
        """(as typed, the digits) of a case number of one of the items."""
        for _ in range(1000):
            item = self.rng.choice(self.items)
            number = CaseNumber.parse(item.case_number or "")
            if number:
                typed = f"sag {number.digits}" if self.rng.random() < 0.5 else item.case_number
                return typed, number.digits
        raise RuntimeError("the corpus has no case numbers for the query mix")


def build_mix(items, count: int = 71, seed: int = 7, source: str = "text") -> list[dict]:
    """`count` queries (71, or fewer: the same kinds in proportion) from `items` (a
    list of AgendaItems, a few thousand is plenty). `source`: "text" (the words of the
    items' text) or "titles" (of their titles and decisions)."""
    rng = random.Random(seed)
    pools = _Pools(items, source, rng)
    committees = Counter(i.committee for i in items)
    statuses = Counter(i.status for i in items)
    years = sorted({i.meeting_date[:4] for i in items if i.meeting_date[:4].isdigit()})
    total = sum(n for _, n in KINDS)
    plan: list[str] = []
    for kind, n in KINDS:
        plan += [kind] * max(1, round(n * count / total))
    plan = plan[:count] if count >= len(KINDS) else [k for k, _ in KINDS][:count]
    queries = []
    for i, kind in enumerate(plan):
        q = {"id": f"q{i + 1:02d}", "kind": kind, "words": [], "exclude": [], "op": "and",
             "field": None, "committee": None, "status": None, "from": None, "to": None,
             "sort": "relevance", "page": 1, "case": None}  # fmt: skip
        if kind in ("common", "date_sort", "deep_page"):
            q["words"] = [pools.next("common")]
        elif kind == "rare":
            q["words"] = [pools.next("rare")]
        elif kind in ("and2", "and3"):
            q["words"] = [w.lower() for w in pools.sentence_words(2 if kind == "and2" else 3)]
        elif kind in ("phrase", "phrase_common"):
            q["words"] = pools.run((2, 3) if kind == "phrase" else (3, 4), kind != "phrase")
            q["op"] = "phrase"
        elif kind == "prefix":
            word = pools.next("common" if i % 2 else "rare")
            q["words"] = [word[: rng.choice((5, 6))]]
            q["op"] = "prefix"
        elif kind == "not":
            q["words"] = [pools.next("common")]
            q["exclude"] = [w.lower() for w in pools.sentence_words(1)]
        elif kind == "or":
            q["words"] = [pools.next("rare"), pools.sentence_words(1)[0].lower()]
            q["op"] = "or"
        elif kind == "field":
            q["words"] = [pools.next("title")]
            q["field"] = "title"
        elif kind == "filters_only":
            q["op"] = "none"
            q["committee"] = rng.choice(sorted(committees))
            q["status"] = statuses.most_common(2)[i % 2][0]
            q["sort"] = "date_desc"
        elif kind == "case":
            typed, q["case"] = pools.case()
            q["op"] = "none"
            q["q"] = typed
        elif kind == "long":
            q["words"] = pools.question()
        if kind == "date_sort":
            q["sort"] = "date_desc"
        if kind == "deep_page":
            q["page"] = DEEP_PAGE
        if kind not in ("filters_only", "case", "deep_page"):
            if i % 3 == 1:
                q["committee"] = rng.choice(sorted(committees))
            if i % 4 == 2 and years:
                start = rng.choice(years)
                q["from"], q["to"] = f"{start}-01-01", f"{int(start) + rng.randint(1, 4)}-12-31"
        if "q" not in q:
            q["q"] = _typed(q)
        queries.append(q)
    return queries


def _typed(q: dict) -> str:
    """The search box of a query."""
    words = q["words"]
    if q["op"] == "none":
        return ""
    if q["op"] == "phrase":
        return '"' + " ".join(words) + '"'
    if q["op"] == "prefix":
        return words[0] + "*"
    if q["op"] == "or":
        return " OR ".join(words)
    text = " ".join(words)
    if q["field"] == "title":
        text = "titel:" + text
    if q["exclude"]:
        text += " NOT " + " NOT ".join(q["exclude"])
    return text


def describe(query: dict) -> str:
    parts = [query["q"] or "(no words)"]
    for key in ("committee", "status"):
        if query.get(key):
            parts.append(f"{key}={query[key]}")
    if query["from"]:
        parts.append(f"{query['from']}..{query['to']}")
    if query.get("sort", "relevance") != "relevance":
        parts.append(f"sort={query['sort']}")
    if query.get("page", 1) != 1:
        parts.append(f"page={query['page']}")
    return " ".join(parts)


def params(query: dict) -> dict:
    """The /api/search parameters of a query (also SearchRequest.from_params input)."""
    out: dict = {"q": query["q"]}
    if query.get("committee"):
        out["committee"] = [query["committee"]]
    if query.get("status"):
        out["status"] = [query["status"]]
    if query["from"]:
        out["from"], out["to"] = query["from"], query["to"]
    if query.get("sort", "relevance") != "relevance":
        out["sort"] = query["sort"]
    if query.get("page", 1) != 1:
        out["page"] = str(query["page"])
    return out
