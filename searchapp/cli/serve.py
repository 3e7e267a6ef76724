"""`searchapp serve`: the web app under waitress, a production WSGI server (Flask's
debug server and debugger are never used), in one process or, on every core, in the
worker processes of gunicorn's pre-fork arbiter (web/prefork.py)."""

from __future__ import annotations

import os
import socket

import click

from . import EXIT_USAGE, config_option, get_config

DEFAULT_THREADS = 4


def default_workers() -> int:
    """One worker process per core."""
    return os.cpu_count() or 1


def _prefork_available() -> bool:
    try:
        import gunicorn.app.base  # noqa: F401 - needs fork and fcntl: not on Windows
    except ImportError:
        return False
    return True


def _check_address(host: str, port: int) -> None:
    """Bind the address once, as gunicorn will, so that a port in use is reported
    before any worker starts (raises OSError)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


@click.command("serve")
@click.option("--host", help="Address to listen on (default: server.host in the config).")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Port to listen on (default: server.port in the config).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    help="Worker processes (default: server.workers in the config, else one per core).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=DEFAULT_THREADS,
    show_default=True,
    help="Requests served at once by each worker process.",
)
@config_option
def serve_command(host, port, workers, threads, config_file):
    """Serve the search pages and the JSON API.

    With several workers (the default on a machine with several cores) gunicorn
    starts them, restarts one that dies, and stops them gracefully on SIGTERM; each
    serves with waitress. --workers 1 serves from this one process. The index is
    opened by each worker; a `searchapp reindex` while the server runs is picked up
    by the next request, no restart needed. Exit status 2 when there is no index yet
    or the address cannot be used.

    \b
    Example:
        searchapp serve
        searchapp serve --host 0.0.0.0 --port 8080 --config /etc/searchapp/config.toml
        searchapp serve --workers 1
    """
    from ..config import ConfigError
    from ..web import create_app, get_engine
    from ..web.server import make_server

    config = get_config(config_file)
    host = host or config.host
    port = port or config.port
    workers = workers or config.workers or default_workers()
    try:
        app = create_app(config)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    engine = get_engine(app)
    if not engine.exists():
        click.echo(
            f"Error: no index at {config.index_path}; run `searchapp reindex` first",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    if workers > 1 and _prefork_available():
        engine.close()  # the workers open the index themselves, after the fork
        del app, engine
        _serve_prefork(config, host, port, workers, threads)
        return
    try:
        server = make_server(app, config, host, port, threads)
    except (OSError, ValueError) as exc:
        _cannot_listen(host, port, exc)
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.close()


def _cannot_listen(host: str, port: int, exc: Exception):
    reason = getattr(exc, "strerror", None) or str(exc)
    click.echo(f"Error: cannot listen on {host}:{port}: {reason}", err=True)
    raise SystemExit(EXIT_USAGE) from None


def _serve_prefork(config, host: str, port: int, workers: int, threads: int) -> None:
    from ..web.prefork import PreforkServer

    try:
        _check_address(host, port)
    except OSError as exc:
        _cannot_listen(host, port, exc)
    click.echo(f"Serving on http://{host}:{port}/ with {workers} worker processes, "
               f"{threads} threads each (Ctrl-C to stop)")  # fmt: skip
    arbiter = os.getpid()
    try:
        PreforkServer(config, host, port, workers, threads).run()
    except SystemExit as exc:
        # A worker leaves through here too (gunicorn forks inside run()): only the
        # arbiter, stopped cleanly, says so.
        if os.getpid() != arbiter or exc.code not in (0, None):
            raise
    click.echo("Stopped.")
