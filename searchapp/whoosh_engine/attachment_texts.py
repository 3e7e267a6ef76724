"""Attachments' page texts, kept beside a generation's segments, out of the stored items.

The attachment text is indexed (schema.ATTACHMENT_FIELD) but not stored with the item:
every search loads its hits' stored fields whole, and a 108-page report would be
read, unpickled and thrown away with each of them. Instead each attachment's pages are
one zlib-compressed file in the generation's folder, named by the hash of its content
(`bilag-<sha1>.z`, the key kept in AttachmentRef.text_key): read only for a hit found
through its attachments, for the snippet and the page. Files named by their content are
never rewritten, so they are hard-linked into the next generation with the segments
(indexing._link_tree) and shared by identical attachments.
"""

from __future__ import annotations

import hashlib
import os
import threading
import zlib
from collections import OrderedDict
from pathlib import Path

from ..models import AgendaItem

__all__ = ["PREFIX", "attachment_text", "read_pages", "store_texts"]

PREFIX = "bilag-"
SUFFIX = ".z"
_PAGE_BREAK = "\f"
KEPT = 16  # attachments a process keeps decompressed (the hits of a page share them)


def _file(folder: Path, key: str) -> Path:
    return Path(folder) / f"{PREFIX}{key}{SUFFIX}"


def store_texts(folder: Path, item: AgendaItem) -> None:
    """Write each attachment's page texts into `folder` (once per content) and set its
    text_key; the texts stay on the item for the indexing."""
    for ref in item.attachment_refs:
        if not ref.texts:
            continue
        data = zlib.compress(
            _PAGE_BREAK.join(t.replace(_PAGE_BREAK, " ") for t in ref.texts).encode("utf-8"), 6
        )
        key = hashlib.sha1(data).hexdigest()
        path = _file(folder, key)
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        ref.text_key = key


def attachment_text(item: AgendaItem) -> str:
    """What is indexed of the item's attachments: their pages, one after the other."""
    return "\n\n".join(t for ref in item.attachment_refs for t in ref.texts if t)


_cache: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
_lock = threading.Lock()


def read_pages(folder: Path, key: str) -> list[str]:
    """The page texts kept under `key` ([] when they are gone: a generation pruned
    under a long request, or an item carried over from a damaged one)."""
    if not key or not key.isalnum():
        return []
    cache_key = (str(folder), key)
    with _lock:
        pages = _cache.get(cache_key)
        if pages is not None:
            _cache.move_to_end(cache_key)
            return pages
    try:
        pages = zlib.decompress(_file(folder, key).read_bytes()).decode("utf-8").split(_PAGE_BREAK)
    except (OSError, zlib.error, UnicodeDecodeError):
        return []
    with _lock:
        _cache[cache_key] = pages
        while len(_cache) > KEPT:
            _cache.popitem(last=False)
    return pages
