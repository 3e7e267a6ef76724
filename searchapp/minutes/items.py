"""One item's lines -> its title, case numbers, sections and decision.

After the heading come, in some order: the rest of a wrapped title, the case number
("EMN-2025-003383", "Sagsnr.: 2011-29298", "Dok.nr.: ..."), and sections under their
names ("Resume", "Sagsfremstilling", "Beslutninger", "Sundheds- og
Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2"). A section name is told from
the text by the name itself, and by how the document sets its names (bold, larger, in
capitals, ending in a colon): a document that prints "Resume" in 13.6 pt bold prints
its other section names, ones no list knows ("Borgmesterens Afdelings påtegning"), the
same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..casenumbers import case_number_line, find_case_numbers
from ..extract import Line
from ..paragraphs import join_paragraphs
from ..sections import section_kind, split_inline_label
from .headings import BodyFont, Heading
from .toc import GROUP_RE

_DOC_NUMBER_RE = re.compile(r"^dok(?:ument)?\.?\s*-?\s*nr\.?\s*:?\s*(?P<number>\S+)\s*$", re.I)
_HANDLER_RE = re.compile(
    r"^(?:sagsbehandler|sagsbeh\.?|sagsansvarlig|ansvarlig|forfatter|initialer)\s*:?\s*"
    r"(?P<who>\S.{0,60})$",
    re.I,
)
# A label printed with nothing after it ("J.nr.:", "Sagsid.:"), and eDoc-era markers of
# an open item ("Åben sag"): item metadata, not text.
_CASE_LABEL_ONLY_RE = re.compile(
    r"^(?:sagsnr|sags\s*nr|sagsnummer|sag\s*nr|j\.\s*nr|journalnr|sagsid|sags-id|dok\.\s*nr"
    r"|initialer|sagsbeh|sagsbehandler)\.?\s*:?\s*$|^åben\s+sag$|^åbent(?:\s+punkt)?$",
    re.I,
)
_CLOSED_MARK_RE = re.compile(
    r"^(?:lukket\s+(?:punkt|sag|møde)|sagen\s+behandles\s+(?:for\s+)?lukkede?\s+døre"
    r"|behandles\s+for\s+lukkede\s+døre|fortrolig(?:t)?(?:\s+punkt)?)\.?$",
    re.I,
)
_URL_RE = re.compile(r"https?://[^\s<>()\"”’]+|www\.[^\s<>()\"”’]+")
_LIST_START_RE = re.compile(r"^([–\-•*]\s|\d{1,2}[.)]\s|[a-z]\)\s|[a-zA-Z]\.\s|At\s+\d+\))")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w) +([.,;:!?])(?=[\s”'\")\]]|$)")
# eDoc prints an attachment's document number before its title.
_ATTACHMENT_DOCNO_RE = re.compile(r"^\d{4}-\d{3,8}\s+[-–]\s+")


@dataclass
class DraftSection:
    name: str
    kind: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class DraftItem:
    heading: Heading
    title_lines: list[str]
    pages: list[int]
    case_numbers: list[str] = field(default_factory=list)
    case_handler: str = ""
    document_number: str = ""
    closed: bool = False
    sections: list[DraftSection] = field(default_factory=list)


class LabelStyle:
    """How this document sets its section names apart, learnt from the names it uses
    that any Danish reader knows."""

    def __init__(self, lines: list[Line], font: BodyFont | None):
        self.font = font
        styles: dict[tuple, int] = {}
        for line in lines:
            text = line.text.strip()
            if line.has_font and section_kind(text) and len(text) < 60:
                if font is None or font.sets_apart(line):
                    key = (round(line.size, 1), line.bold)
                    styles[key] = styles.get(key, 0) + 1
        self.style = max(styles, key=styles.get) if styles else None

    def is_label(self, line: Line) -> tuple[str, str] | None:
        """(name, kind) when the line names a section."""
        text = line.text.strip()
        if not text or len(text) > 120:
            return None
        kind = section_kind(text)
        caps = _all_caps(text)
        if not line.has_font:
            return (text.rstrip(":").strip(), kind) if kind else None
        set_apart = self.font is None or self.font.sets_apart(line)
        if kind and (set_apart or text.endswith(":") or caps or kind == "decision"):
            return text.rstrip(":").strip(), kind
        if kind and self.style is None and len(text.split()) <= 6:
            return text.rstrip(":").strip(), kind  # a document that sets no name apart
        if kind is None and self.style and (round(line.size, 1), line.bold) == self.style:
            if len(text) <= 60 and not text.endswith((".", ",")) and not case_number_line(text):
                return text.rstrip(":").strip(), "other"
        if kind is None and caps and 2 <= len(text.split()) <= 12:
            return text, "other"
        return None


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters)


def read_item(lines: list[Line], heading: Heading, end: int, labels: LabelStyle) -> DraftItem:
    """The item whose heading is lines[heading.index], running to lines[end] or to a
    group heading ("Lukket referat") before it."""
    first = lines[heading.index]
    draft = DraftItem(heading, [heading.title] if heading.title else [], [first.page])
    i = heading.index + 1
    if not draft.title_lines:
        # "Punkt 3" or "3." alone: the title is the next line, in whatever type.
        while i < end and not lines[i].text.strip():
            i += 1
        if i < end and not (case_number_line(lines[i].text.strip()) or labels.is_label(lines[i])):
            first = lines[i]
            draft.title_lines.append(first.text.strip())
            draft.pages.append(first.page)
            i += 1
    # The title's further lines: the heading's font (PDF), or up to the first blank
    # line (text) and never a case number or section name.
    while i < end:
        line = lines[i]
        text = line.text.strip()
        if not text:
            if first.has_font or not draft.title_lines:
                i += 1
                continue
            break
        if case_number_line(text) or labels.is_label(line) or _meta(text):
            break
        if first.has_font:
            same = abs(line.size - first.size) < 0.6 and line.bold == first.bold
            if not same:
                break
        elif len(draft.title_lines) >= 3 or (
            draft.title_lines and draft.title_lines[-1].endswith(".")
        ):
            break
        draft.title_lines.append(text)
        draft.pages.append(line.page)
        i += 1
    current: DraftSection | None = None
    lead = DraftSection("", "other")
    for line in lines[i:end]:
        text = line.text.strip()
        if GROUP_RE.match(text):
            break
        if text:
            draft.pages.append(line.page)
        if not text:
            (current or lead).lines.append(line)
            continue
        if current is None and _take_meta(draft, text):
            continue
        label = labels.is_label(line)
        if label:
            current = DraftSection(label[0], label[1])
            draft.sections.append(current)
            continue
        inline = split_inline_label(text)
        if inline and (current is None or current.kind != inline[1]):
            current = DraftSection(inline[0], inline[1], [Line(inline[2], line.page)])
            draft.sections.append(current)
            continue
        if current is None and _CLOSED_MARK_RE.match(text):
            draft.closed = True
            continue
        (current or lead).lines.append(line)
    if any(ln.text.strip() for ln in lead.lines):
        draft.sections.insert(0, lead)
    return draft


def _meta(text: str) -> bool:
    return bool(
        _DOC_NUMBER_RE.match(text) or _HANDLER_RE.match(text) or _CASE_LABEL_ONLY_RE.match(text)
    )


# A row of labelled facts ("Sagsnr.: 13/12345   Sagsansvarlig: JLH   Dok.nr.: 13/9876"):
# each piece is taken on its own.
_FACTS_SPLIT_RE = re.compile(
    r"\s{2,}|\t|\s(?=(?:sagsansvarlig|sagsbehandler|sagsbeh\.|dok\.\s*nr|initialer)\b)", re.I
)


def _take_meta(draft: DraftItem, text: str) -> bool:
    """Case numbers, document numbers and case handlers before the first section."""
    pieces = [p for p in _FACTS_SPLIT_RE.split(text) if p.strip()]
    if len(pieces) > 1:
        if all(_meta(p.strip()) or case_number_line(p.strip()) for p in pieces):
            for piece in pieces:
                _take_meta(draft, piece.strip())
            return True
        return False
    case = case_number_line(text)
    if case:
        if case.number.text not in draft.case_numbers:
            draft.case_numbers.append(case.number.text)
        draft.case_handler = draft.case_handler or case.handler
        return True
    doc = _DOC_NUMBER_RE.match(text)
    if doc:
        draft.document_number = draft.document_number or doc["number"]
        return True
    handler = _HANDLER_RE.match(text)
    if handler:
        draft.case_handler = draft.case_handler or handler["who"].strip()
        return True
    return bool(_CASE_LABEL_ONLY_RE.match(text))


def paragraphs(lines: list[Line]) -> str:
    """Printed lines -> paragraphs (paragraphs.join_paragraphs), with this reader's
    list entries."""
    return join_paragraphs(lines, _LIST_START_RE)


def attachment_titles(lines: list[Line]) -> list[str]:
    titles: list[str] = []
    for line in lines:
        text = line.text.strip()
        if not text or _URL_RE.fullmatch(text):
            continue
        text = _ATTACHMENT_DOCNO_RE.sub("", text)
        continues = titles and (text[0].islower() or titles[-1].endswith(("-", ",")))
        if continues and not line.text.strip().startswith(("Bilag ", "bilag ")):
            titles[-1] = f"{titles[-1]} {text}"
        else:
            titles.append(text)
    return titles


def urls_in(text: str) -> list[str]:
    return list(dict.fromkeys(u.rstrip(".,;:") for u in _URL_RE.findall(text)))


def case_numbers_in_text(text: str) -> list[str]:
    return [c.text for c in find_case_numbers(text)]
