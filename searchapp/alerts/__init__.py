"""E-mail alerts: "Få besked om nye punkter" for a search or a case.

A subscription is an address and a search (its query string), confirmed by a link
sent to the address (double opt-in). After a reindex that added items, `searchapp
alerts send` mails each confirmed subscription a digest of the items new to the index
that its search finds; every mail carries a signed one-click unsubscribe link.

One module a job: `store` (the SQLite file and its migrations), `queries` (a search
as stored and as described in a mail), `tokens` (signed links), `mail` (the Danish
mails and the SMTP connection), `digest` (what is new for whom, and the sending),
`signup` (what a sign-up does, for the web app). Nothing is sent without [smtp].
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config, beside_index


def off_reason(config: Config) -> str | None:
    """Why alerts are off (a sentence for the log and the CLI), None when they are on."""
    if not config.smtp.host:
        return "alerts are off: no mail server is configured ([smtp] host)"
    if not link_base(config):
        return "alerts are off: the links in mails need [alerts] or [server] public_url"
    return None


def enabled(config: Config) -> bool:
    return off_reason(config) is None


def link_base(config: Config) -> str:
    """The public address the links in mails start with, ending in "/" ("" if none):
    never the Host header of a request, which anyone can set."""
    base = config.alerts.public_url or config.public_url
    return base.rstrip("/") + "/" if base else ""


def database_path(config: Config) -> Path:
    """[alerts] database, or a file beside the index: index -> index-alerts.sqlite3."""
    return config.alerts.database or beside_index(config, "alerts.sqlite3")
