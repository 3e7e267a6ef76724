"""Run one function over many files, each file in a worker process with limits.

A source file is untrusted input: a 1 MB PDF can inflate to gigabytes, a one-line
PDF can keep the layout analysis busy for an hour. So every file is read in a worker
process that the parent can kill: past `Limits.seconds` of wall-clock time the worker is
killed with SIGKILL; its data segment is capped at `Limits.memory_mb` (RLIMIT_DATA),
so an allocation past it fails with MemoryError inside the worker, which then reports
and exits. A worker that dies any other way (a segfault in a C extension, the kernel's
OOM killer) fails the file it had. The parent never runs the function itself on such a
file: it only reports it, and gives the files still waiting to a fresh worker.

Some slow work is legitimate: OCR of a scanned page takes seconds, and a long scan
would pass any limit fit for a PDF with a text layer. The function a worker runs asks
for more time before each such step (`more_time`, one OCR page at a time with the
page's own budget, ocr.page_seconds), so a 200-page scan is read while a hostile file
is still stopped at the file's limit plus one step's budget.

Workers are started with "spawn": a forked worker would inherit the caller's locks
(the reindex flock) and could outlive it; and each worker exits when its parent dies.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

DEFAULT_SECONDS = 120.0  # a 1,000-page PDF of minutes takes about 5 s on one core
DEFAULT_MEMORY_MB = 1024  # the largest real minutes measured: under 300 MB

_READY, _DONE, _NO_MEMORY, _CRASHED = "ready", "done", "memory", "crashed"
_MORE_TIME = "more time"


@dataclass(frozen=True)
class Limits:
    """What one file may cost a worker: wall-clock seconds and memory in MB."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


@dataclass(frozen=True)
class Stopped:
    """A file whose worker did not finish it; `reason` is meant for a person.
    `limit` says which limit it hit ("time", "memory") or "crash"."""

    reason: str
    limit: str


def _time_reason(limits: Limits) -> Stopped:
    return Stopped(
        f"took longer than {limits.seconds:g} s to read (the limit, reindex.time_limit "
        "in the config); the worker reading it was stopped",
        "time",
    )


def _memory_reason(limits: Limits) -> Stopped:
    return Stopped(
        f"needed more than {limits.memory_mb} MB of memory to read (the limit, "
        "reindex.memory_limit in the config); the worker reading it was stopped",
        "memory",
    )


def _crash_reason(exitcode: int | None) -> Stopped:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"was killed by signal {-exitcode}"
    else:
        how = f"exited with status {exitcode}"
    return Stopped(f"the worker process reading it {how}", "crash")


# --- In the worker ------------------------------------------------------------------------

_parent_conn: Connection | None = None  # in a worker: the line to the parent


def more_time(seconds: float) -> None:
    """Called by the function a worker runs, before a slow step it knows is legitimate
    (OCR of a page): the file's deadline moves `seconds` later, and the parent hears of
    it (`on_more_time`). Outside a worker (workers=0, tests) it does nothing."""
    if _parent_conn is not None:
        _parent_conn.send((_MORE_TIME, float(seconds)))


def _exit_with(parent: int) -> None:
    """A worker must not outlive a parent that was killed (SIGKILL skips all cleanup)."""

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _serve(conn: Connection, fn: Callable[[Any], Any], memory_mb: int, parent: int) -> None:
    global _parent_conn
    _parent_conn = conn
    # Ctrl-C reaches the whole process group: stopping the workers is the parent's job.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with(parent)
    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    conn.send((_READY, None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, args = task
        try:
            conn.send((_DONE, fn(path, *args)))
        except MemoryError:
            # The heap may be in pieces now: report, and let a fresh worker go on.
            conn.send((_NO_MEMORY, None))
            os._exit(0)
        except Exception as exc:  # noqa: BLE001 - fn's own bug: one file's failure
            conn.send((_CRASHED, f"{type(exc).__name__}: {exc}"))


# --- In the parent ------------------------------------------------------------------------


class _Worker:
    def __init__(self, ctx, fn, limits: Limits):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve, args=(child, fn, limits.memory_mb, os.getpid()), daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False
        self.task: Path | None = None
        self.deadline = 0.0

    def give(self, task: Path, args: tuple, seconds: float) -> None:
        self.task, self.deadline = task, time.monotonic() + seconds
        self.conn.send((task, args))

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not within a second."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(1)
        self.kill()


def run_isolated(
    fn: Callable[[Path], Any],
    tasks: Sequence[Path],
    workers: int,
    limits: Limits,
    on_done: Callable[[Path, Any], None],
    args: Callable[[Path], tuple] = lambda task: (),
    on_more_time: Callable[[Path, float], None] = lambda task, seconds: None,
) -> None:
    """Call `on_done(task, fn(task, *args(task)))` for every task, fn running in up to `workers`
    worker processes, or `on_done(task, Stopped(...))` when its worker hit a limit or
    died. `fn` must be importable by name (spawned workers import it). Results come
    in the order they finish. Ctrl-C (any exception) kills the workers and is re-raised.
    `on_more_time(task, seconds)`: fn asked for more time (`more_time`) and got it."""
    ctx = multiprocessing.get_context("spawn")
    pending = deque(tasks)
    pool: list[_Worker] = []
    try:
        while pending or any(w.task is not None for w in pool):
            for worker in pool:
                if worker.ready and worker.task is None and pending:
                    task = pending.popleft()
                    worker.give(task, args(task), limits.seconds)
            waiting = sum(1 for w in pool if not w.ready)
            while len(pool) < workers and len(pending) > waiting:
                pool.append(_Worker(ctx, fn, limits))
                waiting += 1
            _step(pool, limits, on_done, on_more_time)
    finally:
        for worker in pool:
            if worker.task is None and worker.ready:
                worker.stop()
            else:
                worker.kill()


def _step(pool: list[_Worker], limits: Limits, on_done, on_more_time) -> None:
    """Wait for one message, death or deadline; handle what happened."""
    busy = [w for w in pool if w.task is not None]
    timeout = None
    if busy:
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
    handles = [w.conn for w in pool] + [w.process.sentinel for w in pool]
    ready = set(wait(handles, timeout))
    for worker in list(pool):
        message = None
        if worker.conn in ready:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                message = None  # it died; the sentinel says how
        if message is not None:
            kind, value = message
            if kind == _READY:
                worker.ready = True
                continue
            if kind == _MORE_TIME:
                if worker.task is not None:
                    worker.deadline += value
                    on_more_time(worker.task, value)
                continue
            task, worker.task = worker.task, None
            if kind == _DONE:
                on_done(task, value)
                continue
            pool.remove(worker)
            worker.kill()
            if kind == _NO_MEMORY:
                on_done(task, _memory_reason(limits))
            else:
                on_done(task, Stopped(f"unexpected error: {value}", "crash"))
                # A worker stays usable after fn's own exception, but a fresh one
                # costs little and starts from a clean state.
            continue
        if worker.process.sentinel in ready or not worker.process.is_alive():
            pool.remove(worker)
            worker.kill()
            if worker.task is not None:
                on_done(worker.task, _crash_reason(worker.process.exitcode))
            elif not worker.ready:
                raise WorkerStartError(worker.process.exitcode)
            continue
        if worker.task is not None and time.monotonic() >= worker.deadline:
            pool.remove(worker)
            worker.kill()
            on_done(worker.task, _time_reason(limits))


class WorkerStartError(RuntimeError):
    """A worker process died before it could take any work (cannot start Python?)."""

    def __init__(self, exitcode: int | None):
        super().__init__(f"a worker process could not start (exit status {exitcode})")
