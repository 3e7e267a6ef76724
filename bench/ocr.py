"""`python -m bench ocr`: how fast scanned pages are read (issue #16).

The project's sample minutes are scanned as scripts/ocr_quality.py scans them (turned,
blurred, speckled, JPEG; image-only PDFs) at each resolution, then read the way a
reindex reads them: `searchapp.index._ingest_one` (extract with OCR, clean, parse),
without the OCR cache,

- in one process, one file after another (pages/s of one core), and
- in worker processes on both cores (`workers.run_isolated`, as `searchapp reindex`).

With ../shared/real present, Ballerup's image-only attachment 1537646.PDF (eight
landscape pages filed upside down) is read too, in one process. The machine is shared:
the report gives the load average before and after each step.

    python -m bench ocr                      # 150 and 300 dpi, writes bench/results/
    python -m bench ocr --dpi 150 --samples 2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REAL_SCAN = ROOT.parent / "shared" / "real" / "edoc"


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _one_process(paths: list[Path], dpi: int) -> dict:
    from searchapp import ocr
    from searchapp.index import _ingest_one

    pages = seconds = 0.0
    items = 0
    load_before = _load()
    started = time.monotonic()
    for path in paths:
        found, reason, stats = _ingest_one(path, "", ocr.OcrSettings(dpi=dpi, cache=None))
        if reason and not str(path).endswith("1537646.PDF"):  # an attachment: no items
            print(f"  {path.name}: {reason}", file=sys.stderr)
        items += len(found or ())
        pages += stats["pages"]
        seconds += stats["seconds"]
    wall = time.monotonic() - started
    return {
        "pages": int(pages), "items": items, "ocr_seconds": round(seconds, 2),
        "wall_seconds": round(wall, 2), "pages_per_second": round(pages / wall, 3),
        "load_before": load_before, "load_after": _load(),
    }  # fmt: skip


def _both_cores(paths: list[Path], dpi: int, workers: int = 2) -> dict:
    from searchapp import ocr
    from searchapp.index import _ingest_one
    from searchapp.workers import Limits, Stopped, run_isolated

    results = {}
    settings = ocr.OcrSettings(dpi=dpi, cache=None)
    load_before = _load()
    started = time.monotonic()
    run_isolated(
        _ingest_one, paths, workers, Limits(seconds=600), results.__setitem__,
        args=lambda path: ("", settings),
    )  # fmt: skip
    wall = time.monotonic() - started
    pages = sum(r[2]["pages"] for r in results.values() if not isinstance(r, Stopped))
    return {
        "workers": workers, "pages": pages, "wall_seconds": round(wall, 2),
        "pages_per_second": round(pages / wall, 3),
        "load_before": load_before, "load_after": _load(),
    }  # fmt: skip


def run(dpis: list[int], samples: int, out: Path) -> dict:
    sys.path.insert(0, str(ROOT / "scripts"))
    from ocr_quality import SAMPLES, scan_pdf

    sources = sorted(SAMPLES.glob("*.pdf"))[:samples]
    result = {"date": date.today().isoformat(), "cores": os.cpu_count(), "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in dpis:
            paths = []
            for source in sources:
                target = Path(tmp) / str(dpi) / source.name
                scan_pdf(source, target, dpi)
                paths.append(target)
            print(f"{dpi} dpi: {len(paths)} scanned samples", file=sys.stderr)
            one = _one_process(paths, dpi)
            print(f"  one process: {one}", file=sys.stderr)
            both = _both_cores(paths, dpi)
            print(f"  both cores: {both}", file=sys.stderr)
            result["runs"].append({"dpi": dpi, "files": [p.name for p in paths],
                                   "one_process": one, "both_cores": both})  # fmt: skip
    real = sorted(REAL_SCAN.glob("ballerup-*/1537646.PDF"))
    if real:
        for dpi in dpis:
            one = _one_process(real, dpi)
            print(f"1537646.PDF at {dpi} dpi: {one}", file=sys.stderr)
            result["runs"].append({"dpi": dpi, "files": ["1537646.PDF (real, upside down)"],
                                   "one_process": one})  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{result['date']}-ocr"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    print(f"wrote {stem}.md", file=sys.stderr)
    return result


def markdown(result: dict) -> str:
    lines = [
        f"# OCR speed, {result['date']} ({result['cores']} cores, shared)",
        "",
        "Scanned pages read as a reindex reads them (extract with OCR, clean, parse), "
        "without the OCR cache. `python -m bench ocr` (bench/ocr.py).",
        "",
        "| scans | dpi | pages | one process | both cores (2 workers) | load avg before/after |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["runs"]:
        one, both = r["one_process"], r.get("both_cores")
        what = r["files"][0] if len(r["files"]) == 1 else f"{len(r['files'])} sample minutes"
        both_text = "-"
        if both:
            both_text = f"{both['pages_per_second']:.2f} pages/s ({both['wall_seconds']:.0f} s)"
        load = f"{one['load_before']}/{(both or one)['load_after']}"
        lines.append(
            f"| {what} | {r['dpi']} | {one['pages']} | {one['pages_per_second']:.2f} pages/s "
            f"({one['wall_seconds']:.0f} s) | {both_text} | {load} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ocr", description=__doc__)
    parser.add_argument("--dpi", type=int, action="append", help="150 and 300 if not given")
    parser.add_argument("--samples", type=int, default=6, help="how many samples/ to scan")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    run(args.dpi or [150, 300], args.samples, args.out)
    return 0
