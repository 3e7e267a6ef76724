#!/usr/bin/env python3
"""Load test: the real server under 20 clients while full reindexes swap the index.

Issue #7: "A load test against the real server (waitress) on loopback: a mix of
searches, facet clicks, item pages and CSV exports from 20 concurrent clients for 60
seconds, while a full reindex runs and swaps the index. Zero failed requests, no
request sees a mix of old and new items, and the latencies (p50, p95, p99) are written
down. Bounded in count and time; it stops by itself."

What it does, all in a temporary folder, on 127.0.0.1 only:

1. sources: ../shared/corpus if present, plus a generated corpus of a few hundred
   items (reportlab PDFs: five committees, 2021-2025, every decision status), plus a
   "marker" meeting (Markørudvalget) that is moved in and out between reindexes, so
   the two generations that alternate are told apart by their contents;
2. `searchapp reindex --full`, then `searchapp serve` (waitress) in a child process on
   a free port;
3. calibration: every query of the mix is asked with and without the marker meeting
   indexed, giving the two totals (and CSV row counts) a response may have;
4. for --duration seconds (or until --max-requests), --clients threads with keep-alive
   connections (http.client) send the mix, while a thread runs `searchapp reindex
   --full` again and again, moving the marker meeting in or out before each;
5. checks: every response 2xx and complete; each search, CSV export and item page is of
   ONE generation: its total is the old or the new one, and the marker committee shows
   in the facets (and marker items in the results or rows) exactly when the total is
   the one with the marker; every reindex exits 0; the server log holds no traceback;
6. prints p50/p95/p99 per endpoint, and with --write-doc puts the figures in
   docs/reliability.md (between the loadtest markers).

Exit status 0 when every check passed, 1 otherwise, 2 when it could not start.

    python scripts/loadtest.py                          # 20 clients, 60 s
    python scripts/loadtest.py --duration 10 --clients 5
    python scripts/loadtest.py --write-doc              # record the figures
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

PROJECT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = PROJECT.parent / "shared" / "corpus"
DOC = PROJECT / "docs" / "reliability.md"
HOST = "127.0.0.1"  # loopback only, by design
MARKER_COMMITTEE = "Markørudvalget"
MARKER_SLUG = "markoerudvalget-"
HARD_REQUEST_LIMIT = 2_000_000
HARD_TIME_LIMIT = 1800.0  # seconds of load, whatever --duration says

# --- A generated corpus ----------------------------------------------------------------

COMMITTEES = ["Økonomiudvalget", "Børne- og Skoleudvalget", "Teknik- og Miljøudvalget",
              "Social- og Sundhedsudvalget", "Kultur- og Fritidsudvalget"]  # fmt: skip
TOPICS = ["budget for ældreplejen", "ny skole i Vestbyen", "klimaplan for kommunen",
          "renovering af svømmehallen", "cykelstier langs Ringvejen", "affaldssortering",
          "takster for daginstitutioner", "lokalplan for havnen", "biblioteksstrategi",
          "vintervedligeholdelse af veje", "sundhedshus i Nordbyen", "idrætspulje",
          "plejeboliger og venteliste", "kollektiv trafik", "digitalisering af borgerservice",
          "spildevand og kloakering", "ungdomsklubber", "energirenovering af rådhuset"]  # fmt: skip
DECISIONS = ["Godkendt.", "Indstillingen blev godkendt.", "Taget til efterretning.",
             "Udvalget drøftede sagen.", "Sagen blev udsat til næste møde.",
             "Indstillingen blev ikke godkendt."]  # fmt: skip
BODY = ["Forvaltningen foreslår, at udvalget godkender {t}.",
        "Sagen handler om {t} og de økonomiske konsekvenser for kommunen.",
        "Der er afsat midler i budgettet, og borgerne er hørt om {t}."]  # fmt: skip


def _meeting_pdf(path: Path, committee: str, date: str, items: list[tuple[str, str, str]]):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    day = "-".join(reversed(date.split("-")))
    c = canvas.Canvas(str(path), pagesize=A4)
    page = 0

    def new_page():
        nonlocal page
        if page:
            c.showPage()
        page += 1
        c.setFont("Helvetica", 9)
        c.drawString(50, height - 40, f"{committee} | {day}")
        c.drawRightString(width - 50, height - 40, f"SIDE | {page}")
        return height - 90

    y = new_page()
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, y, "1. Sager til beslutning")
    y -= 30
    for n, (title, body, decision) in enumerate(items, 1):
        if y < 200:
            y = new_page()
        c.setFont("Helvetica-Bold", 11)
        c.drawString(50, y, f"1.{n}. {title}")
        c.setFont("Helvetica", 10)
        c.drawString(50, y - 16, f"SAG-{date[:4]}-{n:05d} abc")
        c.setFont("Helvetica-Bold", 10)
        c.drawString(50, y - 40, "Sagsfremstilling")
        c.setFont("Helvetica", 10)
        c.drawString(50, y - 54, body)
        c.setFont("Helvetica-Bold", 10)
        c.drawString(50, y - 78, "Beslutning")
        c.setFont("Helvetica", 10)
        c.drawString(50, y - 92, decision)
        y -= 122
    c.showPage()
    c.save()


def generate_corpus(folder: Path, meetings: int, seed: int) -> int:
    """`meetings` meetings of 6-14 items as PDFs; returns the number of items."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for m in range(meetings):
        committee = COMMITTEES[m % len(COMMITTEES)]
        date = f"{2021 + (m // 5) % 5}-{1 + (m * 7) % 12:02d}-{1 + (m * 11) % 27:02d}"
        items = []
        for _ in range(rng.randint(6, 14)):
            topic = rng.choice(TOPICS)
            items.append((topic[0].upper() + topic[1:], rng.choice(BODY).format(t=topic),
                          rng.choice(DECISIONS)))  # fmt: skip
        slug = re.sub(r"[^a-z0-9]+", "-", committee.lower().replace("ø", "oe").replace("æ", "ae"))
        _meeting_pdf(folder / f"{slug.strip('-')}-{date}.pdf", committee, date, items)
        total += len(items)
    return total


def marker_meeting(path: Path) -> None:
    """The meeting that comes and goes: its items match most queries of the mix."""
    items = [(topic[0].upper() + topic[1:], BODY[i % 3].format(t=topic), DECISIONS[i % 6])
             for i, topic in enumerate(TOPICS)]  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    _meeting_pdf(path, MARKER_COMMITTEE, "2024-06-14", items)


# --- The request mix ------------------------------------------------------------------------

QUERIES = ["", "budget", "skole", "klima", "ældre", "kommune", "godkendt", "cykelstier",
           "havnen", "borgerservice", "takster daginstitutioner", '"ny skole"', "svømme*",
           "sundhed", "trafik", "Erhvervshus", "reform", "affald OR spildevand"]  # fmt: skip
STATUSES = ["approved", "noted", "discussed", "postponed", "rejected"]
YEARS = ["2021", "2022", "2023", "2024", "2025"]
# endpoint label -> weight
MIX = {"api_search": 30, "api_facets": 20, "page_search": 10, "api_item": 12,
       "page_item": 12, "csv": 8, "page_facets": 8}  # fmt: skip


@dataclass
class Call:
    label: str
    path: str
    key: str  # the calibration key: which expected totals apply
    kind: str  # search | csv | item | html


def make_call(rng: random.Random, label: str, stable_ids: list[str]) -> Call:
    if label in ("api_item", "page_item"):
        item_id = rng.choice(stable_ids)
        prefix = "/api/items/" if label == "api_item" else "/items/"
        kind = "item" if label == "api_item" else "html"
        return Call(label, prefix + quote(item_id), item_id, kind)
    params: list[tuple[str, str]] = []
    q = rng.choice(QUERIES)
    if q:
        params.append(("q", q))
    if label in ("api_facets", "page_facets"):
        which = rng.choice(["committee", "status", "year", "status+year"])
        if which == "committee":
            params.append(("committee", rng.choice(COMMITTEES)))
        if which.startswith("status"):
            params.append(("status", rng.choice(STATUSES)))
        if which.endswith("year"):
            params.append(("year", rng.choice(YEARS)))
    if label == "api_search" and rng.random() < 0.3:
        params.append(("page", "2"))
    query = urlencode(params)
    base = {"api_search": "/api/search", "api_facets": "/api/search", "csv": "/api/search.csv",
            "page_search": "/", "page_facets": "/"}[label]  # fmt: skip
    kind = {"csv": "csv", "page_search": "html", "page_facets": "html"}.get(label, "search")
    # the total of a search does not depend on the page: calibrate without it
    key = urlencode([p for p in params if p[0] != "page"])
    return Call(label, base + ("?" + query if query else ""), key, kind)


WAITRESS = """
import sys
from waitress import serve
from searchapp.config import load_config
from searchapp.web import create_app
config = load_config(sys.argv[1])
serve(create_app(config), host=config.host, port=config.port)
"""

# --- Talking to the server ----------------------------------------------------------------


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, dict, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            self.conn.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = self.conn.getresponse()
            body = response.read()
            headers = {k.lower(): v for k, v in response.getheaders()}
            if headers.get("connection", "").lower() == "close":
                self.close()
            return response.status, headers, body
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    env.pop("SEARCHAPP_CONFIG", None)
    return env


def searchapp(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searchapp", *args], capture_output=True,
                          text=True, env=_env(), timeout=timeout)  # fmt: skip


# --- Reading a response -------------------------------------------------------------------


@dataclass
class Seen:
    """What one response says about the generation it came from."""

    total: int | None  # search total or CSV rows; None for an item
    marker: bool | None  # the marker meeting visible in it; None: cannot tell


def read_search(body: bytes) -> Seen:
    data = json.loads(body)
    committees = {f["value"] for f in data["facets"]["committee"]}
    in_results = any(r["id"].startswith(MARKER_SLUG) for r in data["results"])
    if in_results and MARKER_COMMITTEE not in committees:
        raise ValueError("marker items in the results but not in the committee facet")
    marker = MARKER_COMMITTEE in committees
    return Seen(data["total"], marker)


def read_csv(body: bytes) -> Seen:
    text = body.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and "id" not in rows[0]:
        raise ValueError(f"CSV without an id column: {list(rows[0])}")
    return Seen(len(rows), any(r["id"].startswith(MARKER_SLUG) for r in rows))


def read_item(body: bytes, item_id: str) -> Seen:
    data = json.loads(body)
    got = data.get("id") or (data.get("item") or {}).get("id")
    if got != item_id:
        raise ValueError(f"asked for {item_id}, got {got}")
    return Seen(None, None)


# --- Results --------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


@dataclass
class Results:
    clients: int
    duration: float
    started: str = ""
    seconds: float = 0.0
    items_without_marker: int = 0
    items_with_marker: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    baseline: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    baseline_seconds: float = 0.0
    reindex_errors: list[str] = field(default_factory=list)
    idle_reindex_seconds: float = 0.0  # the first one, before the server started
    load_before: str = ""  # the machine's load average before the run: other work on it
    failures: list[str] = field(default_factory=list)
    failure_count: int = 0
    mixed: list[str] = field(default_factory=list)
    mixed_count: int = 0
    statuses: Counter = field(default_factory=Counter)
    reindexes: list[tuple[int, float, str]] = field(default_factory=list)  # rc, s, marker
    generations_seen: set[str] = field(default_factory=set)
    totals_seen: Counter = field(default_factory=Counter)  # "old"/"new" responses
    server_tracebacks: int = 0
    server: str = ""
    left_out: list[str] = field(default_factory=list)  # endpoints the server lacks
    weights: dict[str, int] = field(default_factory=lambda: dict(MIX))
    lock = threading.Lock()

    def fail(self, message: str) -> None:
        with self.lock:
            self.failure_count += 1
            if len(self.failures) < 50:
                self.failures.append(message)

    def record_mix(self, message: str) -> None:
        with self.lock:
            self.mixed_count += 1
            if len(self.mixed) < 50:
                self.mixed.append(message)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def baseline_requests(self) -> int:
        return sum(len(v) for v in self.baseline.values())

    @property
    def ok(self) -> bool:
        return (
            self.failure_count == 0
            and self.mixed_count == 0
            and self.requests > 0
            and len(self.reindexes) > 0
            and all(rc == 0 for rc, _, _ in self.reindexes)
            and self.server_tracebacks == 0
        )

    def table(self) -> list[str]:
        """Latencies while reindexing, and (with a baseline) with the index idle."""
        rows = ["| endpoint | requests | p50 ms | p95 ms | p99 ms | max ms |",
                "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
        if self.baseline:
            rows[0] += " idle: requests | p50 ms | p95 ms | p99 ms |"
            rows[1] += "---:|---:|---:|---:|"
        everything: list[float] = []
        idle: list[float] = []
        for label in list(MIX) + sorted(set(self.latencies) - set(MIX)):
            values = sorted(self.latencies.get(label, []))
            if not values:
                continue
            everything += values
            idle += self.baseline.get(label, [])
            rows.append(self._row(label, values, sorted(self.baseline.get(label, []))))
        rows.append(self._row("**all**", sorted(everything), sorted(idle)))
        return rows

    def _row(self, label: str, values: list[float], idle: list[float]) -> str:
        row = f"| {label} | {len(values)} | " + self._cells(values, with_max=True)
        if self.baseline:
            row += f" {len(idle)} | " + self._cells(idle, with_max=False)
        return row

    @staticmethod
    def _cells(values: list[float], with_max: bool) -> str:
        figures = [percentile(values, x) for x in (50, 95, 99)]
        if with_max:
            figures.append(values[-1] if values else float("nan"))
        return " | ".join("-" if v != v else f"{v * 1000:.1f}" for v in figures) + " |"

    def summary(self) -> list[str]:
        ok_reindexes = sum(rc == 0 for rc, _, _ in self.reindexes)
        times = sorted(s for _, s, _ in self.reindexes)
        return [
            f"- clients: {self.clients}, duration: {self.seconds:.1f} s, "
            f"requests: {self.requests} ({self.requests / max(self.seconds, 1e-9):.0f}/s)",
            *(
                [
                    f"- before that, with no reindex running: {self.baseline_seconds:.1f} s, "
                    f"{self.baseline_requests} requests "
                    f"({self.baseline_requests / max(self.baseline_seconds, 1e-9):.0f}/s)"
                ]
                if self.baseline
                else []
            ),
            f"- failed requests (non-2xx, errors, broken bodies): {self.failure_count}",
            f"- responses mixing generations: {self.mixed_count}",
            f"- responses from the index without / with the marker meeting: "
            f"{self.totals_seen['old']} / {self.totals_seen['new']}",
            f"- full reindexes during the load: {len(self.reindexes)} "
            f"({ok_reindexes} exit 0), each {times[0] if times else 0:.1f}-"
            f"{times[-1] if times else 0:.1f} s (the first, with no load and no server: "
            f"{self.idle_reindex_seconds:.1f} s); index {self.items_without_marker} / "
            f"{self.items_with_marker} items",
            f"- HTTP statuses: {dict(sorted(self.statuses.items()))}",
            f"- tracebacks in the server log: {self.server_tracebacks}",
        ]


# --- The run --------------------------------------------------------------------------------


class LoadTest:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.work = Path(tempfile.mkdtemp(prefix="searchapp-loadtest-"))
        self.generated = self.work / "generated"
        self.marker_on = self.generated / "markoerudvalget-2024-06-14.pdf"
        self.marker_off = self.work / "parked" / self.marker_on.name
        self.config = self.work / "config.toml"
        self.port = free_port()
        self.server: subprocess.Popen | None = None
        self.server_log = self.work / "server.log"
        self.results = Results(args.clients, args.duration)
        # calibration: key -> {False: (total, ...), True: (...)}
        self.expected: dict[tuple[str, str], dict[bool, int]] = {}
        self.stable_ids: list[str] = []
        self.last_reindex_seconds = 0.0

    # set-up

    def prepare(self) -> None:
        sources = [str(self.generated)]
        if SHARED_CORPUS.is_dir() and not self.args.no_shared:
            sources.insert(0, str(SHARED_CORPUS))
        generate_corpus(self.generated, self.args.meetings, self.args.seed)
        marker_meeting(self.marker_off)
        self.config.write_text(
            "[sources]\npaths = " + json.dumps(sources) + "\n"
            f'[index]\npath = "index"\n[server]\nhost = "{HOST}"\nport = {self.port}\n'
            # 20 clients on one address: the per-address limits would answer 429.
            '[limits]\napi = ""\npages = ""\n',
            encoding="utf-8",
        )
        self.log(f"work folder {self.work}; sources {', '.join(sources)}")
        self.reindex(marker=False, record=False)
        self.results.idle_reindex_seconds = self.last_reindex_seconds

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    def set_marker(self, present: bool) -> None:
        if present and self.marker_off.exists():
            self.marker_off.replace(self.marker_on)
        elif not present and self.marker_on.exists():
            self.marker_on.replace(self.marker_off)

    def reindex(self, marker: bool, record: bool = True) -> int:
        self.set_marker(marker)
        started = time.monotonic()
        try:
            done = searchapp("reindex", "--full", "--quiet", "--config", str(self.config))
            rc, err = done.returncode, done.stderr
        except subprocess.TimeoutExpired:
            rc, err = -1, "timed out"
        seconds = self.last_reindex_seconds = time.monotonic() - started
        if record:
            self.results.reindexes.append((rc, seconds, "with" if marker else "without"))
        if rc != 0:
            self.log(f"reindex exit {rc}: {err.strip()[-500:]}")
            self.results.reindex_errors.append(f"exit {rc}: {err.strip()[-300:]}")
        return rc

    def server_command(self) -> list[str]:
        """`searchapp serve`; before that command existed, waitress on create_app."""
        if searchapp("serve", "--help", timeout=60).returncode == 0:
            self.results.server = "searchapp serve (waitress)"
            return [sys.executable, "-m", "searchapp", "serve", "--config", str(self.config)]
        self.results.server = "waitress.serve(create_app()) (no `searchapp serve` yet)"
        return [sys.executable, "-c", WAITRESS, str(self.config)]

    def start_server(self) -> None:
        log = open(self.server_log, "wb")  # noqa: SIM115 - closed with the process
        self.server = subprocess.Popen(
            self.server_command(), stdout=log, stderr=subprocess.STDOUT, env=_env(),
            start_new_session=True,
        )  # fmt: skip
        client = Client(self.port, timeout=5)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"the server exited: {self.server_log.read_text()[-2000:]}")
            try:
                status, _, _ = client.get("/api/search?q=")
                if status == 200:
                    self.log(f"server up on http://{HOST}:{self.port}/ (pid {self.server.pid})")
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not answer within 60 s")

    def stop_server(self) -> None:
        if self.server is None or self.server.poll() is not None:
            return
        self.server.send_signal(signal.SIGTERM)
        try:
            self.server.wait(15)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()

    # calibration

    def all_calls(self) -> list[Call]:
        """Every distinct search and CSV call the mix can make (items aside)."""
        calls = {}
        rng = random.Random(self.args.seed + 1)
        for _ in range(20000):
            label = rng.choice(["api_search", "api_facets", "csv"])
            call = make_call(rng, label, ["-"])
            calls[(call.kind, call.key)] = call
        return list(calls.values())

    def calibrate(self) -> None:
        client = Client(self.port)
        calls = self.all_calls()
        for marker in (False, True):
            if marker:
                self.reindex(marker=True, record=False)
            for call in calls:
                path = ("/api/search.csv" if call.kind == "csv" else "/api/search") + (
                    "?" + call.key if call.key else ""
                )
                status, _, body = client.get(path)
                if status != 200:
                    raise RuntimeError(f"calibration: {path} answered {status}: {body[:300]!r}")
                seen = read_csv(body) if call.kind == "csv" else read_search(body)
                if seen.marker != marker and seen.total:
                    self._marker_mismatch(path, marker, seen)
                self.expected.setdefault((call.kind, call.key), {})[marker] = seen.total
            status, _, body = client.get("/api/search?per_page=1")
            total = json.loads(body)["total"]
            if marker:
                self.results.items_with_marker = total
            else:
                self.results.items_without_marker = total
        status, _, body = client.get("/api/search.csv")
        self.stable_ids = [r["id"] for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
                           if not r["id"].startswith(MARKER_SLUG)]  # fmt: skip
        # The HTML pages, where the server has them (they came after the API).
        for labels, path in (
            (("page_search", "page_facets"), "/?q=skole"),
            (("page_item",), "/items/" + quote(self.stable_ids[0])),
        ):
            status, _, _ = client.get(path)
            if status == 404:
                for label in labels:
                    self.results.weights.pop(label, None)
                    self.results.left_out.append(label)
            elif status != 200:
                raise RuntimeError(f"calibration: {path} answered {status}")
        if self.results.left_out:
            self.log(f"left out of the mix (404 on this server): {self.results.left_out}")
        client.close()
        differ = sum(1 for v in self.expected.values() if v[False] != v[True])
        self.log(f"calibrated {len(calls)} searches and exports ({differ} differ between the "
                 f"generations); {self.results.items_without_marker} items without the marker "
                 f"meeting, {self.results.items_with_marker} with it")  # fmt: skip
        results = self.results
        if not self.stable_ids or results.items_with_marker <= results.items_without_marker:
            raise RuntimeError("calibration: the marker meeting did not change the index")

    @staticmethod
    def _marker_mismatch(path, marker, seen):
        # A query the marker's items do not match: the marker shows in no facet.
        if marker and seen.marker is False:
            return
        raise RuntimeError(f"calibration: {path}: marker {seen.marker}, expected {marker}")

    # load

    def client_loop(self, number: int, deadline: float, budget: list[int], latencies) -> None:
        rng = random.Random(self.args.seed * 1000 + number + (500 if latencies else 0))
        client = Client(self.port)
        results = self.results
        labels, weights = list(results.weights), list(results.weights.values())
        while time.monotonic() < deadline:
            with results.lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            call = make_call(rng, rng.choices(labels, weights)[0], self.stable_ids)
            started = time.perf_counter()
            try:
                status, headers, body = client.get(call.path)
            except Exception as exc:  # noqa: BLE001 - every failure counts
                latencies[call.label].append(time.perf_counter() - started)
                results.fail(f"{call.path}: {type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with results.lock:
                latencies[call.label].append(elapsed)
                results.statuses[status] += 1
                if "x-index-generation" in headers:
                    results.generations_seen.add(headers["x-index-generation"])
            if not 200 <= status < 300:
                results.fail(f"{call.path}: HTTP {status}: {body[:200]!r}")
                continue
            try:
                self.check(call, body)
            except Exception as exc:  # noqa: BLE001
                results.fail(f"{call.path}: unreadable response: {type(exc).__name__}: {exc}")
        client.close()

    def check(self, call: Call, body: bytes) -> None:
        if call.kind == "html":
            if b"</html>" not in body.lower():
                raise ValueError("incomplete HTML page")
            return
        if call.kind == "item":
            read_item(body, call.key)
            return
        seen = read_csv(body) if call.kind == "csv" else read_search(body)
        expected = self.expected.get(("csv" if call.kind == "csv" else "search", call.key))
        if expected is None:
            return
        old, new = expected[False], expected[True]
        if seen.total not in (old, new):
            self.results.record_mix(f"{call.path}: total {seen.total}, expected {old} or {new}")
            return
        if old != new:
            generation_by_total = seen.total == new
            if seen.marker != generation_by_total:
                which = "new" if generation_by_total else "old"
                self.results.record_mix(
                    f"{call.path}: total {seen.total} is the {which} one, but the marker "
                    f"meeting is {'' if seen.marker else 'not '}in it"
                )
                return
            with self.results.lock:
                self.results.totals_seen["new" if generation_by_total else "old"] += 1

    def reindex_loop(self, deadline: float) -> None:
        marker = False  # the calibration left it in: the first swap takes it out
        while time.monotonic() < deadline - 1:
            self.reindex(marker=marker)
            rc, seconds, _ = self.results.reindexes[-1]
            self.log(f"reindex --full {'with' if marker else 'without'} the marker meeting: "
                     f"exit {rc}, {seconds:.1f} s")  # fmt: skip
            marker = not marker
            if rc != 0:
                time.sleep(1)  # a failing reindex is counted; do not spin on it

    def load(self, duration: float, budget: list[int], latencies, reindexing: bool) -> float:
        """The clients (and the reindexes) for `duration` seconds; returns the time taken."""
        began = time.monotonic()
        deadline = began + duration
        threads = [
            threading.Thread(target=self.client_loop, args=(n, deadline, budget, latencies),
                             daemon=True)
            for n in range(self.args.clients)
        ]  # fmt: skip
        if reindexing:
            threads.append(
                threading.Thread(target=self.reindex_loop, args=(deadline,), daemon=True)
            )
        for t in threads:
            t.start()
        for t in threads:
            t.join(duration + 700)  # a reindex in progress is bounded by its timeout
        return time.monotonic() - began

    def run(self) -> Results:
        results = self.results
        results.started = datetime.now(UTC).isoformat(timespec="seconds")
        results.load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        self.prepare()
        self.start_server()
        try:
            self.calibrate()
            budget = [min(self.args.max_requests, HARD_REQUEST_LIMIT)]
            if self.args.baseline > 0:
                self.log(f"baseline: {self.args.clients} clients for "
                         f"{self.args.baseline:.0f} s, no reindex")  # fmt: skip
                results.baseline_seconds = self.load(
                    min(self.args.baseline, 300), budget, results.baseline, reindexing=False
                )
            duration = min(self.args.duration, HARD_TIME_LIMIT)
            self.log(f"{self.args.clients} clients for {duration:.0f} s "
                     f"(at most {budget[0]} requests left), reindexing all the while")  # fmt: skip
            results.seconds = self.load(duration, budget, results.latencies, reindexing=True)
        finally:
            self.stop_server()
        text = self.server_log.read_text(errors="replace") if self.server_log.exists() else ""
        results.server_tracebacks = text.count("Traceback")
        if results.server_tracebacks:
            self.log("server log:\n" + text[-3000:])
        return results

    def cleanup(self) -> None:
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)


# --- The report -----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, "
            f"Python {platform.python_version()}")  # fmt: skip


def render(results: Results, args) -> str:
    lines = [
        f"Run {results.started} on {machine()}, load average {results.load_before} before "
        f"the run; `python scripts/loadtest.py "
        f"--clients {args.clients} --duration {args.duration:g} --baseline {args.baseline:g}`"
        f"{' (generated corpus only)' if args.no_shared else ''}, seed {args.seed}.",
        "",
        *results.summary(),
        f"- server: {results.server}"
        + (
            f"; left out of the mix (not on this server yet): {', '.join(results.left_out)}"
            if results.left_out
            else ""
        ),
        "",
        "Latency per endpoint, measured by the clients (request sent to body read), "
        "while the reindexes ran"
        + (" and, on the right, with the index idle:" if results.baseline else ":"),
        "",
        *results.table(),
        "",
        f"Result: **{'PASS' if results.ok else 'FAIL'}**",
    ]
    problems = results.failures + results.mixed + results.reindex_errors
    if problems:
        lines += ["", "First problems:", ""]
        lines += [f"- `{' '.join(m.split())}`" for m in problems[:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument(
        "--baseline",
        type=float,
        default=20,
        help="seconds of load without reindexing first, for comparison (20)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=500_000,
        help="stop after this many requests in all (500000)",
    )
    parser.add_argument(
        "--meetings", type=int, default=30, help="generated meetings, 6-14 items each (30)"
    )
    parser.add_argument(
        "--no-shared", action="store_true", help="leave ../shared/corpus out even when it is there"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--write-doc", action="store_true", help=f"put the figures in {DOC.relative_to(PROJECT)}"
    )
    args = parser.parse_args(argv)  # fmt: skip
    if not 1 <= args.clients <= 200 or not 0 < args.duration <= HARD_TIME_LIMIT:
        parser.error(f"--clients 1-200 and --duration up to {HARD_TIME_LIMIT:.0f} s")
    test = LoadTest(args)
    try:
        results = test.run()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        test.stop_server()
        test.cleanup()
        return 2
    test.cleanup()
    report = render(results, args)
    print()
    print(report)
    if args.write_doc:
        from kill_reindex import write_doc  # scripts/ is on the path when run

        write_doc(report, marker="loadtest")
        print(f"\nwritten to {DOC}")
    return 0 if results.ok else 1


if __name__ == "__main__":
    sys.exit(main())
