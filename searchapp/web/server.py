"""waitress, set up so that slow or broken clients cannot lock others out.

waitress reads every request in full on its one I/O thread before a worker thread
sees it, so a slow client costs a connection, not a thread. What is added here:

- many connections (`server.connection_limit`, default 1000; waitress's own default
  of 100 was taken by 100 slowloris connections), watched with poll(), not select(),
  which cannot watch more than 1024;
- a deadline for sending a request (`server.request_timeout`, default 10 s, from its
  first byte to its last): a client trickling one header byte a second, or stopping
  half-way, is cut off; an idle keep-alive connection is closed after 60 s;
- waitress's own error answers (a malformed request line, a header section or body
  too large) in the app's JSON error shape with its security headers, not text/plain.

What it cannot do alone: refuse one address thousands of connections. The production
set-up in docs/deploy/ puts nginx in front for that (see README, "Deploying").
"""

from __future__ import annotations

import json
import time

import waitress
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask, WSGITask

from ..config import Config
from . import MAX_CONTENT_LENGTH, SECURITY_HEADERS
from .errors import _CODES

_MESSAGES = {
    400: "The request is malformed: {reason}.",
    413: "The request is too large.",
    431: "The request's header section is too large.",
}


def error_body(status: int, reason: str, body: str) -> bytes:
    code = _CODES.get(status, "bad_request")
    detail = body.strip().rstrip(".") or reason
    message = _MESSAGES.get(status, "{reason}.").format(reason=detail)
    return json.dumps({"error": {"code": code, "message": message}}).encode()


class JsonErrorTask(ErrorTask):
    """waitress's answer to a request it could not parse, as the app would give it."""

    def execute(self):
        error = self.request.error
        body = error_body(error.code, error.reason, error.body)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-store"),
            *SECURITY_HEADERS.items(),
        ])  # fmt: skip
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


RECEIVED = "searchapp.received"  # environ: time.monotonic() when the request was complete


class TimedTask(WSGITask):
    """Tells the app when its request came in: a search's deadline counts the time it
    waited for a thread too (web/budget.py)."""

    def get_environment(self):
        environ = super().get_environment()
        environ.setdefault(RECEIVED, getattr(self.request, "searchapp_received", time.monotonic()))
        return environ


class GuardedChannel(HTTPChannel):
    """One connection: JSON errors, a deadline for sending each request, and the time
    each request was complete."""

    error_task_class = JsonErrorTask
    task_class = TimedTask
    request_timeout = 10.0  # set per server by make_server
    _request_started = 0.0

    def received(self, data):
        now = time.monotonic()
        if self.request is None:  # the first bytes of a new request
            self._request_started = now
        elif now - self._request_started > self.request_timeout:
            self.will_close = True  # too slow: a slowloris, or a broken client
            return False
        done = super().received(data)
        for request in self.requests:
            if not hasattr(request, "searchapp_received"):
                request.searchapp_received = now
        return done

    def readable(self):
        # Asked on every turn of the I/O loop: a request begun and then left unsent
        # (no byte at all for a while) is cut off at the same deadline.
        if self.request is not None and not self.will_close:
            if time.monotonic() - self._request_started > self.request_timeout:
                self.will_close = True
        return super().readable()


def make_server(app, config: Config, host: str | None, port: int | None, threads: int,
                sockets: list | None = None):  # fmt: skip
    """A waitress server for `app` on host:port, or on listening `sockets` (a worker
    of prefork.py: the arbiter bound them). Raises OSError, ValueError."""
    timeout = config.request_timeout
    channel = type("Channel", (GuardedChannel,), {"request_timeout": float(timeout)})
    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    server = waitress.create_server(
        app,
        **where,
        threads=threads,
        ident="searchapp",
        max_request_body_size=MAX_CONTENT_LENGTH,
        connection_limit=config.connection_limit,
        asyncore_use_poll=True,
        # An idle keep-alive connection may wait a minute for its next request (a partial
        # request has request_timeout, above); clients reuse them.
        channel_timeout=max(60, timeout),
        cleanup_interval=10,
        trusted_proxy=None,
        # Read ahead on each connection, so the app can ask whether the client is still
        # there (environ["waitress.client_disconnected"]): an abandoned search stops.
        channel_request_lookahead=1,
    )
    server.channel_class = channel
    return server
