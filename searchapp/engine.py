"""The engine boundary: what the web app, the CLI, the feed, the CSV export and the
benchmark know of the index, and all they know of it.

A `SearchEngine` answers searches with typed results (results.py) and looks items up;
its indexing side, an `IndexStore`, holds generations of the index: the one in use, and
a new one written beside it and published in one step. The Whoosh engine
(searchapp.whoosh_engine) implements both; `open_engine` and `open_store` give the one
configured. Everything about how a query is run, how text is analysed and how the index
is laid out stays behind these two; in front of them, the request (query.py), the query
tree (querytree.py) and the results (results.py) are the project's own.

docs/architecture.md draws the stages and says how a second engine (OpenSearch, for a
national corpus) would implement the same interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .models import AgendaItem
    from .query import SearchRequest
    from .results import ItemSummary, Marker, SearchResult

__all__ = [
    "Budget",
    "IndexLocked",
    "IndexNotFound",
    "IndexProblem",
    "IndexStore",
    "IndexWriteError",
    "Progress",
    "ProgressCallback",
    "SearchEngine",
    "SearchStopped",
    "SourcesNotFound",
    "open_engine",
    "open_store",
]


# --- Problems a person must act on -----------------------------------------------------------


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


# --- Searching -------------------------------------------------------------------------------


class SearchStopped(Exception):
    """What a Budget raises to end a search: it goes through the engine untouched (no
    second try with the plain words), to the caller."""


class Budget(Protocol):
    """What a search may spend. The engine calls `checkpoint` at the natural places
    to stop one: before each leaf of the query, before the snippets, before the
    suggestion ("leaf", "snippets", "suggest"); raising a SearchStopped there ends the
    search. (Issue #14 sets the limits.)"""

    def checkpoint(self, stage: str) -> None: ...


class SearchEngine(Protocol):
    """The search side of an engine, for a long-running process: it keeps serving the
    generation in use and picks up a newly published one by itself. Methods raise
    IndexNotFound while there is no index."""

    @property
    def generation(self) -> str:
        """The generation in use ("gen-000007"): it never changes once published, so
        it is a safe cache key for anything computed from the index."""

    def exists(self) -> bool:
        """Whether there is an index to search."""

    def search(
        self,
        request: SearchRequest,
        *,
        facets: bool = True,
        snippets: bool = True,
        budget: Budget | None = None,
        timings: bool = False,
    ) -> SearchResult:
        """One page of results, the facets (None without `facets`: the filters still
        apply), the total and a spelling suggestion. Without `snippets` the hits carry
        none (for the benchmark's cost of them); with `timings` the result says how long
        each stage took."""

    def rows(self, request: SearchRequest) -> Iterator[dict]:
        """Every item the request matches, in its order, as results.CSV_COLUMNS dicts.
        A generator holding what it reads until it is exhausted or closed."""

    def item(self, item_id: str) -> AgendaItem | None:
        """The item with this id, as it was indexed."""

    def item_view(self, item: AgendaItem) -> dict:
        """The item as /api/items shows it (results.item_view with this engine's links)."""

    def same_meeting(self, item: AgendaItem | dict | None = None, *, municipality: str = "",
                     committee: str = "", meeting_date: str = "") -> list[ItemSummary]:  # fmt: skip
        """The items of the item's meeting (or of the municipality's committee's meeting
        that day), in agenda order."""

    def meeting_items(self, meeting_id: str) -> list[AgendaItem]:
        """Every item of the meeting with this id (models.meeting_id), whole, in agenda
        order: what its record (people.records.meeting_record) is made of."""

    def person_items(self, person_id: str) -> list[AgendaItem]:
        """The items that name a person (people.records.person_id): one item of each
        meeting whose attendance lists them (every item carries its meeting's), and
        every item where they are named in a position."""

    def parties_seen(self, person_ids: list[str], meeting_date: str) -> dict:
        """{person id: (party letter, meeting date)}: the party the minutes write each
        person with at the meeting nearest to `meeting_date` that writes one
        (people.records.nearest_party); a person never written with one is left out."""

    def same_case(self, item_or_number: AgendaItem | dict | str) -> list[ItemSummary]:
        """Every item of a case (any form of its number, or an item having one), oldest
        meeting first."""

    def marker(self, q: str) -> Marker:
        """What marks the words of the search box `q` in any text, as the snippets mark
        them (the item page marks its text with it)."""

    def stats(self) -> dict:
        """What this process's searches did: how many, and how many fell back (a query
        the syntax or the engine could not take, searched as its plain words; a typed
        date that found nothing, searched as words); and what the engine keeps for them
        (the Whoosh engine: its posting cache, "posting_cache")."""

    def close(self) -> None: ...


# --- Indexing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """What a reindex is doing, for a progress bar or a log line.

    stage: "wait" (for the lock), "plan" (files scanned: `total` to extract),
    "extract" (one file done: `done` of `total`, `file_items` from it, `items` so far,
    `error` if it failed, `ocr_pages` of it read by OCR or from the OCR cache, `message`
    what a file that is not minutes is instead; the line of a file that failed as minutes
    beside other PDFs comes once those have been read: it may be their attachment),
    "ocr" (a worker starts OCR of a scanned page of `path`: `done` pages so far),
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
    ocr_pages: int = 0


ProgressCallback = Callable[[Progress], None]


class IndexStore(Protocol):
    """The indexing side of an engine: the generations of one index. index.py plans a
    reindex from the manifest of the generation in use, writes the changes as a new
    generation beside it, and publishes that in one step; a reader never sees half of
    one."""

    @property
    def format_version(self) -> int:
        """The version of what this store writes: a generation of another version is
        rebuilt from scratch, not updated."""

    def prepare(self) -> None:
        """Make the place the index lives (raises IndexWriteError)."""

    def lock(self, wait: bool, on_wait: Callable[[int | None], None]) -> AbstractContextManager:
        """One reindex at a time: raises IndexLocked, or with `wait` calls on_wait(pid)
        and blocks until the other one is done."""

    def clean(self) -> None:
        """Remove what a crashed reindex left (under the lock)."""

    def current(self) -> str | None:
        """The generation in use, None for no index."""

    def manifest(self, generation: str | None = None) -> dict:
        """The manifest a generation was written with (raises IndexNotFound)."""

    def stored_items(self, generation: str, ids: Iterable[str]) -> dict:
        """{id: (AgendaItem, source hash)} as `generation` holds them."""

    def write(self, base: str | None, deletes: list[str], adds: list, manifest: dict,
              notify: ProgressCallback) -> str:  # fmt: skip
        """A new generation: `base` (None: empty) without the items `deletes`, with
        `adds` ((AgendaItem, source hash) pairs), and `manifest`; not yet in use.
        Returns its name. Raises IndexWriteError, nothing changed."""

    def publish(self, generation: str) -> None:
        """Put a written generation in use, in one step."""

    def describe(self, generation: str | None = None) -> dict:
        """What a generation holds: items, meetings, committees, dates, size on disk."""


def open_engine(index_path: Path | str, sources: Iterable[Path | str] = (),
                cache_mb: float | None = None) -> SearchEngine:  # fmt: skip
    """The configured engine over the index at `index_path`; `sources` are the source
    folders, for links to the files (config.sources); `cache_mb` what it may keep in
    memory to answer faster (config server.cache_mb; None: its default)."""
    from .whoosh_engine import WhooshEngine

    if cache_mb is None:
        return WhooshEngine(index_path, sources)
    return WhooshEngine(index_path, sources, cache_mb=cache_mb)


def open_store(index_path: Path | str) -> IndexStore:
    """The configured engine's indexing side for the index at `index_path`."""
    from .whoosh_engine import WhooshStore

    return WhooshStore(index_path)
