"""The config file: read once, checked strictly, paths made absolute.

A wrong key is a typo an admin will not spot in a traceback, so every problem names
the key it is about.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ENV_VAR = "SEARCHAPP_CONFIG"
DEFAULT_FILE = "config.toml"


class ConfigError(Exception):
    """The config file is missing, unreadable or wrong; the message says where."""


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
    # [server]: the address subscribers and links use ("https://moeder.example.dk/"),
    # never the Host header of a request; "" for http://host:port/.
    public_url: str = ""
    connection_limit: int = 1000  # open connections waitress keeps
    request_timeout: int = 10  # seconds a client may take to send its request
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For counts
    # [limits]: requests per client address, in Flask-Limiter's notation; "" for none.
    rate_limit_api: str = "10 per second; 120 per minute"
    rate_limit_pages: str = "10 per second; 120 per minute"


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
    },
    "reindex": {"workers": (int, None), "time_limit": (int, 120), "memory_limit": (int, 1024)},
    "limits": {
        "api": (str, "10 per second; 120 per minute"),
        "pages": (str, "10 per second; 120 per minute"),
    },
}

# Keys that must be at least 1 (and the smallest value each may take).
_MINIMUM = {
    "server.connection_limit": 1,
    "server.request_timeout": 1,
    "server.trusted_proxies": 0,
    "reindex.workers": 1,
    "reindex.time_limit": 1,
    "reindex.memory_limit": 64,  # a worker needs about 60 MB before it reads anything
}

_TYPE_NAMES = {
    list: "a list of strings",
    dict: "a table of strings (path = name)",
    str: "a string",
    int: "an integer",
}


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
        if section not in _SCHEMA:
            known = ", ".join(f"[{s}]" for s in _SCHEMA)
            raise ConfigError(f"{where}unknown section [{section}] (known: {known})")
        if not isinstance(content, dict):
            raise ConfigError(f"{where}'{section}' must be a section [{section}]")
        for key, value in content.items():
            name = f"{section}.{key}"
            if key not in _SCHEMA[section]:
                known = ", ".join(_SCHEMA[section])
                raise ConfigError(f"{where}unknown key '{name}' (known in [{section}]: {known})")
            expected = _SCHEMA[section][key][0]
            ok = isinstance(value, expected) and not isinstance(value, bool)
            if expected is list:
                ok = ok and all(isinstance(v, str) for v in value)
            if expected is dict:
                ok = ok and all(isinstance(v, str) and v.strip() for v in value.values())
            if not ok:
                raise ConfigError(f"{where}'{name}' must be {_TYPE_NAMES[expected]}, got {value!r}")
        values[section] = content

    def get(section: str, key: str):
        return values.get(section, {}).get(key, _SCHEMA[section][key][1])

    port = get("server", "port")
    if not 0 < port < 65536:
        raise ConfigError(f"{where}'server.port' must be between 1 and 65535, got {port}")
    for name, least in _MINIMUM.items():
        value = get(*name.split("."))
        if value is not None and value < least:
            raise ConfigError(f"{where}'{name}' must be at least {least}, got {value}")
    public_url = get("server", "public_url").strip()
    if public_url and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", public_url):
        raise ConfigError(
            f"{where}'server.public_url' must be an http(s) address like "
            f"'https://moeder.example.dk/', got {public_url!r}"
        )
    return Config(
        sources=[(base / p) for p in get("sources", "paths")],
        municipalities={
            base / p: name.strip() for p, name in get("sources", "municipality").items()
        },
        index_path=base / get("index", "path"),
        host=get("server", "host"),
        port=port,
        file=file,
        reindex_workers=get("reindex", "workers"),
        time_limit=get("reindex", "time_limit"),
        memory_limit=get("reindex", "memory_limit"),
        public_url=public_url,
        connection_limit=get("server", "connection_limit"),
        request_timeout=get("server", "request_timeout"),
        trusted_proxies=get("server", "trusted_proxies"),
        rate_limit_api=get("limits", "api").strip(),
        rate_limit_pages=get("limits", "pages").strip(),
    )


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
