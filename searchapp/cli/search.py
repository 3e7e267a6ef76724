"""`searchapp search`: the web search, from a terminal. Thin over the search engine:
the same request object, the same search, the same JSON."""

from __future__ import annotations

import html
import json
import re

import click

from ..queryparser import MIN_PREFIX
from . import EXIT_USAGE, config_option, get_config

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _plain_snippet(snippet: str) -> str:
    """The HTML snippet for a terminal: the found words in bold, the rest unescaped."""
    marked = _MARK.sub(lambda m: "\x00" + m.group(1) + "\x01", snippet or "")
    text = html.unescape(_TAG.sub("", marked))
    parts = re.split(r"(\x00.*?\x01)", text)
    return "".join(click.style(p[1:-1], bold=True) if p.startswith("\x00") else p for p in parts)


def format_results(result: dict) -> str:
    lines = []
    total = result["total"]
    q = result["query"]["q"]
    what = f" for »{q}«" if q else ""
    lines.append(f"{total} {'result' if total == 1 else 'results'}{what}")
    for note in result["query"].get("interpreted", {}).get("notes", []):
        lines.append(f"Not searched: {note['text']} (a prefix needs {MIN_PREFIX} letters before *)")
    if result.get("suggestion"):
        lines.append(f"Did you mean: {result['suggestion']}")
    hits = result["results"]
    if hits:
        lines.append("")
    for hit in hits:
        number = hit["number"] or "-"
        lines.append(
            f"{hit['meeting_date'] or '?':<10}  {hit['committee']}  {number}  "
            + click.style(hit["title"], bold=True)
            + f"  [{hit['status_label']}]"
        )
        if hit.get("found_in"):
            found = hit["found_in"]
            lines.append(f"    {found['label']}" + (f"  {found['url']}" if found["url"] else ""))
        if q and hit.get("snippet"):
            lines.append("    " + _plain_snippet(hit["snippet"]))
        lines.append(f"    {hit['id']}")
    if hits and total > len(hits):
        first = (result["page"] - 1) * result["per_page"] + 1
        lines.append("")
        lines.append(
            f"Showing {first}-{first + len(hits) - 1} of {total}; "
            "--page N for more, --json for everything about each."
        )
    return "\n".join(lines)


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON instead.")
@click.option("--committee", multiple=True, help="Only this committee (repeatable).")
@click.option("--status", multiple=True, help="Only this decision status (repeatable).")
@click.option("--year", multiple=True, help="Only meetings in this year (repeatable).")
@click.option("--party", multiple=True, help="Only items where this party (letter or name) "
              "took a stand: by default a dissenting one (repeatable).")
@click.option("--position", multiple=True, help="The stands --party and --person go by: for, "
              "against, reservation, abstained, not_participating, dissent (repeatable).")
@click.option("--person", multiple=True, help="Only items where this person (id, as on their "
              "page: greve-liselott-blixt) took a stand (repeatable).")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Meetings on or after.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Meetings on or before.")
@click.option("--case", metavar="CASE", help="Only this case number (SAG-2025-01103).")
@click.option("--attachments", type=click.Choice(["include", "exclude", "only"]),
              help="Search the items' attachments (bilag) too (include, the default), not "
              "at all (exclude), or only them (only).")
@click.option("--sort", type=click.Choice(["relevance", "date_desc", "date_asc"]), help="Order.")
@click.option(
    "--limit", "-n", type=int, default=20, show_default=True, help="Results to show (1-100)."
)
@click.option("--page", type=int, default=1, show_default=True, help="Page of results.")
@config_option
def search_command(
    query,
    as_json,
    committee,
    status,
    year,
    party,
    position,
    person,
    date_from,
    date_to,
    case,
    attachments,
    sort,
    limit,
    page,
    config_file,
):
    """Search the index, as the web search does.

    QUERY takes the same syntax as the search box: words (all must match),
    "a phrase", OR, NOT or -word, word*, and titel:, beslutning:, udvalg:,
    status:, sag: prefixes. Without QUERY, the newest items are listed.

    Exit status 2 when there is no index yet or a parameter is wrong.

    \b
    Example:
        searchapp search ældrereformen
        searchapp search '"rød løber"' --committee "KKR Hovedstaden" --status approved
        searchapp search budget --year 2025 --json | jq '.results[].title'
        searchapp search --party Ø --position against
        searchapp search sundhedsaftale --attachments only
    """
    from ..engine import IndexNotFound, open_engine
    from ..query import BadRequest, SearchRequest

    config = get_config(config_file)
    params = {
        "q": " ".join(query),
        "committee": list(committee),
        "status": list(status),
        "year": list(year),
        "party": list(party),
        "position": list(position),
        "person": list(person),
        "from": date_from,
        "to": date_to,
        "case": case,
        "attachments": attachments,
        "sort": sort,
        "page": str(page),
        "per_page": str(limit),
    }
    params = {k: v for k, v in params.items() if v not in (None, [], "")}
    try:
        request = SearchRequest.from_params(params)
        result = open_engine(config.index_path, config.sources).search(request).to_dict()
    except BadRequest as exc:
        message = exc.message.replace("'per_page'", "--limit").replace("'q'", "QUERY")
        click.echo(f"Error: {message}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except IndexNotFound as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(format_results(result))
