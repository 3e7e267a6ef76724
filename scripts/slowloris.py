#!/usr/bin/env python3
"""Slow clients: N slowloris connections must not stop a normal client (issue #14).

    python scripts/slowloris.py [--front waitress|nginx|waitress-defaults]
                                [--connections 200] [--duration 60] [--write-doc]

On 127.0.0.1 only, in a temporary folder: builds an index of samples/, starts
`searchapp serve` (and, with --front nginx, nginx from docs/deploy/nginx.conf in front
of it), then:

1. for --baseline seconds a normal client alone: a new connection every 0.2 s (a new
   visitor each time), GET /api/search?q=budget, 10 s timeout;
2. for --duration seconds the same client while --connections attackers each open a
   connection, send a request line and then one header byte a second, never finishing
   the request; an attacker whose connection is closed opens a new one at once.

It reports the normal client's p50/p95/max, its failures (refused, reset, timed out,
non-200) and how many attacking connections were open on average, and with
--write-doc puts the figures in docs/reliability.md. `--front waitress-defaults`
runs waitress as `searchapp serve` ran it before issue #14 (100 connections, no
deadline for a request), for comparison.

Pass: no failure and p95 under 1 s. Exit 0 on pass, 1 on fail, 2 when it could not
start. Rate limits are off in the config it writes (the normal client's 5 requests a
second are more than the default limit for one address; limits are not what is measured).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "scripts"))

from kill_reindex import write_doc  # noqa: E402
from loadtest import _env, free_port, machine, percentile  # noqa: E402

HOST = "127.0.0.1"
ATTACKER = "127.0.0.2"  # Linux answers the whole of 127.0.0.0/8 on the loopback
NGINX_CONF = PROJECT / "docs" / "deploy" / "nginx.conf"


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        values = sorted(self.latencies)
        return (f"{len(values) + len(self.failures)} requests, {len(self.failures)} failed; "
                f"p50 {percentile(values, 50) * 1000:.0f} ms, "
                f"p95 {percentile(values, 95) * 1000:.0f} ms, "
                f"max {max(values, default=float('nan')) * 1000:.0f} ms")  # fmt: skip

    @property
    def p95(self) -> float:
        return percentile(sorted(self.latencies), 95)


def normal_client(port: int, until: float, outcome: Outcome) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            conn.request("GET", "/api/search?q=budget")
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or b'"total"' not in body:
                outcome.failures.append(f"status {response.status}")
            else:
                outcome.latencies.append(time.monotonic() - started)
        except (OSError, http.client.HTTPException) as exc:
            outcome.failures.append(type(exc).__name__)
        finally:
            conn.close()
        time.sleep(max(0.0, 0.2 - (time.monotonic() - started)))


class Slowloris:
    """`n` connections sending one header byte a second, reopened when closed."""

    def __init__(self, port: int, n: int):
        self.port, self.n = port, n
        self.sel = selectors.DefaultSelector()
        self.open: set[socket.socket] = set()
        self.opened = self.closed = self.refused = 0
        self.samples: list[int] = []
        self.stop = threading.Event()

    def connect(self) -> None:
        s = socket.socket()
        s.setblocking(False)
        try:
            # From another address than the normal client, as an attacker would be: a
            # limit per address must not be what keeps the normal client out.
            s.bind((ATTACKER, 0))
            s.connect_ex((HOST, self.port))
            self.sel.register(s, selectors.EVENT_READ)
            self.open.add(s)
            self.opened += 1
        except OSError:
            self.refused += 1
            s.close()

    def drop(self, s: socket.socket, by_server: bool = True) -> None:
        if s in self.open:
            self.open.discard(s)
            self.sel.unregister(s)
            s.close()
            self.closed += by_server

    def run(self, until: float) -> None:
        first = b"GET /api/search?q=budget HTTP/1.1\r\nHost: localhost\r\n"
        sent: dict[socket.socket, int] = {}
        while time.monotonic() < until and not self.stop.is_set():
            while len(self.open) < self.n:
                self.connect()
            tick = time.monotonic()
            for s in list(self.open):
                try:
                    if s not in sent:
                        s.send(first)
                        sent[s] = 0
                    else:
                        s.send(b"X")  # a header name that never ends
                        sent[s] += 1
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    sent.pop(s, None)
                    self.drop(s)
            self.samples.append(len(self.open))
            # Read (and so notice) what the server closed, for the rest of the second.
            while (left := 1.0 - (time.monotonic() - tick)) > 0:
                for key, _ in self.sel.select(timeout=left):
                    s = key.fileobj
                    try:
                        data = s.recv(4096)
                    except OSError:
                        data = b""
                    if not data:
                        sent.pop(s, None)
                        self.drop(s)
        for s in list(self.open):
            self.drop(s, by_server=False)


def build_index(work: Path) -> Path:
    config = work / "config.toml"
    config.write_text(
        f'[sources]\npaths = ["{PROJECT / "samples"}"]\n[index]\npath = "index"\n'
        '[limits]\napi = ""\npages = ""\n',
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, "-m", "searchapp", "reindex", "--config", str(config),
                           "--quiet"], env=_env(), capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"reindex failed: {done.stderr}")
    return config


def start_app(config: Path, port: int, defaults: bool, log) -> subprocess.Popen:
    if defaults:
        # searchapp serve as it was before issue #14: waitress's defaults.
        code = (
            "import sys, waitress\n"
            "from searchapp.config import load_config\n"
            "from searchapp.web import create_app\n"
            "app = create_app(load_config(sys.argv[1]))\n"
            "waitress.serve(app, host='127.0.0.1', port=int(sys.argv[2]), threads=4)\n"
        )
        cmd = [sys.executable, "-c", code, str(config), str(port)]
    else:
        cmd = [sys.executable, "-m", "searchapp", "serve", "--config", str(config),
               "--host", HOST, "--port", str(port)]  # fmt: skip
    return subprocess.Popen(cmd, env=_env(), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def nginx_conf(work: Path, listen: int, upstream: int) -> Path:
    """docs/deploy/nginx.conf with the ports and paths of this run (its temporary and
    log files in `work`, its workers as the user running this)."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    text = text.replace("127.0.0.1:8000", f"{HOST}:{upstream}")
    text = text.replace("listen 80;", f"listen {HOST}:{listen};")
    text = text.replace("/etc/nginx/searchapp-error-headers.conf",
                        str(NGINX_CONF.parent / "searchapp-error-headers.conf"))
    text = text.replace("user www-data;", "user root;" if os.geteuid() == 0 else "")
    text = text.replace("/run/nginx.pid", f"{work}/nginx.pid")
    text = re.sub(r"/var/log/nginx/", f"{work}/", text)
    for name in set(re.findall(r"/var/lib/nginx/(\w+)", text)):
        (work / name).mkdir(exist_ok=True)
    text = re.sub(r"/var/lib/nginx/(\w+)", lambda m: f"{work}/{m[1]}", text)
    conf = work / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


def start_nginx(work: Path, listen: int, upstream: int, log) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = nginx_conf(work, listen, upstream)
    check = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(work)], capture_output=True,
                           text=True)  # fmt: skip
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed: {check.stderr}")
    return subprocess.Popen([nginx, "-c", str(conf), "-p", str(work), "-g", "daemon off;"],
                            stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run(front: str, connections: int, duration: float, baseline: float) -> dict:
    work = Path(tempfile.mkdtemp(prefix="slowloris-"))
    app = proxy = None
    log = open(work / "server.log", "wb")
    try:
        config = build_index(work)
        app_port = free_port()
        app = start_app(config, app_port, front == "waitress-defaults", log)
        wait_for(app_port)
        port = app_port
        if front == "nginx":
            port = free_port()
            proxy = start_nginx(work, port, app_port, log)
            wait_for(port)
        alone = Outcome()
        normal_client(port, time.monotonic() + baseline, alone)
        attacked = Outcome()
        attack = Slowloris(port, connections)
        until = time.monotonic() + duration
        attacker = threading.Thread(target=attack.run, args=(until,), daemon=True)
        attacker.start()
        time.sleep(min(5.0, duration / 4))  # let the attack take hold first
        normal_client(port, until, attacked)
        attacker.join(15)
        return {
            "front": front, "connections": connections, "duration": duration,
            "alone": alone, "attacked": attacked, "attack": attack,
        }  # fmt: skip
    finally:
        stop(proxy)
        stop(app)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


FRONTS = {
    "waitress": "`searchapp serve` alone (waitress, 4 threads, server.connection_limit 1000, "
    "server.request_timeout 10 s)",
    "nginx": "nginx (docs/deploy/nginx.conf) in front of `searchapp serve`",
    "waitress-defaults": "waitress with its defaults, as `searchapp serve` ran before issue #14 "
    "(100 connections, no deadline for a request)",
}


def render(result: dict, load: str) -> str:
    attack: Slowloris = result["attack"]
    samples = attack.samples or [0]
    ok = not result["attacked"].failures and result["attacked"].p95 < 1.0
    return "\n".join([
        f"Run {datetime.now(UTC).isoformat(timespec='seconds')} on {machine()}, load average "
        f"{load} before the run; `python scripts/slowloris.py --front {result['front']} "
        f"--connections {result['connections']} --duration {result['duration']:g}`.",
        "",
        f"- server: {FRONTS[result['front']]}",
        f"- normal client alone: {result['alone'].summary()}",
        f"- normal client during the attack: {result['attacked'].summary()}",
        f"- attacking connections open: {sum(samples) / len(samples):.0f} on average, "
        f"{max(samples)} at most; opened {attack.opened}, closed by the server "
        f"{attack.closed}, refused {attack.refused}",
        "",
        f"Result: **{'PASS' if ok else 'FAIL'}** (no failed request, p95 under 1 s)",
    ])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--front", choices=sorted(FRONTS), default="waitress")
    p.add_argument("--connections", type=int, default=200)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--baseline", type=float, default=10)
    p.add_argument("--write-doc", action="store_true")
    args = p.parse_args(argv)
    if args.front == "nginx" and not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        print("nginx is not installed (apt-get install nginx)", file=sys.stderr)
        return 2
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    try:
        result = run(args.front, args.connections, min(args.duration, 1800), args.baseline)
    except RuntimeError as exc:
        print(f"could not start: {exc}", file=sys.stderr)
        return 2
    section = render(result, load)
    print(section)
    if args.write_doc:
        write_doc(section, marker=f"slowloris-{args.front}")
    return 0 if "**PASS**" in section else 1


if __name__ == "__main__":
    sys.exit(main())
