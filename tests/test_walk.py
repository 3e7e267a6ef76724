"""Symbolic links in a source folder: the indexer follows exactly the ones /files/
serves (those that stay inside the folder), reports the others and loops by name, and
a file name holding control characters is printed escaped (issue #14)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_bad_input import minutes_pdf
from test_index import minutes

from searchapp.cli import cli
from searchapp.config import Config
from searchapp.index import reindex
from searchapp.safetext import printable
from searchapp.walk import walk_files
from searchapp.web import create_app
from searchapp.web.api import source_path


@pytest.fixture
def tree(tmp_path) -> Path:
    """sources/ with minutes, links inside it and links leading out; outside/ holds
    minutes of its own, which must never be read through a link."""
    src, outside = tmp_path / "sources", tmp_path / "outside"
    minutes_pdf(src / "sub" / "boerneudvalget-2024-03-04.pdf", "Børneudvalget", "2024-03-04",
                [("1.1", "Skolestart", "Godkendt.")])  # fmt: skip
    minutes_pdf(outside / "hemmeligt-2024-05-06.pdf", "Hemmeligt udvalg", "2024-05-06",
                [("1.1", "Fortroligt", "Godkendt.")])  # fmt: skip
    (outside / "kkr-ude-2025-01-01.txt").write_text(minutes("KKR Ude", "2025-01-01", "Ude"))
    os.symlink(outside / "hemmeligt-2024-05-06.pdf", src / "ud.pdf")
    os.symlink(outside, src / "ude")  # a folder link leading out
    os.symlink("sub/boerneudvalget-2024-03-04.pdf", src / "alias.pdf")  # inside: followed
    os.symlink("loop.pdf", src / "loop.pdf")  # loops on itself
    os.symlink("..", src / "sub" / "op")  # a folder link to a folder above it
    os.symlink("/etc/passwd", src / "passwd.txt")
    return src


def test_walk_follows_only_links_that_stay_inside(tree):
    problems: dict[Path, str] = {}
    found = list(walk_files(tree, problems))
    assert [p.relative_to(tree).as_posix() for p in found] == [
        "alias.pdf", "sub/boerneudvalget-2024-03-04.pdf",
    ]  # fmt: skip
    reasons = {p.relative_to(tree).as_posix(): r for p, r in problems.items()}
    assert set(reasons) == {"ud.pdf", "ude", "loop.pdf", "sub/op", "passwd.txt"}
    assert reasons["passwd.txt"] == (
        f"a symbolic link to /etc/passwd, outside the source folder {tree}: not followed"
    )
    assert reasons["loop.pdf"] == "the symbolic link loops (it leads back to itself)"
    assert reasons["sub/op"].endswith("a folder above it (a loop): not followed")


def test_indexer_and_files_agree(tree, tmp_path):
    report = reindex([tree], tmp_path / "index", workers=0)
    failed = {p.relative_to(tree).as_posix(): r for p, r in report.failed}
    assert set(failed) == {"ud.pdf", "ude", "loop.pdf", "sub/op", "passwd.txt"}
    assert report.items_in_index == 1  # the outside minutes were never read
    # /files/ serves what was indexed and refuses what was not.
    assert source_path("alias.pdf", [tree]) is not None
    assert source_path("sub/boerneudvalget-2024-03-04.pdf", [tree]) is not None
    assert source_path("ud.pdf", [tree]) is None
    assert source_path("ude/hemmeligt-2024-05-06.pdf", [tree]) is None
    client = create_app(Config(sources=[tree], index_path=tmp_path / "index")).test_client()
    (hit,) = client.get("/api/search?q=skolestart").get_json()["results"]
    assert client.get(hit["pdf_url"]).status_code == 200  # the link of the kept copy works


def test_cli_names_every_link_not_followed_and_exits_1(tree, tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text('[sources]\npaths = ["sources"]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("searchapp.index.DEFAULT_WORKERS", 0)
    result = CliRunner().invoke(cli, ["reindex", "--config", "config.toml"])
    assert result.exit_code == 1, result.output
    assert "sources/loop.pdf: the symbolic link loops" in result.output
    assert "sources/passwd.txt: a symbolic link to /etc/passwd" in result.output


# --- Names printed escaped ----------------------------------------------------------------------


def test_printable_escapes_controls_and_keeps_ordinary_names():
    assert printable("Referat æøå med mellemrum.pdf") == "Referat æøå med mellemrum.pdf"
    assert printable("C:\\mapper\\a.pdf") == "C:\\mapper\\a.pdf"  # nothing to escape
    assert printable("a\nERROR x\\y.pdf") == "a\\nERROR x\\\\y.pdf"
    assert printable("\x1b[31mrød\u202egnp.pdf\x00") == "\\x1b[31mrød\\u202egnp.pdf\\x00"


def test_a_file_name_with_a_newline_cannot_forge_a_log_line(tmp_path, monkeypatch):
    src = tmp_path / "sources"
    src.mkdir()
    forged = "x.txt\nERROR: the index was deleted\n\x1b[2K"
    (src / f"{forged}.txt").write_text("not minutes")
    (src / "kkr-testby-2025-02-03.txt").write_text(minutes("KKR Testby", "2025-02-03", "Plan"))
    (tmp_path / "config.toml").write_text('[sources]\npaths = ["sources"]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("searchapp.index.DEFAULT_WORKERS", 0)
    for args in (["reindex", "--full"], ["reindex", "--full", "--quiet"], ["stats"]):
        result = CliRunner().invoke(cli, args)
        for stream in (result.stdout, result.stderr):
            assert "\x1b" not in stream
            assert not any(line.startswith("ERROR") for line in stream.splitlines())
        if args[0] == "reindex":
            assert "x.txt\\nERROR: the index was deleted\\n\\x1b[2K.txt: " in (
                result.stdout + result.stderr
            )
