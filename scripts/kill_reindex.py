#!/usr/bin/env python3
"""Kill full reindexes with SIGKILL at random points while a reader keeps searching.

Issue #7: "A reindex killed with SIGKILL at random moments (repeat it, e.g. 20 times, at
different points): the service keeps answering from the old index every time, and the
next reindex completes. Stale temporary files are cleaned up."

What it does, on a temporary copy of nothing but the index (the sources are only read):

1. builds the index once from SOURCES and notes its item count;
2. starts a reader thread that searches through the engine (open_engine), as the web
   app does, and records every error and every answer with a wrong item count;
3. RUNS times: starts `reindex(full=True)` in a child process (in a loop, so a late kill
   still lands in a reindex), waits for a chosen stage of it (start, plan, extract,
   index, publish) plus a random delay, and kills it with SIGKILL; then checks that the
   index CURRENT names still opens with the full item count, and that the child's
   worker processes went away;
4. runs one more full reindex (in a child, bounded in time), which must complete,
   publish a new generation and remove every temporary generation the kills left.

The random choices are seeded (--seed), so a failing run can be repeated. The whole run
is bounded (--time-limit); it prints a summary and exits 1 on any failure.

    python scripts/kill_reindex.py                       # ../shared/corpus or samples/
    python scripts/kill_reindex.py /srv/minutes --runs 50 --seed 3

tests/test_faults.py runs three kills of this on a small generated corpus.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DOC = PROJECT / "docs" / "reliability.md"
STAGES = ("start", "plan", "extract", "index", "publish")
# The longest random delay after each stage, in seconds (times --delay-scale): about
# how long the stage lasts on the corpus, so the kill lands inside it.
DELAYS = {"start": 4.0, "plan": 0.3, "extract": 0.5, "index": 0.05, "publish": 0.03}

# The child: full reindexes in a loop, one line per progress event on stdout.
CHILD = """
import sys
from searchapp.index import reindex

def show(event):
    print(event.stage, event.done, event.total, flush=True)

while True:
    print("start", flush=True)
    reindex([sys.argv[1]], sys.argv[2], full=True, workers=int(sys.argv[3]), progress=show)
    print("done", flush=True)
"""

FINAL = """
import sys
from searchapp.index import reindex
report = reindex([sys.argv[1]], sys.argv[2], full=True, workers=int(sys.argv[3]))
print(report.generation, report.items_in_index, len(report.failed), flush=True)
"""


@dataclass
class Kill:
    stage: str
    delay: float
    reached: bool  # the stage was seen before the kill
    lines: int  # progress lines the child printed
    seconds: float  # from start to kill
    generation: str | None
    items: int | None
    temporaries: int  # .tmp-* entries the kill left
    orphans: int  # worker processes still alive 5 s after the kill


@dataclass
class Summary:
    sources: str
    expected_items: int
    kills: list[Kill] = field(default_factory=list)
    reader_queries: int = 0
    reader_failures: list[str] = field(default_factory=list)
    check_failures: list[str] = field(default_factory=list)
    final_ok: bool = False
    final_generation: str | None = None
    final_seconds: float = 0.0
    stale_temporaries: int = -1
    generations_left: int = -1
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.reader_failures
            and not self.check_failures
            and self.final_ok
            and self.stale_temporaries == 0
            and self.reader_queries > 0
            and not any(k.orphans for k in self.kills)
        )

    def render(self) -> str:
        stages = ", ".join(
            f"{s} {sum(k.stage == s for k in self.kills)}"
            for s in STAGES
            if any(k.stage == s for k in self.kills)
        )
        lines = [
            f"sources: {self.sources} ({self.expected_items} items)",
            f"kills: {len(self.kills)} ({stages})",
            f"temporary generations left by the kills: {sum(k.temporaries for k in self.kills)}"
            " (removed by the next run)",
            f"orphaned worker processes: {sum(k.orphans for k in self.kills)}",
            f"reader queries: {self.reader_queries}",
            f"reader failures: {len(self.reader_failures)}",
            f"index checks after each kill failed: {len(self.check_failures)}",
            f"final reindex ok: {self.final_ok} ({self.final_generation}, "
            f"{self.final_seconds:.1f} s)",
            f"stale temp dirs left: {self.stale_temporaries}",
            f"generations left: {self.generations_left}",
            f"time: {self.seconds:.1f} s",
            "RESULT: " + ("OK" if self.ok else "FAILED"),
        ]
        for failure in (self.reader_failures + self.check_failures)[:20]:
            lines.append(f"  failure: {failure}")
        return "\n".join(lines)


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    return env


def _children(pid: int) -> list[int]:
    """The direct children of pid (the worker processes of a reindex), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class Reader(threading.Thread):
    """Searches the index the way the web app does, until stopped."""

    def __init__(self, root: Path, expected: int, terms: list[str]):
        super().__init__(daemon=True)
        from searchapp.engine import open_engine

        self.engine = open_engine(root)
        self.expected, self.terms = expected, terms
        self.queries = 0
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        from searchapp.query import SearchRequest

        everything = SearchRequest.from_params({})  # no words, no filters: every item
        n = 0
        while not self.stop.is_set():
            term = self.terms[n % len(self.terms)]
            n += 1
            try:
                generation = self.engine.generation
                count = self.engine.search(everything, snippets=False).total
                self.engine.search(SearchRequest.from_params({"q": term}))
                if count != self.expected:
                    self.failures.append(f"{generation}: {count} items, not {self.expected}")
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                self.failures.append(f"{type(exc).__name__}: {exc}")
            self.queries += 1
            time.sleep(0.002)


def _kill_once(sources, root, stage, delay, workers, limit) -> tuple[Kill, str | None]:
    """Start a reindex child, kill it at `stage` + `delay`; returns what was seen."""
    from searchapp.whoosh_engine.store import TMP_PREFIX, current_generation, open_index

    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(sources), str(root), str(workers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(),
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line.split()[0]) for line in child.stdout if line.strip()],
        daemon=True,
    ).start()
    seen, reached = 0, False
    deadline = started + limit
    try:
        while time.monotonic() < deadline:
            try:
                event = lines.get(timeout=0.05)
            except queue.Empty:
                if child.poll() is not None:
                    break
                continue
            seen += 1
            if event == stage:
                reached = True
                break
        time.sleep(delay)
        workers_seen = _children(child.pid)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    killed_at = time.monotonic() - started
    # Spawned workers notice their parent is gone within a second and exit.
    wait_until = time.monotonic() + 5
    while any(_alive(p) for p in workers_seen) and time.monotonic() < wait_until:
        time.sleep(0.1)
    orphans = [p for p in workers_seen if _alive(p)]
    for pid in orphans:  # ours: started by the child we killed
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    problem = None
    generation, items = current_generation(root), None
    try:
        index = open_index(root)
        items = index.doc_count()
        index.close()
    except Exception as exc:  # noqa: BLE001
        problem = f"after a kill at {stage}+{delay:.2f}s the index does not open: {exc}"
    temporaries = sum(1 for p in Path(root).iterdir() if p.name.startswith(TMP_PREFIX))
    kill = Kill(stage, delay, reached, seen, killed_at, generation, items, temporaries,
                len(orphans))  # fmt: skip
    return kill, problem


def run(
    sources: Path,
    root: Path,
    *,
    runs: int = 20,
    seed: int = 20250411,
    workers: int = 2,
    stages: tuple[str, ...] = STAGES,
    cycle: bool = False,
    delay_scale: float = 1.0,
    time_limit: float = 600.0,
    log=print,
) -> Summary:
    """Build, then kill `runs` reindexes; the figures in a Summary (see its `ok`).
    Each kill waits for a stage drawn from `stages` (or taken in turn, with `cycle`)."""
    from searchapp.index import reindex
    from searchapp.whoosh_engine.store import GEN_PREFIX, TMP_PREFIX

    began = time.monotonic()
    rng = random.Random(seed)
    report = reindex([sources], root, full=True, workers=workers)
    summary = Summary(str(sources), report.items_in_index)
    if report.items_in_index == 0:
        summary.check_failures.append(f"no items indexed from {sources}")
        return summary
    reader = Reader(root, report.items_in_index, ["kommune", "udvalg", "godkendt", "møde"])
    reader.start()
    try:
        for n in range(runs):
            left = time_limit - (time.monotonic() - began) - 60  # keep a minute for the end
            if left <= 0:
                summary.check_failures.append(f"time limit reached after {n} kills")
                break
            stage = stages[n % len(stages)] if cycle else rng.choice(stages)
            # "start": anywhere in the first seconds (scan, extraction, writing ...);
            # a later stage: a little after it began, within its usual length.
            delay = rng.uniform(0, DELAYS[stage] * delay_scale)
            kill, problem = _kill_once(sources, root, stage, delay, workers, min(left, 60))
            summary.kills.append(kill)
            if problem:
                summary.check_failures.append(problem)
            elif kill.items != summary.expected_items:
                summary.check_failures.append(
                    f"after kill {n + 1}: {kill.generation} has {kill.items} items, "
                    f"not {summary.expected_items}"
                )
            log(
                f"kill {n + 1:>2}/{runs}: at {kill.stage}{'' if kill.reached else ' (not reached)'}"
                f" +{kill.delay:.2f}s ({kill.seconds:.2f}s in): serving {kill.generation}, "
                f"{kill.items} items, {kill.temporaries} temporary left, "
                f"reader {reader.queries} queries / {len(reader.failures)} failures"
            )
        started = time.monotonic()
        try:
            final = subprocess.run(
                [sys.executable, "-c", FINAL, str(sources), str(root), str(workers)],
                capture_output=True, text=True, env=_env(), timeout=120,
            )  # fmt: skip
            words = final.stdout.split()
            summary.final_ok = final.returncode == 0 and len(words) == 3 and words[2] == "0"
            if summary.final_ok:
                summary.final_generation = words[0]
                if int(words[1]) != summary.expected_items:
                    summary.final_ok = False
                    summary.check_failures.append(f"final reindex has {words[1]} items")
            else:
                summary.check_failures.append(f"final reindex failed: {final.stderr[-500:]}")
        except subprocess.TimeoutExpired:
            summary.check_failures.append("final reindex did not finish in 120 s")
        summary.final_seconds = time.monotonic() - started
        time.sleep(0.2)  # let the reader see the final generation
    finally:
        reader.stop.set()
        reader.join(10)
    summary.reader_queries = reader.queries
    summary.reader_failures = reader.failures
    entries = list(Path(root).iterdir())
    summary.stale_temporaries = sum(1 for p in entries if p.name.startswith(TMP_PREFIX))
    summary.generations_left = sum(1 for p in entries if p.name.startswith(GEN_PREFIX))
    summary.seconds = time.monotonic() - began
    return summary


def default_sources() -> Path:
    shared = PROJECT.parent / "shared" / "corpus"
    return shared if shared.is_dir() else PROJECT / "samples"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sources",
        nargs="?",
        type=Path,
        default=None,
        help="source folder (default: ../shared/corpus, else samples/)",
    )
    parser.add_argument("--runs", type=int, default=20, help="reindexes to kill (20)")
    parser.add_argument("--seed", type=int, default=20250411, help="random seed")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes (2)")
    parser.add_argument(
        "--delay-scale",
        type=float,
        default=1.0,
        help="stretch the random delays after each stage (slower machines)",
    )
    parser.add_argument("--time-limit", type=float, default=600, help="seconds, all in (600)")
    parser.add_argument(
        "--write-doc", action="store_true", help="put the figures in docs/reliability.md"
    )
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        help="index folder to use (default: a temporary one, removed after)",
    )
    args = parser.parse_args(argv)  # fmt: skip
    sources = (args.sources or default_sources()).resolve()
    if not sources.exists():
        print(f"error: no sources at {sources}", file=sys.stderr)
        return 2
    temporary = args.index is None
    root = Path(tempfile.mkdtemp(prefix="kill-reindex-")) / "index" if temporary else args.index
    print(f"killing {args.runs} full reindexes of {sources} (seed {args.seed}); index in {root}")
    try:
        summary = run(sources, root, runs=args.runs, seed=args.seed, workers=args.workers,
                      delay_scale=args.delay_scale, time_limit=args.time_limit)  # fmt: skip
    finally:
        if temporary:
            shutil.rmtree(root.parent, ignore_errors=True)
    print(summary.render())
    if args.write_doc:
        write_doc(render_doc(summary, args))
        print(f"written to {DOC}")
    return 0 if summary.ok else 1


def render_doc(summary: Summary, args) -> str:
    import platform
    from datetime import UTC, datetime

    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    when = datetime.now(UTC).isoformat(timespec="seconds")
    shown = summary.sources.replace(str(PROJECT.parent), "..")
    stages = Counter(k.stage for k in summary.kills)
    in_writing = sum(1 for k in summary.kills if k.temporaries)
    return "\n".join(
        [
            f"Run {when} on {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, Python "
            f"{platform.python_version()}; `python scripts/kill_reindex.py --runs {args.runs} "
            f"--seed {args.seed}` on {shown} ({summary.expected_items} items).",
            "",
            f"- kills: {len(summary.kills)} (waiting for stage: "
            + ", ".join(f"{s} {stages[s]}" for s in STAGES if stages[s])
            + ")",
            f"- kills that left a half-written generation behind: {in_writing}",
            f"- reader queries during the kills (IndexHandle, in the same process): "
            f"{summary.reader_queries}",
            f"- reader failures (errors, or answers without the full index): "
            f"{len(summary.reader_failures)}",
            f"- index checks after each kill that failed: {len(summary.check_failures)}",
            f"- orphaned worker processes: {sum(k.orphans for k in summary.kills)}",
            f"- final full reindex: {'completed' if summary.final_ok else 'FAILED'} "
            f"({summary.final_generation}, {summary.final_seconds:.1f} s)",
            f"- stale temporary generations after it: {summary.stale_temporaries}; generations "
            f"kept: {summary.generations_left}",
            f"- total time: {summary.seconds:.0f} s",
            "",
            f"Result: **{'PASS' if summary.ok else 'FAIL'}**",
        ]
    )


def write_doc(section: str, marker: str = "kill-reindex") -> None:
    """Replace the text between the markers in docs/reliability.md (the load test
    writes its own section through this too)."""
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    block = f"{begin}\n{section}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
