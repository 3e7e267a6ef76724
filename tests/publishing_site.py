"""A municipal agenda-publishing site on 127.0.0.1, for the tests: it replays meetings
from JSON files (the shape of GET /api/agenda/dagsorden/<id>), builds the committee
list from them, serves a small PDF for every Bilag, and misbehaves on request.

    site = PublishingSite.from_files(paths)   # started on a free port
    site.fail("/api/agenda/dagsorden/<id>", Fault.status(500))   # once, then normal
    site.requests                              # what the client asked, in order
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LIST_PATH = "/api/agenda/udvalgsliste"
MEETING_PREFIX = "/api/agenda/dagsorden/"
BILAG_PREFIX = "/Vis/Pdf/bilag/"
CURRENT = "Aktuelle politiske udvalg"
FORMER = "Tidligere udvalg"


def make_pdf(text: str, padding: int = 0) -> bytes:
    """A whole one-page PDF showing `text` (ASCII), readable by pdfminer; `padding`
    bytes of comment make it as large as a test needs."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"\\\\")
    safe = safe.replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 12 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    if padding:
        line = b"%" + b"x" * 78 + b"\n"
        out += line * (padding // len(line) + 1)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass
class Fault:
    """One misbehaviour for one request to a path."""

    kind: str  # "status", "truncate", "truncate_close", "hang", "large"
    status: int = 500
    headers: dict = field(default_factory=dict)
    seconds: float = 0.0
    size: int = 0

    @classmethod
    def status_code(cls, status: int, retry_after: str | None = None) -> Fault:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls("status", status=status, headers=headers)

    @classmethod
    def truncate(cls) -> Fault:
        """Content-Length of the whole body, half of it sent, connection closed."""
        return cls("truncate")

    @classmethod
    def truncate_close(cls) -> Fault:
        """No Content-Length: half the body, then the connection closes (the client
        cannot count; only the content shows it is cut off)."""
        return cls("truncate_close")

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        """Accept the request, answer nothing for `seconds`."""
        return cls("hang", seconds=seconds)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    at: float  # time.monotonic() when the request arrived
    status: int = 0


class PublishingSite:
    def __init__(self, meetings: dict[str, bytes], groups: dict[str, str] | None = None):
        self.meetings = dict(meetings)  # id -> JSON bytes as served
        self.groups = dict(groups or {})  # committee name -> group
        self.modified = {mid: 1_700_000_000.0 for mid in self.meetings}
        self.conditional = True  # send ETag / Last-Modified and answer 304
        self.robots: str | None = None  # robots.txt, or 404
        self.large: dict[str, int] = {}  # bilag id -> size of its PDF
        self.chunked_large = False  # large PDFs without Content-Length
        self.faults: dict[str, list[Fault]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pdfs: dict[str, bytes] = {}
        self.server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @classmethod
    def from_files(cls, paths, groups: dict[str, str] | None = None) -> PublishingSite:
        meetings = {}
        for path in paths:
            data = Path(path).read_bytes()
            meetings[json.loads(data)["Id"]] = data
        return cls(meetings, groups)

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    # -- what tests change ----------------------------------------------------------

    def set_meeting(self, data: bytes) -> str:
        meeting_id = json.loads(data)["Id"]
        self.meetings[meeting_id] = data
        self.modified[meeting_id] = self.modified.get(meeting_id, 1_700_000_000.0) + 3600
        return meeting_id

    def fail(self, path: str, *faults: Fault) -> None:
        self.faults.setdefault(path, []).extend(faults)

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def paths(self, prefix: str = "") -> list[str]:
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    # -- the API --------------------------------------------------------------------

    def committee_list(self) -> dict:
        groups: dict[str, dict[str, dict]] = {}
        for meeting_id, data in self.meetings.items():
            meeting = json.loads(data)
            committee = meeting["Udvalg"]
            group = self.groups.get(committee["Navn"], CURRENT)
            entry = groups.setdefault(group, {}).setdefault(
                committee["Id"], {"Navn": committee["Navn"], "Id": committee["Id"], "Moeder": []}
            )
            entry["Moeder"].append({"Id": meeting_id, "Dato": meeting["Moede"]["Dato"]})
        return {"Udvalg": {g: list(c.values()) for g, c in groups.items()}}

    def pdf(self, bilag_id: str) -> bytes:
        if bilag_id not in self._pdfs:
            self._pdfs[bilag_id] = make_pdf(
                f"Bilag {bilag_id}: budget og notat", padding=self.large.get(bilag_id, 0)
            )
        return self._pdfs[bilag_id]

    def attachment_ids(self) -> list[str]:
        ids = []
        for data in self.meetings.values():
            for item in json.loads(data)["Dagsordenpunkter"] or []:
                ids += [b["Id"] for b in item["Bilag"] or []]
        return ids


class _QuietServer(ThreadingHTTPServer):
    """A client that drops a connection is no news to the tests: no traceback on
    stderr (where it would mix with the output the tests read)."""

    def handle_error(self, request, client_address):
        pass


def _handler(site: PublishingSite):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one write: two small writes per answer meet the
        # client's delayed ACK (Nagle) and cost 40 ms a request.
        wbufsize = 1 << 16

        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):  # noqa: N802 (http.server's name)
            seen = Seen("GET", self.path, dict(self.headers), time.monotonic())
            with site._lock:
                site.requests.append(seen)
                queue = site.faults.get(self.path)
                fault = queue.pop(0) if queue else None
            body, headers, status = self._route()
            seen.status = status
            if fault is not None:
                return self._misbehave(fault, body, headers, seen)
            if status == 200 and site.conditional and "ETag" in headers:
                if self.headers.get("If-None-Match") == headers["ETag"]:
                    seen.status = 304
                    return self._send(304, b"", {"ETag": headers["ETag"]})
            self._send(status, body, headers)

        def _route(self):
            path = self.path
            if path == LIST_PATH:
                body = json.dumps(site.committee_list(), ensure_ascii=False).encode()
                return body, self._validators(body, 1_700_000_000.0), 200
            if path.startswith(MEETING_PREFIX):
                data = site.meetings.get(path[len(MEETING_PREFIX) :])
                if data is None:
                    return b'{"Message": "not found"}', {}, 404
                modified = site.modified[path[len(MEETING_PREFIX) :]]
                return data, self._validators(data, modified), 200
            if path.startswith(BILAG_PREFIX):
                bilag_id = path[len(BILAG_PREFIX) :]
                pdf = site.pdf(bilag_id)
                headers = self._validators(pdf, 1_700_000_000.0)
                headers["Content-Type"] = "application/pdf"
                if bilag_id in site.large and site.chunked_large:
                    headers["_no_length"] = True
                return pdf, headers, 200
            if path == "/robots.txt" and site.robots is not None:
                return site.robots.encode(), {"Content-Type": "text/plain"}, 200
            return b"Not found", {"Content-Type": "text/plain"}, 404

        def _validators(self, body: bytes, modified: float) -> dict:
            headers = {"Content-Type": "application/json; charset=utf-8"}
            if site.conditional:
                headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                headers["Last-Modified"] = formatdate(modified, usegmt=True)
            return headers

        def _send(self, status, body, headers, length=None, close=False):
            self.send_response(status)
            no_length = headers.pop("_no_length", False)
            for key, value in headers.items():
                self.send_header(key, value)
            if no_length or close:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            try:
                self.wfile.write(body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _misbehave(self, fault, body, headers, seen):
            seen.status = fault.status if fault.kind == "status" else 200
            if fault.kind == "status":
                payload = f"<html><body>Error {fault.status}</body></html>".encode()
                return self._send(fault.status, payload, dict(fault.headers))
            if fault.kind == "truncate":
                self._send(200, body[: len(body) // 2], headers, length=len(body))
                self.close_connection = True
                return
            if fault.kind == "truncate_close":
                return self._send(200, body[: len(body) // 2], headers, close=True)
            if fault.kind == "hang":
                site._stop.wait(fault.seconds)
                self.close_connection = True
                return
            raise AssertionError(fault.kind)

    return Handler
