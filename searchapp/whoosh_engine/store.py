"""The index on disk: generations, the pointer to the one in use, the reindex lock.

Layout of the index root (config `index.path`)::

    index/
      CURRENT              "gen-000007": the generation readers open
      gen-000006/          the one before: a reader that opened it may still use it
      gen-000007/          a complete Whoosh index + searchapp-manifest.json
      .tmp-gen-000008/     being built (left by a crash: removed by the next run)
      .reindex.lock        flock'ed while a reindex runs; holds its pid

A generation is written beside the one in use (indexing.py) and published by replacing
CURRENT with os.replace, so a reader sees the old index or the new one, never a mix,
and a crash, Ctrl-C or SIGKILL at any point leaves the old one serving. A published
generation is never written again. The per-file manifest (what index.py plans a
reindex from) lives inside the generation, so it always describes the index beside it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import pickle
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from ..engine import IndexLocked, IndexNotFound, IndexWriteError
from .internals import trim_idf_cache

POINTER = "CURRENT"
LOCK_FILE = ".reindex.lock"
MANIFEST = "searchapp-manifest.json"
GEN_PREFIX = "gen-"
TMP_PREFIX = ".tmp-"
IDF_CACHE_LIMIT = 100_000  # terms a long-lived searcher remembers the IDF of


# --- Reading -------------------------------------------------------------------------------


def current_generation(root: Path) -> str | None:
    """The generation CURRENT names, or None when there is no index yet."""
    try:
        name = (Path(root) / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def not_found(root: Path) -> IndexNotFound:
    return IndexNotFound(f"no index at {root}; run `searchapp reindex`")


def open_readonly(path: Path) -> Index:
    """Open a generation for reading, without mmap: Whoosh 2.7.4 wraps each part of an
    mmapped segment in a BytesIO, which copies it, so every searcher copied the whole
    index into memory. Plain file reads measured 20 % faster a query and 54 MB instead
    of 248 MB of memory on a 2,000-item index (then with a searcher a request; now each
    thread keeps one a generation)."""
    return FileStorage(str(path), supports_mmap=False, readonly=True).open_index()


def open_generation(root: Path, name: str | None) -> Index:
    """The generation `name` of the index at `root`. Raises IndexNotFound, saying what
    to do, for none, a damaged one, and one an older searchapp wrote (Whoosh pickles
    the schema, analyzers included, by the modules they lived in then)."""
    if name is None:
        raise not_found(root)
    try:
        return open_readonly(Path(root) / name)
    except (whoosh_index.EmptyIndexError, FileNotFoundError, NotADirectoryError):
        raise IndexNotFound(
            f"the index at {root} is damaged ({POINTER} names {name}, which is missing "
            "or incomplete); run `searchapp reindex --full`"
        ) from None
    except (ImportError, AttributeError, pickle.UnpicklingError):
        raise IndexNotFound(
            f"the index at {root} ({name}) was built by an older version of searchapp; "
            "run `searchapp reindex` to rebuild it"
        ) from None


def open_current(root: Path) -> tuple[str, Index]:
    for attempt in range(2):
        name = current_generation(root)
        try:
            return name, open_generation(root, name)
        except IndexNotFound:
            # A reindex may have pruned the generation between reading the pointer and
            # opening it: the pointer then names a newer one.
            if attempt or name is None:
                raise
    raise AssertionError("unreachable")


def open_index(root: Path) -> Index:
    """The Whoosh index CURRENT points at. The pointer is read once: the index object
    keeps reading that generation even when a reindex publishes a newer one."""
    return open_current(Path(root))[1]


def read_manifest(root: Path, generation: str | None = None) -> dict:
    """The manifest of a generation (default: the current one)."""
    root = Path(root)
    name = generation or current_generation(root)
    if name is None:
        raise not_found(root)
    try:
        return json.loads((root / name / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise IndexNotFound(
            f"the index at {root} has no readable manifest in {name}; "
            "run `searchapp reindex --full`"
        ) from None


class IndexHandle:
    """The index for a long-running process (the web app): opened once, the generation
    in use checked at every call (one stat of the pointer) and re-opened when a reindex
    has published a new one, so no restart is needed. Thread-safe."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._pointer = os.fspath(self.root / POINTER)  # stat'ed every call: joined once
        self._lock = threading.Lock()
        # (pointer stat, generation, index), replaced as a whole so readers see one
        self._open: tuple[tuple, str, Index] | None = None

    def _pointer_stamp(self) -> tuple | None:
        try:
            st = os.stat(self._pointer)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def current(self) -> tuple[str, Index]:
        """(the generation in use, its Whoosh index). Raises IndexNotFound."""
        stamp, current = self._pointer_stamp(), self._open
        if current is not None and current[0] == stamp:
            return current[1], current[2]
        with self._lock:
            current = self._open
            if current is None or current[0] != stamp:
                try:
                    if stamp is None:
                        raise not_found(self.root)
                    name, index = open_current(self.root)
                except IndexNotFound:
                    if current is None:
                        raise
                    return current[1], current[2]  # keep serving; retried next call
                self._open = current = (stamp, name, index)
            return current[1], current[2]

    @property
    def index(self) -> Index:
        return self.current()[1]

    @property
    def generation(self) -> str:
        """The generation being served, e.g. "gen-000007": a generation never changes
        once published, so it is a safe cache key for search results."""
        return self.current()[0]

    @property
    def schema(self):
        return self.index.schema

    def searcher(self, **kwargs):
        """A new Whoosh searcher on the current generation; close it (or use `with`)."""
        return self.index.searcher(**kwargs)

    def close(self) -> None:
        with self._lock:
            self._open = None


_local = threading.local()


@contextlib.contextmanager
def thread_searcher(index: Index):
    """A searcher on `index`, kept open for the next request of the same thread:
    opening one reads every segment's headers and the stored fields' offsets, which
    grows with the index (a Whoosh searcher must not be shared between threads, and
    a generation never changes, so one per thread and generation is safe). A
    searcher on an older generation is closed when its thread next searches."""
    held = getattr(_local, "held", None)
    if held is not None and held[0] is index:
        trim_idf_cache(held[1], IDF_CACHE_LIMIT)
        yield held[1]
        return
    if held is not None:
        _local.held = None
        held[1].close()
    searcher = index.searcher()
    _local.held = (index, searcher)
    yield searcher


# --- The reindex lock ----------------------------------------------------------------------


class ReindexLock:
    """flock on root/.reindex.lock: dies with the process, so never stale."""

    def __init__(self, root: Path, wait: bool, on_wait: Callable[[int | None], None]):
        self.path = Path(root) / LOCK_FILE
        self.wait = wait
        self.on_wait = on_wait
        self.fd: int | None = None

    def __enter__(self):
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise write_error(self.path.parent, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            if not self.wait:
                os.close(fd)
                raise IndexLocked(self.path.parent, pid) from None
            self.on_wait(pid)
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # the pid is a courtesy for the "is running" message; a full disk is
            # reported by the writes that matter
        self.fd = fd
        return self

    def __exit__(self, *exc_info):
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode().strip())
    except (OSError, ValueError):
        return None


def write_error(root: Path, exc: OSError) -> IndexWriteError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    return IndexWriteError(
        f"cannot write the index in {root}: {reason}; the index in use was not changed"
    )


# --- Generations on disk -------------------------------------------------------------------


def generation_numbers(root: Path) -> list[int]:
    numbers = []
    for entry in root.iterdir():
        name = entry.name.removeprefix(TMP_PREFIX)
        if name.startswith(GEN_PREFIX) and name[len(GEN_PREFIX) :].isdigit():
            numbers.append(int(name[len(GEN_PREFIX) :]))
    return numbers


def fsync_tree(path: Path) -> None:
    for entry in os.scandir(path):
        if entry.is_file():
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(path)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def set_pointer(root: Path, name: str) -> None:
    tmp = root / f"{TMP_PREFIX}{POINTER}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)
    fsync_dir(root)


def remove_temporaries(root: Path) -> None:
    """What a crashed or killed reindex left behind (we hold the lock: none is ours)."""
    for entry in root.iterdir():
        if entry.name.startswith(TMP_PREFIX):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    prune(root)


def prune(root: Path) -> None:
    """Remove generations other than the current one and the one before it (a web
    process may have opened that one just before the swap)."""
    name = current_generation(root)
    if name is None:
        return
    keep = {name}
    try:
        keep.add(read_manifest(root, name).get("previous"))
    except IndexNotFound:
        return
    for entry in root.iterdir():
        if entry.name.startswith(GEN_PREFIX) and entry.name not in keep and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def dir_size(path: Path) -> int:
    return sum(e.stat().st_size for e in os.scandir(path) if e.is_file())
