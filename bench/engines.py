"""The three systems, each behind the same small interface.

    engine.build(items, path) -> None         # index the items (timed by the caller)
    engine.open(path)
    engine.search(query, facets=True, snippets=True) -> (total, hits)
    engine.close()

A query is a dict of queries.py: every kind (words, phrases, prefixes, NOT, OR, a field,
filters only, a case number, date order, a deep page) is asked of each system in its
own terms, as a person using that system would ask it.

- ``WhooshEngine``: the project itself. build: ``searchapp.index.build_index``; search:
  the engine's ``search`` (``searchapp.engine.open_engine``), exactly what /api/search
  runs; the variants without facets and without snippets are the engine's own
  ``facets=False`` and ``snippets=False`` (parameters of the core, nothing patched).
- ``Fts5Engine``: SQLite FTS5 as sqlite-utils sets it up (external content: the items in
  a table of their own, an FTS5 table over its columns, filled by one INSERT ... SELECT),
  tokenizer unicode61 keeping the Danish letters. The table holds each item's title and
  text as written and, in two more columns, the project's analysis of them (stems,
  Danish letters spelled out, hyphen parts), which FTS5 cannot do itself: words and
  prefixes are looked for among those terms, phrases as real phrases in the text as
  written (stop words and all). What FTS5 does not have, the project's compound parts
  and its exact-words field, is what the report's "found" columns count. bm25() with
  the title weighted 3; snippet() of the text for the page only (words marked by their
  stem as a prefix, as written); facets by one GROUP BY over the matching rows.
- ``TantivyEngine``: tantivy-py with its own analysis (simple tokenizer, lowercase,
  Danish stop words, Danish Snowball stemmer), BM25 with the title boosted 3, prefixes
  as a regex over the terms, facets by terms aggregations, snippets with its
  SnippetGenerator.

Every variant returns the total number of matches, as the API does.
"""

from __future__ import annotations

import contextlib
import re
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

    def prepare_build(self) -> None:
        """The modules the build runs, imported before its timer starts, as FTS5's
        engine imports the project's analysis when it is made: searchapp.index (0.14 s)
        and the engine's package, which index.py imports only when it opens the store
        (0.24 s; FTS5's import of its analysis module imports that package too)."""
        self._import("index")
        with contextlib.suppress(ImportError):  # an older baseline may have none
            self._import("whoosh_engine")

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


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class Fts5Engine:
    name = "fts5"
    DB = "fts5.sqlite"
    COLUMNS = ("title", "text", "title_terms", "text_terms")

    def __init__(self):
        from searchapp.whoosh_engine.analysis import DanishAnalyzer, stem_word

        self.analyzer = DanishAnalyzer()
        self.stem = stem_word

    def build(self, items, path: Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path / self.DB)
        db.executescript(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE items (
                id INTEGER PRIMARY KEY, item_id TEXT UNIQUE, committee TEXT, status TEXT,
                year TEXT, day INTEGER, meeting_date TEXT, number TEXT, case_number TEXT,
                title TEXT, text TEXT, title_terms TEXT, text_terms TEXT);
            CREATE TABLE cases (digits TEXT, id INTEGER);
            CREATE VIRTUAL TABLE fts USING fts5(
                title, text, title_terms, text_terms, content = 'items',
                content_rowid = 'id', tokenize = "unicode61 remove_diacritics 0");
            """
        )
        from searchapp.casenumbers import CaseNumber

        analyzer = self.analyzer
        rows, cases = [], []

        def flush():
            db.executemany("INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            db.executemany("INSERT INTO cases VALUES (?, ?)", cases)
            rows.clear()
            cases.clear()

        with db:
            for rowid, item in enumerate(items, 1):
                try:
                    day = date.fromisoformat(item.meeting_date).toordinal()
                except (TypeError, ValueError):
                    day = 0
                rows.append((rowid, item.id, item.committee, item.status, item.year, day,
                             item.meeting_date, item.number, item.case_number, item.title,
                             item.text, " ".join(danish_tokens(analyzer, item.title)),
                             " ".join(danish_tokens(analyzer, item.text))))  # fmt: skip
                for value in {item.case_number, *item.case_numbers} - {""}:
                    number = CaseNumber.parse(value)
                    if number:
                        cases.append((number.digits, rowid))
                if len(rows) >= 500:
                    flush()
            flush()
            # sqlite-utils' populate_fts, and the indexes a filter and a date order need
            db.executescript(
                """
                INSERT INTO fts (rowid, title, text, title_terms, text_terms)
                    SELECT id, title, text, title_terms, text_terms FROM items;
                CREATE INDEX cases_digits ON cases (digits);
                CREATE INDEX items_committee_day ON items (committee, day);
                CREATE INDEX items_day ON items (day);
                """
            )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()

    def open(self, path: Path) -> None:
        self.db = sqlite3.connect(Path(path) / self.DB, check_same_thread=False)
        self.db.execute("PRAGMA query_only = 1")
        self.db.execute("PRAGMA cache_size = -200000")  # 200 MB page cache at most

    # The query

    def _terms(self, words) -> list[str]:
        out = []
        for word in words:
            out += danish_tokens(self.analyzer, word, mode="query")
        return out

    def match(self, query: dict) -> str | None:
        """The MATCH expression of a query; None for one without words."""
        op = query["op"]
        if op == "none":
            return None
        title_only = query.get("field") == "title"
        terms_cols = "{title_terms}" if title_only else "{title_terms text_terms}"
        if op == "phrase":  # the words as written, stop words and all
            cols = "{title}" if title_only else "{title text}"
            return f"{cols} : {_fts_string(' '.join(query['words']))}"
        if op == "prefix":
            terms = self._terms(query["words"][:1])
            return f"{terms_cols} : {_fts_string(terms[0])} *" if terms else '""'
        terms = self._terms(query["words"])
        if not terms:
            return '""'
        joint = " OR " if op == "or" else " AND "
        expr = f"{terms_cols} : (" + joint.join(_fts_string(t) for t in terms) + ")"
        excluded = self._terms(query.get("exclude", ()))
        if excluded:
            expr += f" NOT {terms_cols} : (" + " OR ".join(map(_fts_string, excluded)) + ")"
        return expr

    def snippet_match(self, query: dict) -> str | None:
        """What the snippet marks in the text as written: the phrase, or each word by
        its stem (Danish letters as written) as a prefix."""
        op = query["op"]
        if op == "none":
            return None
        if op == "phrase":
            return f"{{text}} : {_fts_string(' '.join(query['words']))}"
        stems = {self.stem(w.lower()) for w in query["words"] if w.strip()}
        stems = [s for s in stems if s]
        if not stems:
            return None
        return "{text} : (" + " OR ".join(f"{_fts_string(s)} *" for s in sorted(stems)) + ")"

    def _where(self, query: dict, match: str | None, with_committee: bool, with_status: bool):
        where, args = [], []
        if match is not None:
            where.append("items.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            args.append(match)
        if query["from"]:
            where.append("items.day BETWEEN ? AND ?")
            args += [_day(query["from"], 0), _day(query["to"], 10**7)]
        if query.get("case"):
            where.append("items.id IN (SELECT id FROM cases WHERE digits = ?)")
            args.append(query["case"])
        if with_committee and query.get("committee"):
            where.append("items.committee = ?")
            args.append(query["committee"])
        if with_status and query.get("status"):
            where.append("items.status = ?")
            args.append(query["status"])
        return (" WHERE " + " AND ".join(where)) if where else "", args

    def search(self, query: dict, facets: bool = True, snippets: bool = True):
        db = self.db
        match = self.match(query)
        offset = (query.get("page", 1) - 1) * PER_PAGE
        by_date = query.get("sort", "relevance") == "date_desc" or match is None
        where, args = self._where(query, None, True, True)
        order = "items.day DESC, items.committee, items.number"
        if match is None:
            rows = db.execute(f"SELECT items.id, NULL FROM items{where} ORDER BY {order} "
                              "LIMIT ? OFFSET ?", [*args, PER_PAGE, offset]).fetchall()  # fmt: skip
        else:
            joined = where.replace(" WHERE ", " AND ", 1)
            rank = "items.day DESC" if by_date else "score"
            rows = db.execute(
                "SELECT fts.rowid, bm25(fts, ?, 1.0, ?, 1.0) AS score FROM fts JOIN items "
                f"ON items.id = fts.rowid WHERE fts MATCH ?{joined} ORDER BY {rank} "
                "LIMIT ? OFFSET ?",
                [TITLE_WEIGHT, TITLE_WEIGHT, match, *args, PER_PAGE, offset],
            ).fetchall()  # fmt: skip
        if facets:
            # One GROUP BY; each facet then counted over the rows passing the others.
            fwhere, fargs = self._where(query, match, False, False)
            by_c, by_s, by_y = Counter(), Counter(), Counter()
            total = 0
            for committee, status, year, n in db.execute(
                f"SELECT committee, status, year, count(*) FROM items{fwhere} "
                "GROUP BY committee, status, year", fargs,
            ):  # fmt: skip
                ok_c = not query.get("committee") or committee == query["committee"]
                ok_s = not query.get("status") or status == query["status"]
                if ok_s:
                    by_c[committee] += n
                if ok_c:
                    by_s[status] += n
                if ok_c and ok_s:
                    by_y[year] += n
                    total += n
        else:
            cwhere, cargs = self._where(query, match, True, True)
            total = db.execute(f"SELECT count(*) FROM items{cwhere}", cargs).fetchone()[0]
        hits = []
        if rows:
            ids = [r[0] for r in rows]
            marks = ",".join("?" * len(ids))
            snippet_of = {}
            marking = self.snippet_match(query) if snippets else None
            if marking:
                snippet_of = dict(db.execute(
                    "SELECT rowid, snippet(fts, 1, '<mark>', '</mark>', '…', 40) FROM fts "
                    f"WHERE fts MATCH ? AND rowid IN ({marks})", [marking, *ids],
                ).fetchall())  # fmt: skip
            cols = "id, item_id, title, committee, status, meeting_date, number, case_number"
            lead = ", substr(text, 1, 240)" if snippets else ", ''"
            found = {r[0]: r for r in db.execute(
                f"SELECT {cols}{lead} FROM items WHERE id IN ({marks})", ids)}  # fmt: skip
            for rowid, score in rows:
                r = found[rowid]
                hits.append({"item_id": r[1], "title": r[2], "committee": r[3],
                             "status": r[4], "meeting_date": r[5], "number": r[6],
                             "case_number": r[7], "snippet": snippet_of.get(rowid, r[8]),
                             "score": None if score is None else -score})  # fmt: skip
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
        sb.add_text_field("case_digits", stored=False, tokenizer_name="raw")
        return sb.build()

    def build(self, items, path: Path, threads: int = 2) -> None:
        from searchapp.casenumbers import CaseNumber

        t = self.t
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        index = t.Index(self._schema(), path=str(path))
        index.register_tokenizer(self.TOKENIZER, self.analyzer)
        writer = index.writer(heap_size=256_000_000, num_threads=threads)
        for item in items:
            doc = t.Document(
                item_id=item.id, title=item.title, text=item.text, committee=item.committee,
                status=item.status, year=item.year, meeting_date=item.meeting_date,
                number=item.number, case_number=item.case_number,
            )  # fmt: skip
            try:
                doc.add_date("date", datetime.fromisoformat(item.meeting_date))
            except (TypeError, ValueError):
                pass
            for value in {item.case_number, *item.case_numbers} - {""}:
                number = CaseNumber.parse(value)
                if number:
                    doc.add_text("case_digits", number.digits)
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()

    def open(self, path: Path) -> None:
        t = self.t
        self.index = t.Index.open(str(path))
        self.index.register_tokenizer(self.TOKENIZER, self.analyzer)
        self.schema = self.index.schema
        self.index.reload()
        self.searcher = self.index.searcher()

    def _word(self, word: str, fields):
        """A word in any of `fields` (the title boosted): None when it analyses away."""
        Q, Occur, schema = self.t.Query, self.t.Occur, self.schema
        tokens = self.analyzer.analyze(word)
        if not tokens:
            return None
        parts = []
        for token in tokens:
            parts.append(Q.boolean_query([
                (Occur.Should, Q.boost_query(Q.term_query(schema, f, token), TITLE_WEIGHT)
                 if f == "title" else Q.term_query(schema, f, token)) for f in fields
            ]))  # fmt: skip
        return parts[0] if len(parts) == 1 else Q.boolean_query(
            [(Occur.Must, p) for p in parts])

    def _query(self, query: dict, with_committee: bool = True):
        t = self.t
        Q, Occur = t.Query, t.Occur
        schema = self.schema
        fields = ("title",) if query.get("field") == "title" else ("title", "text")
        op = query["op"]
        musts, shoulds, nots = [], [], []
        if op == "phrase":
            # (offset, term): a stop word keeps its place in the phrase, as it does in
            # the index (tantivy's stop filter leaves the positions as they were).
            tokens = []
            for offset, word in enumerate(query["words"]):
                tokens += [(offset, token) for token in self.analyzer.analyze(word)]
            field = fields[-1]
            if len(tokens) > 1:
                musts.append(Q.phrase_query(schema, field, tokens))
            elif tokens:
                musts.append(Q.term_query(schema, field, tokens[0][1]))
        elif op == "prefix":
            pattern = re.escape(query["words"][0].lower()) + ".*"
            musts.append(Q.boolean_query([
                (Occur.Should, Q.regex_query(schema, f, pattern)) for f in fields
            ]))  # fmt: skip
        elif op in ("and", "or"):
            for word in query["words"]:
                found = self._word(word, fields)
                if found is not None:
                    (shoulds if op == "or" else musts).append(found)
            for word in query.get("exclude", ()):
                found = self._word(word, fields)
                if found is not None:
                    nots.append(found)
        filters = []
        if query["from"]:
            filters.append(Q.range_query(
                schema, "date", t.FieldType.Date,
                datetime.fromisoformat(query["from"]),
                datetime.fromisoformat(query["to"] + "T23:59:59"),
            ))  # fmt: skip
        if with_committee and query.get("committee"):
            filters.append(Q.term_query(schema, "committee", query["committee"]))
        if query.get("status"):
            filters.append(Q.term_query(schema, "status", query["status"]))
        if query.get("case"):
            filters.append(Q.term_query(schema, "case_digits", query["case"]))
        if shoulds:
            musts.append(Q.boolean_query([(Occur.Should, s) for s in shoulds]))
        if op != "none" and not musts:
            return Q.empty_query()
        clauses = [(Occur.Must, q) for q in musts + filters] + [(Occur.MustNot, q) for q in nots]
        if not clauses:
            return Q.all_query()
        if not musts and not filters:
            clauses.append((Occur.Must, Q.all_query()))
        return Q.boolean_query(clauses)

    def search(self, query: dict, facets: bool = True, snippets: bool = True):
        t = self.t
        searcher = self.searcher
        q = self._query(query)
        offset = (query.get("page", 1) - 1) * PER_PAGE
        if query.get("sort", "relevance") == "date_desc" or query["op"] == "none":
            result = searcher.search(q, PER_PAGE, count=True, order_by_field="date",
                                     offset=offset, order=t.Order.Desc)  # fmt: skip
        else:
            result = searcher.search(q, PER_PAGE, count=True, offset=offset)
        total = result.count
        if facets:

            def agg(field):
                return {"terms": {"size": 100, "field": field}}

            if query.get("committee"):
                searcher.aggregate(self._query(query, with_committee=False),
                                   {"committee": agg("committee")})  # fmt: skip
                searcher.aggregate(q, {"status": agg("status"), "year": agg("year")})
            else:
                searcher.aggregate(q, {"committee": agg("committee"), "status": agg("status"),
                                       "year": agg("year")})  # fmt: skip
        hits = []
        generator = (
            t.SnippetGenerator.create(searcher, q, self.schema, "text")
            if snippets and result.hits and query["op"] != "none" else None
        )  # fmt: skip
        for score, address in result.hits:
            doc = searcher.doc(address)
            hit = {name: doc.get_first(name) for name in
                   ("item_id", "title", "committee", "status", "meeting_date", "number",
                    "case_number")}  # fmt: skip
            if generator:
                hit["snippet"] = generator.snippet_from_doc(doc).to_html()
            elif snippets:
                hit["snippet"] = (doc.get_first("text") or "")[:240]
            hit["score"] = score
            hits.append(hit)
        return total, hits

    def close(self) -> None:
        self.searcher = None
        self.index = None


ENGINES = {"whoosh": WhooshEngine, "fts5": Fts5Engine, "tantivy": TantivyEngine,
           "whoosh-base": BaselineWhoosh}  # fmt: skip
