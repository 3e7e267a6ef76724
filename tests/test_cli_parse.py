import json

from click.testing import CliRunner
from test_parse import PAGES, text_doc

from searchapp.cli import cli


def test_parse_prints_items(tmp_path):
    path = tmp_path / "referat.txt"
    path.write_text(text_doc(PAGES), encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(path)])
    assert result.exit_code == 0, result.output
    assert "KKR Testby, 2025-02-03: 4 items" in result.output
    assert (
        "2.1  Opfølgning på den tværgående mobilitetsanalyse for hovedstadsområdet" in result.output
    )
    assert "Beslutning: Afvist  [rejected]" in result.output


def test_parse_json(tmp_path):
    path = tmp_path / "referat.txt"
    path.write_text(text_doc(PAGES), encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [i["number"] for i in data["items"]] == ["1.1", "2.1", "2.2", "4"]
    assert data["items"][1]["case_number"] == "SAG-2025-00042"


def test_parse_bad_file_exit_1(tmp_path):
    path = tmp_path / "tom.pdf"
    path.write_bytes(b"")
    result = CliRunner().invoke(cli, ["parse", str(path)])
    assert result.exit_code == 1
    assert "tom.pdf: the file is empty" in result.output
