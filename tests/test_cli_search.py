"""`searchapp search` and `searchapp serve` through click's CliRunner."""

from __future__ import annotations

import json
import socket

import pytest

from searchapp.cli import cli


def invoke(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_search_lists_hits(runner, config_file):
    result = invoke(runner, "search", "ældrereformen", "--config", str(config_file))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 results for »ældrereformen«"
    assert "2025-04-11  KKR Hovedstaden  3.1  Ældrereformen  [Drøftet]" in lines
    assert "kkr-sjaelland-2024-06-03-2.3" in result.output
    assert "<mark>" not in result.output and "ældrereformen" in result.output


def test_search_words_and_filters(runner, config_file):
    result = invoke(runner, "search", "budget", "--committee", "KKR Sjælland",
                    "--status", "approved", "--config", str(config_file))  # fmt: skip
    assert result.exit_code == 0
    assert result.output.startswith("1 result for »budget«")
    assert "Budget for driften  [Godkendt]" in result.output


def test_search_json_is_the_api_json(runner, config_file, client):
    result = invoke(runner, "search", "rusmiddelbrug", "--json", "--limit", "1",
                    "--config", str(config_file))  # fmt: skip
    assert result.exit_code == 0
    body = json.loads(result.output)
    api = client.get("/api/search?q=rusmiddelbrug&per_page=1").get_json()
    assert body == api
    assert body["pages"] == 2


def test_search_without_query_lists_newest(runner, config_file):
    result = invoke(runner, "search", "--limit", "2", "--config", str(config_file))
    assert result.exit_code == 0
    assert result.output.startswith("12 results")
    assert "Showing 1-2 of 12" in result.output


def test_search_suggests(runner, config_file):
    result = invoke(runner, "search", "fingerplanan", "--config", str(config_file))
    assert "Did you mean: fingerplanen" in result.output


@pytest.mark.parametrize(
    "args",
    [["--limit", "0"], ["--limit", "1000"], ["--status", "maybe"], ["--from", "2025-13-01"],
     ["--page", "0"], ["--case", "abc"]],
)  # fmt: skip
def test_search_bad_parameters_exit_2(runner, config_file, args):
    result = invoke(runner, "search", "budget", *args, "--config", str(config_file))
    assert result.exit_code == 2
    assert "Error:" in result.output


def test_search_without_index_exits_2(runner, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[index]\npath = "nowhere"\n[sources]\npaths = []\n')
    result = invoke(runner, "search", "budget", "--config", str(config))
    assert result.exit_code == 2
    assert "no index" in result.output and "searchapp reindex" in result.output


class FakeServer:
    def __init__(self, app, **kwargs):
        self.app, self.kwargs = app, kwargs
        self.ran = self.closed = False
        FakeServer.last = self

    def run(self):
        self.ran = True

    def close(self):
        self.closed = True


def test_serve_uses_waitress_with_config_host_and_port(runner, config_file, monkeypatch):
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)
    config_file.write_text(
        config_file.read_text() + '\n[server]\nhost = "127.0.0.2"\nport = 8123\n'
    )
    result = invoke(runner, "serve", "--workers", "1", "--config", str(config_file))
    assert result.exit_code == 0, result.output
    server = FakeServer.last
    assert server.kwargs["host"] == "127.0.0.2" and server.kwargs["port"] == 8123
    assert server.ran and server.closed
    assert not server.app.debug
    assert "http://127.0.0.2:8123/" in result.output
    # The app it serves answers.
    assert server.app.test_client().get("/api/search").status_code == 200


def test_serve_options_override_the_config(runner, config_file, monkeypatch):
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)
    result = invoke(runner, "serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "1",
                    "--config", str(config_file))  # fmt: skip
    assert result.exit_code == 0
    assert (FakeServer.last.kwargs["host"], FakeServer.last.kwargs["port"]) == ("0.0.0.0", 9000)


def test_serve_without_index_exits_2(runner, tmp_path, monkeypatch):
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)
    FakeServer.last = None
    config = tmp_path / "config.toml"
    config.write_text('[index]\npath = "nowhere"\n[sources]\npaths = []\n')
    result = invoke(runner, "serve", "--config", str(config))
    assert result.exit_code == 2
    assert "no index" in result.output and "searchapp reindex" in result.output
    assert FakeServer.last is None


def test_serve_reports_a_port_in_use(runner, config_file, monkeypatch):
    import waitress

    def refuse(app, **kwargs):
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(waitress, "create_server", refuse)
    result = invoke(runner, "serve", "--workers", "1", "--config", str(config_file))
    assert result.exit_code == 2
    assert "Address already in use" in result.output


def test_serve_with_workers_reports_a_port_in_use(runner, config_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(runner, "serve", "--workers", "2", "--port", str(port),
                        "--config", str(config_file))  # fmt: skip
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


@pytest.mark.parametrize("command", ["search", "serve"])
def test_help_ends_with_an_example(runner, command):
    result = invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"searchapp {command}" in result.output.split("Example:")[1]
