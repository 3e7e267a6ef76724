"""What indexing attachments costs (issue #16): a full reindex of a source folder with
and without the attachments' text, its time, the index's size (and the part that is
the attachments' pages kept for snippets), and what a search found through an
attachment costs the serving process.

    .venv/bin/python -m bench.attachments ../shared/real/edoc --query hjemmedialyse

Every run reads the files in this process (workers=0), one after the other, so that
the one difference is the attachments (`[reindex] attachments`): without them (best of
`--rounds`), with them and an empty OCR cache (the scans read by Tesseract), and with
them again (best of `--rounds`; the scans from the cache, as a nightly reindex).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from searchapp import ocr
from searchapp.engine import open_engine
from searchapp.index import reindex
from searchapp.query import SearchRequest


def _size(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.glob(pattern) if p.is_file())


def _run(sources: list[Path], with_attachments: bool, work: Path) -> dict:
    root = work / ("with" if with_attachments else "without")
    shutil.rmtree(root, ignore_errors=True)
    # One OCR cache for every run, as the config's default keeps one beside the index:
    # the first run with attachments reads the scans, the next ones take them from it.
    settings = ocr.OcrSettings(cache=work / "ocr-cache")
    t0, c0 = time.perf_counter(), time.process_time()
    report = reindex(sources, root, workers=0, full=True, attachments=with_attachments,
                     ocr_settings=settings)  # fmt: skip
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    generation = root / report.generation
    return {
        "seconds": seconds,
        "cpu": cpu,
        "items": report.items_in_index,
        "failed": len(report.failed),
        "index_bytes": _size(generation),
        "pages_bytes": _size(generation, "bilag-*.z"),
        "ocr_pages": report.ocr_pages,
        "ocr_cached": report.ocr_cached_pages,
        "root": root,
    }


def _serving(root: Path, sources: list[Path], query: str, rounds: int = 50) -> dict:
    """Max RSS before and after `rounds` searches found through an attachment (the
    pages read and decompressed for each snippet), and the time a search takes."""
    engine = open_engine(root, sources)
    engine.search(SearchRequest(q="kommune"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = engine.search(SearchRequest(q=query))
        times.append(time.perf_counter() - t0)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times.sort()
    found = result.hits[0].found_in.label if result.hits and result.hits[0].found_in else None
    return {"rss_before_mb": before, "rss_after_mb": after,
            "search_ms_median": 1000 * times[len(times) // 2], "found_in": found}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=2, help="reindexes of each kind")
    parser.add_argument("--query", default="", help="a word found only in an attachment")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="searchapp-bench-attachments-") as tmp:
        work = Path(tmp)
        rows = [("without attachments", min(
            (_run(args.sources, False, work) for _ in range(args.rounds)),
            key=lambda r: r["seconds"]))]  # fmt: skip
        first = _run(args.sources, True, work)  # OCR reads the scans
        rows.append(("with attachments, OCR cache empty", first))
        rows.append(("with attachments, OCR cache filled", min(
            (_run(args.sources, True, work) for _ in range(args.rounds)),
            key=lambda r: r["seconds"])))  # fmt: skip
        print("| reindex --full | time (s) | CPU (s) | items | OCR pages (cached) "
              "| index size | of which pages kept |")
        print("|---|---|---|---|---|---|---|")
        for kind, r in rows:
            size, pages = r["index_bytes"] / 1e6, r["pages_bytes"] / 1e6
            print(f"| {kind} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['items']} "
                  f"| {r['ocr_pages']} ({r['ocr_cached']}) | {size:.2f} MB | {pages:.2f} MB |")
        if args.query:
            serving = _serving(rows[-1][1]["root"], args.sources, args.query)
            print(f"\nsearch {args.query!r}: {serving['found_in']}; median "
                  f"{serving['search_ms_median']:.1f} ms; max RSS {serving['rss_before_mb']:.0f}"
                  f" MB before 50 searches, {serving['rss_after_mb']:.0f} MB after")  # fmt: skip


if __name__ == "__main__":
    main()
