"""Scanned pages are read by OCR (real Tesseract, Danish), and scanned minutes come out
as their agenda items.

The fixture tests/fixtures/scans/ is the sample "Sydby Teknik- og Miljøudvalget" minutes
(samples/) printed and scanned at 150 dpi with noise (turned, blurred, speckled, JPEG),
made by `python scripts/ocr_quality.py --fixture`; the floors below are what
scripts/ocr_quality.py measured on it (README: "Scanned pages").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from searchapp import ocr
from searchapp.extract import ExtractError, extract
from searchapp.ingest import parse_file

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "tests" / "fixtures" / "scans" / "sydby-teknik-og-miljoeudvalget-2025-06-20.pdf"
ORIGINAL = ROOT / "samples" / SCAN.name
REAL_SCAN = next(
    iter(sorted((ROOT.parent / "shared" / "real" / "edoc").glob("ballerup-*/1537646.PDF"))), None
)

# Measured by scripts/ocr_quality.py on the fixture at 150 dpi: 0.972 (docs/ocr-quality.md;
# all six samples: 0.967 at 150 dpi, 0.962 at 300).
WORD_ACCURACY_FLOOR = 0.97


def _scan_words(path: Path) -> list[str]:
    return [w for line in extract(path) for w in line.text.split()]


@pytest.fixture(scope="module")
def scanned_meeting(tmp_path_factory):
    cache = tmp_path_factory.mktemp("ocr-cache")
    with ocr.using(ocr.OcrSettings(dpi=150, cache=cache)) as stats:
        meeting = parse_file(SCAN)
        words = _scan_words(SCAN)  # from the cache
    return meeting, words, stats, cache


def test_the_fixture_has_no_text_layer():
    with ocr.using(ocr.OcrSettings(enabled=False)), pytest.raises(ExtractError) as info:
        extract(SCAN)
    assert "a scanned PDF without a text layer, not read by OCR" in info.value.reason
    assert "OCR is off (ocr.enabled in the config)" in info.value.reason


def test_scanned_minutes_come_out_as_their_agenda_items(scanned_meeting):
    meeting, _, _, _ = scanned_meeting
    original = parse_file(ORIGINAL)
    assert [(i.number, i.title) for i in meeting.items] == [
        (i.number, i.title) for i in original.items
    ]
    assert [(i.number, i.title) for i in meeting.items] == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Trafiksikkerhedsplan 2026-2030 for Sydby Kommune"),
        ("3", "Spildevandsplan, tillæg 4 - separatkloakering af Sønderby"),
    ]
    assert meeting.committee == original.committee
    assert (meeting.source_format, original.source_format) == ("scan", "pdf")
    assert meeting.meeting_date == original.meeting_date == "2025-06-20"
    assert [i.status for i in meeting.items] == [i.status for i in original.items]
    # OCR read one label "Sagshnr.:"; the other two case numbers come out as printed.
    cases = zip(meeting.items, original.items, strict=True)
    assert sum(a.case_number == b.case_number for a, b in cases) >= 2
    assert all(i.source_page for i in meeting.items)


def test_word_accuracy_floor(scanned_meeting):
    from difflib import SequenceMatcher

    _, read, _, _ = scanned_meeting
    reference = _scan_words(ORIGINAL)
    matcher = SequenceMatcher(None, reference, read, autojunk=False)
    accuracy = sum(b.size for b in matcher.get_matching_blocks()) / len(reference)
    assert accuracy >= WORD_ACCURACY_FLOOR


def test_each_scan_is_read_once_then_cached(scanned_meeting, tmp_path):
    _, _, stats, cache = scanned_meeting
    assert (stats.pages, stats.cached) == (2, 2)  # parse read both pages; words, cached
    copy = tmp_path / "renamed.pdf"  # the cache goes by content, not by name
    shutil.copyfile(SCAN, copy)
    with ocr.using(ocr.OcrSettings(dpi=150, cache=cache)) as again:
        extract(copy)
    assert (again.pages, again.cached) == (0, 2)


def test_tesseract_missing_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on it
    with ocr.using(ocr.OcrSettings(dpi=150)) as stats, pytest.raises(ExtractError) as info:
        extract(SCAN)
    assert "Tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-dan" in (
        info.value.reason
    )
    assert stats.skipped == 2 and stats.pages == 0


def test_danish_data_missing_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # no language data there
    with ocr.using(ocr.OcrSettings(dpi=150)), pytest.raises(ExtractError) as info:
        extract(SCAN)
    assert "no Danish language data: apt-get install tesseract-ocr tesseract-ocr-dan" in (
        info.value.reason
    )


@pytest.mark.skipif(REAL_SCAN is None, reason="needs ../shared/real/edoc (the real minutes)")
def test_real_image_only_attachment_reads_as_danish(tmp_path):
    """Ballerup's 1537646.PDF: eight landscape pages of a scanned table, filed upside
    down. Its first page only (OCR is slow), at 150 dpi."""
    data = REAL_SCAN.read_bytes()
    with ocr.using(ocr.OcrSettings(dpi=150, cache=tmp_path)) as stats:
        lines = ocr.read_pages(data, [1])[1]
    assert stats.pages == 1
    words = {w.strip(".,:;").lower() for line in lines for w in line.text.split()}
    assert {"område", "enhed", "ballerup"} <= words, sorted(words)[:80]


# --- Through `searchapp reindex` -------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The scanned minutes and a minutes PDF with a text layer; OCR at 150 dpi with
    its cache beside the index."""
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copyfile(SCAN, sources / SCAN.name)
    shutil.copyfile(ROOT / "samples" / "nordby-social-og-sundhedsudvalget-2025-06-03.pdf",
                    sources / "nordby-social-og-sundhedsudvalget-2025-06-03.pdf")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEARCHAPP_CONFIG", raising=False)
    return tmp_path


def write_config(project: Path, ocr_section: str) -> None:
    (project / "config.toml").write_text(
        '[sources]\npaths = ["sources"]\n[sources.municipality]\n"sources" = "Sydby Kommune"\n'
        f'[index]\npath = "index"\n[reindex]\nworkers = 1\n[ocr]\ndpi = 150\n{ocr_section}',
        encoding="utf-8",
    )


def run_cli(*args: str):
    from click.testing import CliRunner

    from searchapp.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_reindex_reads_a_scan_once_and_counts_its_pages(project):
    write_config(project, "")
    result = run_cli("reindex")
    assert result.exit_code == 0, result.output
    assert f"sources/{SCAN.name}: 3 items (2 pages by OCR)" in result.output
    assert "Scanned pages (OCR): 2 read (" in result.output
    assert "0 from the OCR cache" in result.output
    assert len(list((project / "ocr-cache").glob("*/*.json"))) == 1  # beside the index

    result = run_cli("reindex", "--full")  # every file read again; the scan from the cache
    assert result.exit_code == 0, result.output
    assert "Scanned pages (OCR): 0 read (0.0 s), 2 from the OCR cache" in result.output

    hits = run_cli("search", "spildevandsplan", "--json")
    assert SCAN.name in hits.output


def test_ocr_off_indexes_everything_else(project):
    write_config(project, "enabled = false\n")
    result = run_cli("reindex")
    assert result.exit_code == 1, result.output
    assert (
        f"sources/{SCAN.name}: no text in 2 page(s): a scanned PDF without a text layer, "
        "not read by OCR: OCR is off (ocr.enabled in the config)"
    ) in result.output
    assert "Note: 2 scanned page(s) were not read: OCR is off" in result.output
    assert "Files: 2 added, 0 changed, 0 unchanged, 0 removed, 1 failed" in result.output


def test_reindex_without_tesseract_says_what_to_install(project, monkeypatch, tmp_path):
    write_config(project, "")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    result = run_cli("reindex")
    assert result.exit_code == 1, result.output
    assert (
        "Note: 2 scanned page(s) were not read: Tesseract is not installed: "
        "apt-get install tesseract-ocr tesseract-ocr-dan"
    ) in result.output
    assert "1 failed" in result.output and "Items in index: " in result.output
    assert "Items in index: 0" not in result.output


def test_config_ocr_section(tmp_path):
    from searchapp.config import ConfigError, config_from_dict

    default = config_from_dict({"index": {"path": "data/index"}}, base=tmp_path)
    assert default.ocr == ocr.OcrSettings(cache=tmp_path / "data" / "ocr-cache")
    off = config_from_dict(
        {"ocr": {"enabled": False, "cache": "/var/cache/ocr", "dpi": 200, "page_seconds": 30}},
        base=tmp_path,
    )
    assert off.ocr == ocr.OcrSettings(False, Path("/var/cache/ocr"), 200, 30.0)
    with pytest.raises(ConfigError, match="'ocr.dpi' must be at least 72"):
        config_from_dict({"ocr": {"dpi": 10}}, base=tmp_path)
    with pytest.raises(ConfigError, match="'ocr.enabled' must be true or false"):
        config_from_dict({"ocr": {"enabled": "no"}}, base=tmp_path)


def _table(rows):
    """Tesseract's word table from (text, left, width, height, conf, line) rows."""
    keys = ("text", "left", "width", "height", "conf", "line_num")
    table = {k: [r[n] for r in rows] for n, k in enumerate(keys)}
    n = len(rows)
    table |= {"top": [100 * r[5] for r in rows], "block_num": [1] * n, "par_num": [1] * n,
              "word_num": list(range(n))}  # fmt: skip
    return table


def test_lines_from_table_drops_dust_and_mends_the_header():
    table = _table([
        ("KKR", 10, 40, 16, 95, 1), ("Sjælland", 55, 90, 16, 95, 1), ("1", 150, 6, 16, 30, 1),
        ("12-09-2024", 160, 100, 16, 92, 1), ("”SIDE", 600, 50, 16, 95, 1),
        ("|", 655, 5, 16, 90, 1), ("5", 665, 10, 16, 95, 1),
        ('"SAG-2024-00417', 10, 150, 16, 80, 2), ("tfr", 170, 30, 16, 90, 2),
        ("i", 300, 3, 3, 43, 2),  # a speck
        ("Spildevandsplan,", 10, 160, 16, 95, 3), ("—", 180, 10, 2, 90, 3),
        ("Sønderby", 200, 90, 16, 95, 3), ("'", 300, 3, 4, 20, 3),
        ("SIDE", 600, 50, 16, 95, 4), ('"|"3', 655, 20, 16, 60, 4), ("-", 690, 6, 2, 30, 4),
    ])  # fmt: skip
    lines = [ln.text for ln in ocr.lines_from_table(table, 0.5)]
    assert lines == [
        "KKR Sjælland | 12-09-2024\tSIDE | 5",
        "SAG-2024-00417 tfr",
        "Spildevandsplan, – Sønderby",
        "SIDE | 3",
    ]


def test_a_scanned_page_inside_a_pdf_with_text(tmp_path):
    """Page 1 has a text layer; page 2 is a scan with an archive's stamp in text over
    it: page 2 alone goes to OCR, the stamp with it (OCR reads it from the picture)."""
    import pypdfium2
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = pypdfium2.PdfDocument(SCAN)
    picture = pdf[0].render(scale=150 / 72, grayscale=True).to_pil()
    pdf.close()
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 11)
    c.drawString(60, 780, "Bilag til Teknik- og Miljøudvalget")
    c.showPage()
    c.drawImage(ImageReader(picture), 0, 0, width=A4[0], height=A4[1])
    c.setFont("Helvetica", 8)
    c.drawString(420, 820, "Dok.nr.: 2025-118202")
    c.showPage()
    c.save()
    with ocr.using(ocr.OcrSettings(dpi=150)) as stats:
        lines = extract(path)
    assert stats.pages == 1
    assert [(ln.text, ln.ocr) for ln in lines if ln.page == 1] == [
        ("Bilag til Teknik- og Miljøudvalget", False)
    ]
    scanned = [ln.text for ln in lines if ln.page == 2 and ln.text]
    assert all(ln.ocr for ln in lines if ln.page == 2)
    assert "Mødedato: 20-06-2025" in scanned and "Teknik- og Miljøudvalget" in scanned
