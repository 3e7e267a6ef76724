"""The parser on the project's own sample minutes (samples/, tests/fixtures/text/).

These run on a fresh clone without ../shared: every item of the three sample meetings,
and the text extractions agreeing with their PDFs.
"""

from pathlib import Path

import pytest

from searchapp.ingest import parse_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TEXTS = ROOT / "tests" / "fixtures" / "text"

EXPECTED = {
    "kkr-hovedstaden-2023-06-14-referat.pdf": (
        "KKR Hovedstaden",
        "2023-06-14",
        [
            ("1.1", "Godkendelse af dagsorden og referat", "SAG-2023-02118", "approved", [3]),
            ("2.1", "Siden sidst", "SAG-2023-02118", "noted", [4]),
            (
                "3.1",
                "Sundhedsreformen og kommunernes rolle i de nye sundhedsråd og i det nære sundhedsvæsen",
                "SAG-2023-02118",
                "discussed",
                [5],
            ),
            (
                "3.2",
                "Movias budget 2024 og forslag om besparelser på buslinjer i hovedstadsområdet",
                "SAG-2023-02118",
                "rejected",
                [5, 6],
            ),
            (
                "3.3",
                "Regional udviklingsstrategi: life science, grøn omstilling og kvalificeret arbejdskraft",
                "SAG-2023-02118",
                "unknown",
                [6],
            ),
            (
                "3.4",
                "Rekruttering til velfærdsområderne: fælles indsats for flere pædagoger, sygeplejersker og social- og sundhedsassistenter",
                "SAG-2023-02118",
                "approved",
                [6, 7],
            ),
            (
                "3.5",
                "Praksisplan for almen praksis – høringssvar",
                "SAG-2023-02118",
                "approved",
                [7],
            ),
            ("5", "Eventuelt", "", "unknown", [9]),
        ],
    ),
    "kkr-sjaelland-2024-09-12-referat.pdf": (
        "KKR Sjælland",
        "2024-09-12",
        [
            ("1.1", "Godkendelse af dagsorden", "SAG-2024-00417", "approved", [3]),
            ("1.2", "Godkendelse af referat", "SAG-2024-00417", "approved", [3]),
            ("2.1", "Siden sidst", "SAG-2024-00417", "noted", [4]),
            (
                "3.1",
                "Status på implementering af ældrereformen og den nye helhedspleje i kommunerne i Region Sjælland",
                "SAG-2024-00417",
                "discussed",
                [5, 6],
            ),
            (
                "3.2",
                "Status for de fælles klimaprojekter og den regionale indsats for grøn omstilling af kollektiv trafik og godstransport i Sjællandsregionen",
                "SAG-2024-00417",
                "noted",
                [6, 7],
            ),
            (
                "3.3",
                "Beslutning om fælles udbud af flextrafik og kørsel til genoptræning",
                "SAG-2024-00417",
                "postponed",
                [7],
            ),
            (
                "3.4",
                "Dimensionering af SOSU-uddannelserne og adgang til erhvervs- og velfærdsuddannelser i hele regionen",
                "SAG-2024-00417",
                "approved",
                [7, 8],
            ),
            ("4", "Udpegninger", "", "approved", [9]),
            (
                "4.1",
                "Udpegning til bestyrelsen for Erhvervshus Sjælland",
                "SAG-2024-00417",
                "approved",
                [9],
            ),
            ("5", "Eventuelt", "", "unknown", [10]),
        ],
    ),
    "okonomiudvalget-2022-01-25-referat.pdf": (
        "Økonomiudvalget",
        "2022-01-25",
        [
            ("1.1", "Godkendelse af dagsorden", "SAG-2022-00093", "approved", [2]),
            (
                "2.1",
                "Budget 2023-2026: tidsplan og principper for budgetlægningen",
                "SAG-2022-00101",
                "approved",
                [3],
            ),
            (
                "2.2",
                "Anlægsbevilling til klimatilpasning ved Vestre Å og renovering af regnvandsbassiner i Nørreby",
                "SAG-2022-00118",
                "rejected",
                [3, 4],
            ),
            (
                "2.3",
                "Beslutning om salg af den tidligere skole på Kirkevej 12",
                "SAG-2022-00124",
                "postponed",
                [4],
            ),
            (
                "2.4",
                "Høring om forslag til ny trafikplan for den kollektive trafik",
                "SAG-2022-00131",
                "discussed",
                [4, 5],
            ),
            ("3.1", "Kvartalsrapport for 4. kvartal 2021", "SAG-2022-00087", "noted", [6]),
            ("3.2", "Status på kommunens klimaplan (DK2020)", "SAG-2022-00090", "noted", [6]),
            ("4", "Eventuelt", "", "unknown", [7]),
        ],
    ),
}


def summary(meeting):
    return [(i.number, i.title, i.case_number, i.status, i.pages) for i in meeting.items]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_item_of_the_sample(name):
    committee, meeting_date, items = EXPECTED[name]
    meeting = parse_file(SAMPLES / name)
    assert (meeting.committee, meeting.meeting_date) == (committee, meeting_date)
    assert summary(meeting) == items


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_text_extraction_agrees_with_pdf(name):
    pdf = parse_file(SAMPLES / name)
    txt = parse_file(TEXTS / name.replace("-referat.pdf", ".txt"))
    for a, b in zip(pdf.items, txt.items, strict=True):
        assert (a.id, a.title, a.case_number, a.status) == (b.id, b.title, b.case_number, b.status)
        assert (a.attachments, a.decision, a.urls) == (b.attachments, b.decision, b.urls)


def test_samples_cover_every_status():
    statuses = {i.status for name in EXPECTED for i in parse_file(SAMPLES / name).items}
    assert statuses == {"approved", "noted", "discussed", "postponed", "rejected", "unknown"}


def test_sample_details():
    items = {
        i.number: i for i in parse_file(SAMPLES / "kkr-sjaelland-2024-09-12-referat.pdf").items
    }
    assert items["3.4"].attachments == [
        "Fremskrivning af behovet for social- og sundhedspersonale i Region Sjælland frem "
        "mod 2035 (opdateret august 2024)",
        "Pejlemærker for dimensioneringen",
    ]
    assert "SOSU-uddannelserne" in items["3.4"].title
    assert "erhvervs- og velfærdsuddannelser" in items["3.4"].title
    assert items["3.3"].title.startswith("Beslutning om")
    assert items["1.1"].case_handler == "mkj"
    assert "Udpegninger" == items["4"].title
