"""What runs in a child process, one per system and task, so that each reports its own
peak RSS (getrusage's ru_maxrss, and /proc's VmHWM) without the others' memory.

    python -m bench.worker build --system fts5 --items items.jsonl --limit N --out DIR
    python -m bench.worker search-rss --system whoosh --index DIR --queries q.json
    python -m bench.worker pdf --sources DIR --index DIR
    python -m bench.worker nochange --sources DIR --index DIR

Each prints one JSON object on its last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path


def peak_rss_bytes(children: bool = False) -> int:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss * 1024  # Linux: kilobytes


def cpu_seconds() -> float:
    """User and system CPU time of this process so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def proc_status(pid: int | str = "self") -> dict:
    """VmRSS and VmHWM (peak) of a process, in bytes."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


def dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def build(args) -> dict:
    from .engines import ENGINES
    from .generate import read_items

    items = list(read_items(Path(args.items), args.limit))
    rss_loaded = proc_status().get("VmRSS", 0)
    engine = ENGINES[args.system]()
    if hasattr(engine, "prepare_build"):  # every system's imports before its timer
        engine.prepare_build()
    out = Path(args.out)
    result: dict = {"system": args.system, "items": len(items), "rss_items_loaded": rss_loaded}
    cpu = cpu_seconds()
    started = time.perf_counter()
    if args.system == "fts5":
        engine.build(items, out)
    elif args.system == "tantivy":
        engine.build(items, out, threads=args.threads)
        result["threads"] = args.threads
    elif args.profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        engine.build(items, out)
        profiler.disable()
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer).strip_dirs()
        for key in ("tottime", "cumulative"):
            buffer.write(f"== sorted by {key} ==\n")
            stats.sort_stats(key).print_stats(35)
        Path(args.profile).write_text(
            f"cProfile of searchapp.index.build_index over {len(items)} items\n\n"
            + buffer.getvalue(), encoding="utf-8")
        result["profile_top"] = [
            {"function": f"{Path(f).name}:{line}({func})", "calls": nc,
             "tottime_ms_per_item": tt * 1000 / len(items),
             "cumtime_ms_per_item": ct * 1000 / len(items)}
            for (f, line, func), (_cc, nc, tt, ct, _c) in sorted(
                stats.stats.items(), key=lambda kv: -kv[1][2])[:20]
        ]
    else:
        engine.build(items, out)
    seconds = time.perf_counter() - started
    result["cpu_seconds"] = cpu_seconds() - cpu  # every thread of the process
    if args.system == "fts5":
        # The analysis alone, again (its caches now warm), to tell it from inserting.
        from .engines import danish_tokens

        t0 = time.perf_counter()
        for item in items:
            danish_tokens(engine.analyzer, item.title)
            danish_tokens(engine.analyzer, item.text)
        result["analysis_seconds_warm"] = time.perf_counter() - t0
    result.update(seconds=seconds, items_per_s=len(items) / seconds, size_bytes=dir_size(out),
                  peak_rss=peak_rss_bytes(), vm_hwm=proc_status().get("VmHWM", 0))  # fmt: skip
    return result


def search_rss(args) -> dict:
    """Open the index, run the query mix (facets + snippets) `--passes` times: the memory
    a searching process of this system needs."""
    from .engines import ENGINES

    queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    engine = ENGINES[args.system]()
    engine.open(Path(args.index))
    rss_open = proc_status().get("VmRSS", 0)
    for _ in range(args.passes):
        for q in queries:
            engine.search(q)
    status = proc_status()
    return {"system": args.system, "rss_opened": rss_open, "rss": status.get("VmRSS", 0),
            "vm_hwm": status.get("VmHWM", 0), "peak_rss": peak_rss_bytes()}  # fmt: skip


def _reindex(sources: Path, index: Path, full: bool, workers: int):
    from searchapp.index import reindex

    stamps: dict[str, float] = {}

    def progress(event):
        now = time.perf_counter()
        stamps.setdefault(f"first_{event.stage}", now)
        stamps[f"last_{event.stage}"] = now

    started = time.perf_counter()
    report = reindex([sources], index, full=full, workers=workers, progress=progress)
    ended = time.perf_counter()
    return report, started, ended, stamps


def pdf(args) -> dict:
    """A full reindex of the generated PDFs on `--workers` cores. Extraction time is
    from the start to the last file extracted (progress events); the rest is indexing."""
    pages = json.loads((Path(args.sources) / "corpus.json").read_text())["pages"]
    report, started, ended, stamps = _reindex(Path(args.sources), Path(args.index), True,
                                              args.workers)  # fmt: skip
    extract_end = stamps.get("last_extract", ended)
    extract_seconds = extract_end - started
    return {
        "files": len(report.added) + len(report.changed) + len(report.unchanged),
        "failed": [[str(p), r] for p, r in report.failed],
        "pages": pages,
        "items": report.items_in_index,
        "workers": args.workers,
        "seconds_total": ended - started,
        "seconds_extract": extract_seconds,
        "pages_per_s_extract": pages / extract_seconds,
        "pages_per_s_total": pages / (ended - started),
        "peak_rss": peak_rss_bytes(),
        "peak_rss_workers": peak_rss_bytes(children=True),
    }


def nochange(args) -> dict:
    """A full reindex of the small files, then no-change reindexes, then one with one
    file changed (its content, so its hash too)."""
    sources, index = Path(args.sources), Path(args.index)
    report, started, ended, _ = _reindex(sources, index, True, 2)
    out = {"files": len(report.added), "items": report.items_in_index,
           "failed": len(report.failed), "full_seconds": ended - started}  # fmt: skip
    times = []
    for _ in range(args.repeat):
        report, started, ended, _ = _reindex(sources, index, False, 2)
        assert not report.new_generation, "a no-change reindex published a new generation"
        times.append(ended - started)
    out["nochange_seconds"] = times
    victim = sorted(sources.glob("*.txt"))[len(times) % 7]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("Beslutning", "Beslutning\n\nÆndret. ", 1), encoding="utf-8")
    report, started, ended, _ = _reindex(sources, index, False, 2)
    victim.write_text(text, encoding="utf-8")
    out["one_changed_seconds"] = ended - started
    out["one_changed_written"] = report.items_written
    out["peak_rss"] = peak_rss_bytes()
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    sub = parser.add_subparsers(dest="task", required=True)
    p = sub.add_parser("build")
    p.add_argument("--system", required=True)
    p.add_argument("--items", required=True)
    p.add_argument("--limit", type=int)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--profile", help="cProfile the build (whoosh) into this file")
    p = sub.add_parser("search-rss")
    p.add_argument("--system", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--passes", type=int, default=2)
    p = sub.add_parser("pdf")
    p.add_argument("--sources", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("nochange")
    p.add_argument("--sources", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    task = {"build": build, "search-rss": search_rss, "pdf": pdf, "nochange": nochange}
    result = task[args.task](args)
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
