"""The OpenAPI 3.0 description of the JSON API, /api/openapi.json.

Built from the same constants the request validation uses (limits, statuses, sorts),
so the description cannot drift from what the API accepts; tests/test_openapi.py runs
it against the app with schemathesis.
"""

from __future__ import annotations

import dataclasses
import types
import typing

from ..models import (
    POSITION_LABELS,
    POSITIONS,
    ROLES,
    SECTION_KINDS,
    STATUS_LABELS,
    STATUSES,
    AgendaItem,
    Participant,
    Position,
    Section,
)
from ..people.records import DISSENT
from ..query import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_LENGTH,
    MAX_VALUE_LENGTH,
    MAX_VALUES,
    MAX_WINDOW,
    POSITION_VALUES,
    SORTS,
)
from ..querytree import ATTACHMENT_SCOPES
from ..results import CSV_COLUMNS
from .export import XLSX_MIMETYPE
from .feed import FEED_SIZE

# casenumbers' forms for JSON Schema (ECMA 262: no flags, so letters in both cases).
CASE_PATTERN = (
    "^([Ss][Aa][Gg]-[0-9]{4}-[0-9]{1,8}|[Ee][Mm][Nn]-[0-9]{4}-[0-9]{1,8}"
    "|[0-9]{2}[.][0-9]{2}[.][0-9]{2}-[A-Za-zÆØÅæøå][0-9]{2}-[0-9]{1,6}-[0-9]{2}"
    "|[0-9]{4}-[0-9]{1,8}|[0-9]{2}-[0-9]{4,8}[A-Za-z]?|[0-9]{2}/[0-9]{3,8})$"
)

QUERY_SYNTAX = """\
Words: all must match (Danish stemming, so "kommune" finds "kommunerne"; compounds are
split, so "reform" finds "ældrereformen"). "A phrase" in double quotes; `OR` / `ELLER`;
`NOT` / `IKKE` or a leading `-` to exclude; `word*` for a prefix; field prefixes
`titel:`, `resume:`, `baggrund:`, `sagsfremstilling:`, `indstilling:`, `beslutning:`,
`sagsforløb:` (`sagsforloeb:`), `økonomi:` (`oekonomi:`), `bilag:`, `tekst:`,
`kommune:` (municipality, part of its name), `udvalg:` (committee, part of its name),
`status:` (a status or its Danish label),
`sag:` (a case number in any form: "SAG-2025-01103" or "2025-01103", "EMN-2025-003383",
"21-014420K", "12/27845", "00.01.00-A00-1-24"). A query the parser cannot
take is searched as plain words."""


_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}
# The enumerations of the model, by (dataclass, field).
_ENUMS = {(Section, "kind"): list(SECTION_KINDS), (Participant, "role"): list(ROLES),
          (Position, "position"): list(POSITIONS)}  # fmt: skip


def _type_schema(hint, owner=None, name: str = "") -> dict:
    """The JSON Schema of a field's type: str, int, float, bool, their lists, one of
    them or None, and the model's own dataclasses."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        return {**_type_schema(args[0], owner, name), "nullable": True}
    if typing.get_origin(hint) is list:
        return {"type": "array", "items": _type_schema(args[0], owner, name)}
    if dataclasses.is_dataclass(hint):
        return _object(_dataclass_properties(hint))
    out = {"type": _SCALARS[hint]}
    if (owner, name) in _ENUMS:
        out["enum"] = _ENUMS[(owner, name)]
    return out


def _dataclass_properties(cls, extra: dict | None = None) -> dict:
    """Every field of a model's dataclass, typed from its annotations, so the
    description follows the model (`extra` adds to or replaces a field's schema)."""
    hints = typing.get_type_hints(cls)
    props = {f.name: _type_schema(hints[f.name], cls, f.name) for f in dataclasses.fields(cls)
             if not f.metadata.get("transient")}  # fmt: skip
    for name, schema in (extra or {}).items():
        props[name] = {**props[name], **schema} if "type" not in schema else schema
    return props


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _array_param(name: str, items: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "description": description + " Repeat the parameter for several values (OR).",
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": items, "maxItems": MAX_VALUES},
    }


SEARCH_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "description": "The search words; empty lists every item. " + QUERY_SYNTAX,
        "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    },
    _array_param(
        "municipality",
        {"type": "string", "maxLength": MAX_VALUE_LENGTH},
        "Only items of this municipality, region or KL body (its name, as in the "
        "municipality facet: 'Aarhus Kommune').",
    ),
    _array_param(
        "committee",
        {"type": "string", "maxLength": MAX_VALUE_LENGTH},
        "Only items of this committee (exact name, as in the committee facet).",
    ),
    _array_param(
        "status", {"type": "string", "enum": list(STATUSES)}, "Only items with this decision."
    ),
    _array_param(
        "year",
        {"type": "string", "pattern": "^(19|20)[0-9]{2}$"},
        "Only items of meetings in this year.",
    ),
    _array_param(
        "party",
        {"type": "string", "maxLength": MAX_VALUE_LENGTH},
        "Only items where this party (or one of its members) took a stand in one of the "
        "positions asked for, by default a dissenting one (" + ", ".join(DISSENT) + "): "
        "its letter (A, B, C, D, F, I, K, M, O, Q, V, Æ, Ø, Å, a local list's, UP for "
        "members outside the parties) or its name ('Enhedslisten', 'SF').",
    ),
    _array_param(
        "position",
        {"type": "string", "enum": list(POSITION_VALUES)},
        "The stands the party and person filters go by; alone, only items where anyone "
        "took one. 'dissent' is " + ", ".join(DISSENT) + ". Stands are read from the "
        "decision's sentences ('(A), (Ø) og (F) stemte imod', 'Socialdemokratiet tog "
        "forbehold'); an item without such sentences has none.",
    ),
    _array_param(
        "person",
        {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)+$", "maxLength": MAX_VALUE_LENGTH},
        "Only items where this person (their id, as /api/people gives it: "
        "'greve-liselott-blixt') is named in a stand, in one of the positions asked for.",
    ),
    {
        "name": "from",
        "in": "query",
        "description": "Only meetings on or after this day (YYYY-MM-DD).",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "to",
        "in": "query",
        "description": "Only meetings on or before this day (YYYY-MM-DD); not before `from`.",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "case",
        "in": "query",
        "description": 'Only items of this case, in any form: "SAG-2025-01103" or "2025-01103", '
        '"EMN-2025-003383", "21-014420K", "12/27845", "00.01.00-A00-1-24".',
        "schema": {"type": "string", "pattern": CASE_PATTERN},
    },
    {
        "name": "attachments",
        "in": "query",
        "description": "Whether the items' attachments (bilag: the PDFs an item lists, "
        "their text read a page at a time) are searched: include (default; a word found "
        "only in an attachment finds its item, ranked below an item whose own text has "
        "it, and the hit's found_in names the attachment and page), exclude (the items' "
        "own text only), only (the words in the attachments; without words, the items "
        "with searchable attachments).",
        "schema": {"type": "string", "enum": list(ATTACHMENT_SCOPES), "default": "include"},
    },
    {
        "name": "sort",
        "in": "query",
        "description": "Order of the results. Default: relevance with words in `q`, "
        "date_desc (newest meeting first, then by item number) without.",
        "schema": {"type": "string", "enum": list(SORTS)},
    },
]

PAGING_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "description": f"Page number; page × per_page may not exceed {MAX_WINDOW}.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_WINDOW, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "description": "Results per page.",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PER_PAGE,
            "default": DEFAULT_PER_PAGE,
        },
    },
]

# The feed pages as the search does, FEED_SIZE entries a page unless told.
FEED_PAGING = [PAGING_PARAMETERS[0],
               {**PAGING_PARAMETERS[1],
                "schema": {**PAGING_PARAMETERS[1]["schema"], "default": FEED_SIZE}}]  # fmt: skip

_NULLABLE_STRING = {"type": "string", "nullable": True}
_STATUS = {"type": "string", "enum": list(STATUSES)}
_POSITION = {"type": "string", "enum": list(POSITIONS)}
_POSITION_LABEL = {"type": "string", "enum": [POSITION_LABELS[p] for p in POSITIONS]}
_PRESENT = {"type": "boolean", "nullable": True,
            "description": "false: afbud or fraværende; null: not known (an agenda)"}  # fmt: skip


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _facet_value(with_label: bool = False) -> dict:
    properties = {"value": {"type": "string"}}
    if with_label:
        properties["label"] = {"type": "string"}
    properties["count"] = {"type": "integer", "minimum": 1}
    return _object(properties)


SCHEMAS = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {
                        "type": "string",
                        "description": "For programs: invalid_parameter, not_found, "
                        "method_not_allowed, index_unavailable, internal_error ...",
                    },
                    "message": {"type": "string", "description": "For people."},
                }
            )
        }
    ),
    "Query": _object(
        {
            "q": {"type": "string"},
            "municipality": {"type": "array", "items": {"type": "string"}},
            "committee": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "array", "items": _STATUS},
            "year": {"type": "array", "items": {"type": "string"}},
            "party": {"type": "array", "items": {"type": "string"},
                      "description": "The parties' letters"},
            "position": {"type": "array", "items": _POSITION,
                         "description": "'dissent' given as what it stands for"},
            "person": {"type": "array", "items": {"type": "string"}},
            "from": {"type": "string", "format": "date", "nullable": True},
            "to": {"type": "string", "format": "date", "nullable": True},
            "case": _NULLABLE_STRING,
            "attachments": {"type": "string", "enum": list(ATTACHMENT_SCOPES)},
            "sort": {"type": "string", "enum": list(SORTS)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "interpreted": {
                **_object(
                    {
                        "words": {
                            "type": "string",
                            "description": "The words searched: q without the dates "
                            "read out of it; empty when nothing but a date was typed.",
                        },
                        "from": {"type": "string", "format": "date", "nullable": True},
                        "to": {"type": "string", "format": "date", "nullable": True},
                        "case": _NULLABLE_STRING,
                        "notes": {
                            "type": "array",
                            "items": _object({
                                "code": {"type": "string", "enum": ["prefix_too_short"]},
                                "text": {"type": "string"},
                                "message": {"type": "string"},
                            }),  # fmt: skip
                            "description": "What was typed but not searched, and why "
                            "(message: in Danish, for the person): a prefix of fewer "
                            "than 2 letters ('ø*').",
                        },
                    }
                ),
                "description": "How the search was understood. A date typed in Danish in "
                "q ('april 2025', '3. februar 2025', '11-04-2025'; not a bare year, not "
                "inside quotes) filters on the meeting date: from/to are that range "
                "intersected with the from/to parameters (a typed date that finds "
                "nothing is searched as words instead). case is the case number asked "
                "for, by the case parameter or in q ('sag 2025-01103').",
            },
        }
    ),
    "Hit": _object(
        {
            "id": {"type": "string"},
            "url": {"type": "string", "description": "The item's page."},
            "pdf_url": {
                **_NULLABLE_STRING,
                "description": "The source PDF at the item's first page; null when the "
                "source is not a PDF.",
            },
            "source_url": {
                **_NULLABLE_STRING,
                "description": "The item on the publishing site it came from, if any.",
            },
            "municipality": {"type": "string", "description": "'' when not known"},
            "committee": {"type": "string"},
            "meeting_id": {"type": "string", "description": "The same for every item of "
                           "a meeting: 'aarhus-byraad-2025-08-27'."},
            "meeting_url": {"type": "string", "description": "The meeting's page; its "
                            "record is /api/meetings/{meeting_id}."},
            "meeting_date": {"type": "string", "description": "YYYY-MM-DD"},
            "meeting_time": {"type": "string", "description": "'16:00'; '' when not known"},
            "place": {"type": "string"},
            "number": {"type": "string"},
            "title": {"type": "string"},
            "case_number": _NULLABLE_STRING,
            "status": _STATUS,
            "status_label": {"type": "string", "enum": [STATUS_LABELS[s] for s in STATUSES]},
            "closed": {"type": "boolean", "description": "A closed item: its title only."},
            "positions": {
                "type": "array",
                "description": "The stands the decision states, who and which.",
                "items": _object({
                    "position": _POSITION,
                    "position_label": _POSITION_LABEL,
                    "party": {"type": "string"},
                    "party_label": {"type": "string"},
                    "person": {"type": "string"},
                    "person_url": _NULLABLE_STRING,
                }),  # fmt: skip
            },
            "snippet": {
                "type": "string",
                "description": "HTML: escaped text with <mark> around the words found; "
                "from the attachment's page when found_in is set.",
            },
            "found_in": {
                **_object({
                    "title": {"type": "string"},
                    "page": {"type": "integer", "nullable": True},
                    "url": {**_NULLABLE_STRING, "description": "That page of the "
                            "attachment: /files/...#page=N, or the source's link."},
                    "label": {"type": "string", "description": "'Fundet i bilag: "
                              "<title>, side 12'"},
                }),  # fmt: skip
                "nullable": True,
                "description": "Set when the words are found in one of the item's "
                "attachments rather than its own text: which, and on which page.",
            },
            "score": {
                "type": "number",
                "nullable": True,
                "description": "Relevance (BM25F); null when sorted by date.",
            },
        }
    ),
    "Facets": _object(
        {
            "municipality": {"type": "array", "items": _facet_value()},
            "committee": {"type": "array", "items": _facet_value()},
            "year": {"type": "array", "items": _facet_value()},
            "status": {"type": "array", "items": _facet_value(with_label=True)},
            "party": {
                "type": "array",
                "items": _facet_value(with_label=True),
                "description": "Per party, the items where it took one of the positions "
                "asked for (by default a dissenting one: " + ", ".join(DISSENT) + ").",
            },
        }
    ),
    "SearchResult": _object(
        {
            "query": _ref("Query"),
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 0},
            "results": {"type": "array", "items": _ref("Hit"), "maxItems": MAX_PER_PAGE},
            "facets": {
                **_ref("Facets"),
            },
            "suggestion": {
                **_NULLABLE_STRING,
                "description": "The query with misspelt words corrected ('did you mean').",
            },
        }
    ),
    "Item": _object(
        {
            **_dataclass_properties(AgendaItem, {
                "status": _STATUS,
                "sections": {
                    "description": "The item's sections in the document's order, each "
                    "with the name the document gives it and its kind.",
                },
                "closed": {"description": "A closed item: its title only."},
                "source": {"description": "The name of the file it was read from (never "
                           "its path on the server; pdf_url is where to read it)."},
                "attachment_refs": {"description": "The attachments it names; path is "
                                    "the name of a file shipped with the minutes."},
                "source_page": {"description": "The page of `source` the item starts on."},
                "participants": {"description": "The meeting's attendance, as every item "
                                 "of it carries."},
                "positions": {"type": "array", "items": _ref("Position"),
                              "description": "The stands its decision states."},
                "votes": {"description": "The votes its decision counts."},
            }),  # fmt: skip
            "url": {"type": "string"},
            "pdf_url": _NULLABLE_STRING,
            "status_label": {"type": "string"},
            "attachment_links": {
                "type": "array",
                "items": _object({
                    "title": {"type": "string"},
                    "pages": {"type": "integer", "nullable": True},
                    "url": _NULLABLE_STRING,
                    "searchable": {"type": "boolean", "description": "Its text is "
                                   "indexed."},
                    "error": {**_NULLABLE_STRING, "description": "Why its text could not "
                              "be read."},
                }),  # fmt: skip
                "description": "The item's attachments: title, page count, a link to "
                "the PDF (here, or at the source).",
            },
            "meeting_id": {"type": "string", "description": "The same for every item of "
                           "a meeting."},
            "meeting_url": {"type": "string", "description": "The meeting's page; its "
                            "record is /api/meetings/{meeting_id}."},
        }
    ),
    "Position": _object(
        {
            "position": _POSITION,
            "position_label": _POSITION_LABEL,
            "party": {"type": "string", "description": "The party's letter; a person's "
                      "party when known; '' when not known"},
            "party_label": {"type": "string"},
            "person": {"type": "string", "description": "'' when a party took the stand"},
            "person_id": _NULLABLE_STRING,
            "person_url": _NULLABLE_STRING,
            "points": {"type": "string", "description": "What of the item it concerns, as "
                       "written: 'indstillingens beslutningspunkter 1 og 2'"},
            "sentence": {"type": "string", "description": "The decision's sentence saying "
                         "so."},
        }
    ),
    "Vote": _object(
        {
            "in_favour": {"type": "integer", "nullable": True},
            "against": {"type": "integer", "nullable": True},
            "abstained": {"type": "integer", "nullable": True},
            "sentence": {"type": "string"},
        }
    ),
    "Participant": _object(
        {
            "name": {"type": "string"},
            "party": {"type": "string", "description": "The official list letter, a local "
                      "list's, UP outside the parties; '' when not known"},
            "party_label": {"type": "string"},
            "party_seen": {"type": "string", "description": "When these minutes do not "
                           "write the party: the date of the nearest meeting whose minutes "
                           "do ('' when these do)."},
            "role": {"type": "string", "enum": list(ROLES)},
            "role_label": {"type": "string"},
            "present": _PRESENT,
            "absence": {"type": "string", "enum": ["", "afbud", "fraværende"]},
            "substitute_for": {"type": "string"},
            "body": {"type": "string", "description": "The municipality a member of a joint "
                     "body (KKR) comes from"},
            "source": {"type": "string", "description": "What it was read from: a list's "
                       "label, Moededeltagere, or the decision's sentence"},
            "person_id": {"type": "string"},
            "person_url": {"type": "string"},
        }
    ),
}

_SUMMARY = {
    "id": {"type": "string"},
    "committee": {"type": "string"},
    "meeting_date": {"type": "string"},
    "number": {"type": "string"},
    "title": {"type": "string"},
    "part": {"type": "string"},
    "case_number": {"type": "string"},
    "status": _STATUS,
    "status_label": {"type": "string"},
    "url": {"type": "string"},
    "pdf_url": _NULLABLE_STRING,
    "municipality": {"type": "string"},
    "closed": {"type": "boolean"},
}
SCHEMAS["Meeting"] = _object(
    {
        "id": {"type": "string"},
        "url": {"type": "string"},
        "municipality": {"type": "string"},
        "committee": {"type": "string"},
        "meeting_date": {"type": "string"},
        "meeting_time": {"type": "string"},
        "place": {"type": "string"},
        "source_format": {"type": "string"},
        "participants": {"type": "array", "items": _ref("Participant")},
        "present": {"type": "integer", "minimum": 0},
        "absent": {"type": "integer", "minimum": 0},
        "items": {
            "type": "array",
            "items": _object({
                **_SUMMARY,
                "positions": {"type": "array", "items": _ref("Position")},
                "votes": {"type": "array", "items": _ref("Vote")},
            }),  # fmt: skip
        },
    }
)
SCHEMAS["Person"] = _object(
    {
        "id": {"type": "string"},
        "url": {"type": "string"},
        "name": {"type": "string"},
        "party": {"type": "string"},
        "party_label": {"type": "string"},
        "municipality": {"type": "string"},
        "meetings": {
            "type": "array",
            "description": "The meetings whose attendance lists the person, newest first.",
            "items": _object({
                "meeting_id": {"type": "string"},
                "url": {"type": "string"},
                "municipality": {"type": "string"},
                "committee": {"type": "string"},
                "meeting_date": {"type": "string"},
                "role": {"type": "string", "enum": list(ROLES)},
                "role_label": {"type": "string"},
                "present": _PRESENT,
                "absence": {"type": "string"},
                "substitute_for": {"type": "string"},
                "source": {"type": "string"},
            }),  # fmt: skip
        },
        "attended": {"type": "integer", "minimum": 0},
        "missed": {"type": "integer", "minimum": 0},
        "positions": {
            "type": "array",
            "description": "The items where the person is named in a stand.",
            "items": _object({
                **_SUMMARY,
                "meeting_id": {"type": "string"},
                "meeting_url": {"type": "string"},
                "position": _POSITION,
                "position_label": _POSITION_LABEL,
                "party": {"type": "string"},
                "party_label": {"type": "string"},
                "points": {"type": "string"},
                "sentence": {"type": "string"},
            }),  # fmt: skip
        },
    }
)


def _record_path(operation: str, summary: str, schema: str, example: str,
                 missing: str, unavailable: dict) -> dict:  # fmt: skip
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "parameters": [{
                "name": "id",
                "in": "path",
                "required": True,
                "description": f"The id, e.g. {example!r}.",
                "schema": {"type": "string", "minLength": 1},
            }],  # fmt: skip
            "responses": {
                "200": {
                    "description": summary,
                    "content": {"application/json": {"schema": _ref(schema)}},
                },
                "404": _error_response(missing),
                "503": unavailable,
            },
        }
    }


# --- E-mail alerts (searchapp.alerts, web/alerts.py)

_ALERT_SEARCH = [p for p in SEARCH_PARAMETERS if p["name"] != "sort"]
SCHEMAS["AlertsInfo"] = _object({
    "enabled": {"type": "boolean", "description": "false: the server sends no mail"},
    "reason": {"type": "string", "nullable": True, "description": "why alerts are off"},
    "query": {"type": "string", "description": "the search as stored (a query string)"},
    "description": {"type": "string", "description": "the search in Danish words"},
})  # fmt: skip
SCHEMAS["AlertSignup"] = _object({
    "status": {"type": "string", "enum": ["check_your_email"]},
    "message": {"type": "string"},
    "query": {"type": "string"},
    "description": {"type": "string"},
})  # fmt: skip
SCHEMAS["AlertSubscription"] = _object({
    "status": {"type": "string", "enum": ["confirmed", "unconfirmed"]},
    "query": {"type": "string"},
    "description": {"type": "string"},
})  # fmt: skip
SCHEMAS["AlertUnsubscribed"] = _object({"status": {"type": "string", "enum": ["unsubscribed"]}})
_SIGNUP_BODY = {
    "type": "object",
    "required": ["email"],
    "properties": {
        "email": {"type": "string", "maxLength": 254, "description": "where to send"},
        **{p["name"]: p["schema"] for p in _ALERT_SEARCH},
    },
}


def _alert_paths(bad: dict) -> dict:
    off = _error_response("E-mail alerts are off on this server (no [smtp] settings).")
    limited = _error_response("Too many sign-ups from this client ([alerts] signup_limit).")
    invalid = _error_response("The link is not valid: changed, or an old confirmation.")

    def token_operation(operation: str, summary: str, schema: str) -> dict:
        return {
            "operationId": operation,
            "summary": summary,
            "parameters": [{"name": "token", "in": "path", "required": True,
                            "description": "The signed token of the mail's link.",
                            "schema": {"type": "string", "minLength": 1}}],  # fmt: skip
            "responses": {
                "200": {"description": summary,
                        "content": {"application/json": {"schema": _ref(schema)}}},
                "404": invalid,
            },
        }  # fmt: skip

    return {
        "/api/alerts": {
            "get": {
                "operationId": "alertsInfo",
                "summary": "Whether alerts are on, and a search as a subscription stores it",
                "parameters": _ALERT_SEARCH,
                "responses": {
                    "200": {"description": "Alerts on or off; the search.",
                            "content": {"application/json": {"schema": _ref("AlertsInfo")}}},
                    "400": bad,
                },
            },  # fmt: skip
            "post": {
                "operationId": "alertsSignUp",
                "summary": "Sign an address up for mails about new items of a search",
                "description": "Double opt-in: a confirmation link is mailed to the address "
                "(or, if it follows the search already, a note saying so). The answer is "
                "the same either way, and past the address's daily limit.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": _SIGNUP_BODY},
                        "application/json": {"schema": _SIGNUP_BODY},
                    },
                },
                "responses": {
                    "202": {"description": "A mail is on its way, if the address takes mail.",
                            "content": {"application/json": {"schema": _ref("AlertSignup")}}},
                    "400": bad,
                    "404": off,
                    "429": limited,
                },
            },  # fmt: skip
        },
        "/api/alerts/confirm/{token}": {
            "get": token_operation("alertsConfirmation", "The sign-up a link confirms",
                                   "AlertSubscription"),
            "post": token_operation("alertsConfirm", "Confirm a sign-up", "AlertSubscription"),
        },  # fmt: skip
        "/api/alerts/unsubscribe/{token}": {
            "post": token_operation("alertsUnsubscribe", "End a subscription (one click)",
                                    "AlertUnsubscribed"),
        },  # fmt: skip
    }


def build_spec(server_url: str = "/") -> dict:
    bad = _error_response("A parameter has a value the API cannot use.")
    unavailable = _error_response("There is no index yet.")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "searchapp: Danish municipal meeting minutes",
            "version": "1",
            "description": "Full-text search in agenda items of municipal meeting minutes. "
            'Every error is {"error": {"code": ..., "message": ...}}.',
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search agenda items",
                    "description": "A page of results with snippets, facet counts (each "
                    "counted without its own filter) and a spelling suggestion.",
                    "parameters": SEARCH_PARAMETERS + PAGING_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "The results.",
                            "content": {"application/json": {"schema": _ref("SearchResult")}},
                        },
                        "400": bad,
                        "503": unavailable,
                    },
                }
            },
            "/api/search.csv": {
                "get": {
                    "operationId": "searchCsv",
                    "summary": "All results of a search as CSV",
                    "description": "Every matching item, streamed; UTF-8 with a byte order "
                    "mark for Excel. page and per_page, if sent, are ignored, whatever "
                    "they say. Columns: " + ", ".join(CSV_COLUMNS) + ".",
                    "parameters": SEARCH_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "CSV, one row per item.",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": bad,
                        "503": unavailable,
                    },
                }
            },
            "/feed": {
                "get": {
                    "operationId": "feed",
                    "summary": "The newest items of a search as an Atom feed",
                    "description": "The search's parameters, checked as /api/search checks "
                    "them; the entries are always newest first (sort is checked, not "
                    f"used), {FEED_SIZE} a page unless per_page says otherwise. Each "
                    "entry's title names its committee and meeting date; the feed's "
                    "subtitle says how many items match. Errors are JSON, as on /api.",
                    "parameters": SEARCH_PARAMETERS + FEED_PAGING,
                    "responses": {
                        "200": {
                            "description": "Atom (RFC 4287).",
                            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                        },
                        "400": bad,
                        "503": unavailable,
                    },
                }
            },
            "/api/search.xlsx": {
                "get": {
                    "operationId": "searchXlsx",
                    "summary": "All results of a search as a spreadsheet",
                    "description": "Every matching item in an Excel workbook (the sheet "
                    "'Punkter', one row an item; 'Om udtrækket' says what was searched and "
                    "when): Danish headers, the meeting date as a date, the decision's "
                    "Danish label and text, absolute clickable links to the item, its PDF "
                    "and its meeting. Named after the search (Content-Disposition). page "
                    "and per_page, if sent, are ignored.",
                    "parameters": SEARCH_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "An .xlsx workbook.",
                            "content": {XLSX_MIMETYPE: {"schema": {"type": "string",
                                                                   "format": "binary"}}},
                        },
                        "400": bad,
                        "503": unavailable,
                    },
                }
            },
            "/api/items/{id}": {
                "get": {
                    "operationId": "getItem",
                    "summary": "One agenda item, whole",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": 'The item id, e.g. "kkr-hovedstaden-2025-04-11-3.4".',
                            "schema": {"type": "string", "minLength": 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The item.",
                            "content": {"application/json": {"schema": _ref("Item")}},
                        },
                        "404": _error_response("No item with that id."),
                        "503": unavailable,
                    },
                }
            },
            "/api/meetings/{id}": _record_path(
                "getMeeting", "One meeting: its participants and its items' positions",
                "Meeting", "greve-byraad-2024-01-29", "No meeting with that id.", unavailable,
            ),
            "/api/people/{id}": _record_path(
                "getPerson", "One person: meetings attended and missed, stands taken",
                "Person", "greve-liselott-blixt", "No person with that id.", unavailable,
            ),
            "/files/{path}": {
                "get": {
                    "operationId": "getSourceFile",
                    "summary": "A source PDF, as linked by pdf_url",
                    "parameters": [
                        {
                            "name": "path",
                            "in": "path",
                            "required": True,
                            "description": "The file's path inside its source folder.",
                            "schema": {"type": "string", "minLength": 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The PDF.",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        },
                        "404": _error_response("No such PDF in the source folders."),
                    },
                }
            },
            **_alert_paths(bad),
            "/api/stats": {
                "get": {
                    "operationId": "stats",
                    "summary": "What this server process's searches did",
                    "description": "Each worker process of the server counts its own "
                    "searches: the answer is the one that served the request (pid). A "
                    "fallback is a search whose syntax or typed date could not be used, "
                    "searched as its plain words instead (each is logged with the query).",
                    "responses": {
                        "200": {
                            "description": "The worker's counts.",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "required": ["generation", "pid", "searches", "fallbacks"],
                                "properties": {
                                    "generation": {"type": "string"},
                                    "pid": {"type": "integer"},
                                    "searches": {"type": "integer", "minimum": 0},
                                    "fallbacks": {
                                        "type": "object",
                                        "additionalProperties": {"type": "integer"},
                                    },
                                    "posting_cache": {"type": "object"},
                                },
                            }}},
                        },
                        "503": unavailable,
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This description",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.0.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
