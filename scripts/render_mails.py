"""Render the alerts' Danish mails for docs/screenshots/: the confirmation and a digest,
as a mail program shows their HTML part, at desktop and phone width, in headless
Chromium (Debian's `chromium`) driven by Playwright. The digest lists real items: the
samples' text twins (tests/fixtures/text) are indexed into a temporary folder, and the
items of the KKR Sjælland meeting matching "trafik" are reported as new.

    .venv/bin/python scripts/render_mails.py [--out docs/screenshots]

Also writes each mail whole (.eml) beside the pictures, to open in a mail program.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from searchapp.alerts.mail import confirmation_mail, digest_entry, digest_mail, message_of
from searchapp.alerts.queries import canonical, describe, request_of
from searchapp.engine import open_engine
from searchapp.index import reindex

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "tests" / "fixtures" / "text"
BASE = "https://moeder.example.dk/"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": {"width": 800, "height": 300}, "phone": {"width": 375, "height": 300}}


def mails(work: Path):
    reindex([TEXT], work / "index", workers=0)
    engine = open_engine(work / "index", [TEXT])
    query = canonical({"q": "trafik"})
    rows = [r for r in engine.rows(request_of(query)) if r["meeting_id"].startswith("kkr-sj")]
    token = "eyJzIjoxfQ.Z2xhZA.c2lnbmF0dXJl"  # the shape of a signed token, not a real one
    unsubscribe = f"{BASE}alerts/unsubscribe/{token}"
    search = f"{BASE}?{query}"
    yield "mail-confirm", confirmation_mail("ida@example.dk", describe(query),
                                            f"{BASE}alerts/confirm/{token}", unsubscribe,
                                            search, 7)  # fmt: skip
    entries = [digest_entry(row, BASE) for row in rows]
    yield "mail-digest", digest_mail("ida@example.dk", describe(query), entries, len(entries),
                                     search, unsubscribe)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        for name, mail in mails(Path(work)):
            message = message_of(mail, "Mødereferater <alerter@moeder.example.dk>")
            (out / f"{name}.eml").write_bytes(bytes(message))
            for size, viewport in SIZES.items():
                page = browser.new_page(viewport=viewport, java_script_enabled=False)
                page.set_content(mail.html)
                page.screenshot(path=str(out / f"{name}-{size}.png"), full_page=True)
                page.close()
                print(out / f"{name}-{size}.png")
        browser.close()


if __name__ == "__main__":
    main()
