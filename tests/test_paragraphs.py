"""Printed lines -> paragraphs (searchapp/paragraphs.py): a subheading set on its own
line stays apart from the paragraph under it (issue #18: "Ældretilsyn Lov om
ældretilsyn er…" on the item page)."""

from __future__ import annotations

import re

from searchapp.extract import Line
from searchapp.paragraphs import join_paragraphs
from searchapp.web.pages import blocks

LIST = re.compile(r"^([–\-•*]\s|\d{1,2}[.)]\s)")


def lines(*texts: str, **font) -> list[Line]:
    return [Line(t, 1, **font) for t in texts]


BODY = ("Lov om ældretilsyn er den ene af tre hovedlovgivninger i regeringens ældre-",
        "reform. Med loven indføres et nyt tværkommunalt ældretilsyn.")  # fmt: skip


def test_a_short_line_over_a_paragraph_is_its_own_paragraph():
    text = join_paragraphs(lines("Ældretilsyn", *BODY), LIST)
    assert text.split("\n\n")[0] == "Ældretilsyn"
    assert text.split("\n\n")[1].startswith("Lov om ældretilsyn er")


def test_a_bold_line_over_plain_text_is_a_subheading_whatever_its_length():
    heading = Line("Status for arbejdet med sundhedsreformen i Østdanmark", 1, 10, bold=True)
    text = join_paragraphs([heading, *lines(*BODY, size=10)], LIST)
    assert text.startswith("Status for arbejdet med sundhedsreformen i Østdanmark\n\n")


def test_lines_of_a_sentence_stay_one_paragraph():
    for first in ("Det indstilles, at KKR Hovedstaden:", "Se bilag 2 og", "Beløbet er (jf.",
                  "- Rekruttering", "1. Ansøgning", "Budget 2025-"):  # fmt: skip
        text = join_paragraphs(lines(first, BODY[0]), LIST)
        assert "\n\n" not in text, first
    # a following line that goes on with the sentence, or is as long as the first
    assert "\n\n" not in join_paragraphs(lines("Udvalget godkendte", "og sendte det videre."), LIST)
    assert "\n\n" not in join_paragraphs(lines("Orientering om status", "Formanden gav en"), LIST)


def test_the_page_shows_subheadings_as_headings():
    assert blocks("Ældretilsyn\n\nLov om ældretilsyn er ny.\n\nSlut.") == [
        ("heading", "Ældretilsyn"),
        ("paragraph", "Lov om ældretilsyn er ny."),
        ("paragraph", "Slut."),
    ]
    # the last paragraph, a sentence, a list are never headings
    assert [k for k, _ in blocks("Godkendt.\n\nIngen bemærkninger")] == ["paragraph"] * 2
    assert blocks("Punkter:\n- a\n- b\n\nMere.")[0][0] == "paragraph"
