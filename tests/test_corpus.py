"""The parser on the real minutes in ../shared/corpus (skipped, saying so, without it)."""

from pathlib import Path

import pytest

from searchapp.ingest import parse_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not CORPUS.is_dir(),
        reason=f"corpus not found at {CORPUS} (../shared/corpus beside the project); "
        "corpus tests skipped",
    ),
]

MEETINGS = {
    "kkr-hovedstaden-2021-04-19": ("KKR Hovedstaden", "2021-04-19", [
        ("1.1", "Godkendelse af referat", "SAG-2021-01954", "approved"),
        ("1.2", "Godkendelse af dagsorden", "SAG-2021-01954", "approved"),
        ("2.1", "Siden sidst", "SAG-2021-01954", "discussed"),
        ("3.1", "Regionalt vækstteam for Hovedstaden om life-science og ulighed i sundhed",
         "SAG-2021-01954", "discussed"),
        ("3.2", "Status for klima VIP-projekterne", "SAG-2021-01954", "noted"),
        ("3.3", "KL-udspil om et sammenhængende Danmark", "SAG-2021-01954", "discussed"),
        ("3.4", "Økonomimodel på det specialiserede socialområde – Status og videre proces",
         "SAG-2021-01954", "noted"),
        ("3.5", "Regional rammeaftale på danskuddannelsesområdet", "SAG-2021-01954", "approved"),
        ("3.6", "Samarbejdsaftale mellem KKR Hovedstaden og Passagerpulsen om etablering og "
         "drift af Passagerråd for hovedstadsområdet", "SAG-2021-01954", "approved"),
        ("3.7", "Afrapportering på resultatkontrakt med Erhvervshus Hovedstaden for 2020",
         "SAG-2021-01954", "approved"),
        ("3.8", "Forhandling af ny femårig lærepladsaftale for SOSU-uddannelserne",
         "SAG-2021-01954", "discussed"),
        ("4", "Udpegninger", "", "approved"),
        ("4.1", "Greater Copenhagen EU Office", "SAG-2021-01954", "approved"),
        ("4.2", "Regionalt Arbejdsmarkedsråd Hovedstaden", "SAG-2021-01954", "approved"),
        ("6.1", "Møde i KKR Hovedstaden den 16. juni 2021", "SAG-2021-01954", "noted"),
    ]),
    "kkr-hovedstaden-2025-04-11": ("KKR Hovedstaden", "2025-04-11", [
        ("1.1", "Godkendelse af dagsorden", "SAG-2025-01103", "approved"),
        ("1.2", "Godkendelse af referat", "SAG-2025-01103", "approved"),
        ("2.1", "Siden sidst", "SAG-2025-01103", "noted"),
        ("3.1", "Dialogmøde med ældreministeren om ældrereformen", "SAG-2025-01103", "discussed"),
        ("3.2", "Opfølgning på den tværgående mobilitetsanalyse for hovedstadsområdet",
         "SAG-2025-01103", "discussed"),
        ("3.3", "Drøftelse om revision af Fingerplanen", "SAG-2025-01103", "discussed"),
        ("3.4", "Status på implementering af sundhedsreformen", "SAG-2025-01103", "noted"),
        ("3.5", "Kommunernes økonomiforhandlinger for 2026", "SAG-2025-01103", "discussed"),
        ("3.6", "Forslag til revision af kapacitetsdel af praksisplan for fysioterapi",
         "SAG-2025-01103", "approved"),
        ("3.7", "Afrapportering fra Erhvervshus Hovedstadens resultatkontrakt 2024",
         "SAG-2025-01103", "approved"),
        ("3.8", "Aftale om Rød løber for produktionsvirksomheder", "SAG-2025-01103", "noted"),
        ("3.9", "Status på socialområdet", "SAG-2025-01103", "approved"),
        ("3.10", "Afrapportering på Social- og Boligstyrelsens centrale udmelding om sårbare "
         "gravide med rusmiddelbrug", "SAG-2025-01103", "approved"),
        ("3.11", "Beslutning om at øge kapaciteten på de sikrede institutioner",
         "SAG-2025-01103", "noted"),
        ("3.12", "Politisk aftale om reform af professionsbachelor og "
         "erhvervsakademiuddannelserne i Danmark", "SAG-2025-01103", "noted"),
        ("4.1", "Punkter til næste møde", "SAG-2025-01103", "noted"),
        ("5", "Eventuelt", "", "unknown"),
    ]),
}


def _summary(meeting):
    return [(i.number, i.title, i.case_number, i.status) for i in meeting.items]


@pytest.fixture(scope="module")
def parsed():
    out = {}
    for stem in MEETINGS:
        out[stem] = (
            parse_file(CORPUS / "pdf" / f"{stem}-referat.pdf"),
            parse_file(CORPUS / "text" / f"{stem}.txt"),
        )
    return out


@pytest.mark.parametrize("stem", sorted(MEETINGS))
def test_every_item_of_the_pdf(parsed, stem):
    committee, date, expected = MEETINGS[stem]
    pdf, _ = parsed[stem]
    assert (pdf.committee, pdf.meeting_date) == (committee, date)
    assert _summary(pdf) == expected


@pytest.mark.parametrize("stem", sorted(MEETINGS))
def test_text_extraction_gives_the_same_items(parsed, stem):
    pdf, txt = parsed[stem]
    assert _summary(txt) == _summary(pdf)
    for a, b in zip(pdf.items, txt.items, strict=True):
        assert a.id == b.id
        assert a.attachments == b.attachments
        assert a.decision == b.decision


def test_hyphenation_in_the_corpus(parsed):
    pdf, _ = parsed["kkr-hovedstaden-2025-04-11"]
    text = "\n".join(i.text for i in pdf.items)
    assert "udsendt til medlemmerne" in text
    assert "med-lemmerne" not in text and "med- lemmerne" not in text
    assert "SOSU-uddannelse" in text or "SOSU-skoler" in text
    assert "Social- og Boligstyrelsens" in text
    assert "life science-virksomheder" in text
    assert "SAG-2025-01103" in pdf.items[0].text or pdf.items[0].case_number == "SAG-2025-01103"
    old, _ = parsed["kkr-hovedstaden-2021-04-19"]
    text21 = "\n".join(i.text for i in old.items)
    assert "erhvervs- og velfærdsuddannelser" in text21
    assert "life-science" in text21


def test_pages_and_sections(parsed):
    pdf, _ = parsed["kkr-hovedstaden-2025-04-11"]
    items = {i.number: i for i in pdf.items}
    assert items["1.1"].pages == [5]
    assert items["3.4"].case_handler == "jjc/asfp/emmj"
    assert items["3.7"].attachments == [
        "Resultatkontrakt 2024 for Erhvervshus Hovedstaden (link)",
        "Målopfyldelse resultatkontrakt 2024",
        "Årsberetning 2024 Erhvervshus Hovedstaden",
    ]
    assert items["1.2"].urls == ["https://www.kl.dk/politik/kkr/kkr-hovedstaden/moedemateriale"]
    assert items["1.1"].decision == "KKR Hovedstaden godkendte dagsordenen."
    # A numbered list inside 3.4 ("1. Regionsloven: ...") stays in the item.
    assert "Regionsloven" in items["3.4"].text
    assert items["5"].text.startswith("Eventuelt")
    assert "Steen Christiansen bad om mandat" in items["5"].text
    old, _ = parsed["kkr-hovedstaden-2021-04-19"]
    olds = {i.number: i for i in old.items}
    assert "Cirkulære indkøb" in olds["3.2"].text  # "4. Cirkulære indkøb" is a list entry
    assert "gav formandskabet mandat" in olds["4"].decision


@pytest.mark.parametrize("stem", sorted(MEETINGS))
def test_kkr_items_carry_their_sections_in_order(parsed, stem):
    """Issue #18: items carry `sections`; KL's reader kept only the named fields."""
    pdf, txt = parsed[stem]
    for a, b in zip(pdf.items, txt.items, strict=True):
        assert [(s.name, s.kind) for s in a.sections] == [(s.name, s.kind) for s in b.sections]
        assert a.section_text("decision") == a.decision
        assert a.section_text("background") == a.background
        if a.decision:
            names = [s.name for s in a.sections]
            assert names[-1] in ("Beslutning", "Bilag", "Vedlagte bilag") and "Beslutning" in names
    item = next(i for i in pdf.items if i.number == "1.1")
    assert [s.name for s in item.sections][-1] == "Beslutning"
