"""`python -m bench run`: every measurement of issue #6, side by side, in one run.

For each --size: generate the items (cached by size and seed in the work folder), index
them with each system in its own child process (items/s, index size, peak RSS), then in
this process open all three and run the query mix warm, round-robin (each query by each
system in turn, the order rotated, so the machine's noise hits all of them alike), in
three variants: with facets and snippets, without facets, without snippets. Then the
Whoosh search path is timed stage by stage and profiled with cProfile, each system's
searching memory is measured in a child, and the real server (`searchapp serve`,
waitress) is run on 127.0.0.1 and asked the same mix over HTTP. Once per run: the PDF
extraction rate (a full reindex of generated PDFs on both cores) and the no-change
reindex of 1,000 small files.

Writes bench/results/<date>-<size>.json and .md (with -quick in the name for --quick).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import http.client
import io
import json
import os
import platform
import pstats
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from . import report
from .generate import DEFAULT_CORPUS, load_vocabulary, read_items, write_items
from .queries import build_mix, params

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
RESULTS = BENCH / "results"
SYSTEMS = ("whoosh", "fts5", "tantivy")
VARIANTS = ("full", "no_facets", "no_snippets")
HOST = "127.0.0.1"  # loopback only
GENERATOR_VERSION = 1  # bump when generate.py changes what it makes
MAX_HTTP_REQUESTS = 5000
HTTP_TIMEOUT = 60.0


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


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
    each variant. Returns ms lists per system and variant, and totals per query."""
    rng = random.Random(seed)
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for q in queries:
        for name, engine in engines.items():
            for variant in _variants(engine):
                total, _ = engine.search(q, **_variant_kwargs(variant))
                if variant == "full":
                    totals[q["id"]][name] = total
    samples = {name: {v: [] for v in _variants(engine)} for name, engine in engines.items()}
    per_query = {name: defaultdict(list) for name in engines}
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
                    t0 = time.perf_counter()
                    engine.search(q, **kwargs)
                    ms = (time.perf_counter() - t0) * 1000
                    samples[name][variant].append(ms)
                    if variant == "full":
                        per_query[name][q["id"]].append(ms)
        done_rounds += 1
        if time.monotonic() > deadline:
            break
    return {"samples": samples, "totals": dict(totals), "rounds": done_rounds,
            "per_query": {n: dict(v) for n, v in per_query.items()}}  # fmt: skip


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


# --- HTTP against the real server ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """`searchapp serve` (waitress) on 127.0.0.1 in a child process."""

    def __init__(self, index_root: Path, workdir: Path, threads: int = 4):
        self.port = free_port()
        sources = workdir / "no-sources"
        sources.mkdir(exist_ok=True)
        self.config = workdir / f"serve-{self.port}.toml"
        self.config.write_text(
            f'[sources]\npaths = ["{sources}"]\n[index]\npath = "{index_root}"\n'
            f'[server]\nhost = "{HOST}"\nport = {self.port}\n',
            encoding="utf-8",
        )
        self.log_path = workdir / f"serve-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "searchapp", "serve", "--config", str(self.config),
             "--threads", str(threads)],
            stdout=self.log, stderr=subprocess.STDOUT, env=_env(), cwd=PROJECT,
            start_new_session=True,
        )  # fmt: skip
        self.conn: http.client.HTTPConnection | None = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text()[-2000:]}")
            try:
                status, _ = self.get("/api/search?q=")
                if status == 200:
                    return
            except OSError:
                self.close_conn()
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not answer within 120 s")

    def get(self, path: str) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=HTTP_TIMEOUT)
        self.conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = self.conn.getresponse()
        body = response.read()
        if (response.getheader("connection") or "").lower() == "close":
            self.close_conn()
        return response.status, body

    def close_conn(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def memory(self) -> dict:
        from .worker import proc_status

        return proc_status(self.proc.pid)

    def stop(self) -> None:
        self.close_conn()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def time_http(index_root: Path, workdir: Path, queries: list[dict], rounds: int,
              budget_s: float, seed: int) -> dict:  # fmt: skip
    server = Server(index_root, workdir)
    try:
        memory_idle = server.memory()
        paths = [f"/api/search?{urlencode(params(q), doseq=True)}" for q in queries]
        errors = 0
        for path in paths:  # warm
            status, _ = server.get(path)
            errors += status != 200
        rng = random.Random(seed)
        samples: list[float] = []
        deadline = time.monotonic() + budget_s
        requests = len(paths)
        done_rounds = 0
        for _ in range(rounds):
            order = list(paths)
            rng.shuffle(order)
            for path in order:
                t0 = time.perf_counter()
                status, body = server.get(path)
                samples.append((time.perf_counter() - t0) * 1000)
                errors += status != 200
                requests += 1
                if requests >= MAX_HTTP_REQUESTS:
                    break
            done_rounds += 1
            if time.monotonic() > deadline or requests >= MAX_HTTP_REQUESTS:
                break
        memory = server.memory()
    finally:
        server.stop()
    return {"samples": samples, "errors": errors, "rounds": done_rounds,
            "requests": requests, "rss_idle": memory_idle.get("VmRSS", 0),
            "rss": memory.get("VmRSS", 0), "vm_hwm": memory.get("VmHWM", 0),
            "server": "searchapp serve (waitress, 4 threads), sequential keep-alive client"}


# --- One size ------------------------------------------------------------------------------


def run_size(size: int, args, workdir: Path, quick: bool) -> dict:
    corpus = Path(args.corpus)
    items_path = items_file(workdir, size, args.seed, corpus)
    sample = list(read_items(items_path, min(size, 3000)))
    queries = build_mix(sample, args.queries, seed=args.seed + 6)
    del sample
    ixdir = workdir / f"indexes-{size}{'-quick' if quick else ''}"
    shutil.rmtree(ixdir, ignore_errors=True)
    ixdir.mkdir(parents=True)
    queries_path = ixdir / "queries.json"
    queries_path.write_text(json.dumps(queries, ensure_ascii=False, indent=1), encoding="utf-8")
    result: dict = {"size": size, "queries": queries, "indexing": {}}

    indexes = {name: ixdir / name for name in SYSTEMS}
    for name in ("fts5", "tantivy", "whoosh"):
        log(f"[{size:,}] indexing with {name} (child process)")
        r = run_worker("build", "--system", name, "--items", str(items_path), "--limit",
                       str(size), "--out", str(indexes[name]))  # fmt: skip
        log(f"  {r['items_per_s']:.0f} items/s, {r['seconds']:.1f} s, "
            f"{r['size_bytes'] / 1e6:.0f} MB on disk, peak RSS {r['peak_rss'] / 1e6:.0f} MB")
        result["indexing"][name] = r
    if "analysis_seconds_warm" in result["indexing"]["fts5"]:
        r = result["indexing"]["fts5"]
        r["items_per_s_insert_only"] = size / max(1e-9, r["seconds"] - r["analysis_seconds_warm"])

    if args.profile_index:
        n = min(size, args.profile_index)
        log(f"[{size:,}] cProfile of Whoosh indexing, {n} items (child process)")
        prof = RESULTS / f"{args.date}-{size}{'-quick' if quick else ''}-index-profile.txt"
        r = run_worker("build", "--system", "whoosh", "--items", str(items_path), "--limit",
                       str(n), "--out", str(ixdir / "whoosh-profiled"), "--profile", str(prof))
        result["index_profile"] = {"items": n, "file": prof.name, "top": r["profile_top"],
                                   "items_per_s_profiled": r["items_per_s"]}  # fmt: skip
        shutil.rmtree(ixdir / "whoosh-profiled", ignore_errors=True)

    log(f"[{size:,}] queries in this process: {len(queries)} queries x {args.rounds} rounds, "
        "3 systems x 3 variants, round-robin")
    engines = open_engines(indexes)
    try:
        timed = time_queries(engines, queries, args.rounds, args.query_budget, args.seed)
        result["latency"] = {
            name: {v: stats(timed["samples"][name][v]) for v in VARIANTS} for name in SYSTEMS
        }
        result["latency_rounds"] = timed["rounds"]
        result["totals"] = timed["totals"]
        result["per_query_p50"] = {
            name: {qid: percentile(ms, 50) for qid, ms in timed["per_query"][name].items()}
            for name in SYSTEMS
        }
        log(f"[{size:,}] Whoosh stages and cProfile")
        result["whoosh_stages"] = whoosh_stages(engines["whoosh"], queries)
        RESULTS.mkdir(exist_ok=True)
        prof_file = RESULTS / f"{args.date}-{size}{'-quick' if quick else ''}-profile.txt"
        result["profile"] = profile_whoosh(engines["whoosh"], queries, prof_file)
    finally:
        for engine in engines.values():
            engine.close()
        del engines

    log(f"[{size:,}] searching memory per system (child processes)")
    result["search_rss"] = {
        name: run_worker("search-rss", "--system", name, "--index", str(indexes[name]),
                         "--queries", str(queries_path), "--passes", str(args.rss_passes))
        for name in SYSTEMS
    }
    if not args.no_http:
        log(f"[{size:,}] HTTP: searchapp serve on {HOST}, {len(queries)} queries x "
            f"{args.http_rounds} rounds")
        http = time_http(indexes["whoosh"], ixdir, queries, args.http_rounds,
                         args.query_budget / 2, args.seed)  # fmt: skip
        http["latency"] = stats(http.pop("samples"))
        result["http"] = http
    if not args.keep:
        shutil.rmtree(ixdir, ignore_errors=True)
    return result


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
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, action="append",
                        help="items to index (repeatable; default 10000)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke check: 2,000 items, 20 queries, 2 rounds, 8 PDFs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default=os.environ.get("BENCH_WORKDIR",
                                                            "/tmp/searchapp-bench"))
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--queries", type=int, help="queries in the mix (default 50)")
    parser.add_argument("--rounds", type=int, help="timed rounds of the mix (default 5)")
    parser.add_argument("--http-rounds", type=int, help="timed HTTP rounds (default 5)")
    parser.add_argument("--query-budget", type=float, default=1200,
                        help="seconds at most for the in-process rounds of one size")
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
    sizes = args.size or ([2000] if quick else [10000])
    args.queries = args.queries or (20 if quick else 50)
    args.rounds = args.rounds or (2 if quick else 5)
    args.http_rounds = args.http_rounds or (2 if quick else 5)
    args.pdf_meetings = args.pdf_meetings or (8 if quick else 60)
    if quick:
        args.query_budget = min(args.query_budget, 60)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    load_vocabulary(args.corpus)  # fails early, with a clear message, without the corpus
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    common = {"machine": machine(), "args": {k: v for k, v in vars(args).items()},
              "started": datetime.now().isoformat(timespec="seconds")}  # fmt: skip
    common["args"]["sizes"] = sizes
    common.update(run_once_per_run(args, workdir, quick))
    for size in sizes:
        result = dict(common)
        result["quick"] = quick
        result.update(run_size(size, args, workdir, quick))
        result["seconds"] = time.perf_counter() - started
        stem = f"{args.date}-{size}{'-quick' if quick else ''}"
        (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False),
                                              encoding="utf-8")  # fmt: skip
        (RESULTS / f"{stem}.md").write_text(report.markdown(result), encoding="utf-8")
        log(f"wrote {RESULTS / stem}.md and .json")
        print(report.summary(result), flush=True)
    return 0
