"""Mail servers for the alert tests, on 127.0.0.1: a real SMTP server (aiosmtpd) that
keeps what it receives and can be told to refuse mails, one that hangs up on every
connection, and the port of one that is not there."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def _authenticator(user: str, password: str):
    def check(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login.decode() == user \
            and data.password.decode() == password  # fmt: skip
        return AuthResult(success=ok)

    return check


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: every mail it took, parsed; `refuse` answers DATA with 554."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.7.1 Message refused (test)"
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 10) -> list[EmailMessage]:
        """The mails once there are `count` of them (sign-up mails go in the background)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


class SmtpServer:
    """aiosmtpd on 127.0.0.1. With `tls` ("starttls" or "ssl") and a certificate
    (trustme's LeafCert) it speaks TLS as a mail server does: STARTTLS required before
    anything else, or TLS from the first byte; with `login` (user, password) it takes
    only that login, and only over TLS."""

    def __init__(self, tls: str = "", cert=None, login: tuple[str, str] | None = None):
        self.inbox = Inbox()
        self.port = free_port()
        options = {}
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(context)
            options = {"tls_context": context, "require_starttls": True} if tls == "starttls" \
                else {"ssl_context": context}  # fmt: skip
        if login:
            options |= {"auth_required": True, "authenticator": _authenticator(*login),
                        # aiosmtpd sees no TLS it did not start itself (aio-libs/aiosmtpd#281)
                        "auth_require_tls": tls != "ssl"}  # fmt: skip
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class HangUpServer:
    """Accepts each connection and closes it at once, before any greeting."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def __enter__(self) -> HangUpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()
