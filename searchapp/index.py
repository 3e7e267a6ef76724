"""Reindex: bring an engine's index up to date with the source files.

Engine-neutral: the plan is made here, the generations are the engine's (an
engine.IndexStore; the Whoosh engine's layout on disk is whoosh_engine/store.py).
A reindex, under the store's lock:

1. scans the source files and fingerprints them against the manifest of the generation
   in use (path -> sha256, the size and mtime of the files an export reads besides
   itself, item ids, failure): unchanged files are not read again;
2. extracts the new, changed and previously failed ones, each in a worker process
   with a time and a memory limit (workers.py; `_extract` is the call);
3. decides which file each item is indexed from (duplicates: a PDF before its text
   extraction); a file that fails keeps the items it had;
4. writes the changes as a new generation beside the one in use, with its manifest,
   and publishes it in one step: a reader sees the old index or the new one, never a
   mix, and a crash, Ctrl-C or SIGKILL at any point leaves the old one serving.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import ocr
from .attachments import may_link
from .config import municipality_for
from .engine import (
    IndexLocked,
    IndexNotFound,
    IndexProblem,
    IndexStore,
    IndexWriteError,
    Progress,
    ProgressCallback,
    SourcesNotFound,
    open_store,
)
from .ingest import IngestError, find_source_files, ingest_file
from .models import AgendaItem
from .workers import Limits, Stopped, WorkerStartError, more_time, run_isolated

__all__ = [
    "IndexLocked",
    "IndexNotFound",
    "IndexProblem",
    "IndexWriteError",
    "Progress",
    "ReindexReport",
    "SourcesNotFound",
    "build_index",
    "index_stats",
    "reindex",
]

DEFAULT_WORKERS = 2  # PDF extraction is CPU bound; the server this runs on has two cores
QUARANTINE_NOTE = "not read again until the file changes (or `searchapp reindex --full`)"


def _store(root_or_store: Path | str | IndexStore) -> IndexStore:
    if isinstance(root_or_store, str | Path):
        return open_store(root_or_store)
    return root_or_store


# --- Reindex: results and progress -----------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """Items of `dropped` that `kept` also has (same meeting, same item numbers)."""

    dropped: Path
    kept: Path
    items: int


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
    # Files that are not minutes but an attachment of minutes beside them (file, minutes):
    # the progress line of such a file may have said it failed as minutes.
    attachments_beside: list[tuple[Path, Path]] = field(default_factory=list)
    # Scanned pages: read by OCR now, taken from the OCR cache, left unread (OCR off or
    # not installed: `ocr_problem` says why and what to install).
    ocr_pages: int = 0
    ocr_cached_pages: int = 0
    ocr_seconds: float = 0.0
    ocr_skipped_pages: int = 0
    ocr_problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed


# --- Reindex: extraction (in worker processes) -----------------------------------------


def _ingest_one(
    path: Path, municipality: str = "", ocr_settings: ocr.OcrSettings | None = None,
    attachments: bool = True,
) -> tuple[list[AgendaItem] | None, str | None, dict]:
    """Items or the reason there are none, and what OCR did (OcrStats.as_dict). Top
    level, so worker processes can run it. Any exception is one file's failure: a
    parser bug must not stop the other files. MemoryError goes through: the worker
    reports the file as past its memory limit. Each scanned page gets its own time
    budget (workers.more_time), so a long scan is not stopped as a hostile file.
    `attachments`: read the items' attachments too."""
    with ocr.using(ocr_settings, on_page=more_time) as stats:
        try:
            items = ingest_file(path, municipality=municipality, attachments=attachments)
        except IngestError as exc:
            return None, exc.reason, stats.as_dict()
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported per file, retried next run
            return None, f"unexpected error: {type(exc).__name__}: {exc}", stats.as_dict()
    if not items:
        return None, "no agenda items found", stats.as_dict()
    return items, None, stats.as_dict()


ExtractResult = tuple[list[AgendaItem] | None, str | None, dict] | Stopped


def _extract(
    paths: Sequence[Path],
    workers: int,
    limits: Limits,
    on_done: Callable[[Path, ExtractResult], None],
    municipality: Callable[[Path], str] = lambda path: "",
    ocr_settings: ocr.OcrSettings | None = None,
    on_ocr_page: Callable[[Path, float], None] = lambda path, seconds: None,
    attachments: bool = True,
) -> None:
    """Each file in a worker process under `limits` (see workers.py); with workers=0
    in this process, without limits (for tests and debugging). `attachments`: read the
    items' attachments too."""
    if workers <= 0:
        for path in paths:
            on_done(path, _ingest_one(path, municipality(path), ocr_settings, attachments))
        return
    try:
        run_isolated(
            _ingest_one, paths, workers, limits, on_done,
            args=lambda path: (municipality(path), ocr_settings, attachments),
            on_more_time=on_ocr_page,
        )  # fmt: skip
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


def _member_stats(members: list[Path]) -> dict[str, list[int]]:
    """Size and mtime of each file a source reads besides itself (an export's
    attachments, listed by its reader's `members`): part of the source's fingerprint,
    so one that changed, appeared or vanished has the source read again. Stat only,
    like _fingerprint's shortcut: an unchanged tree costs no reading."""
    stats = {}
    for member in members:
        try:
            st = member.stat()
        except OSError:
            continue  # gone since it was listed: vanished
        stats[str(member)] = [st.st_size, st.st_mtime_ns]
    return stats


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
    attachment_of: str = ""  # the minutes whose item it is an attachment of (not minutes)
    members: dict[str, list[int]] = field(default_factory=dict)  # _member_stats
    # Attachments its items name that no file was found for (minutes PDFs): a file
    # appearing beside it later may be one (attachments.may_link).
    unlinked: list[str] = field(default_factory=list)

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
        if self.attachment_of:
            entry["attachment_of"] = self.attachment_of
        if self.members:
            entry["members"] = self.members
        if self.unlinked:
            entry["unlinked_attachments"] = self.unlinked
        return entry


class ReindexRun:
    """One reindex, under the store's lock: scan, extract, decide which copy of each
    item the index holds, write. Nothing changes before the store publishes."""

    def __init__(
        self,
        store: IndexStore,
        full: bool,
        notify: ProgressCallback,
        workers: int,
        municipalities: dict[Path, str] | None = None,
        limits: Limits | None = None,
        ocr_settings: ocr.OcrSettings | None = None,
        attachments: bool = True,
    ):
        self.store, self.notify, self.workers = store, notify, workers
        self.municipalities = municipalities or {}
        self.limits = limits or Limits()
        self.ocr = ocr_settings
        self.report = ReindexReport(full=full)
        self.full = full
        self.base = store.current()
        old: dict = {}
        if self.base:
            try:
                old = store.manifest(self.base)
            except IndexNotFound:
                self.report.notes.append(f"{self.base} has no manifest: rebuilt from scratch")
        self.old = old
        self.old_files: dict[str, dict] = old.get("files", {})
        version = store.format_version
        if old and old.get("schema_version") != version:
            self.report.notes.append("the index format changed: rebuilt from scratch")
        self.use_base = bool(old) and not full and old.get("schema_version") == version
        if self.use_base and old.get("attachments", True) != attachments:
            self.report.notes.append(
                f"attachments turned {'on' if attachments else 'off'}: rebuilt from scratch"
            )
            self.use_base = False
        self.read_attachments = attachments
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
        # Source files an item read this run has as an attachment: {file: (the file
        # the item is from, why its text could not be read or "")}.
        self.attachments: dict[Path, tuple[Path, str]] = {}
        # Progress lines of PDFs that failed as minutes beside other PDFs: they may be
        # an attachment of those minutes, told once the minutes have been read.
        self.held: dict[Path, Progress] = {}
        self.pdf_folders: Counter[Path] = Counter()  # folder -> its PDF source files

    def run(self, sources: list[Path]) -> ReindexReport:
        report = self.report
        to_extract = self.scan(sources)
        self.pdf_folders.update(p.parent for p in self.states if p.suffix.lower() == ".pdf")
        self.count["total"] = len(to_extract)
        unchanged = len(self.states) - len(to_extract)
        self.notify(Progress("plan", total=len(to_extract), message=(
            f"{len(self.states)} source files: {len(to_extract)} to extract, {unchanged} unchanged"
        )))  # fmt: skip
        self.extract(to_extract)
        claims, owner = self.resolve()
        self.settle_attachments()
        self.tell_held()
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
            "schema_version": self.store.format_version,
            "attachments": self.read_attachments,
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
        report.generation = self.store.write(base, deletes, adds, manifest, self.notify)
        self.store.publish(report.generation)
        report.new_generation = True
        return report

    def scan(self, sources: list[Path]) -> list[Path]:
        """Fingerprint every source file; return those to extract."""
        report, to_extract = self.report, []
        problems: dict[Path, str] = {}  # symbolic links not followed (walk.py)
        members: dict[Path, list[Path]] = {}  # the files each export reads (its attachments)
        for path in sorted({*find_source_files(sources, problems, members=members), *problems}):
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
                path, **fp, municipality=municipality_for(path, self.municipalities),
                members=_member_stats(members.get(path, [])),
            )  # fmt: skip
            if known is None:
                report.added.append(path)
            elif (
                known["sha256"] != state.sha256
                or known.get("members", {}) != state.members
                or known.get("municipality", "") != state.municipality
            ):  # a changed file or attachment, or the config names another municipality
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
                state.attachment_of = known.get("attachment_of", "")
                state.unlinked = list(known.get("unlinked_attachments", []))
            else:
                to_extract.append(path)
        report.removed = [Path(p) for p in self.old_files if Path(p) not in self.states]
        return to_extract + self.owners_of_changed_attachments(to_extract, report)

    def owners_of_changed_attachments(
        self, to_extract: list[Path], report: ReindexReport
    ) -> list[Path]:
        """The unchanged minutes whose attachment (a file beside them) changed or was
        removed, or that a file beside them that appeared or changed may be an
        attachment of: read again, so that their item has the attachment's new text or
        none."""
        owners = []
        beside = self.minutes_beside([*report.added, *report.changed, *report.removed])
        for path in [*to_extract, *report.removed]:
            linked = Path(self.old_files.get(str(path), {}).get("attachment_of") or ".")
            for owner in [linked, *beside.get(path, [])]:
                if owner in self.states and owner not in to_extract and owner not in owners:
                    if self.states[owner].error is None:
                        owners.append(owner)
        return owners

    def minutes_beside(self, paths: list[Path]) -> dict[Path, list[Path]]:
        """For each of `paths`, the minutes read before (in the index, unchanged) in its
        folder whose attachment it may be."""
        minutes: dict[Path, list[_FileState]] = defaultdict(list)
        for state in self.states.values():
            if state.ids and state.path.suffix.lower() == ".pdf":
                minutes[state.path.parent].append(state)
        return {
            path: [m.path for m in minutes[path.parent] if may_link(m.path, m.unlinked, path)]
            for path in paths
        }  # fmt: skip

    def settle_attachments(self) -> None:
        """A source file that is an attachment of an item read this run is that, not
        failed minutes: its text is indexed with the item. One that could not be read
        stays failed, saying whose attachment it is."""
        for path, (owner, error) in self.attachments.items():
            state = self.states.get(path)
            if state is None or path not in self.failures or state.quarantined:
                continue
            if error:
                self.failures[path] = f"an attachment of {owner.name} that cannot be read: {error}"
                state.error = self.failures[path]
                continue
            del self.failures[path]
            state.error, state.attachment_of = None, str(owner)
            self.report.attachments_beside.append((path, owner))
            if state.fresh is None and not state.ids:
                state.fresh = {}

    def extract(self, paths: list[Path]) -> None:
        self.extracted.update(paths)
        _extract(
            paths, self.workers, self.limits, self.on_extracted, self.municipality_of,
            self.ocr, self.on_ocr_page, self.read_attachments,
        )  # fmt: skip

    def on_ocr_page(self, path: Path, seconds: float) -> None:
        """A worker starts OCR of a scanned page (and took its time budget)."""
        self.count["ocr"] += 1
        self.notify(Progress("ocr", done=self.count["ocr"], path=path))

    def count_ocr(self, stats: dict) -> None:
        report = self.report
        report.ocr_pages += stats["pages"]
        report.ocr_cached_pages += stats["cached"]
        report.ocr_seconds += stats["seconds"]
        report.ocr_skipped_pages += stats["skipped"]
        report.ocr_problem = stats["problem"] or report.ocr_problem

    def municipality_of(self, path: Path) -> str:
        return self.states[path].municipality if path in self.states else ""

    def on_extracted(self, path: Path, result: ExtractResult) -> None:
        state = self.states[path]
        ocr_pages = 0
        if isinstance(result, Stopped):
            items, reason = None, f"{result.reason}; {QUARANTINE_NOTE}"
            state.quarantined = True
        else:
            items, reason, ocr_stats = result
            self.count_ocr(ocr_stats)
            ocr_pages = ocr_stats["pages"] + ocr_stats["cached"]
        if items is None:
            self.failures[path] = reason
            self.fall_back(state, reason)
        else:
            fresh: dict[str, tuple[AgendaItem, str]] = {}
            for item in items:
                fresh.setdefault(item.id, (item, state.sha256))
            self.repeats[path] = len(items) - len(fresh)
            state.fresh, state.ids, state.error = fresh, list(fresh), None
            state.unlinked = _unlinked(path, items)
            self.note_attachments(path, items)
            self.failures.pop(path, None)
            self.count["items"] += len(fresh)
        self.count["done"] += 1
        event = Progress(
            "extract", done=self.count["done"], total=self.count["total"],
            items=self.count["items"], file_items=len(items or ()), path=path, error=reason,
            ocr_pages=ocr_pages,
        )  # fmt: skip
        if reason and not state.quarantined and self.beside_other_pdfs(path):
            self.held[path] = event  # not minutes; perhaps an attachment of those beside it
        else:
            self.notify(event)

    def beside_other_pdfs(self, path: Path) -> bool:
        return path.suffix.lower() == ".pdf" and self.pdf_folders[path.parent] > 1

    def tell_held(self) -> None:
        """The held progress lines, now that the minutes beside them have been read
        (settle_attachments): failed, or an attachment of whose."""
        for path, event in self.held.items():
            if path in self.failures:
                event = replace(event, error=self.failures[path])
            else:
                owner = Path(self.states[path].attachment_of).name
                event = replace(event, error=None, message=f"an attachment of {owner}")
            self.notify(event)
        self.held.clear()

    def note_attachments(self, path: Path, items: list[AgendaItem]) -> None:
        for item in items:
            for ref in item.attachment_refs:
                if ref.path and not ref.member:
                    self.attachments[Path(ref.path)] = (path, ref.error)
                if ref.error:
                    self.report.notes.append(
                        f"{path}: attachment {ref.title!r} of item {item.number} is not "
                        f"searchable: {ref.error}"
                    )

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
        try:
            return self.store.stored_items(self.base, ids)
        except Exception as exc:  # noqa: BLE001 - an old format: nothing to carry over
            self.report.notes.append(f"could not keep items from {self.base}: {exc}")
            return {}

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


def _unlinked(path: Path, items: list[AgendaItem]) -> list[str]:
    """The titles of the attachments the items of minutes name without a file."""
    if path.suffix.lower() != ".pdf":
        return []  # an export or a site names its attachments' files itself
    return sorted({
        ref.title for item in items if not item.closed
        for ref in item.attachment_refs if not ref.path and ref.title
    })  # fmt: skip


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
    root: Path | str | IndexStore,
    *,
    full: bool = False,
    wait: bool = False,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    municipalities: dict[Path, str] | None = None,
    limits: Limits | None = None,
    ocr_settings: ocr.OcrSettings | None = None,
    attachments: bool = True,
) -> ReindexReport:
    """Bring the index at `root` (a path: the configured engine's; or an IndexStore)
    up to date with the files under `sources`. Scanned pages are read by OCR with
    `ocr_settings` (None: ocr.py's defaults, no cache).

    Incremental unless `full`: only new, changed and previously failed files are
    extracted (with `attachments`, the items' attachments are read and indexed too).
    A file that fails keeps the items it had in the index and is retried
    next run. Raises IndexLocked, IndexWriteError or SourcesNotFound, each before
    anything changed; KeyboardInterrupt also leaves the index in use as it was.
    """
    started = time.monotonic()
    notify = progress or (lambda event: None)
    store = _store(root)
    sources = [Path(p) for p in sources]
    missing = [p for p in sources if not p.exists()]
    if missing:
        raise SourcesNotFound(
            "source not found: "
            + ", ".join(str(p) for p in missing)
            + " (check sources.paths in the config; is the share mounted?)"
        )
    store.prepare()

    def on_wait(pid):
        notify(Progress("wait", message=f"waiting for another reindex (pid {pid}) to finish"))

    with store.lock(wait, on_wait):
        store.clean()
        workers = DEFAULT_WORKERS if workers is None else workers
        run = ReindexRun(store, full, notify, workers, municipalities, limits, ocr_settings,
                         attachments)  # fmt: skip
        report = run.run(sources)
    if report.ocr_skipped_pages:
        report.notes.append(
            f"{report.ocr_skipped_pages} scanned page(s) were not read: {report.ocr_problem}"
        )
    report.seconds = time.monotonic() - started
    return report


def build_index(
    items: Iterable[AgendaItem], root: Path | str | IndexStore, *, wait: bool = True
) -> str:
    """Publish a new generation holding exactly `items` (the first of each id); returns
    its name. For tests, fixtures, the benchmark and tools that parse files themselves.
    A later reindex sees those items' sources as unknown files and replaces their items."""
    store = _store(root)
    store.prepare()
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
    with store.lock(wait, lambda pid: None):
        store.clean()
        manifest = {
            "schema_version": store.format_version,
            "files": files,
            "duplicates": [],
            "previous": store.current(),
        }
        adds = [(item, "") for item in unique.values()]
        name = store.write(None, [], adds, manifest, lambda event: None)
        store.publish(name)
        return name


# --- Stats -------------------------------------------------------------------------------


def index_stats(root: Path | str | IndexStore, sources: Iterable[Path] | None = None) -> dict:
    """What is in the index (the store's account of the generation in use), where it
    was built from, and whether the sources changed since (given `sources`). Plain
    data: the CLI prints it, or dumps it as JSON."""
    store = _store(root)
    name = store.current()
    contents = store.describe(name)
    manifest = store.manifest(name)
    files = manifest.get("files", {})
    stats = {
        "index_path": str(getattr(store, "root", root)),
        "generation": name,
        "built_at": manifest.get("built_at"),
        **{k: v for k, v in contents.items() if k != "generation"},
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
    members: dict[Path, list[Path]] = {}
    found = find_source_files([p for p in sources if p.exists()], members=members)
    added, changed = [], []
    for path in found:
        known = files.get(str(path))
        if known is None:
            added.append(str(path))
            continue
        try:
            if _fingerprint(path, known)["sha256"] != known.get("sha256") or known.get(
                "members", {}
            ) != _member_stats(members.get(path, [])):
                changed.append(str(path))
        except OSError:
            changed.append(str(path))
    present = {str(p) for p in found}
    removed = [p for p in files if p not in present]
    return {"added": added, "changed": changed, "removed": sorted(removed)}
