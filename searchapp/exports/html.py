"""HTML fields of structured exports -> paragraphs and labelled sections.

SBSYS and the publishing sites hand over an item's text as HTML written in a word
processor: paragraphs, lists, tables, and section headings set as <h2>-<h4>, or as a
paragraph of bold text ("<p><strong>Indstilling</strong></p>"). Python's own HTML
parser reads it (tolerant of the unclosed and misnested tags these editors write);
its blocks become paragraphs, and the blocks that name a known section
(`sections.section_kind`) become sections in the document's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..models import Section
from ..sections import section_kind

# Tags that end a paragraph where they open and where they close.
_BLOCK_TAGS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 br hr table thead tbody tfoot tr "
    "blockquote pre section article header footer aside address figure figcaption "
    "caption center".split()
)
_SKIP_TAGS = frozenset("script style head title template noscript object iframe svg".split())
_HEADING_RE = re.compile(r"^h([1-6])$")
_SPACE_RE = re.compile(r"\s+")


@dataclass
class Block:
    """One paragraph of an HTML field, with what it was: a heading (its level), a
    list item, a table row."""

    text: str
    heading: int = 0  # 1-6 for <h1>-<h6>
    list_item: bool = False
    table_row: bool = False


def _marker(kind: str, n: int) -> str:
    """The printed marker of the n-th item (from 1) of an ordered list."""
    if kind in ("A", "a"):
        letters = ""
        while n > 0:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord(kind) + rest) + letters
        return f"{letters}."
    if kind in ("I", "i"):
        roman = ""
        for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                               (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                               (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
            count, n = divmod(n, value)
            roman += numeral * count
        return f"{roman if kind == 'I' else roman.lower()}."
    return f"{n}."


_STYLE_TYPES = {
    "upper-alpha": "A", "upper-latin": "A", "lower-alpha": "a", "lower-latin": "a",
    "upper-roman": "I", "lower-roman": "i", "decimal": "1",
}  # fmt: skip


def _list_kind(attrs: dict[str, str | None]) -> str:
    kind = (attrs.get("type") or "").strip()
    style = (attrs.get("style") or "").lower()
    m = re.search(r"list-style-type\s*:\s*([a-z-]+)", style)
    if m and m.group(1) in _STYLE_TYPES:
        kind = _STYLE_TYPES[m.group(1)]
    return kind if kind in ("1", "A", "a", "I", "i") else "1"


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._skip = 0
        self._heading: list[int] = []
        self._lists: list[list] = []  # [kind, next number]; kind "" for <ul>
        self._prefix = ""
        self._list_item = False
        self._row: list[str] | None = None  # cells of the open table row
        self._cell: list[str] | None = None

    # -- paragraphs -------------------------------------------------------------------

    def _flush(self) -> None:
        text = _SPACE_RE.sub(" ", "".join(self._text)).strip()
        self._text = []
        if self._cell is not None:  # inside a table cell: the row collects it
            if text:
                self._cell.append(text)
            return
        if text:
            if self._prefix:
                text = f"{self._prefix} {text}"
            heading = self._heading[-1] if self._heading else 0
            self.blocks.append(Block(text, heading=heading, list_item=self._list_item))
        self._prefix, self._list_item = "", False

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            cells = [c for c in self._row if c]
            if cells:
                self.blocks.append(Block(" | ".join(cells), table_row=True))
        self._row = None

    def _end_cell(self) -> None:
        if self._cell is not None:
            self._flush()
            if self._row is not None:
                self._row.append(" ".join(self._cell))
        self._cell = None

    # -- tags -------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "tr":
            self._flush()
            self._end_row()
            self._row = []
            return
        if tag in ("td", "th"):
            if self._row is None:
                self._flush()
                self._row = []
            self._end_cell()
            self._cell = []
            return
        if tag in _BLOCK_TAGS:
            self._flush()
        m = _HEADING_RE.match(tag)
        if m:
            self._heading.append(int(m.group(1)))
        elif tag in ("ul", "ol"):
            named = dict(attrs)
            start = named.get("start") or "1"
            number = int(start) if start.strip().isdigit() else 1
            self._lists.append(["" if tag == "ul" else _list_kind(named), number])
        elif tag == "li":
            if self._lists and self._lists[-1][0]:
                kind, number = self._lists[-1]
                self._prefix = _marker(kind, number)
                self._lists[-1][1] += 1
            else:
                self._prefix = "•"
            self._list_item = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr") and not self._skip:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag == "tr" or tag == "table":
            self._end_row()
            return
        if tag in ("td", "th"):
            self._end_cell()
            return
        if tag in _BLOCK_TAGS:
            self._flush()
        if _HEADING_RE.match(tag) and self._heading:
            self._heading.pop()
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()
        self._end_row()


def html_blocks(html: str) -> list[Block]:
    """The paragraphs of an HTML fragment, in order, whitespace collapsed."""
    parser = _BlockParser()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def html_text(html: str) -> str:
    """The text of an HTML fragment: its paragraphs separated by blank lines."""
    return "\n\n".join(b.text for b in html_blocks(html))


# -- sections -------------------------------------------------------------------------


def _name(text: str) -> str:
    return text.strip().rstrip(":").strip()


def _looks_like_name(text: str) -> bool:
    """A heading's text, not a sentence set in a heading's font: short, no full stop,
    some letters ("Tidsplan", "Program for byrådsmødet:"; not "2024", not "Der er ikke
    høringspligt i denne sag.")."""
    text = text.strip()
    return (
        0 < len(text) <= 80
        and len(text.split()) <= 10
        and not text.endswith((".", "!", "?", ","))
        and any(c.isalpha() for c in text)
    )


def _known_kind(block: Block) -> str | None:
    if block.table_row or block.list_item or not _looks_like_name(block.text):
        return None
    return section_kind(block.text)


def html_sections(html: str, lead_name: str = "", lead_kind: str = "") -> list[Section]:
    """The sections of an HTML field, in the document's order; text before the first
    heading belongs to a section called `lead_name` (kind `lead_kind`, else the kind
    of that name, else "other"). Sections without text are left out.

    A heading is an <h1>-<h6> naming a known section, or another heading name set at
    the same level as those; a paragraph that is nothing but a known section name
    ("<p><strong>Indstilling</strong></p>") may be one too (see `paragraph_style`).
    Other headings are subheadings: they stay in the text as paragraphs.
    """
    blocks = html_blocks(html)
    known = [_known_kind(b) for b in blocks]
    levels = {b.heading for b, k in zip(blocks, known, strict=True) if b.heading and k}
    # The kinds the <h>-headings give sections with text under them.
    h_kinds: set[str] = set()
    current: str | None = None
    for block, kind in zip(blocks, known, strict=True):
        if block.heading and kind:
            current = kind
        elif kind:  # a bold "Resume" right under <h3>Fremstilling</h3>: no text of its own
            current = None
        elif current:
            h_kinds.add(current)
            current = None
    # Sections set as paragraphs ("<p><strong>Resume</strong></p>"): where the <h>s give
    # none, or where such paragraphs name two or more kinds the <h>s lack, every known
    # name in a paragraph of its own is a heading; else only those of a kind the <h>s
    # lack are (the <h>s' own subheadings, "Status", "Høring", stay text).
    lacking = {
        k for b, k in zip(blocks, known, strict=True) if k and not b.heading
        and k != "other" and k not in h_kinds
    }  # fmt: skip
    paragraph_style = not h_kinds or len(lacking) >= 2
    sections: list[Section] = []
    name = lead_name
    kind = lead_kind or section_kind(lead_name) or "other"
    paragraphs: list[str] = []

    def close() -> None:
        if paragraphs:
            sections.append(Section(name=name, kind=kind, text="\n\n".join(paragraphs)))

    for block, block_kind in zip(blocks, known, strict=True):
        heading_kind = None
        if block.heading:
            if block_kind:
                heading_kind = block_kind
            elif block.heading in levels and _looks_like_name(block.text):
                heading_kind = "other"
        elif block_kind and (paragraph_style or block_kind in lacking):
            heading_kind = block_kind
        if heading_kind:
            close()
            name, kind, paragraphs = _name(block.text), heading_kind, []
        else:
            paragraphs.append(block.text)
    close()
    return sections
