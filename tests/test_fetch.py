"""`searchapp fetch` against a real HTTP server on 127.0.0.1 (tests/publishing_site.py)
serving the tiny site in tests/fixtures/publishing/: incremental fetches, changed
meetings, a server that fails, throttles, cuts off, oversizes and hangs; and
`reindex --fetch`."""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from publishing_site import BILAG_PREFIX, FORMER, LIST_PATH, MEETING_PREFIX, Fault, PublishingSite
from test_index import fake_ingest, items_a, write_source

import searchapp.index as index_module
from searchapp import mirror
from searchapp.cli import cli
from searchapp.cli.index import sources_to_index
from searchapp.config import load_config
from searchapp.fetch import fetch_sites
from searchapp.polite import parse_retry_after, user_agent

FIXTURES = Path(__file__).parent / "fixtures" / "publishing"
AGENDA = FIXTURES / "oekonomiudvalget-2024-03-11-dagsorden.json"
MINUTES = FIXTURES / "oekonomiudvalget-2024-03-11-referat.json"
FEBRUARY = FIXTURES / "oekonomiudvalget-2024-02-05.json"
FORMER_COMMITTEE = FIXTURES / "teknik-og-miljoeudvalget-2021-11-15.json"
MARCH_ID = json.loads(AGENDA.read_text())["Id"]
FEBRUARY_ID = json.loads(FEBRUARY.read_text())["Id"]
FORMER_ID = json.loads(FORMER_COMMITTEE.read_text())["Id"]
FAILED_500 = "Økonomiudvalget 2024-03-11: HTTP 500 Internal Server Error (3 attempts)"


@pytest.fixture
def site():
    server = PublishingSite.from_files(
        [AGENDA, FEBRUARY, FORMER_COMMITTEE], groups={"Teknik- og Miljøudvalget": FORMER}
    )
    yield server
    server.close()


def write_config(folder: Path, site_url: str, site_extra: str = "", **fetch):
    """A config with one site; [fetch] fast for tests unless a keyword says otherwise."""
    settings = {"delay": 0, "timeout": 2, "retries": 2, "retry_wait": 0.05} | fetch
    path = folder / "config.toml"
    path.write_text(
        "[sources]\npaths = []\n[fetch]\n"
        + "".join(f"{key} = {value}\n" for key, value in settings.items())
        + f'[[sites]]\nurl = "{site_url}"\nmunicipality = "Testrup Kommune"\n{site_extra}\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def project(tmp_path, site, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEARCHAPP_CONFIG", raising=False)
    write_config(tmp_path, site.url)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def fetch(*args):
    return run("fetch", *args)


def the_site(project):
    return load_config(project / "config.toml").sites[0]


def mirrored(project) -> dict[str, bytes]:
    folder = the_site(project).meetings_folder
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def attachments(project) -> list[str]:
    return sorted(p.stem for p in the_site(project).attachments_folder.glob("*.pdf"))


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(mirror.TMP_PREFIX)]


# --- first and second fetch ---------------------------------------------------------------


def test_first_fetch_mirrors_meetings_and_attachments(project, site):
    result = fetch()
    assert result.exit_code == 0, result.output
    files = mirrored(project)
    assert sorted(files) == [
        f"Teknik- og Miljøudvalget_2021-11-15_{FORMER_ID}.json",
        f"Økonomiudvalget_2024-02-05_{FEBRUARY_ID}.json",
        f"Økonomiudvalget_2024-03-11_{MARCH_ID}.json",
    ]
    # byte for byte what the site sent: the same shape as the Greve files
    assert files[f"Økonomiudvalget_2024-03-11_{MARCH_ID}.json"] == AGENDA.read_bytes()
    assert attachments(project) == sorted(site.attachment_ids())
    for pdf in the_site(project).attachments_folder.glob("*.pdf"):
        assert pdf.read_bytes() == site.pdf(pdf.stem)
    assert (project / "mirror" / mirror.STATE_FILE).is_file()
    assert leftovers(project / "mirror") == []
    # one request per file, nothing retried; every one says who we are
    assert len(site.requests) == 1 + 1 + 3 + 4  # robots.txt, the list, meetings, bilag
    assert all(r.headers["User-Agent"] == user_agent() for r in site.requests)
    assert user_agent().startswith("searchapp/")
    out = result.output
    assert "Meetings: 3 listed, 3 selected: 3 new, 0 changed, 0 unchanged, 0 removed" in out
    assert "Attachments: 4 new, 0 changed, 0 removed, 0 failed" in out
    assert "9 requests (0 retried, 0 not modified)" in out
    # not a terminal: a log line per new meeting, newest first
    assert f"{site.url}: 3 meetings to check" in out
    assert "[1/3] Økonomiudvalget 2024-03-11: new, 1 attachment" in out


def test_second_fetch_downloads_nothing(project, site):
    assert fetch().exit_code == 0
    folder = the_site(project).folder
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    site.clear_log()
    result = fetch()
    assert result.exit_code == 0, result.output
    meeting_requests = [r for r in site.requests if r.path.startswith(MEETING_PREFIX)]
    assert len(meeting_requests) == 3 and all(r.status == 304 for r in meeting_requests)
    assert all("If-None-Match" in r.headers for r in meeting_requests)
    assert site.paths(BILAG_PREFIX) == []
    assert [r.status for r in site.requests if r.path == LIST_PATH] == [304]
    assert "0 new, 0 changed, 3 unchanged" in result.output
    assert "(0 retried, 4 not modified), 0.0 kB downloaded" in result.output
    assert {p: p.stat().st_mtime_ns for p in before} == before  # nothing written


def test_without_conditional_requests_the_hash_decides(project, site):
    """A site that sends no ETag/Last-Modified: meetings are downloaded again but an
    unchanged one is not written; attachments already mirrored are not asked for."""
    site.conditional = False
    assert fetch().exit_code == 0
    files = the_site(project).meetings_folder
    before = {p.name: p.stat().st_mtime_ns for p in files.iterdir()}
    site.clear_log()
    result = fetch()
    assert result.exit_code == 0
    assert "0 new, 0 changed, 3 unchanged" in result.output
    assert {p.name: p.stat().st_mtime_ns for p in files.iterdir()} == before
    assert site.paths(BILAG_PREFIX) == []
    assert all(r.status == 200 for r in site.requests if r.path.startswith(MEETING_PREFIX))


def test_minutes_that_replace_the_agenda_update_the_meeting(project, site):
    assert fetch().exit_code == 0
    site.set_meeting(MINUTES.read_bytes())
    site.clear_log()
    result = fetch()
    assert result.exit_code == 0, result.output
    assert mirrored(project)[f"Økonomiudvalget_2024-03-11_{MARCH_ID}.json"] == MINUTES.read_bytes()
    assert "0 new, 1 changed, 2 unchanged" in result.output
    assert "Attachments: 1 new, 0 changed" in result.output
    assert "[1/3] Økonomiudvalget 2024-03-11: changed, 1 attachment" in result.output
    # only the new attachment was downloaded; the one already mirrored was asked for
    # conditionally (the site supports it) and not sent again
    bilag = [r for r in site.requests if r.path.startswith(BILAG_PREFIX)]
    assert [r.status for r in bilag] == [304, 200]
    assert attachments(project) == sorted(site.attachment_ids())


def test_a_meeting_the_site_no_longer_lists_is_removed(project, site):
    assert fetch().exit_code == 0
    february_bilag = [
        b["Id"] for i in json.loads(FEBRUARY.read_text())["Dagsordenpunkter"] for b in i["Bilag"]
    ]
    del site.meetings[FEBRUARY_ID]
    result = fetch()
    assert result.exit_code == 0, result.output
    assert "1 removed" in result.output and "Økonomiudvalget 2024-02-05" in result.output
    assert not any(FEBRUARY_ID in name for name in mirrored(project))
    assert set(attachments(project)).isdisjoint(february_bilag)
    assert "Attachments: 0 new, 0 changed, 2 removed" in result.output


def test_groups_and_since_choose_the_meetings(project, site):
    write_config(project, site.url, 'groups = ["Aktuelle politiske udvalg"]\nsince = 2024-03-01\n')
    result = fetch()
    assert result.exit_code == 0, result.output
    assert list(mirrored(project)) == [f"Økonomiudvalget_2024-03-11_{MARCH_ID}.json"]
    assert "3 listed, 1 selected" in result.output


def test_an_unknown_group_is_reported_with_the_sites_groups(project, site):
    write_config(project, site.url, 'groups = ["Aktuelle politiske udvalg", "Stående udvalg"]')
    result = fetch()
    assert result.exit_code == 1
    assert '"Stående udvalg"' in result.output and '"Tidligere udvalg"' in result.output
    assert len(mirrored(project)) == 2  # the current committees are fetched all the same


def test_attachments_can_be_turned_off(project, site):
    write_config(project, site.url, "attachments = false")
    assert fetch().exit_code == 0
    assert len(mirrored(project)) == 3 and attachments(project) == []
    assert site.paths(BILAG_PREFIX) == []


# --- a server that misbehaves -----------------------------------------------------------


def test_500_then_success_is_retried(project, site):
    path = MEETING_PREFIX + MARCH_ID
    site.fail(path, Fault.status_code(500), Fault.status_code(503))
    result = fetch()
    assert result.exit_code == 0, result.output
    assert site.paths(path) == [path] * 3
    assert "(2 retried" in result.output and "HTTP 500" in result.output  # logged retry
    assert len(mirrored(project)) == 3


def test_a_meeting_that_keeps_failing_is_reported_and_the_rest_continue(project, site):
    path = MEETING_PREFIX + MARCH_ID
    site.fail(path, *[Fault.status_code(500)] * 3)
    result = fetch()
    assert result.exit_code == 1
    assert FAILED_500 in result.output
    assert len(mirrored(project)) == 2
    # the next fetch gets it; a copy mirrored before a failure stays meanwhile
    assert fetch().exit_code == 0 and len(mirrored(project)) == 3
    site.fail(path, *[Fault.status_code(500)] * 3)
    site.set_meeting(MINUTES.read_bytes())
    assert fetch().exit_code == 1
    assert mirrored(project)[f"Økonomiudvalget_2024-03-11_{MARCH_ID}.json"] == AGENDA.read_bytes()


def test_404_is_not_retried(project, site):
    site.fail(MEETING_PREFIX + MARCH_ID, Fault.status_code(404))
    result = fetch()
    assert result.exit_code == 1 and "HTTP 404" in result.output
    assert len(site.paths(MEETING_PREFIX + MARCH_ID)) == 1


def test_429_waits_as_retry_after_asks(project, site):
    path = MEETING_PREFIX + FEBRUARY_ID
    site.fail(path, Fault.status_code(429, retry_after="1"))
    result = fetch()
    assert result.exit_code == 0, result.output
    first, second = [r for r in site.requests if r.path == path]
    assert second.at - first.at >= 1.0
    assert first.status == 429 and second.status == 200


def test_a_long_retry_after_leaves_the_site_for_the_next_run(project, site):
    site.fail(MEETING_PREFIX + MARCH_ID, Fault.status_code(429, retry_after="3600"))
    started = time.monotonic()
    result = fetch()
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert "asked us to wait 3600 s (Retry-After)" in result.output
    assert "stopped after 0 of 3 meetings" in result.output
    assert mirrored(project) == {}


def test_retry_after_as_a_date():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None


@pytest.mark.parametrize("fault", [Fault.truncate(), Fault.truncate_close()])
def test_a_cut_off_meeting_is_fetched_again(project, site, fault):
    path = MEETING_PREFIX + MARCH_ID
    site.fail(path, fault)
    result = fetch()
    assert result.exit_code == 0, result.output
    assert len(site.paths(path)) == 2
    assert mirrored(project)[f"Økonomiudvalget_2024-03-11_{MARCH_ID}.json"] == AGENDA.read_bytes()
    assert leftovers(project / "mirror") == []


def test_a_cut_off_attachment_never_lands_in_the_mirror(project, site):
    bilag = site.attachment_ids()[0]
    site.fail(BILAG_PREFIX + bilag, *[Fault.truncate_close()] * 3)
    result = fetch()
    assert result.exit_code == 1
    assert "the PDF is cut off" in result.output
    assert bilag not in attachments(project) and leftovers(project / "mirror") == []
    # the meeting is mirrored; its missing attachment is fetched by the next run
    assert len(mirrored(project)) == 3
    assert fetch().exit_code == 0 and bilag in attachments(project)


@pytest.mark.parametrize("declared", [True, False])
def test_an_attachment_over_the_size_limit_is_skipped(project, site, declared):
    write_config(project, site.url, max_bytes=100000)
    big = site.attachment_ids()[0]
    site.large[big] = 400_000
    site.chunked_large = not declared
    result = fetch()
    assert result.exit_code == 1
    assert "over the limit" in result.output or "more than" in result.output
    assert "(fetch.max_bytes)" in result.output
    assert big not in attachments(project) and len(attachments(project)) == 3
    assert len(mirrored(project)) == 3 and leftovers(project / "mirror") == []
    # reported once; not downloaded again until the limit changes
    site.clear_log()
    again = fetch()
    assert again.exit_code == 0 and site.paths(BILAG_PREFIX) == []
    assert "1 attachments over the size limit" in again.output
    write_config(project, site.url, max_bytes=1000000)
    assert fetch().exit_code == 0 and big in attachments(project)


def test_a_hanging_server_times_out(project, site):
    write_config(project, site.url, timeout=0.5, retries=0)
    site.fail(MEETING_PREFIX + MARCH_ID, Fault.hang(20))
    started = time.monotonic()
    result = fetch()
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert "Økonomiudvalget 2024-03-11: no answer within 0.5 s (1 attempt)" in result.output
    assert len(mirrored(project)) == 2


def test_a_hang_then_an_answer_is_retried(project, site):
    write_config(project, site.url, timeout=0.5)
    site.fail(MEETING_PREFIX + MARCH_ID, Fault.hang(20))
    result = fetch()
    assert result.exit_code == 0, result.output
    assert len(mirrored(project)) == 3


def test_an_unreachable_site_fails_without_touching_the_mirror(project, site):
    assert fetch().exit_code == 0
    before = mirrored(project)
    site.close()
    result = fetch()
    assert result.exit_code == 1
    assert "committee list: connection failed" in result.output
    assert mirrored(project) == before


def test_requests_are_spaced_by_the_delay(project, site):
    write_config(project, site.url, "attachments = false", delay=0.2)
    assert fetch().exit_code == 0
    times = [r.at for r in site.requests]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 4 and min(gaps) >= 0.19


def test_robots_txt_is_honoured(project, site):
    site.robots = "User-agent: *\nDisallow: /api/\n"
    result = fetch()
    assert result.exit_code == 1
    assert "robots.txt disallows its committee list" in result.output
    assert site.paths("/api/") == []
    site.robots = "User-agent: searchapp\nDisallow: /Vis/\nCrawl-delay: 0.1\n"
    result = fetch()
    assert result.exit_code == 0, result.output
    assert len(mirrored(project)) == 3 and attachments(project) == []
    assert "4 attachments not fetched: the site's robots.txt disallows them" in result.output


# --- runs, locks, interruptions ---------------------------------------------------------


def test_a_second_fetch_refuses_while_one_runs(project, site):
    root = project / "mirror"
    root.mkdir()
    fd = os.open(root / mirror.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, b"4242\n")
    try:
        result = fetch()
        assert result.exit_code == 2
        assert "another fetch is running (pid 4242)" in result.output
        assert site.requests == []
    finally:
        os.close(fd)


def test_an_interrupted_fetch_leaves_whole_files_and_continues(project, site):
    config = load_config(project / "config.toml")

    def interrupt(event):
        if event.stage == "meeting" and event.done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch_sites(config, progress=interrupt)
    assert len(mirrored(project)) == 1 and leftovers(project / "mirror") == []
    state = mirror.load_state(project / "mirror")
    assert len(state["sites"][site.url]["meetings"]) == 1
    result = fetch()
    assert "2 new, 0 changed, 1 unchanged" in result.output


def test_ctrl_c_exits_130(project, monkeypatch):
    import searchapp.cli.fetch as cli_fetch

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_fetch, "fetch_sites", interrupted)
    result = fetch()
    assert result.exit_code == 130 and "Interrupted" in result.output


def test_a_lost_state_file_costs_no_rewrites(project, site):
    assert fetch().exit_code == 0
    (project / "mirror" / mirror.STATE_FILE).unlink()
    folder = the_site(project).folder
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    site.clear_log()
    result = fetch()
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed, 3 unchanged" in result.output
    assert site.paths(BILAG_PREFIX) == []
    assert {p: p.stat().st_mtime_ns for p in before if p.name != mirror.COMMITTEE_LIST} == {
        p: t for p, t in before.items() if p.name != mirror.COMMITTEE_LIST
    }


def test_quiet_prints_only_failures(project, site):
    site.fail(MEETING_PREFIX + MARCH_ID, *[Fault.status_code(500)] * 3)
    result = fetch("--quiet")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [f"failed: {FAILED_500}"]


def test_site_option_and_usage_errors(project, site):
    result = fetch("--site", "https://elsewhere.example")
    assert result.exit_code == 2 and "not a site in the config" in result.output
    assert fetch("--site", site.url + "/").exit_code == 0
    (project / "config.toml").write_text("[sources]\npaths = []\n")
    result = fetch()
    assert result.exit_code == 2 and "no [[sites]]" in result.output


def test_names_from_the_site_are_made_safe(project, site):
    """A committee name is the site's text: it names a file and fills log lines, so
    no path separator, control or bidirectional character gets through."""
    meeting = json.loads(FEBRUARY.read_text())
    meeting["Udvalg"] |= {"Id": "hostile", "Navn": "../Øk/onomi\x1b[31m\u202eudvalget"}
    site.set_meeting(json.dumps(meeting).encode())
    result = fetch()
    assert result.exit_code == 0, result.output
    names = list(mirrored(project))
    assert f"Øk onomi[31mudvalget_2024-02-05_{FEBRUARY_ID}.json" in names
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "../Øk/onomi\\x1b[31m\\u202eudvalget 2024-02-05: new" in result.output


# --- the mirror on disk -----------------------------------------------------------------


def test_atomic_file_keeps_the_old_content_on_error(tmp_path):
    target = tmp_path / "m.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with mirror.atomic_file(target) as (f, _):
            f.write(b"half")
            raise RuntimeError
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]
    mirror.write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and list(tmp_path.iterdir()) == [target]


def test_attachment_file_finds_a_meetings_bilag(project, site):
    assert fetch().exit_code == 0
    meeting_file = next(the_site(project).meetings_folder.glob(f"*{FEBRUARY_ID}.json"))
    for item in json.loads(meeting_file.read_text())["Dagsordenpunkter"]:
        for bilag in item["Bilag"]:
            found = mirror.attachment_file(meeting_file, bilag["Id"])
            assert found is not None and found.read_bytes() == site.pdf(bilag["Id"])
    assert mirror.attachment_file(meeting_file, "no-such-bilag") is None


def test_site_folder_names():
    assert mirror.site_folder_name("https://dagsordener.greve.dk") == "dagsordener.greve.dk"
    assert mirror.site_folder_name("http://127.0.0.1:8080/") == "127.0.0.1_8080"
    assert mirror.site_folder_name("https://Example.dk/dagsordener") == "example.dk_dagsordener"


# --- reindex --fetch, and reindex before a site is fetched ------------------------------


def test_reindex_before_the_first_fetch_notes_the_site(project, site):
    result = run("reindex")
    assert result.exit_code == 0, result.output
    assert f"Note: {site.url} is not fetched yet; run `searchapp fetch`" in result.output
    assert "Index rebuilt" in result.output and site.requests == []


def test_reindex_fetch_fetches_then_indexes_the_mirror(project, site):
    result = run("reindex", "--fetch")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Fetched 1 site" in out and "3 new" in out
    assert out.index("Fetched 1 site") < out.index("Index rebuilt")
    config = load_config(project / "config.toml")
    folder = config.sites[0].meetings_folder
    sources, notes = sources_to_index(config)
    assert folder in sources and notes == []
    assert len(list(folder.glob("*.json"))) == 3


def test_reindex_fetch_indexes_what_it_has_when_a_download_fails(project, site):
    site.fail(MEETING_PREFIX + MARCH_ID, *[Fault.status_code(500)] * 3)
    result = run("reindex", "--fetch")
    assert result.exit_code == 1
    assert "HTTP 500" in result.output and "Index rebuilt" in result.output


def test_reindex_fetch_stops_when_another_fetch_runs(project, site):
    root = project / "mirror"
    root.mkdir()
    fd = os.open(root / mirror.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        result = run("reindex", "--fetch")
    finally:
        os.close(fd)
    assert result.exit_code == 2 and "another fetch is running" in result.output
    assert not (project / "index" / "CURRENT").exists()


def test_reindex_fetch_without_sites_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text("[sources]\npaths = []\n")
    result = run("reindex", "--fetch")
    assert result.exit_code == 2 and "no [[sites]]" in result.output


def test_a_vanished_mirror_does_not_empty_the_index(project, site, monkeypatch):
    """A site folder the index holds files from is required like any source: if the
    mirror disappears (an unmounted disk), reindex refuses instead of dropping them."""
    monkeypatch.setattr(index_module, "ingest_file", lambda path, **options: fake_ingest(path))
    monkeypatch.setattr(index_module, "DEFAULT_WORKERS", 0)  # in this process
    config = load_config(project / "config.toml")
    folder = config.sites[0].meetings_folder
    write_source(folder / "meeting.txt", items_a())
    assert run("reindex").exit_code == 0
    (folder / "meeting.txt").unlink()
    folder.rmdir()
    result = run("reindex")
    assert result.exit_code == 2 and "source not found" in result.output
    assert sources_to_index(config) == ([folder], [])


def search(query: str) -> dict:
    result = run("search", query, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_fetched_meetings_become_searchable_items(project, site):
    """End to end: fetch and reindex, the items are found with the site's municipality;
    the minutes replacing the agenda re-read that one meeting, decisions included."""
    result = run("reindex", "--fetch")
    assert result.exit_code == 0, result.output
    assert "Files: 3 added, 0 changed, 0 unchanged, 0 removed, 0 failed" in result.output
    assert "Items in index: 5" in result.output
    (hit,) = search("vintertjeneste")["results"]
    assert hit["id"] == "testrup-oekonomiudvalget-2024-02-05-2"  # the configured municipality
    assert (hit["committee"], hit["meeting_date"], hit["status"]) == (
        "Økonomiudvalget",
        "2024-02-05",
        "approved",
    )
    (agenda,) = search("mindreforbrug")["results"]
    assert agenda["status"] == "unknown"  # an agenda: no decision yet

    site.set_meeting(MINUTES.read_bytes())
    result = run("reindex", "--fetch")
    assert result.exit_code == 0, result.output
    assert "Files: 0 added, 1 changed, 2 unchanged, 0 removed, 0 failed" in result.output
    (minutes,) = search("mindreforbrug")["results"]
    assert minutes["id"] == agenda["id"] and minutes["status"] == "recommended"
