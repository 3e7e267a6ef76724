"""The JSON API, the CSV export and the source PDFs: thin over the search engine.

Every view turns the query string into a SearchRequest (which checks it), asks the
engine, and returns what it got: the JSON is the result's dict as it is, so the HTML
pages can render the very same data. Errors are raised and shaped by errors.py.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file
from werkzeug.security import safe_join

from ..query import SearchRequest
from ..results import CSV_COLUMNS
from . import get_engine
from .budget import search_budget, search_slot
from .openapi import build_spec

bp = Blueprint("api", __name__)

CSV_FILENAME = "soegning.csv"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@bp.get("/api/search")
def search():
    search_request = SearchRequest.from_params(request.args)
    with search_slot(search_request.q):
        result = get_engine().search(search_request, budget=search_budget())
    return jsonify(result.to_dict())


def export_request() -> SearchRequest:
    """The search of an export: every matching item, so page and per_page, which the
    pages and the JSON send along, are accepted whatever they say and left out."""
    params = request.args.copy()
    for paging in ("page", "per_page"):
        params.poplist(paging)
    return SearchRequest.from_params(params)


def _cell(value) -> str:
    """A CSV cell Excel will not run as a formula (OWASP: prefix with a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_cell(v) for v in values])
    return buffer.getvalue()


@bp.get("/api/search.csv")
def search_csv():
    """Every matching item, streamed, UTF-8 with a BOM for Excel."""
    search_request = export_request()
    rows = get_engine().rows(search_request)
    first = next(rows, None)  # errors (no index) surface now, before the 200 is sent

    def generate():
        yield "\ufeff" + _csv_line(CSV_COLUMNS)
        if first is None:
            return
        yield _csv_line(first[c] for c in CSV_COLUMNS)
        for row in rows:
            yield _csv_line(row[c] for c in CSV_COLUMNS)

    response = Response(generate(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{CSV_FILENAME}"'
    response.call_on_close(rows.close)
    return response


@bp.get("/api/items/<item_id>")
def item(item_id: str):
    engine = get_engine()
    found = engine.item(item_id)
    if found is None:
        abort(404, description=f"No agenda item with id {item_id!r}.")
    return jsonify(engine.item_view(found))


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(build_spec(server_url=request.script_root or "/"))


@bp.get("/api")
@bp.get("/api/")
def index():
    return jsonify(
        {
            "search": "/api/search",
            "csv": "/api/search.csv",
            "item": "/api/items/{id}",
            "meeting": "/api/meetings/{id}",
            "person": "/api/people/{id}",
            "openapi": "/api/openapi.json",
        }
    )


def source_path(path: str, sources) -> Path | None:
    """The PDF `path` names inside one of the source folders, or None: never a file
    outside them (no "..", no absolute path, no symlink leading out), never a hidden
    one, only PDFs."""
    if not path or "\x00" in path or "\\" in path:
        return None
    parts = path.split("/")
    if any(part.startswith(".") for part in parts) or not path.lower().endswith(".pdf"):
        return None
    for root in sources:
        joined = safe_join(str(root), path)
        if joined is None:
            continue
        real_root = os.path.realpath(root)
        real = os.path.realpath(joined)
        if os.path.commonpath([real, real_root]) != real_root:
            continue
        if real.lower().endswith(".pdf") and os.path.isfile(real):
            return Path(real)
    return None


@bp.get("/files/<path:path>")
def source_file(path: str):
    found = source_path(path, current_app.config["SEARCHAPP"].sources)
    if found is None:
        abort(404, description="No such source file.")
    return send_file(
        found, mimetype="application/pdf", download_name=found.name, conditional=True, max_age=3600
    )
