"""What one search may spend (issue #14): a deadline, and not a moment more once the
client has gone.

The engine calls `checkpoint` before each part of the query, before the snippets and
before the spelling suggestion (engine.Budget); past `limits.search_seconds`, or when
waitress says the client closed its connection, it raises SearchStopped and the search
ends there: the client gets 503 in the JSON error shape (a person gets a page saying to
narrow the search down), and an abandoned request stops using the CPU. The caps on what
a query expands to (whoosh_engine/limits.py) keep most searches far under the deadline.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from flask import current_app, request

from .. import querytree as qt
from ..engine import SearchStopped
from ..query import parse_query

# A search box asking for more than this is heavy: its prefixes expand to hundreds of
# terms. One heavy search runs at a time; another meanwhile is told to come back
# (503, Retry-After), so that heavy ones cannot take every thread from the others.
HEAVY_PREFIXES = 4
HEAVY_LEAVES = 24
EXTENSION = "searchapp.heavy"


class SearchTimeout(SearchStopped):
    """The search ran past its deadline."""


class ClientGone(SearchStopped):
    """The client closed its connection: nobody is waiting for the answer."""


class SearchBusy(SearchStopped):
    """A heavy search while another heavy one runs."""


def is_heavy(q: str) -> bool:
    if q.count("*") <= HEAVY_PREFIXES and len(q.split()) <= HEAVY_LEAVES:
        return False  # the common case, without parsing
    leaves = [node for node, _ in qt.leaves(parse_query(q).tree)]
    prefixes = sum(1 for node in leaves if isinstance(node, qt.Prefix))
    return prefixes > HEAVY_PREFIXES or len(leaves) > HEAVY_LEAVES


@contextmanager
def search_slot(q: str):
    """Around a search: a heavy one waits for nobody, it takes the one slot or stops."""
    if not q or not is_heavy(q):
        yield
        return
    slot = current_app.extensions.setdefault(EXTENSION, threading.BoundedSemaphore(1))
    if not slot.acquire(blocking=False):
        raise SearchBusy("another search with many prefixes or words is running")
    try:
        yield
    finally:
        slot.release()


class RequestBudget:
    def __init__(self, seconds: float, disconnected=None, since: float | None = None):
        self.seconds = seconds
        self.deadline = (time.monotonic() if since is None else since) + seconds
        self.disconnected = disconnected
        self.stopped_at: str | None = None

    def checkpoint(self, stage: str) -> None:
        if time.monotonic() > self.deadline:
            self.stopped_at = stage
            raise SearchTimeout(f"the search took longer than {self.seconds:g} s ({stage})")
        if self.disconnected is not None and self.disconnected():
            self.stopped_at = stage
            raise ClientGone(f"the client closed the connection ({stage})")


def search_budget() -> RequestBudget:
    """The budget of the search this request makes."""
    seconds = current_app.config["SEARCHAPP"].search_seconds
    # From when the request came in (web/server.py), the time it waited for a thread
    # included; waitress (with channel_request_lookahead) tells whether the client is
    # still there.
    return RequestBudget(seconds, request.environ.get("waitress.client_disconnected"),
                         request.environ.get("searchapp.received"))  # fmt: skip
