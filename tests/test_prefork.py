"""`searchapp serve` on every core (web/prefork.py): gunicorn's arbiter and its worker
processes, each serving with waitress, run for real in a child process on 127.0.0.1.

Every worker answers; a worker that dies is replaced; and while reindexes publish new
generations under the clients' feet, every answer comes whole from one generation
(each generation here holds items whose ids name it and a count that names it too).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from searchapp.index import build_index
from searchapp.models import AgendaItem

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn needs fork")

PROJECT = Path(__file__).resolve().parents[1]


def generation_items(n: int) -> list[AgendaItem]:
    """Generation n: 3 + n items, each id naming n, each text saying "budget"."""
    return [
        AgendaItem(id=f"gen{n}-item{i}", committee="Byråd", meeting_date="2024-05-01",
                   number=str(i), title=f"Budget {i}", text=f"Budget for året, punkt {i}.")
        for i in range(3 + n)
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, dict]:
    try:
        with urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, json.loads(response.read())
    except HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout  # fmt: skip
    return [int(p) for p in out.split()]


@pytest.fixture
def served(tmp_path):
    """An index with generation 0, served by 2 workers; yields (port, index root, the
    arbiter's process)."""
    root = tmp_path / "index"
    build_index(generation_items(0), root)
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sources]\npaths = []\n[index]\npath = "{root}"\n'
        f'[server]\nport = {port}\nworkers = 2\n[limits]\napi = ""\npages = ""\n',
        encoding="utf-8",
    )
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "searchapp", "serve", "--config", str(config)],
        stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(children(process.pid)) < 2 or not _answers(port):
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not start in 60 s"
            time.sleep(0.2)
        yield port, root, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    assert process.returncode == 0, (tmp_path / "serve.log").read_text()
    assert "Stopped." in (tmp_path / "serve.log").read_text()


def _answers(port: int) -> bool:
    try:
        return get(port, "/api/search?q=budget")[0] == 200
    except OSError:
        return False


def test_two_workers_answer_and_a_dead_one_is_replaced(served):
    port, _root, process = served
    workers = children(process.pid)
    assert len(workers) == 2
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: get(port, "/api/search?q=budget"), range(40)))
    assert {status for status, _ in answers} == {200}
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        now = children(process.pid)
        if len(now) == 2 and workers[0] not in now:
            break
        assert time.monotonic() < deadline, "the arbiter did not replace the worker"
        time.sleep(0.2)
    assert all(get(port, "/api/search?q=budget")[0] == 200 for _ in range(10))


def test_every_answer_comes_from_one_generation_while_reindexing(served):
    port, root, _process = served
    stop = threading.Event()
    seen: list[tuple[int, list[str]]] = []
    problems: list[str] = []

    def client():
        while not stop.is_set():
            status, body = get(port, "/api/search?q=budget&per_page=100")
            if status != 200:
                problems.append(f"{status} {body}")
                continue
            seen.append((body["total"], [hit["id"] for hit in body["results"]]))

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    try:
        for n in range(1, 13):
            build_index(generation_items(n), root)
            time.sleep(0.25)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert problems == []
    generations = set()
    for total, ids in seen:
        n = total - 3
        assert len(ids) == total and all(i.startswith(f"gen{n}-") for i in ids), (total, ids)
        generations.add(n)
    assert len(generations) >= 4  # the clients saw the swaps
    # After the last swap every worker answers from the last generation.
    assert all(get(port, "/api/search?q=budget")[1]["total"] == 3 + 12 for _ in range(10))
