"""The mails (Danish, plain text and HTML, built with the stdlib email package) and
the SMTP connection they go out on (smtplib: STARTTLS, SSL or neither, with a login
whose password is read from the environment).

Every mail carries the subscription's unsubscribe link three ways: in the text, in the
HTML and in `List-Unsubscribe` with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
(RFC 8058), so a mail program's own "unsubscribe" button works without a browser.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from jinja2 import Environment, PackageLoader, select_autoescape

from ..config import SmtpSettings
from ..danish import format_danish_date
from ..results import status_label

_env = Environment(
    loader=PackageLoader("searchapp", "templates/mail"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


class MailError(Exception):
    """The mail server could not be reached or refused a mail; str() says which.
    `connecting`: it failed before any mail was offered (no point trying the next)."""

    def __init__(self, message: str, connecting: bool = False):
        super().__init__(message)
        self.connecting = connecting


@dataclass(frozen=True)
class Mail:
    """A composed mail, before it is made a message for one sender."""

    to: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str


def _render(name: str, **context) -> tuple[str, str]:
    text = _env.get_template(f"{name}.txt").render(**context)
    html = _env.get_template(f"{name}.html").render(**context)
    return text, html


def confirmation_mail(to: str, description: str, confirm_url: str, unsubscribe_url: str,
                      search_url: str, days: int) -> Mail:  # fmt: skip
    subject = f"Bekræft: besked om nye punkter for {description}"
    text, html = _render("confirm", subject=subject, description=description, days=days,
                         confirm_url=confirm_url, unsubscribe_url=unsubscribe_url,
                         search_url=search_url)  # fmt: skip
    return Mail(to, subject, text, html, unsubscribe_url)


def reminder_mail(to: str, description: str, unsubscribe_url: str, search_url: str) -> Mail:
    """For a sign-up to what the address already follows: the same answer on the page,
    and the owner of the address learns what happened."""
    subject = f"Du får allerede besked om nye punkter for {description}"
    text, html = _render("reminder", subject=subject, description=description,
                         unsubscribe_url=unsubscribe_url, search_url=search_url)  # fmt: skip
    return Mail(to, subject, text, html, unsubscribe_url)


def digest_entry(row: dict, base: str) -> dict:
    """An item of the digest from its search row (results.CSV_COLUMNS)."""
    meeting_date = format_danish_date(row.get("meeting_date", ""))
    parts = (row.get("municipality"), row.get("committee"), meeting_date)
    where = ", ".join(dict.fromkeys(p for p in parts if p))  # KKR: municipality = committee
    details = [f"punkt {row['number']}"] if row.get("number") else []
    if row.get("case_number"):
        details.append(f"sag {row['case_number']}")
    if row.get("status"):
        details.append(status_label(row["status"]))
    return {
        "title": row.get("title") or "(uden titel)",
        "where": where,
        "details": " · ".join(details),
        "url": base + str(row.get("url", "")).lstrip("/"),
    }


def digest_mail(to: str, description: str, entries: list[dict], total: int, search_url: str,
                unsubscribe_url: str) -> Mail:  # fmt: skip
    count_text = "1 nyt punkt" if total == 1 else f"{total} nye punkter"
    subject = f"{count_text}: {description}"
    text, html = _render("digest", subject=subject, description=description, items=entries,
                         more=total - len(entries), count_text=count_text.capitalize(),
                         search_url=search_url, unsubscribe_url=unsubscribe_url)  # fmt: skip
    return Mail(to, subject, text, html, unsubscribe_url)


def message_of(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"  # no vacation replies, please
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class Mailer:
    """One SMTP session (connected on first use), for a run of mails.

    Raises MailError for a server that cannot be reached, refuses the login or a mail,
    or hangs up; after a hang-up the next send connects again."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        port = s.port or {"ssl": 465, "none": 25}.get(s.security, 587)
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, port, timeout=s.timeout, context=_tls(s))
            else:
                smtp = smtplib.SMTP(s.host, port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=_tls(s))
            if s.user:
                smtp.login(s.user, os.environ.get(s.password_env, ""))
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"mail server {s.host}:{port}: {_reason(exc)}", True) from None
        return smtp

    def send(self, mail: Mail) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        message = message_of(mail, self.settings.sender)
        try:
            self.smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError(f"mail server {self.settings.host}: {_reason(exc)}") from None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _tls(settings: SmtpSettings) -> ssl.SSLContext:
    """The system's trusted certificates, and the configured CA's: the server's
    certificate and name are always checked."""
    context = ssl.create_default_context()
    if settings.ca_file:
        context.load_verify_locations(cafile=settings.ca_file)
    return context


_NAME_MISMATCH = (62, 64)  # OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH, _IP_ADDRESS_MISMATCH


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient refused " + "; ".join(
            f"{code} {msg.decode(errors='replace')}" for code, msg in exc.recipients.values()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        if exc.verify_code in _NAME_MISMATCH:
            return (f"its certificate is for another name ({exc.verify_message}): smtp.host "
                    "must be a name the certificate is for")  # fmt: skip
        return (f"its certificate is not trusted ({exc.verify_message}); one from your own CA: "
                "name the CA's certificate in smtp.ca_file")  # fmt: skip
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
