"""`searchapp fetch` against a replay of dagsordener.greve.dk: the 285 real meetings in
../shared/real/publishing-json/greve/ served by tests/publishing_site.py (skipped,
saying so, without them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from publishing_site import BILAG_PREFIX, MEETING_PREFIX, PublishingSite
from test_fetch import write_config

from searchapp.config import load_config
from searchapp.fetch import fetch_sites
from searchapp.publishing import meeting_attachments

GREVE = Path(__file__).resolve().parents[2] / "shared" / "real" / "publishing-json" / "greve"

pytestmark = pytest.mark.skipif(
    not GREVE.is_dir(),
    reason=f"Greve's published meetings not found at {GREVE} "
    "(../shared/real beside the project); replay tests skipped",
)


@pytest.fixture(scope="module")
def files():
    return sorted(GREVE.glob("*.json"))


def test_greve_first_and_second_fetch(tmp_path, files):
    site = PublishingSite.from_files(files)
    try:
        write_config(tmp_path, site.url, "attachments = false")
        config = load_config(tmp_path / "config.toml")
        first = fetch_sites(config)
        (report,) = first.sites
        assert report.ok, report.failed
        assert (report.listed, report.selected, len(report.new)) == (285, 285, 285)
        mirrored = {p.name.rsplit("_", 1)[1]: p for p in config.sites[0].meetings_folder.iterdir()}
        assert len(mirrored) == 285
        for original in files:
            meeting_id = json.loads(original.read_bytes())["Id"]
            assert mirrored[f"{meeting_id}.json"].read_bytes() == original.read_bytes()
        assert first.requests == 287  # robots.txt, the committee list, 285 meetings
        assert first.bytes == sum(p.stat().st_size for p in files) + len(
            json.dumps(site.committee_list(), ensure_ascii=False).encode()
        )

        site.clear_log()
        second = fetch_sites(config)
        (again,) = second.sites
        assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 285)
        assert second.bytes == 0 and second.not_modified == 286
        statuses = {r.status for r in site.requests if r.path.startswith(MEETING_PREFIX)}
        assert statuses == {304}
        # reported in the commit and README: first.seconds, second.seconds
        print(
            f"\nGreve replay: first fetch {first.seconds:.1f} s, {first.requests} requests, "
            f"{first.bytes / 1e6:.1f} MB; second {second.seconds:.1f} s, "
            f"{second.requests} requests, {second.bytes} bytes"
        )
    finally:
        site.close()


def test_greve_attachments_are_fetched_at_their_pdf_address(tmp_path, files):
    """The Greve Bilag carry no Link: each is fetched at <site>/Vis/Pdf/bilag/<Id>."""
    sample = files[:12]
    site = PublishingSite.from_files(sample)
    try:
        write_config(tmp_path, site.url)
        config = load_config(tmp_path / "config.toml")
        (report,) = fetch_sites(config).sites
        assert report.ok, report.attachments_failed
        expected = {a.id for f in sample for a in meeting_attachments(f, site.url)}
        assert expected and report.attachments_new == len(expected)
        asked = {p.removeprefix(BILAG_PREFIX) for p in site.paths(BILAG_PREFIX)}
        assert asked == expected
        folder = config.sites[0].attachments_folder
        assert {p.stem for p in folder.glob("*.pdf")} == expected
    finally:
        site.close()
