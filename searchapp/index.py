"""The index on disk: build it, update it, open it, describe it.

Layout of the index root (config `index.path`)::

    index/
      CURRENT              "gen-000007": the generation readers open
      gen-000006/          the one before: a reader that opened it may still use it
      gen-000007/          a complete Whoosh index + searchapp-manifest.json
      .tmp-gen-000008/     being built (left by a crash: removed by the next run)
      .reindex.lock        flock'ed while a reindex runs; holds its pid

Every reindex builds a new generation and then replaces CURRENT with os.replace, so a
reader sees the old index or the new one, never a mix, and a crash, Ctrl-C or SIGKILL
at any point leaves the old one serving. A published generation is never written again.

Incremental updates are copy-on-write: the new generation starts as hard links to the
files of the current one (Whoosh writes every segment and table of contents under a new
name and only ever deletes old files, so the links are never written through), then one
Whoosh writer deletes the items of changed, removed and failed files and adds the newly
extracted ones. Unchanged files cost neither extraction nor analysis; the copy costs
a directory of links. The per-file manifest (path -> sha256, item ids, failure) lives
inside the generation, so it always describes exactly the index beside it.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import pickle
import shutil
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.writing import PostingPool

from .config import municipality_for
from .ingest import IngestError, find_source_files, ingest_file
from .models import AgendaItem
from .schema import SCHEMA_VERSION, build_schema, item_to_document
from .workers import Limits, Stopped, WorkerStartError, run_isolated

POINTER = "CURRENT"
LOCK_FILE = ".reindex.lock"
MANIFEST = "searchapp-manifest.json"
GEN_PREFIX = "gen-"
TMP_PREFIX = ".tmp-"
DEFAULT_WORKERS = 2  # PDF extraction is CPU bound; the server this runs on has two cores
QUARANTINE_NOTE = "not read again until the file changes (or `searchapp reindex --full`)"
POOL_MB = 256  # postings held in memory before the writer sorts them out to a run file
RUN_BATCH = 2000  # postings per pickle in a run file


class IndexProblem(Exception):
    """Something about the index a person must act on; str() says what and how."""


class IndexNotFound(IndexProblem):
    pass


class IndexLocked(IndexProblem):
    def __init__(self, root: Path, pid: int | None):
        who = f" (pid {pid})" if pid else ""
        super().__init__(
            f"another reindex is running{who} on {root}; "
            "wait for it to finish, or use --wait to queue behind it"
        )
        self.pid = pid


class IndexWriteError(IndexProblem):
    """The new index could not be written (disk full, no permission): nothing changed."""


class SourcesNotFound(IndexProblem):
    """A configured source folder is missing. Refused, not treated as "all files
    removed": an unmounted share must not empty the index."""


# --- Reading ---------------------------------------------------------------------------


def current_generation(root: Path) -> str | None:
    """The generation CURRENT names, or None when there is no index yet."""
    try:
        name = (Path(root) / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def _not_found(root: Path) -> IndexNotFound:
    return IndexNotFound(f"no index at {root}; run `searchapp reindex`")


def open_readonly(path: Path) -> Index:
    """Open a generation for reading, without mmap: Whoosh 2.7.4 wraps each part of an
    mmapped segment in a BytesIO, which copies it, so every searcher opened per request
    copied the whole index into memory. Plain file reads measured 20 % faster a query
    and 54 MB instead of 248 MB of memory on a 2,000-item index."""
    return FileStorage(str(path), supports_mmap=False, readonly=True).open_index()


def _open_generation(root: Path, name: str | None) -> Index:
    if name is None:
        raise _not_found(root)
    try:
        return open_readonly(Path(root) / name)
    except (whoosh_index.EmptyIndexError, FileNotFoundError, NotADirectoryError):
        raise IndexNotFound(
            f"the index at {root} is damaged ({POINTER} names {name}, which is missing "
            "or incomplete); run `searchapp reindex --full`"
        ) from None


def _open_current(root: Path) -> tuple[str, Index]:
    for attempt in range(2):
        name = current_generation(root)
        try:
            return name, _open_generation(root, name)
        except IndexNotFound:
            # A reindex may have pruned the generation between reading the pointer and
            # opening it: the pointer then names a newer one.
            if attempt or name is None:
                raise
    raise AssertionError("unreachable")


def open_index(root: Path) -> Index:
    """The Whoosh index CURRENT points at. The pointer is read once: the index object
    keeps reading that generation even when a reindex publishes a newer one."""
    return _open_current(Path(root))[1]


def read_manifest(root: Path, generation: str | None = None) -> dict:
    """The manifest of a generation (default: the current one)."""
    root = Path(root)
    name = generation or current_generation(root)
    if name is None:
        raise _not_found(root)
    try:
        return json.loads((root / name / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise IndexNotFound(
            f"the index at {root} has no readable manifest in {name}; "
            "run `searchapp reindex --full`"
        ) from None


class IndexHandle:
    """The index for a long-running process (the web app): open once, then
    `searcher()` per request. Each call checks the pointer (one stat) and re-opens
    when a reindex has published a new generation, so no restart is needed.
    Thread-safe; Whoosh searchers are not, hence a fresh one per request."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()
        # (pointer stat, generation, index), replaced as a whole so readers see one
        self._open: tuple[tuple, str, Index] | None = None

    def _pointer_stamp(self) -> tuple | None:
        try:
            st = os.stat(self.root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _current(self) -> tuple[str, Index]:
        stamp, current = self._pointer_stamp(), self._open
        if current is not None and current[0] == stamp:
            return current[1], current[2]
        with self._lock:
            current = self._open
            if current is None or current[0] != stamp:
                try:
                    if stamp is None:
                        raise _not_found(self.root)
                    name, index = _open_current(self.root)
                except IndexNotFound:
                    if current is None:
                        raise
                    return current[1], current[2]  # keep serving; retried next call
                self._open = current = (stamp, name, index)
            return current[1], current[2]

    @property
    def index(self) -> Index:
        return self._current()[1]

    @property
    def generation(self) -> str:
        """The generation being served, e.g. "gen-000007": a generation never changes
        once published, so it is a safe cache key for search results."""
        return self._current()[0]

    @property
    def schema(self):
        return self.index.schema

    def searcher(self, **kwargs):
        """A new Whoosh searcher on the current generation; close it (or use `with`)."""
        return self.index.searcher(**kwargs)

    def close(self) -> None:
        with self._lock:
            self._open = None


# --- Reindex: results and progress -----------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """Items of `dropped` that `kept` also has (same meeting, same item numbers)."""

    dropped: Path
    kept: Path
    items: int


@dataclass(frozen=True)
class Progress:
    """What a reindex is doing, for a progress bar or a log line.

    stage: "wait" (for the lock), "plan" (files scanned: `total` to extract),
    "extract" (one file done: `done` of `total`, `file_items` from it, `items` so far,
    `error` if it failed),
    "index" (`done` of `total` items written), "publish".
    """

    stage: str
    done: int = 0
    total: int = 0
    items: int = 0
    file_items: int = 0
    path: Path | None = None
    error: str | None = None
    message: str = ""


@dataclass
class ReindexReport:
    added: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    retried: list[Path] = field(default_factory=list)  # unchanged, failed last time
    quarantined: list[Path] = field(default_factory=list)  # unchanged, a worker was
    # stopped on it: not read again (listed in `failed` too)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    items_in_index: int = 0
    items_written: int = 0
    items_deleted: int = 0
    seconds: float = 0.0
    generation: str = ""
    new_generation: bool = False  # False: nothing changed, CURRENT left as it was
    full: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


ProgressCallback = Callable[[Progress], None]


# --- Reindex: the lock -----------------------------------------------------------------


class _ReindexLock:
    """flock on root/.reindex.lock: dies with the process, so never stale."""

    def __init__(self, root: Path, wait: bool, on_wait: Callable[[int | None], None]):
        self.path = root / LOCK_FILE
        self.wait = wait
        self.on_wait = on_wait
        self.fd: int | None = None

    def __enter__(self):
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _write_error(self.path.parent, exc) from None
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


def _write_error(root: Path, exc: OSError) -> IndexWriteError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    return IndexWriteError(
        f"cannot write the index in {root}: {reason}; the index in use was not changed"
    )


# --- Reindex: extraction (in worker processes) -----------------------------------------


def _ingest_one(path: Path, municipality: str = "") -> tuple[list[AgendaItem] | None, str | None]:
    """Items or the reason there are none. Top level, so worker processes can run it.
    Any exception is one file's failure: a parser bug must not stop the other files.
    MemoryError goes through: the worker reports the file as past its memory limit."""
    try:
        items = ingest_file(path, municipality=municipality) if municipality else ingest_file(path)
    except IngestError as exc:
        return None, exc.reason
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported per file, retried next run
        return None, f"unexpected error: {type(exc).__name__}: {exc}"
    if not items:
        return None, "no agenda items found"
    return items, None


ExtractResult = tuple[list[AgendaItem] | None, str | None] | Stopped


def _extract(
    paths: Sequence[Path],
    workers: int,
    limits: Limits,
    on_done: Callable[[Path, ExtractResult], None],
    municipality: Callable[[Path], str] = lambda path: "",
) -> None:
    """Each file in a worker process under `limits` (see workers.py); with workers=0
    in this process, without limits (for tests and debugging)."""
    if workers <= 0:
        for path in paths:
            on_done(path, _ingest_one(path, municipality(path)))
        return
    try:
        run_isolated(
            _ingest_one, paths, workers, limits, on_done, args=lambda path: (municipality(path),)
        )
    except WorkerStartError as exc:
        raise IndexProblem(f"{exc}; nothing was changed") from None


# --- Reindex: planning -----------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(path: Path, known: dict | None) -> dict:
    """sha256, size and mtime of a file; the hash is only computed when size or mtime
    differ from what the manifest knows (the same shortcut git and rsync take)."""
    st = path.stat()
    if known and known.get("size") == st.st_size and known.get("mtime_ns") == st.st_mtime_ns:
        sha = known["sha256"]
    else:
        sha = file_sha256(path)
    return {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _utf8(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _priority(path: Path) -> tuple:
    """Which copy of a meeting wins: a PDF (it has page numbers), then the first path."""
    return (path.suffix.lower() != ".pdf", str(path))


@dataclass
class _FileState:
    path: Path
    sha256: str | None  # None: unreadable, never hashed
    size: int | None
    mtime_ns: int | None
    ids: list[str] = field(default_factory=list)  # the item ids it supplies this run
    error: str | None = None
    quarantined: bool = False  # a worker was stopped on it: not read until it changes
    # Items in hand, to be (re)written, with the hash of the file version they are from;
    # None: its items are in the base index already, where they stay.
    fresh: dict[str, tuple[AgendaItem, str]] | None = None
    municipality: str = ""  # what the config names for it (sources.municipality)

    def manifest_entry(self, owned: list[str]) -> dict:
        entry = {} if not self.municipality else {"municipality": self.municipality}
        entry |= {
            "sha256": self.sha256,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "error": self.error,
            "items": self.ids,
            "indexed": owned,
        }
        if self.quarantined:
            entry["quarantined"] = True
        return entry


class _Run:
    """One reindex, under the lock: scan, extract, decide which copy of each item the
    index holds, write. Nothing on disk changes before `_publish`."""

    def __init__(
        self,
        root: Path,
        full: bool,
        notify: ProgressCallback,
        workers: int,
        municipalities: dict[Path, str] | None = None,
        limits: Limits | None = None,
    ):
        self.root, self.notify, self.workers = root, notify, workers
        self.municipalities = municipalities or {}
        self.limits = limits or Limits()
        self.report = ReindexReport(full=full)
        self.full = full
        self.base = current_generation(root)
        old: dict = {}
        if self.base:
            try:
                old = read_manifest(root, self.base)
            except IndexNotFound:
                self.report.notes.append(f"{self.base} has no manifest: rebuilt from scratch")
        self.old = old
        self.old_files: dict[str, dict] = old.get("files", {})
        if old and old.get("schema_version") != SCHEMA_VERSION:
            self.report.notes.append("the index format changed: rebuilt from scratch")
        self.use_base = bool(old) and not full and old.get("schema_version") == SCHEMA_VERSION
        self.report.full = not self.use_base
        # Which file each item in the current index came from.
        self.prior_owner = {
            item_id: Path(name)
            for name, entry in self.old_files.items()
            for item_id in entry.get("indexed", [])
        }
        self.in_place = self.prior_owner if self.use_base else {}  # items we may keep
        self.states: dict[Path, _FileState] = {}
        self.failures: dict[Path, str] = {}
        self.repeats: Counter[Path] = Counter()  # ids repeated within one file
        self.count: Counter[str] = Counter()
        self.extracted: set[Path] = set()

    def run(self, sources: list[Path]) -> ReindexReport:
        report = self.report
        to_extract = self.scan(sources)
        self.count["total"] = len(to_extract)
        unchanged = len(self.states) - len(to_extract)
        self.notify(Progress("plan", total=len(to_extract), message=(
            f"{len(self.states)} source files: {len(to_extract)} to extract, {unchanged} unchanged"
        )))  # fmt: skip
        self.extract(to_extract)
        claims, owner = self.resolve()
        report.failed = sorted(self.failures.items())
        report.duplicates = _duplicates(claims, owner, self.repeats)

        keep = {i for i, path in owner.items() if self.states[path].fresh is None}
        deletes = sorted(i for i in self.in_place if i not in keep)
        adds = [
            self.states[path].fresh[i]
            for i, path in sorted(owner.items(), key=lambda kv: (str(kv[1]), kv[0]))
            if self.states[path].fresh is not None
        ]
        owned: dict[Path, list[str]] = defaultdict(list)
        for i, path in owner.items():
            owned[path].append(i)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "files": {
                str(path): state.manifest_entry(sorted(owned[path]))
                for path, state in sorted(self.states.items())
            },
            "duplicates": [
                {"dropped": str(d.dropped), "kept": str(d.kept), "items": d.items}
                for d in report.duplicates
            ],
        }
        report.items_in_index = len(owner)
        report.items_written, report.items_deleted = len(adds), len(deletes)
        if self.use_base and not adds and not deletes:
            if all(self.old.get(k) == manifest[k] for k in ("files", "duplicates")):
                report.generation = self.base
                return report
        manifest["previous"] = self.base
        base = self.base if self.use_base else None
        report.generation = _publish(self.root, base, deletes, adds, manifest, self.notify)
        report.new_generation = True
        return report

    def scan(self, sources: list[Path]) -> list[Path]:
        """Fingerprint every source file; return those to extract."""
        report, to_extract = self.report, []
        problems: dict[Path, str] = {}  # symbolic links not followed (walk.py)
        for path in sorted({*find_source_files(sources, problems), *problems}):
            known = self.old_files.get(str(path))
            fp = {"sha256": None, "size": None, "mtime_ns": None}
            if path in problems:  # never opened: it may lead anywhere
                self.failures[path] = problems[path]
            elif not _utf8(path):
                # Bytes of another encoding (Latin-1 from an old Windows share): such a
                # name cannot go into the manifest, the JSON or a link. Rename it.
                self.failures[path] = (
                    "the file name is not valid UTF-8 (copied from an old Windows "
                    "share?); rename the file"
                )
            else:
                try:
                    fp = _fingerprint(path, known if self.use_base else None)
                except OSError as exc:
                    fp = {"sha256": (known or {}).get("sha256"), "size": None, "mtime_ns": None}
                    self.failures[path] = f"cannot read the file: {exc.strerror or exc}"
            state = self.states[path] = _FileState(
                path, **fp, municipality=municipality_for(path, self.municipalities)
            )
            if known is None:
                report.added.append(path)
            elif known["sha256"] != state.sha256 or known.get("municipality", "") != (
                state.municipality
            ):  # a changed file, or the config now names another municipality for it
                report.changed.append(path)
            elif known.get("quarantined") and not self.full and path not in self.failures:
                # A worker was stopped on this very file: not again until it changes.
                report.quarantined.append(path)
                self.failures[path] = known["error"]
                state.quarantined = True
            elif known.get("error"):
                report.retried.append(path)
            else:
                report.unchanged.append(path)
            if path in self.failures:
                self.fall_back(state, self.failures[path])
            elif self.use_base and known and path in report.unchanged:
                state.ids = list(known.get("items", []))
            else:
                to_extract.append(path)
        report.removed = [Path(p) for p in self.old_files if Path(p) not in self.states]
        return to_extract

    def extract(self, paths: list[Path]) -> None:
        self.extracted.update(paths)
        _extract(paths, self.workers, self.limits, self.on_extracted, self.municipality_of)

    def municipality_of(self, path: Path) -> str:
        return self.states[path].municipality if path in self.states else ""

    def on_extracted(self, path: Path, result: ExtractResult) -> None:
        state = self.states[path]
        if isinstance(result, Stopped):
            items, reason = None, f"{result.reason}; {QUARANTINE_NOTE}"
            state.quarantined = True
        else:
            items, reason = result
        if items is None:
            self.failures[path] = reason
            self.fall_back(state, reason)
        else:
            fresh: dict[str, tuple[AgendaItem, str]] = {}
            for item in items:
                fresh.setdefault(item.id, (item, state.sha256))
            self.repeats[path] = len(items) - len(fresh)
            state.fresh, state.ids, state.error = fresh, list(fresh), None
            self.failures.pop(path, None)
            self.count["items"] += len(fresh)
        self.count["done"] += 1
        self.notify(Progress(
            "extract", done=self.count["done"], total=self.count["total"],
            items=self.count["items"], file_items=len(items or ()), path=path, error=reason,
        ))  # fmt: skip

    def fall_back(self, state: _FileState, reason: str) -> None:
        """A file that fails keeps the items the index has from it: a half-copied file
        must not take a meeting out of the index. It is retried at the next run."""
        state.error, state.fresh = reason, None
        state.ids = [i for i, path in self.prior_owner.items() if path == state.path]
        if state.ids and not self.use_base:  # a rebuild: carry them over
            state.fresh = self.carry_over(state.ids)
            state.ids = list(state.fresh)

    def carry_over(self, ids: list[str]) -> dict[str, tuple[AgendaItem, str]]:
        """Items as the current generation stored them (item_json), for a rebuild."""
        found = {}
        try:
            ix = open_readonly(self.root / self.base)
            with ix.searcher() as searcher:
                for item_id in ids:
                    doc = searcher.document(id=item_id)
                    if doc:
                        item = AgendaItem.from_dict(doc["item_json"])
                        found[item_id] = (item, doc.get("source_hash", ""))
        except Exception as exc:  # noqa: BLE001 - an old format: nothing to carry over
            self.report.notes.append(f"could not keep items from {self.base}: {exc}")
            return {}
        return found

    def resolve(self) -> tuple[dict[str, list[Path]], dict[str, Path]]:
        """The file each item id is indexed from, when several files have it. A winner
        whose items are neither in the index nor in hand (a .txt whose PDF went away)
        is extracted now."""
        while True:
            claims: dict[str, list[Path]] = defaultdict(list)
            for state in self.states.values():
                for item_id in state.ids:
                    claims[item_id].append(state.path)
            owner = {i: min(paths, key=_priority) for i, paths in claims.items()}
            missing = {
                path for i, path in owner.items()
                if self.states[path].fresh is None and self.in_place.get(i) != path
            }  # fmt: skip
            promote = sorted(missing - self.extracted)
            if not promote:
                break
            self.count["total"] += len(promote)
            self.extract(promote)
        # Left: ids whose file failed when promoted, so no copy of them is at hand.
        return claims, {
            i: p for i, p in owner.items()
            if self.states[p].fresh is not None or self.in_place.get(i) == p
        }  # fmt: skip


def _duplicates(claims, owner, repeats) -> list[Duplicate]:
    pairs: Counter[tuple[Path, Path]] = Counter()
    for item_id, paths in claims.items():
        for path in paths:
            if path != owner.get(item_id):
                pairs[(path, owner.get(item_id, path))] += 1
    for path, count in repeats.items():
        if count:
            pairs[(path, path)] += count
    return [Duplicate(a, b, n) for (a, b), n in sorted(pairs.items())]


# --- Reindex -----------------------------------------------------------------------------


def reindex(
    sources: Iterable[Path],
    root: Path,
    *,
    full: bool = False,
    wait: bool = False,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    municipalities: dict[Path, str] | None = None,
    limits: Limits | None = None,
) -> ReindexReport:
    """Bring the index at `root` up to date with the files under `sources`.

    Incremental unless `full`: only new, changed and previously failed files are
    extracted. A file that fails keeps the items it had in the index and is retried
    next run. Raises IndexLocked, IndexWriteError or SourcesNotFound, each before
    anything changed; KeyboardInterrupt also leaves the index in use as it was.
    """
    started = time.monotonic()
    notify = progress or (lambda event: None)
    root = Path(root)
    sources = [Path(p) for p in sources]
    missing = [p for p in sources if not p.exists()]
    if missing:
        raise SourcesNotFound(
            "source not found: "
            + ", ".join(str(p) for p in missing)
            + " (check sources.paths in the config; is the share mounted?)"
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(root, exc) from None

    def on_wait(pid):
        notify(Progress("wait", message=f"waiting for another reindex (pid {pid}) to finish"))

    with _ReindexLock(root, wait, on_wait):
        _remove_temporaries(root)
        workers = DEFAULT_WORKERS if workers is None else workers
        run = _Run(root, full, notify, workers, municipalities, limits)
        report = run.run(sources)
    report.seconds = time.monotonic() - started
    return report


def build_index(items: Iterable[AgendaItem], root: Path, *, wait: bool = True) -> str:
    """Publish a new generation holding exactly `items` (the first of each id); returns
    its name. For tests, fixtures and tools that parse files themselves. A later
    reindex sees those items' sources as unknown files and replaces their items."""
    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(root, exc) from None
    unique: dict[str, AgendaItem] = {}
    for item in items:
        unique.setdefault(item.id, item)
    by_source: dict[str, list[str]] = defaultdict(list)
    for item in unique.values():
        by_source[item.source].append(item.id)
    files = {
        source: {"sha256": None, "size": None, "mtime_ns": None, "error": None,
                 "items": sorted(ids), "indexed": sorted(ids)}
        for source, ids in sorted(by_source.items())
    }  # fmt: skip
    with _ReindexLock(root, wait, lambda pid: None):
        _remove_temporaries(root)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "files": files,
            "duplicates": [],
            "previous": current_generation(root),
        }
        adds = [(item, "") for item in unique.values()]
        return _publish(root, None, [], adds, manifest, lambda event: None)


# --- Reindex: writing and publishing ---------------------------------------------------


def _generation_numbers(root: Path) -> list[int]:
    numbers = []
    for entry in root.iterdir():
        name = entry.name.removeprefix(TMP_PREFIX)
        if name.startswith(GEN_PREFIX) and name[len(GEN_PREFIX) :].isdigit():
            numbers.append(int(name[len(GEN_PREFIX) :]))
    return numbers


def _publish(root, base, deletes, adds, manifest, notify) -> str:
    """Write the new generation beside the current one, then point CURRENT at it."""
    name = f"{GEN_PREFIX}{max(_generation_numbers(root), default=0) + 1:06d}"
    tmp = root / f"{TMP_PREFIX}{name}"
    try:
        if base:
            _link_tree(root / base, tmp)
            ix = whoosh_index.open_dir(str(tmp))
        else:
            tmp.mkdir()
            ix = whoosh_index.create_in(str(tmp), build_schema())
        writer = _writer(ix)
        try:
            for item_id in deletes:
                writer.delete_by_term("id", item_id)
            for n, (item, sha) in enumerate(adds, 1):
                writer.add_document(**item_to_document(item, sha))
                if n % 50 == 0 or n == len(adds):
                    notify(Progress("index", done=n, total=len(adds)))
            notify(Progress("publish", message="committing the new index"))
            writer.commit()
        except BaseException:
            try:
                writer.cancel()
            except Exception:  # noqa: BLE001 - the first error is the one to report
                pass
            raise
        finally:
            ix.close()
        manifest["generation"] = name
        manifest["built_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, separators=(",", ":")), encoding="utf-8"
        )
        _fsync_tree(tmp)
        os.rename(tmp, root / name)
        _fsync_dir(root)
        _set_pointer(root, name)
    except OSError as exc:
        raise _write_error(root, exc) from None
    except whoosh_index.EmptyIndexError:
        raise IndexNotFound(
            f"the index {base} in {root} is damaged; run `searchapp reindex --full`"
        ) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _prune(root)
    return name


class _BatchedPostingPool(PostingPool):
    """Whoosh's posting pool, writing its sorted runs a batch of postings per pickle.

    Past POOL_MB (about 1,000 items) the pool sorts what it holds out to a run file and
    the commit merges the runs; Whoosh pickles and unpickles them one posting at a time,
    which made every posting of a larger build cost half as much again (3,000 items:
    64 items/s, 82 batched, 99 with no runs). Same postings, same order, so the same
    index. (Overrides two methods of Whoosh 2.7.4, pinned.)
    """

    def _write_run(self, f, items):
        items = iter(items)
        while batch := list(islice(items, RUN_BATCH)):
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


def _writer(ix):
    """A Whoosh writer with the batched pool (its `poolclass` argument is ignored)."""
    writer = ix.writer(limitmb=POOL_MB)
    pool = writer.pool
    writer.pool = _BatchedPostingPool(pool.tempstore, pool.segment, limitmb=POOL_MB)
    return writer


def _link_tree(src: Path, dst: Path) -> None:
    dst.mkdir()
    for entry in os.scandir(src):
        if not entry.is_file() or entry.name == MANIFEST or entry.name.endswith("LOCK"):
            continue
        try:
            os.link(entry.path, dst / entry.name)
        except OSError:  # a file system without hard links
            shutil.copy2(entry.path, dst / entry.name)


def _fsync_tree(path: Path) -> None:
    for entry in os.scandir(path):
        if entry.is_file():
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _set_pointer(root: Path, name: str) -> None:
    tmp = root / f"{TMP_PREFIX}{POINTER}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)
    _fsync_dir(root)


def _remove_temporaries(root: Path) -> None:
    """What a crashed or killed reindex left behind (we hold the lock: none is ours)."""
    for entry in root.iterdir():
        if entry.name.startswith(TMP_PREFIX):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    _prune(root)


def _prune(root: Path) -> None:
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


# --- Stats -------------------------------------------------------------------------------


def _dir_size(path: Path) -> int:
    return sum(e.stat().st_size for e in os.scandir(path) if e.is_file())


def index_stats(root: Path, sources: Iterable[Path] | None = None) -> dict:
    """What is in the index, and whether the sources changed since it was built
    (given `sources`). Plain data: the CLI prints it, or dumps it as JSON."""
    root = Path(root)
    name = current_generation(root)
    ix = _open_generation(root, name)
    manifest = read_manifest(root, name)
    committees: Counter[str] = Counter()
    meetings: set[tuple[str, str]] = set()
    dates: list[str] = []
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            items = reader.doc_count()
            all_docs = reader.all_doc_ids() if items else ()
            if items:
                committee = reader.column_reader("committee")
                meeting_date = reader.column_reader("meeting_date")
            for docnum in all_docs:
                c = committee[docnum]
                d = meeting_date[docnum]
                day = d.date().isoformat() if isinstance(d, datetime) else ""
                committees[c] += 1
                meetings.add((c, day))
                if day:
                    dates.append(day)
    finally:
        ix.close()
    meetings_per = Counter(c for c, _ in meetings)
    files = manifest.get("files", {})
    stats = {
        "index_path": str(root),
        "generation": name,
        "built_at": manifest.get("built_at"),
        "items": items,
        "meetings": len(meetings),
        "committees": [
            {"name": c, "items": n, "meetings": meetings_per[c]}
            for c, n in sorted(committees.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "date_from": min(dates, default=None),
        "date_to": max(dates, default=None),
        "size_bytes": _dir_size(root / name),
        "files": [
            {
                "path": p,
                "sha256": e.get("sha256"),
                "items": len(e.get("indexed", [])),
                "error": e.get("error"),
            }
            for p, e in sorted(files.items())
        ],
        "failed": [
            {"path": p, "reason": e["error"]} for p, e in sorted(files.items()) if e.get("error")
        ],
        "duplicates": manifest.get("duplicates", []),
        "since_build": None,
        "up_to_date": None,
    }
    if sources is not None:
        stats["since_build"] = changes_since_build(files, sources)
        stats["up_to_date"] = not any(stats["since_build"].values())
    return stats


def changes_since_build(files: dict[str, dict], sources: Iterable[Path]) -> dict:
    """Source files added, changed or removed since the manifest `files` was written."""
    sources = [Path(p) for p in sources]
    found = find_source_files([p for p in sources if p.exists()])
    added, changed = [], []
    for path in found:
        known = files.get(str(path))
        if known is None:
            added.append(str(path))
            continue
        try:
            if _fingerprint(path, known)["sha256"] != known.get("sha256"):
                changed.append(str(path))
        except OSError:
            changed.append(str(path))
    present = {str(p) for p in found}
    removed = [p for p in files if p not in present]
    return {"added": added, "changed": changed, "removed": sorted(removed)}
