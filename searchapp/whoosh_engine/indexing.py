"""The Whoosh engine's indexing side (engine.IndexStore): writing a generation beside
the one in use, publishing it, and saying what one holds.

An update is copy-on-write: the new generation starts as hard links to the files of the
current one (Whoosh writes every segment and table of contents under a new name and
only ever deletes old files, so the links are never written through), then one Whoosh
writer deletes the items of changed, removed and failed files and adds the newly
extracted ones. Unchanged files cost neither extraction nor analysis; the copy costs a
directory of links.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index

from ..engine import IndexNotFound, Progress, ProgressCallback
from ..models import AgendaItem
from . import schema
from .attachment_texts import store_texts
from .internals import BulkWriter
from .schema import build_schema, item_of, item_to_document
from .store import (
    GEN_PREFIX,
    MANIFEST,
    TMP_PREFIX,
    ReindexLock,
    current_generation,
    dir_size,
    fsync_dir,
    fsync_tree,
    generation_numbers,
    open_generation,
    prune,
    read_manifest,
    remove_temporaries,
    set_pointer,
    write_error,
)

__all__ = ["WhooshStore", "publish", "write_generation"]

# Tokens of the text fields held in memory (about 8 bytes each, 3,500 an item) before
# the writer sorts them out to a run file on disk (internals.BulkWriter); sorting takes
# about 40 bytes a token more for a moment (20,000,000: a peak 350 MB higher).
HELD_TOKENS = 5_000_000


def _writer(ix) -> BulkWriter:
    """Whoosh's segment writer, writing its postings in bulk: 3-4x faster to index."""
    return BulkWriter(ix, limit_tokens=HELD_TOKENS)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a generation is written (then
    as it was before): writing makes millions of tuples, lists and dicts (blocks,
    postings, the analysis caches) and keeps many of them, so each of the collector's
    passes walks more of them; but hardly any are in a cycle (331 objects found in
    all of Greve's build), and reference counting frees the rest as ever. Its passes
    were 0.43 s of Greve's 9.9 s CPU. Only the CLI's process writes an index."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _link_tree(src: Path, dst: Path) -> None:
    dst.mkdir()
    for entry in os.scandir(src):
        if not entry.is_file() or entry.name == MANIFEST or entry.name.endswith("LOCK"):
            continue
        try:
            os.link(entry.path, dst / entry.name)
        except OSError:  # a file system without hard links
            shutil.copy2(entry.path, dst / entry.name)


def write_generation(root: Path, base: str | None, deletes: list[str],
                     adds: list[tuple[AgendaItem, str]], manifest: dict,
                     notify: ProgressCallback) -> str:  # fmt: skip
    """Write a new generation beside the current one: `base` (None: empty) without
    `deletes`, with `adds` and `manifest`. Returns its name; not in use until
    published. Raises IndexWriteError (nothing changed) or IndexNotFound (`base` is
    damaged)."""
    name = f"{GEN_PREFIX}{max(generation_numbers(root), default=0) + 1:06d}"
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
            with collector_paused():
                for item_id in deletes:
                    writer.delete_by_term("id", item_id)
                for n, (item, sha) in enumerate(adds, 1):
                    store_texts(tmp, item)
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
        (tmp / MANIFEST).write_text(json.dumps(manifest, separators=(",", ":")),
                                    encoding="utf-8")  # fmt: skip
        fsync_tree(tmp)
        os.rename(tmp, root / name)
        fsync_dir(root)
    except OSError as exc:
        raise write_error(root, exc) from None
    except whoosh_index.EmptyIndexError:
        raise IndexNotFound(
            f"the index {base} in {root} is damaged; run `searchapp reindex --full`"
        ) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return name


def publish(root: Path, name: str) -> None:
    """Point CURRENT at a written generation (one os.replace), then remove the ones
    no reader needs any more."""
    try:
        set_pointer(root, name)
    except OSError as exc:
        raise write_error(root, exc) from None
    prune(root)


class WhooshStore:
    """The generations of the index at `root` (engine.IndexStore)."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    @property
    def format_version(self) -> int:
        return schema.SCHEMA_VERSION

    def prepare(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(self.root, exc) from None

    def lock(self, wait: bool, on_wait: Callable[[int | None], None]) -> ReindexLock:
        return ReindexLock(self.root, wait, on_wait)

    def clean(self) -> None:
        remove_temporaries(self.root)

    def current(self) -> str | None:
        return current_generation(self.root)

    def manifest(self, generation: str | None = None) -> dict:
        return read_manifest(self.root, generation)

    def stored_items(self, generation: str, ids: Iterable[str]) -> dict:
        """Items as `generation` stored them (item_json), for a rebuild to keep."""
        ix = open_generation(self.root, generation)
        try:
            with ix.searcher() as searcher:
                found = {}
                for item_id in ids:
                    doc = searcher.document(id=item_id)
                    if doc:
                        found[item_id] = (item_of(doc), doc.get("source_hash", ""))
                return found
        finally:
            ix.close()

    def write(self, base, deletes, adds, manifest, notify) -> str:
        return write_generation(self.root, base, deletes, adds, manifest, notify)

    def publish(self, generation: str) -> None:
        publish(self.root, generation)

    def describe(self, generation: str | None = None) -> dict:
        """Items, meetings, committees (with their items and meetings), the meeting
        dates' range and the size on disk of a generation (default: the current one)."""
        name = generation or self.current()
        ix = open_generation(self.root, name)
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
        return {
            "generation": name,
            "items": items,
            "meetings": len(meetings),
            "committees": [
                {"name": c, "items": n, "meetings": meetings_per[c]}
                for c, n in sorted(committees.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "date_from": min(dates, default=None),
            "date_to": max(dates, default=None),
            "size_bytes": dir_size(self.root / name),
        }
