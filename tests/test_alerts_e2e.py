"""Alerts in a real browser (headless Chromium through Playwright) against a live
server and a real SMTP server: sign up from the search page, follow the mail's
confirmation link and press its button, then unsubscribe by the mail's link; no
script errors and nothing the Content-Security-Policy blocks on the way."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from smtp_servers import SmtpServer, text_of

CHROMIUM = Path("/usr/bin/chromium")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def site(index_root, sources_root, tmp_path):
    """(the live server's address, the SMTP server's inbox, the app)."""
    from conftest import make_config
    from werkzeug.serving import make_server

    from searchapp.config import AlertSettings, SmtpSettings
    from searchapp.web import create_app

    with SmtpServer() as smtp:
        smtp_settings = SmtpSettings(host="127.0.0.1", port=smtp.port, security="none",
                                     sender="alerter@moeder.example.dk", timeout=5)  # fmt: skip
        alerts = AlertSettings(database=tmp_path / "alerts.sqlite3",
                               secret_file=tmp_path / "alerts.secret")  # fmt: skip
        config = replace(make_config(index_root, sources_root), alerts=alerts, smtp=smtp_settings)
        app = create_app(config)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}/"
        # The links in mails lead to this server.
        app.config["SEARCHAPP"] = replace(config, alerts=replace(alerts, public_url=base))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield base, smtp.inbox
        server.shutdown()
        thread.join(5)


def test_sign_up_confirm_and_unsubscribe_in_a_browser(site):
    from searchapp.alerts.signup import flush

    base, inbox = site
    with sync_api.sync_playwright() as playwright:
        args = ["--headless", "--no-sandbox", "--disable-gpu"]
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        page = browser.new_page(locale="da-DK")
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        page.goto(base + "?q=ældrereformen")
        page.get_by_label("Din e-mailadresse").fill("ida@example.dk")
        page.get_by_role("button", name="Få besked").click()
        page.wait_for_url(base + "alerts")
        assert page.get_by_role("heading", level=1).inner_text() == "Tjek din e-mail"

        flush()
        (mail,) = inbox.wait_for(1)
        link = re.search(re.escape(base) + r"alerts/confirm/\S+", text_of(mail))[0]
        page.goto(link)
        page.get_by_role("button", name="Bekræft").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Du får nu besked"
        assert "»ældrereformen«" in page.content()

        page.goto(mail["List-Unsubscribe"][1:-1])
        page.get_by_role("button", name="Afmeld").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Du er afmeldt"
        browser.close()
    assert not errors, errors
