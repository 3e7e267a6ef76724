"""`searchapp serve` on every core: gunicorn's arbiter forks the worker processes, and
each worker serves with waitress, set up as server.py sets it up for one process.

A search holds Python's lock for most of its time, so one process serves about one
core's worth of searches however many threads it has. Gunicorn, a maintained pre-fork
server, binds the address, starts `server.workers` processes (default: one per core),
restarts one that dies or stops answering, and stops them gracefully on SIGTERM
(SIGINT and SIGQUIT: at once). Each worker opens the index itself (the app is made
after the fork, so no file is shared between processes) and runs waitress on the
listening socket it inherited: its many connections, the deadline for sending a
request and the JSON error answers (server.py) are the same as with one process.

Each worker checks which generation is in use at every request (store.IndexHandle):
after a reindex a worker answers from the old generation or the new one, never a mix
of both, and every worker is on the new one from its next request.
"""

from __future__ import annotations

import os
import time

from gunicorn.app.base import BaseApplication
from gunicorn.workers.base import Worker

from ..config import Config
from .server import make_server

__all__ = ["PreforkServer", "WaitressWorker"]

NOTIFY_SECONDS = 1.0  # how often a worker tells the arbiter it is alive
WORKER_TIMEOUT = 30  # seconds of silence after which the arbiter restarts a worker
GRACEFUL_SECONDS = 10  # for the requests in flight when told to stop


class WaitressWorker(Worker):
    """A gunicorn worker process serving with waitress. Waitress's event loop runs in
    the worker's main thread, a poll at a time, so that the worker tells the arbiter it
    is alive and notices when it is told to stop."""

    def run(self):
        settings = self.app.settings
        server = make_server(self.wsgi, settings.config, None, None, settings.threads,
                             sockets=[s.sock for s in self.sockets])  # fmt: skip
        try:
            self._serve(server)
            self._finish(server)
        finally:
            server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
            server.asyncore.close_all(server._map)

    def _serve(self, server) -> None:
        last = 0.0
        while self.alive:
            now = time.monotonic()
            if now - last >= NOTIFY_SECONDS:
                self.notify()
                last = now
                if os.getppid() != self.ppid:
                    self.log.info("Parent changed, shutting down: %s", self)
                    return
            server.asyncore.loop(timeout=NOTIFY_SECONDS, map=server._map,
                                 use_poll=True, count=1)  # fmt: skip

    @staticmethod
    def _finish(server) -> None:
        """Told to stop: accept no more connections, and answer the requests already
        being served, for at most GRACEFUL_SECONDS."""
        server.accepting = False
        deadline = time.monotonic() + GRACEFUL_SECONDS
        while time.monotonic() < deadline and any(
            channel.requests or channel.total_outbufs_len
            for channel in server.active_channels.values()
        ):
            server.asyncore.loop(timeout=0.1, map=server._map, use_poll=True, count=1)


class Settings:
    """What a worker needs to serve: the searchapp config and waitress's threads."""

    def __init__(self, config: Config, threads: int):
        self.config = config
        self.threads = threads


class PreforkServer(BaseApplication):
    """Gunicorn's arbiter over WaitressWorkers serving the searchapp app. `run()`
    returns when the arbiter stops (SIGTERM, SIGINT, SIGQUIT)."""

    def __init__(self, config: Config, host: str, port: int, workers: int, threads: int):
        self.settings = Settings(config, threads)
        self.bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.workers = workers
        super().__init__()

    def load_config(self):
        for key, value in {
            "bind": [self.bind],
            "workers": self.workers,
            "worker_class": WaitressWorker,
            "timeout": WORKER_TIMEOUT,
            "graceful_timeout": GRACEFUL_SECONDS + 5,
            "proc_name": "searchapp",
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "preload_app": False,  # each worker opens the index itself, after the fork
            "control_socket_disable": True,  # gunicorn 24+: one per user, for every server
        }.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app(self.settings.config)
