"""`searchapp fetch`: thin over searchapp.fetch; progress, the summary and exit codes."""

from __future__ import annotations

import sys

import click

from ..config import Config
from ..fetch import FetchEvent, FetchReport, fetch_sites
from ..mirror import MirrorLocked
from ..safetext import printable
from . import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, config_option, get_config
from .index import EXIT_INTERRUPTED, _count, _show
from .index import _Reporter as _IndexReporter


class _Reporter(_IndexReporter):
    """A progress bar per site on a terminal; under cron one line per meeting that
    was new, changed or failed (unchanged ones are silent); nothing with --quiet.
    Names and reasons come from the sites: printed escaped (safetext.printable)."""

    def _bar(self, event: FetchEvent) -> None:
        from tqdm import tqdm

        if event.stage == "site":
            self.close()
            self.bar = tqdm(
                total=event.total, unit="meeting", desc=f"Fetching {_host(event.site)}", leave=False
            )
        elif event.stage == "meeting" and self.bar is not None:
            self.bar.update(1)
            if event.outcome == "failed" or event.error:
                tqdm.write(
                    f"failed: {printable(event.name)}: {printable(event.error)}", file=sys.stderr
                )
        elif event.message:
            tqdm.write(printable(event.message), file=sys.stderr)

    def _log(self, event: FetchEvent) -> None:
        if event.stage == "site":
            click.echo(f"{event.site}: {_count(event.total, 'meeting')} to check")
        elif event.stage == "meeting":
            if event.outcome == "unchanged" and not event.error and not event.attachments:
                return
            width = len(str(event.total))
            outcome = event.outcome
            if event.attachments:
                outcome += f", {_count(event.attachments, 'attachment')}"
            if event.error:
                outcome += f": {event.error}" if event.outcome == "failed" else f"; {event.error}"
            click.echo(
                f"[{event.done:>{width}}/{event.total}] {printable(event.name)}: "
                + printable(outcome)
            )
        elif event.message:
            click.echo(printable(event.message))


def _host(url: str) -> str:
    return url.split("://", 1)[-1]


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.1f} kB"


def format_report(report: FetchReport) -> str:
    paused = f" ({report.paused:.1f} s of it pausing)" if report.paused >= 0.1 else ""
    lines = [
        f"Fetched {_count(len(report.sites), 'site')} in {report.seconds:.1f} s{paused}: "
        f"{_count(report.requests, 'request')} ({report.retries} retried, "
        f"{report.not_modified} not modified), {_size(report.bytes)} downloaded."
    ]
    lines += [f"Note: {printable(note)}" for note in report.notes]
    for site in report.sites:
        lines.append(
            f"{site.url} ({site.municipality}) -> {_show(site.folder)} ({site.seconds:.1f} s)"
        )
        lines.append(
            f"  Meetings: {site.listed} listed, {site.selected} selected: "
            f"{len(site.new)} new, {len(site.changed)} changed, {site.unchanged} unchanged, "
            f"{len(site.removed)} removed, {len(site.failed)} failed"
        )
        lines.append(
            f"  Attachments: {site.attachments_new} new, {site.attachments_changed} changed, "
            f"{site.attachments_removed} removed, {len(site.attachments_failed)} failed"
        )
        lines += [f"  Note: {printable(note)}" for note in site.notes]
        if site.removed:
            lines.append("  Removed (the site no longer lists them):")
            lines += [f"    {printable(name)}" for name in site.removed]
        failures = site.failed + site.attachments_failed
        if failures:
            lines.append("  Failed (tried again at the next fetch; earlier copies stay):")
            lines += [f"    {printable(what)}: {printable(why)}" for what, why in failures]
    return "\n".join(lines)


def run_fetch(config: Config, urls: tuple[str, ...], wait: bool, quiet: bool) -> int:
    """Fetch and report; the exit status, for `fetch` and `reindex --fetch`."""
    if not config.sites:
        click.echo(
            f"Error: no [[sites]] in {config.file or 'the config'}; add one with url and "
            "municipality (see README, 'Fetching from publishing sites')",
            err=True,
        )
        return EXIT_USAGE
    sites = list(config.sites)
    if urls:
        wanted = {u.strip().rstrip("/") for u in urls}
        sites = [s for s in config.sites if s.url in wanted]
        unknown = wanted - {s.url for s in sites}
        if unknown:
            known = ", ".join(s.url for s in config.sites)
            click.echo(
                f"Error: not a site in the config: {', '.join(sorted(unknown))} (sites: {known})",
                err=True,
            )
            return EXIT_USAGE
    reporter = _Reporter(quiet, tty=sys.stdout.isatty())
    try:
        report = fetch_sites(config, sites=sites, wait=wait, progress=reporter)
    except MirrorLocked as exc:
        reporter.close()
        click.echo(f"Error: {exc}", err=True)
        return EXIT_USAGE
    except OSError as exc:
        reporter.close()
        click.echo(f"Error: cannot write the mirror {config.fetch.folder}: {exc}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        reporter.close()
        click.echo(
            "Interrupted: every file in the mirror is whole; the next fetch continues.",
            err=True,
        )
        return EXIT_INTERRUPTED
    reporter.close()
    if not quiet:
        click.echo(format_report(report))
    else:
        for what, why in report.failures:
            click.echo(f"failed: {printable(what)}: {printable(why)}", err=True)
    return EXIT_OK if report.ok else EXIT_PARTIAL


@click.command("fetch")
@click.option("--site", "urls", multiple=True, metavar="URL", help="Only this site (repeatable).")
@click.option("--wait", is_flag=True, help="Wait for a running fetch instead of stopping.")
@click.option("--quiet", "-q", is_flag=True, help="Print only failures (for cron).")
@config_option
def fetch_command(urls: tuple[str, ...], wait: bool, quiet: bool, config_file: str | None):
    """Mirror new and changed meetings from the publishing sites in the config.

    For each [[sites]] entry, the committee list is read and every meeting in the
    chosen groups and dates is asked for; only new and changed meetings (and their
    attachments) are downloaded, into the fetch folder, where `searchapp reindex`
    reads them. Requests are spaced (fetch.delay), retried on server errors and
    timeouts, and paused as a site's 429 / Retry-After asks.

    Exit status: 0 everything fetched; 1 some meetings or attachments failed (the rest
    is mirrored; earlier copies stay); 2 configuration error, no sites configured, or
    another fetch running; 130 interrupted with Ctrl-C (every file stays whole).

    \b
    Example:
        searchapp fetch
        searchapp fetch --site https://dagsordener.greve.dk
        searchapp reindex --fetch --quiet --wait     # nightly, from cron
    """
    config = get_config(config_file)
    raise SystemExit(run_fetch(config, urls, wait, quiet))
