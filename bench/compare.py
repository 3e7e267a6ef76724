"""`python -m bench compare --size N [--size M ...] [--baseline REV]`: the project's
search against its own code at REV, side by side in one run.

REV (default: e149092, main before issue #15's engine boundary) is exported with
`git archive` into the work folder as the package `searchapp_base`; each version
indexes the same generated items in its own child process (items/s, size on disk, peak
RSS), then both are opened in this process and asked the same query mix, warm,
round-robin (each query by each version in turn, the order rotated, so the machine's
noise hits both alike), with facets and snippets and without facets (the old code
could not leave its snippets out without being patched); the new code also without
snippets. Every query must find the same number of items in both. Then each version's
searching memory is measured in a child. Writes bench/results/<date>-<size>-compare.md
and .json, and with several sizes the growth table across them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tarfile
import time
from datetime import datetime
from io import BytesIO
from pathlib import Path

from .generate import DEFAULT_CORPUS, load_vocabulary, read_items
from .queries import build_mix
from .run import (
    PROJECT,
    RESULTS,
    items_file,
    log,
    machine,
    percentile,
    run_worker,
    stats,
    time_queries,
)

BASELINE = "e149092"
SYSTEMS = ("whoosh", "whoosh-base")
VARIANTS = {"full": "facets + snippets", "no_facets": "no facets", "no_snippets": "no snippets"}


def export_baseline(rev: str, workdir: Path, repo: Path = PROJECT) -> tuple[Path, str]:
    """The project's `searchapp` package at `rev` (of the git checkout `repo`), as
    `searchapp_base` in a folder of the work folder; (that folder, the full commit id)."""
    sha = subprocess.run(["git", "rev-parse", rev], cwd=repo, capture_output=True,
                         text=True, check=True).stdout.strip()  # fmt: skip
    folder = workdir / f"baseline-{sha[:12]}"
    if not (folder / "searchapp_base" / "__init__.py").exists():
        shutil.rmtree(folder, ignore_errors=True)
        archive = subprocess.run(["git", "archive", "--format=tar", sha, "searchapp"],
                                 cwd=repo, capture_output=True, check=True).stdout  # fmt: skip
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        (folder / "searchapp").rename(folder / "searchapp_base")
    return folder, sha


def compare_size(size: int, args, workdir: Path) -> dict:
    systems = ("whoosh",) if args.no_baseline else SYSTEMS
    items_path = items_file(workdir, size, args.seed, Path(args.corpus))
    sample = list(read_items(items_path, min(size, 3000)))
    queries = build_mix(sample, args.queries, seed=args.seed + 6)
    del sample
    ixdir = workdir / f"compare-{size}"
    shutil.rmtree(ixdir, ignore_errors=True)
    ixdir.mkdir(parents=True)
    queries_path = ixdir / "queries.json"
    queries_path.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    result: dict = {"size": size, "queries": queries, "indexing": {}}
    indexes = {name: ixdir / name for name in systems}
    for name in systems:
        log(f"[{size:,}] indexing with {name} (child process)")
        r = run_worker("build", "--system", name, "--items", str(items_path), "--limit",
                       str(size), "--out", str(indexes[name]))  # fmt: skip
        log(f"  {r['items_per_s']:.0f} items/s, {r['seconds']:.1f} s, "
            f"{r['size_bytes'] / 1e6:.0f} MB on disk, peak RSS {r['peak_rss'] / 1e6:.0f} MB")
        result["indexing"][name] = r

    from .run import open_engines

    log(f"[{size:,}] {len(queries)} queries x {args.rounds} rounds, new and old round-robin")
    engines = open_engines(indexes)
    try:
        timed = time_queries(engines, queries, args.rounds, args.query_budget, args.seed)
    finally:
        for engine in engines.values():
            engine.close()
        del engines
    result["latency"] = {name: {v: stats(ms) for v, ms in timed["samples"][name].items()}
                         for name in systems}  # fmt: skip
    result["latency_rounds"] = timed["rounds"]
    result["totals"] = timed["totals"]
    result["same_totals"] = sum(1 for t in timed["totals"].values()
                                if t["whoosh"] == t.get("whoosh-base", t["whoosh"]))  # fmt: skip
    result["per_query_p50"] = {
        name: {qid: percentile(ms, 50) for qid, ms in timed["per_query"][name].items()}
        for name in systems
    }
    log(f"[{size:,}] searching memory per version (child processes)")
    result["search_rss"] = {
        name: run_worker("search-rss", "--system", name, "--index", str(indexes[name]),
                         "--queries", str(queries_path), "--passes", "1")
        for name in systems
    }
    if not args.keep:
        shutil.rmtree(ixdir, ignore_errors=True)
    return result


def _ms(v: float) -> str:
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def markdown(r: dict) -> str:
    new, old = r["latency"]["whoosh"], r["latency"].get("whoosh-base", {})
    lines = [
        f"# New engine vs the code at {r['baseline'][:7]}: {r['size']:,} items, {r['date']}",
        "",
        f"Both versions in one run, side by side (queries round-robin, order rotated); "
        f"{len(r['queries'])} queries x {r['latency_rounds']} timed rounds, warm. "
        f"Machine: {r['machine'].get('cpus')} cores, load at start "
        f"{', '.join(f'{x:.2f}' for x in r['machine'].get('load_at_start', ()))}. "
        f"Same number of results for {r['same_totals']} of {len(r['queries'])} queries.",
        "",
        "## Search latency, in-process (ms)",
        "",
        "| variant | new p50 | old p50 | new / old | new p95 | old p95 | new / old "
        "| new p99 | old p99 | new / old | new mean | old mean |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for v, label in VARIANTS.items():
        n, o = new.get(v), old.get(v)
        if n is None:
            continue
        if o is None:
            lines.append(f"| {label} | {_ms(n['p50'])} | – | – | {_ms(n['p95'])} | – | – "
                         f"| {_ms(n['p99'])} | – | – | {_ms(n['mean'])} | – |")  # fmt: skip
            continue
        lines.append(
            f"| {label} | {_ms(n['p50'])} | {_ms(o['p50'])} | {n['p50'] / o['p50']:.2f} "
            f"| {_ms(n['p95'])} | {_ms(o['p95'])} | {n['p95'] / o['p95']:.2f} "
            f"| {_ms(n['p99'])} | {_ms(o['p99'])} | {n['p99'] / o['p99']:.2f} "
            f"| {_ms(n['mean'])} | {_ms(o['mean'])} |"
        )
    ix = r["indexing"]
    rss = r["search_rss"]
    lines += [
        "",
        "## Index and memory",
        "",
        "| version | items/s | index size | indexing peak RSS | searching peak RSS |",
        "|---|---|---|---|---|",
    ]
    for name, label in (("whoosh", "new"), ("whoosh-base", "old")):
        if name not in ix:
            continue
        built = ix[name]
        lines.append(f"| {label} | {built['items_per_s']:.0f} | {built['size_bytes'] / 1e6:.0f} MB "
                     f"| {built['peak_rss'] / 1e6:.0f} MB | {rss[name]['vm_hwm'] / 1e6:.0f} MB |")
    return "\n".join(lines) + "\n"


def growth(results: list[dict]) -> str:
    """The new engine's index size, latency and memory by size (the old code's p95
    beside it where it was measured)."""
    lines = ["# Growth with the corpus: the new engine (and the old code beside it)", "",
             "| items | index size | MB / 1,000 items | p50 | p95 | p99 | p95 no facets "
             "| p95 old | indexing items/s | searching peak RSS |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in sorted(results, key=lambda r: r["size"]):
        n = r["latency"]["whoosh"]
        size_b = r["indexing"]["whoosh"]["size_bytes"]
        old = r["latency"].get("whoosh-base", {}).get("full")
        old_p95 = _ms(old["p95"]) if old else "–"
        lines.append(
            f"| {r['size']:,} | {size_b / 1e6:.0f} MB | {size_b / 1e3 / r['size']:.1f} "
            f"| {_ms(n['full']['p50'])} | {_ms(n['full']['p95'])} | {_ms(n['full']['p99'])} "
            f"| {_ms(n['no_facets']['p95'])} "
            f"| {old_p95} "
            f"| {r['indexing']['whoosh']['items_per_s']:.0f} "
            f"| {r['search_rss']['whoosh']['vm_hwm'] / 1e6:.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench compare", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, action="append", help="items (repeatable)")
    parser.add_argument("--baseline", default=BASELINE, help="the older commit (git rev)")
    parser.add_argument("--repo", default=str(PROJECT),
                        help="the git checkout to take it from (default: this one; give it "
                             "when running from an exported copy of the code, so that "
                             "edits to the checkout cannot change a run in progress)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default=os.environ.get("BENCH_WORKDIR",
                                                            "/tmp/searchapp-bench"))
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--query-budget", type=float, default=900,
                        help="seconds at most for the timed rounds of one size")
    parser.add_argument("--keep", action="store_true", help="keep the indexes afterwards")
    parser.add_argument("--no-baseline", action="store_true",
                        help="the new engine alone (for the growth of a size the old code "
                             "need not be built at again)")
    parser.add_argument("--date", default=datetime.now().strftime("%Y-%m-%d"))
    args = parser.parse_args(argv)
    sizes = args.size or [10000]
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    load_vocabulary(args.corpus)
    folder, sha = export_baseline(args.baseline, workdir, Path(args.repo))
    os.environ["SEARCHAPP_BENCH_BASELINE"] = str(folder)  # for this process and children
    log(f"baseline {sha[:12]} exported to {folder}")
    RESULTS.mkdir(exist_ok=True)
    info = machine()
    done = []
    for size in sizes:
        started = time.perf_counter()
        r = compare_size(size, args, workdir)
        r.update(baseline=sha, date=args.date, machine=info,
                 seconds=time.perf_counter() - started)  # fmt: skip
        stem = RESULTS / f"{args.date}-{size}-compare"
        stem.with_suffix(".json").write_text(json.dumps(r, indent=1, ensure_ascii=False),
                                             encoding="utf-8")  # fmt: skip
        stem.with_suffix(".md").write_text(markdown(r), encoding="utf-8")
        log(f"wrote {stem}.md")
        print(markdown(r), flush=True)
        done.append(r)
    if len(done) > 1:
        path = RESULTS / f"{args.date}-growth.md"
        path.write_text(growth(done), encoding="utf-8")
        print(growth(done), flush=True)
    return 0
