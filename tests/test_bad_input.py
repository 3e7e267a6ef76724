"""Broken sources through the real reindex: each one is reported with its file name and
a reason a person can act on, everything else is indexed, and `searchapp reindex` exits
with 1 (0 when nothing failed). Issue #7, "Bad input".

test_extract.py checks the extractor's messages on a few byte strings; here the PDFs
are drawn with reportlab into tmp_path and go through the whole reindex (scan,
fingerprint, extraction, index, manifest), real worker processes included."""

from __future__ import annotations

import io
import json
import os
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from test_index import minutes
from whoosh.qparser import QueryParser

import searchapp.index as index_module
from searchapp.cli import cli
from searchapp.index import index_stats, reindex
from searchapp.whoosh_engine.store import IndexHandle

WIDTH, HEIGHT = A4


# --- Drawing minutes ------------------------------------------------------------------


def _header(c: canvas.Canvas, committee: str, date: str, page: int) -> None:
    day = "-".join(reversed(date.split("-")))
    c.setFont("Helvetica", 9)
    c.drawString(50, HEIGHT - 40, f"{committee} | {day}")
    c.drawRightString(WIDTH - 50, HEIGHT - 40, f"SIDE | {page}")


def minutes_pdf(path: Path, committee: str, date: str, items, *, encrypt=None) -> Path:
    """One page of minutes laid out like the real ones: running header, a part in
    14 pt bold, item titles in 11 pt bold, a case number, a decision."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    _header(c, committee, date, 1)
    y = HEIGHT - 90
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, y, "1. Sager")
    y -= 30
    for number, title, decision in items:
        c.setFont("Helvetica-Bold", 11)
        c.drawString(50, y, f"{number}. {title}")
        c.setFont("Helvetica", 10)
        c.drawString(50, y - 16, "SAG-2024-00042 abc")
        c.setFont("Helvetica-Bold", 10)
        c.drawString(50, y - 40, "Beslutning")
        c.setFont("Helvetica", 10)
        c.drawString(50, y - 54, decision)
        y -= 84
    c.showPage()
    c.save()
    return path


TOPICS = ["vejene", "skolerne", "klimaet", "budgettet", "ældreplejen", "havnen", "biblioteket",
          "cykelstierne", "affaldet", "borgerservice", "idrætshallen"]  # fmt: skip


def huge_pdf(path: Path, pages: int) -> Path:
    """`pages` pages, one agenda item on each (parts of 20 items). The titles vary: a
    line that repeats at the top of most pages is dropped as a running header."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(pages):
        part, sub = divmod(n, 20)
        _header(c, "Teknik- og Miljøudvalget", "2024-05-02", n + 1)
        y = HEIGHT - 90
        if sub == 0:
            c.setFont("Helvetica-Bold", 14)
            c.drawString(50, y, f"{part + 1}. Sager, del {part + 1}")
            y -= 30
        c.setFont("Helvetica-Bold", 11)
        c.drawString(50, y, f"{part + 1}.{sub + 1}. Punkt {n + 1} om {TOPICS[n % len(TOPICS)]}")
        c.setFont("Helvetica-Bold", 10)
        c.drawString(50, y - 24, "Beslutning")
        c.setFont("Helvetica", 10)
        c.drawString(50, y - 38, f"Udvalget godkendte {TOPICS[n % 7]} (kode{n + 1:04d}).")
        c.showPage()
    c.save()
    return path


def scanned_pdf(path: Path) -> Path:
    """A page that is only a picture of text: what a scanner without OCR produces."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40, 760, 24):
        draw.rectangle((40, row, 40 + (row * 7) % 480 + 60, row + 10), fill=30)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(image), 0, 0, width=WIDTH, height=HEIGHT)
    c.showPage()
    c.save()
    return path


def text_pdf(path: Path, lines: list[str]) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 10)
    for n, line in enumerate(lines):
        c.drawString(50, HEIGHT - 60 - 14 * n, line)
    c.showPage()
    c.save()
    return path


def _good_bytes(tmp_path: Path) -> bytes:
    good = minutes_pdf(
        tmp_path / "model.pdf", "Børneudvalget", "2024-03-04", [("1.1", "Skolestart", "Godkendt.")]
    )
    data = good.read_bytes()
    good.unlink()
    return data


# --- The broken kinds -------------------------------------------------------------------


def make_empty(path: Path) -> None:
    path.write_bytes(b"")


def make_truncated(path: Path) -> None:
    data = _good_bytes(path.parent)
    path.write_bytes(data[: len(data) // 2])  # a download or copy cut off half-way


def make_encrypted(path: Path) -> None:
    minutes_pdf(path, "Børneudvalget", "2024-03-05", [("1.1", "Fortroligt", "Godkendt.")],
                encrypt="hemmelig")  # fmt: skip


def make_html(path: Path) -> None:
    path.write_text("<!DOCTYPE html><html><body>Siden blev ikke fundet</body></html>")


def make_png(path: Path) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def make_damaged(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\ntrailer\n<< >>\n%%EOF\n")


def make_scanned(path: Path) -> None:
    scanned_pdf(path)


def make_no_items(path: Path) -> None:
    text_pdf(path, ["Børneudvalget | 06-03-2024", "Kære borger,", "tak for dit brev om skolen."])


def make_no_date(path: Path) -> None:
    text_pdf(path, ["1. Sager", "1.1. Et punkt uden mødedato", "Godkendt."])


BROKEN = {
    "empty": (make_empty, "the file is empty"),
    "truncated": (make_truncated, "the PDF is truncated (no end-of-file marker)"),
    "encrypted": (make_encrypted, "the PDF is encrypted (password protected)"),
    "not-a-pdf": (make_html, "is not a PDF file"),
    "png-named-pdf": (make_png, "is not a PDF file"),
    "damaged": (make_damaged, "the PDF"),  # "is damaged (...)" or "could not be read (...)"
    "scanned": (make_scanned, "no text in 1 page(s): a scanned PDF, and OCR found no words"),
    "no-items": (make_no_items, "no agenda items found"),
    "no-date": (make_no_date, "cannot tell the committee and meeting date"),
}

GOOD_ITEMS = 3


@pytest.fixture
def sources(tmp_path) -> Path:
    """Two good sources, three items: a PDF and a text extraction."""
    src = tmp_path / "sources"
    minutes_pdf(src / "boerneudvalget-2024-03-04.pdf", "Børneudvalget", "2024-03-04",
                [("1.1", "Skolestart", "Godkendt."),
                 ("1.2", "Ny legeplads i Vestbyen", "Udvalget godkendte anlægget.")])  # fmt: skip
    (src / "kkr-testby-2025-02-03.txt").write_text(
        minutes("KKR Testby", "2025-02-03", "Klimaplan"), encoding="utf-8"
    )
    return src


def titles(root: Path, query: str) -> list[str]:
    """Search through IndexHandle, as the web app does."""
    handle = IndexHandle(root)
    with handle.searcher() as s:
        q = QueryParser("text", handle.schema).parse(query)
        return sorted(hit["title"] for hit in s.search(q, limit=None))


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path, sources, monkeypatch):
    (tmp_path / "config.toml").write_text(
        '[sources]\npaths = ["sources"]\n[index]\npath = "index"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEARCHAPP_CONFIG", raising=False)
    return tmp_path


# --- Each kind, through reindex() ---------------------------------------------------------


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_source_is_named_and_the_rest_indexed(tmp_path, sources, kind):
    make, expected = BROKEN[kind]
    broken = sources / f"{kind}.pdf"
    make(broken)
    root = tmp_path / "index"
    report = reindex([sources], root, workers=0)
    assert [path for path, _ in report.failed] == [broken]
    assert expected in report.failed[0][1]
    assert report.items_in_index == GOOD_ITEMS
    assert titles(root, "legeplads") == ["Ny legeplads i Vestbyen"]
    stats = index_stats(root)
    reason = report.failed[0][1]
    assert [(f["path"], f["reason"]) for f in stats["failed"]] == [(str(broken), reason)]


def test_encrypted_with_only_an_owner_password_is_read(tmp_path, sources):
    """No password to open it, only "do not copy" flags: pdfminer reads it, and so do we."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    minutes_pdf(sources / "beskyttet.pdf", "Børneudvalget", "2024-03-07",
                [("1.1", "Skolebussen", "Godkendt.")],
                encrypt=StandardEncryption("", ownerPassword="ejer", canCopy=0))  # fmt: skip
    report = reindex([sources], tmp_path / "index", workers=0)
    assert report.ok and report.items_in_index == GOOD_ITEMS + 1
    assert titles(tmp_path / "index", "skolebus") == ["Skolebussen"]


def test_unreadable_file(tmp_path, sources, monkeypatch):
    locked = sources / "laast.pdf"
    minutes_pdf(locked, "Børneudvalget", "2024-03-08", [("1.1", "Låst", "Godkendt.")])
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        # Running as root (CI containers): permissions do not stop root from reading,
        # so make the read fail the way it does for the service user.
        real = index_module.file_sha256

        def denied(path):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(index_module, "file_sha256", denied)
    report = reindex([sources], tmp_path / "index", workers=0)
    assert report.failed == [(locked, "cannot read the file: Permission denied")]
    assert report.items_in_index == GOOD_ITEMS


def test_directory_named_like_a_pdf_is_a_folder_not_a_failure(tmp_path, sources):
    folder = sources / "x.pdf"
    folder.mkdir()
    (folder / "kkr-testby-2025-03-03.txt").write_text(
        minutes("KKR Testby", "2025-03-03", "Cykelstier"), encoding="utf-8"
    )
    (sources / "tom.pdf").mkdir()
    report = reindex([sources], tmp_path / "index", workers=0)
    assert report.ok and report.items_in_index == GOOD_ITEMS + 1  # its contents are read
    assert titles(tmp_path / "index", "cykelstier") == ["Cykelstier"]


# --- Names ----------------------------------------------------------------------------------

DANISH_PDF = "Referat fra Økonomiudvalget 2024-05-01 (ændret, æøå ÆØÅ).pdf"
DANISH_TXT = unicodedata.normalize("NFD", "møde i ældrerådet på rådhuset.txt")  # as macOS writes


def test_file_names_with_spaces_and_danish_letters(project):
    src = project / "sources"
    minutes_pdf(src / "Udvalg for Børn og Unge" / DANISH_PDF, "Økonomiudvalget", "2024-05-01",
                [("1.1", "Budget for ældreområdet", "Udvalget godkendte budgettet.")])  # fmt: skip
    (src / DANISH_TXT).write_text(
        minutes("Ældrerådet", "2024-06-10", "Besøg på plejecentret"), encoding="utf-8"
    )
    result = run_cli("reindex")
    assert result.exit_code == 0, result.output
    assert f"sources/Udvalg for Børn og Unge/{DANISH_PDF}: 1 item" in result.output
    assert f"sources/{DANISH_TXT}: 1 item" in result.output
    assert "Items in index: 5" in result.output
    root = project / "index"
    assert titles(root, "ældreområdet") == ["Budget for ældreområdet"]
    assert titles(root, "plejecentret") == ["Besøg på plejecentret"]
    with IndexHandle(root).searcher() as s:
        sources = {f["source"] for f in s.all_stored_fields()}
    assert str(src / "Udvalg for Børn og Unge" / DANISH_PDF) in sources
    # the manifest round trip keeps the names: nothing is read again
    result = run_cli("reindex")
    assert result.exit_code == 0 and "0 added, 0 changed, 4 unchanged" in result.output
    assert "Up to date" in run_cli("stats").output


def test_file_name_that_is_not_utf8(project):
    """A name in Latin-1 bytes, as copied from an old Windows share ("Møde ændret.pdf"):
    a failure naming the file and what to do, the rest indexed, exit status 1.

    BUG (index.py): the path, a str with surrogate escapes, reaches the manifest, which
    _publish writes as UTF-8 with ensure_ascii=False: UnicodeEncodeError escapes
    reindex(), nothing at all is indexed and `searchapp reindex` shows a traceback
    (exit status 1). Indexing the file instead is no cure: every search that finds it
    then answers 500, as the API cannot encode its path (pdf_url, JSON). Fix: in
    ReindexRun.scan, fail such a name like an unreadable file; write the manifest with
    ensure_ascii=True (its keys still hold the name); and in cli/index.py _show, show
    such a name decoded as cp1252 (click.echo raises on it under a strict UTF-8
    locale). The patch is in the report."""
    name = os.fsdecode(b"M\xf8de \xe6ndret.pdf")
    src = project / "sources"
    minutes_pdf(src / name, "Børneudvalget", "2024-03-09", [("1.1", "Latin", "Godkendt.")])
    root = project / "index"
    report = reindex([src], root, workers=0)
    assert [path for path, _ in report.failed] == [src / name]
    assert "file name is not valid UTF-8" in report.failed[0][1]
    assert "rename" in report.failed[0][1]
    assert report.items_in_index == GOOD_ITEMS
    # The next run, from the command (its output strict UTF-8, as under a da_DK.UTF-8
    # locale): the file fails again, and is named without a crash.
    result = run_cli("reindex")
    assert result.exit_code == 1
    assert "sources/M" in result.output and "not valid UTF-8" in result.output


# --- A huge file ----------------------------------------------------------------------------


def test_huge_pdf_of_a_thousand_pages(tmp_path, sources):
    huge_pdf(sources / "teknik-og-miljoeudvalget-2024-05-02.pdf", 1000)
    root = tmp_path / "index"
    report = reindex([sources], root, workers=0)
    assert report.ok and report.items_in_index == GOOD_ITEMS + 1000
    assert titles(root, "kode1000") == ["Punkt 1000 om borgerservice"]
    with IndexHandle(root).searcher() as s:
        assert s.document(id="teknik-og-miljoeudvalget-2024-05-02-50.20")["pages"] == [1000]


# --- Files that vanish ------------------------------------------------------------------------


def test_file_vanishes_between_listing_and_reading(tmp_path, sources, monkeypatch):
    doomed = minutes_pdf(sources / "flyttet.pdf", "Børneudvalget", "2024-03-10",
                         [("1.1", "Flyttes", "Godkendt.")])  # fmt: skip
    real = index_module.find_source_files

    def listed_then_gone(paths, *args, **kwargs):
        found = real(paths, *args, **kwargs)
        doomed.unlink()
        return found

    monkeypatch.setattr(index_module, "find_source_files", listed_then_gone)
    report = reindex([sources], tmp_path / "index", workers=0)
    assert report.failed == [(doomed, "cannot read the file: No such file or directory")]
    assert report.items_in_index == GOOD_ITEMS


def test_file_vanishes_before_extraction_in_a_worker(tmp_path, sources):
    """Deleted after it was fingerprinted, before a worker process reads it; a file
    that was indexed before keeps its items for this run (a full rebuild carries them
    over) and they go at the next run, which sees the file removed."""
    doomed = minutes_pdf(sources / "flyttet.pdf", "Børneudvalget", "2024-03-10",
                         [("1.1", "Flyttes", "Godkendt.")])  # fmt: skip
    root = tmp_path / "index"
    reindex([sources], root, workers=0)
    assert titles(root, "flyttes") == ["Flyttes"]
    minutes_pdf(doomed, "Børneudvalget", "2024-03-10", [("1.1", "Flyttes igen", "Godkendt.")])
    os.utime(doomed, ns=(1, 1))  # changed: it must be extracted again

    def delete_at_plan(event):
        if event.stage == "plan":
            doomed.unlink()

    report = reindex([sources], root, full=True, workers=2, progress=delete_at_plan)
    assert report.notes == []  # extracted by the worker processes, no fallback
    assert report.failed == [(doomed, "the file disappeared before it could be read")]
    assert report.items_in_index == GOOD_ITEMS + 1
    assert titles(root, "flyttes") == ["Flyttes"]  # the old version, until the next run
    report = reindex([sources], root, workers=0)
    assert report.ok and report.removed == [doomed] and titles(root, "flyttes") == []


def test_file_vanishes_while_the_pdf_parser_reads_it(tmp_path, sources, monkeypatch):
    """The file goes away after extract_pdf read its bytes and checked them.

    BUG (extract.py, extract_pdf): the checks (%PDF-, %%EOF) run on the bytes read by
    _read_bytes, but pdfminer opens the path again; in between the file may vanish
    ("the PDF could not be read (FileNotFoundError)") or be replaced by a half-copied
    one the checks never saw. Fix: parse the bytes already read,
    `extract_pages(io.BytesIO(data), laparams=LAParams())`."""
    import searchapp.extract as extract_module

    doomed = minutes_pdf(sources / "flyttet.pdf", "Børneudvalget", "2024-03-10",
                         [("1.1", "Flyttes", "Godkendt.")])  # fmt: skip
    real = extract_module._read_bytes

    def read_then_gone(path):
        data = real(path)
        if Path(path) == doomed:
            doomed.unlink()
        return data

    monkeypatch.setattr(extract_module, "_read_bytes", read_then_gone)
    report = reindex([sources], tmp_path / "index", workers=0)
    assert report.ok, report.failed  # read once, indexed from what was read
    assert report.items_in_index == GOOD_ITEMS + 1


# --- All at once, through the command ---------------------------------------------------------


def test_cli_exit_1_names_every_broken_file(project):
    """Every kind in one folder, real worker processes: exit 1, one line per broken file
    with its reason, and the good files indexed."""
    src = project / "sources"
    (src / "broken").mkdir()
    for kind, (make, _) in BROKEN.items():
        make(src / "broken" / f"{kind}.pdf")
    minutes_pdf(src / DANISH_PDF, "Økonomiudvalget", "2024-05-01",
                [("1.1", "Budget for ældreområdet", "Godkendt.")])  # fmt: skip
    (src / "x.pdf").mkdir()
    result = run_cli("reindex")
    assert result.exit_code == 1, result.output
    out = result.output
    for kind, (_, reason) in BROKEN.items():
        assert f"sources/broken/{kind}.pdf: failed: {reason}" in out  # the progress log
        assert f"  sources/broken/{kind}.pdf: {reason}" in out  # the summary
    assert f"sources/{DANISH_PDF}: 1 item" in out
    assert f"{len(BROKEN)} failed" in out and f"Items in index: {GOOD_ITEMS + 1}" in out
    assert "Traceback" not in out

    result = run_cli("reindex", "--quiet")  # cron: only the failures, on stderr
    assert result.exit_code == 1
    lines = sorted(result.output.splitlines())
    expected = sorted(BROKEN.items())
    assert len(lines) == len(expected)
    for line, (kind, (_, reason)) in zip(lines, expected, strict=True):
        assert line.startswith(f"failed: sources/broken/{kind}.pdf: {reason}")


# --- The project's own broken fixtures ---------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "bad"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
FIXTURE_REASONS = {
    "empty.pdf": "the file is empty",
    "encrypted.pdf": "the PDF is encrypted (password protected)",
    "no-items.pdf": "no agenda items found",
    "not-a-pdf.pdf": "is not a PDF file",
    "scanned.pdf": "a scanned PDF, and OCR found no words",
    "truncated.pdf": "the PDF is truncated",
}


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"no fixtures at {FIXTURES}")
def test_fixture_files_with_the_samples(tmp_path, monkeypatch):
    """tests/fixtures/bad beside samples/, read in place, through `searchapp reindex`:
    each broken one named with its reason, the samples and the file whose name has
    spaces and Danish letters indexed, exit status 1."""
    (tmp_path / "config.toml").write_text(
        f"[sources]\npaths = {json.dumps([str(SAMPLES), str(FIXTURES)])}\n"
        '[index]\npath = "index"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = run_cli("reindex", "--quiet")
    assert result.exit_code == 1, result.output
    failed = {}
    for line in result.output.splitlines():
        path, _, reason = line.removeprefix("failed: ").partition(".pdf: ")
        failed[Path(path + ".pdf").name] = reason
    broken = {p.name for p in FIXTURES.glob("*.pdf") if " " not in p.name}
    assert set(failed) == broken
    for name, reason in failed.items():
        assert FIXTURE_REASONS.get(name, "") in reason, (name, reason)
    stats = index_stats(tmp_path / "index")
    indexed = {Path(f["path"]).name for f in stats["files"] if f["items"]}
    assert {p.name for p in SAMPLES.glob("*.pdf")} <= indexed
    assert {p.name for p in FIXTURES.glob("* *.pdf")} <= indexed  # spaces, æøå
