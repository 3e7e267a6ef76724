"""What a search request asks of the index, before any engine runs it.

The search box is read (query.interpret_query: the dates and the case number typed in
it) and its words parsed into the query tree; the dates typed join the from/to
parameters; the `case` parameter becomes the digits it is looked up by. An engine runs
the plan: the words scored, everything else a filter (the committee, status and year
filters are the request's own, counted as facets).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from .query import (
    ATTACHMENT_BOOST,
    ParsedQuery,
    QueryReading,
    SearchRequest,
    case_digits_of,
    interpret_query,
    parse_query,
    plain_query,
)
from .queryparser import MIN_PREFIX
from .querytree import scope_attachments

__all__ = ["SearchPlan", "plan_search"]


@dataclass(frozen=True)
class SearchPlan:
    request: SearchRequest
    reading: QueryReading  # the search box read: its words, dates and case number
    parsed: ParsedQuery | None  # the words as a query tree; None: no words, list all
    date_from: date | None = None  # the dates applied: the request's and the typed ones
    date_to: date | None = None
    case: str | None = None  # the digits the `case` parameter is looked up by

    @property
    def has_words(self) -> bool:
        return self.parsed is not None

    @property
    def sort(self) -> str:
        """The order of the results: newest first when there are no words to rank by,
        whatever was asked."""
        sort = self.request.effective_sort
        return "date_desc" if sort == "relevance" and not self.has_words else sort

    def interpreted(self) -> dict:
        """How the request was understood, for the API's `query.interpreted`: the words
        searched, the date range applied (the from/to parameters and any date typed in
        the search box, intersected), the case number asked for, and `notes` on what
        in the search box was not searched and why."""
        return {
            "words": self.reading.words,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "case": self.request.case or self.reading.case,
            "notes": self.notes(),
        }

    def notes(self) -> list[dict]:
        """What was typed but not searched, each as {"code", "text", "message"} (the
        message in Danish, for the person): a prefix too short to look up ("ø*")."""
        short = self.parsed.short_prefixes if self.parsed else ()
        return [
            {"code": "prefix_too_short", "text": text,
             "message": f"»{text}« er ikke søgt på: skriv mindst {MIN_PREFIX} bogstaver "
                        "foran *."}  # fmt: skip
            for text in short
        ]

    def echo(self) -> dict:
        """The request as the API echoes it, and how it was understood. A search box
        that held only a date ("april 2025") has no words to rank by: newest first."""
        echo = self.request.to_dict()
        if not self.has_words and echo["sort"] == "relevance":
            echo["sort"] = "date_desc"
        echo["interpreted"] = self.interpreted()
        return echo

    def words_only(self, committees: Iterable[str], municipalities: Iterable[str] = ()):
        """The plan with the dates typed in the search box searched as words instead
        (for a typed date that finds nothing: "møde 16. juni 2021" is the item naming
        the next meeting, held months before it)."""
        return plan_search(self.request, committees, municipalities, read_dates=False)

    def plain(self, reason: str) -> SearchPlan:
        """The plan with the search box's plain words instead of its syntax (for a
        query the engine could not run; `reason` says why)."""
        parsed = ParsedQuery(plain_query(self.reading.words), fallback=True, notes=(reason,))
        return replace(self, parsed=_scoped(parsed, self.request.attachments))


@lru_cache(maxsize=512)
def _scoped(parsed: ParsedQuery | None, scope: str) -> ParsedQuery | None:
    """The parsed words looked for in the attachments as the request's `attachments`
    says (querytree.scope_attachments). Kept as parse_query keeps its trees."""
    if parsed is None or scope == "exclude":
        return parsed
    return replace(
        parsed,
        tree=scope_attachments(parsed.tree, scope, ATTACHMENT_BOOST),
        plain=scope_attachments(parsed.plain, scope, ATTACHMENT_BOOST),
    )


def _date_range(request: SearchRequest, reading: QueryReading) -> tuple[date | None, date | None]:
    """The from/to parameters and the dates typed in the search box, intersected."""
    starts = [d for d in (request.date_from, reading.date_from) if d]
    ends = [d for d in (request.date_to, reading.date_to) if d]
    return max(starts, default=None), min(ends, default=None)


def plan_search(
    request: SearchRequest,
    committees: Iterable[str],
    municipalities: Iterable[str] = (),
    read_dates: bool = True,
) -> SearchPlan:
    """The plan for a request. `committees` and `municipalities` are the index's
    (udvalg: and kommune: match them by name). With `read_dates` a date typed in the
    search box is a filter; without, it is searched as words."""
    reading = interpret_query(request.q) if request.q else QueryReading("")
    if not read_dates:
        reading = QueryReading(request.q, case=reading.case)
    date_from, date_to = _date_range(request, reading)
    parsed = parse_query(reading.words, committees, municipalities) if reading.words else None
    parsed = _scoped(parsed, request.attachments)
    case = case_digits_of(request.case) if request.case else None
    return SearchPlan(request, reading, parsed, date_from, date_to, case)
