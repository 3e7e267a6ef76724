"""Minutes in the layouts of other systems than KL's, on the project's own samples
(scripts/make_layout_samples.py): FirstAgenda's, eDoc's and one the parser was not
written for. Each is read from its PDF and from its text twin, and both agree."""

from pathlib import Path

import pytest

from searchapp.ingest import parse_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TEXTS = ROOT / "tests" / "fixtures" / "text"

# file stem -> (committee, date, time, place, format, items)
# item: (number, title, case number, status, closed, section kinds in order)
EXPECTED = {
    "testrup-byraad-2025-09-24-referat": (
        "Testrup Byråd", "2025-09-24", "16:00", "Byrådssalen, Testrup Rådhus", "firstagenda",
        [
            ("1", "Godkendelse af dagsorden", "EMN-2025-000101", "approved", False,
             ["decision"]),
            ("2", "Svar på forslag fra SF om flere cykelstier til skolerne i Testrup",
             "EMN-2025-004412", "approved", False,
             ["decision", "summary", "recommendation", "history", "attachments"]),
            ("3", "Anlægsbevilling til ny svømmehal i Testrup Nord", "EMN-2025-005530",
             "referred", False, ["decision", "summary", "recommendation", "other",
                                 "attachments"]),
            ("4", "Lukket: Salg af byggegrund i erhvervsområdet ved Ringvejen",
             "EMN-2025-006001", "unknown", True, []),
        ],
    ),
    "nordby-social-og-sundhedsudvalget-2025-06-03": (
        "Social- og Sundhedsudvalget", "2025-06-03", "15:00", "Mødelokale 2 på Nordby Rådhus",
        "edoc",
        [
            # The decision is followed by who did not take part (the list empty here).
            ("1", "Meddelelser", "2025-10211", "noted", False, ["other", "decision", "other"]),
            ("2", "Kvalitetsstandard for hjemmepleje 2026", "2025-10388", "recommended", False,
             ["summary", "presentation", "economy", "recommendation", "attachments",
              "decision", "other"]),
            ("3", "Evaluering af forebyggende hjemmebesøg", "2024-99120", "noted", False,
             ["summary", "recommendation", "decision", "other"]),
            ("4", "Personalesag", "2025-10999", "unknown", True, []),
        ],
    ),
    "sydby-teknik-og-miljoeudvalget-2025-06-20": (
        "Teknik- og Miljøudvalget", "2025-06-20", "16:30", "Sydby Rådhus, mødelokale 3", None,
        [
            ("1", "Godkendelse af dagsorden", "00.01.00-A00-3-25", "approved", False,
             ["recommendation", "decision"]),
            ("2", "Trafiksikkerhedsplan 2026-2030 for Sydby Kommune", "05.13.00-P15-1-24",
             "recommended", False,
             ["summary", "presentation", "economy", "recommendation", "decision"]),
            ("3", "Spildevandsplan, tillæg 4 - separatkloakering af Sønderby",
             "06.00.05-P16-2-25", "postponed", False,
             ["presentation", "recommendation", "decision"]),
        ],
    ),
}  # fmt: skip


def _files():
    for stem in EXPECTED:
        yield pytest.param(SAMPLES / f"{stem}.pdf", stem, id=f"{stem}.pdf")
        yield pytest.param(TEXTS / f"{stem}.txt", stem, id=f"{stem}.txt")


@pytest.mark.parametrize("path,stem", list(_files()))
def test_every_item_of_every_layout(path, stem):
    committee, date, time, place, layout, expected = EXPECTED[stem]
    meeting = parse_file(path)
    assert (meeting.committee, meeting.meeting_date) == (committee, date)
    assert (meeting.meeting_time, meeting.place) == (time, place)
    assert meeting.source_format == (layout or ("pdf" if path.suffix == ".pdf" else "text"))
    got = [
        (i.number, i.title, i.case_number, i.status, i.closed, [s.kind for s in i.sections])
        for i in meeting.items
    ]
    assert got == expected
    for item in meeting.items:
        assert item.id == f"{meeting.id}-{item.number}"
        assert item.case_numbers == [item.case_number]


@pytest.mark.parametrize("stem", list(EXPECTED))
def test_text_twin_agrees_with_pdf(stem):
    from_pdf = parse_file(SAMPLES / f"{stem}.pdf").items
    from_text = parse_file(TEXTS / f"{stem}.txt").items
    for a, b in zip(from_pdf, from_text, strict=True):
        assert (a.id, a.title, a.decision, a.sections) == (b.id, b.title, b.decision, b.sections)


def test_closed_items_keep_only_their_title():
    for stem in ("testrup-byraad-2025-09-24-referat",
                 "nordby-social-og-sundhedsudvalget-2025-06-03"):  # fmt: skip
        closed = [i for i in parse_file(SAMPLES / f"{stem}.pdf").items if i.closed]
        assert len(closed) == 1
        item = closed[0]
        assert item.text == item.title
        assert (item.sections, item.decision, item.attachments) == ([], "", [])


def test_decision_first_layout_keeps_sections_apart():
    item = parse_file(SAMPLES / "testrup-byraad-2025-09-24-referat.pdf").items[1]
    assert item.decision.startswith("Tilbagesendes Magistratsafdelingen")
    assert "Venstres byrådsgruppe kunne ikke tiltræde" in item.decision
    assert "cykelstier" not in item.decision  # the Resume that follows is its own section
    assert item.summary.startswith("Socialistisk Folkeparti har foreslået")
    assert item.attachments == ["Bilag 1: Beslutningsforslag", "Kort over skoleveje"]
    assert [s.name for s in item.sections] == [
        "Beslutninger", "Resume", "Beslutningspunkter", "Sagsforløb", "Bilag"
    ]  # fmt: skip


def test_edoc_decision_heading_and_document_number():
    item = parse_file(SAMPLES / "nordby-social-og-sundhedsudvalget-2025-06-03.pdf").items[1]
    assert item.document_number == "2025-120044"
    names = [s.name for s in item.sections]
    assert names[-2:] == [
        "Social- og Sundhedsudvalgets beslutning den 03.06.2025 Punkt 2",
        "Følgende deltog ikke i behandlingen af punktet",
    ]
    assert item.decision == "Indstilles til godkendelse"
    assert item.attachments == ["Udkast til kvalitetsstandard 2026"]
    # The running header ("Referat", "Dato: 03.06.2025", "Side 4") is not text.
    assert "Dato: 03.06.2025" not in item.text


def test_unseen_layout_footer_and_handler():
    meeting = parse_file(SAMPLES / "sydby-teknik-og-miljoeudvalget-2025-06-20.pdf")
    last = meeting.items[-1]
    assert "Side 2 af 2" not in last.text
    assert last.case_handler == "Jens Møller"
    assert [s.name for s in meeting.items[1].sections][0] == "RESUMÉ"
