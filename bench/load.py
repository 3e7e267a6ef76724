"""The real server under load: `searchapp serve` on 127.0.0.1, asked the query mix by 1,
4 and 16 clients at once, with one worker process and with one per core.

Each client is a thread of this process with its own keep-alive connection (opened
anew every RECONNECT requests, as a client's pool does, so that the connections spread
over the workers as they come), asking the mix in order from its own starting point,
each request as soon as the last one was answered (a closed loop). A level runs for a
fixed time after a warm-up; req/s is the answers counted over it, latencies are each
request's time to its last byte. Every process's memory (VmRSS, VmHWM) is read from
/proc at the end.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from .queries import params
from .worker import proc_status

HOST = "127.0.0.1"  # loopback only
TIMEOUT = 60.0
RECONNECT = 25  # requests on one connection before a client opens a new one


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout  # fmt: skip
    return [int(p) for p in out.split()]


class Server:
    """`searchapp serve --workers N` on a free port of 127.0.0.1, in a child process,
    with no rate limits (the clients are all one address)."""

    def __init__(self, index_root: Path, workdir: Path, env: dict, cwd: Path, workers: int,
                 threads: int = 4):  # fmt: skip
        self.port = free_port()
        self.workers = workers
        sources = workdir / "no-sources"
        sources.mkdir(exist_ok=True)
        self.config = workdir / f"serve-{self.port}.toml"
        self.config.write_text(
            f'[sources]\npaths = ["{sources}"]\n[index]\npath = "{index_root}"\n'
            f'[server]\nhost = "{HOST}"\nport = {self.port}\n'
            '[limits]\napi = ""\npages = ""\n',
            encoding="utf-8",
        )
        self.log_path = workdir / f"serve-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "searchapp", "serve", "--config", str(self.config),
             "--workers", str(workers), "--threads", str(threads)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text()[-2000:]}")
            if (workers == 1 or len(children(self.proc.pid)) >= workers) and self._answers():
                return
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("the server did not answer within 180 s")

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            conn.request("GET", "/api/search?q=")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def processes(self) -> list[int]:
        """The processes serving: the one, or the worker processes of the arbiter."""
        return [self.proc.pid] if self.workers == 1 else children(self.proc.pid)

    def cpu_seconds(self) -> float:
        """CPU seconds the serving processes (the arbiter too) have used so far."""
        return sum(process_cpu_seconds(pid) for pid in {self.proc.pid, *self.processes()})

    def memory(self) -> dict:
        workers = [proc_status(pid) for pid in self.processes()]
        out = {"workers": [{"rss": w.get("VmRSS", 0), "vm_hwm": w.get("VmHWM", 0)}
                           for w in workers]}  # fmt: skip
        if self.workers > 1:
            arbiter = proc_status(self.proc.pid)
            out["arbiter"] = {"rss": arbiter.get("VmRSS", 0), "vm_hwm": arbiter.get("VmHWM", 0)}
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def process_cpu_seconds(pid: int) -> float:
    """user + system CPU seconds of a process (/proc/PID/stat), 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2 :].split()  # after the command's name
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def paths_of(queries: list[dict]) -> list[str]:
    return [f"/api/search?{urlencode(params(q), doseq=True)}" for q in queries]


def run_clients(port: int, paths: list[str], clients: int, seconds: float, seed: int,
                stop_after: int | None = None) -> dict:  # fmt: skip
    """`clients` closed-loop clients for `seconds` (or until each has made `stop_after`
    requests): {"clients", "seconds", "requests", "req_per_s", "samples", "errors"}."""
    rng = random.Random(seed)
    starts = [rng.randrange(len(paths)) for _ in range(clients)]
    samples: list[list[float]] = [[] for _ in range(clients)]
    errors: list[dict] = [{} for _ in range(clients)]
    ready = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(n: int) -> None:
        conn = None
        done = 0
        ready.wait()
        while time.monotonic() < deadline[0] and (stop_after is None or done < stop_after):
            path = paths[(starts[n] + done) % len(paths)]
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except Exception as exc:  # noqa: BLE001 - counted, and the client goes on
                status = type(exc).__name__
                conn.close()
                conn = None
            samples[n].append((time.perf_counter() - t0) * 1000)
            if status != 200:
                errors[n][str(status)] = errors[n].get(str(status), 0) + 1
            done += 1
            if conn is not None and done % RECONNECT == 0:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    started = time.monotonic()
    deadline[0] = started + seconds
    ready.wait()
    for t in threads:
        t.join(seconds + 2 * TIMEOUT)
    elapsed = time.monotonic() - started
    every = [ms for s in samples for ms in s]
    merged: dict[str, int] = {}
    for e in errors:
        for key, n in e.items():
            merged[key] = merged.get(key, 0) + n
    return {"clients": clients, "seconds": elapsed, "requests": len(every),
            "req_per_s": len(every) / elapsed if elapsed else 0.0, "samples": every,
            "errors": merged}  # fmt: skip


def load_levels(index_root: Path, workdir: Path, env: dict, cwd: Path, queries: list[dict],
                workers: int, levels: tuple[int, ...], seconds: float, seed: int,
                stats, log) -> dict:  # fmt: skip
    """One server with `workers` processes, warmed up, then each level of clients in
    turn for `seconds`; the processes' memory after the last level."""
    paths = paths_of(queries)
    server = Server(index_root, workdir, env, cwd, workers)
    try:
        memory_idle = server.memory()
        # Warm every worker: enough clients to reach them all, every query twice.
        run_clients(server.port, paths, max(4, 2 * workers), 600, seed,
                    stop_after=2 * len(paths) // max(4, 2 * workers) + 1)  # fmt: skip
        out = {"workers": workers, "levels": [], "memory_idle": memory_idle}
        for clients in levels:
            load_before = _loadavg()
            server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
            r = run_clients(server.port, paths, clients, seconds, seed + clients)
            # Cores busy: a worker can use more than one (numpy and zlib let go of the
            # GIL), which bounds how much more a second worker can add on 2 cores.
            r["server_cores"] = (server.cpu_seconds() - server_cpu) / r["seconds"]
            r["client_cores"] = (time.process_time() - client_cpu) / r["seconds"]
            r["latency"] = stats(r.pop("samples"))
            r["load_before"], r["load_after"] = load_before, _loadavg()
            log(f"    {workers} worker(s), {clients:2d} clients: {r['req_per_s']:.1f} req/s, "
                f"p50 {r['latency'].get('p50', 0):.0f} ms, p95 {r['latency'].get('p95', 0):.0f}"
                f" ms, errors {r['errors'] or 'none'}")  # fmt: skip
            out["levels"].append(r)
        out["memory"] = server.memory()
    finally:
        server.stop()
    return out


def _loadavg() -> list[float]:
    with contextlib.suppress(OSError):
        return [round(x, 2) for x in os.getloadavg()]
    return []
