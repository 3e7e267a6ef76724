"""`searchapp reindex` and `searchapp stats`: thin over searchapp.index, which does the
work and raises IndexProblem; here those become messages and exit codes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..config import Config
from ..engine import open_store
from ..index import (
    IndexNotFound,
    IndexProblem,
    Progress,
    ReindexReport,
    index_stats,
    reindex,
)
from ..safetext import printable
from ..workers import Limits
from . import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, config_option, get_config

EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C


def _show(path: Path | str) -> str:
    """A path as short as it is unambiguous: relative to the working folder if inside."""
    path = Path(path)
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    try:
        shown.encode("utf-8")
    except UnicodeEncodeError:  # a name in another encoding: Latin-1 from a Windows share
        shown = os.fsencode(shown).decode("cp1252", errors="replace")
    return printable(shown)  # a name holding a newline must not forge a log line


class _Reporter:
    """Progress for a person at a terminal (tqdm bars on stderr) or a log for cron
    (one plain line per file on stdout); nothing at all with --quiet."""

    def __init__(self, quiet: bool, tty: bool):
        self.quiet, self.tty = quiet, tty
        self.bar = None
        self.ocr_bar = None  # scanned pages read by OCR, under the files' bar

    def __call__(self, event: Progress) -> None:
        if self.quiet:
            return
        if self.tty:
            self._bar(event)
        else:
            self._log(event)

    def _bar(self, event: Progress) -> None:
        from tqdm import tqdm

        if event.stage in ("wait", "plan"):
            tqdm.write(event.message, file=sys.stderr)
        elif event.stage == "extract":
            if self.bar is None:
                self.bar = tqdm(total=event.total, unit="file", desc="Extracting", leave=False)
            self.bar.total = event.total  # grows when a duplicate must stand in for a file
            self.bar.set_postfix(items=event.items, refresh=False)
            self.bar.update(1)
            if event.ocr_pages and self.ocr_bar is None:  # all from the OCR cache
                tqdm.write(f"{_show(event.path)}: {_count(event.ocr_pages, 'page')} by OCR")
            if event.error:
                tqdm.write(
                    f"failed: {_show(event.path)}: {printable(event.error)}", file=sys.stderr
                )
        elif event.stage == "ocr":
            if self.ocr_bar is None:
                self.ocr_bar = tqdm(unit="page", desc="OCR", position=1, leave=False)
            self.ocr_bar.set_postfix_str(printable(Path(event.path).name), refresh=False)
            self.ocr_bar.update(event.done - self.ocr_bar.n)
        elif event.stage == "index":
            if self.bar is None or self.bar.unit != "item":
                self.close()
                self.bar = tqdm(total=event.total, unit="item", desc="Indexing", leave=False)
            self.bar.update(event.done - self.bar.n)
        elif event.stage == "publish":
            self.close()

    def _log(self, event: Progress) -> None:
        if event.stage in ("wait", "plan"):
            click.echo(event.message)
        elif event.stage == "extract":
            width = len(str(event.total))
            if event.error:
                outcome = f"failed: {printable(event.error)}"
            else:  # or what a file that is not minutes is (an attachment of minutes)
                outcome = printable(event.message) or _count(event.file_items, "item")
            if event.ocr_pages:
                outcome += f" ({_count(event.ocr_pages, 'page')} by OCR)"
            click.echo(f"[{event.done:>{width}}/{event.total}] {_show(event.path)}: {outcome}")
        elif event.stage == "index" and event.done == event.total:
            click.echo(f"indexed {event.total} items")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self.ocr_bar is not None:
            self.ocr_bar.close()
            self.ocr_bar = None


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def format_report(report: ReindexReport) -> str:
    lines = []
    if report.new_generation:
        how = "rebuilt" if report.full else "updated"
        lines.append(f"Index {how} in {report.seconds:.1f} s: {report.generation} is now in use.")
    else:
        lines.append(
            f"Index up to date ({report.seconds:.1f} s): {report.generation} stays in use."
        )
    lines += [f"Note: {printable(note)}" for note in report.notes]
    counts = [
        f"{len(report.added)} added",
        f"{len(report.changed)} changed",
        f"{len(report.unchanged)} unchanged",
        f"{len(report.removed)} removed",
    ]
    if report.retried:
        counts.append(f"{len(report.retried)} retried")
    if report.quarantined:
        counts.append(f"{len(report.quarantined)} quarantined")
    counts.append(f"{len(report.failed)} failed")
    lines.append("Files: " + ", ".join(counts))
    if report.failed:
        lines.append(
            "Failed (retried at the next reindex unless quarantined; items they had stay "
            "in the index):"
        )
        lines += [f"  {_show(path)}: {printable(reason)}" for path, reason in report.failed]
    if report.attachments_beside:
        lines.append("Attachments beside minutes (indexed with an item of the minutes, not "
                     "as minutes):")  # fmt: skip
        lines += [f"  {_show(path)}: an attachment of {printable(Path(owner).name)}"
                  for path, owner in sorted(report.attachments_beside)]  # fmt: skip
    if report.duplicates:
        lines.append("Duplicates (indexed once):")
        for d in report.duplicates:
            if d.dropped == d.kept:
                lines.append(
                    f"  {_show(d.dropped)}: {_count(d.items, 'repeated item')}, kept the first"
                )
            else:
                lines.append(
                    f"  {_show(d.dropped)}: {_count(d.items, 'item')} also in {_show(d.kept)}, "
                    f"kept {printable(Path(d.kept).name)}"
                )
    if report.ocr_pages or report.ocr_cached_pages:
        rate = ""
        if report.ocr_seconds:
            rate = f", {report.ocr_pages / report.ocr_seconds:.2f} pages/s"
        lines.append(
            f"Scanned pages (OCR): {report.ocr_pages} read ({report.ocr_seconds:.1f} s{rate}), "
            f"{report.ocr_cached_pages} from the OCR cache"
        )
    lines.append(
        f"Items in index: {report.items_in_index} "
        f"({report.items_written} written, {report.items_deleted} removed)"
    )
    return "\n".join(lines)


def sources_to_index(config: Config) -> tuple[list[Path], list[str]]:
    """The config's sources less the sites not fetched yet, and a note for each. A
    site's folder appears with its first fetch; a missing one that the index holds
    files from stays in, so reindex refuses as for any missing source (a mirror that
    vanished must not empty the index)."""
    missing = {s.meetings_folder: s for s in config.sites if not s.meetings_folder.exists()}
    if not missing:
        return list(config.sources), []
    try:
        indexed = [Path(p) for p in open_store(config.index_path).manifest().get("files", {})]
    except IndexNotFound:
        indexed = []
    sources, notes = [], []
    for source in config.sources:
        site = missing.get(source)
        if site and not any(source in p.parents for p in indexed):
            notes.append(f"{site.url} is not fetched yet; run `searchapp fetch`")
            continue
        sources.append(source)
    return sources, notes


@click.command("reindex")
@click.option("--full", is_flag=True, help="Rebuild from scratch, re-reading every file.")
@click.option("--wait", is_flag=True, help="Wait for a running reindex instead of stopping.")
@click.option("--quiet", "-q", is_flag=True, help="Print only failures (for cron).")
@click.option(
    "--fetch",
    "fetch_first",
    is_flag=True,
    help="First fetch new minutes from the publishing sites ([[sites]]).",
)
@config_option
def reindex_command(
    full: bool, wait: bool, quiet: bool, fetch_first: bool, config_file: str | None
):
    """Build or update the search index from the source files in the config.

    Only new, changed and previously failed files are read; the items of removed files
    are taken out. The new index replaces the one in use in a single step at the end:
    searches keep working meanwhile, and an interrupted reindex changes nothing.

    With --fetch, `searchapp fetch` runs first (see its help); the reindex follows
    even when some meetings failed to download, and reads what was mirrored.

    Exit status: 0 all files indexed; 1 some files failed (everything else is indexed),
    or with --fetch some downloads failed; 2 configuration error, index folder not
    writable, or another reindex (or fetch) running (nothing changed); 130 interrupted
    with Ctrl-C (nothing changed).

    \b
    Example:
        searchapp reindex
        searchapp reindex --full --config /etc/searchapp/config.toml
        searchapp reindex --fetch --quiet --wait     # nightly, from cron
    """
    config = get_config(config_file)
    fetched = EXIT_OK
    if fetch_first:
        from .fetch import run_fetch

        fetched = run_fetch(config, (), wait, quiet)
        if fetched not in (EXIT_OK, EXIT_PARTIAL):
            raise SystemExit(fetched)
    sources, notes = sources_to_index(config)
    if not quiet:
        for note in notes:
            click.echo(f"Note: {note}")
    reporter = _Reporter(quiet, tty=sys.stdout.isatty())
    try:
        report = reindex(
            sources,
            config.index_path,
            full=full,
            wait=wait,
            progress=reporter,
            municipalities=config.municipalities,
            workers=config.reindex_workers,
            limits=Limits(seconds=config.time_limit, memory_mb=config.memory_limit),
            ocr_settings=config.ocr,
            attachments=config.attachments,
        )
    except IndexProblem as exc:
        reporter.close()
        click.echo(f"Error: {printable(exc)}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        reporter.close()
        click.echo("Interrupted: the index in use was not changed.", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    reporter.close()
    if not quiet:
        click.echo(format_report(report))
    elif report.failed:
        for path, reason in report.failed:
            click.echo(f"failed: {_show(path)}: {printable(reason)}", err=True)
    _send_alerts(config, report, quiet)
    raise SystemExit(EXIT_PARTIAL if report.failed or fetched == EXIT_PARTIAL else EXIT_OK)


def _send_alerts(config: Config, report: ReindexReport, quiet: bool) -> None:
    """The alerts' digests after a reindex that published a generation, when alerts are
    configured: a failure is logged and left to the next run, never the reindex's."""
    from ..alerts import enabled

    if not (report.new_generation and config.alerts.after_reindex and enabled(config)):
        return
    from .alerts import run_send

    sent = run_send(config)
    if not quiet or sent.failed:
        click.echo(sent.summary())


def _human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def format_stats(stats: dict, list_files: bool = False) -> str:
    dates = ""
    if stats["date_from"]:
        dates = f", {stats['date_from']} to {stats['date_to']}"
    lines = [
        f"Index: {stats['index_path']} ({stats['generation']}, built {stats['built_at']}, "
        f"{_human_size(stats['size_bytes'])})",
        f"Items: {stats['items']} in {_count(stats['meetings'], 'meeting')}{dates}",
    ]
    if stats["committees"]:
        lines.append("Committees:")
        width = max(len(c["name"]) for c in stats["committees"])
        for c in stats["committees"]:
            lines.append(
                f"  {c['name']:<{width}}  {_count(c['items'], 'item')}, "
                f"{_count(c['meetings'], 'meeting')}"
            )
    files = stats["files"]
    lines.append(
        f"Source files: {len(files)} ({len(stats['failed'])} failed, "
        f"{_count(len(stats['duplicates']), 'duplicate')})"
    )
    if stats.get("posting_cache_mb") is not None:
        lines.append(f"Posting cache: up to {stats['posting_cache_mb']} MB of decoded postings "
                     "a server worker (server.cache_mb)")  # fmt: skip
    if list_files:
        for f in files:
            digest = (f["sha256"] or "?")[:12]
            what = f"failed: {printable(f['error'])}" if f["error"] else _count(f["items"], "item")
            lines.append(f"  {digest}  {_show(f['path'])}  {what}")
    elif stats["failed"]:
        lines.append("Failed:")
        lines += [f"  {_show(f['path'])}: {printable(f['reason'])}" for f in stats["failed"]]
    since = stats["since_build"]
    if since is not None:
        if stats["up_to_date"]:
            lines.append("Up to date with the source files.")
        else:
            lines.append(
                f"Stale: since the index was built {len(since['added'])} added, "
                f"{len(since['changed'])} changed, {len(since['removed'])} removed; "
                "run `searchapp reindex`."
            )
            for mark, key in (("+", "added"), ("~", "changed"), ("-", "removed")):
                lines += [f"  {mark} {_show(p)}" for p in since[key]]
    return "\n".join(lines)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.option("--files", "list_files", is_flag=True, help="List every source file and its hash.")
@config_option
def stats_command(as_json: bool, list_files: bool, config_file: str | None):
    """Show what is in the index, and which source files changed since it was built.

    Items, meetings, committees, the date range, size on disk, when it was built, what
    each server worker may keep decoded in memory (server.cache_mb), the source files
    (with --files: each with its SHA-256 and item count) and the files added, changed
    or removed since, which a reindex would pick up.

    \b
    Example:
        searchapp stats
        searchapp stats --files
        searchapp stats --json | jq '.committees'
    """
    config = get_config(config_file)
    try:
        stats = index_stats(config.index_path, config.sources)
    except IndexProblem as exc:
        click.echo(f"Error: {printable(exc)}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    stats["posting_cache_mb"] = config.cache_mb
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        click.echo(format_stats(stats, list_files))
