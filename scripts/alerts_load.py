"""How long `alerts send` takes for many subscriptions: the samples' text twins
indexed without one meeting, N confirmed subscriptions over ~110 distinct searches,
the meeting added by a reindex, then one run that mails the digests (to aiosmtpd on
127.0.0.1, in this process) and one with nothing new.

    .venv/bin/python scripts/alerts_load.py [--subscriptions 1000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from smtp_servers import SmtpServer  # noqa: E402

from searchapp.alerts import database_path  # noqa: E402
from searchapp.alerts.digest import note_items, send_digests  # noqa: E402
from searchapp.alerts.queries import canonical  # noqa: E402
from searchapp.alerts.store import AlertStore, now_utc  # noqa: E402
from searchapp.config import config_from_dict  # noqa: E402
from searchapp.index import reindex  # noqa: E402

TEXT = ROOT / "tests" / "fixtures" / "text"
LATE = "kkr-sjaelland-2024-09-12.txt"  # the meeting the reindex adds: 10 items
WORDS = "klima trafik budget ældre regionen kommunerne skole sundhed uddannelse plan".split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    count = parser.parse_args().subscriptions
    with tempfile.TemporaryDirectory() as work, SmtpServer() as smtp:
        work = Path(work)
        (work / "minutes").mkdir()
        for path in TEXT.glob("*.txt"):
            if path.name != LATE:
                shutil.copy(path, work / "minutes" / path.name)
        config = config_from_dict({
            "sources": {"paths": ["minutes"]}, "index": {"path": "index"},
            "server": {"public_url": "https://moeder.example.dk/"},
            "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none",
                     "from": "alerter@moeder.example.dk"},
        }, base=work)  # fmt: skip
        reindex(config.sources, config.index_path, workers=0)
        with AlertStore(database_path(config)) as store:
            now = now_utc()
            note_items(config, store, now)
            for n in range(count):
                words = WORDS[n % len(WORDS)]
                if n >= len(WORDS):
                    words += " " + WORDS[n // len(WORDS) % len(WORDS)]
                store.confirm(store.add(f"u{n}@example.dk", canonical({"q": words}), now).id, now)
            searches = len({s.query for s in store.confirmed()})
        shutil.copy(TEXT / LATE, work / "minutes" / LATE)
        reindex(config.sources, config.index_path, workers=0)
        for label in ("new meeting", "nothing new"):
            started = time.perf_counter()
            report = send_digests(config)
            seconds = time.perf_counter() - started
            print(f"{label}: {count} subscriptions ({searches} searches): {report.sent} "
                  f"digests, {len(smtp.inbox.messages)} mails received, {seconds:.2f} s")


if __name__ == "__main__":
    main()
