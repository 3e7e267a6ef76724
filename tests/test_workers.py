"""searchapp.workers: each file in a worker process with a time and a memory limit; a
file that hits one is reported, the others are done, the parent never runs it.

The function the workers run here reads a command from the file: real spawned processes,
real SIGKILL, a real RLIMIT_DATA, a real segfault."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from searchapp.workers import Limits, Stopped, more_time, run_isolated

CALLS = "calls.log"  # beside the task files: the pid of each process that ran a task


def act(path: Path, suffix: str = "") -> str:
    """What the file says: sleep, eat memory, crash, raise, or return its text."""
    with open(path.parent / CALLS, "a") as log:
        log.write(f"{os.getpid()} {path.name}\n")
    command = path.read_text()
    if command == "sleep":
        time.sleep(60)
    elif command == "eat":
        chunks = []
        while True:  # 2 GB in steps, as a decompressor grows its buffer
            chunks.append(bytearray(64 * 1024 * 1024))
    elif command == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif command == "raise":
        raise ValueError("a bug in the reader")
    elif command == "steps":  # slow work announced step by step, as OCR does page by page
        for _ in range(3):
            more_time(1.5)
            time.sleep(1)
    return command + suffix


def tasks(folder: Path, **files: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    out = []
    for name, command in files.items():
        (folder / name).write_text(command)
        out.append(folder / name)
    return out


LIMITS = Limits(seconds=4, memory_mb=200)


def run(paths, workers=2, limits=LIMITS, **kwargs):
    results: dict[str, object] = {}
    started = time.monotonic()
    run_isolated(act, paths, workers, limits, lambda p, r: results.__setitem__(p.name, r),
                 **kwargs)  # fmt: skip
    return results, time.monotonic() - started


def ran_in(folder: Path) -> dict[str, set[int]]:
    pids: dict[str, set[int]] = {}
    for line in (folder / CALLS).read_text().splitlines():
        pid, name = line.split(" ", 1)
        pids.setdefault(name, set()).add(int(pid))
    return pids


def test_each_limit_stops_only_its_file(tmp_path):
    paths = tasks(tmp_path, a="first", slow="sleep", big="eat", crash="segfault",
                  bug="raise", b="last")  # fmt: skip
    results, seconds = run(paths, args=lambda p: ("!",))
    assert results["a"] == "first!" and results["b"] == "last!"
    assert isinstance(results["slow"], Stopped) and results["slow"].limit == "time"
    assert "took longer than 4 s" in results["slow"].reason
    assert isinstance(results["big"], Stopped) and results["big"].limit == "memory"
    assert "more than 200 MB" in results["big"].reason
    assert results["crash"] == Stopped(
        "the worker process reading it was killed by SIGSEGV", "crash"
    )
    assert results["bug"] == Stopped("unexpected error: ValueError: a bug in the reader", "crash")
    assert seconds < 30  # one time limit, not the 60 s sleep
    assert not multiprocessing.active_children()


def test_a_file_gets_more_time_step_by_step(tmp_path):
    """A scan OCR'd page by page takes longer than the file's limit, and asks for each
    page's budget before it; a file that just hangs is still stopped at the limit."""
    paths = tasks(tmp_path, scan="steps", slow="sleep")
    granted = []
    results, seconds = run(
        paths, limits=Limits(seconds=1.5, memory_mb=200),
        on_more_time=lambda path, more: granted.append((path.name, more)),
    )  # fmt: skip
    assert results["scan"] == "steps"  # 3 s of work under a 1.5 s limit
    assert granted == [("scan", 1.5)] * 3
    assert isinstance(results["slow"], Stopped) and results["slow"].limit == "time"
    assert seconds < 30


def test_the_parent_never_runs_a_file_a_worker_died_on(tmp_path):
    paths = tasks(tmp_path, crash="segfault", slow="sleep", big="eat", ok="fine")
    results, _ = run(paths, workers=1)
    assert results["ok"] == "fine"
    pids = ran_in(tmp_path)
    assert all(len(p) == 1 for p in pids.values())  # each read once
    assert os.getpid() not in set().union(*pids.values())
    # A fresh worker after each death: four files, four processes.
    assert len(set().union(*pids.values())) == 4


def test_a_worker_takes_file_after_file(tmp_path):
    paths = tasks(tmp_path, **{f"f{i}": f"text {i}" for i in range(6)})
    results, _ = run(paths, workers=2)
    assert results == {f"f{i}": f"text {i}" for i in range(6)}
    assert len(set().union(*ran_in(tmp_path).values())) <= 2


def test_interrupted_run_leaves_no_worker(tmp_path):
    paths = tasks(tmp_path, a="fine", slow="sleep", slower="sleep")

    def stop(path, result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_isolated(act, paths, 2, Limits(seconds=60, memory_mb=200), stop)
    assert not multiprocessing.active_children()
