"""Which files in the source folders are meetings, and which reader reads each.

A source is one file the index knows by its path: a minutes PDF, a text extraction, a
meeting system's export (eDoc's `eDocAgendaPublishing.xml`, an SBSYS publication zip
or folder), or a publishing site's meeting JSON. The format is told from the content,
never from the name. An export names other files it reads (the meeting's PDFs, its
attachments): those are its members, read through it and never as sources of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .models import Meeting
from .walk import walk_files

# Files that may hold a meeting; what they hold is told from their content.
CANDIDATE_SUFFIXES = (".pdf", ".txt", ".xml", ".zip", ".json")
HEAD_BYTES = 4096


@dataclass(frozen=True)
class ReadOptions:
    """What the config knows that a document may not say."""

    municipality: str = ""
    attachments: bool = True  # read the items' attachments' text (searchapp.attachments)


@dataclass(frozen=True)
class Reader:
    """One format: how to recognise it from a file's first bytes, read it, and list the
    other files it reads."""

    kind: str
    sniff: Callable[[Path, bytes], bool]
    read: Callable[[Path, ReadOptions], list[Meeting]]
    members: Callable[[Path], list[Path]] = field(default=lambda path: [])
    # Lower is tried first: structured exports before the minutes readers, which take
    # any .pdf or .txt (to report what is wrong with it, if it is not minutes).
    priority: int = 50


_READERS: dict[str, Reader] = {}
_READER_MODULES = ("ingest", "exports")  # modules whose import registers readers


def register(reader: Reader) -> Reader:
    _READERS[reader.kind] = reader
    return reader


def readers() -> list[Reader]:
    # Imported here, not at the top: the reader modules import this one. Every module
    # is imported, whichever registered first (ingest is imported by whoever reads).
    import importlib

    for name in _READER_MODULES:
        importlib.import_module(f"{__package__}.{name}")
    return sorted(_READERS.values(), key=lambda r: r.priority)


def head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(HEAD_BYTES)


def reader_for(path: Path) -> Reader | None:
    """The reader whose format the file's content matches, or None."""
    try:
        start = head(path)
    except OSError:
        return None
    for reader in readers():
        if reader.sniff(path, start):
            return reader
    return None


def find_source_files(
    paths: Iterable[Path],
    problems: dict[Path, str] | None = None,
    members: dict[Path, list[Path]] | None = None,
) -> list[Path]:
    """Every source under the given folders (recursively) and files: candidate files
    whose content a reader recognises, minus the files an export reads itself (given
    `members`, each source's are put there: the reindex notices when one changes).
    Hidden files and folders are skipped; symbolic links leading out of their source
    folder or looping are not followed, and are added to `problems` (see walk.py)."""
    found: dict[Path, Reader] = {}
    problems = {} if problems is None else problems
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in walk_files(path, problems):
                if child.suffix.lower() in CANDIDATE_SUFFIXES:
                    _consider(child, found)
        elif path.suffix.lower() in CANDIDATE_SUFFIXES:
            _consider(path, found)
    listed = {path: [Path(m) for m in reader.members(path)] for path, reader in found.items()}
    claimed = {m for ms in listed.values() for m in ms}
    sources = sorted(p for p in found if p not in claimed)
    if members is not None:
        members.update((p, listed[p]) for p in sources if listed[p])
    return sources


def _consider(path: Path, found: dict[Path, Reader]) -> None:
    if path not in found:
        reader = reader_for(path)
        if reader is not None:
            found[path] = reader
