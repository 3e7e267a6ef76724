"""A subscription's search: stored as a canonical query string, searched as a
SearchRequest, described in Danish in the mails and on the pages."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from ..danish import format_danish_date
from ..models import POSITION_LABELS, STATUS_LABELS
from ..query import SearchRequest

# The parameters that say what is searched; paging and order do not make a search.
PARAMS = ("q", "case", "municipality", "committee", "status", "year", "party", "position",
          "person", "from", "to")  # fmt: skip


def canonical(params) -> str:
    """The search in `params` (a MultiDict or a dict) as it is stored: its parameters
    checked (raises query.BadRequest) and written in one order, so the same search
    made twice is one subscription."""
    request = SearchRequest.from_params(params)
    pairs: list[tuple[str, str]] = []
    for name in PARAMS:
        value = request.to_dict()[name]
        for one in value if isinstance(value, list) else [value]:
            if one not in (None, ""):
                pairs.append((name, one))
    return urlencode(pairs)


def pairs_of(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=False)


def request_of(query: str) -> SearchRequest:
    """Every match of the stored search, newest meeting first."""
    params: dict[str, list[str]] = {}
    for name, value in pairs_of(query):
        params.setdefault(name, []).append(value)
    params["sort"] = ["date_desc"]
    return SearchRequest.from_params(params)


def one_line(text: str) -> str:
    """The text on one line, control characters as spaces: it goes into a mail's
    Subject, where a line break would be a header of the sender's choosing."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def describe(query: str) -> str:
    """The search in words: »ældrereformen«, sag SAG-2025-01103, udvalg KKR Hovedstaden."""
    words, rest = "", []
    labels = {"municipality": "kommune", "committee": "udvalg", "year": "år",
              "party": "parti", "person": "person"}  # fmt: skip
    for name, value in pairs_of(query):
        value = one_line(value)
        if name == "q":
            words = f"»{value}«"
        elif name == "case":
            rest.append(f"sag {value}")
        elif name == "status":
            rest.append(f"status {STATUS_LABELS.get(value, value).lower()}")
        elif name == "position":
            rest.append(f"holdning {POSITION_LABELS.get(value, value).lower()}")
        elif name == "from":
            rest.append(f"fra {format_danish_date(value)}")
        elif name == "to":
            rest.append(f"til {format_danish_date(value)}")
        else:
            rest.append(f"{labels.get(name, name)} {value}")
    parts = ([words] if words else []) + rest
    return ", ".join(parts) if parts else "alle nye punkter"
