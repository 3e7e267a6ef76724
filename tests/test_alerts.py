"""E-mail alerts without the web: the store's migrations, the digest after a real
reindex of the project's sample minutes (text twins) mailed to a real SMTP server on
127.0.0.1, nothing when nothing is new, broken mail servers, the purge, the CLI."""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from smtp_servers import HangUpServer, SmtpServer, free_port, html_of, text_of

import searchapp.index as index_module
from searchapp.alerts import database_path, signup
from searchapp.alerts.queries import canonical
from searchapp.alerts.store import SCHEMA_VERSION, AlertStore, StoreError, now_utc
from searchapp.alerts.tokens import signer_for
from searchapp.cli import cli
from searchapp.config import load_config

TEXT = Path(__file__).parent / "fixtures" / "text"
PUBLIC = "https://moeder.example.dk/"


def write_config(folder: Path, port: int | None, **alerts) -> Path:
    smtp = ""
    if port:
        smtp = (f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                'from = "Mødereferater <alerter@moeder.example.dk>"\ntimeout = 5\n')  # fmt: skip
    extra = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in alerts.items())
    path = folder / "config.toml"
    path.write_text(
        '[sources]\npaths = ["minutes"]\n[index]\npath = "index"\n'
        f'[server]\npublic_url = "{PUBLIC}"\n{smtp}[alerts]\n{extra}',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Two meetings' minutes (text twins of the samples), read in this process."""
    monkeypatch.setattr(index_module, "DEFAULT_WORKERS", 0)
    minutes = tmp_path / "minutes"
    minutes.mkdir()
    for name in ("kkr-hovedstaden-2023-06-14.txt", "okonomiudvalget-2022-01-25.txt"):
        shutil.copy(TEXT / name, minutes / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEARCHAPP_CONFIG", raising=False)
    monkeypatch.delenv("SEARCHAPP_ALERTS_SECRET", raising=False)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def subscribe(config_file: Path, email: str, q: str) -> int:
    """A confirmed subscription, made the way the pages make one."""
    config = load_config(config_file)
    query = canonical({"q": q})
    with AlertStore(database_path(config)) as store:
        subscription_id = store.add(email, query, now_utc()).id
    assert signup.confirm(config, signer_for(config).confirm_token(subscription_id))
    return subscription_id


def digest_marks(config_file: Path) -> list[str | None]:
    with AlertStore(database_path(load_config(config_file))) as store:
        return [s.digest_at for s in store.confirmed()]


def add_meeting(project: Path) -> None:
    shutil.copy(TEXT / "kkr-sjaelland-2024-09-12.txt", project / "minutes")


def test_digest_after_reindex_lists_new_matching_items_only(project):
    with SmtpServer() as smtp:
        config = write_config(project, smtp.port)
        assert run("reindex").exit_code == 0
        subscribe(config, "journalist@example.dk", "klima")
        subscribe(config, "politiker@example.dk", "ældrereformen")
        subscribe(config, "borger@example.dk", "kirkevej")  # only in old minutes
        add_meeting(project)
        result = run("reindex")
        assert result.exit_code == 0, result.output
        assert "Alerts: 10 new items, 2 of 3 subscriptions sent a digest." in result.output
        mails = {m["To"]: m for m in smtp.inbox.messages}
        assert set(mails) == {"journalist@example.dk", "politiker@example.dk"}
        # All three are up to date, the one without news too (or its list would grow).
        assert len(set(digest_marks(config))) == 1

        mail = mails["politiker@example.dk"]
        assert mail["Subject"] == "1 nyt punkt: »ældrereformen«"
        assert mail["From"] == "Mødereferater <alerter@moeder.example.dk>"
        text, html = text_of(mail), html_of(mail)
        title = ("Status på implementering af ældrereformen og den nye helhedspleje i "
                 "kommunerne i Region Sjælland")  # fmt: skip
        link = PUBLIC + "items/kkr-sjaelland-2024-09-12-3.1"
        for body in (text, html):
            assert title in body and link in body
            assert "KKR Sjælland, 12. september 2024" in body
        assert "punkt 3.1 · sag SAG-2024-00417" in text

        klima = text_of(mails["journalist@example.dk"])
        assert "kkr-sjaelland-2024-09-12-3.2" in klima  # new: klimaprojekter
        assert "oekonomiudvalget" not in klima  # klimaplan, klimatilpasning: not new
        assert "Udpegning" not in klima  # new, but not a match
        unsubscribe = mail["List-Unsubscribe"]
        assert re.fullmatch(r"<https://moeder\.example\.dk/alerts/unsubscribe/[\w.-]+>",
                            unsubscribe)  # fmt: skip
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html

        # Nothing new: no mail, from `alerts send` or a reindex.
        result = run("alerts", "send")
        assert result.exit_code == 0
        assert "Alerts: 0 new items, 0 of 3 subscriptions sent a digest." in result.output
        assert run("reindex", "--full").exit_code == 0
        assert len(smtp.inbox.messages) == 2


def test_digest_caps_the_list_and_counts_the_rest(project):
    with SmtpServer() as smtp:
        config = write_config(project, smtp.port, max_items=2)
        run("reindex")
        subscribe(config, "a@example.dk", "")  # every new item
        add_meeting(project)
        run("reindex")
        (mail,) = smtp.inbox.messages
        assert mail["Subject"] == "10 nye punkter: alle nye punkter"
        text = text_of(mail)
        assert text.count(PUBLIC + "items/") == 2
        assert "... og 8 punkter mere." in text


@pytest.mark.parametrize("server", ["refusing", "hanging_up", "rejecting"])
def test_a_broken_mail_server_fails_no_reindex_and_the_digest_waits(project, server, caplog):
    caplog.set_level(logging.WARNING, logger="searchapp.alerts")
    with SmtpServer() as smtp, HangUpServer() as hangup:
        port = {"refusing": free_port(), "hanging_up": hangup.port, "rejecting": smtp.port}
        config = write_config(project, port[server])
        smtp.inbox.refuse = server == "rejecting"
        run("reindex")
        subscribe(config, "politiker@example.dk", "ældrereformen")
        add_meeting(project)
        result = run("reindex")
        assert result.exit_code == 0, result.output  # the index is updated all the same
        assert "0 of 1 subscriptions sent a digest, 1 not sent (retried at the next run)" in (
            result.output
        )
        assert "digest of subscription 1 not sent" in caplog.text
        assert digest_marks(config) == [None]  # not marked as sent
        assert "1 result for »ældrereformen«" in run("search", "ældrereformen").output
        result = run("alerts", "send")
        assert result.exit_code == 1
        assert "not sent: mail server 127.0.0.1" in result.output

        # The server works again: the same items go out at the next run.
        smtp.inbox.refuse = False
        write_config(project, smtp.port)
        result = run("alerts", "send")
        assert result.exit_code == 0, result.output
        (mail,) = smtp.inbox.messages
        assert "kkr-sjaelland-2024-09-12-3.1" in text_of(mail)
        assert run("alerts", "send").exit_code == 0
        assert len(smtp.inbox.messages) == 1


def test_purge_deletes_unconfirmed_sign_ups_after_seven_days(project):
    config_file = write_config(project, free_port())
    config = load_config(config_file)
    now = now_utc()
    with AlertStore(database_path(config)) as store:
        store.add("old@example.dk", "q=a", now - timedelta(days=8))
        store.add("new@example.dk", "q=a", now - timedelta(days=6))
        kept = store.add("kept@example.dk", "q=a", now - timedelta(days=30))
        store.confirm(kept.id, now - timedelta(days=29))
    result = run("alerts", "purge")
    assert result.exit_code == 0
    assert "Deleted 1 unconfirmed sign-up older than 7 days." in result.output
    with AlertStore(database_path(config)) as store:
        assert store.find("old@example.dk", "q=a") is None
        assert store.find("new@example.dk", "q=a") is not None
        assert store.find("kept@example.dk", "q=a").confirmed
    result = run("alerts", "list", "--json")
    assert '"confirmed": 1' in result.output and '"unconfirmed": 1' in result.output
    assert "example.dk" not in result.output  # counts, never addresses


def test_send_without_smtp_settings_is_a_usage_error(project):
    write_config(project, None)
    result = run("alerts", "send")
    assert result.exit_code == 2
    assert "alerts are off: no mail server is configured ([smtp] host)" in result.output
    assert run("reindex").exit_code == 0  # and a reindex does not try


def test_store_migrates_forward_and_refuses_a_newer_file(tmp_path):
    path = tmp_path / "alerts.sqlite3"
    sqlite3.connect(path).close()  # version 0: an empty file
    with AlertStore(path) as store:
        assert store.version == SCHEMA_VERSION
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        assert {"subscriptions", "signup_mails", "items_seen"} <= tables
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this searchapp knows"):
        AlertStore(path)


def test_a_subscription_stores_the_address_the_query_and_dates_only(tmp_path):
    with AlertStore(tmp_path / "a.sqlite3") as store:
        columns = [r[1] for r in store.db.execute("PRAGMA table_info(subscriptions)")]
    assert columns == ["id", "email", "query", "created_at", "confirmed_at", "digest_at"]


@pytest.mark.parametrize(("security", "reason"), [("starttls", "STARTTLS extension not supported"),
                                                  ("ssl", "SSL")])  # fmt: skip
def test_no_mail_goes_out_in_clear_text_when_tls_is_configured(security, reason):
    from searchapp.alerts.mail import Mailer, MailError, confirmation_mail
    from searchapp.config import SmtpSettings

    mail = confirmation_mail("a@example.dk", "»x«", "https://c", "https://u", "https://s", 7)
    with SmtpServer() as smtp:  # a server that offers no TLS
        settings = SmtpSettings(host="127.0.0.1", port=smtp.port, security=security,
                                sender="a@moeder.example.dk", timeout=5)  # fmt: skip
        with pytest.raises(MailError, match=reason), Mailer(settings) as mailer:
            mailer.send(mail)
        assert smtp.inbox.messages == []


@pytest.fixture(scope="module")
def tls_ca():
    """A CA of the test's own (trustme), its certificate written out as PEM, and a
    certificate it signed for 127.0.0.1 and one for another name."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    return ca, ca.issue_cert("127.0.0.1"), ca.issue_cert("smtp.example.dk")


def _tls_settings(port: int, security: str, ca_file=None, **more):
    from searchapp.config import SmtpSettings

    return SmtpSettings(host="127.0.0.1", port=port, security=security, ca_file=ca_file,
                        sender="a@moeder.example.dk", timeout=5, **more)  # fmt: skip


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # smtp_servers.py
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_goes_out_over_tls_with_a_login_to_a_server_of_the_configured_ca(
    tmp_path, monkeypatch, tls_ca, security
):
    """A real TLS mail server (STARTTLS required, or TLS from the first byte) whose
    certificate the municipality's own CA signed, taking a login only over TLS."""
    from searchapp.alerts.mail import Mailer, confirmation_mail

    ca, cert, _ = tls_ca
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SEARCHAPP_SMTP_PASSWORD", "hemmeligt")
    mail = confirmation_mail("b@example.dk", "»x«", "https://c", "https://u", "https://s", 7)
    with SmtpServer(security, cert, login=("alerter", "hemmeligt")) as smtp:
        with Mailer(_tls_settings(smtp.port, security, ca_file, user="alerter")) as mailer:
            mailer.send(mail)
        [received] = smtp.inbox.wait_for(1)
    assert received["To"] == "b@example.dk"
    assert received["X-Envelope-To"] == "b@example.dk"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_server_certificate_not_trusted_or_for_another_name_sends_nothing(
    tmp_path, tls_ca, security
):
    from searchapp.alerts.mail import Mailer, MailError, confirmation_mail

    ca, cert, other_name = tls_ca
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    mail = confirmation_mail("b@example.dk", "»x«", "https://c", "https://u", "https://s", 7)
    cases = [(cert, None, "not trusted .*name the CA's certificate in smtp.ca_file"),
             (other_name, ca_file, "for another name .*mismatch.*smtp.host must be")]  # fmt: skip
    for server_cert, trusted, reason in cases:
        with SmtpServer(security, server_cert) as smtp:
            with pytest.raises(MailError, match=reason), \
                    Mailer(_tls_settings(smtp.port, security, trusted)) as mailer:  # fmt: skip
                mailer.send(mail)
            assert smtp.inbox.messages == []


def test_a_ca_file_that_is_not_there_is_a_config_error(project):
    (project / "config.toml").write_text('[sources]\npaths = ["minutes"]\n'
                                         '[smtp]\nca_file = "ca/missing.pem"\n')  # fmt: skip
    result = run("alerts", "list")
    assert result.exit_code == 2
    assert "'smtp.ca_file' is no file: " in result.output
    assert "missing.pem" in result.output


@pytest.mark.parametrize(("settings", "message"), [
    ('[smtp]\nhost = "smtp.example.dk"\n',
     "'smtp.from' must name the sender when 'smtp.host' is set"),
    ('[smtp]\nsecurity = "tls"\n',
     "'smtp.security' must be \"starttls\", \"ssl\" or \"none\", got 'tls'"),
    ('[alerts]\npassword = "x"\n', "unknown key 'alerts.password'"),
    ('[alerts]\nunconfirmed_days = 0\n', "'alerts.unconfirmed_days' must be at least 1"),
    ('[alerts]\npublic_url = "moeder.example.dk"\n', "'alerts.public_url' must be an http(s)"),
])  # fmt: skip
def test_alert_settings_are_checked_like_the_rest_of_the_config(project, settings, message):
    (project / "config.toml").write_text('[sources]\npaths = ["minutes"]\n' + settings)
    for args in (("alerts", "list"), ("reindex",)):
        result = run(*args)
        assert result.exit_code == 2
        assert message in result.output


def test_alerts_list_says_why_alerts_are_off(project):
    write_config(project, None)
    result = run("alerts", "list")
    assert result.exit_code == 0
    assert "Alerts are off: no mail server is configured ([smtp] host)." in result.output
    assert "Database: " + str(project / "index-alerts.sqlite3") in result.output
