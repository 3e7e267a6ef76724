"""The files under a source folder, walked the way /files/ serves them.

A symbolic link is followed only when it leads to a file or folder inside the source
folder it was found in (the web app's /files/ refuses anything else, so an item read
through such a link would get a PDF link that 404s, and a link to /etc/passwd would be
read into the index). A link leading out, a link that loops and a folder link back to
a folder above it are reported by name, never followed. Hidden files and folders
(".name") are skipped.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def walk_files(root: Path, problems: dict[Path, str]) -> Iterator[Path]:
    """Every regular file under `root` (through links that stay inside it), in sorted
    order; what is not followed is added to `problems` as path -> reason."""
    root = Path(root)
    real_root = os.path.realpath(root)
    visited: set[str] = set()

    def visit(folder: Path, real: str, above: tuple[str, ...]) -> Iterator[Path]:
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems[folder] = f"cannot read the folder: {exc.strerror or exc}"
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if not entry.is_symlink():
                if entry.is_dir(follow_symlinks=False):
                    yield from visit(path, os.path.join(real, entry.name), (*above, real))
                elif entry.is_file(follow_symlinks=False):
                    yield path
                continue
            try:
                target = os.path.realpath(path, strict=True)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    problems[path] = "the symbolic link loops (it leads back to itself)"
                # else a dangling link: nothing to read, nothing to report
                continue
            if not _inside(target, real_root):
                problems[path] = (
                    f"a symbolic link to {target}, outside the source folder {root}: "
                    "not followed"
                )
            elif os.path.isdir(target):
                if target in above or target == real:
                    problems[path] = (
                        f"a symbolic link to {target}, a folder above it (a loop): not followed"
                    )
                elif target not in visited:  # else its files are listed under another path
                    yield from visit(path, target, (*above, real))
            elif os.path.isfile(target):
                yield path

    if root.is_dir():
        yield from visit(root, real_root, ())
