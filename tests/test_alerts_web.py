"""The alert pages and /api/alerts against a real SMTP server on 127.0.0.1: the
confirmation mail and its link, the same answer whatever the address's state, the
limits per client and per address, one-click unsubscribe, alerts switched off."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from conftest import make_config
from smtp_servers import SmtpServer, html_of, text_of

from searchapp.alerts import database_path, signup
from searchapp.alerts.store import AlertStore
from searchapp.config import AlertSettings, SmtpSettings
from searchapp.web import create_app

PUBLIC = "https://moeder.example.dk/"


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def alerts_app(index_root, sources_root, tmp_path, smtp_port=None, **alerts):
    config = make_config(index_root, sources_root)
    alerts = {"signup_limit": "100 per minute", "address_limit": 10, **alerts}
    settings = AlertSettings(database=tmp_path / "alerts.sqlite3",
                             secret_file=tmp_path / "alerts.secret", **alerts)  # fmt: skip
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_port, security="none", timeout=5,
                        sender="Mødereferater <alerter@moeder.example.dk>")  # fmt: skip
    config = replace(config, alerts=settings, smtp=smtp if smtp_port else SmtpSettings())
    app = create_app(config)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def app(index_root, sources_root, tmp_path, smtp):
    return alerts_app(index_root, sources_root, tmp_path, smtp.port)


@pytest.fixture
def client(app):
    return app.test_client()


def mails(smtp, count: int):
    signup.flush()
    return smtp.inbox.wait_for(count)


def path_of(url: str) -> str:
    assert url.startswith(PUBLIC)
    return "/" + url.removeprefix(PUBLIC)


def confirm_link(message) -> str:
    return re.search(r"https://moeder\.example\.dk/alerts/confirm/\S+", text_of(message))[0]


def stored(app):
    with AlertStore(database_path(app.config["SEARCHAPP"])) as store:
        return store.counts()


def test_sign_up_from_the_search_page_and_confirm_by_the_link(client, app, smtp):
    page = client.get("/?q=ældrereformen").get_data(as_text=True)
    assert "Få besked om nye punkter" in page
    assert '<input type="hidden" name="q" value="ældrereformen">' in page
    response = client.post("/alerts", data={"email": "Ida@Example.dk", "q": "ældrereformen"})
    assert response.status_code == 200
    assert "Tjek din e-mail" in response.get_data(as_text=True)

    (mail,) = mails(smtp, 1)
    assert mail["To"] == "ida@example.dk"
    assert mail["Subject"] == "Bekræft: besked om nye punkter for »ældrereformen«"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = confirm_link(mail)
    assert link in html_of(mail)
    assert stored(app)["unconfirmed"] == 1

    # Opening the link (a mail scanner does) confirms nothing; the button does.
    page = client.get(path_of(link))
    assert page.status_code == 200 and "Bekræft din tilmelding" in page.get_data(as_text=True)
    assert stored(app)["confirmed"] == 0
    done = client.post(path_of(link))
    assert "Du får nu besked" in done.get_data(as_text=True)
    assert stored(app)["searches"] == [
        {"query": "q=%C3%A6ldrereformen", "confirmed": 1, "unconfirmed": 0}
    ]
    twin = client.get("/api" + path_of(link)).get_json()
    assert twin == {"status": "confirmed", "query": "q=%C3%A6ldrereformen",
                    "description": "»ældrereformen«"}  # fmt: skip


def test_a_forged_or_changed_link_is_refused(client, smtp):
    client.post("/api/alerts", data={"email": "a@example.dk", "q": "budget"})
    link = confirm_link(mails(smtp, 1)[0])
    forged = path_of(link)[:-2] + ("AA" if not link.endswith("AA") else "BB")
    for path in (forged, "/alerts/unsubscribe/x.y.z"):
        response = client.post("/api" + path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "invalid_link"
    unsubscribe_with_confirm_token = path_of(link).replace("/confirm/", "/unsubscribe/")
    assert client.post(unsubscribe_with_confirm_token).status_code == 404


def test_sign_up_for_a_case_from_the_item_page(client, smtp):
    page = client.get("/items/kkr-hovedstaden-2025-04-11-3.1").get_data(as_text=True)
    assert '<input type="hidden" name="case" value="SAG-2025-01103">' in page
    response = client.post("/api/alerts", json={"email": "b@example.dk",
                                                "case": "SAG-2025-01103"})  # fmt: skip
    assert response.status_code == 202
    assert response.get_json()["description"] == "sag SAG-2025-01103"
    (mail,) = mails(smtp, 1)
    assert "sag SAG-2025-01103" in mail["Subject"]


def test_the_answer_never_tells_whether_an_address_is_subscribed(client, smtp):
    form = {"email": "c@example.dk", "q": "budget"}
    first = client.post("/api/alerts", data=form)  # new
    link = confirm_link(mails(smtp, 1)[0])
    again = client.post("/api/alerts", data=form)  # waiting for confirmation
    client.post(path_of(link))
    confirmed = client.post("/api/alerts", data=form)  # subscribed
    other = client.post("/api/alerts", data={**form, "email": "d@example.dk"})
    answers = {(r.status_code, r.get_data()) for r in (first, again, confirmed, other)}
    assert len(answers) == 1
    html = {client.post("/alerts", data=f).get_data() for f in (form, {**form, "email": "e@x.dk"})}
    assert len(html) == 1
    # Only the owner of the address learns it was subscribed already.
    received = mails(smtp, 6)
    reminder = [m for m in received if m["Subject"].startswith("Du får allerede besked")]
    assert len(reminder) == 2 and all(m["To"] == "c@example.dk" for m in reminder)


def test_sign_ups_are_limited_per_address(index_root, sources_root, tmp_path, smtp):
    app = alerts_app(index_root, sources_root, tmp_path, smtp.port, address_limit=2)
    client = app.test_client()
    answers = {client.post("/api/alerts", data={"email": "f@example.dk", "q": q}).status_code
               for q in ("a", "b", "c", "d")}  # fmt: skip
    assert answers == {202}  # the same answer past the limit ...
    assert len(mails(smtp, 2)) == 2  # ... but no more mail to the address today
    assert stored(app)["unconfirmed"] == 4


def test_sign_ups_are_limited_per_client(index_root, sources_root, tmp_path, smtp):
    app = alerts_app(index_root, sources_root, tmp_path, smtp.port, signup_limit="2 per hour")
    client = app.test_client()
    codes = [client.post("/api/alerts", data={"email": f"g{n}@example.dk", "q": "x"}).status_code
             for n in range(3)]  # fmt: skip
    assert codes == [202, 202, 429]
    html = {"Accept": "text/html"}
    refused = client.post("/alerts", data={"email": "h@example.dk"}, headers=html)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert client.get("/?q=x").status_code == 200  # searching is not limited by it


def test_unsubscribe_with_one_click_from_the_mail_program_and_the_page(client, app, smtp):
    for email in ("i@example.dk", "j@example.dk"):
        client.post("/alerts", data={"email": email, "q": "budget"})
    received = mails(smtp, 2)
    for mail in received:
        client.post(path_of(confirm_link(mail)))
    assert stored(app)["confirmed"] == 2
    by_header, by_page = (path_of(m["List-Unsubscribe"][1:-1]) for m in received)

    # RFC 8058: the mail program posts List-Unsubscribe=One-Click to the header's URL.
    response = client.post(by_header, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200
    assert stored(app)["confirmed"] == 1
    assert client.post(by_header).status_code == 200  # twice: still a success

    page = client.get(by_page)
    assert "Afmeld" in page.get_data(as_text=True) and stored(app)["confirmed"] == 1
    assert client.post("/api" + by_page).get_json() == {"status": "unsubscribed"}
    assert stored(app)["confirmed"] == 0


def test_bad_sign_ups_are_400_in_the_one_error_shape(client):
    for data in ({"q": "x"}, {"email": "not an address"}, {"email": "a@b.dk\nBcc: c@d.dk"},
                 {"email": "a@example.dk", "status": "bogus"}):  # fmt: skip
        response = client.post("/api/alerts", data=data)
        assert response.status_code == 400
        assert set(response.get_json()["error"]) == {"code", "message"}
    assert client.post("/api/alerts", json=["a"]).status_code == 400


def test_without_smtp_settings_the_pages_say_alerts_are_off(index_root, sources_root, tmp_path):
    client = alerts_app(index_root, sources_root, tmp_path).test_client()
    page = client.get("/?q=budget").get_data(as_text=True)
    assert "Besked på e-mail er slået fra på denne server." in page
    assert 'name="email"' not in page
    response = client.post("/api/alerts", data={"email": "k@example.dk", "q": "budget"})
    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": "alerts_off",
        "message": "E-mail alerts are off: no mail server is configured ([smtp] host).",
    }
    about = client.get("/api/alerts?q=budget").get_json()
    assert about["enabled"] is False and "no mail server" in about["reason"]


def test_the_links_use_the_public_url_never_the_host_header(client, smtp):
    client.post("/alerts", data={"email": "l@example.dk", "q": "x"},
                headers={"Host": "evil.example"})  # fmt: skip
    text = text_of(mails(smtp, 1)[0])
    assert "evil.example" not in text
    assert {urlsplit(u).netloc for u in re.findall(r"https?://\S+", text)} == {
        "moeder.example.dk"
    }


def test_a_line_break_in_the_search_stays_out_of_the_mail_headers(client, smtp):
    response = client.post("/api/alerts", data={"email": "m@example.dk",
                                                "q": "budget\r\nBcc: x@evil.example"})  # fmt: skip
    assert response.status_code == 202
    (mail,) = mails(smtp, 1)
    assert mail["Subject"] == "Bekræft: besked om nye punkter for »budget Bcc: x@evil.example«"
    assert mail["Bcc"] is None and mail["X-Envelope-To"] == "m@example.dk"


def test_a_browser_is_told_in_danish_when_the_address_cannot_be_used(client):
    response = client.post("/alerts", data={"email": "ida(at)example.dk", "q": "x"},
                           headers={"Accept": "text/html"})  # fmt: skip
    assert response.status_code == 400
    assert "Skriv en e-mailadresse som navn@example.dk" in response.get_data(as_text=True)


def test_the_sign_up_page_of_a_search(client):
    page = client.get("/alerts?q=trafik&committee=KKR+Sjælland&page=3").get_data(as_text=True)
    assert page.count("Få besked om nye punkter") == 2  # the title and the heading, once
    assert "»trafik«, udvalg KKR Sjælland" in page
    assert '<input type="hidden" name="committee" value="KKR Sjælland">' in page
    assert 'name="page"' not in page  # paging is not part of a search
    assert client.get("/api/alerts?q=trafik&committee=KKR+Sjælland").get_json() == {
        "enabled": True, "reason": None, "query": "q=trafik&committee=KKR+Sj%C3%A6lland",
        "description": "»trafik«, udvalg KKR Sjælland",
    }
