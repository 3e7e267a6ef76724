"""`searchapp alerts send`: each confirmed subscription gets one mail listing the items
its search finds that are new to the index since its last digest; nothing new, no mail.

"New" is kept without knowing anything of the person: the store records when each
item id was first seen in the index (items_seen), and a subscription the moment its
last digest covered (digest_at). A digest that could not be sent leaves digest_at as
it was, so the same items are offered again at the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from ..config import Config
from ..engine import IndexNotFound, SearchEngine, open_engine, open_store
from . import database_path, off_reason
from .mail import Mailer, MailError, digest_entry, digest_mail
from .queries import describe, request_of
from .store import AlertStore, now_utc, stamp
from .tokens import links_for

log = logging.getLogger("searchapp.alerts")


@dataclass
class SendReport:
    off: str | None = None  # why nothing was sent, when alerts are off
    purged: int = 0  # unconfirmed sign-ups deleted
    new_items: int = 0  # items the index gained since the last run
    subscriptions: int = 0  # confirmed subscriptions looked at
    sent: int = 0  # digests sent
    failed: list[str] = field(default_factory=list)  # why each unsent digest was not sent

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        if self.off:
            return f"Alerts: {self.off}."
        line = (f"Alerts: {self.new_items} new items, {self.sent} of "
                f"{self.subscriptions} subscriptions sent a digest")  # fmt: skip
        if self.failed:
            line += f", {len(self.failed)} not sent (retried at the next run)"
        if self.purged:
            line += f"; {self.purged} unconfirmed sign-ups deleted"
        return line + "."


def index_item_ids(config: Config) -> list[str]:
    """Every item id in the index in use, from its manifest (raises IndexNotFound)."""
    store = open_store(config.index_path)
    generation = store.current()
    if generation is None:
        raise IndexNotFound(f"no index at {config.index_path}; run `searchapp reindex`")
    files = store.manifest(generation).get("files", {})
    return [item_id for entry in files.values() for item_id in entry.get("indexed", [])]


def note_items(config: Config, store: AlertStore, now: datetime) -> int:
    """Record the index's items as seen (those already known keep their moment)."""
    try:
        return store.see(index_item_ids(config), now)
    except IndexNotFound:
        return 0


def send_digests(config: Config, *, engine: SearchEngine | None = None,
                 now: datetime | None = None) -> SendReport:  # fmt: skip
    """Send what is due; never raises for a mail server's failure (it is logged, and
    the digests are left to the next run). Raises IndexNotFound without an index."""
    report = SendReport(off=off_reason(config))
    if report.off:
        return report
    now = now or now_utc()
    as_of = stamp(now)
    with AlertStore(database_path(config)) as store:
        report.purged = store.purge(now, config.alerts.unconfirmed_days)
        report.new_items = store.see(index_item_ids(config), now)
        subscriptions = store.confirmed()
        report.subscriptions = len(subscriptions)
        if not subscriptions:
            return report
        recent = store.seen_after(min(s.news_after for s in subscriptions))
        if not recent:
            store.covered([s.id for s in subscriptions], as_of)
            return report
        engine = engine or open_engine(config.index_path, config.sources)
        links = links_for(config)
        matches: dict[str, list[dict]] = {}
        down: MailError | None = None  # the server could not be reached: the rest waits
        with Mailer(config.smtp) as mailer:
            for subscription in subscriptions:
                query = subscription.query
                try:
                    if query not in matches:
                        found = engine.rows(request_of(query))
                        matches[query] = [row for row in found if row["id"] in recent]
                except Exception as exc:  # noqa: BLE001 - one search must not stop the rest
                    log.exception("alerts: subscription %d: its search failed", subscription.id)
                    report.failed.append(f"subscription {subscription.id}: search failed: {exc}")
                    continue
                new = [r for r in matches[query] if recent[r["id"]] > subscription.news_after]
                if not new:
                    store.covered([subscription.id], as_of)  # nothing new up to now
                    continue
                base = links.search("")
                entries = [digest_entry(row, base) for row in new[: config.alerts.max_items]]
                mail = digest_mail(subscription.email, describe(query), entries, len(new),
                                   links.search(query),
                                   links.unsubscribe(subscription.id))  # fmt: skip
                try:
                    if down:
                        raise down
                    mailer.send(mail)
                except MailError as exc:
                    log.warning("alerts: digest of subscription %d not sent, retried at the "
                                "next run: %s", subscription.id, exc)  # fmt: skip
                    report.failed.append(str(exc))
                    down = exc if exc.connecting else None
                    continue
                store.covered([subscription.id], as_of)
                report.sent += 1
    return report
