"""An Atom feed (RFC 4287) of a search, so a journalist can follow a topic.

Built with ElementTree, which escapes every text and attribute: nothing from the index
or the query reaches the XML unescaped. Characters XML cannot hold at all (U+0001 from
a PDF's broken ToUnicode map, %01 in the query) are dropped from every text and
attribute here, whatever ingestion let through.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from ..danish import format_danish_date, format_danish_number
from ..safetext import xml_safe

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

FEED_SIZE = 50  # entries a page of a feed, unless per_page says otherwise

_TAG = re.compile(r"<[^>]*>")


def _el(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, name, {k: xml_safe(v) for k, v in attrs.items() if v})
    if text is not None:
        el.text = xml_safe(text)
    return el


def atom_date(iso_date: str | None, fallback: datetime) -> str:
    """A meeting date "2025-04-11" as an Atom date-time; the fallback when there is none."""
    try:
        day = datetime.fromisoformat(iso_date or "")
    except ValueError:
        day = fallback
    if day.tzinfo is None:
        day = day.replace(tzinfo=UTC)
    return day.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_text(snippet_html: str | None) -> str:
    """The snippet without its <mark> tags, unescaped: the feed's summary is text."""
    return html.unescape(_TAG.sub("", snippet_html or "")).strip()


def entry_title(hit: dict) -> str:
    """ "Godkendelse af dagsorden — Økonomiudvalget, 12. marts 2024": the title with its
    meeting, so the same title from different meetings can be told apart in a reader."""
    meeting = ", ".join(
        part for part in (hit.get("committee"), format_danish_date(hit.get("meeting_date") or ""))
        if part
    )
    title = hit.get("title") or ""
    return f"{title} — {meeting}" if meeting else title


def entries_label(shown: int, total: int) -> str:
    """What the feed holds: "De 50 nyeste af 1.234 punkter", "2 punkter"."""
    n = format_danish_number
    if shown >= total:
        return f"{n(total)} {'punkt' if total == 1 else 'punkter'}"
    return f"De {n(shown)} nyeste af {n(total)} punkter"


def render_atom(
    result: dict,
    *,
    title: str,
    self_url: str,
    html_url: str,
    item_url: Callable[[dict], str],
    generated: datetime,
) -> bytes:
    """The feed of one search result (the /api/search dict), its hits in the order
    given (the caller asks for newest first)."""
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: "da"})
    _el(feed, "id", self_url)
    _el(feed, "title", title)
    hits = result.get("results") or []
    _el(feed, "subtitle", entries_label(len(hits), result.get("total", len(hits))))
    newest = max((h.get("meeting_date") or "" for h in hits), default="")
    _el(feed, "updated", atom_date(newest, generated))
    _el(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(feed, "link", rel="alternate", type="text/html", href=html_url)
    author = _el(feed, "author")
    _el(author, "name", "Mødereferater")
    _el(feed, "generator", "searchapp")
    for hit in hits:
        url = item_url(hit)
        entry = _el(feed, "entry")
        _el(entry, "id", url)
        _el(entry, "title", entry_title(hit))
        _el(entry, "updated", atom_date(hit.get("meeting_date"), generated))
        _el(entry, "link", rel="alternate", type="text/html", href=url)
        if hit.get("committee"):
            _el(entry, "category", term=hit["committee"], label=hit["committee"])
        facts = (
            hit.get("committee"),
            format_danish_date(hit.get("meeting_date") or ""),
            hit.get("status_label"),
        )
        details = " · ".join(fact for fact in facts if fact)
        summary = plain_text(hit.get("snippet"))
        _el(entry, "summary", f"{details}\n{summary}".strip())
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
