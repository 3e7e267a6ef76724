"""One error shape for every endpoint: {"error": {"code": ..., "message": ...}}.

The JSON API (/api/...) always answers errors in that shape, as does any other address
when the client does not prefer HTML; a browser gets the HTML error page (the pages'
error.html when it can be rendered, a minimal page otherwise). Nothing a client sends
ends in a 500, and a real 500 never shows a traceback.
"""

from __future__ import annotations

import re

from flask import Flask, jsonify, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from ..engine import IndexNotFound, SearchStopped
from ..query import BadRequest
from ..safetext import printable

_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    414: "uri_too_long",
    429: "too_many_requests",
    431: "request_header_fields_too_large",
    500: "internal_error",
    503: "index_unavailable",
}

_MESSAGES = {
    404: "No such address.",
    405: "This address does not take that method.",
    413: "The request is too large.",
    500: "Something went wrong on our side; it has been logged.",
}

# For people in a browser, in Danish.
_HTML_MESSAGES = {
    404: "Vi kan ikke finde noget på den adresse. Den kan være skrevet forkert, eller "
    "indholdet kan være fjernet ved en ny indeksering.",
    405: "Adressen kan ikke bruges sådan.",
    413: "Forespørgslen er for stor.",
    429: "Der er kommet mange forespørgsler fra din adresse på kort tid. Vent et øjeblik, "
    "og prøv igen.",
    500: "Der skete en fejl hos os. Den er skrevet i loggen; prøv igen om lidt.",
    503: "Der er endnu ingen indeksering af referaterne. Prøv igen om lidt.",
}

_TITLES = {
    400: "Forespørgslen kan ikke bruges",
    404: "Siden findes ikke",
    405: "Forespørgslen kan ikke bruges",
    413: "Forespørgslen er for stor",
    429: "For mange forespørgsler",
    500: "Der skete en fejl",
    503: "Søgningen er ikke klar endnu",
}


def wants_json() -> bool:
    """JSON for the API and the feed (read by programs), else as the client prefers."""
    if request.path in ("/api", "/feed") or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best != "text/html"


def error_json(status: int, code: str, message: str, headers=None):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status: int, code: str, message: str, headers=None, *,
                   html: tuple[str, str] | None = None):  # fmt: skip
    """The error as JSON, or as an HTML page for a browser (`html`: its title and
    message in Danish, when the status's usual ones do not fit)."""
    if wants_json():
        return error_json(status, code, message, headers)
    title = _TITLES.get(status, "Der skete en fejl")
    message = _HTML_MESSAGES.get(status, message)
    if html:
        title, message = html
    try:
        body = render_template("error.html", title=title, message=message, q="")
    except Exception:  # noqa: BLE001 - no pages blueprint, or a broken template
        body = (
            f'<!doctype html><html lang="da"><meta charset="utf-8"><title>{escape(title)}'
            f"</title><h1>{escape(title)}</h1><p>{escape(message)}</p></html>"
        )
    response = Flask.response_class(body, status=status, mimetype="text/html")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _code_of(exc: HTTPException) -> str:
    if exc.code in _CODES:
        return _CODES[exc.code]
    return re.sub(r"[^a-z0-9]+", "_", (exc.name or "error").lower()).strip("_")


def _http_error(exc: HTTPException):
    status = exc.code or 500
    headers = {}
    allowed = getattr(exc, "valid_methods", None)
    if allowed:
        headers["Allow"] = ", ".join(allowed)
    custom = exc.description and exc.description != type(exc).description
    message = exc.description if custom else _MESSAGES.get(status) or exc.description
    return error_response(status, _code_of(exc), message or exc.name, headers)


def _bad_request(exc: BadRequest):
    return error_response(400, exc.code, exc.message)


def _no_index(exc: IndexNotFound):
    return error_response(
        503,
        "index_unavailable",
        "The search index is not built yet; try again in a moment.",
        {"Retry-After": "60"},
    )


def _unexpected(exc: Exception):
    from flask import current_app

    current_app.logger.exception(
        "unhandled error on %s %s", printable(request.method), printable(request.path)
    )
    return error_response(500, "internal_error", _MESSAGES[500])


def _stopped(exc: SearchStopped):
    from .budget import ClientGone, SearchBusy

    if isinstance(exc, ClientGone):
        # Nobody reads this answer; the search stopped using the CPU, which was the point.
        return error_response(503, "client_gone", str(exc))
    if isinstance(exc, SearchBusy):
        return error_response(
            503,
            "search_busy",
            f"The search was not run: {exc}. Try again in a moment, or narrow it down "
            "(fewer words with *, fewer OR).",
            {"Retry-After": "2"},
            html=(
                "Søgningen venter",
                "En anden stor søgning er i gang. Prøv igen om et øjeblik, eller gør "
                "søgningen mere præcis, fx med færre ord med * eller færre ELLER.",
            ),
        )
    seconds = exc.args[0] if exc.args else ""
    return error_response(
        503,
        "search_timeout",
        f"The search was stopped: {seconds}. Narrow it down (fewer words with *, fewer "
        "OR), or try again in a moment.",
        {"Retry-After": "5"},
        html=(
            "Søgningen tog for lang tid",
            "Søgningen blev stoppet, fordi den tog for lang tid. Gør den mere præcis, fx "
            "med færre ord med * eller færre ELLER, eller prøv igen om lidt.",
        ),
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(BadRequest, _bad_request)
    app.register_error_handler(IndexNotFound, _no_index)
    app.register_error_handler(SearchStopped, _stopped)
    app.register_error_handler(Exception, _unexpected)
