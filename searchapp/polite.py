"""A polite HTTP client for public-sector sites: it says who it is, spaces its
requests, retries what a busy server fails and gives up on what it cannot serve.

Built on requests. Every download is read as a stream so that a size limit, a stalled
server and a cut-off body are noticed while reading, not after.
"""

from __future__ import annotations

import email.utils
import hashlib
import io
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests
import urllib3.exceptions

from . import __version__
from .config import FetchSettings

CHUNK = 64 * 1024
MAX_RETRY_AFTER = 600.0  # a site asking for a longer pause is left until the next run
MAX_DELAY = 30.0  # the most a series of 429s stretches the delay between requests
DEADLINE_FACTOR = 10  # a whole download may take this many timeouts, however it trickles


class FetchError(Exception):
    """A URL that gave no usable answer; str() is the reason, for a person."""

    def __init__(self, url: str, reason: str):
        super().__init__(reason)
        self.url = url
        self.reason = reason


class TooLarge(FetchError):
    """Over the per-file byte limit: not retried, the file is skipped."""


class SiteBusy(FetchError):
    """The site asked for a pause longer than a run should wait (Retry-After)."""


class _Transient(Exception):
    """A failure worth another attempt (5xx, timeout, broken or cut-off body)."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class Download:
    url: str
    not_modified: bool  # 304: the copy we have is current
    data: bytes = b""  # the body, when not streamed to `path`
    path: Path | None = None  # the body in a temporary file the caller now owns
    etag: str | None = None
    last_modified: str | None = None
    sha256: str = ""
    size: int = 0


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    not_modified: int = 0
    bytes: int = 0  # body bytes received, including failed attempts
    waited: float = 0.0  # seconds spent in delays, backoffs and Retry-After pauses
    notes: list[str] = field(default_factory=list)


def user_agent(contact: str = "") -> str:
    """ "searchapp/0.1.0 (+mailto:it@greve.dk; mødereferater)": names the program and,
    when configured, whom a site's admin can write to."""
    who = f"+{contact}; " if contact else ""
    return f"searchapp/{__version__} ({who}søgning i kommunale mødereferater)"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class PoliteClient:
    """One client per run: requests are sequential, `settings.delay` apart."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        on_retry: Callable[[str, str, float], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings
        self.delay = settings.delay
        self.on_retry = on_retry or (lambda url, reason, wait: None)
        self.sleep = sleep
        self.stats = ClientStats()
        self.session = requests.Session()
        self.session.headers.update(
            {"User-Agent": user_agent(settings.contact), "Accept-Encoding": "gzip, deflate"}
        )
        self._last = 0.0  # when the previous request ended (monotonic)

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.waited += seconds
            self.sleep(seconds)

    def _pace(self) -> None:
        if self._last:
            self._wait(self._last + self.delay - time.monotonic())

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        to_folder: Path | None = None,
        accept: str = "application/json",
        check: Callable[[bytes | Path], None] | None = None,
        retries: int | None = None,
    ) -> Download:
        """GET `url`, conditionally when `etag`/`last_modified` are given. The body is
        kept in memory, or streamed to a temporary file in `to_folder` (the caller
        moves or deletes it). `check` may raise ValueError on a body that is not what
        was asked for (a cut-off JSON, an HTML page for a PDF): that is retried too.
        `retries` overrides the configured number. Raises FetchError (TooLarge,
        SiteBusy) when no attempt succeeded."""
        retries = self.settings.retries if retries is None else retries
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        failures = 0
        while True:
            self._pace()
            try:
                return self._attempt(url, headers, to_folder, check)
            except _Transient as problem:
                failures += 1
                if problem.retry_after is not None:
                    if problem.retry_after > MAX_RETRY_AFTER:
                        raise SiteBusy(
                            url,
                            f"the site asked us to wait {problem.retry_after:.0f} s "
                            "(Retry-After); left for the next run",
                        ) from None
                    wait = problem.retry_after
                else:
                    wait = self.settings.retry_wait * 2 ** (failures - 1)
                if failures > retries:
                    tries = "attempt" if failures == 1 else "attempts"
                    raise FetchError(url, f"{problem.reason} ({failures} {tries})") from None
                self.stats.retries += 1
                self.on_retry(url, problem.reason, wait)
                self._wait(wait)
            finally:
                self._last = time.monotonic()

    def _attempt(self, url, headers, to_folder, check) -> Download:
        timeout = self.settings.timeout
        self.stats.requests += 1
        try:
            response = self.session.get(
                url, headers=headers, stream=True, timeout=(timeout, timeout)
            )
        except requests.Timeout:
            raise _Transient(f"no answer within {timeout:g} s") from None
        except requests.ConnectionError as exc:
            raise _Transient(f"connection failed: {_short(exc)}") from None
        except requests.RequestException as exc:
            raise FetchError(url, f"request failed: {_short(exc)}") from None
        with response:
            return self._read(url, response, to_folder, check)

    def _read(self, url, response, to_folder, check) -> Download:
        status = response.status_code
        if status == 304:
            self.stats.not_modified += 1
            return Download(url, not_modified=True)
        if status >= 300:
            _drain(response)
        if status == 429 or (status == 503 and "Retry-After" in response.headers):
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if status == 429:
                self._slow_down()
            raise _Transient(f"HTTP {status}", retry_after)
        if status >= 500:
            raise _Transient(f"HTTP {status} {response.reason or ''}".strip())
        if status >= 400 or status < 200:
            raise FetchError(url, f"HTTP {status} {response.reason or ''}".strip())
        limit = self.settings.max_bytes
        declared = _content_length(response)
        if declared is not None and declared > limit:
            raise TooLarge(
                url, f"{_mb(declared)}, over the limit of {_mb(limit)} (fetch.max_bytes)"
            )
        digest = hashlib.sha256()
        size = 0
        deadline = time.monotonic() + self.settings.timeout * DEADLINE_FACTOR
        sink, tmp = _open_sink(to_folder)
        try:
            read = getattr(response.raw, "read1", None) or response.raw.read
            while True:
                try:
                    chunk = read(CHUNK, decode_content=True)
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    if "timed out" in str(exc).lower():
                        raise _Transient(
                            f"the download stalled for {self.settings.timeout:g} s"
                        ) from None
                    raise _Transient(f"the download broke off: {_short(exc)}") from None
                if not chunk:
                    break
                size += len(chunk)
                self.stats.bytes += len(chunk)
                if size > limit:
                    raise TooLarge(url, f"more than {_mb(limit)}, the limit (fetch.max_bytes)")
                if time.monotonic() > deadline:
                    raise _Transient(
                        f"the download took over {self.settings.timeout * DEADLINE_FACTOR:g} s"
                    )
                digest.update(chunk)
                sink.write(chunk)
            if declared is not None and size < declared and not _encoded(response):
                raise _Transient(f"the download broke off after {size} of {declared} bytes")
            if tmp is not None:
                sink.flush()
                os.fsync(sink.fileno())
                sink.close()
            body: bytes | Path = tmp if tmp is not None else sink.getvalue()
            if check is not None:
                try:
                    check(body)
                except ValueError as exc:
                    raise _Transient(str(exc)) from None
        except BaseException:
            sink.close()
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            raise
        return Download(
            url,
            not_modified=False,
            data=b"" if tmp is not None else body,
            path=tmp,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            sha256=digest.hexdigest(),
            size=size,
        )

    def _slow_down(self) -> None:
        slower = min(max(self.delay * 2, self.settings.delay), MAX_DELAY)
        if slower > self.delay:
            self.stats.notes.append(
                f"the site answered 429 Too Many Requests: {slower:g} s between requests now"
            )
        self.delay = slower


def _drain(response, limit: int = CHUNK) -> None:
    """Read a short error page to its end, so the connection can carry the next
    request (closing it unread resets it); a long one is left for the close."""
    declared = _content_length(response)
    if declared is not None and declared <= limit:
        try:
            response.raw.read(declared)
        except (urllib3.exceptions.HTTPError, OSError):
            pass


def _open_sink(folder: Path | None):
    if folder is None:
        return io.BytesIO(), None
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".tmp-download.", dir=folder)
    return os.fdopen(fd, "wb"), Path(name)


def _content_length(response) -> int | None:
    try:
        value = int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None
    return value if value >= 0 else None


def _encoded(response) -> bool:
    """A compressed body: Content-Length counts the compressed bytes, not ours."""
    return response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _short(exc: BaseException) -> str:
    text = str(exc)
    # urllib3 nests the reason: keep the innermost, readable part
    for marker in ("Caused by ", "] "):
        if marker in text:
            text = text.rsplit(marker, 1)[-1]
    return text.strip("()'\" ")[:200] or type(exc).__name__


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
