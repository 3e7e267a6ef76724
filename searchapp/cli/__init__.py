"""The `searchapp` command: one verb a task, thin over the library.

Exit codes scripts can trust: 0 all good, 1 the work was done but some input failed,
2 usage or configuration error (nothing changed).
"""

from __future__ import annotations

import importlib

import click
from click.core import ParameterSource

from ..config import Config, ConfigError, load_config

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2

# Each command lives in its own module beside this one; the group imports them lazily
# so `searchapp --help` stays fast and a command's imports do not burden the others.
_COMMANDS = {
    "alerts": "alerts",
    "fetch": "fetch",
    "parse": "parse",
    "reindex": "index",
    "stats": "index",
    "search": "search",
    "serve": "serve",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(_COMMANDS)

    def get_command(self, ctx, name):
        if name not in _COMMANDS:
            return None
        try:
            module = importlib.import_module(f"{__name__}.{_COMMANDS[name]}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(__name__):
                return None
            raise
        return getattr(module, name.replace("-", "_") + "_command", None)


config_option = click.option(
    "--config",
    "config_file",
    metavar="FILE",
    envvar="SEARCHAPP_CONFIG",
    help="Config file (default: ./config.toml, or $SEARCHAPP_CONFIG).",
)


def get_config(config_file: str | None) -> Config:
    """Load the config or stop with exit code 2 and a message naming the problem.
    `--config` may come before the verb (`searchapp --config FILE stats`) or after it;
    after it wins, and either wins over $SEARCHAPP_CONFIG."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        given_after = ctx.get_parameter_source("config_file") == ParameterSource.COMMANDLINE
        given_before = (ctx.find_root().obj or {}).get("config_file")
        if given_before and not given_after:
            config_file = given_before
    try:
        return load_config(config_file)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="searchapp")
@click.option("--config", "config_file", metavar="FILE",
              help="Config file, for every command (also accepted after the command).")
@click.pass_context
def cli(ctx, config_file):
    """Search Danish municipal meeting minutes.

    Typical use: `searchapp reindex` to build the index from the sources in
    config.toml, then `searchapp serve` to search it in a browser.
    """
    from ..logs import configure_logging

    configure_logging()
    ctx.obj = {"config_file": config_file}


def main():
    cli(prog_name="searchapp")
