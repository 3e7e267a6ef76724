"""The config file: read once, checked strictly, paths made absolute.

A wrong key is a typo an admin will not spot in a traceback, so every problem names
the key it is about.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from .mirror import ATTACHMENTS_DIR, MEETINGS_DIR, site_folder_name
from .ocr import OcrSettings

ENV_VAR = "SEARCHAPP_CONFIG"
DEFAULT_FILE = "config.toml"


class ConfigError(Exception):
    """The config file is missing, unreadable or wrong; the message says where."""


@dataclass(frozen=True)
class Site:
    """A municipality's agenda-publishing site to mirror (`[[sites]]` in the config)."""

    url: str  # "https://dagsordener.greve.dk", without a trailing slash
    municipality: str  # "Greve Kommune": the meetings' JSON does not name it
    groups: tuple[str, ...] = ()  # committee groups to fetch; empty: every group
    since: date | None = None  # meetings from this day on; None: all
    attachments: bool = True  # also mirror each item's bilag PDFs
    folder: Path = Path()  # this site's folder in the mirror

    @property
    def meetings_folder(self) -> Path:
        """The source folder reindex reads: one JSON file per meeting."""
        return self.folder / MEETINGS_DIR

    @property
    def attachments_folder(self) -> Path:
        return self.folder / ATTACHMENTS_DIR


@dataclass(frozen=True)
class FetchSettings:
    """How `searchapp fetch` treats the sites (`[fetch]`)."""

    folder: Path = Path("mirror")
    delay: float = 1.0  # seconds between two requests
    timeout: float = 30.0  # seconds of silence before a request counts as failed
    retries: int = 3  # further attempts after a 5xx, a timeout or a broken download
    retry_wait: float = 2.0  # seconds before the first retry, doubled for each next one
    max_bytes: int = 50 * 1024 * 1024  # per file
    contact: str = ""  # an address for the site's admins, sent in the User-Agent


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server alerts are sent through (`[smtp]`); no host: nothing is sent."""

    host: str = ""
    port: int | None = None  # None: 465 with ssl, else 587 (25 with security "none")
    security: str = "starttls"  # "starttls", "ssl" or "none"
    user: str = ""
    password_env: str = "SEARCHAPP_SMTP_PASSWORD"  # the password is read from this variable
    sender: str = ""  # `from`: "Mødereferater <alerter@example.dk>"
    timeout: float = 30.0
    # A CA certificate (PEM) trusted besides the system's: a mail server with a
    # certificate from the municipality's own CA.
    ca_file: Path | None = None


@dataclass(frozen=True)
class AlertSettings:
    """E-mail alerts (`[alerts]`): where subscriptions live, the links' base, the limits."""

    database: Path | None = None  # None: beside the index (see alerts_database)
    public_url: str = ""  # the links in mails; "" for server.public_url
    secret_env: str = "SEARCHAPP_ALERTS_SECRET"  # else a generated file beside the index
    secret_file: Path | None = None  # None: beside the index
    signup_limit: str = "5 per hour; 20 per day"  # sign-ups per client address
    address_limit: int = 3  # sign-up mails per e-mail address a day
    unconfirmed_days: int = 7  # unconfirmed sign-ups are deleted after this
    after_reindex: bool = True  # `reindex` sends the digests when it added items
    max_items: int = 50  # items listed in one digest (the rest counted, linked)


@dataclass(frozen=True)
class Config:
    sources: list[Path] = field(default_factory=list)
    # The municipality of the documents under a source path, for documents that do not
    # name it themselves (an eDoc export names only the committee): path -> name.
    municipalities: dict[Path, str] = field(default_factory=dict)
    index_path: Path = Path("index")
    host: str = "127.0.0.1"
    port: int = 8000
    file: Path | None = None  # where it was read from, for messages
    # [reindex]: worker processes (None: the default) and what one file may cost one.
    reindex_workers: int | None = None
    time_limit: int = 120  # seconds of wall-clock time per file
    memory_limit: int = 1024  # MB per worker
    attachments: bool = True  # read the items' attachments (bilag) and search their text
    # [server]: the address subscribers and links use ("https://moeder.example.dk/"),
    # never the Host header of a request; "" for http://host:port/.
    public_url: str = ""
    connection_limit: int = 1000  # open connections waitress keeps
    request_timeout: int = 10  # seconds a client may take to send its request
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For counts
    workers: int | None = None  # `searchapp serve` processes (None: one per core)
    cache_mb: int = 256  # decoded postings a server process keeps (the engine's cache)
    # [limits]: requests per client address, in Flask-Limiter's notation; "" for none.
    rate_limit_api: str = "10 per second; 300 per minute"
    rate_limit_pages: str = "10 per second; 300 per minute"
    search_seconds: int = 3  # [limits] search_seconds: a search's deadline (then 503)
    # Publishing sites to mirror; each site's meetings folder is also in `sources`
    # (with its municipality in `municipalities`), so a site is configured once.
    sites: tuple[Site, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    # [ocr]: scanned pages read by Tesseract; the cache folder defaults to "ocr-cache"
    # beside the index folder.
    ocr: OcrSettings = field(default_factory=OcrSettings)


# section -> key -> (type, default). Types are checked, unknown keys refused.
_SCHEMA: dict[str, dict[str, tuple[type, object]]] = {
    "sources": {"paths": (list, ["samples"]), "municipality": (dict, {})},
    "index": {"path": (str, "index")},
    "server": {
        "host": (str, "127.0.0.1"),
        "port": (int, 8000),
        "public_url": (str, ""),
        "connection_limit": (int, 1000),
        "request_timeout": (int, 10),
        "trusted_proxies": (int, 0),
        "workers": (int, None),
        "cache_mb": (int, 256),
    },
    "reindex": {"workers": (int, None), "time_limit": (int, 120), "memory_limit": (int, 1024),
                "attachments": (bool, True)},  # fmt: skip
    "ocr": {
        "enabled": (bool, True),
        "cache": (str, ""),
        "dpi": (int, OcrSettings.dpi),
        "page_seconds": (int, int(OcrSettings.page_seconds)),
    },
    "limits": {
        "api": (str, "10 per second; 300 per minute"),
        "pages": (str, "10 per second; 300 per minute"),
        "search_seconds": (int, 3),
    },
    "fetch": {
        "folder": (str, "mirror"),
        "delay": (float, FetchSettings.delay),
        "timeout": (float, FetchSettings.timeout),
        "retries": (int, FetchSettings.retries),
        "retry_wait": (float, FetchSettings.retry_wait),
        "max_bytes": (int, FetchSettings.max_bytes),
        "contact": (str, ""),
    },
    "alerts": {
        "database": (str, ""),
        "public_url": (str, ""),
        "secret_env": (str, AlertSettings.secret_env),
        "secret_file": (str, ""),
        "signup_limit": (str, AlertSettings.signup_limit),
        "address_limit": (int, AlertSettings.address_limit),
        "unconfirmed_days": (int, AlertSettings.unconfirmed_days),
        "after_reindex": (bool, True),
        "max_items": (int, AlertSettings.max_items),
    },
    "smtp": {
        "host": (str, ""),
        "port": (int, None),
        "security": (str, "starttls"),
        "user": (str, ""),
        "password_env": (str, SmtpSettings.password_env),
        "from": (str, ""),
        "timeout": (float, SmtpSettings.timeout),
        "ca_file": (str, ""),
    },
}

# Arrays of tables ([[name]]): key -> (type, default); _REQUIRED marks keys without one.
_REQUIRED = object()
_ARRAYS: dict[str, dict[str, tuple[type, object]]] = {
    "sites": {
        "url": (str, _REQUIRED),
        "municipality": (str, _REQUIRED),
        "groups": (list, []),
        "since": (date, None),
        "attachments": (bool, True),
    },
}

# Keys that must be at least 1 (and the smallest value each may take).
_MINIMUM = {
    "server.connection_limit": 1,
    "limits.search_seconds": 1,
    "server.request_timeout": 1,
    "server.trusted_proxies": 0,
    "server.workers": 1,
    "server.cache_mb": 0,
    "reindex.workers": 1,
    "reindex.time_limit": 1,
    "reindex.memory_limit": 64,  # a worker needs about 60 MB before it reads anything
    "ocr.dpi": 72,
    "ocr.page_seconds": 1,
    "fetch.delay": 0,
    "fetch.timeout": 0.1,
    "fetch.retries": 0,
    "fetch.retry_wait": 0,
    "fetch.max_bytes": 1,
    "alerts.address_limit": 1,
    "alerts.unconfirmed_days": 1,
    "alerts.max_items": 1,
    "smtp.port": 1,
    "smtp.timeout": 0.1,
}

_TYPE_NAMES = {
    list: "a list of strings",
    dict: "a table of strings (path = name)",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    date: "a date (2022-01-01)",
}


def _check_value(name: str, value, expected: type, where: str):
    """The value of key `name` if it has the `expected` type, else ConfigError.
    A date may also be written as a "YYYY-MM-DD" string; an integer is a number."""
    if expected is date and isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif expected is date:
        ok = type(value) is date  # a TOML date-time is not a day
    else:
        ok = isinstance(value, expected) and not isinstance(value, bool)
    if expected is list:
        ok = ok and all(isinstance(v, str) for v in value)
    if expected is dict:
        ok = ok and all(isinstance(v, str) and v.strip() for v in value.values())
    if not ok:
        raise ConfigError(f"{where}'{name}' must be {_TYPE_NAMES[expected]}, got {value!r}")
    return value


def find_config_file(explicit: str | os.PathLike | None = None) -> Path:
    """--config wins, then $SEARCHAPP_CONFIG, then ./config.toml."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(DEFAULT_FILE)


def load_config(explicit: str | os.PathLike | None = None) -> Config:
    path = find_config_file(explicit)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from_dict(raw, base=path.resolve().parent, file=path)


def config_from_dict(raw: dict, base: Path, file: Path | None = None) -> Config:
    where = f"{file}: " if file else ""
    values: dict[str, dict[str, object]] = {}
    for section, content in raw.items():
        if section in _ARRAYS:
            continue
        if section not in _SCHEMA:
            known = ", ".join([f"[{s}]" for s in _SCHEMA] + [f"[[{s}]]" for s in _ARRAYS])
            raise ConfigError(f"{where}unknown section [{section}] (known: {known})")
        if not isinstance(content, dict):
            raise ConfigError(f"{where}'{section}' must be a section [{section}]")
        checked = {}
        for key, value in content.items():
            name = f"{section}.{key}"
            if key not in _SCHEMA[section]:
                known = ", ".join(_SCHEMA[section])
                raise ConfigError(f"{where}unknown key '{name}' (known in [{section}]: {known})")
            checked[key] = _check_value(name, value, _SCHEMA[section][key][0], where)
        values[section] = checked

    def get(section: str, key: str):
        return values.get(section, {}).get(key, _SCHEMA[section][key][1])

    port = get("server", "port")
    if not 0 < port < 65536:
        raise ConfigError(f"{where}'server.port' must be between 1 and 65535, got {port}")
    for name, least in _MINIMUM.items():
        value = get(*name.split("."))
        if value is not None and value < least:
            raise ConfigError(f"{where}'{name}' must be at least {least}, got {value}")
    public_url = _public_url(get("server", "public_url"), "server.public_url", where)
    fetch = FetchSettings(
        folder=base / get("fetch", "folder"),
        delay=float(get("fetch", "delay")),
        timeout=float(get("fetch", "timeout")),
        retries=get("fetch", "retries"),
        retry_wait=float(get("fetch", "retry_wait")),
        max_bytes=get("fetch", "max_bytes"),
        contact=get("fetch", "contact").strip(),
    )
    sites = _sites(raw.get("sites", []), fetch.folder, where)
    index_path = base / get("index", "path")
    alerts, smtp = _alert_settings(get, index_path, public_url, where, base)
    ocr_cache = get("ocr", "cache").strip()
    ocr = OcrSettings(
        enabled=get("ocr", "enabled"),
        cache=base / ocr_cache if ocr_cache else index_path.parent / "ocr-cache",
        dpi=min(get("ocr", "dpi"), 600),
        page_seconds=float(get("ocr", "page_seconds")),
    )
    sources = [(base / p) for p in get("sources", "paths")]
    municipalities = {base / p: name.strip() for p, name in get("sources", "municipality").items()}
    for source in sources if sites else ():
        if source == fetch.folder or source in fetch.folder.parents:
            raise ConfigError(
                f"{where}'sources.paths' holds {source}, which contains the fetch folder "
                f"{fetch.folder}: its attachments would be read as minutes. Each site's "
                "meetings are a source already; list only other folders."
            )
    for site in sites:
        sources.append(site.meetings_folder)
        municipalities[site.meetings_folder] = site.municipality
    return Config(
        sources=sources,
        municipalities=municipalities,
        index_path=index_path,
        host=get("server", "host"),
        port=port,
        file=file,
        reindex_workers=get("reindex", "workers"),
        time_limit=get("reindex", "time_limit"),
        memory_limit=get("reindex", "memory_limit"),
        attachments=get("reindex", "attachments"),
        public_url=public_url,
        connection_limit=get("server", "connection_limit"),
        request_timeout=get("server", "request_timeout"),
        trusted_proxies=get("server", "trusted_proxies"),
        workers=get("server", "workers"),
        cache_mb=get("server", "cache_mb"),
        rate_limit_api=get("limits", "api").strip(),
        rate_limit_pages=get("limits", "pages").strip(),
        search_seconds=get("limits", "search_seconds"),
        sites=tuple(sites),
        fetch=fetch,
        alerts=alerts,
        smtp=smtp,
        ocr=ocr,
    )


def _public_url(value: str, name: str, where: str) -> str:
    value = value.strip()
    if value and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", value):
        raise ConfigError(
            f"{where}'{name}' must be an http(s) address like "
            f"'https://moeder.example.dk/', got {value!r}"
        )
    return value


def beside_index(config: Config, suffix: str) -> Path:
    """A file beside the index folder named after it: index -> index-alerts.sqlite3."""
    return config.index_path.with_name(f"{config.index_path.name}-{suffix}")


def _alert_settings(get, index_path: Path, public_url: str, where: str, base: Path):
    """[alerts] and [smtp]; the database and the secret file default to beside the index,
    the CA file is relative to the config file."""
    security = get("smtp", "security").strip().lower()
    if security not in ("starttls", "ssl", "none"):
        raise ConfigError(
            f"{where}'smtp.security' must be \"starttls\", \"ssl\" or \"none\", got {security!r}"
        )
    database, secret_file = get("alerts", "database"), get("alerts", "secret_file")
    alerts = AlertSettings(
        database=index_path.parent / database if database else None,
        public_url=_public_url(get("alerts", "public_url"), "alerts.public_url", where)
        or public_url,
        secret_env=get("alerts", "secret_env").strip(),
        secret_file=index_path.parent / secret_file if secret_file else None,
        signup_limit=get("alerts", "signup_limit").strip(),
        address_limit=get("alerts", "address_limit"),
        unconfirmed_days=get("alerts", "unconfirmed_days"),
        after_reindex=get("alerts", "after_reindex"),
        max_items=get("alerts", "max_items"),
    )
    smtp = SmtpSettings(
        host=get("smtp", "host").strip(),
        port=get("smtp", "port"),
        security=security,
        user=get("smtp", "user").strip(),
        password_env=get("smtp", "password_env").strip(),
        sender=get("smtp", "from").strip(),
        timeout=float(get("smtp", "timeout")),
        ca_file=base / ca_file if (ca_file := get("smtp", "ca_file").strip()) else None,
    )
    if smtp.ca_file and not smtp.ca_file.is_file():
        raise ConfigError(f"{where}'smtp.ca_file' is no file: {smtp.ca_file}")
    if smtp.host and not smtp.sender:
        raise ConfigError(f"{where}'smtp.from' must name the sender when 'smtp.host' is set")
    return alerts, smtp


def _sites(raw_sites, mirror: Path, where: str) -> list[Site]:
    """The [[sites]] tables, checked like the sections: unknown keys refused, each
    problem named with the key and the site's number (1 for the first)."""
    schema = _ARRAYS["sites"]
    if not isinstance(raw_sites, list) or not all(isinstance(t, dict) for t in raw_sites):
        raise ConfigError(f"{where}'sites' must be tables [[sites]], one per site")
    sites: list[Site] = []
    folders: dict[str, str] = {}
    for number, table in enumerate(raw_sites, start=1):
        at = f"{where}[[sites]] number {number}: "
        values = {}
        for key, value in table.items():
            if key not in schema:
                known = ", ".join(schema)
                raise ConfigError(f"{at}unknown key 'sites.{key}' (known in [[sites]]: {known})")
            values[key] = _check_value(f"sites.{key}", value, schema[key][0], at)
        for key, (_, default) in schema.items():
            if key not in values:
                if default is _REQUIRED:
                    raise ConfigError(f"{at}'sites.{key}' is missing")
                values[key] = default
        url = values["url"].strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"{at}'sites.url' must be the site's address, like "
                f'"https://dagsordener.greve.dk", got {values["url"]!r}'
            )
        if parts.query or parts.fragment:
            raise ConfigError(f"{at}'sites.url' must not have a query or fragment: {url!r}")
        municipality = values["municipality"].strip()
        if not municipality:
            raise ConfigError(f"{at}'sites.municipality' must name the municipality")
        groups = tuple(g.strip() for g in values["groups"] if g.strip())
        if values["groups"] and not groups:
            raise ConfigError(f"{at}'sites.groups' must name at least one committee group")
        name = site_folder_name(url)
        if name in folders:
            raise ConfigError(f"{at}'sites.url' {url!r} is already the site {folders[name]!r}")
        folders[name] = url
        sites.append(
            Site(
                url=url,
                municipality=municipality,
                groups=groups,
                since=values["since"],
                attachments=values["attachments"],
                folder=mirror / name,
            )
        )
    return sites


def municipality_for(path: Path, municipalities: dict[Path, str]) -> str:
    """The configured municipality of a source file: the entry for the nearest folder
    above it (or the file itself); "" when none is configured."""
    path = Path(path)
    best, depth = "", -1
    for folder, name in municipalities.items():
        folder = Path(folder)
        if (path == folder or folder in path.parents) and len(folder.parts) > depth:
            best, depth = name, len(folder.parts)
    return best
