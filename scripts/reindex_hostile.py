#!/usr/bin/env python3
"""A reindex over files made to stall it, full size (issue #14):

    python scripts/reindex_hostile.py [--time-limit 120] [--memory-limit 1024] [--write-doc]

In a temporary folder: a 1 GiB PDF bomb (a 1 MB file whose content stream inflates to
1 GiB), a 50 MB PDF of one text line, a 1 MB text file of one line, and good minutes
(the PDFs in samples/ and two text extractions). Then `searchapp reindex` with the given
limits (the defaults are the config's), and once more to see the quarantine hold.

Pass: the first run finishes within the limits (at most two files' limits one after
the other on each of the two workers, plus the good files), publishes every good
file's items, names each staller with its reason, and exits 1; the second run reads
neither staller again. Exit 0 on pass, 1 on fail.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "scripts"))
sys.path.insert(0, str(PROJECT / "tests"))

from hostile_files import one_line_pdf, one_line_text, pdf_bomb  # noqa: E402
from kill_reindex import write_doc  # noqa: E402
from loadtest import _env, machine  # noqa: E402

GOOD_TEXT = """KKR Testby  | {day}

 SIDE  |  1

Mission

 1. Sager

1.1. {title}

SAG-2025-00042 abc

Beslutning

Godkendt.
"""


def build(src: Path) -> tuple[dict[str, int], int]:
    """The folder; returns the stallers' sizes in bytes and the good files' items."""
    from searchapp.ingest import ingest_file

    src.mkdir(parents=True)
    for pdf in sorted((PROJECT / "samples").glob("*.pdf")):
        shutil.copy(pdf, src)
    for day, title in (("03-02-2025", "Klimaplan"), ("03-03-2025", "Budget")):
        iso = "-".join(reversed(day.split("-")))
        (src / f"kkr-testby-{iso}.txt").write_text(GOOD_TEXT.format(day=day, title=title))
    good = {item.id for path in sorted(src.iterdir()) for item in ingest_file(path)}
    started = time.monotonic()
    pdf_bomb(src / "bomb.pdf", 1 << 30)
    one_line_pdf(src / "one-line.pdf", 50 * 1024 * 1024)
    one_line_text(src / "one-line.txt", 1024 * 1024)
    print(f"built the stallers in {time.monotonic() - started:.1f} s", flush=True)
    sizes = {name: (src / name).stat().st_size
             for name in ("bomb.pdf", "one-line.pdf", "one-line.txt")}  # fmt: skip
    return sizes, len(good)


def reindex(config: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "searchapp", "reindex", "--config", str(config)],
                          env=_env(), capture_output=True, text=True, timeout=3600)  # fmt: skip
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def reason_of(output: str, name: str) -> str:
    for line in output.splitlines():
        if line.strip().startswith(f"src/{name}: "):
            return line.strip().removeprefix(f"src/{name}: ")
    return "(not reported)"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--time-limit", type=int, default=120)
    p.add_argument("--memory-limit", type=int, default=1024)
    p.add_argument("--write-doc", action="store_true")
    args = p.parse_args(argv)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        sizes, expected_items = build(work / "src")
        config = work / "config.toml"
        config.write_text(f'[sources]\npaths = ["src"]\n[index]\npath = "index"\n'
                          f"[reindex]\ntime_limit = {args.time_limit}\n"
                          f"memory_limit = {args.memory_limit}\n")  # fmt: skip
        os.chdir(work)
        status, output, seconds = reindex(config)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(output)
        status2, output2, seconds2 = reindex(config)
        print(output2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    items = re.search(r"Items in index: (\d+)", output)
    quarantined = re.search(r"(\d+) quarantined", output2)
    bound = 2 * args.time_limit + 60
    checks = {
        f"exit status 1 (was {status})": status == 1,
        f"finished within {bound} s (two limits in a row on one worker, and the rest)":
            seconds < bound,
        f"good files published ({items[1] if items else '?'} items, {expected_items} expected)":
            bool(items) and int(items[1]) == expected_items,
        "bomb.pdf and one-line.pdf stopped by a limit":
            all("the worker reading it was stopped" in reason_of(output, n)
                for n in ("bomb.pdf", "one-line.pdf")),
        "one-line.txt read and refused as minutes (in linear time)":
            "stopped" not in reason_of(output, "one-line.txt")
            and reason_of(output, "one-line.txt") != "(not reported)",
        f"second run: both stallers quarantined, not read ({seconds2:.1f} s)":
            bool(quarantined) and quarantined[1] == "2" and status2 == 1,
    }  # fmt: skip
    ok = all(checks.values())
    section = "\n".join([
        f"Run {datetime.now(UTC).isoformat(timespec='seconds')} on {machine()}, load average "
        f"{load} before the run; `python scripts/reindex_hostile.py --time-limit "
        f"{args.time_limit} --memory-limit {args.memory_limit}` (2 workers).",
        "",
        f"- sources: the sample PDFs and 2 text extractions of minutes ({expected_items} "
        f"items), `bomb.pdf` "
        f"({sizes['bomb.pdf'] / 1e6:.1f} MB inflating to 1 GiB), `one-line.pdf` "
        f"({sizes['one-line.pdf'] / 1e6:.1f} MB, one text line), `one-line.txt` "
        f"({sizes['one-line.txt'] / 1e6:.1f} MB, one line)",
        f"- first reindex: {seconds:.1f} s, exit status {status}, "
        f"{items[1] if items else '?'} items published; largest process "
        f"{peak_kb / 1024:.0f} MB resident",
        f"  - `bomb.pdf`: {reason_of(output, 'bomb.pdf')}",
        f"  - `one-line.pdf`: {reason_of(output, 'one-line.pdf')}",
        f"  - `one-line.txt`: {reason_of(output, 'one-line.txt')}",
        f"- second reindex: {seconds2:.1f} s, exit status {status2}; "
        f"{quarantined[1] if quarantined else 0} quarantined files not read again",
        "",
        *[f"- [{'x' if passed else ' '}] {name}" for name, passed in checks.items()],
        "",
        f"Result: **{'PASS' if ok else 'FAIL'}**",
    ])  # fmt: skip
    print(section)
    if args.write_doc:
        write_doc(section, marker="reindex-hostile")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
