"""`searchapp serve`: the web app under waitress, a production WSGI server (Flask's
debug server and debugger are never used)."""

from __future__ import annotations

import click

from . import EXIT_USAGE, config_option, get_config

DEFAULT_THREADS = 4


@click.command("serve")
@click.option("--host", help="Address to listen on (default: server.host in the config).")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Port to listen on (default: server.port in the config).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=DEFAULT_THREADS,
    show_default=True,
    help="Requests served at once.",
)
@config_option
def serve_command(host, port, threads, config_file):
    """Serve the search pages and the JSON API.

    The index is opened once; a `searchapp reindex` while the server runs is picked
    up by the next request, no restart needed. Exit status 2 when there is no index
    yet or the address cannot be used.

    \b
    Example:
        searchapp serve
        searchapp serve --host 0.0.0.0 --port 8080 --config /etc/searchapp/config.toml
    """
    from ..config import ConfigError
    from ..web import create_app, get_engine
    from ..web.server import make_server

    config = get_config(config_file)
    host = host or config.host
    port = port or config.port
    try:
        app = create_app(config)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    if not get_engine(app).exists():
        click.echo(
            f"Error: no index at {config.index_path}; run `searchapp reindex` first",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    try:
        server = make_server(app, config, host, port, threads)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        click.echo(f"Error: cannot listen on {host}:{port}: {reason}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.close()
