import pytest
from click.testing import CliRunner

from searchapp.cli import cli
from searchapp.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_relative_to_the_config_file(tmp_path):
    cfg = load_config(
        write(tmp_path, '[sources]\npaths = ["a", "b/c.pdf"]\n[index]\npath = "ix"\n')
    )
    assert cfg.sources == [tmp_path / "a", tmp_path / "b/c.pdf"]
    assert cfg.index_path == tmp_path / "ix"
    assert (cfg.host, cfg.port) == ("127.0.0.1", 8000)


def test_environment_variable_selects_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, "[server]\nport = 9000\n")
    monkeypatch.setenv("SEARCHAPP_CONFIG", str(path))
    assert load_config().port == 9000


@pytest.mark.parametrize(
    "text,needle",
    [
        ("[sources]\npath = ['x']\n", "unknown key 'sources.path'"),
        ("[server]\nport = 'eighty'\n", "'server.port' must be an integer"),
        ("[server]\nport = 70000\n", "'server.port' must be between"),
        ("[sources]\npaths = 'samples'\n", "'sources.paths' must be a list of strings"),
        ("[indexx]\npath = 'x'\n", "unknown section [indexx]"),
        ("[server\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, needle):
    with pytest.raises(ConfigError, match=None) as info:
        load_config(write(tmp_path, text))
    assert needle in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_repo_config_is_valid():
    from pathlib import Path

    cfg = load_config(Path(__file__).parents[1] / "config.toml")
    assert cfg.sources[0].name == "samples"


def test_cli_lists_commands_with_help():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "parse" in result.output


def test_municipality_per_source_folder(tmp_path):
    from searchapp.config import municipality_for

    cfg = load_config(
        write(
            tmp_path,
            '[sources]\npaths = ["real"]\n'
            '[sources.municipality]\n"real" = "Greve Kommune"\n"real/edoc" = "Ballerup Kommune"\n',
        )
    )
    assert cfg.municipalities == {
        tmp_path / "real": "Greve Kommune",
        tmp_path / "real/edoc": "Ballerup Kommune",
    }
    edoc_file = tmp_path / "real/edoc/x/1.PDF"
    assert municipality_for(edoc_file, cfg.municipalities) == "Ballerup Kommune"
    assert municipality_for(tmp_path / "real/greve/m.json", cfg.municipalities) == "Greve Kommune"
    assert municipality_for(tmp_path / "other.pdf", cfg.municipalities) == ""


def test_municipality_must_be_a_table_of_names(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, '[sources.municipality]\n"real" = 3\n'))
    assert "'sources.municipality' must be a table of strings" in str(info.value)
