"""The engine boundary: what crosses it (typed results, a budget, timings), what is
logged and counted when a search falls back, and that Whoosh stays behind it (the web,
the CLI and the benchmark import no Whoosh; Whoosh's internals are used in one module
that checks the version)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

import searchapp.whoosh_engine.search as search_module
from searchapp.engine import SearchStopped
from searchapp.query import SearchRequest
from searchapp.results import Facets, Hit, SearchResult

PROJECT = Path(__file__).resolve().parents[1]


def test_a_search_is_typed_and_renders_as_the_api_says(engine):
    result = engine.search(SearchRequest(q="ældrereformen"))
    assert isinstance(result, SearchResult) and isinstance(result.facets, Facets)
    assert all(isinstance(hit, Hit) for hit in result.hits)
    assert result.total == len(result.hits) == 2
    data = result.to_dict()
    assert set(data) == {"query", "total", "page", "per_page", "pages", "results", "facets",
                         "suggestion"}  # fmt: skip
    assert "title_html" not in data["results"][0]
    titled = result.to_dict(html_titles=True)["results"]
    assert {h["title_html"] for h in titled} == {
        "<mark>Ældrereformen</mark>", "<mark>Ældrereformen</mark> i Sjælland",
    }  # fmt: skip


def test_without_snippets_or_facets(engine):
    plain = engine.search(SearchRequest(q="budget"), facets=False, snippets=False)
    full = engine.search(SearchRequest(q="budget"))
    assert plain.facets is None and plain.to_dict()["facets"] is None
    assert [h.snippet for h in plain.hits] == ["", ""]
    assert [h.item.id for h in plain.hits] == [h.item.id for h in full.hits]
    assert plain.total == full.total == 2


def test_timings_when_asked(engine):
    assert engine.search(SearchRequest(q="budget")).timings is None
    timings = engine.search(SearchRequest(q="budget"), timings=True).timings
    assert {"columns", "match", "facets", "order", "load", "snippets", "suggest"} <= set(timings)
    assert all(ms >= 0 for ms in timings.values())


class CountingBudget:
    def __init__(self, stop_at: str | None = None):
        self.stages: list[str] = []
        self.stop_at = stop_at

    def checkpoint(self, stage: str) -> None:
        self.stages.append(stage)
        if stage == self.stop_at:
            raise SearchStopped(f"stopped at {stage}")


def test_a_budget_is_told_at_each_leaf_the_snippets_and_the_suggestion(engine):
    budget = CountingBudget()
    engine.search(SearchRequest(q="budget driften"), budget=budget)
    assert budget.stages.count("leaf") >= 2
    assert budget.stages[-2:] == ["snippets", "suggest"]


@pytest.mark.parametrize("stage", ["leaf", "snippets", "suggest"])
def test_a_budget_stops_a_search_without_a_second_try(engine, stage):
    before = engine.stats()["fallbacks"]
    with pytest.raises(SearchStopped, match=stage):
        engine.search(SearchRequest(q="budget"), budget=CountingBudget(stop_at=stage))
    assert engine.stats()["fallbacks"] == before


@pytest.mark.parametrize(
    ("q", "kind"),
    [
        ("NOT AND budget", "syntax"),  # NOT with nothing to exclude
        ("udvalg:", "no_terms"),  # a filter with no value: the word is searched
        ("havn 16. juni 2021", "dates"),  # no meeting that day
    ],
)
def test_fallbacks_are_logged_with_the_query_and_counted(engine, caplog, q, kind):
    before = engine.stats()
    with caplog.at_level(logging.WARNING, logger="searchapp.search"):
        engine.search(SearchRequest(q=q))
    after = engine.stats()
    assert after["searches"] == before["searches"] + 1
    assert after["fallbacks"][kind] == before["fallbacks"][kind] + 1
    (record,) = [r for r in caplog.records if r.name == "searchapp.search"]
    assert record.levelno == logging.WARNING
    assert kind in record.getMessage() and repr(q) in record.getMessage()


def test_a_query_the_executor_cannot_run_is_searched_as_words(engine, caplog, monkeypatch):
    real = search_module.run_query
    calls = []

    def failing(searcher, q, stats, budget=None, cache=None, within=None):
        calls.append(q)
        if len(calls) == 1:  # the query as typed; then its plain words run
            raise RuntimeError("executor bug")
        return real(searcher, q, stats, budget, cache, within)

    expected = [h.item.id for h in engine.search(SearchRequest(q="fingerplanen")).hits]
    monkeypatch.setattr(search_module, "run_query", failing)
    before = engine.stats()["fallbacks"]
    with caplog.at_level(logging.WARNING, logger="searchapp.search"):
        result = engine.search(SearchRequest(q='"fingerplanen"'))
    after = engine.stats()["fallbacks"]
    assert after == {**before, "engine": before["engine"] + 1}
    (record,) = caplog.records
    assert "RuntimeError: executor bug" in record.getMessage()
    assert [h.item.id for h in result.hits] == expected == ["kkr-syddanmark-2025-01-20-1.2"]


def _fallback_lines(stderr: str, q: str) -> list[str]:
    wanted = f"WARNING searchapp.search: search fallback (syntax) for q={q!r}"
    return [line for line in stderr.splitlines() if wanted in line]


def test_the_command_line_logs_a_fallback_to_stderr(config_file):
    """Logging is set up by the `searchapp` command itself (pytest's own handlers are not
    there to catch it in a child process): the fallback's line, once, on stderr."""
    q = "NOT AND budget"
    command = [sys.executable, "-m", "searchapp", "search", q, "--config", str(config_file)]
    run = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT)
    assert run.returncode == 0, run.stderr
    assert "budget" in run.stdout
    assert len(_fallback_lines(run.stderr, q)) == 1, run.stderr


def test_the_server_logs_a_fallback_to_stderr_once(index_root, sources_root):
    """create_app sets logging up, once: an app made twice in one process (a WSGI
    server's reload, the tests) does not log each line twice."""
    q = "NOT AND budget"
    code = (
        "import sys; from conftest import make_config; from searchapp.web import create_app\n"
        f"config = make_config({str(index_root)!r}, {str(sources_root)!r})\n"
        "create_app(config)\n"
        "client = create_app(config).test_client()\n"
        f"assert client.get('/api/search', query_string={{'q': {q!r}}}).status_code == 200\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PROJECT / "tests")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert len(_fallback_lines(run.stderr, q)) == 1, run.stderr


def test_the_item_page_marker(engine):
    marker = engine.marker("reform -dialogmødet april 2025")
    assert marker and marker.spans("Ældrereformen og dialogmødet") == [(5, 13)]
    assert not engine.marker("") and not engine.marker("april 2025")


# --- Whoosh stays behind the boundary ----------------------------------------------------


def _imports_of(path: Path) -> set[str]:
    found = set()
    for m in re.finditer(r"^\s*(?:from|import)\s+([\w.]+)", path.read_text(encoding="utf-8"),
                         re.M):  # fmt: skip
        found.add(m[1])
    return found


def test_only_the_engine_package_imports_whoosh():
    outside = [p for p in (PROJECT / "searchapp").rglob("*.py") if "whoosh_engine" not in p.parts]
    outside += sorted((PROJECT / "bench").glob("*.py")) + sorted((PROJECT / "scripts").glob("*.py"))
    for path in outside:
        for module in _imports_of(path):
            if module.split(".")[0] == "whoosh":
                # the stop list is a table of data that Whoosh ships
                assert (path.name, module) == ("danish.py", "whoosh.lang.stopwords"), path


def test_web_cli_and_bench_use_the_interface_only():
    adapters = [*(PROJECT / "searchapp" / "web").glob("*.py"),
                *(PROJECT / "searchapp" / "cli").glob("*.py"),
                *(PROJECT / "bench").glob("*.py")]  # fmt: skip
    for path in adapters:
        for module in _imports_of(path):
            if "whoosh_engine" in module:
                # The FTS5 baseline tokenizes with the project's Danish analysis, for a
                # fair comparison; it is not the project's search.
                assert (path.name, module) == ("engines.py", "searchapp.whoosh_engine.analysis")


# Names of Whoosh 2.7.4's internals the engine relies on.
PRIVATE = ("_field_B", "_idf_cache", "_perdoc", "_cached_reader", "_byteids", "_read_data",
           "_read_values", "_next_block", "_lenfield", "_write_run", "_read_run", "_open_run",
           "_remove_run", "W3LeafMatcher", "PostingPool", "tempstore", "_btexts")  # fmt: skip


def test_whoosh_internals_are_used_in_one_module():
    for path in (PROJECT / "searchapp").rglob("*.py"):
        if path.name == "internals.py":
            continue
        text = path.read_text(encoding="utf-8")
        used = [name for name in PRIVATE if re.search(rf"\b{name}\b", text)]
        assert not used, (path, used)


def test_internals_refuse_another_whoosh_version():
    code = (
        "import whoosh; whoosh.__version__ = (2, 7, 5); whoosh.versionstring = lambda: '2.7.5'\n"
        "import searchapp.whoosh_engine"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PROJECT)  # fmt: skip
    assert run.returncode != 0
    assert "WhooshVersionError" in run.stderr
    assert "Whoosh 2.7.5 is installed" in run.stderr and "Whoosh==2.7.4" in run.stderr
