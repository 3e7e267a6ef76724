"""Real minutes PDFs from the meeting systems municipalities use (../shared/real),
read by their layout: Aarhus Byråd's FirstAgenda minutes and Ballerup's eDoc minutes.
Skipped, saying so, when ../shared/real is not beside the project."""

from pathlib import Path

import pytest

from searchapp.ingest import IngestError, parse_file

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"
AARHUS = REAL / "firstagenda" / "aarhus-byraad-2025-08-27-referat.pdf"
BALLERUP = REAL / "edoc" / "ballerup-sundheds-og-forebyggelsesudvalget-2012-12-04"

pytestmark = pytest.mark.skipif(
    not REAL.is_dir(),
    reason=f"real minutes not found at {REAL} (../shared/real beside the project); skipped",
)

# Judged by reading the PDF: number, title, case number, status, closed.
AARHUS_ITEMS = [
    ("1", "Godkendelse af dagsorden", "EMN-2023-009832", "approved", False),
    ("2", "Svar på forslag fra DD om principbeslutning om at sikre Havnens Perles fremtid på "
          "Aarhus Ø", "EMN-2025-003383", "referred", False),
    ("3", "Svar på forslag fra KF og M om at halvere prisen på parkering i kommunale P-huse",
     "EMN-2025-003928", "approved", False),
    ("4", "Svar på forslag fra V om at farten skal ned på Grenåvej i Løgten & Skødstrup",
     "EMN-2025-004084", "approved", False),
    ("5", "Revisionspåtegning og endelig godkendelse af regnskab 2024", "EMN-2025-008579",
     "approved", False),
    ("6", "Svar på forslag fra RV om politik og handlingsplan mod diskrimination i Aarhus",
     "EMN-2025-000517", "approved", False),
    ("7", "Afrapportering på klimaregnskab samt orientering om ny 2030-fremskrivning",
     "EMN-2025-008528", "approved", False),
    ("8", "Afsluttede anlægsregnskaber for Teknik og Miljø 2024", "EMN-2025-005495",
     "approved", False),
    ("9", "Bro mellem Dokk1 og Balticagade", "EMN-2025-006675", "referred", False),
    ("10", "Lokalplan 1221 (tillæg 2 til lokalplan 411) – Erhvervsområde ved Kattrup, "
           "Hasselager-Kolt, med tillæg 1 - Endelig", "EMN-2025-008468", "referred", False),
    ("11", "Anlægsbevilling til Kongeruten i Kongelunden", "EMN-2025-007373", "referred",
     False),
    ("12", "Anlægsbevilling til nyt idrætsanlæg i Lisbjerg", "EMN-2025-007459", "approved",
     False),
    ("13", "Mulighed for skoleskift til Ravnbakkeskolen", "EMN-2025-007142", "approved", False),
    ("14", "Justering af ramme for kvalitetsopfølgning og tilsyn i Børn og Unge",
     "EMN-2025-008370", "referred", False),
    ("15", "Forslag fra M om styrket implementering af relationel velfærd", "EMN-2025-008774",
     "referred", False),
    ("16", "Forslag fra M om International Aarhus 2.0", "EMN-2025-008892", "referred", False),
    ("17", "Forslag fra DD og LA om Aarhus som testkommune for selvkørende biler",
     "EMN-2025-008893", "referred", False),
    ("18", "Forslag fra EL og Viggo Jonasen, UFP, om særskilt budgettering af "
           "specialundervisning", "EMN-2025-008908", "referred", False),
    ("19", "Forslag fra EL og Viggo Jonasen, UFP, om tabt arbejdsfortjeneste ved skolevægring "
           "og lignende", "EMN-2025-008910", "referred", False),
    ("20", "Forslag fra SF og ALT om Østjysk Marin Naturnationalpark", "EMN-2025-008912",
     "referred", False),
    ("21", "Lukket: Køb af landbrugsejendom", "EMN-2025-007940", "unknown", True),
]  # fmt: skip

# As eDocAgendaPublishing.xml lists them (AgendaItemNumber, Document/Title), with the
# case number, the document number and the decision printed in the minutes PDF.
BALLERUP_ITEMS = [
    ("1", "Meddelelser", "2011-29298", "2012-202935", "noted"),
    ("2", "Bygningsvedligeholdelse 2013 - anlægsbevilling", "2012-28504", "2012-203438",
     "approved"),
    ("3", "Kvalitetsstandarder for stof- og alkoholbehandling 2012-2013", "2012-31114",
     "2012-200701", "recommended"),  # "Indstilles til godkendelse"
    ("4", "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013", "2012-31673",
     "2012-204033", "approved"),
    ("5", "KL's opfølgningsproces vedrørende det nære sundhedsvæsen", "2011-29939",
     "2012-205876", "approved"),
    ("6", "Prioritering af midler til kronisk syge borgere og hverdagsrehabilitering for "
          "ældre", "2012-21786", "2012-196779", "approved"),
    ("7", "Etablering af aktivitetscenter på Solvej 6 i Ballerup", "2012-28505", "2012-206289",
     "approved"),
    ("8", "Evaluering af rygestopkurser", "2010-3082", "2012-206127", "noted"),
]  # fmt: skip


@pytest.fixture(scope="module")
def aarhus():
    return parse_file(AARHUS)


@pytest.fixture(scope="module")
def ballerup():
    return parse_file(BALLERUP / "1552814.PDF")


def test_aarhus_meeting(aarhus):
    assert (aarhus.municipality, aarhus.committee) == ("Aarhus Kommune", "Aarhus Byråd")
    assert (aarhus.meeting_date, aarhus.meeting_time, aarhus.place) == (
        "2025-08-27", "16:00", "Byrådssalen"
    )
    assert aarhus.source_format == "firstagenda"


def test_aarhus_items(aarhus):
    got = [(i.number, i.title, i.case_number, i.status, i.closed) for i in aarhus.items]
    assert got == AARHUS_ITEMS
    assert aarhus.items[1].id == "aarhus-byraad-2025-08-27-2"
    assert [i.pages[0] for i in aarhus.items] == [
        3, 4, 6, 8, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
    ]  # fmt: skip


def test_aarhus_sections_in_the_documents_order(aarhus):
    item = aarhus.items[2]
    assert [s.name for s in item.sections] == [
        "Beslutninger", "BESLUTNINGSFORSLAG FRA KF OG M",
        "INDSTILLING FRA MAGISTRATSAFDELINGEN FOR TEKNIK OG MILJØ", "Resume",
        "Beslutningspunkter", "Borgmesterens Afdelings påtegning", "Sagsforløb", "Bilag",
    ]  # fmt: skip
    assert item.decision.startswith("Tilbagesendes Magistratsafdelingen for Teknik og Miljø")
    assert "Radikale Venstres og Alternativets byrådsgrupper kunne ikke tiltræde" in item.decision
    assert item.recommendation.startswith("Det indstilles:\nAt 1) forslaget om halvering")
    assert item.attachments == ["Indstilling", "Bilag 1: Beslutningsforslag",
                                "Byrådsdebat 09.04.2025"]  # fmt: skip


def test_aarhus_closed_item_is_its_title_only(aarhus):
    closed = aarhus.items[-1]
    assert closed.closed and closed.text == "Lukket: Køb af landbrugsejendom"
    assert "Tilbagesendes" not in closed.text and not closed.decision


def test_ballerup_meeting(ballerup):
    assert (ballerup.municipality, ballerup.committee) == (
        "Ballerup Kommune", "Sundheds- og Forebyggelsesudvalget"
    )
    assert (ballerup.meeting_date, ballerup.meeting_time) == ("2012-12-04", "13:00")
    assert ballerup.place == "Mødecenter C, Lokale 32 på Ballerup Rådhus"
    assert ballerup.source_format == "edoc"


def test_ballerup_items_as_the_export_lists_them(ballerup):
    got = [(i.number, i.title, i.case_number, i.document_number, i.status)
           for i in ballerup.items]  # fmt: skip
    assert got == BALLERUP_ITEMS
    assert not any(i.closed for i in ballerup.items)  # the empty "Lukket referat" group
    assert ballerup.items[0].id == "ballerup-sundheds-og-forebyggelsesudvalget-2012-12-04-1"


def test_ballerup_running_header_is_not_text(ballerup):
    for item in ballerup.items:
        assert "Dato: 04.12.2012" not in item.text
        assert "Åbent referat" not in item.text


def test_an_attachment_is_not_minutes():
    with pytest.raises(IngestError, match="no agenda items found"):
        parse_file(REAL / "firstagenda" / "aarhus-byraad-2025-08-27-bilag-sager-paa-vej.pdf")
