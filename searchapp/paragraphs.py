"""Printed lines -> paragraphs, for every reader of minutes PDFs and their text
extractions: lines joined with spaces, a blank line between paragraphs, list entries on
their own line, and a subheading on its own line kept apart from the paragraph under it
("Rammen for lokalplejehjem" over "Lov om lokalplejehjem trådte i kraft ..."), so the
item page can show it as a heading (issue #18)."""

from __future__ import annotations

import re

from .extract import Line

_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w) +([.,;:!?])(?=[\s”'\")\]]|$)")
_SENTENCE_GOES_ON = (".", ",", ";", ":", "!", "?", "-", "–", "(", "/")
# A line ending in one of these words goes on in the next: no heading ends so.
_LAST_WORDS_GOING_ON = {
    "og", "eller", "i", "af", "til", "for", "med", "at", "der", "som", "om", "på", "en", "et",
    "den", "det", "de", "fra", "ved", "samt",
}  # fmt: skip


def join_paragraphs(lines: list[Line], list_start: re.Pattern) -> str:
    """The lines as paragraphs separated by blank lines; a line `list_start` matches
    keeps its own line inside its paragraph."""
    out: list[list[str]] = [[]]
    texts = [line.text.strip() for line in lines]
    for i, (line, text) in enumerate(zip(lines, texts, strict=True)):
        if not text:
            if out[-1]:
                out.append([])
            continue
        if out[-1] and list_start.match(text):
            out[-1].append("\n" + text)
        else:
            out[-1].append(text)
        following = lines[i + 1] if i + 1 < len(lines) and texts[i + 1] else None
        if len(out[-1]) == 1 and following and is_subheading(line, following, list_start):
            out.append([])
    joined = []
    for para in out:
        if para:
            text = " ".join(para).replace(" \n", "\n").replace("\t", " ")
            joined.append(_SPACE_BEFORE_PUNCT.sub(r"\1", text))
    return "\n\n".join(joined)


def is_subheading(line: Line, following: Line, list_start: re.Pattern) -> bool:
    """Whether `line`, the first of a paragraph, is a subheading over `following`: set
    apart by its font (bold over plain, larger), or, where the fonts do not say, a short
    line that ends no sentence above a line that begins one and runs on."""
    text, after = line.text.strip(), following.text.strip()
    if not text[:1].isupper() or list_start.match(text) or len(text.split()) > 8:
        return False
    if text.endswith(_SENTENCE_GOES_ON) or after.startswith(_SENTENCE_GOES_ON):
        return False
    if text.split()[-1] in _LAST_WORDS_GOING_ON:
        return False
    if line.has_font and following.has_font:
        if (line.bold and not following.bold) or line.size > following.size + 0.5:
            return True
    return (after[:1].isupper() or after[:1].isdigit()) and len(text) < 0.6 * len(after)
