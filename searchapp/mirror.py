"""The fetch mirror on disk: where each site's meetings and attachments live, the
record of what was fetched, and writes that a reader never sees half done.

Layout of the mirror folder (config `fetch.folder`)::

    mirror/
      .fetch-state.json            per URL: ETag, Last-Modified, SHA-256, file
      .fetch.lock                  flock'ed while a fetch runs
      dagsordener.greve.dk/        one folder per site
        udvalgsliste.json          the site's committee list, as last sent
        moeder/                    a source of reindex: one meeting per file, byte for
          Økonomiudvalget_2023-05-08_<moede-id>.json    byte as the site sent it
        bilag/                     the items' attachments, beside the meetings
          <bilag-id>.pdf

Only `moeder/` is a source: the attachments are not minutes, and a reader that wants
them finds them with `attachment_file`.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

MEETINGS_DIR = "moeder"
ATTACHMENTS_DIR = "bilag"
COMMITTEE_LIST = "udvalgsliste.json"
STATE_FILE = ".fetch-state.json"
LOCK_FILE = ".fetch.lock"
TMP_PREFIX = ".tmp-"
STATE_VERSION = 1

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_UNPRINTABLE = ("Cc", "Cf", "Cs", "Zl", "Zp")


def _safe(text: str, replacement: str, limit: int) -> str:
    """A part of a file name from a site's text: no path separators, no characters
    Windows shares refuse, no control or bidirectional-formatting characters."""
    text = "".join(c for c in text if unicodedata.category(c) not in _UNPRINTABLE)
    return _UNSAFE.sub(replacement, text).strip(". ")[:limit].strip(". ")


def site_folder_name(url: str) -> str:
    """ "https://dagsordener.greve.dk" -> "dagsordener.greve.dk"; a port or a path
    is kept ("127.0.0.1_8080", "example.dk_dagsordener") so two sites never share one."""
    parts = urlsplit(url)
    name = (parts.hostname or "").lower()
    if parts.port:
        name += f"_{parts.port}"
    path = "_".join(p for p in parts.path.split("/") if p)
    if path:
        name += "_" + path
    return _UNSAFE.sub("_", name).strip(". ") or "site"


def meeting_file_name(committee: str, day: str, meeting_id: str) -> str:
    """ "Økonomiudvalget_2023-05-08_<id>.json": readable in a listing, unique by id."""
    committee = _safe(committee, " ", 80) or "Udvalg"
    return f"{committee}_{day or 'ukendt-dato'}_{_safe(meeting_id, '_', 100) or 'id'}.json"


def attachment_file_name(attachment_id: str) -> str:
    return (_safe(attachment_id, "_", 100) or "bilag") + ".pdf"


def attachment_file(meeting_file: Path, attachment_id: str) -> Path | None:
    """The mirrored PDF of a `Bilag` (by its `Id`) of a mirrored meeting file, or None
    when it was not fetched (attachments turned off, over the size limit, failed)."""
    path = Path(meeting_file).parent.parent / ATTACHMENTS_DIR / attachment_file_name(attachment_id)
    return path if path.is_file() else None


# --- Writing ---------------------------------------------------------------------------


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_file(path: Path, sync_dir: bool = True) -> Iterator[tuple[object, Path]]:
    """(binary file, its temporary path) to write `path` through: the file appears
    under its name, complete and synced, only when the block ends without an error;
    else the temporary file is removed and an existing `path` stays as it was.
    The temporary name starts with a dot, so a reindex scanning the folder skips it.
    `sync_dir=False` leaves syncing the folder (making the rename durable) to the
    caller, who can do it once for many files."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX + path.name + ".", dir=path.parent)
    tmp_path = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f, tmp_path
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
        if sync_dir:
            fsync_dir(path.parent)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, sync_dir: bool = True) -> None:
    with atomic_file(path, sync_dir) as (f, _):
        f.write(data)


def adopt_atomic(tmp: Path, path: Path, sync_dir: bool = True) -> None:
    """Move a finished, synced temporary file (in `path`'s folder) to its name."""
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    if sync_dir:
        fsync_dir(path.parent)


def remove_temporaries(root: Path) -> int:
    """Delete what an interrupted fetch left (its temporary files); returns how many."""
    removed = 0
    if not root.is_dir():
        return 0
    for tmp in root.rglob(TMP_PREFIX + "*"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


# --- State -----------------------------------------------------------------------------


def load_state(root: Path) -> dict:
    """What earlier fetches recorded; a missing or unreadable record means starting
    over, which costs downloads but loses nothing (files are compared by hash)."""
    try:
        state = json.loads((Path(root) / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return {"version": STATE_VERSION, "sites": {}}
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        return {"version": STATE_VERSION, "sites": {}}
    state.setdefault("sites", {})
    return state


def save_state(root: Path, state: dict) -> None:
    data = json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    write_atomic(Path(root) / STATE_FILE, data)


# --- The lock --------------------------------------------------------------------------


class MirrorLocked(Exception):
    def __init__(self, root: Path, pid: int | None):
        who = f" (pid {pid})" if pid else ""
        super().__init__(
            f"another fetch is running{who} on {root}; "
            "wait for it to finish, or use --wait to queue behind it"
        )
        self.pid = pid


@contextmanager
def mirror_lock(root: Path, wait: bool = False, on_wait=None) -> Iterator[None]:
    """flock on root/.fetch.lock: one fetch at a time per mirror; dies with the process."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                pid = int(os.pread(fd, 32, 0).decode().strip())
            except (OSError, ValueError):
                pid = None
            if not wait:
                raise MirrorLocked(root, pid) from None
            if on_wait:
                on_wait(pid)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
