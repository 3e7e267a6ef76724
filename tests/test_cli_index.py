"""`searchapp reindex` and `searchapp stats` through click: messages and exit codes."""

import json
import os

import pytest
from click.testing import CliRunner
from test_index import (
    MEETING_A,
    MEETING_B,
    fake_ingest,
    hold_lock,
    items_a,
    items_b,
    make_item,
    write_source,
)

import searchapp.index as index_module
from searchapp.cli import cli


@pytest.fixture(autouse=True)
def fake_extraction(monkeypatch):
    monkeypatch.setattr(index_module, "ingest_file", fake_ingest)
    monkeypatch.setattr(index_module, "DEFAULT_WORKERS", 0)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A config file, two source files, no index yet; run from the project folder."""
    write_source(tmp_path / "samples" / f"{MEETING_A}.pdf", items_a())
    write_source(tmp_path / "samples" / f"{MEETING_B}.pdf", items_b())
    (tmp_path / "config.toml").write_text(
        '[sources]\npaths = ["samples"]\n[index]\npath = "index"\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEARCHAPP_CONFIG", raising=False)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_reindex_exit_0_with_summary(project):
    result = run("reindex")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Index rebuilt in" in out and "gen-000001 is now in use" in out
    assert "Files: 2 added, 0 changed, 0 unchanged, 0 removed, 0 failed" in out
    assert "Items in index: 4 (4 written, 0 removed)" in out
    # stdout is not a terminal here: plain log lines, no progress bar
    assert "2 source files: 2 to extract, 0 unchanged" in out
    assert "[1/2] samples/" in out and "[2/2] samples/" in out

    result = run("reindex")
    assert result.exit_code == 0
    assert "Index up to date" in result.output and "gen-000001 stays in use" in result.output
    assert "0 added, 0 changed, 2 unchanged" in result.output


def test_reindex_exit_1_names_failed_files(project):
    (project / "samples" / "scan.pdf").write_text("BROKEN no text layer (scanned?)")
    result = run("reindex")
    assert result.exit_code == 1
    assert "samples/scan.pdf: no text layer (scanned?)" in result.output
    assert "Items in index: 4" in result.output


def test_reindex_quiet_prints_only_failures(project):
    result = run("reindex", "--quiet")
    assert result.exit_code == 0 and result.output == ""
    (project / "samples" / "scan.pdf").write_text("BROKEN encrypted")
    result = run("reindex", "-q")
    assert result.exit_code == 1
    assert result.output.strip() == "failed: samples/scan.pdf: encrypted"


def test_reindex_full(project):
    run("reindex")
    result = run("reindex", "--full")
    assert result.exit_code == 0 and "Index rebuilt" in result.output
    assert "gen-000002" in result.output


def test_reindex_reports_duplicates(project):
    write_source(project / "samples" / "text" / f"{MEETING_A}.txt", items_a())
    result = run("reindex")
    assert result.exit_code == 0
    assert (
        f"samples/text/{MEETING_A}.txt: 3 items also in samples/{MEETING_A}.pdf, "
        f"kept {MEETING_A}.pdf" in result.output
    )


def test_reindex_exit_2_when_locked(project):
    fd = hold_lock(project / "index")
    try:
        result = run("reindex")
    finally:
        os.close(fd)
    assert result.exit_code == 2
    assert "Error: another reindex is running (pid 4242)" in result.output
    assert not (project / "index" / "CURRENT").exists()


@pytest.mark.parametrize(
    "config, message",
    [
        (None, "config file not found"),
        ("[sources]\npath = ['x']\n", "unknown key 'sources.path'"),
        ('[sources]\npaths = ["gone"]\n', "source not found"),
    ],
)
def test_reindex_exit_2_on_config_errors(project, config, message):
    if config is None:
        (project / "config.toml").unlink()
    else:
        (project / "config.toml").write_text(config)
    result = run("reindex")
    assert result.exit_code == 2 and message in result.output
    assert not (project / "index" / "CURRENT").exists()


def test_reindex_ctrl_c(project, monkeypatch):
    def interrupted(path, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(index_module, "ingest_file", interrupted)
    result = run("reindex")
    assert result.exit_code == 130
    assert "Interrupted: the index in use was not changed." in result.output


def test_stats_text_and_json(project):
    assert run("stats").exit_code == 2  # no index yet
    run("reindex")
    result = run("stats")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Items: 4 in 2 meetings, 2021-04-19 to 2025-04-11" in out
    assert "KKR Hovedstaden  4 items, 2 meetings" in out
    assert "Source files: 2 (0 failed, 0 duplicates)" in out
    assert "Up to date with the source files." in out
    assert "Posting cache: up to 256 MB of decoded postings a server worker" in out

    data = json.loads(run("stats", "--json").output)
    assert data["items"] == 4 and data["generation"] == "gen-000001"
    assert data["posting_cache_mb"] == 256
    assert len(data["files"]) == 2 and data["up_to_date"] is True

    files = run("stats", "--files").output
    assert f"samples/{MEETING_B}.pdf  1 item" in files


def test_stats_reports_a_stale_index(project):
    run("reindex")
    write_source(project / "samples" / "new.pdf", [make_item("kkr-x-2024-01-02", "1", "Ny")])
    result = run("stats")
    assert "Stale: since the index was built 1 added, 0 changed, 0 removed" in result.output
    assert "  + samples/new.pdf" in result.output


def test_stats_no_index_message(project):
    result = run("stats")
    assert result.exit_code == 2
    assert "no index at" in result.output and "run `searchapp reindex`" in result.output


@pytest.mark.parametrize("command", ["reindex", "stats"])
def test_help_ends_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    # the last paragraph before the options, its lines kept as written (click's \b)
    example = result.output.split("Example:")[1].split("Options:")[0]
    lines = [line.strip() for line in example.splitlines() if line.strip()]
    assert len(lines) >= 2 and all(line.startswith(f"searchapp {command}") for line in lines)


def test_config_is_taken_before_and_after_the_verb(project, tmp_path_factory, monkeypatch):
    """Issue #18: `searchapp --config FILE stats` said "No such option"."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)  # no config.toml here: only --config finds it
    config = str(project / "config.toml")
    assert run("--config", config, "reindex").exit_code == 0
    before = run("--config", config, "stats", "--json")
    after = run("stats", "--json", "--config", config)
    assert before.exit_code == after.exit_code == 0
    assert json.loads(before.output)["items"] == json.loads(after.output)["items"] == 4
    # After the verb wins; either wins over $SEARCHAPP_CONFIG.
    monkeypatch.setenv("SEARCHAPP_CONFIG", str(elsewhere / "missing.toml"))
    assert run("--config", config, "stats").exit_code == 0
    missing = run("--config", config, "stats", "--config", str(elsewhere / "none.toml"))
    assert missing.exit_code == 2 and "none.toml" in missing.output
