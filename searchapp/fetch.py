"""`searchapp fetch`: mirror the meetings (and their attachments) of the configured
publishing sites into the folder reindex reads.

Incremental: each URL's ETag, Last-Modified and SHA-256 are kept in the mirror's state
file; a meeting is asked for with If-None-Match / If-Modified-Since, and where a site
sends neither it is compared by hash, so an unchanged meeting is never written again.
A meeting's attachments are fetched before the meeting's file is (re)written, so a
reindex that sees a meeting finds what it lists; every file appears whole or not at all.
"""

from __future__ import annotations

import hashlib
import os
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import mirror
from .config import Config, Site
from .polite import FetchError, PoliteClient, SiteBusy, TooLarge, now_iso
from .publishing import (
    ListedMeeting,
    check_meeting,
    check_pdf,
    committee_list_url,
    group_names,
    meeting_attachments,
    meeting_url,
    parse_committee_list,
    select,
    unknown_groups,
)

SAVE_EVERY = 15.0  # seconds between state saves during a run (and always at its end)
ROBOTS_AGENT = "searchapp"


@dataclass(frozen=True)
class FetchEvent:
    """What a fetch is doing, for a progress bar or a log line.

    stage: "site" (starting a site: `total` meetings to check), "meeting" (one done:
    `done` of `total`, `outcome` new / changed / unchanged / failed, `error`),
    "retry" and "note" (`message`), "wait" (for another fetch).
    """

    stage: str
    site: str = ""
    done: int = 0
    total: int = 0
    name: str = ""
    outcome: str = ""
    error: str | None = None
    attachments: int = 0  # attachments fetched with this meeting
    message: str = ""


@dataclass
class SiteReport:
    url: str
    municipality: str
    folder: Path
    listed: int = 0  # meetings the site lists, in every group
    selected: int = 0  # of those, in the configured groups and dates
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    attachments_new: int = 0
    attachments_changed: int = 0
    attachments_removed: int = 0
    attachments_failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.failed or self.attachments_failed)


@dataclass
class FetchReport:
    sites: list[SiteReport] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    not_modified: int = 0
    bytes: int = 0
    seconds: float = 0.0
    paused: float = 0.0  # of `seconds`, spent in delays, backoffs and Retry-After waits
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sites)

    @property
    def failures(self) -> list[tuple[str, str]]:
        return [f for s in self.sites for f in s.failed + s.attachments_failed]


FetchProgress = Callable[[FetchEvent], None]


def fetch_sites(
    config: Config,
    *,
    sites: Iterable[Site] | None = None,
    wait: bool = False,
    progress: FetchProgress | None = None,
    client: PoliteClient | None = None,
) -> FetchReport:
    """Bring the mirror up to date with `sites` (default: all in the config). One
    fetch runs at a time per mirror: raises mirror.MirrorLocked unless `wait`.
    KeyboardInterrupt leaves every file whole and the state as far as it got."""
    started = time.monotonic()
    notify = progress or (lambda event: None)
    root = config.fetch.folder
    chosen = list(config.sites if sites is None else sites)
    report = FetchReport()

    def on_wait(pid):
        notify(FetchEvent("wait", message=f"waiting for another fetch (pid {pid}) to finish"))

    def on_retry(url, reason, seconds):
        notify(FetchEvent("retry", message=f"{url}: {reason}; retrying in {seconds:g} s"))

    own_client = client is None
    client = client or PoliteClient(config.fetch, on_retry=on_retry)
    try:
        with mirror.mirror_lock(root, wait=wait, on_wait=on_wait):
            mirror.remove_temporaries(root)
            state = mirror.load_state(root)
            saver = _Saver(root, state)
            try:
                for site in chosen:
                    run = _SiteRun(site, client, state, saver, notify)
                    report.sites.append(run.run())
            finally:
                saver.save()
    finally:
        if own_client:
            client.close()
    stats = client.stats
    report.requests, report.retries = stats.requests, stats.retries
    report.not_modified, report.bytes = stats.not_modified, stats.bytes
    report.paused = stats.waited
    report.notes = list(dict.fromkeys(stats.notes))
    report.seconds = time.monotonic() - started
    return report


class _Saver:
    """Writes the state file now and then, so an interrupted run keeps its progress.
    Files are renamed into place without syncing their folder each time; the folders
    written to are synced here, before the state that records their files."""

    def __init__(self, root: Path, state: dict):
        self.root, self.state = root, state
        self.last = time.monotonic()
        self.dirty: set[Path] = set()

    def wrote(self, path: Path) -> None:
        self.dirty.add(path.parent)

    def maybe(self) -> None:
        if time.monotonic() - self.last > SAVE_EVERY:
            self.save()

    def save(self) -> None:
        for folder in sorted(self.dirty):
            if folder.is_dir():
                mirror.fsync_dir(folder)
        self.dirty.clear()
        mirror.save_state(self.root, self.state)
        self.last = time.monotonic()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _SiteRun:
    def __init__(self, site: Site, client: PoliteClient, state: dict, saver: _Saver, notify):
        self.site, self.client, self.saver, self.notify = site, client, saver, notify
        self.state = state["sites"].setdefault(site.url, {})
        self.meetings: dict[str, dict] = self.state.setdefault("meetings", {})
        self.attachments: dict[str, dict] = self.state.setdefault("attachments", {})
        self.report = SiteReport(site.url, site.municipality, site.folder)
        self.robots: urllib.robotparser.RobotFileParser | None = None
        self.robots_blocked = 0
        self.too_large_skipped = 0

    # -- the run ---------------------------------------------------------------------

    def run(self) -> SiteReport:
        started = time.monotonic()
        site, report = self.site, self.report
        site.meetings_folder.mkdir(parents=True, exist_ok=True)
        try:
            self._read_robots()
            listed = self._committee_list()
        except FetchError as exc:
            report.failed.append(("committee list", exc.reason))
            self.notify(FetchEvent("note", site.url, message=f"{site.url}: failed: {exc.reason}"))
            report.seconds = time.monotonic() - started
            return report
        report.listed = len(listed)
        selected = sorted(select(listed, site.groups, site.since), key=_newest_first, reverse=True)
        report.selected = len(selected)
        self.notify(FetchEvent("site", site.url, total=len(selected)))
        complete = True
        for done, meeting in enumerate(selected, start=1):
            try:
                outcome, error, fetched = self._meeting(meeting)
            except SiteBusy as exc:
                report.failed.append((meeting.label, exc.reason))
                report.notes.append(
                    f"stopped after {done - 1} of {len(selected)} meetings: {exc.reason}"
                )
                self.notify(
                    FetchEvent("note", site.url, message=f"{site.url}: stopped: {exc.reason}")
                )
                complete = False
                break
            self.notify(
                FetchEvent(
                    "meeting",
                    site.url,
                    done,
                    len(selected),
                    meeting.label,
                    outcome,
                    error,
                    attachments=fetched,
                )
            )
            self.saver.maybe()
        if complete:
            self._remove_unlisted({m.id.lower() for m in listed})
        if self.robots_blocked:
            report.notes.append(
                f"{self.robots_blocked} attachments not fetched: the site's robots.txt "
                "disallows them"
            )
        if self.too_large_skipped:
            report.notes.append(
                f"{self.too_large_skipped} attachments over the size limit (fetch.max_bytes), "
                "reported before, were not asked for again"
            )
        report.seconds = time.monotonic() - started
        return report

    def _read_robots(self) -> None:
        """robots.txt: honoured for every URL, its Crawl-delay if longer than ours. A
        site without one (or whose robots.txt cannot be read) allows everything."""
        url = self.site.url + "/robots.txt"
        try:
            answer = self.client.get(url, accept="text/plain", retries=0)
        except SiteBusy:
            raise
        except FetchError:
            return
        parser = urllib.robotparser.RobotFileParser(url)
        parser.parse(answer.data.decode("utf-8", "replace").splitlines())
        self.robots = parser
        delay = parser.crawl_delay(ROBOTS_AGENT)
        if delay and float(delay) > self.client.delay:
            self.client.delay = float(delay)
            self.report.notes.append(f"robots.txt asks for {delay} s between requests")

    def _allowed(self, url: str) -> bool:
        return self.robots is None or self.robots.can_fetch(ROBOTS_AGENT, url)

    def _committee_list(self) -> list[ListedMeeting]:
        url = committee_list_url(self.site.url)
        if not self._allowed(url):
            raise FetchError(url, "the site's robots.txt disallows its committee list")
        saved = self.site.folder / mirror.COMMITTEE_LIST
        known = self.state.get("list", {}) if saved.is_file() else {}
        answer = self.client.get(
            url,
            etag=known.get("etag"),
            last_modified=known.get("last_modified"),
            check=parse_committee_list,
        )
        if answer.not_modified:
            body = saved.read_bytes()
        else:
            body = answer.data
            if answer.sha256 != known.get("sha256"):
                mirror.write_atomic(saved, body)
            self.state["list"] = _validators(answer)
        listed = parse_committee_list(body)
        missing = unknown_groups(self.site.groups, group_names(body))
        if missing:
            self.report.failed.append(
                (
                    "committee groups",
                    "not on the site: "
                    + ", ".join(f'"{g}"' for g in missing)
                    + " (it has: "
                    + ", ".join(f'"{g}"' for g in group_names(body))
                    + "); check sites.groups",
                )
            )
        if not listed:
            raise FetchError(url, "the committee list names no meetings; nothing changed")
        return listed

    # -- one meeting -----------------------------------------------------------------

    def _meeting(self, meeting: ListedMeeting) -> tuple[str, str | None, int]:
        """(outcome, error, attachments fetched) for one listed meeting."""
        site, report = self.site, self.report
        key = meeting.id.lower()
        prev = self.meetings.get(key)
        target = site.meetings_folder / mirror.meeting_file_name(
            meeting.committee, meeting.date, meeting.id
        )
        old = site.folder / prev["file"] if prev else None
        have = old is not None and old.is_file()
        url = meeting_url(site.url, meeting.id)
        if not self._allowed(url):
            reason = "the site's robots.txt disallows it"
            report.failed.append((meeting.label, reason))
            return "failed", reason, 0
        try:
            answer = self.client.get(
                url,
                etag=prev.get("etag") if have else None,
                last_modified=prev.get("last_modified") if have else None,
                check=check_meeting(meeting.id),
            )
        except SiteBusy:
            raise
        except FetchError as exc:
            report.failed.append((meeting.label, exc.reason))
            return "failed", exc.reason, 0
        if not have and target.is_file():  # the state was lost: the file is still ours
            old, have = target, True
            prev = {"sha256": _sha256(target), "attachments": []}
        same = have and not answer.not_modified and answer.sha256 == prev.get("sha256")
        if answer.not_modified or same:
            if not answer.not_modified:
                prev.update(_validators(answer))
            if old != target:  # renamed committee or moved meeting: the name follows
                os.replace(old, target)
            refs = [tuple(a) for a in prev.get("attachments", [])]
            if same and not refs:
                refs = _refs(meeting_attachments(answer.data, site.url))
            fetched, failed = self._attachments(refs, meeting, recheck=False)
            body, outcome = None, "unchanged"
            report.unchanged += 1
        else:
            refs = _refs(meeting_attachments(answer.data, site.url))
            fetched, failed = self._attachments(refs, meeting, recheck=True)
            body, outcome = answer.data, "changed" if prev else "new"
            (report.changed if prev else report.new).append(meeting.label)
        if body is not None:
            mirror.write_atomic(target, body, sync_dir=False)
            self.saver.wrote(target)
            if old is not None and old != target:
                old.unlink(missing_ok=True)
        record = dict(prev or {})
        if body is not None:
            record.update(_validators(answer))
            record["fetched"] = now_iso()
        record.update(
            file=str(target.relative_to(site.folder)),
            url=url,
            label=meeting.label,
            attachments=[list(r) for r in refs],
        )
        self.meetings[key] = record
        error = None
        if failed:
            error = f"{failed} of its attachments failed"
        return outcome, error, fetched

    # -- attachments -----------------------------------------------------------------

    def _attachments(self, refs, meeting: ListedMeeting, recheck: bool) -> tuple[int, int]:
        """Fetch the attachments not mirrored yet (and, for a changed meeting, those
        the site can tell us changed). Returns (fetched, failed)."""
        if not self.site.attachments:
            return 0, 0
        fetched = failed = 0
        folder = self.site.attachments_folder
        for attachment_id, url, title in refs:
            key = attachment_id.lower()
            known = self.attachments.get(key)
            path = folder / mirror.attachment_file_name(attachment_id)
            if known is None and path.is_file():  # the state was lost; the file was not
                known = self.attachments[key] = {
                    "file": str(path.relative_to(self.site.folder)),
                    "sha256": _sha256(path),
                    "url": url,
                }
            have = known is not None and "file" in known and path.is_file()
            conditional = have and (known.get("etag") or known.get("last_modified"))
            if have and not (recheck and conditional):
                continue
            if known and known.get("too_large") and known.get("limit") == self._limit():
                self.too_large_skipped += 1  # reported when met; tried again if the limit changes
                continue
            if not self._allowed(url):
                self.robots_blocked += 1
                continue
            what = f"{meeting.label}: bilag {title or attachment_id!r}"
            try:
                answer = self.client.get(
                    url,
                    etag=known.get("etag") if conditional else None,
                    last_modified=known.get("last_modified") if conditional else None,
                    to_folder=folder,
                    accept="application/pdf",
                    check=check_pdf,
                )
            except SiteBusy:
                raise
            except TooLarge as exc:
                self.attachments[key] = {"url": url, "too_large": True, "limit": self._limit()}
                self.report.attachments_failed.append((what, exc.reason))
                failed += 1
                continue
            except FetchError as exc:
                self.report.attachments_failed.append((what, exc.reason))
                failed += 1
                continue
            if answer.not_modified:
                continue
            if have and answer.sha256 == known.get("sha256"):
                answer.path.unlink(missing_ok=True)
                known.update(_validators(answer))
                continue
            mirror.adopt_atomic(answer.path, path, sync_dir=False)
            self.saver.wrote(path)
            fetched += 1
            if have:
                self.report.attachments_changed += 1
            else:
                self.report.attachments_new += 1
            self.attachments[key] = {
                "file": str(path.relative_to(self.site.folder)),
                "url": url,
                **_validators(answer),
            }
        return fetched, failed

    def _limit(self) -> int:
        return self.client.settings.max_bytes

    # -- what the site no longer lists -----------------------------------------------

    def _remove_unlisted(self, listed: set[str]) -> None:
        """Meetings the site no longer lists at all are taken out of the mirror (a
        meeting merely outside the configured groups or dates stays); so are
        attachments no mirrored meeting lists, and files the state does not know."""
        site, report = self.site, self.report
        for key in [k for k in self.meetings if k not in listed]:
            record = self.meetings.pop(key)
            (site.folder / record["file"]).unlink(missing_ok=True)
            report.removed.append(record.get("label") or key)
        referenced = {
            a[0].lower()
            for record in self.meetings.values()
            for a in (record.get("attachments", []) if site.attachments else [])
        }
        for key in [k for k in self.attachments if k not in referenced]:
            record = self.attachments.pop(key)
            if "file" in record:
                (site.folder / record["file"]).unlink(missing_ok=True)
                report.attachments_removed += 1
        known = {site.folder / r["file"] for r in self.meetings.values()}
        known |= {site.folder / r["file"] for r in self.attachments.values() if "file" in r}
        for folder in (site.meetings_folder, site.attachments_folder):
            if folder.is_dir():
                for path in folder.iterdir():
                    if path.is_file() and not path.name.startswith(".") and path not in known:
                        path.unlink()


def _newest_first(meeting: ListedMeeting):
    return (meeting.when or meeting.date, meeting.id)


def _validators(answer) -> dict:
    return {
        "etag": answer.etag,
        "last_modified": answer.last_modified,
        "sha256": answer.sha256,
        "size": answer.size,
    }


def _refs(attachments) -> list[tuple[str, str, str]]:
    return [(a.id, a.url, a.title) for a in attachments]
