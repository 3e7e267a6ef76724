"""An item's attachments (bilag): found, and their text read a page at a time.

The readers name each item's attachments (models.AttachmentRef: the export's PDF, the
mirrored publishing-site PDF, an SBSYS enclosure, a file beside minutes that their Bilag
section names). Here, once a meeting is read, each attachment's text is read through
`extract.extract` (so a scanned page is read the way extract reads any page) into
`AttachmentRef.texts`, one entry a page, for the index; a file that cannot be read
keeps its reason in `AttachmentRef.error` and the item is indexed without its text.

Minutes PDFs do not ship their attachments, but a municipality's folder often holds
them beside the minutes. `link_beside` links such a file to the item whose Bilag
section names it, or, for a file named as an attachment of the same meeting that no
title names, to the item whose text it shares most words with.
"""

from __future__ import annotations

import math
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .extract import ExtractError, extract_document
from .models import AgendaItem, AttachmentRef, Meeting, slugify

__all__ = ["MAX_TEXT_CHARS", "link_beside", "may_link", "page_texts", "read_texts"]

# Text kept of one attachment, all pages together: a 600-page appendix is searchable in
# its first ~1,500,000 characters, and the index of one item stays bounded.
MAX_TEXT_CHARS = 1_500_000
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # an archived attachment unpacked to read it

_SPACE = re.compile(r"[ \t\u00a0]+")


def page_texts(path: Path) -> list[str]:
    """The text of each page of a PDF (or text extraction), first page first; a page
    without text is "" (blank pages at the end count too). Raises extract.ExtractError."""
    extraction = extract_document(Path(path))
    pages: dict[int, list[str]] = {}
    for line in extraction.lines:
        pages.setdefault(line.page, []).append(_SPACE.sub(" ", line.text).strip())
    if not pages:
        return []
    count = max(max(pages), extraction.pages)
    return ["\n".join(t for t in pages.get(n, ()) if t) for n in range(1, count + 1)]


def _capped(texts: list[str], limit: int = MAX_TEXT_CHARS) -> list[str]:
    out, used = [], 0
    for text in texts:
        if used + len(text) > limit:
            out.append(text[: max(0, limit - used)])
            break
        out.append(text)
        used += len(text)
    return out


def _read_one(ref: AttachmentRef) -> tuple[list[str], str]:
    """(page texts, "") or ([], the reason they could not be read)."""
    path = Path(ref.path)
    try:
        if ref.member:
            return page_texts_in_archive(path, ref.member), ""
        return page_texts(path), ""
    except ExtractError as exc:
        return [], exc.reason
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        return [], f"cannot be read ({exc})"


def page_texts_in_archive(archive: Path, member: str) -> list[str]:
    """The page texts of a file inside a zip (an SBSYS publication's enclosure)."""
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
        if info.file_size > MAX_MEMBER_BYTES:
            raise ExtractError(archive, f"{member} would unpack to {info.file_size:,} bytes")
        suffix = Path(member).suffix.lower() or ".pdf"
        with tempfile.TemporaryDirectory(prefix="searchapp-bilag-") as tmp:
            target = Path(tmp) / f"attachment{suffix}"
            target.write_bytes(zf.read(info))
            return page_texts(target)


def read_texts(meeting: Meeting) -> Meeting:
    """Fill in the page texts (and page counts) of the attachments of the meeting's
    open items; a file named by several items is read once."""
    seen: dict[tuple[str, str], tuple[list[str], str]] = {}
    for item in meeting.items:
        if item.closed:
            continue
        for ref in item.attachment_refs:
            if not ref.path or ref.texts or ref.error:
                continue  # nothing to read, or read already (link_beside)
            key = (ref.path, ref.member)
            if key not in seen:
                seen[key] = _read_one(ref)
            texts, error = seen[key]
            ref.texts, ref.error = _capped(texts), error
            if texts:
                ref.pages = len(texts)
    return meeting


# --- Files beside minutes ---------------------------------------------------------------

_BILAG_PREFIX = re.compile(r"^bilag(?:-\d+)?-")
_STEM_END = re.compile(r"-(?:referat|dagsorden|beslutningsprotokol|protokol)$")
_WORD = re.compile(r"[a-zæøå]{5,}")
MIN_TITLE_SLUG = 6  # a shorter title ("Kort") would match too many file names


def _title_slug(title: str) -> str:
    return _BILAG_PREFIX.sub("", slugify(title))


def link_beside(meeting: Meeting, minutes: Path, read: bool = True) -> Meeting:
    """Link the PDFs beside `minutes` that are its attachments: one named by an item's
    Bilag title ("...-sager-paa-vej.pdf" for "Bilag 2: Sager på vej"), or one named
    as the meeting's ("aarhus-byraad-2025-08-27-bilag-...") that no title names,
    added to the item sharing most words with it (without `read`, to the first item:
    its text is not read)."""
    minutes = Path(minutes)
    try:
        siblings = sorted(
            p for p in minutes.parent.iterdir()
            if p.suffix.lower() == ".pdf" and p != minutes and p.is_file()
        )  # fmt: skip
    except OSError:
        return meeting
    if not siblings:
        return meeting
    items = [i for i in meeting.items if not i.closed]
    linked: set[Path] = set()
    for item in items:
        for ref in item.attachment_refs:
            slug = _title_slug(ref.title)
            if ref.path or len(slug) < MIN_TITLE_SLUG:
                continue
            for sibling in siblings:
                if slugify(sibling.stem).endswith(slug):
                    ref.path = str(sibling)
                    linked.add(sibling)
                    break
    meeting_stem = _meeting_stem(minutes)
    if not meeting_stem or not items:
        return meeting  # the minutes' name does not say which of its names are the meeting's
    for sibling in siblings:
        stem = slugify(sibling.stem)
        if sibling in linked or not stem.startswith(meeting_stem + "-bilag"):
            continue
        ref = AttachmentRef(title="", path=str(sibling))
        texts, ref.error = _read_one(ref) if read else ([], "")
        ref.title = _title_of(texts, stem[len(meeting_stem) + 1 :])
        ref.texts = _capped(texts)
        ref.pages = len(texts) or None
        item = _closest(items, "\n".join(texts)) if texts else items[0]
        item.attachment_refs.append(ref)
        item.attachments.append(ref.title)
    return meeting


def _meeting_stem(minutes: Path) -> str:
    """The meeting's part of the minutes' name ("aarhus-byraad-2025-08-27" of
    "aarhus-byraad-2025-08-27-referat.pdf"), or "" when the name does not say."""
    stem = slugify(minutes.stem)
    meeting = _STEM_END.sub("", stem)
    return "" if meeting == stem else meeting


def may_link(minutes: Path, titles: Iterable[str], candidate: Path) -> bool:
    """Whether `link_beside` may link the file `candidate` to `minutes`, whose items
    name the attachments `titles` without a file: the reindex reads minutes it has
    already read again when such a file appears, changes or goes."""
    minutes, candidate = Path(minutes), Path(candidate)
    if candidate.parent != minutes.parent or candidate == minutes:
        return False
    if candidate.suffix.lower() != ".pdf":
        return False
    stem = slugify(candidate.stem)
    meeting = _meeting_stem(minutes)
    if meeting and stem.startswith(meeting + "-bilag"):
        return True
    slugs = (_title_slug(title) for title in titles)
    return any(len(slug) >= MIN_TITLE_SLUG and stem.endswith(slug) for slug in slugs)


MAX_TITLE = 120


def _title_of(texts: list[str], slug: str) -> str:
    """An attachment's title when no Bilag section gives one: its first line ("Sager
    på vej – Sundhed og Omsorg 2025"), else its file name ("bilag-sager-paa-vej" ->
    "Bilag: sager paa vej")."""
    first = next((line.strip() for t in texts[:1] for line in t.splitlines() if line.strip()),
                 "")  # fmt: skip
    if 3 <= len(first) <= MAX_TITLE:
        return first
    words = _BILAG_PREFIX.sub("", slug + "-").strip("-").replace("-", " ")
    return f"Bilag: {words}" if words else "Bilag"


def _closest(items: list[AgendaItem], text: str) -> AgendaItem:
    """The item whose text shares most of `text`'s words, each weighted by how few
    items have it (idf); the first item when none shares any."""
    def words(t: str) -> set[str]:
        return set(_WORD.findall(t.lower()))

    item_words = [words(i.text) for i in items]
    df = Counter(w for ws in item_words for w in ws)
    wanted = words(text)
    n = len(items)

    def score(k: int) -> float:  # long items share many words by their length alone
        shared = sum(math.log((n + 1) / df[w]) for w in wanted & item_words[k])
        return shared / math.sqrt(len(item_words[k]) + 1)

    best = max(range(n), key=lambda k: (score(k), -k))
    return items[best]
