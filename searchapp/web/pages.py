"""The HTML pages: the search page, the item page and the Atom feed of a search.

A thin adapter over the search core, like the JSON API: the page parses the same query
parameters into the same request object, runs the same search and renders the very
dict /api/search returns. The URL is the whole state of a search, so every link on the
page is the current URL with one thing changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from ..danish import format_danish_date, format_danish_number
from ..engine import IndexNotFound
from ..models import POSITION_LABELS, POSITIONS, SECTION_KIND_NAMES, STATUS_LABELS, STATUSES
from ..people.parties import label as party_label
from ..query import MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_WINDOW, BadRequest, SearchRequest
from ..results import Marker, marked_html, status_label
from . import external_url, feed, get_engine
from .budget import search_budget, search_slot

bp = Blueprint("pages", __name__)

# The query parameters of a search, in the order they appear in the URLs we make.
PARAMS = ("q", "municipality", "committee", "status", "year", "party", "position", "person",
          "from", "to", "case", "attachments", "sort", "page", "per_page")  # fmt: skip
FILTERS = ("municipality", "committee", "status", "year", "party", "position", "person", "from",
           "to", "case", "attachments")  # fmt: skip
# The choices of the attachments parameter (query.SearchRequest), as the filter panel says.
ATTACHMENT_CHOICES = (("include", "Søg også i bilag"), ("exclude", "Kun punkternes egen tekst"),
                      ("only", "Kun i bilag"))  # fmt: skip
FACETS = (("municipality", "Kommune"), ("committee", "Udvalg"), ("year", "År"),
          ("status", "Beslutning"), ("party", "Parti"))  # as shown  # fmt: skip


# --- URLs: the current search with one thing changed ---------------------------------


class SearchLinks:
    """Links to the search the page shows, each with one change. Every change but a
    page number starts again from page 1."""

    def __init__(self, args: MultiDict):
        self.args = args

    @staticmethod
    def _url(args: MultiDict, endpoint: str = "pages.search", external: bool = False) -> str:
        pairs = [(k, v) for k in PARAMS for v in args.getlist(k)]
        url = url_for(endpoint) + ("?" + urlencode(pairs) if pairs else "")
        return external_url(url) if external else url

    def _changed(self, keep_page: bool = False, **changes: str | None) -> MultiDict:
        args = MultiDict(self.args)
        if not keep_page:
            args.poplist("page")
        for key, value in changes.items():
            args.poplist(key)
            if value:
                args[key] = value
        return args

    def current(self) -> str:
        return self._url(self.args)

    def page(self, number: int) -> str:
        return self._url(self._changed(page=str(number) if number > 1 else None))

    def with_(self, **changes: str | None) -> str:
        return self._url(self._changed(**changes))

    def without(self, key: str, value: str | None = None) -> str:
        args = self._changed()
        if value is None:
            args.poplist(key)
        else:
            args.setlist(key, [v for v in args.getlist(key) if v != value])
        return self._url(args)

    def without_filters(self) -> str:
        return self._url(self._changed(**dict.fromkeys(FILTERS)))

    def twin(self, endpoint: str, external: bool = False, **changes: str | None) -> str:
        """The same search at another endpoint: the JSON API, the CSV, the feed."""
        return self._url(self._changed(keep_page=True, **changes), endpoint, external)


def _search_args() -> tuple[MultiDict, bool]:
    """The search parameters of this request without the empty ones (the form sends
    its empty date fields too), and whether the URL held anything else: then the page
    redirects to the short URL, the one worth sharing."""
    given = list(request.args.items(multi=True))
    kept = [(key, value) for key, value in given if key in PARAMS and value.strip()
            and (key, value) != ("attachments", "include")]  # the default: said by nothing
    return MultiDict(kept), len(kept) != len(given)


# --- Highlighting the query's words in an item ------------------------------------------


def highlight(text: str | None, marker: Marker | None) -> Markup:
    """`text` escaped, with <mark> around the query's words (the marker the engine
    made for the search: the very words its snippets mark): the only markup added."""
    return Markup(marked_html(text, marker))


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text or "") if p.strip()]


_ENDS_SENTENCE = (".", ",", ";", ":", "!", "?", "-", "–", ")", "”", '"')


def blocks(text: str | None) -> list[tuple[str, str]]:
    """A section's text as ("heading" or "paragraph", text): a paragraph of one short
    line that ends no sentence, with more text after it, is a subheading (the readers
    set them apart: paragraphs.join_paragraphs)."""
    parts = paragraphs(text)
    out = []
    for i, part in enumerate(parts):
        heading = (i + 1 < len(parts) and "\n" not in part and len(part.split()) <= 8
                   and part[:1].isupper() and not part.endswith(_ENDS_SENTENCE))  # fmt: skip
        out.append(("heading" if heading else "paragraph", part))
    return out


_SECTION_LABEL = re.compile(
    r"(?i)(baggrund|indstilling|sagsfremstilling|bilag|vedlagte bilag|beslutning):?"
)
_BLANK_LINES = re.compile(r"\n\s*\n(?:\s*\n)+")
SECTION_FIELDS = ("background", "recommendation", "presentation", "decision")


def text_outside_sections(item: dict) -> str:
    """What the item's text holds beyond its title, section headings and sections (all
    of it for an item without sections, like "Eventuelt"), so the page leaves nothing
    of the minutes out."""
    text = item.get("text") or ""
    sections = item.get("sections") or ()
    parts = {*(s.get("text") for s in sections), *(item.get(f) for f in SECTION_FIELDS),
             *item.get("attachments", ()), *item.get("urls", ())} - {None, ""}  # fmt: skip
    # The longest first, each once: a short section ("Beslutningen træffes af: Økonomi-
    # udvalget") taken out of the text first would cut holes in the longer ones quoting it.
    for part in sorted(parts, key=len, reverse=True):
        text = text.replace(part, "\n", 1)
    title = item.get("title", "").strip()
    titles = {title, f"{item.get('number')}. {title}", f"{item.get('number')} {title}"}
    names = {s.get("name", "").strip() for s in sections} - {""}
    kept = [
        line for line in text.splitlines()
        if not (line.strip() in titles or line.strip() in names
                or _SECTION_LABEL.fullmatch(line.strip()))
    ]  # fmt: skip
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()


# --- Template helpers --------------------------------------------------------------------


@bp.app_template_filter("number")
def danish_number(n: int) -> str:
    """ "1.234": the Danish thousands separator."""
    return format_danish_number(n)


def count_label(n: int, one: str, many: str) -> str:
    """ "1 resultat", "1.234 resultater"."""
    return f"{danish_number(n)} {one if n == 1 else many}"


def safe_link(url: str) -> bool:
    """Only web addresses become links: a "javascript:" URL from a PDF must not."""
    return bool(re.match(r"(?i)https?://", url or ""))


def with_query(url: str, q: str) -> str:
    """An item's URL carrying the query, so the item page can mark its words."""
    if not q:
        return url
    return url + ("&" if "?" in url else "?") + urlencode({"q": q})


@bp.app_template_filter("danish_date")
def _danish_date(iso: str | None) -> str:
    return format_danish_date(iso or "")


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None stands for a gap."""
    shown = {1, pages} | set(range(max(1, page - 2), min(pages, page + 2) + 1))
    out: list[int | None] = []
    for n in sorted(shown):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@dataclass
class Facet:
    key: str
    legend: str
    values: list[dict]  # value, label, count, selected


def _facets(result: dict, args: MultiDict) -> list[Facet]:
    """The facets as the template shows them, statuses in their usual order. A chosen
    value stays listed, checked, even when no item has it, so one can take it off. The
    Kommune facet is left out for an index whose items name no municipality."""
    facets = []
    order = {s: i for i, s in enumerate(STATUSES)}
    for key, legend in FACETS:
        values = [dict(v) for v in result["facets"].get(key, [])]
        selected = args.getlist(key)
        known = {v["value"] for v in values}
        values += [{"value": s, "count": 0} for s in selected if s not in known]
        for v in values:
            v.setdefault("label", _value_label(key, v["value"]))
            if key == "party":
                v["label"] = _value_label(key, v["value"])  # "Enhedslisten (Ø)"
            v["selected"] = v["value"] in selected
        if key == "status":
            values.sort(key=lambda v: order.get(v["value"], len(order)))
        if key in ("municipality", "party") and not values:
            continue  # an index whose items name no municipality, no party's stand
        facets.append(Facet(key, legend, values))
    return facets


def _value_label(key: str, value: str) -> str:
    if key == "status":
        return status_label(value)
    if key == "party":
        return f"{party_label(value)} ({value})" if party_label(value) != value else value
    if key == "position":
        return POSITION_LABELS.get(value, value)
    return value


def position_choices(args: MultiDict) -> list[dict]:
    """The positions the party and person filters go by, as checkboxes."""
    chosen = args.getlist("position")
    return [{"value": p, "label": POSITION_LABELS[p], "selected": p in chosen}
            for p in POSITIONS]  # fmt: skip


def person_name(person_id: str, result: dict) -> str:
    """The name of a person filtered on, as the results' positions write it; the id
    when no result names them."""
    suffix = "/people/" + person_id
    for hit in result.get("results") or ():
        for position in hit.get("positions") or ():
            if (position.get("person_url") or "").endswith(suffix):
                return position["person"]
    return person_id


def positions_by_kind(positions: list[dict]) -> list[tuple[str, list[dict]]]:
    """A hit's or an item's stands grouped as shown: ("Imod", [who, ...]), in the order
    of models.POSITIONS."""
    grouped: dict[str, list[dict]] = {}
    for position in positions or ():
        grouped.setdefault(position["position"], []).append(position)
    return [(POSITION_LABELS[p], grouped[p]) for p in POSITIONS if p in grouped]


def _active_filters(args: MultiDict, result: dict | None = None) -> list[tuple[str, str, str]]:
    """(what, its value as shown, the link that removes it) for each filter that is on."""
    links = SearchLinks(args)
    active = []
    for key, what in (*FACETS, ("position", "Holdning")):
        for value in args.getlist(key):
            active.append((what, _value_label(key, value), links.without(key, value)))
    for value in args.getlist("person"):
        active.append(("Person", person_name(value, result or {}), links.without("person", value)))
    for key, what in (("from", "Fra"), ("to", "Til")):
        if args.get(key):
            active.append((what, format_danish_date(args[key]), links.without(key)))
    if args.get("case"):
        active.append(("Sag", args["case"], links.without("case")))
    if args.get("attachments") in ("exclude", "only"):
        label = dict(ATTACHMENT_CHOICES)[args["attachments"]]
        active.append(("Bilag", label, links.without("attachments")))
    return active


# --- Running the search core ---------------------------------------------------------------


def _search(args: MultiDict, **overrides: str) -> dict:
    """The /api/search dict for these parameters. Raises BadRequest, IndexNotFound."""
    params = MultiDict(args)
    for key, value in overrides.items():
        params.setlist(key, [value])
    search_request = SearchRequest.from_params(params)
    with search_slot(search_request.q):
        result = get_engine().search(search_request, budget=search_budget())
    return result.to_dict(html_titles=True)


# What a bad value of each parameter means, for the person who sent it.
_PARAM_MESSAGES = {
    "q": f"Søgningen må højst være {MAX_QUERY_LENGTH} tegn lang.",
    "municipality": "Søgningen har for mange eller for lange kommunenavne.",
    "committee": "Søgningen har for mange eller for lange udvalgsnavne.",
    "status": "Beslutningen skal være en af: "
    + ", ".join(STATUS_LABELS[s].lower() for s in STATUSES)
    + ".",
    "year": "Året skal skrives med fire cifre, fx 2025.",
    "party": "Partiet skal angives med sit bogstav (fx A eller Ø) eller sit navn.",
    "position": "Holdningen skal være en af: "
    + ", ".join(POSITION_LABELS[p].lower() for p in POSITIONS)
    + ".",
    "person": "Personen skal angives med sin adresse fra personsiden, fx greve-liselott-blixt.",
    "from": "Fra-datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2025-04-11, og må ikke ligge "
    "efter til-datoen.",
    "to": "Til-datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2025-04-11.",
    "case": "Sagsnummeret skal skrives, som det står i referatet, fx SAG-2025-01103, "
    "2025-01103, EMN-2025-003383 eller 21-014420.",
    "sort": "Sorteringen kan være relevans, nyeste eller ældste først.",
    "page": "Sidenummeret skal være et helt tal fra 1, og der kan højst bladres "
    f"{danish_number(MAX_WINDOW)} resultater frem. Gør søgningen mere præcis, eller hent alle "
    "resultater som CSV.",
    "per_page": f"Antal resultater pr. side skal være et helt tal fra 1 til {MAX_PER_PAGE}.",
}


def _error_page(status: int, title: str, message: str, **context):
    context.setdefault("q", request.args.get("q", ""))
    return render_template("error.html", title=title, message=message, **context), status


def _bad_request(exc: BadRequest, args: MultiDict):
    """A friendly 400 in Danish, with a link to the same search without the bad value."""
    param = exc.param if exc.param in PARAMS else None
    return _error_page(
        400,
        "Søgningen kan ikke udføres",
        _PARAM_MESSAGES.get(param, "En af søgningens værdier kan ikke bruges."),
        retry_url=SearchLinks(args).without(param) if param else None,
    )


def _not_ready():
    return _error_page(
        503,
        "Søgningen er ikke klar endnu",
        "Referaterne er ikke indekseret endnu. Prøv igen om lidt.",
    )


# --- Views -----------------------------------------------------------------------------------


@bp.get("/")
def search():
    args, untidy = _search_args()
    if untidy:
        return redirect(SearchLinks(args).current(), 302)
    try:
        result = _search(args)
    except BadRequest as exc:
        return _bad_request(exc, args)
    except IndexNotFound:
        return _not_ready()
    q = args.get("q", "")
    sort = result["query"]["sort"]
    if sort == "relevance" and not q:
        sort = "date_desc"  # what the core does without words to rank by
    links = SearchLinks(args)
    return render_template(
        "search.html",
        result=result,
        q=q,
        args=args,
        hidden=[(key, value) for key in ("sort", "per_page", "case", "person")
                for value in args.getlist(key)],  # fmt: skip
        links=links,
        facets=_facets(result, args),
        positions=position_choices(args),
        active=_active_filters(args, result),
        attachment_choices=ATTACHMENT_CHOICES,
        attachments=result["query"]["attachments"],
        sort=sort,
        page_numbers=_page_numbers(result["page"], max(1, result["pages"])),
        json_url=links.twin("api.search"),
        csv_url=links.twin("api.search_csv", page=None, per_page=None),
        xlsx_url=links.twin("api.search_xlsx", page=None, per_page=None),
        feed_url=links.twin("pages.atom_feed", page=None, per_page=None, sort=None),
    )


@bp.get("/items/<item_id>")
def item(item_id: str):
    q = request.args.get("q", "").strip()
    engine = get_engine()
    try:
        agenda_item = engine.item(item_id)
    except IndexNotFound:
        return _not_ready()
    if agenda_item is None:
        return _error_page(
            404,
            "Punktet findes ikke",
            "Vi kan ikke finde et dagsordenspunkt med den adresse. Det kan være fjernet "
            "ved en ny indeksering, eller adressen er skrevet forkert.",
            q=q,
        )
    found = engine.item_view(agenda_item)
    meeting = (found["committee"], found["meeting_date"])
    same_case = [
        other.to_dict() for other in engine.same_case(agenda_item)
        if (other.committee, other.meeting_date) != meeting
    ]  # fmt: skip
    return render_template(
        "item.html",
        item=found,
        q=q,
        terms=engine.marker(q) if q else None,
        meeting=[other.to_dict() for other in engine.same_meeting(agenda_item)],
        same_case=same_case,
        first_page=found.get("source_page") or (found.get("pages") or [None])[0],
        section_headings=SECTION_KIND_NAMES,
        json_url=url_for("api.item", item_id=found["id"]),
    )


@bp.get("/feed")
def atom_feed():
    """The newest items of a search as Atom: the same parameters as the search page,
    checked as the search checks them (errors as JSON, errors.py: a feed reader is no
    browser); newest first whatever `sort` says, FEED_SIZE entries unless `per_page`."""
    args, _ = _search_args()
    SearchRequest.from_params(args)  # a bad value of any parameter is a 400
    result = _search(args, sort="date_desc", page=args.get("page", "1"),
                     per_page=args.get("per_page", str(feed.FEED_SIZE)))  # fmt: skip
    links = SearchLinks(args)
    body = feed.render_atom(
        result,
        title=feed_title(args),
        self_url=links.twin("pages.atom_feed", external=True, sort=None),
        html_url=links.twin(
            "pages.search", external=True, page=None, per_page=None, sort="date_desc"
        ),
        item_url=lambda hit: external_url(url_for("pages.item", item_id=hit["id"])),
        generated=datetime.now(UTC),
    )
    return Response(body, mimetype="application/atom+xml")


def feed_title(args: MultiDict) -> str:
    """ "Mødereferater: »ældrereform« · KKR Hovedstaden · 2025" """
    parts = []
    if args.get("q"):
        parts.append(f"»{args['q']}«")
    parts += args.getlist("municipality") + args.getlist("committee") + args.getlist("year")
    parts += [status_label(s) for s in args.getlist("status")]
    parts += [_value_label("party", p) for p in args.getlist("party")]
    parts += [_value_label("position", p) for p in args.getlist("position")]
    parts += args.getlist("person")
    if args.get("case"):
        parts.append(args["case"])
    if args.get("from"):
        parts.append("fra " + format_danish_date(args["from"]))
    if args.get("to"):
        parts.append("til " + format_danish_date(args["to"]))
    return "Mødereferater" + (": " + " · ".join(parts) if parts else "")


@bp.app_context_processor
def _helpers() -> dict:
    return {
        "status_label": status_label,
        "count_label": count_label,
        "highlight": highlight,
        "paragraphs": paragraphs,
        "blocks": blocks,
        "text_outside_sections": text_outside_sections,
        "safe_link": safe_link,
        "with_query": with_query,
        "positions_by_kind": positions_by_kind,
        "party_label": party_label,
    }
