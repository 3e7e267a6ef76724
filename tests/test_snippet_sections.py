"""Snippets people read (issue #18): passages never overlap or repeat text; a snippet
is the sections the words are in, named ("Beslutning: …"), never the title again;
without a query it leads with the decision."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from searchapp.models import AgendaItem, Section
from searchapp.whoosh_engine.analysis import DanishAnalyzer, terms
from searchapp.whoosh_engine.snippets import _headed, item_snippet, snippet

ANALYZER = DanishAnalyzer()
TAG = re.compile(r"</?mark>")


def words_of(*texts: str) -> frozenset[str]:
    return frozenset(t for text in texts for t in terms(ANALYZER, text))


def passages(html_snippet: str) -> list[str]:
    """The passages of a snippet, marks and names taken out."""
    plain = TAG.sub("", html_snippet).replace("&amp;", "&")
    pieces = re.split(r" … | · |^… | …$", plain)
    return [re.sub(r"^[A-ZÆØÅ][\w ]{0,39}: ", "", p).strip() for p in pieces if p.strip()]


def test_close_hits_make_one_passage_not_two_overlapping():
    """Two runs of hits 110 characters apart: their contexts overlap, and used to be
    shown as two passages repeating the text between them ("…i kommunerne i Region …
    helhedspleje i kommunerne i Region Sjælland…")."""
    text = ("Indledning om noget helt andet. " * 3 + "Helhedspleje i kommunerne i Region "
            "Sjælland skal styrkes, og " + "uddannelse af medarbejdere "
            + "understøtter helhedspleje i kommunerne i Region Sjælland fremover. "
            + "Afslutning om noget andet. " * 4)  # fmt: skip
    out = snippet(text, words_of("helhedspleje"), ANALYZER)
    assert out.count("<mark>") == 2
    assert len(passages(out)) == 1, out
    assert TAG.sub("", out).count("kommunerne i Region Sjælland") == 2  # as often as written


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(["budget", "kommunerne", "drift", "anlæg", "og", "i",
                                 "buslinjer", "hovedstadsområdet", "på", "2024."]),
                min_size=5, max_size=120),
       st.sampled_from(["budget", "buslinjer", "kommunerne", "drift"]))  # fmt: skip
def test_passages_never_overlap(words, word):
    """Whatever the text: every passage is text as written, and the passages are in
    the text one after the other, none starting before the last one ended."""
    text = " ".join(words)
    at = 0
    for passage in passages(snippet(text, words_of(word), ANALYZER)):
        found = text.find(passage, at)
        assert found >= at, (passage, text)
        at = found + len(passage)


def item(**fields) -> AgendaItem:
    base = {"id": "x-2025-01-01-4", "committee": "Økonomiudvalget", "meeting_date": "2025-01-01",
            "number": "4", "title": "Godkendelse af referat"}  # fmt: skip
    return AgendaItem(**{**base, **fields})


SECTIONS = [
    Section("Baggrund", "background", "Referat af møde i udvalget den 3. februar er udsendt."),
    Section("Indstilling", "recommendation", "Det indstilles, at referatet godkendes."),
    Section("Beslutning", "decision", "Udvalget godkendte referatet med en rettelse om busser."),
]


def test_a_snippet_is_the_named_section_the_words_are_in():
    found = item_snippet(item(sections=SECTIONS), words_of("busser"), ANALYZER)
    assert found == ("Beslutning: Udvalget godkendte referatet med en rettelse om "
                     "<mark>busser</mark>.")
    both = item_snippet(item(sections=SECTIONS), words_of("referat"), ANALYZER)
    assert both.startswith("Baggrund: <mark>Referat</mark> af møde")
    assert "· Indstilling: Det indstilles, at <mark>referatet</mark>" in both


def test_without_a_query_or_a_hit_outside_the_title_it_leads_with_the_decision():
    lead = "Beslutning: Udvalget godkendte referatet med en rettelse om busser."
    assert item_snippet(item(sections=SECTIONS), frozenset(), ANALYZER) == lead
    only_title = item(title="Referat fra Vejudvalget", sections=SECTIONS)
    assert item_snippet(only_title, words_of("vejudvalget"), ANALYZER) == lead
    no_decision = item(sections=SECTIONS[:2])
    assert item_snippet(no_decision, frozenset(), ANALYZER).startswith("Baggrund: Referat")


def test_the_title_and_the_section_names_are_not_run_into_the_text():
    """The empty-query listing showed "Godkendelse af referat Baggrund Referat af møde…"
    for every hit: the item's text, title and headings included."""
    text = "Godkendelse af referat\n\n" + "\n\n".join(f"{s.name}\n\n{s.text}" for s in SECTIONS)
    for words in (frozenset(), words_of("referat"), words_of("godkendelse"), words_of("møde")):
        out = TAG.sub("", item_snippet(item(sections=SECTIONS, text=text), words, ANALYZER))
        assert "Godkendelse af referat" not in out
        assert not re.search(r"\b(Baggrund|Indstilling|Beslutning) [A-ZÆØÅ]", out), out


def test_items_read_before_sections_were_kept_use_their_fields():
    old = item(background="Baggrunden.", decision="Godkendt uden bemærkninger.",
               text="4. Godkendelse af referat\nBaggrund Baggrunden. Beslutning Godkendt.")
    assert item_snippet(old, frozenset(), ANALYZER) == "Beslutning: Godkendt uden bemærkninger."


def test_an_item_without_sections_shows_its_text_without_its_title():
    bare = item(text="4. Godkendelse af referat\nReferatet blev godkendt af alle.")
    assert item_snippet(bare, frozenset(), ANALYZER) == "Referatet blev godkendt af alle."
    assert item_snippet(item(title="Lukket punkt", text="Lukket punkt", closed=True),
                        frozenset(), ANALYZER) == ""  # fmt: skip


def test_a_long_section_name_is_shown_by_its_kind():
    named = [Section("Beslutning i Økonomiudvalget den 12. marts 2024, punkt 4", "decision",
                     "Godkendt.")]  # fmt: skip
    assert item_snippet(item(sections=named), frozenset(), ANALYZER) == "Beslutning: Godkendt."


def test_kkr_items_of_the_corpus_lead_with_their_decision():
    """KL's KKR reader keeps no sections: its items' text is cut at the paragraphs that
    name one ("Baggrund", "Beslutning"), so their snippets are sections too."""
    from pathlib import Path

    import pytest

    from searchapp.ingest import parse_file

    pdf = (Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf"
           / "kkr-hovedstaden-2025-04-11-referat.pdf")  # fmt: skip
    if not pdf.exists():
        pytest.skip(f"{pdf} is missing (../shared/corpus beside the project)")
    items = parse_file(pdf).items
    assert len(items) > 10
    for it in items:
        out = TAG.sub("", item_snippet(it, frozenset(), ANALYZER))
        assert not out.startswith(it.title), out
        if it.decision:
            assert out.startswith("Beslutning: "), (it.id, out)
        found = TAG.sub("", item_snippet(it, words_of("kommunerne"), ANALYZER))
        assert not re.search(r"\b(Baggrund|Indstilling|Sagsfremstilling|Beslutning) [A-ZÆØÅ]",
                             found), (it.id, found)  # fmt: skip


def test_labels_in_the_text_of_an_item_without_sections():
    old = item(text="4. Godkendelse af referat\n\nBaggrund\n\nReferatet er udsendt.\n\n"
               "Beslutning\n\nGodkendt.")  # fmt: skip
    assert [(s.name, s.kind, s.text) for s in old.all_sections()] == [
        ("Baggrund", "background", "Referatet er udsendt."),
        ("Beslutning", "decision", "Godkendt."),
    ]
    assert item_snippet(old, frozenset(), ANALYZER) == "Beslutning: Godkendt."


def test_a_subheading_in_the_text_is_no_section():
    """KL's subheadings ("Status for Sundhedssamarbejdsudvalget") are paragraphs of
    their own, inside a section: only KL's labels start one."""
    old = item(number="2.1", title="Siden sidst",
               text="2.1. Siden sidst\n\nBaggrund\n\nOrienteringer.\n\nStatus for "
               "Sundhedssamarbejdsudvalget\n\nFem buslinjer omstilles til elbusser.")  # fmt: skip
    assert [s.name for s in old.all_sections()] == ["Baggrund"]
    found = item_snippet(old, words_of("buslinjer"), ANALYZER)
    assert found.startswith("Baggrund: ") and "<mark>buslinjer</mark>" in found


def test_a_subheading_is_joined_to_its_paragraph_not_run_into_it():
    """ "Rammen for lokalplejehjem Lov om lokalplejehjem trådte …" read as one sentence."""
    text = ("Ældreloven træder i kraft.\n\nRammen for lokalplejehjem\n\nLov om lokalplejehjem "
            "trådte i kraft den 1. januar.\n\nSe bilag 2 og 3\n\n1. Første punkt.")  # fmt: skip
    sections = [Section("Sagsfremstilling", "presentation", text)]
    lead = item_snippet(item(sections=sections), frozenset(), ANALYZER)
    assert lead == ("Sagsfremstilling: Ældreloven træder i kraft. Rammen for lokalplejehjem: "
                    "Lov om lokalplejehjem trådte i kraft den 1. januar. Se bilag 2 og 3 "
                    "1. Første punkt.")  # fmt: skip
    found = item_snippet(item(sections=sections), words_of("træder"), ANALYZER)
    assert "Rammen for lokalplejehjem: Lov om lokalplejehjem trådte" in found
    marked = item_snippet(item(sections=sections), words_of("lokalplejehjem"), ANALYZER)
    assert "Rammen for <mark>lokalplejehjem</mark>: Lov om <mark>lokalplejehjem</mark>" in marked


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(["Rammen for lokalplejehjem", "Lov om lokalplejehjem trådte.",
                                 "Budget", "Drift og anlæg i kommunerne.", "Se bilag 2",
                                 "1. Første punkt.", "ældreloven", "Status for buslinjer"]),
                min_size=1, max_size=12),
       st.sampled_from(["lokalplejehjem", "budget", "buslinjer", "drift", "status"]))  # fmt: skip
def test_the_words_are_found_alike_with_the_subheadings_joined_or_not(paragraphs, word):
    """Snippets look for the words in a section's text as it is and join only the
    sections shown to their subheadings: the same snippet as from texts joined first."""
    text = "\n\n".join(paragraphs)
    assume(_headed(_headed(text)) == _headed(text))  # joined twice, two subheadings in a row
    raw = [Section("Sagsfremstilling", "presentation", text), *SECTIONS]
    joined = [Section(s.name, s.kind, _headed(s.text)) for s in raw]
    for words in (words_of(word), frozenset()):
        assert (item_snippet(item(sections=raw), words, ANALYZER)
                == item_snippet(item(sections=joined), words, ANALYZER))  # fmt: skip


# Lines about as long as a subheading may be (80 characters), with spaces and tabs
# either side: _headed looks at a line's length before trying the pattern.
_LONG_LINES = [f"{pad}B{'x' * n}d{end}" for n in (77, 78, 79) for pad, end in
               (("", ""), ("  ", ""), ("", " \t"), ("\t", "   "))]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(["Rammen for lokalplejehjem", "Lov om lokalplejehjem trådte.",
                                 "Budget", "drift og anlæg", "Se bilag 2", "1. Første punkt.",
                                 "  Status for buslinjer", "Økonomi", "Tekst\nover to linjer", "",
                                 *_LONG_LINES]),
                min_size=0, max_size=12),
       st.lists(st.sampled_from(["\n\n", "\n", "\n \n", "\n\t\n\n", " \n\n", "\n\n\n", " ",
                                 "\t \n\n"]),
                min_size=12, max_size=12))  # fmt: skip
def test_subheadings_are_joined_as_the_pattern_says(paragraphs, gaps):
    """_headed tries the pattern only at the text's start and its paragraph breaks,
    before a line short enough: the same text as the pattern substituted everywhere."""
    from searchapp.whoosh_engine.snippets import _SUBHEADING, _join_heading

    text = "".join(p + g for p, g in zip(paragraphs, gaps, strict=False))
    assert _headed(text) == _SUBHEADING.sub(_join_heading, text)
    assert len(_headed(text)) == len(text)


def _sections_by_every_paragraph(it: AgendaItem) -> list[tuple[str, str, str]]:
    """AgendaItem.all_sections for an item without sections, as it was written first:
    every paragraph lowercased and looked up (the reference for the faster one)."""
    from searchapp.models import _without_title
    from searchapp.parse import SECTION_LABELS

    found = [Section("", "other", "")]
    for paragraph in re.split(r"\n\s*\n", _without_title(it.text, it.number, it.title)):
        name = paragraph.strip()
        kind = SECTION_LABELS.get(name.rstrip(":").strip().lower())
        if kind:
            found.append(Section(name.rstrip(":"), kind, ""))
        elif name:
            last = found[-1]
            last.text = f"{last.text}\n\n{name}" if last.text else name
    return [(s.name, s.kind, s.text) for s in found if s.text or s.name]


_PARAGRAPHS = st.lists(
    st.one_of(
        st.sampled_from(["Baggrund", "BESLUTNING:", "Indstilling ::", " Sagsfremstilling ",
                         "Beslutning i udvalget", "Bilag", "İndstilling", "Baggrund\n:",
                         "Sagsfremstilling :::", "Baggrund        ::::::::::"]),
        st.text(alphabet="abcæøå İ:\t\n.", max_size=60),
    ),
    max_size=12,
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_PARAGRAPHS, st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\n\t\n  "]))
def test_sections_of_an_item_without_them_as_by_every_paragraph(paragraphs, gap):
    """Only a paragraph as short as a label is lowercased and looked up: the same
    sections as looking up every one."""
    it = item(text="4. Godkendelse af referat" + gap + gap.join(paragraphs))
    named = [(s.name, s.kind, s.text) for s in it.all_sections()]
    reference = _sections_by_every_paragraph(it)
    if any(name for name, _, _ in reference):
        assert named == reference
    else:
        assert named[: len(reference)] == reference
