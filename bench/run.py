"""`python -m bench run`: every measurement of issues #6 and #19, side by side, in one run.

For each corpus (each --size of the generated one, and with --greve the real Greve
minutes read by searchapp's own reader): index the items with each system in its own
child process (items/s, CPU seconds, index size, peak RSS), then in this process open
all three and run the query mix warm, round-robin (each query by each system in turn,
the order rotated, so the machine's noise hits all of them alike), in three variants:
with facets and snippets, without facets, without snippets; p95 by query kind. Then the
Whoosh search path is timed stage by stage and profiled with cProfile, each system's
searching memory is measured in a child, and the real server (`searchapp serve`) is
run on 127.0.0.1 with one worker process and with one per core, each asked the mix by
1, 4 and 16 clients at once (bench/load.py). Once per run: the PDF pipeline (a full
reindex of generated PDFs on both cores: pages/s extracting, and with indexing) and the
no-change reindex of 1,000 small files. The load average is noted at each step.

Writes bench/results/<date>-<size>.json and .md (-quick in the name for --quick;
<date>-greve.* for the real minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import io
import json
import os
import platform
import pstats
import random
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from . import report
from .generate import DEFAULT_CORPUS, load_vocabulary, read_items, write_items
from .load import load_levels
from .queries import build_mix

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
RESULTS = BENCH / "results"
SYSTEMS = ("whoosh", "fts5", "tantivy")
VARIANTS = ("full", "no_facets", "no_snippets")
GENERATOR_VERSION = 1  # bump when generate.py changes what it makes
GREVE = PROJECT.parent / "shared" / "real" / "publishing-json" / "greve"
CLIENT_LEVELS = (1, 4, 16)


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def loadavg() -> list[float]:
    with contextlib.suppress(OSError):
        return [round(x, 2) for x in os.getloadavg()]
    return []


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "p99": percentile(values, 99), "mean": sum(values) / len(values),
            "max": max(values)}  # fmt: skip


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    env.pop("SEARCHAPP_CONFIG", None)
    env["PYTHONHASHSEED"] = "0"
    return env


def run_worker(*args: str, timeout: float = 4 * 3600) -> dict:
    cmd = [sys.executable, "-m", "bench.worker", *args]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), cwd=PROJECT,
                          timeout=timeout)  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{proc.stderr[-4000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


# --- Preparing data ------------------------------------------------------------------------


def items_file(workdir: Path, size: int, seed: int, corpus: Path) -> Path:
    path = workdir / f"items-v{GENERATOR_VERSION}-seed{seed}-{size}.jsonl"
    if not path.exists():
        log(f"generating {size:,} items (seed {seed}) -> {path}")
        started = time.perf_counter()
        n, chars = write_items(path, size, seed, corpus)
        log(f"  {n:,} items, {chars / n / 1000:.1f} K characters an item, "
            f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    return path


def real_items_file(workdir: Path, folder: Path) -> tuple[Path, int]:
    """The items of every meeting file in `folder`, read by searchapp's own readers
    (searchapp.ingest.read_file), as JSON lines; cached by the folder's files and their
    times. Returns (the file, the number of items)."""
    from searchapp.ingest import IngestError, read_file

    files = sorted(p for p in folder.iterdir() if p.is_file())
    if not files:
        raise SystemExit(f"bench: no files in {folder}")
    listing = "\n".join(f"{p.name} {p.stat().st_mtime_ns}" for p in files)
    # A digest, not hash(): str hashes differ in each process, so no run found the last's.
    stamp = int(hashlib.sha256(listing.encode("utf-8")).hexdigest()[:12], 16) % 10**10
    path = workdir / f"real-{folder.name}-{len(files)}-{stamp}.jsonl"
    if path.exists():
        return path, sum(1 for _ in open(path, encoding="utf-8"))
    log(f"reading {len(files)} files of {folder} with searchapp's readers -> {path}")
    n = 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for file in files:
            try:
                meetings = read_file(file)
            except IngestError as exc:
                log(f"  skipped: {exc}")
                continue
            for meeting in meetings:
                for item in meeting.items:
                    f.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
                    n += 1
    tmp.replace(path)
    log(f"  {n:,} items")
    return path, n


def pdf_corpus(workdir: Path, meetings: int, corpus: Path) -> Path:
    from .generate import write_pdf_corpus

    folder = workdir / f"pdf-v{GENERATOR_VERSION}-{meetings}"
    marker = folder / "corpus.json"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        log(f"writing {meetings} generated meetings as PDFs -> {folder}")
        info = write_pdf_corpus(folder, meetings, corpus=corpus)
        marker.write_text(json.dumps(info))
    return folder


def small_files(workdir: Path, files: int, corpus: Path) -> Path:
    from .generate import write_small_files

    folder = workdir / f"small-v{GENERATOR_VERSION}-{files}"
    if len(list(folder.glob("*.txt"))) != files:
        shutil.rmtree(folder, ignore_errors=True)
        log(f"writing {files} small minutes -> {folder}")
        write_small_files(folder, files, corpus=corpus)
    return folder


# --- Queries in this process ------------------------------------------------------------


def open_engines(indexes: dict[str, Path]) -> dict:
    from .engines import ENGINES

    engines = {}
    for name in indexes:
        engine = ENGINES[name]()
        engine.open(indexes[name])
        engines[name] = engine
    return engines


def _variants(engine) -> tuple[str, ...]:
    """The variants a system can be timed in (the baseline of bench/compare.py cannot
    leave its snippets out)."""
    return getattr(engine, "variants", VARIANTS)


def _variant_kwargs(variant: str) -> dict:
    return {"full": {}, "no_facets": {"facets": False}, "no_snippets": {"snippets": False}}[variant]


def time_queries(engines: dict, queries: list[dict], rounds: int, budget_s: float,
                 seed: int) -> dict:  # fmt: skip
    """Warm: one pass of everything first. Then `rounds` rounds (fewer if the time budget
    runs out): every query in a shuffled order, each system in turn (order rotated),
    each variant. Returns ms lists per system and variant, wall clock and CPU (the
    process's: the search is all this process does then, and the CPU it took is less
    disturbed by the other processes of a busy machine), and totals per query."""
    rng = random.Random(seed)
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for q in queries:
        for name, engine in engines.items():
            for variant in _variants(engine):
                total, _ = engine.search(q, **_variant_kwargs(variant))
                if variant == "full":
                    totals[q["id"]][name] = total
    samples = {name: {v: [] for v in _variants(engine)} for name, engine in engines.items()}
    cpu = {name: {v: [] for v in _variants(engine)} for name, engine in engines.items()}
    per_query = {name: defaultdict(list) for name in engines}
    per_query_cpu = {name: defaultdict(list) for name in engines}
    per_query_bare = {name: defaultdict(list) for name in engines}  # no snippets
    names = list(engines)
    deadline = time.monotonic() + budget_s
    done_rounds = 0
    for r in range(rounds):
        order = list(queries)
        rng.shuffle(order)
        for i, q in enumerate(order):
            rotated = names[(i + r) % len(names) :] + names[: (i + r) % len(names)]
            for name in rotated:
                engine = engines[name]
                for variant in _variants(engine):
                    kwargs = _variant_kwargs(variant)
                    c0 = time.process_time()
                    t0 = time.perf_counter()
                    engine.search(q, **kwargs)
                    ms = (time.perf_counter() - t0) * 1000
                    cpu_ms = (time.process_time() - c0) * 1000
                    samples[name][variant].append(ms)
                    cpu[name][variant].append(cpu_ms)
                    if variant == "full":
                        per_query[name][q["id"]].append(ms)
                        per_query_cpu[name][q["id"]].append(cpu_ms)
                    elif variant == "no_snippets":
                        per_query_bare[name][q["id"]].append(ms)
        done_rounds += 1
        if time.monotonic() > deadline:
            break
    return {"samples": samples, "cpu": cpu, "totals": dict(totals), "rounds": done_rounds,
            "per_query": {n: dict(v) for n, v in per_query.items()},
            "per_query_cpu": {n: dict(v) for n, v in per_query_cpu.items()},
            "per_query_no_snippets": {n: dict(v) for n, v in per_query_bare.items()}}  # fmt: skip


def whoosh_stages(engine, queries: list[dict], rounds: int = 2) -> dict:
    """Mean ms per query spent in each stage of the engine's search, as the engine
    times them itself (search(..., timings=True)), and the total."""
    sums: dict[str, float] = {}
    total = 0.0
    n = 0
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            stages = engine.timed_search(q)
            total += (time.perf_counter() - t0) * 1000
            n += 1
            for name, ms in stages.items():
                sums[name] = sums.get(name, 0.0) + ms
    out = {name: value / n for name, value in sums.items()}
    out["total"] = total / n
    # What is left: the request, planning outside the stages, shaping the result.
    out["other"] = out["total"] - sum(value / n for value in sums.values())
    return out


def profile_whoosh(engine, queries: list[dict], out_file: Path, top: int = 30) -> dict:
    profiler = cProfile.Profile()
    profiler.enable()
    for q in queries:
        engine.search(q)
    profiler.disable()
    tables = {}
    for key in ("tottime", "cumulative"):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(key).print_stats(top)
        tables[key] = buffer.getvalue()
    out_file.write_text(
        f"cProfile of the engine's search over {len(queries)} queries (facets+snippets)\n\n"
        + "\n\n".join(f"== sorted by {k} ==\n{v}" for k, v in tables.items()),
        encoding="utf-8",
    )
    st = pstats.Stats(profiler)
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():
        rows.append({"function": f"{Path(file).name}:{line}({func})", "calls": nc,
                     "tottime_ms": tt * 1000 / len(queries),
                     "cumtime_ms": ct * 1000 / len(queries)})  # fmt: skip
    by_tot = sorted(rows, key=lambda r: -r["tottime_ms"])[:top]
    by_cum = sorted(rows, key=lambda r: -r["cumtime_ms"])[:top]
    return {"queries": len(queries), "by_tottime": by_tot, "by_cumtime": by_cum,
            "file": out_file.name}  # fmt: skip


# --- One corpus ---------------------------------------------------------------------------


def per_kind(queries: list[dict], per_query: dict) -> dict:
    """p50 / p95 / p99 of every sample of the queries of each kind, per system."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for q in queries:
        kinds[q["kind"]].append(q["id"])
    return {kind: {name: stats([ms for qid in ids for ms in per_query[name].get(qid, [])])
                   for name in per_query}
            for kind, ids in kinds.items()}  # fmt: skip


def run_corpus(label, items_path: Path, count: int, args, workdir: Path, quick: bool,
               source: str) -> dict:  # fmt: skip
    """Everything measured on one corpus: `count` items of `items_path`."""
    sample = list(read_items(items_path, min(count, 3000)))
    queries = build_mix(sample, args.queries, seed=args.seed + 6, source=source)
    del sample
    ixdir = workdir / f"indexes-{label}{'-quick' if quick else ''}"
    shutil.rmtree(ixdir, ignore_errors=True)
    ixdir.mkdir(parents=True)
    queries_path = ixdir / "queries.json"
    queries_path.write_text(json.dumps(queries, ensure_ascii=False, indent=1), encoding="utf-8")
    result: dict = {"size": count, "label": label, "corpus": source, "queries": queries,
                    "indexing": {}, "load": {"start": loadavg()}}  # fmt: skip
    name_of = f"{count:,} items" if isinstance(label, int) else f"{label} ({count:,} items)"

    indexes = {name: ixdir / name for name in SYSTEMS}
    for name in ("fts5", "tantivy", "whoosh"):
        log(f"[{name_of}] indexing with {name} (child process), load {loadavg()}")
        r = run_worker("build", "--system", name, "--items", str(items_path), "--limit",
                       str(count), "--out", str(indexes[name]))  # fmt: skip
        r["load_after"] = loadavg()
        log(f"  {r['items_per_s']:.0f} items/s ({r['items'] / r['cpu_seconds']:.0f} a CPU "
            f"second), {r['seconds']:.1f} s, {r['size_bytes'] / 1e6:.0f} MB on disk, peak RSS "
            f"{r['peak_rss'] / 1e6:.0f} MB")  # fmt: skip
        result["indexing"][name] = r
    if "analysis_seconds_warm" in result["indexing"]["fts5"]:
        r = result["indexing"]["fts5"]
        rest = r["seconds"] - r["analysis_seconds_warm"]
        # None when the analysis alone took longer than the build (the load changed)
        r["items_per_s_insert_only"] = count / rest if rest > 0.05 * r["seconds"] else None

    if args.profile_index:
        n = min(count, args.profile_index)
        log(f"[{name_of}] cProfile of Whoosh indexing, {n} items (child process)")
        prof = RESULTS / f"{args.date}-{label}{'-quick' if quick else ''}-index-profile.txt"
        r = run_worker("build", "--system", "whoosh", "--items", str(items_path), "--limit",
                       str(n), "--out", str(ixdir / "whoosh-profiled"), "--profile", str(prof))
        result["index_profile"] = {"items": n, "file": prof.name, "top": r["profile_top"],
                                   "items_per_s_profiled": r["items_per_s"]}  # fmt: skip
        shutil.rmtree(ixdir / "whoosh-profiled", ignore_errors=True)

    log(f"[{name_of}] queries in this process: {len(queries)} queries x {args.rounds} rounds, "
        f"3 systems x 3 variants, round-robin; load {loadavg()}")
    engines = open_engines(indexes)
    try:
        result["load"]["queries_start"] = loadavg()
        timed = time_queries(engines, queries, args.rounds, args.query_budget, args.seed)
        result["load"]["queries_end"] = loadavg()
        result["latency"] = {
            name: {v: stats(timed["samples"][name][v]) for v in VARIANTS} for name in SYSTEMS
        }
        result["latency_cpu"] = {
            name: {v: stats(timed["cpu"][name][v]) for v in VARIANTS} for name in SYSTEMS
        }
        result["latency_rounds"] = timed["rounds"]
        result["totals"] = timed["totals"]
        result["per_query_p50"] = {
            name: {qid: percentile(ms, 50) for qid, ms in timed["per_query"][name].items()}
            for name in SYSTEMS
        }
        result["per_kind"] = per_kind(queries, timed["per_query"])
        result["per_kind_cpu"] = per_kind(queries, timed["per_query_cpu"])
        result["per_kind_no_snippets"] = per_kind(queries, timed["per_query_no_snippets"])
        result["posting_cache"] = engines["whoosh"].engine.stats().get("posting_cache")
        log(f"[{name_of}] Whoosh stages and cProfile")
        result["whoosh_stages"] = whoosh_stages(engines["whoosh"], queries)
        RESULTS.mkdir(exist_ok=True)
        prof_file = RESULTS / f"{args.date}-{label}{'-quick' if quick else ''}-profile.txt"
        result["profile"] = profile_whoosh(engines["whoosh"], queries, prof_file)
    finally:
        for engine in engines.values():
            engine.close()
        del engines

    log(f"[{name_of}] searching memory per system (child processes)")
    result["search_rss"] = {
        name: run_worker("search-rss", "--system", name, "--index", str(indexes[name]),
                         "--queries", str(queries_path), "--passes", str(args.rss_passes))
        for name in SYSTEMS
    }
    if not args.no_http:
        workers = sorted({1, args.workers})
        log(f"[{name_of}] HTTP: searchapp serve with {' and '.join(map(str, workers))} "
            f"worker(s), {', '.join(map(str, CLIENT_LEVELS))} clients, "
            f"{args.http_seconds:g} s each")
        result["http_load"] = [
            load_levels(indexes["whoosh"], ixdir, _env(), PROJECT, queries, n, CLIENT_LEVELS,
                        args.http_seconds, args.seed, stats, log)
            for n in workers
        ]  # fmt: skip
    result["load"]["end"] = loadavg()
    if not args.keep:
        shutil.rmtree(ixdir, ignore_errors=True)
    return result


def http_again(argv=None) -> int:
    """`python -m bench http RESULT.json`: the server under load again, on the indexes a
    run kept (--keep), for a machine that was too busy then; the result's HTTP section
    and its Markdown are rewritten, saying when and under what load."""
    parser = argparse.ArgumentParser(prog="python -m bench http", description=http_again.__doc__)
    parser.add_argument("result", help="a results/*.json of a run made with --keep")
    parser.add_argument("--workdir", default=os.environ.get("BENCH_WORKDIR",
                                                            "/tmp/searchapp-bench"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--http-seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    path = Path(args.result)
    result = json.loads(path.read_text(encoding="utf-8"))
    label = result.get("label", result["size"])
    ixdir = Path(args.workdir) / f"indexes-{label}{'-quick' if result.get('quick') else ''}"
    if not (ixdir / "whoosh").is_dir():
        raise SystemExit(f"bench: no kept index in {ixdir} (run with --keep)")
    load_before = loadavg()
    result["http_load"] = [
        load_levels(ixdir / "whoosh", ixdir, _env(), PROJECT, result["queries"], n,
                    CLIENT_LEVELS, args.http_seconds, args.seed, stats, log)
        for n in sorted({1, args.workers})
    ]  # fmt: skip
    result["args"]["http_seconds"] = args.http_seconds
    result["http_again"] = {"at": datetime.now().isoformat(timespec="seconds"),
                            "load_before": load_before, "load_after": loadavg()}  # fmt: skip
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    path.with_suffix(".md").write_text(report.markdown(result), encoding="utf-8")
    log(f"rewrote {path} and its .md")
    return 0


def run_once_per_run(args, workdir: Path, quick: bool) -> dict:
    corpus = Path(args.corpus)
    out: dict = {}
    if not args.no_pdf:
        folder = pdf_corpus(workdir, args.pdf_meetings, corpus)
        index = workdir / "pdf-index"
        shutil.rmtree(index, ignore_errors=True)
        log(f"PDF extraction: full reindex of {args.pdf_meetings} PDFs on 2 cores")
        out["pdf"] = run_worker("pdf", "--sources", str(folder), "--index", str(index),
                                "--workers", "2")  # fmt: skip
        log(f"  {out['pdf']['pages']} pages, {out['pdf']['pages_per_s_extract']:.1f} pages/s "
            f"extracting, {out['pdf']['pages_per_s_total']:.1f} pages/s with indexing")
        shutil.rmtree(index, ignore_errors=True)
    if not args.no_reindex:
        folder = small_files(workdir, args.small_files, corpus)
        index = workdir / "small-index"
        shutil.rmtree(index, ignore_errors=True)
        log(f"no-change reindex of {args.small_files} small files")
        out["nochange"] = run_worker("nochange", "--sources", str(folder), "--index",
                                     str(index))  # fmt: skip
        log(f"  no-change: {min(out['nochange']['nochange_seconds']):.2f} s (best), "
            f"one file changed: {out['nochange']['one_changed_seconds']:.2f} s")
        shutil.rmtree(index, ignore_errors=True)
    return out


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count()}  # fmt: skip
    with contextlib.suppress(OSError):
        info["load_at_start"] = os.getloadavg()
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        info["mem_total_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    versions = {}
    for package in ("whoosh", "tantivy", "searchapp"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[package] = version(package)
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    info["versions"] = versions
    info["revision"] = revision()
    return info


def revision() -> str:
    """The commit measured: a REV file beside an exported copy (git archive), else git."""
    rev = PROJECT / "REV"
    if rev.exists():
        return rev.read_text(encoding="utf-8").strip()
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, text=True,
                         capture_output=True, check=False)  # fmt: skip
    return out.stdout.strip() or "?"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, action="append",
                        help="generated items to index (repeatable; default 10000; "
                             "0: none, with --greve)")
    parser.add_argument("--greve", nargs="?", const=str(GREVE), metavar="DIR",
                        help=f"also the real Greve minutes (default {GREVE})")
    parser.add_argument("--quick", action="store_true",
                        help="smoke check: 2,000 items, 20 queries, 2 rounds, 8 PDFs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default=os.environ.get("BENCH_WORKDIR",
                                                            "/tmp/searchapp-bench"))
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--queries", type=int, help="queries in the mix (default 71)")
    parser.add_argument("--rounds", type=int, help="timed rounds of the mix (default 5)")
    parser.add_argument("--query-budget", type=float, default=1200,
                        help="seconds at most for the in-process rounds of one corpus")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes of the server beside one (default: one a core)")
    parser.add_argument("--http-seconds", type=float,
                        help="seconds each level of clients runs (default 30)")
    parser.add_argument("--pdf-meetings", type=int, help="generated PDF meetings (default 60)")
    parser.add_argument("--small-files", type=int, default=1000)
    parser.add_argument("--profile-index", type=int, default=1000, metavar="N",
                        help="cProfile Whoosh indexing of N items (0: not)")
    parser.add_argument("--rss-passes", type=int, default=2,
                        help="passes of the mix in the searching-memory child (default 2)")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--no-reindex", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the indexes afterwards")
    parser.add_argument("--date", default=datetime.now().strftime("%Y-%m-%d"))
    args = parser.parse_args(argv)
    quick = args.quick
    sizes = [s for s in (args.size or ([2000] if quick else [10000])) if s > 0]
    args.queries = args.queries or (20 if quick else 71)
    args.rounds = args.rounds or (2 if quick else 5)
    args.http_seconds = args.http_seconds or (6 if quick else 30)
    args.pdf_meetings = args.pdf_meetings or (8 if quick else 60)
    if quick:
        args.query_budget = min(args.query_budget, 60)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if sizes:
        load_vocabulary(args.corpus)  # fails early, with a clear message, without it
    if args.greve and not Path(args.greve).is_dir():
        raise SystemExit(f"bench: the Greve minutes are not in {args.greve} (--greve DIR)")
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    common = {"machine": machine(), "args": {k: v for k, v in vars(args).items()},
              "started": datetime.now().isoformat(timespec="seconds")}  # fmt: skip
    common["args"]["sizes"] = sizes
    common.update(run_once_per_run(args, workdir, quick))
    corpora = [(size, items_file(workdir, size, args.seed, Path(args.corpus)), size, "text")
               for size in sizes]  # fmt: skip
    if args.greve:
        path, count = real_items_file(workdir, Path(args.greve))
        corpora.append(("greve", path, count, "titles"))
    for label, path, count, source in corpora:
        result = dict(common)
        result["quick"] = quick
        result.update(run_corpus(label, path, count, args, workdir, quick, source))
        result["seconds"] = time.perf_counter() - started
        stem = f"{args.date}-{label}{'-quick' if quick else ''}"
        (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False),
                                              encoding="utf-8")  # fmt: skip
        (RESULTS / f"{stem}.md").write_text(report.markdown(result), encoding="utf-8")
        log(f"wrote {RESULTS / stem}.md and .json")
        print(report.summary(result), flush=True)
    return 0
