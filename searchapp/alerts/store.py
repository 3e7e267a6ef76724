"""Subscriptions in SQLite: the address, the search and dates, nothing else.

The file holds three tables: `subscriptions` (address, query, when it was made,
confirmed and last sent a digest), `signup_mails` (when a sign-up mail went to an
address: the per-address limit) and `items_seen` (when the alerts first saw each item
id in the index: what "new" means; no person in it). The schema is versioned with
SQLite's user_version and migrated forward when the file is opened; a file newer than
this code is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Each entry takes the schema from version N to N + 1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: links are signed ids
        email TEXT NOT NULL,
        query TEXT NOT NULL,                   -- the search's query string
        created_at TEXT NOT NULL,
        confirmed_at TEXT,
        digest_at TEXT,                        -- the last digest: newer items are new
        UNIQUE (email, query)
    );
    CREATE TABLE signup_mails (email TEXT NOT NULL, sent_at TEXT NOT NULL);
    CREATE INDEX signup_mails_email ON signup_mails (email, sent_at);
    CREATE TABLE items_seen (item_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);
    CREATE INDEX items_seen_at ON items_seen (seen_at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

# Items in the index when the alerts first look at it are nobody's news.
BASELINE = "0000-00-00T00:00:00"


class StoreError(Exception):
    """The alerts database cannot be used (newer schema, unreadable); says which file."""


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """A moment as stored: UTC ISO 8601 with microseconds, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


@dataclass(frozen=True)
class Subscription:
    id: int
    email: str
    query: str
    created_at: str
    confirmed_at: str | None
    digest_at: str | None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def news_after(self) -> str:
        """Items first seen after this moment are news to this subscription."""
        return self.digest_at or self.confirmed_at or self.created_at


class AlertStore:
    """One connection to the alerts database; cheap to open, one per thread or run."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            # WAL's usual durability: a power cut may lose the last commits (a digest
            # then goes out twice), never corrupt the file; one fsync a checkpoint.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot use the alerts database {self.path}: {exc}") from None

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the alerts database {self.path} has schema version {version}, newer than "
                f"this searchapp knows ({SCHEMA_VERSION}); upgrade searchapp"
            )
        for number in range(version, SCHEMA_VERSION):
            with self._transaction():
                for statement in _statements(MIGRATIONS[number]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def _transaction(self):
        """One write transaction (the connection otherwise commits each statement)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> AlertStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- Subscriptions

    def _row(self, row) -> Subscription | None:
        return Subscription(*row) if row else None

    _COLUMNS = "id, email, query, created_at, confirmed_at, digest_at"

    def get(self, subscription_id: int) -> Subscription | None:
        row = self.db.execute(
            f"SELECT {self._COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
        ).fetchone()
        return self._row(row)

    def find(self, email: str, query: str) -> Subscription | None:
        row = self.db.execute(
            f"SELECT {self._COLUMNS} FROM subscriptions WHERE email = ? AND query = ?",
            (email, query),
        ).fetchone()
        return self._row(row)

    def add(self, email: str, query: str, now: datetime) -> Subscription:
        """The subscription of `email` to `query`, made (unconfirmed) if it is new."""
        self.db.execute(
            "INSERT OR IGNORE INTO subscriptions (email, query, created_at) VALUES (?, ?, ?)",
            (email, query, stamp(now)),
        )
        found = self.find(email, query)
        assert found is not None
        return found

    def confirm(self, subscription_id: int, now: datetime) -> Subscription | None:
        self.db.execute(
            "UPDATE subscriptions SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL",
            (stamp(now), subscription_id),
        )
        return self.get(subscription_id)

    def remove(self, subscription_id: int) -> bool:
        cursor = self.db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))
        return cursor.rowcount > 0

    def confirmed(self) -> list[Subscription]:
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM subscriptions WHERE confirmed_at IS NOT NULL "
            "ORDER BY id"
        ).fetchall()
        return [Subscription(*row) for row in rows]

    def covered(self, subscription_ids: list[int], as_of: str) -> None:
        """What was seen up to `as_of` is dealt with for these subscriptions: sent, or
        nothing of it was theirs. (A subscription never covered would keep an ever
        longer list of items to look through.)"""
        with self._transaction():
            self.db.executemany(
                "UPDATE subscriptions SET digest_at = ? WHERE id = ?",
                [(as_of, subscription_id) for subscription_id in subscription_ids],
            )

    def counts(self) -> dict:
        """How many subscriptions, confirmed and waiting, per search (no addresses)."""
        rows = self.db.execute(
            "SELECT query, SUM(confirmed_at IS NOT NULL), SUM(confirmed_at IS NULL) "
            "FROM subscriptions GROUP BY query ORDER BY COUNT(*) DESC, query"
        ).fetchall()
        searches = [{"query": q, "confirmed": c, "unconfirmed": u} for q, c, u in rows]
        return {
            "confirmed": sum(s["confirmed"] for s in searches),
            "unconfirmed": sum(s["unconfirmed"] for s in searches),
            "addresses": self.db.execute(
                "SELECT COUNT(DISTINCT email) FROM subscriptions"
            ).fetchone()[0],
            "searches": searches,
            "items_seen": self.db.execute("SELECT COUNT(*) FROM items_seen").fetchone()[0],
        }

    def purge(self, now: datetime, unconfirmed_days: int) -> int:
        """Delete sign-ups not confirmed within `unconfirmed_days`, and the sign-up mail
        log past a day; returns the sign-ups deleted."""
        cutoff = stamp(now - timedelta(days=unconfirmed_days))
        cursor = self.db.execute(
            "DELETE FROM subscriptions WHERE confirmed_at IS NULL AND created_at < ?", (cutoff,)
        )
        self.db.execute(
            "DELETE FROM signup_mails WHERE sent_at < ?", (stamp(now - timedelta(days=1)),)
        )
        return cursor.rowcount

    # --- The per-address limit

    def mails_today(self, email: str, now: datetime) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM signup_mails WHERE email = ? AND sent_at >= ?",
            (email, stamp(now - timedelta(days=1))),
        ).fetchone()[0]

    def note_mail(self, email: str, now: datetime) -> None:
        self.db.execute(
            "INSERT INTO signup_mails (email, sent_at) VALUES (?, ?)", (email, stamp(now))
        )

    # --- What is new

    def see(self, item_ids: Iterable[str], now: datetime) -> int:
        """Record the ids not seen before as seen `now` (the very first time: as seen
        always, so an existing index is nobody's news); returns how many were new."""
        first = self.db.execute("SELECT 1 FROM items_seen LIMIT 1").fetchone() is None
        when = BASELINE if first else stamp(now)
        with self._transaction():
            before = self.db.total_changes
            self.db.executemany(
                "INSERT OR IGNORE INTO items_seen (item_id, seen_at) VALUES (?, ?)",
                ((item_id, when) for item_id in item_ids),
            )
            added = self.db.total_changes - before
        return 0 if first else added

    def seen_after(self, moment: str) -> dict[str, str]:
        """{item id: when first seen} for the items first seen after `moment`."""
        rows = self.db.execute(
            "SELECT item_id, seen_at FROM items_seen WHERE seen_at > ?", (moment,)
        )
        return dict(rows.fetchall())


def _statements(script: str) -> list[str]:
    """A migration's statements, one at a time: executescript would commit the
    transaction the migration and its version number must share."""
    parts, current = [], ""
    for line in script.splitlines():
        current += line.split("--", 1)[0] + "\n"
        if sqlite3.complete_statement(current):
            parts.append(current.strip())
            current = ""
    return [p for p in parts if p]
