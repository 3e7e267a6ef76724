"""Bad input: every broken file gets a reason a person understands."""

import pytest

from searchapp.extract import ExtractError, extract, lines_from_text
from searchapp.ingest import IngestError, find_source_files, parse_file


def test_lines_from_text_rebuilds_pages():
    raw = "\nFørste side\n\n \n\nstadig side 1\n\n Anden side\n\nmere\n"
    lines = lines_from_text(raw)
    assert [(ln.text, ln.page) for ln in lines] == [
        ("Første side", 1),
        ("", 1),
        ("stadig side 1", 1),
        ("Anden side", 2),
        ("mere", 2),
    ]


def test_side_header_sets_the_page():
    raw = "tekst\n\nKKR X  | 01-02-2024 \n\n SIDE  |  6 \n\n2. Siden sidst\n"
    lines = lines_from_text(raw)
    assert lines[-1].text == "2. Siden sidst"
    assert lines[-1].page == 6


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.pdf", b"", "empty"),
        ("html.pdf", b"<html><body>Not a PDF</body></html>", "is not a PDF"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", "truncated"),
        ("empty.txt", b"  \n", "empty"),
        ("binary.txt", b"\x00\x01\x02abc", "binary"),
    ],
)
def test_broken_files_are_explained(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractError) as info:
        extract(path)
    assert reason in info.value.reason
    with pytest.raises(IngestError) as info2:
        parse_file(path)
    assert name in str(info2.value)


def test_vanished_file(tmp_path):
    with pytest.raises(IngestError, match="disappeared"):
        parse_file(tmp_path / "gone.pdf")


def test_text_without_items(tmp_path):
    path = tmp_path / "kkr-x-2024-01-02.txt"
    path.write_text("Et brev\n\nuden dagsorden.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no agenda items"):
        parse_file(path)


def test_find_source_files(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ["a/x.pdf", "a/b/y.TXT", "a/z.doc", "a/.hidden/q.pdf", "top.pdf"]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    found = find_source_files([tmp_path / "a", tmp_path / "top.pdf", tmp_path / "a"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/b/y.TXT",
        "a/x.pdf",
        "top.pdf",
    ]
