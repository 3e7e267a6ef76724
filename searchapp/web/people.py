"""Meetings and people: who took part, who was away, where each stood.

Each view computes its record once (people.records, from the items the engine holds)
and answers it as JSON under /api or renders the very same dict as a page, which links
its JSON twin. A meeting is known by its id (models.meeting_id:
"greve-byraad-2024-01-29"), a person by theirs (people.records.person_id:
"greve-liselott-blixt").
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from ..people.records import meeting_record, person_record
from ..results import ItemSummary, Links
from . import get_engine
from .pages import _error_page

bp = Blueprint("people", __name__)

MAX_ID_LENGTH = 300


def _summary():
    """An item as the records list it: its summary and its links."""
    links = Links(current_app.config["SEARCHAPP"].sources)
    return lambda item: ItemSummary.of(item, links).to_dict()


def _meeting(meeting_id: str) -> dict | None:
    if len(meeting_id) > MAX_ID_LENGTH:
        return None
    engine = get_engine()
    return meeting_record(engine.meeting_items(meeting_id), _summary(), engine.parties_seen)


def _person(person_id: str) -> dict | None:
    if len(person_id) > MAX_ID_LENGTH:
        return None
    return person_record(person_id, get_engine().person_items(person_id), _summary())


@bp.get("/api/meetings/<meeting_id>")
def meeting_json(meeting_id: str):
    record = _meeting(meeting_id)
    if record is None:
        abort(404, description=f"No meeting with id {meeting_id!r}.")
    return jsonify(record)


@bp.get("/meetings/<meeting_id>")
def meeting(meeting_id: str):
    record = _meeting(meeting_id)
    if record is None:
        return _error_page(
            404,
            "Mødet findes ikke",
            "Vi kan ikke finde et møde med den adresse. Det kan være fjernet ved en ny "
            "indeksering, eller adressen er skrevet forkert.",
        )
    return render_template(
        "meeting.html",
        meeting=record,
        json_url=url_for("people.meeting_json", meeting_id=record["id"]),
        q=request.args.get("q", ""),
    )


@bp.get("/api/people/<person_id>")
def person_json(person_id: str):
    record = _person(person_id)
    if record is None:
        abort(404, description=f"No person with id {person_id!r}.")
    return jsonify(record)


@bp.get("/people/<person_id>")
def person(person_id: str):
    record = _person(person_id)
    if record is None:
        return _error_page(
            404,
            "Personen findes ikke",
            "Vi kan ikke finde en person med den adresse i referaternes deltagerlister "
            "eller holdninger.",
        )
    return render_template(
        "person.html",
        person=record,
        json_url=url_for("people.person_json", person_id=record["id"]),
        search_url=url_for("pages.search", person=record["id"]),
        q=request.args.get("q", ""),
    )
