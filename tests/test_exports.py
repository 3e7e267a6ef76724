"""The export readers on the project's own small exports (tests/export_samples.py):
eDoc AgendaPublishing folders, SBSYS publications zipped and unzipped, a publishing
site's meeting JSON; told apart by content, not-public text never indexed, and a
meeting indexed once whichever files describe it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from export_samples import (
    EDOC_ITEMS,
    SECRET,
    make_edoc_folder,
    make_publishing_mirror,
    make_sbsys_folder,
    make_sbsys_zip,
    write_pdf,
)

from searchapp.exports.base import parse_when, parse_xml
from searchapp.index import reindex
from searchapp.ingest import IngestError, read_file
from searchapp.models import AgendaItem
from searchapp.sources import ReadOptions, find_source_files, reader_for


def items_of(path: Path, municipality: str = "") -> list[AgendaItem]:
    return [i for m in read_file(path, ReadOptions(municipality)) for i in m.items]


def leaks(item: AgendaItem) -> bool:
    """Whether any text of the item, in any field, holds the closed items' word."""
    return SECRET in json.dumps(item.to_dict(), ensure_ascii=False)


def by_number(items):
    return {i.number: i for i in items}


# -- eDoc -------------------------------------------------------------------------------


def test_edoc_items_in_order_with_their_fields(tmp_path):
    xml = make_edoc_folder(tmp_path / "edoc")
    assert reader_for(xml).kind == "edoc-xml"
    (meeting,) = read_file(xml)
    assert (meeting.committee, meeting.meeting_date, meeting.meeting_time) == (
        "Teknik- og Miljøudvalget",
        "2024-03-05",
        "16:00",
    )
    assert meeting.place == "Mødelokale 2 på Egedal Rådhus"
    assert meeting.municipality == "Egedal Kommune"  # from the place, not the config
    items = meeting.items
    assert [i.number for i in items] == ["1", "2", "3", "4"]
    assert [i.title for i in items] == [EDOC_ITEMS[n] for n in "1234"]
    assert items[1].id == "egedal-teknik-og-miljoeudvalget-2024-03-05-2"
    item = items[1]
    assert item.case_number == "2024-1234" and item.case_numbers == ["2024-1234"]
    assert item.document_number == "2024-56789"  # Dok.nr. is no case number
    assert [(s.name, s.kind) for s in item.sections] == [
        ("Sammendrag", "summary"),
        ("Sagsfremstilling", "presentation"),
        ("Økonomiske konsekvenser og finansiering", "economy"),
        ("Bilag", "attachments"),
        ("Indstilling", "recommendation"),
        ("Teknik- og Miljøudvalgets beslutning den 05.03.2024 Punkt 2", "decision"),
    ]
    assert item.presentation.split("\n\n") == [
        "Skolevejene ved Egebjerg Skole får hævede flader og nye fodgængerfelter.",
        "Særligt om cykelstier",
        "Cykelstien langs Ringvejen forlænges.",
    ]
    assert (
        item.recommendation
        == "Center for Trafik indstiller, at\n\nA) Trafiksikkerhedsplanen godkendes."
    )
    assert item.decision == "Indstillingen godkendt"
    assert item.status == "approved"
    assert item.summary.startswith("Planen for trafiksikkerhed")
    assert item.attachments == ["Kort over skolevejene"]  # the unpublished one left out
    assert Path(item.attachment_refs[0].path) == tmp_path / "edoc" / "200.PDF"
    assert item.source == str(xml) and item.source_format == "edoc-xml"
    assert item.source_url == str(tmp_path / "edoc" / "102.PDF")
    assert item.text.startswith("Trafiksikkerhedsplan 2024 - anlægsbevilling\n\nSammendrag\n\n")
    assert "\x0c" not in item.text and "\r" not in item.text


def test_edoc_lettered_points_go_on_after_their_bilag(tmp_path):
    item = by_number(items_of(make_edoc_folder(tmp_path)))["1"]
    assert item.status == "noted"
    assert [(s.name, s.text) for s in item.sections[:3]] == [
        ("", "a. Møder og konferencer\n\nb. Konference om klimatilpasning"),
        ("Bilag", "2024-50002 - Program for konferencen"),
        ("", "c. Redegørelse fra Vej og Park om vintertjenesten"),
    ]


def test_edoc_items_not_published_are_their_title_only(tmp_path):
    items = by_number(items_of(make_edoc_folder(tmp_path)))
    for number in ("3", "4"):  # PublishingType "MÅ IKKE PUBLICERES"; the closed agenda
        item = items[number]
        assert item.closed and item.sections == [] and item.attachments == []
        assert item.text == item.title == EDOC_ITEMS[number]  # the neutral title
        assert item.decision == "" and item.status == "unknown" and not leaks(item)
    assert not any(leaks(i) for i in items.values())


def test_edoc_folder_pdfs_are_members_and_the_meeting_is_indexed_once(tmp_path):
    folder = tmp_path / "sources" / "edoc"
    xml = make_edoc_folder(folder)
    assert find_source_files([tmp_path / "sources"]) == [xml]
    report = reindex([tmp_path / "sources"], tmp_path / "index", workers=1)
    assert report.failed == [] and report.duplicates == []
    assert report.items_in_index == 4


def test_edoc_config_names_the_municipality_only_when_the_export_does_not(tmp_path):
    xml = make_edoc_folder(tmp_path)
    xml.write_bytes(xml.read_bytes().replace(" på Egedal Rådhus".encode(), b""))
    (meeting,) = read_file(xml, ReadOptions("Furesø Kommune"))
    assert meeting.municipality == "Furesø Kommune"
    assert meeting.items[0].id.startswith("furesoe-teknik-og-miljoeudvalget-2024-03-05")


def test_edoc_without_committee_says_what_is_missing(tmp_path):
    xml = make_edoc_folder(tmp_path)
    data = xml.read_bytes()
    xml.write_bytes(data.replace("<Committee>Teknik- og Miljøudvalget</Committee>".encode(), b""))
    with pytest.raises(IngestError, match="without its committee or meeting date"):
        read_file(xml)


# -- XML safety -------------------------------------------------------------------------


def test_xml_with_entities_is_refused_before_parsing(tmp_path):
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE Meeting [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<Meeting><Committee>&b;&x;</Committee><MeetingDate>01-01-2024</MeetingDate>"
        "<MeetingAgendaTypes/></Meeting>"
    )
    path = tmp_path / "eDocAgendaPublishing.xml"
    path.write_text(bomb)
    with pytest.raises(IngestError, match="document type or entities"):
        read_file(path)


def test_xml_control_characters_are_read_and_cdata_doctype_is_text():
    root = parse_xml(
        b"<?xml version='1.0'?><!-- x --><a>x&#xC;y&#1;z\x0bw<b><![CDATA[<!DOCTYPE html>]]></b></a>"
    )
    assert root.text == "x\ny z w" and root.find("b").text == "<!DOCTYPE html>"


def test_broken_xml_names_the_problem(tmp_path):
    path = tmp_path / "eDocAgendaPublishing.xml"
    path.write_text("<Meeting><Committee>Udvalg</Committee><MeetingDate>01-01-2024</MeetingDate>")
    with pytest.raises(IngestError, match=r"eDoc export that cannot be read: the XML is broken"):
        read_file(path)


def test_dates_and_times():
    assert parse_when("04-12-2012 13:00:00") == ("2012-12-04", "13:00")
    assert parse_when("2022-01-10T08:00:00+01:00") == ("2022-01-10", "08:00")
    assert parse_when("15-05-2013 00:00:00") == ("2013-05-15", "")
    assert parse_when("i morgen") == ("", "")


# -- SBSYS ------------------------------------------------------------------------------


def check_sbsys(items: list[AgendaItem], folder: Path | None):
    assert [(i.number, i.title) for i in items] == [
        ("1", "Meddelelser"),
        ("2", "Cykelparkering ved stationen"),
        ("3", "Ekspropriation til vejudvidelse"),
    ]
    meddelelser, cykler, closed = items
    assert meddelelser.case_numbers == []  # SBSYS's "-": no case
    assert [(s.name, s.kind) for s in meddelelser.sections] == [
        ("", "presentation"),
        ("Beslutning", "decision"),
    ]
    assert meddelelser.status == "noted"
    assert cykler.id == "egedal-plan-og-miljoeudvalget-2024-04-10-2"
    assert (cykler.meeting_time, cykler.place) == ("17:00", "Byrådssalen, Egedal Rådhus")
    assert cykler.case_numbers == ["24/12345"]
    # In the order of their Index, empty fields left out, the HTML read as paragraphs.
    assert [(s.name, s.kind) for s in cykler.sections] == [
        ("Sammendrag", "summary"),
        ("Sagsfremstilling", "presentation"),
        ("Indstilling", "recommendation"),
        ("Beslutning", "decision"),
    ]
    assert cykler.summary == "Der mangler 200 pladser til cykler ved stationen."
    assert cykler.presentation == (
        "Pendlerne stiller cyklerne på fortovet.\n\nPladser | 200\n\nPris | 1,2 mio. kr."
    )
    assert cykler.recommendation == (
        "Center for Plan indstiller, at\n\nA. tilbuddet på cykelparkering godkendes."
        "\n\nB. arbejdet udføres i 2024."
    )
    assert cykler.status == "approved" and cykler.source_format == "sbsys"
    ref = cykler.attachment_refs[0]
    assert ref.title == "Tilbud på cykelparkering"
    if folder:
        assert (ref.path, ref.member) == (str(folder / "Enclosures" / "1.pdf"), "")
    else:  # the enclosure in the zip the item came from
        assert (ref.path, ref.member) == (cykler.source, "Publication7/Enclosures/1.pdf")
    assert ref.pages == 1 and ref.texts == ["Tilbud på cykelparkering"]
    assert closed.closed and closed.sections == [] and closed.case_numbers == ["24/999"]
    assert not any(leaks(i) for i in items)


def test_sbsys_zip(tmp_path):
    path = make_sbsys_zip(tmp_path)
    assert reader_for(path).kind == "sbsys"
    check_sbsys(items_of(path), None)


def test_sbsys_folder_gives_the_same_items_and_claims_its_enclosures(tmp_path):
    xml = make_sbsys_folder(tmp_path / "src")
    check_sbsys(items_of(xml), xml.parent)
    assert find_source_files([tmp_path / "src"]) == [xml]
    zipped = make_sbsys_zip(tmp_path / "zip")
    strip = ("source", "attachment_refs")
    assert [{k: v for k, v in i.to_dict().items() if k not in strip} for i in items_of(xml)] == [
        {k: v for k, v in i.to_dict().items() if k not in strip} for i in items_of(zipped)
    ]


def test_sbsys_zip_and_folder_of_one_meeting_are_indexed_once(tmp_path):
    make_sbsys_folder(tmp_path / "src")
    shutil.move(make_sbsys_zip(tmp_path / "zip"), tmp_path / "src")
    report = reindex([tmp_path / "src"], tmp_path / "index", workers=1)
    assert report.failed == [] and report.items_in_index == 3
    assert len(report.duplicates) == 1 and report.duplicates[0].items == 3


def test_zip_without_a_publication_is_not_a_source(tmp_path):
    import zipfile

    path = tmp_path / "andet.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("noter.xml", "<Noter/>")
    assert reader_for(path) is None
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    assert reader_for(tmp_path / "broken.zip") is None


# -- publishing-site JSON ------------------------------------------------------------------


def test_publishing_json_items(tmp_path):
    path = make_publishing_mirror(tmp_path)
    assert reader_for(path).kind == "publishing-json"
    (meeting,) = read_file(path)
    assert (meeting.committee, meeting.meeting_date, meeting.meeting_time, meeting.place) == (
        "Byråd",  # "Byråd 2022-2025": the election period is not the body's name
        "2024-05-27",
        "19:00",
        "Byrådssalen",
    )
    assert meeting.municipality == "Egedal Kommune"  # from the site's host
    lokalplan, regnskab, closed = meeting.items
    assert lokalplan.id == "egedal-byraad-2024-05-27-1"
    assert lokalplan.case_numbers == ["23-014420K"]
    assert [(s.name, s.kind) for s in lokalplan.sections] == [
        ("Beslutning", "decision"),
        ("Sagsprocedure", "history"),
        ("Resume", "summary"),
        ("Indstilling", "recommendation"),
        ("Sagsbeskrivelse", "presentation"),
        ("Lovgrundlag", "other"),
    ]
    assert lokalplan.decision == "Godkendt.\n\nFraværende: Bent Olsen"
    assert lokalplan.status == "approved"
    assert lokalplan.recommendation == (
        "Administrationen indstiller, at\n\n1. lokalplanen vedtages endeligt"
        "\n\n2. høringssvarene besvares som foreslået"
    )
    assert lokalplan.presentation == (
        "Planen blev sendt i høring i januar.\n\nTrafik\n\nVejen udvides & får cykelsti."
    )
    site = "https://dagsordener.egedal.dk/Vis/Pdf/bilag/"
    assert lokalplan.source_url == site + "d0000000-0000-4000-8000-000000000001"
    assert [(a.title, a.url) for a in lokalplan.attachment_refs] == [
        ("Lokalplan 1.45", site + "b0000001-0000-4000-8000-000000000001"),
        ("Høringssvar", site + "b0000001-0000-4000-8000-000000000002"),
    ]
    stored = path.parent.parent / "bilag" / "b0000001-0000-4000-8000-000000000001.pdf"
    assert [a.path for a in lokalplan.attachment_refs] == [str(stored), ""]
    assert [(s.name, s.kind) for s in regnskab.sections] == [
        ("Resume", "summary"),
        ("Indstilling", "recommendation"),
        ("Økonomiske konsekvenser", "economy"),
        ("Beslutning", "decision"),
    ]
    assert regnskab.status == "noted"


def test_publishing_json_closed_item_is_its_title_only(tmp_path):
    closed = items_of(make_publishing_mirror(tmp_path))[2]
    assert closed.title == "Lukket: Køb af landbrugsejendom" and closed.closed
    assert closed.sections == [] and closed.decision == "" and closed.status == "unknown"
    assert closed.text == closed.title and closed.source_url == "" and not leaks(closed)


def test_publishing_json_is_open_is_trusted_where_some_item_is_open(tmp_path):
    path = make_publishing_mirror(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    for point in data["Dagsordenpunkter"]:
        point["IsOpen"] = point["Punktnummer"] != "2"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert [i.closed for i in items_of(path)] == [False, True, True]


def test_publishing_mirror_attachments_are_members_and_other_json_is_not_a_source(tmp_path):
    path = make_publishing_mirror(tmp_path)
    write_pdf(path.parent.parent / "bilag" / "d0000000-0000-4000-8000-000000000002.pdf")
    assert find_source_files([tmp_path]) == [path]  # not udvalgsliste.json, not the PDFs


def test_publishing_json_municipality_without_links(tmp_path):
    path = make_publishing_mirror(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    for point in data["Dagsordenpunkter"]:
        point["Felter"][0]["Link"] = ""
    moved = tmp_path / "elsewhere" / "meeting.json"
    moved.parent.mkdir()
    moved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    # In the mirror, the folder is named after the site's host.
    assert items_of(path)[0].municipality == "Egedal Kommune"
    # Elsewhere, only the config can tell.
    assert items_of(moved, "Greve Kommune")[0].id == "greve-byraad-2024-05-27-1"
    assert items_of(moved)[0].municipality == ""


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"Dagsordenpunkter": [', "not valid JSON"),
        ('{"Dagsordenpunkter": "x", "Moede": {}}', "no 'Dagsordenpunkter' list"),
        ('{"Dagsordenpunkter": [], "Udvalg": {"Navn": "ØU"}, "Moede": {}}', "without its"),
    ],
)
def test_publishing_json_problems_are_named(tmp_path, content, reason):
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(IngestError, match=reason):
        read_file(path)


def test_json_that_is_no_meeting_is_not_a_source(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "x", "Moede": 1}')
    (tmp_path / "list.json").write_text("[1, 2]")
    assert find_source_files([tmp_path]) == []


def test_all_three_formats_in_one_reindex(tmp_path):
    src = tmp_path / "src"
    make_edoc_folder(src / "edoc")
    make_sbsys_zip(src / "sbsys")
    make_publishing_mirror(src / "site")
    report = reindex([src], tmp_path / "index", workers=1)
    assert report.failed == [] and report.duplicates == []
    assert report.items_in_index == 4 + 3 + 3
