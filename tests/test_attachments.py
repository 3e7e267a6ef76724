"""Attachments (bilag) searched with their items (issue #16), on the project's own
exports and minutes: an eDoc folder whose attachment PDF is drawn here page by page, an
SBSYS zip whose enclosure is inside it, a publishing-site mirror, and sample minutes
with their attachment beside them. Everything goes through the real reindex (worker
processes off: workers=0) into a real index, and out through the engine and the app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from export_samples import make_edoc_folder, make_publishing_mirror, make_sbsys_zip
from reportlab.pdfgen import canvas

from searchapp.config import Config
from searchapp.engine import open_engine
from searchapp.index import index_stats, reindex
from searchapp.query import BadRequest, SearchRequest
from searchapp.web import create_app

SAMPLES = Path(__file__).parent.parent / "samples"

# Words only the attachments hold, and one (vintertjenesten) item 1's own text has too.
PAGES = [
    ["Kort over skolevejene", "Oversigt over skolevejene ved Egebjerg Skole"],
    ["Vej og Park har planlagt vintertjenesten langs skolevejene."],
    ["Side med detaljer", "Hastighedsdæmpende chikaneløsning ved Egebjerg Skole",
     "Chikaneløsningen koster 400.000 kr."],
    ["Tidsplan for anlægsarbejdet"],
]  # fmt: skip


def write_pages(path: Path, pages: list[list[str]]) -> Path:
    """A PDF of several pages, each with its lines of text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        y = 800
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return path


def search(engine, **params) -> dict:
    return engine.search(SearchRequest.from_params(params)).to_dict()


@pytest.fixture(scope="module")
def edoc(tmp_path_factory):
    """(sources folder, index root) of an eDoc folder whose item 2's attachment has
    four pages."""
    base = tmp_path_factory.mktemp("attachments")
    sources = base / "sources"
    make_edoc_folder(sources / "edoc")
    write_pages(sources / "edoc" / "200.PDF", PAGES)
    write_pages(sources / "edoc" / "201.PDF", [["Fortrolighedsnotat om medarbejderen"]])
    report = reindex([sources], base / "index", workers=0)
    assert report.ok, report.failed
    return sources, base / "index"


@pytest.fixture(scope="module")
def engine(edoc):
    sources, root = edoc
    return open_engine(root, [sources])


def test_an_item_is_found_by_words_only_its_attachment_has(engine):
    body = search(engine, q="chikaneløsning")
    assert body["total"] == 1
    hit = body["results"][0]
    assert hit["title"].startswith("Trafiksikkerhedsplan 2024")
    assert hit["found_in"] == {
        "title": "Kort over skolevejene",
        "page": 3,
        "url": "/files/edoc/200.PDF#page=3",
        "label": "Fundet i bilag: Kort over skolevejene, side 3",
    }
    assert "<mark>Chikaneløsning" in hit["snippet"] or "<mark>chikaneløsning" in hit["snippet"]
    assert "Hastighedsdæmpende" in hit["snippet"]  # the page's text, not the item's


def test_own_text_ranks_above_an_attachment_saying_the_same(engine):
    results = search(engine, q="vintertjenesten")["results"]
    assert [r["title"] for r in results] == [
        "Meddelelser", "Trafiksikkerhedsplan 2024 - anlægsbevilling",
    ]  # fmt: skip
    assert results[0]["found_in"] is None
    assert results[1]["found_in"]["page"] == 2
    assert results[0]["score"] > results[1]["score"]


def test_exclude_and_only(engine):
    assert search(engine, q="chikaneløsning", attachments="exclude")["total"] == 0
    only = search(engine, q="vintertjenesten", attachments="only")
    assert [r["title"] for r in only["results"]] == ["Trafiksikkerhedsplan 2024 - anlægsbevilling"]
    assert only["results"][0]["found_in"]["page"] == 2
    assert only["query"]["attachments"] == "only"
    # The item's own words are not searched with "only"; without words it lists the
    # items whose attachments are searchable.
    assert search(engine, q="Trafiksikkerhedsplanen", attachments="only")["total"] == 0
    listed = search(engine, attachments="only")["results"]
    assert [r["number"] for r in listed] == ["2"]  # item 1's is not to be published
    excluded = search(engine, q="vintertjenesten", attachments="exclude")["results"]
    assert [r["title"] for r in excluded] == ["Meddelelser"]


def test_an_attachment_not_to_be_published_is_not_read(engine):
    assert search(engine, q="fortrolighedsnotat")["total"] == 0


def test_a_phrase_and_a_prefix_in_an_attachment(engine):
    assert search(engine, q='"hastighedsdæmpende chikaneløsning"')["total"] == 1
    assert search(engine, q="chikanel*")["results"][0]["found_in"]["page"] == 3
    # A NOT goes by the item's own text: the attachment's word does not hide it.
    assert search(engine, q="trafiksikkerhedsplanen -chikaneløsning")["total"] == 1


def test_the_parameter_is_checked():
    with pytest.raises(BadRequest) as caught:
        SearchRequest.from_params({"attachments": "sometimes"})
    assert caught.value.param == "attachments"


def test_the_stored_item_does_not_hold_the_attachment_text(engine, edoc):
    item = engine.item(search(engine, q="chikaneløsning")["results"][0]["id"])
    ref = next(r for r in item.attachment_refs if r.title == "Kort over skolevejene")
    assert (ref.pages, ref.texts, ref.error) == (4, [], "")
    assert ref.text_key and "texts" not in item.to_dict()["attachment_refs"][0]
    generation = next(edoc[1].glob("gen-*"))
    assert (generation / f"bilag-{ref.text_key}.z").is_file()


def test_item_page_and_api_list_the_attachments(edoc, engine):
    sources, root = edoc
    app = create_app(Config(sources=[sources], index_path=root, rate_limit_api="",
                            rate_limit_pages=""))  # fmt: skip
    client = app.test_client()
    item_id = search(engine, q="chikaneløsning")["results"][0]["id"]
    data = client.get(f"/api/items/{item_id}").get_json()
    assert data["attachment_links"] == [{
        "title": "Kort over skolevejene", "pages": 4, "url": "/files/edoc/200.PDF",
        "searchable": True, "error": None,
    }]  # fmt: skip
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'href="/files/edoc/200.PDF"' in page and "4 sider" in page
    hits = client.get("/?q=chikaneløsning").get_data(as_text=True)
    assert "Fundet i bilag: Kort over skolevejene, side 3" in hits
    assert 'href="/files/edoc/200.PDF#page=3"' in hits
    assert client.get("/api/search?attachments=no").status_code == 400
    csv = client.get("/api/search.csv?q=vintertjenesten&attachments=exclude").get_data(as_text=True)
    assert csv.count("\n") == 2  # the header and Meddelelser


def test_sbsys_zip_enclosure_and_publishing_mirror(tmp_path):
    sources = tmp_path / "sources"
    make_sbsys_zip(sources / "sbsys")
    json_path = make_publishing_mirror(tmp_path / "mirror")
    write_pages(json_path.parent.parent / "bilag" / "b0000001-0000-4000-8000-000000000001.pdf",
                [["Lokalplanens kort"], ["Bevaringsværdige gadekær i Søndergården"]])  # fmt: skip
    report = reindex([sources, json_path.parent], tmp_path / "index", workers=0)
    assert report.ok, report.failed
    engine = open_engine(tmp_path / "index", [sources, json_path.parent])
    hit = search(engine, q="cykelparkering", attachments="only")["results"][0]
    assert hit["found_in"]["title"] and hit["found_in"]["page"] == 1
    hit = search(engine, q="gadekær")["results"][0]
    assert hit["title"].startswith("Lokalplan 1.45")
    assert hit["found_in"]["page"] == 2
    # The mirror is not a source folder: the link is the site's own, at the page.
    assert hit["found_in"]["url"].startswith("https://")
    assert hit["found_in"]["url"].endswith("/b0000001-0000-4000-8000-000000000001#page=2")


def test_an_attachment_beside_minutes_is_linked_not_failed(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    minutes = shutil.copy(SAMPLES / "testrup-byraad-2025-09-24-referat.pdf", folder)
    write_pages(folder / "testrup-byraad-2025-09-24-bilag-trafiktaelling.pdf",
                [["Trafiktælling på Hovedgaden 2025"], ["Knallerttrafikken er halveret"]])
    (folder / "testrup-byraad-2025-09-24-bilag-beskadiget.pdf").write_bytes(b"%PDF-1.4\n1 0 obj")
    (folder / "noget-andet.pdf").write_bytes(b"%PDF-1.4\n1 0 obj")
    report = reindex([folder], tmp_path / "index", workers=0)
    failed = {path.name: reason for path, reason in report.failed}
    assert set(failed) == {"testrup-byraad-2025-09-24-bilag-beskadiget.pdf", "noget-andet.pdf"}
    assert "an attachment of testrup-byraad-2025-09-24-referat.pdf" in failed[
        "testrup-byraad-2025-09-24-bilag-beskadiget.pdf"]  # fmt: skip
    # The summary says what it is.
    attachment = folder / "testrup-byraad-2025-09-24-bilag-trafiktaelling.pdf"
    assert report.attachments_beside == [(attachment, Path(minutes))]
    from searchapp.cli.index import format_report

    assert (f"  {attachment}: an attachment of testrup-byraad-2025-09-24-referat.pdf"
            in format_report(report).splitlines())  # fmt: skip
    engine = open_engine(tmp_path / "index", [folder])
    hit = search(engine, q="knallerttrafikken")["results"][0]
    assert hit["found_in"]["title"] == "Trafiktælling på Hovedgaden 2025"
    assert hit["found_in"]["url"] == (
        "/files/testrup-byraad-2025-09-24-bilag-trafiktaelling.pdf#page=2"
    )
    # Unchanged: nothing read again, nothing failed that was not before.
    again = reindex([folder], tmp_path / "index", workers=0)
    assert {p.name for p, _ in again.failed} == set(failed) and not again.items_written
    # The attachment changes: its minutes are read again, so the item has the new text.
    write_pages(folder / "testrup-byraad-2025-09-24-bilag-trafiktaelling.pdf",
                [["Trafiktælling på Hovedgaden 2025"], ["Cykeltrafikken er fordoblet"]])
    third = reindex([folder], tmp_path / "index", workers=0)
    assert {p.name for p, _ in third.failed} == set(failed)
    assert Path(minutes) in third.unchanged and third.items_written
    engine = open_engine(tmp_path / "index", [folder])
    assert search(engine, q="cykeltrafikken")["total"] == 1
    assert search(engine, q="knallerttrafikken")["total"] == 0
    # The attachment is removed: its minutes are read again, without it.
    (folder / "testrup-byraad-2025-09-24-bilag-trafiktaelling.pdf").unlink()
    fourth = reindex([folder], tmp_path / "index", workers=0)
    assert Path(minutes) in fourth.unchanged and fourth.items_written
    engine = open_engine(tmp_path / "index", [folder])
    assert search(engine, q="cykeltrafikken")["total"] == 0


def _reindex_counting(sources: list[Path], root: Path):
    """(report, the files extracted) of a reindex."""
    read = []
    report = reindex(sources, root, workers=0, progress=lambda event: read.append(event.path)
                     if event.stage == "extract" else None)  # fmt: skip
    assert report.ok, report.failed
    return report, read


def test_an_export_is_read_again_when_only_its_attachment_changes(tmp_path):
    """An export's attachments are part of its fingerprint: one that changes, appears
    or vanishes while the export's own file is unchanged has the export read again."""
    sources, root = tmp_path / "sources", tmp_path / "index"
    xml = make_edoc_folder(sources / "edoc")
    attachment = write_pages(sources / "edoc" / "200.PDF", [["Oversigt over skolevejene"]])
    json_path = make_publishing_mirror(tmp_path / "mirror", with_attachment=False)
    folders = [sources, json_path.parent]
    _reindex_counting(folders, root)

    write_pages(attachment, [["Oversigt over vinterruterne", "Saltning af cykelstier"]])
    mirrored = write_pages(json_path.parent.parent / "bilag"
                           / "b0000001-0000-4000-8000-000000000001.pdf", [["Gadekær bevares"]])
    since = index_stats(root, folders)["since_build"]
    assert set(since["changed"]) == {str(xml), str(json_path)} and not since["added"]
    report, read = _reindex_counting(folders, root)
    assert set(report.changed) == set(read) == {xml, json_path}
    engine = open_engine(root, folders)
    assert search(engine, q="vinterruterne")["total"] == 1
    assert search(engine, q="skolevejene", attachments="only")["total"] == 0
    assert search(engine, q="gadekær", attachments="only")["total"] == 1

    report, read = _reindex_counting(folders, root)  # nothing changed: nothing read
    assert read == [] and not report.changed and not report.new_generation

    mirrored.unlink()
    report, read = _reindex_counting(folders, root)
    assert report.changed == read == [json_path]
    engine = open_engine(root, folders)
    assert search(engine, q="gadekær", attachments="only")["total"] == 0
    assert search(engine, q="vinterruterne")["total"] == 1


def test_cli_search_says_where_and_takes_the_choice(edoc, tmp_path):
    from click.testing import CliRunner

    from searchapp.cli import cli

    sources, root = edoc
    config = tmp_path / "config.toml"
    config.write_text(f'[sources]\npaths = ["{sources}"]\n\n[index]\npath = "{root}"\n',
                      encoding="utf-8")  # fmt: skip
    runner = CliRunner()
    found = runner.invoke(cli, ["search", "chikaneløsning", "--config", str(config)])
    assert found.exit_code == 0, found.output
    assert "Fundet i bilag: Kort over skolevejene, side 3  /files/edoc/200.PDF#page=3" in (
        found.output
    )
    excluded = runner.invoke(cli, ["search", "chikaneløsning", "--attachments", "exclude",
                                   "--config", str(config)])  # fmt: skip
    assert excluded.exit_code == 0 and excluded.output.startswith("0 results")
    wrong = runner.invoke(cli, ["search", "x", "--attachments", "maybe", "--config", str(config)])
    assert wrong.exit_code == 2


def test_an_attachment_pdf_is_read_once_with_its_blank_last_pages(tmp_path, monkeypatch):
    """The page count comes with the extraction: pdfminer goes through the file once,
    and the blank pages at its end are still its pages."""
    from pdfminer.pdfpage import PDFPage

    from searchapp.attachments import page_texts
    from searchapp.extract import extract_document

    pdf = write_pages(tmp_path / "bilag.pdf", [["Trafiktælling på Hovedgaden"], [], []])
    assert extract_document(pdf).pages == 3
    walks = []
    real = PDFPage.get_pages.__func__

    def counting(cls, *args, **kwargs):
        walks.append(1)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(PDFPage, "get_pages", classmethod(counting))
    assert page_texts(pdf) == ["Trafiktælling på Hovedgaden", "", ""]
    assert len(walks) == 1


def test_reindex_progress_holds_the_verdict_on_a_file_beside_minutes(tmp_path, monkeypatch):
    """The progress line of an attachment beside minutes says what it is, not that it
    failed as minutes; a file that is neither still fails, and the exit code says so."""
    from click.testing import CliRunner

    from searchapp.cli import cli

    folder = tmp_path / "minutes"
    folder.mkdir()
    shutil.copy(SAMPLES / "testrup-byraad-2025-09-24-referat.pdf", folder)
    attachment = write_pages(folder / "testrup-byraad-2025-09-24-bilag-trafiktaelling.pdf",
                             [["Trafiktælling på Hovedgaden 2025"]])
    config = tmp_path / "config.toml"
    config.write_text(f'[sources]\npaths = ["{folder}"]\n[index]\npath = "{tmp_path / "index"}"\n',
                      encoding="utf-8")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("searchapp.index.DEFAULT_WORKERS", 0)  # read in this process
    result = CliRunner().invoke(cli, ["reindex", "--config", str(config)])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ln.startswith("[") and
                ln.split("] ", 1)[1].startswith(f"minutes/{attachment.name}:"))  # fmt: skip
    assert "failed" not in line
    assert line.endswith("an attachment of testrup-byraad-2025-09-24-referat.pdf")

    (folder / "noget-andet.pdf").write_bytes(b"%PDF-1.4\n1 0 obj")
    result = CliRunner().invoke(cli, ["reindex", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert "minutes/noget-andet.pdf: failed: " in result.output


def test_a_new_attachment_beside_unchanged_minutes_is_linked(tmp_path):
    """An incremental reindex reads minutes it has read before again when a file that
    may be their attachment appears beside them (named as the meeting's, or by an
    item's Bilag title); another new file leaves them alone."""
    folder, root = tmp_path / "minutes", tmp_path / "index"
    folder.mkdir()
    minutes = Path(shutil.copy(SAMPLES / "testrup-byraad-2025-09-24-referat.pdf", folder))
    assert reindex([folder], root, workers=0).ok

    attachment = write_pages(folder / "testrup-byraad-2025-09-24-bilag-trafiktaelling.pdf",
                             [["Trafiktælling på Hovedgaden 2025"],
                              ["Knallerttrafikken er halveret"]])  # fmt: skip
    report = reindex([folder], root, workers=0)
    assert report.ok, report.failed
    assert minutes in report.unchanged and report.items_written
    assert report.attachments_beside == [(attachment, minutes)]
    hit = search(open_engine(root, [folder]), q="knallerttrafikken")["results"][0]
    assert hit["found_in"]["title"] == "Trafiktælling på Hovedgaden 2025"

    # Item 2 names "Kort over skoleveje": a file so named is that attachment.
    write_pages(folder / "kort-over-skoleveje.pdf", [["Skolestierne ved Egebjerg Skole"]])
    report = reindex([folder], root, workers=0)
    assert report.ok, report.failed
    hit = search(open_engine(root, [folder]), q="skolestierne")["results"][0]
    assert hit["number"] == "2" and hit["found_in"]["title"] == "Kort over skoleveje"

    write_pages(folder / "noget-andet.pdf", [["Referat uden punkter"]])
    report = reindex([folder], root, workers=0)
    assert [p.name for p, _ in report.failed] == ["noget-andet.pdf"]
    assert not report.items_written  # the minutes were not read again
