"""The export readers on real exports in ../shared/real/ (skipped when it is missing):
Ballerup's eDoc folder and SBSYS publication, Greve's 285 publishing-site meetings."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from searchapp.index import reindex
from searchapp.ingest import read_file
from searchapp.sources import ReadOptions, find_source_files

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
EDOC = REAL / "edoc" / "ballerup-sundheds-og-forebyggelsesudvalget-2012-12-04"
SBSYS = REAL / "sbsys" / "ballerup-it-udvalget-2013-05-15-Publication32.zip"
GREVE = REAL / "publishing-json" / "greve"


def need(path: Path):
    if not path.exists():
        pytest.skip(f"real exports not found at {path} (../shared/real beside the project)")


# -- Ballerup, eDoc ---------------------------------------------------------------------

BALLERUP_ITEMS = [
    # number, title, case, document number, decision, status
    ("1", "Meddelelser", "2011-29298", "2012-202935", "Taget til efterretning", "noted"),
    ("2", "Bygningsvedligeholdelse 2013 - anlægsbevilling", "2012-28504", "2012-203438",
     "Indstillingen godkendt", "approved"),
    ("3", "Kvalitetsstandarder for stof- og alkoholbehandling 2012-2013", "2012-31114",
     "2012-200701", "Indstilles til godkendelse", "recommended"),
    ("4", "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013", "2012-31673",
     "2012-204033", "Indstillingen godkendt", "approved"),
    ("5", "KL's opfølgningsproces vedrørende det nære sundhedsvæsen", "2011-29939",
     "2012-205876", "Indstillingen godkendt", "approved"),
    ("6", "Prioritering af midler til kronisk syge borgere og hverdagsrehabilitering for ældre",
     "2012-21786", "2012-196779", "Indstillingen godkendt", "approved"),
    ("7", "Etablering af aktivitetscenter på Solvej 6 i Ballerup", "2012-28505", "2012-206289",
     "Indstillingen godkendt\n\nmed denne bemærkning:\n\nGruppen af unge i Ballerup Kommune "
     "også får adgang til at bruge lokalerne på Solvej 6.", "approved"),
    ("8", "Evaluering af rygestopkurser", "2010-3082", "2012-206127", "Taget til efterretning",
     "noted"),
]  # fmt: skip


def test_ballerup_edoc_items_as_the_xml_lists_them():
    need(EDOC)
    # The attachments' text is tests/test_attachments_real.py's (OCR and a 108-page
    # report: minutes of reading).
    (meeting,) = read_file(EDOC / "eDocAgendaPublishing.xml", ReadOptions(attachments=False))
    assert meeting.municipality == "Ballerup Kommune"
    assert (meeting.committee, meeting.meeting_date, meeting.meeting_time) == (
        "Sundheds- og Forebyggelsesudvalget",
        "2012-12-04",
        "13:00",
    )
    assert meeting.place == "Mødecenter C, Lokale 32 på Ballerup Rådhus"
    got = [
        (i.number, i.title, i.case_number, i.document_number, i.decision, i.status)
        for i in meeting.items
    ]
    assert got == BALLERUP_ITEMS
    # Under the empty "Lukket referat" of the table of contents, yet open.
    assert not any(i.closed for i in meeting.items)
    item = meeting.items[1]
    assert item.id == "ballerup-sundheds-og-forebyggelsesudvalget-2012-12-04-2"
    assert [s.name for s in item.sections] == [
        "Sammendrag",
        "Baggrund",
        "Sagsfremstilling",
        "Økonomiske konsekvenser og finansiering",
        "Bilag",
        "Beslutningen træffes af",
        "Indstilling",
        "Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2",
    ]
    assert "Centralisering af ejendomsdriften" in item.presentation.split("\n\n")
    assert item.recommendation.startswith("Center for Ejendomme indstiller, at\n\nA) De foreslåede")
    assert item.attachments == ["Bygningsliste og prioriteringssystem"]
    assert Path(item.attachment_refs[0].path) == EDOC / "1537646.PDF"
    # Item 5's two attachments, the 108-page report among them; item 1's three.
    assert len(meeting.items[4].attachments) == 2 and len(meeting.items[0].attachments) == 3


def test_ballerup_edoc_folder_is_indexed_once(tmp_path):
    need(EDOC)
    assert find_source_files([EDOC]) == [EDOC / "eDocAgendaPublishing.xml"]
    report = reindex([EDOC], tmp_path / "index", workers=1, attachments=False)
    assert report.failed == [] and report.duplicates == []
    assert report.items_in_index == 8


# -- Ballerup, SBSYS --------------------------------------------------------------------

SBSYS_TITLES = [
    "Meddelelser",
    "Oplæg til standard it-arbejdsplads for Kommunalbestyrelsens medlemmer i 2014-2018",
    "Indførelse af systemet SAPA (Sagsoverblik/Partskontakt)",
    "Regler for indkøb af it-udstyr",
    "Status på eDagsorden",
]


def test_ballerup_sbsys_zip_and_its_unzipped_folder(tmp_path):
    need(SBSYS)
    (meeting,) = read_file(SBSYS)
    assert (meeting.municipality, meeting.committee, meeting.meeting_date) == (
        "Ballerup Kommune",
        "KMB IT-udvalget",
        "2013-05-15",
    )
    assert (meeting.meeting_time, meeting.place) == (
        "16:30",
        "Mødecenter A, Lokale 3 på Ballerup Rådhus",
    )
    items = meeting.items
    assert [(i.number, i.title) for i in items] == list(zip("12345", SBSYS_TITLES, strict=True))
    # "Final" is the agenda: no decisions yet.
    assert all(i.decision == "" and i.status == "unknown" and not i.closed for i in items)
    assert [(s.name, s.kind) for s in items[1].sections] == [
        ("Tidligere behandling", "history"),
        ("Sammendrag", "summary"),
        ("Baggrund", "background"),
        ("Sagsfremstilling", "presentation"),
        ("Økonomiske konsekvenser og finansiering", "economy"),
        ("Beslutningen træffes af", "other"),
        ("Indstilling", "recommendation"),
    ]
    assert items[1].recommendation.endswith(
        "B. Pilottesten gennemføres fra september til november 2013."
    )
    assert items[2].attachments == ["Brev fra KL til Kommunalbestyrelsen vedr Monopolbrud"]

    with zipfile.ZipFile(SBSYS) as archive:
        archive.extractall(tmp_path)
    xml = tmp_path / "Publication32" / "Publication32.xml"
    assert find_source_files([tmp_path]) == [xml]  # the enclosure is the export's
    unzipped = read_file(xml)[0].items
    assert [(i.id, i.text) for i in unzipped] == [(i.id, i.text) for i in items]
    ref = unzipped[2].attachment_refs[0]
    assert ref.path == str(tmp_path / "Publication32" / "Enclosures" / "1.pdf")


# -- Greve, publishing-site JSON --------------------------------------------------------


def test_greve_every_item_of_285_meetings():
    need(GREVE)
    files = sorted(GREVE.glob("*.json"))
    assert len(files) == 285
    expected = Counter()
    closed_titles = set()
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        expected[file] = len(data["Dagsordenpunkter"])
        closed_titles |= {
            (file, p["Punktnummer"]) for p in data["Dagsordenpunkter"]
            if p["Navn"].startswith("Lukket")
        }  # fmt: skip
    items = []
    for file in files:
        (meeting,) = read_file(file)
        assert len(meeting.items) == expected[file], file.name
        items += meeting.items
    assert len(items) == sum(expected.values()) == 4289
    assert len({i.id for i in items}) == 4289
    assert {i.municipality for i in items} == {"Greve Kommune"}
    assert "Byråd" in {i.committee for i in items}
    closed = [i for i in items if i.closed]
    assert {(Path(i.source), i.number) for i in closed} == closed_titles
    assert len(closed) == 302
    assert all(i.text == i.title and not i.sections and not i.source_url for i in closed)
    open_items = [i for i in items if not i.closed]
    assert all(
        i.sections and i.source_url.startswith("https://dagsordener.greve.dk/") for i in open_items
    )
    decided = [i for i in open_items if i.decision]
    assert len(decided) >= 3700
    # Most decisions get a status (3,510 of 3,744 when written); the rest say none:
    # "Temamødet blev holdt.", "Afbud: ..." alone, "Udvalget undlod at tage stilling.".
    assert sum(i.status != "unknown" for i in decided) / len(decided) > 0.9
    assert sum(bool(i.recommendation) for i in open_items) / len(open_items) > 0.9


def test_greve_folder_and_its_mirror_copy_index_once(tmp_path):
    need(GREVE)
    some = sorted(GREVE.glob("Økonomiudvalget_2024*.json"))[:3]
    mirror = tmp_path / "mirror" / "dagsordener.greve.dk" / "moeder"
    mirror.mkdir(parents=True)
    for file in some:
        shutil.copy(file, mirror / file.name)
    direct = tmp_path / "direct"
    direct.mkdir()
    for file in some:
        shutil.copy(file, direct / file.name)
    report = reindex([tmp_path], tmp_path / "index", workers=1)
    count = sum(len(json.loads(f.read_text(encoding="utf-8"))["Dagsordenpunkter"]) for f in some)
    assert report.failed == [] and report.items_in_index == count
    assert sum(d.items for d in report.duplicates) == count
