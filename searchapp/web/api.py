"""The JSON API, the CSV export and the source PDFs: thin over the search engine.

Every view turns the query string into a SearchRequest (which checks it), asks the
engine, and returns what it got: the JSON is the result's dict as it is, so the HTML
pages can render the very same data. Errors are raised and shaped by errors.py.
"""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    request,
    send_file,
    stream_with_context,
)
from werkzeug.security import safe_join

from ..query import SearchRequest
from ..results import CSV_COLUMNS
from . import export, external_url, get_engine
from .budget import search_budget, search_slot
from .openapi import build_spec

bp = Blueprint("api", __name__)



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


def _absolute(rows):
    """Export rows with absolute links: a file taken away still leads to the items."""
    for row in rows:
        for key in export.LINKS:
            if row.get(key):
                row[key] = external_url(row[key])
        yield row


@bp.get("/api/search.csv")
def search_csv():
    """Every matching item, streamed, UTF-8 with a BOM for Excel."""
    search_request = export_request()
    rows = get_engine().rows(search_request)
    first = next(rows, None)  # errors (no index) surface now, before the 200 is sent
    head = [first] if first is not None else []
    lines = export.csv_lines(CSV_COLUMNS, _absolute(itertools.chain(head, rows)))
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = export.attachment(
        export.export_name(request.args, "csv")
    )
    response.call_on_close(rows.close)
    return response


@bp.get("/api/search.xlsx")
def search_xlsx():
    """Every matching item as a spreadsheet (export.write_xlsx)."""
    search_request = export_request()
    rows = get_engine().rows(search_request)
    about = [("Søgning", search_request.q or "(alle punkter)"),
             ("Adresse", external_url(request.full_path.rstrip("?"))),
             ("Hentet", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))]  # fmt: skip
    try:
        book = export.write_xlsx(_absolute(rows), about)
    finally:
        rows.close()
    name = export.export_name(request.args, "xlsx")
    response = send_file(book, mimetype=export.XLSX_MIMETYPE, download_name=name,
                         as_attachment=True, max_age=0)  # fmt: skip
    response.headers["Content-Disposition"] = export.attachment(name)
    return response


@bp.get("/api/items/<item_id>")
def item(item_id: str):
    engine = get_engine()
    found = engine.item(item_id)
    if found is None:
        abort(404, description=f"No agenda item with id {item_id!r}.")
    return jsonify(engine.item_view(found))


@bp.get("/api/stats")
def stats():
    """This server process's own counts (each worker of `serve` keeps its own, hence the
    pid): searches, and those that fell back to plain words, which are also logged with
    the query and the reason; and what its engine keeps decoded in memory."""
    engine = get_engine()
    return jsonify({"generation": engine.generation, "pid": os.getpid(), **engine.stats()})


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
            "xlsx": "/api/search.xlsx",
            "item": "/api/items/{id}",
            "meeting": "/api/meetings/{id}",
            "person": "/api/people/{id}",
            "stats": "/api/stats",
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
