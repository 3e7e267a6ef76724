"""The web app: an application factory in the style of Flask's tutorial (flaskr).

Nothing is created at import time. `create_app` builds the app, opens the search
engine once (engine.open_engine: it serves the generation in use and picks up a new
one by itself, so a reindex is served without a restart), sets the security headers
and registers one blueprint per surface. The engine does the work; the blueprints only
turn requests into SearchRequests and results into responses.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from ..config import Config, config_from_dict, load_config

# The search engine of this app, in app.extensions (see get_engine()).
EXTENSION = "searchapp"

MAX_CONTENT_LENGTH = 64 * 1024  # the app takes no uploads: GET requests only

# No inline script or style, nothing from elsewhere, not framed by anyone.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])  # fmt: skip

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _config_of(config: Config | dict | None) -> tuple[Config, dict]:
    """(the searchapp Config, Flask settings) from what create_app was given:
    a Config; a dict with the config file's sections ("sources", "index", "server")
    and/or Flask settings (upper case, e.g. TESTING) and/or "SEARCHAPP" (a Config);
    or None: the config file (--config, $SEARCHAPP_CONFIG, ./config.toml)."""
    if config is None:
        return load_config(), {}
    if isinstance(config, Config):
        return config, {}
    flask_settings = {k: v for k, v in config.items() if k.isupper() and k != "SEARCHAPP"}
    sections = {k: v for k, v in config.items() if not k.isupper()}
    if isinstance(config.get("SEARCHAPP"), Config):
        return config["SEARCHAPP"], flask_settings
    return config_from_dict(sections, base=Path(os.getcwd())), flask_settings


class _App(Flask):
    def make_default_options_response(self):
        """OPTIONS: 204 and the Allow header, not an empty 200 text/html page."""
        response = super().make_default_options_response()
        response.status_code = 204
        response.headers.pop("Content-Type", None)
        return response


def create_app(config: Config | dict | None = None) -> Flask:
    from ..engine import open_engine
    from ..logs import configure_logging
    from . import alerts, api, errors, limits, pages, people

    configure_logging()
    settings, flask_settings = _config_of(config)
    app = _App(__name__, static_folder="../static", template_folder="../templates")
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
        SEARCHAPP=settings,
    )
    app.config.update(flask_settings)
    app.json.sort_keys = False  # keys in the documented order
    app.json.ensure_ascii = False
    app.extensions[EXTENSION] = open_engine(settings.index_path, settings.sources,
                                            cache_mb=settings.cache_mb)  # fmt: skip

    errors.init_app(app)
    app.after_request(_security_headers)

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(people.bp)
    limits.init_app(app, settings)
    alerts.init_app(app, settings)
    return app


def get_engine(app: Flask | None = None):
    """The search engine (engine.SearchEngine) of the app (default: the current one)."""
    if app is None:
        from flask import current_app

        app = current_app
    return app.extensions[EXTENSION]


def public_base(config: Config) -> str:
    """Where the app's "/" is for the world, ending in "/": server.public_url, else the
    address it listens on. Never the Host header a client sent: a feed cached by a
    reader would carry links to whatever host an attacker named."""
    if config.public_url:
        return config.public_url.rstrip("/") + "/"
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"http://{host}:{config.port}/"


def external_url(url: str) -> str:
    """An absolute link for a path the app made (url_for): on the public base URL."""
    from flask import current_app, request

    path = url.removeprefix(request.script_root) if request else url
    return public_base(current_app.config["SEARCHAPP"]) + path.lstrip("/")


def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if "Cache-Control" not in response.headers:
        # Searches and pages answer from whichever generation is current: a cache may
        # keep them, but must ask again before reusing one. Errors are not kept.
        response.headers["Cache-Control"] = "no-cache" if response.status_code < 400 else "no-store"
    return response
