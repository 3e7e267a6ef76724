"""Requests per client address (Flask-Limiter): one budget for the JSON API, the CSV
and the PDFs, one for the HTML pages and the feed; the static files are free.

A client past its budget gets 429 with `Retry-After` (seconds until its window has
room again) in the usual error shape. The address is the connection's, or, behind
`server.trusted_proxies` reverse proxies, the one they put in X-Forwarded-For (never
trusted otherwise: anyone can send that header). Counts are kept in memory, per
process: `searchapp serve` is one process.
"""

from __future__ import annotations

import math
import time

from flask import Flask
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import Config, ConfigError
from .errors import error_response

EXTENSION = "searchapp.limiter"


def check_limit(name: str, value: str) -> None:
    """Refuse a limit Flask-Limiter could not read (it would silently apply none)."""
    if not value:
        return
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(
            f"'{name}' must be a rate limit like '10 per second; 300 per minute', got {value!r}"
        ) from None


def init_app(app: Flask, config: Config) -> None:
    check_limit("limits.api", config.rate_limit_api)
    check_limit("limits.pages", config.rate_limit_pages)
    if config.trusted_proxies:
        n = config.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0, x_prefix=n)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://",
                      headers_enabled=False, strategy="moving-window")  # fmt: skip
    app.extensions[EXTENSION] = limiter
    for blueprint, value in (("api", config.rate_limit_api), ("pages", config.rate_limit_pages)):
        if value:
            limiter.shared_limit(value, scope=blueprint)(app.blueprints[blueprint])
    app.register_error_handler(RateLimitExceeded, _too_many)


def _too_many(exc: RateLimitExceeded):
    from flask import current_app

    limiter: Limiter = current_app.extensions[EXTENSION]
    breached = limiter.current_limit
    wait = 1
    if breached is not None:
        wait = max(1, math.ceil(breached.reset_at - time.time()))
    return error_response(
        429,
        "too_many_requests",
        f"Too many requests from your address (at most {exc.description}); "
        f"try again in {wait} s.",
        {"Retry-After": str(wait)},
    )
