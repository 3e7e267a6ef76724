"""Attachments of real minutes (issue #16): Ballerup's eDoc export in
../shared/real/edoc (a 108-page KL report attached to item 5, an image-only scan
attached to item 2) and Aarhus's minutes with one of their attachments beside them in
../shared/real/firstagenda. The words searched for were picked by reading the texts:
each occurs in the report only, or in one item's own text and in the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from export_samples import write_pdf

from searchapp import ocr
from searchapp.config import Config
from searchapp.engine import open_engine
from searchapp.index import reindex
from searchapp.query import SearchRequest
from searchapp.web import create_app

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real"
EDOC = REAL / "edoc"
FIRSTAGENDA = REAL / "firstagenda"
MEETING = "ballerup-sundheds-og-forebyggelsesudvalget-2012-12-04"
REPORT = "Det nære sundhedsvæsen - KL"
SCAN = "Bygningsliste og prioriteringssystem"

pytestmark = pytest.mark.skipif(
    not EDOC.is_dir(), reason=f"the real minutes are not here: {EDOC} is missing"
)


def search(engine, **params) -> dict:
    return engine.search(SearchRequest.from_params(params)).to_dict()


@pytest.fixture(scope="module")
def edoc(tmp_path_factory):
    """The index of the export, its attachments read without OCR: the report's text
    layer is what these tests search (the scan's OCR is the last test's)."""
    root = tmp_path_factory.mktemp("real-attachments") / "index"
    # In this process, without the per-file time limit: the limit is not what is
    # tested here (tests/test_workers.py).
    report = reindex([EDOC], root, workers=0, ocr_settings=ocr.OcrSettings(enabled=False))
    assert report.ok, report.failed
    assert any("Bygningsliste og prioriteringssystem" in note for note in report.notes)
    return root, report


@pytest.fixture(scope="module")
def engine(edoc):
    return open_engine(edoc[0], [EDOC])


def test_an_item_is_found_by_words_only_its_108_page_attachment_has(engine):
    body = search(engine, q="hjemmedialyse")
    assert body["total"] == 1
    hit = body["results"][0]
    assert hit["id"] == f"{MEETING}-5"
    assert hit["found_in"] == {
        "title": REPORT,
        "page": 9,
        "url": f"/files/{MEETING}/1543229.PDF#page=9",
        "label": f"Fundet i bilag: {REPORT}, side 9",
    }
    assert "<mark>hjemmedialyse</mark>" in hit["snippet"].lower()
    assert search(engine, q="incitamentsmodel")["results"][0]["found_in"]["page"] == 13


def test_exclude_and_only_on_the_real_minutes(engine):
    assert search(engine, q="hjemmedialyse", attachments="exclude")["total"] == 0
    assert search(engine, q="hjemmedialyse", attachments="only")["total"] == 1
    # The item's title words are its own: not found in the attachments alone.
    own = search(engine, q="takstreduktion aflastningstilbuddet", attachments="only")
    assert own["total"] == 0
    assert search(engine, q="takstreduktion aflastningstilbuddet")["total"] == 1


def test_own_text_ranks_above_the_report_saying_the_same(engine):
    for word, own_item in (("psykiatriområdet", "4"), ("palliation", "6")):
        results = search(engine, q=word)["results"]
        assert [r["number"] for r in results] == [own_item, "5"], word
        assert results[0]["found_in"] is None
        assert results[1]["found_in"]["title"] == REPORT


def test_item_page_lists_the_attachments_with_their_pages(edoc):
    app = create_app(Config(sources=[EDOC], index_path=edoc[0], rate_limit_api="",
                            rate_limit_pages=""))  # fmt: skip
    client = app.test_client()
    data = client.get(f"/api/items/{MEETING}-5").get_json()
    links = {a["title"]: a for a in data["attachment_links"]}
    assert links[REPORT] == {
        "title": REPORT, "pages": 108, "url": f"/files/{MEETING}/1543229.PDF",
        "searchable": True, "error": None,
    }  # fmt: skip
    page = client.get(f"/items/{MEETING}-5").get_data(as_text=True)
    assert f'href="/files/{MEETING}/1543229.PDF"' in page and "108 sider" in page


def test_the_index_stays_small(edoc):
    """The report's text is kept compressed beside the index, once; the stored items
    do not hold it (every search loads its hits' stored items)."""
    root, _ = edoc
    generation = next(root.glob("gen-*"))
    kept = sum(p.stat().st_size for p in generation.glob("bilag-*.z"))
    assert kept < 200_000  # 370,000 characters of attachments, compressed
    item = open_engine(root).item(f"{MEETING}-5")
    assert len(str(item.to_dict())) < 20_000


def test_the_image_only_attachment_becomes_searchable(engine, tmp_path):
    """1537646.PDF is a scan, upside down, with no text layer: not searchable without
    OCR, searchable with it. OCR is slow (eight pages take minutes on this machine), so
    the export is indexed again from a copy of its folder where the scan is its first
    page and the 108-page report a one-page stand-in."""
    item = engine.item(f"{MEETING}-2")
    ref = next(r for r in item.attachment_refs if r.title == SCAN)
    assert "OCR is off" in ref.error and not ref.text_key
    assert search(engine, q="ejendomsoversigt")["total"] == 0

    import pypdfium2 as pdfium

    folder = tmp_path / MEETING
    shutil.copytree(EDOC / MEETING, folder)
    first = pdfium.PdfDocument.new()
    first.import_pages(pdfium.PdfDocument(str(EDOC / MEETING / "1537646.PDF")), [0])
    first.save(str(folder / "1537646.PDF"))
    write_pdf(folder / "1543229.PDF", "Det nære sundhedsvæsen")
    settings = ocr.OcrSettings(dpi=150, cache=tmp_path / "ocr")
    report = reindex([tmp_path], tmp_path / "index", workers=0, ocr_settings=settings)
    assert report.ok and report.ocr_pages == 1
    scanned = open_engine(tmp_path / "index", [tmp_path])
    hit = search(scanned, q="ejendomsoversigt", attachments="only")["results"][0]
    assert hit["id"] == f"{MEETING}-2"
    assert hit["found_in"] == {
        "title": SCAN, "page": 1, "url": f"/files/{MEETING}/1537646.PDF#page=1",
        "label": f"Fundet i bilag: {SCAN}, side 1",
    }  # fmt: skip


@pytest.mark.skipif(not FIRSTAGENDA.is_dir(), reason=f"{FIRSTAGENDA} is missing")
def test_aarhus_attachment_beside_the_minutes_is_not_failed_minutes(tmp_path):
    report = reindex([FIRSTAGENDA], tmp_path / "index", workers=2)
    assert report.failed == []
    engine = open_engine(tmp_path / "index", [FIRSTAGENDA])
    hit = search(engine, q="Ankestyrelsens Danmarkskort", attachments="only")["results"][0]
    assert hit["id"].startswith("aarhus-byraad-2025-08-27-")
    assert hit["found_in"]["title"] == "Sager pa vej – Sundhed og Omsorg 2025"
    assert hit["found_in"]["url"] == (
        "/files/aarhus-byraad-2025-08-27-bilag-sager-paa-vej.pdf#page=1"
    )
