"""`searchapp alerts send|list|purge`: the e-mail alerts from the shell and cron."""

from __future__ import annotations

import json
import logging

import click

from ..alerts import database_path, off_reason
from ..alerts.digest import SendReport, send_digests
from ..alerts.store import AlertStore, StoreError, now_utc
from ..config import Config
from ..engine import IndexProblem
from ..safetext import printable
from . import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, config_option, get_config

log = logging.getLogger("searchapp.alerts")


@click.group("alerts")
def alerts_command():
    """E-mail alerts: digests of new items for the searches people subscribed to.

    Sign-ups come from the web pages ("Få besked om nye punkter"); these commands send
    the digests, count the subscriptions and delete unconfirmed sign-ups. Mails need
    [smtp] host and from, and a public_url for the links, in the config.
    """


def run_send(config: Config) -> SendReport:
    """Send the digests; a failure of the mail server or the database is logged and
    reported, never raised (reindex calls this after its work is done)."""
    try:
        return send_digests(config)
    except (StoreError, IndexProblem) as exc:
        log.error("alerts: digests not sent: %s", exc)
        return SendReport(failed=[str(exc)])
    except Exception as exc:  # noqa: BLE001 - the reindex is done; report, do not crash
        log.exception("alerts: digests not sent")
        return SendReport(failed=[f"{type(exc).__name__}: {exc}"])


@alerts_command.command("send")
@click.option("--quiet", is_flag=True, help="Print nothing unless something failed.")
@config_option
def send_command(quiet: bool, config_file: str | None):
    """Mail each confirmed subscription the items new since its last digest.

    Run after `searchapp reindex` (which runs it itself when it published new items and
    [alerts] after_reindex is true, the default). A subscription with nothing new gets
    no mail. A digest the mail server did not take is sent again at the next run.
    Also deletes sign-ups not confirmed within [alerts] unconfirmed_days.

    Exit status: 0 all due digests sent (or none due); 1 some could not be sent (the
    reasons are printed; retried next time); 2 alerts are not configured, no index,
    or the alerts database cannot be used.

    \b
    Example:
        searchapp alerts send
        searchapp reindex --quiet && searchapp alerts send --quiet   # from cron
    """
    config = get_config(config_file)
    reason = off_reason(config)
    if reason:
        click.echo(f"Error: {reason}", err=True)
        raise SystemExit(EXIT_USAGE)
    try:
        report = send_digests(config)
    except (StoreError, IndexProblem) as exc:
        click.echo(f"Error: {printable(exc)}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    if not quiet or report.failed:
        click.echo(report.summary())
    for reason in dict.fromkeys(report.failed):
        click.echo(f"  not sent: {printable(reason)}", err=True)
    raise SystemExit(EXIT_PARTIAL if report.failed else EXIT_OK)


def _open(config: Config) -> AlertStore:
    try:
        return AlertStore(database_path(config))
    except StoreError as exc:
        click.echo(f"Error: {printable(exc)}", err=True)
        raise SystemExit(EXIT_USAGE) from None


@alerts_command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@config_option
def list_command(as_json: bool, config_file: str | None):
    """Count the subscriptions, confirmed and waiting, per search (no addresses shown).

    \b
    Example:
        searchapp alerts list
        searchapp alerts list --json | jq '.confirmed'
    """
    config = get_config(config_file)
    with _open(config) as store:
        counts = store.counts()
    counts = {"enabled": off_reason(config) is None, "database": str(database_path(config)),
              **counts}  # fmt: skip
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    reason = off_reason(config)
    click.echo("Alerts are on." if reason is None else reason[0].upper() + reason[1:] + ".")
    click.echo(f"Database: {counts['database']}")
    click.echo(f"Subscriptions: {counts['confirmed']} confirmed, {counts['unconfirmed']} "
               f"waiting for confirmation, from {counts['addresses']} addresses")  # fmt: skip
    for search in counts["searches"]:
        click.echo(f"  {search['confirmed']:>5} + {search['unconfirmed']:>3} waiting  "
                   f"{printable(search['query']) or '(alle punkter)'}")  # fmt: skip


@alerts_command.command("purge")
@config_option
def purge_command(config_file: str | None):
    """Delete the sign-ups not confirmed within [alerts] unconfirmed_days (default 7).

    `alerts send` does this too; run it on its own where no mail is sent.

    \b
    Example:
        searchapp alerts purge
    """
    config = get_config(config_file)
    with _open(config) as store:
        deleted = store.purge(now_utc(), config.alerts.unconfirmed_days)
    click.echo(f"Deleted {deleted} unconfirmed sign-up{'' if deleted == 1 else 's'} older "
               f"than {config.alerts.unconfirmed_days} days.")  # fmt: skip
