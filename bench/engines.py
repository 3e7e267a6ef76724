"""The three systems, each behind the same small interface.

    engine.build(items, path) -> None         # index the items (timed by the caller)
    engine.open(path)
    engine.search(query, facets=True, snippets=True) -> (total, hits)
    engine.close()

- ``WhooshEngine``: the project itself. build: ``searchapp.index.build_index``; search:
  the engine's ``search`` (``searchapp.engine.open_engine``), exactly what /api/search
  runs; the variants without facets and without snippets are the engine's own
  ``facets=False`` and ``snippets=False``, so those costs are measured apart without
  touching the core.
- ``Fts5Engine``: SQLite FTS5 through Python's sqlite3, over the same tokens: title and
  text analysed by the project's DanishAnalyzer (index mode), space-joined; the query
  words by the same analyzer (query mode). bm25() with the title weighted 3, snippet()
  for the page only, facets by one GROUP BY over the matching rowids.
- ``TantivyEngine``: tantivy-py with its own analysis (simple tokenizer, lowercase,
  Danish stop words, Danish Snowball stemmer), BM25 with the title boosted 3, facets by
  terms aggregations, snippets with its SnippetGenerator.

Every variant returns the total number of matches, as the API does.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import date, datetime
from pathlib import Path

PER_PAGE = 20
TITLE_WEIGHT = 3.0


def _day(iso: str | None, default: int) -> int:
    return date.fromisoformat(iso).toordinal() if iso else default


# --- Whoosh: the project -----------------------------------------------------------------


class WhooshEngine:
    name = "whoosh"
    package = "searchapp"  # the project; bench/baseline.py sets another for old code

    def _import(self, module: str):
        import importlib

        return importlib.import_module(f"{self.package}.{module}")

    def build(self, items, path: Path) -> None:
        self._import("index").build_index(items, path)

    def open(self, path: Path) -> None:
        self.path = Path(path)
        self.engine = self._import("engine").open_engine(self.path)
        self.engine.exists()  # open it now, not in the first timed search

    def request(self, query: dict):
        from .queries import params

        return self._import("query").SearchRequest.from_params(params(query))

    def search(self, query: dict, facets: bool = True, snippets: bool = True):
        """The engine's own search, as /api/search runs it; without facets the facet
        filters still apply but nothing is counted, without snippets none are made."""
        result = self.engine.search(self.request(query), facets=facets, snippets=snippets)
        return result.total, result.hits

    def timed_search(self, query: dict) -> dict:
        """ms a stage of one search with facets and snippets (the engine's timings)."""
        return self.engine.search(self.request(query), timings=True).timings

    def close(self) -> None:
        self.engine.close()


class BaselineWhoosh(WhooshEngine):
    """The project as it was at an older commit (bench/compare.py exports it as the
    package `searchapp_base`, on the path in $SEARCHAPP_BENCH_BASELINE): its own
    build_index and its own search, through the API it had then (searchapp.search:
    search(SearchIndex, request, facets=...)). It had no way to leave the snippets
    out without patching it, so only "full" and "no_facets" are timed."""

    name = "whoosh-base"
    package = "searchapp_base"
    variants = ("full", "no_facets")

    def _import(self, module: str):
        import os
        import sys

        path = os.environ.get("SEARCHAPP_BENCH_BASELINE")
        if not path:
            raise RuntimeError("no baseline exported: run `python -m bench compare`")
        if path not in sys.path:
            sys.path.insert(0, path)
        return super()._import(module)

    def open(self, path: Path) -> None:
        self.path = Path(path)
        self.core = self._import("search")
        self.index = self.core.SearchIndex(self.path)
        self.index.index  # noqa: B018 - open it now, not in the first timed search

    def search(self, query: dict, facets: bool = True, snippets: bool = True):
        if not snippets:
            raise ValueError("the baseline cannot leave the snippets out")
        result = self.core.search(self.index, self.request(query), facets=facets)
        return result["total"], result["results"]

    def close(self) -> None:
        self.index.close()


# --- SQLite FTS5 -------------------------------------------------------------------------


def danish_tokens(analyzer, text: str, mode: str = "index") -> list[str]:
    return [t.text for t in analyzer(text, mode=mode)]


class Fts5Engine:
    name = "fts5"
    DB = "fts5.sqlite"

    def __init__(self):
        from searchapp.whoosh_engine.analysis import DanishAnalyzer

        self.analyzer = DanishAnalyzer()

    def build(self, items, path: Path, analysed: list | None = None) -> None:
        """Index `items`. With `analysed` (a list), the token strings are made first and
        appended to it, so the caller can time analysis and inserting apart."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path / self.DB)
        db.executescript(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE items (
                id INTEGER PRIMARY KEY, item_id TEXT UNIQUE, committee TEXT, status TEXT,
                year TEXT, day INTEGER, doc TEXT);
            CREATE VIRTUAL TABLE fts USING fts5(
                title, body, tokenize = "unicode61 remove_diacritics 0 tokenchars '-.,'");
            """
        )
        analyzer = self.analyzer
        batch: list = []

        def flush():
            db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [row[:7] for row in batch])  # fmt: skip
            db.executemany("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                           [(row[0], row[7], row[8]) for row in batch])  # fmt: skip
            batch.clear()

        with db:
            for rowid, item in enumerate(items, 1):
                title = " ".join(danish_tokens(analyzer, item.title))
                body = " ".join(danish_tokens(analyzer, item.text))
                doc = json.dumps({"id": item.id, "title": item.title, "text": item.text,
                                  "committee": item.committee,
                                  "meeting_date": item.meeting_date, "number": item.number,
                                  "status": item.status, "case_number": item.case_number},
                                 ensure_ascii=False)  # fmt: skip
                batch.append((rowid, item.id, item.committee, item.status, item.year,
                              date.fromisoformat(item.meeting_date).toordinal(), doc,
                              title, body))  # fmt: skip
                if len(batch) >= 500:
                    flush()
            if batch:
                flush()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()

    def open(self, path: Path) -> None:
        self.db = sqlite3.connect(Path(path) / self.DB, check_same_thread=False)
        self.db.execute("PRAGMA query_only = 1")
        self.db.execute("PRAGMA cache_size = -200000")  # 200 MB page cache at most

    def match(self, query: dict) -> str:
        tokens = []
        for word in query["words"]:
            tokens += danish_tokens(self.analyzer, word, mode="query")
        tokens = [t.replace('"', '""') for t in tokens]
        if not tokens:
            return '""'
        if query["phrase"]:
            # Stop words are gone and compound parts sit between the words in the token
            # string, so an exact FTS5 phrase would miss: the words near each other.
            if len(tokens) == 1:
                return f'"{tokens[0]}"'
            return "NEAR(" + " ".join(f'"{t}"' for t in tokens) + f", {len(query['words']) + 2})"
        return " AND ".join(f'"{t}"' for t in tokens)

    def search(self, query: dict, facets: bool = True, snippets: bool = True):
        match = self.match(query)
        where, args = ["fts MATCH ?"], [match]
        date_sql, date_args = "", []
        if query["from"]:
            date_sql = " AND items.day BETWEEN ? AND ?"
            date_args = [_day(query["from"], 0), _day(query["to"], 10**7)]
        committee_sql, committee_args = "", []
        if query["committee"]:
            committee_sql, committee_args = " AND items.committee = ?", [query["committee"]]
        filters = date_sql + committee_sql
        db = self.db
        rows = db.execute(
            "SELECT fts.rowid, bm25(fts, ?, 1.0) AS score FROM fts JOIN items "
            "ON items.id = fts.rowid WHERE " + " AND ".join(where) + filters
            + " ORDER BY score LIMIT ?",
            [TITLE_WEIGHT, *args, *date_args, *committee_args, PER_PAGE],
        ).fetchall()  # fmt: skip
        if facets:
            by_c, by_s, by_y = Counter(), Counter(), Counter()
            for committee, status, year, n in db.execute(
                "SELECT committee, status, year, count(*) FROM items WHERE id IN "
                "(SELECT rowid FROM fts WHERE fts MATCH ?)" + date_sql
                + " GROUP BY committee, status, year",
                [match, *date_args],
            ):  # fmt: skip
                by_c[committee] += n
                if not query["committee"] or committee == query["committee"]:
                    by_s[status] += n
                    by_y[year] += n
            total = sum(by_s.values())
        else:
            total = db.execute(
                "SELECT count(*) FROM fts JOIN items ON items.id = fts.rowid "
                "WHERE fts MATCH ?" + filters, [match, *date_args, *committee_args],
            ).fetchone()[0]  # fmt: skip
        hits = []
        if rows:
            ids = [r[0] for r in rows]
            marks = ",".join("?" * len(ids))
            snippet_of = {}
            if snippets:
                snippet_of = dict(db.execute(
                    "SELECT rowid, snippet(fts, 1, '<mark>', '</mark>', '…', 40) FROM fts "
                    f"WHERE fts MATCH ? AND rowid IN ({marks})", [match, *ids],
                ).fetchall())  # fmt: skip
            docs = dict(db.execute(f"SELECT id, doc FROM items WHERE id IN ({marks})", ids))
            for rowid, score in rows:
                doc = json.loads(docs[rowid])
                doc.pop("text")
                doc["snippet"] = snippet_of.get(rowid, "")
                doc["score"] = -score
                hits.append(doc)
        return total, hits

    def close(self) -> None:
        self.db.close()


# --- tantivy ----------------------------------------------------------------------------


class TantivyEngine:
    name = "tantivy"
    TOKENIZER = "danish"

    def __init__(self):
        import tantivy

        self.t = tantivy
        self.analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stopword("danish"))
            .filter(tantivy.Filter.stemmer("danish"))
            .build()
        )

    def _schema(self):
        t = self.t
        sb = t.SchemaBuilder()
        sb.add_text_field("item_id", stored=True, tokenizer_name="raw")
        sb.add_text_field("title", stored=True, tokenizer_name=self.TOKENIZER)
        sb.add_text_field("text", stored=True, tokenizer_name=self.TOKENIZER)
        sb.add_text_field("committee", stored=True, fast=True, tokenizer_name="raw")
        sb.add_text_field("status", stored=True, fast=True, tokenizer_name="raw")
        sb.add_text_field("year", stored=True, fast=True, tokenizer_name="raw")
        sb.add_date_field("date", stored=True, fast=True, indexed=True)
        sb.add_text_field("meeting_date", stored=True, tokenizer_name="raw")
        sb.add_text_field("number", stored=True, tokenizer_name="raw")
        sb.add_text_field("case_number", stored=True, tokenizer_name="raw")
        return sb.build()

    def build(self, items, path: Path, threads: int = 2) -> None:
        t = self.t
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        index = t.Index(self._schema(), path=str(path))
        index.register_tokenizer(self.TOKENIZER, self.analyzer)
        writer = index.writer(heap_size=256_000_000, num_threads=threads)
        for item in items:
            writer.add_document(t.Document(
                item_id=item.id, title=item.title, text=item.text, committee=item.committee,
                status=item.status, year=item.year,
                date=datetime.fromisoformat(item.meeting_date), meeting_date=item.meeting_date,
                number=item.number, case_number=item.case_number,
            ))  # fmt: skip
        writer.commit()
        writer.wait_merging_threads()

    def open(self, path: Path) -> None:
        t = self.t
        self.index = t.Index.open(str(path))
        self.index.register_tokenizer(self.TOKENIZER, self.analyzer)
        self.schema = self.index.schema
        self.index.reload()
        self.searcher = self.index.searcher()

    def _query(self, query: dict, with_committee: bool = True):
        t = self.t
        Q, Occur = t.Query, t.Occur
        schema = self.schema
        musts = []
        if query["phrase"]:
            # (offset, term): a stop word keeps its place in the phrase, as it does in
            # the index (tantivy's stop filter leaves the positions as they were).
            tokens = []
            for offset, word in enumerate(query["words"]):
                tokens += [(offset, token) for token in self.analyzer.analyze(word)]
            if len(tokens) > 1:
                musts.append(Q.phrase_query(schema, "text", tokens))
            elif tokens:
                musts.append(Q.term_query(schema, "text", tokens[0][1]))
        else:
            for word in query["words"]:
                for token in self.analyzer.analyze(word):
                    musts.append(Q.boolean_query([
                        (Occur.Should, Q.boost_query(Q.term_query(schema, "title", token),
                                                     TITLE_WEIGHT)),
                        (Occur.Should, Q.term_query(schema, "text", token)),
                    ]))  # fmt: skip
        filters = []
        if query["from"]:
            filters.append(Q.range_query(
                schema, "date", t.FieldType.Date,
                datetime.fromisoformat(query["from"]),
                datetime.fromisoformat(query["to"] + "T23:59:59"),
            ))  # fmt: skip
        if with_committee and query["committee"]:
            filters.append(Q.term_query(schema, "committee", query["committee"]))
        if not musts:
            return Q.empty_query()
        return Q.boolean_query([(Occur.Must, q) for q in musts + filters])

    def search(self, query: dict, facets: bool = True, snippets: bool = True):
        t = self.t
        searcher = self.searcher
        q = self._query(query)
        result = searcher.search(q, PER_PAGE, count=True)
        total = result.count
        if facets:
            terms = {"terms": {"size": 100}}

            def agg(field):
                return {"terms": {**terms["terms"], "field": field}}

            if query["committee"]:
                searcher.aggregate(self._query(query, with_committee=False),
                                   {"committee": agg("committee")})  # fmt: skip
                searcher.aggregate(q, {"status": agg("status"), "year": agg("year")})
            else:
                searcher.aggregate(q, {"committee": agg("committee"), "status": agg("status"),
                                       "year": agg("year")})  # fmt: skip
        hits = []
        generator = (
            t.SnippetGenerator.create(searcher, q, self.schema, "text")
            if snippets and result.hits else None
        )  # fmt: skip
        for score, address in result.hits:
            doc = searcher.doc(address)
            hit = {name: doc.get_first(name) for name in
                   ("item_id", "title", "committee", "status", "meeting_date", "number",
                    "case_number")}  # fmt: skip
            hit["snippet"] = generator.snippet_from_doc(doc).to_html() if generator else ""
            hit["score"] = score
            hits.append(hit)
        return total, hits

    def close(self) -> None:
        self.searcher = None
        self.index = None


ENGINES = {"whoosh": WhooshEngine, "fts5": Fts5Engine, "tantivy": TantivyEngine,
           "whoosh-base": BaselineWhoosh}  # fmt: skip
