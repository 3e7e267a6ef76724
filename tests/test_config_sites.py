"""The [fetch] section and the [[sites]] tables of the config: checked as strictly as
the rest, and each site's mirror made a source with its municipality."""

from datetime import date

import pytest

from searchapp.config import ConfigError, FetchSettings, load_config, municipality_for

GREVE = '[[sites]]\nurl = "https://dagsordener.greve.dk/"\nmunicipality = "Greve Kommune"\n'


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_site_is_a_source_with_its_municipality(tmp_path):
    cfg = load_config(write(tmp_path, '[sources]\npaths = ["samples"]\n' + GREVE))
    (site,) = cfg.sites
    assert site.url == "https://dagsordener.greve.dk"
    assert site.folder == tmp_path / "mirror" / "dagsordener.greve.dk"
    assert site.meetings_folder == site.folder / "moeder"
    assert site.attachments_folder == site.folder / "bilag"
    assert (site.groups, site.since, site.attachments) == ((), None, True)
    assert cfg.sources == [tmp_path / "samples", site.meetings_folder]
    assert cfg.municipalities == {site.meetings_folder: "Greve Kommune"}
    meeting = site.meetings_folder / "Økonomiudvalget_2023-05-08_x.json"
    assert municipality_for(meeting, cfg.municipalities) == "Greve Kommune"
    assert cfg.fetch == FetchSettings(folder=tmp_path / "mirror")


def test_every_setting(tmp_path):
    cfg = load_config(
        write(
            tmp_path,
            '[fetch]\nfolder = "data/mirror"\ndelay = 2\ntimeout = 10.5\nretries = 5\n'
            'retry_wait = 1\nmax_bytes = 1000\ncontact = "mailto:it@greve.dk"\n'
            + GREVE
            + 'groups = ["Aktuelle politiske udvalg"]\nsince = 2022-01-01\nattachments = false\n'
            '[[sites]]\nurl = "https://dagsordener.greve.dk/arkiv"\nmunicipality = "Greve"\n'
            'since = "2020-06-01"\n',
        )
    )
    fetch = cfg.fetch
    assert fetch.folder == tmp_path / "data" / "mirror"
    assert (fetch.delay, fetch.timeout, fetch.retries, fetch.retry_wait) == (2.0, 10.5, 5, 1.0)
    assert (fetch.max_bytes, fetch.contact) == (1000, "mailto:it@greve.dk")
    first, second = cfg.sites
    assert first.groups == ("Aktuelle politiske udvalg",)
    assert first.since == date(2022, 1, 1) and first.attachments is False
    assert second.since == date(2020, 6, 1)
    assert second.folder.name == "dagsordener.greve.dk_arkiv"


@pytest.mark.parametrize(
    "text,needle",
    [
        (GREVE + 'urll = "x"\n', "unknown key 'sites.urll' (known in [[sites]]: url, munic"),
        ('[[sites]]\nurl = "https://a.dk"\n', "'sites.municipality' is missing"),
        ('[[sites]]\nmunicipality = "A"\n', "'sites.url' is missing"),
        (
            '[[sites]]\nurl = "dagsordener.greve.dk"\nmunicipality = "G"\n',
            "'sites.url' must be the site's address",
        ),
        ('[[sites]]\nurl = "https://a.dk"\nmunicipality = " "\n', "must name the municipality"),
        (GREVE + "since = 2022-13-01\n", "not valid TOML"),
        (GREVE + 'since = "last year"\n', "'sites.since' must be a date (2022-01-01)"),
        (GREVE + "since = 2022-01-01T10:00:00\n", "'sites.since' must be a date"),
        (GREVE + 'attachments = "yes"\n', "'sites.attachments' must be true or false"),
        (GREVE + 'groups = "Aktuelle politiske udvalg"\n', "'sites.groups' must be a list"),
        (GREVE + GREVE, "is already the site"),
        ('[sites]\nurl = "https://a.dk"\n', "'sites' must be tables [[sites]]"),
        ("[fetch]\ndelay = -1\n", "'fetch.delay' must be at least 0, got -1"),
        ("[fetch]\ntimeout = 0\n", "'fetch.timeout' must be at least 0.1, got 0"),
        ('[fetch]\ndelay = "1s"\n', "'fetch.delay' must be a number"),
        ("[fetch]\nmax_bytes = 1.5\n", "'fetch.max_bytes' must be an integer"),
        ("[fetch]\nuser_agent = 'x'\n", "unknown key 'fetch.user_agent'"),
        (
            '[sources]\npaths = ["."]\n' + GREVE,
            "contains the fetch folder",
        ),
        ("[site]\nurl = 'x'\n", "unknown section [site] (known: [sources], [index], [server]"),
    ],
)
def test_bad_site_config_names_the_key(tmp_path, text, needle):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert needle in str(info.value)
    if "[[sites]] number" in str(info.value):
        assert "number 1" in str(info.value) or "number 2" in str(info.value)


def test_without_sites_nothing_changes(tmp_path):
    cfg = load_config(write(tmp_path, '[sources]\npaths = ["."]\n'))
    assert cfg.sites == () and cfg.sources == [tmp_path]
