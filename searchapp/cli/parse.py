"""`searchapp parse FILE`: what the parser makes of one document."""

from __future__ import annotations

import json

import click

from ..ingest import IngestError, parse_file
from ..models import STATUS_LABELS
from ..safetext import printable
from . import EXIT_PARTIAL


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@click.option("--full", is_flag=True, help="Also print each item's sections (text output).")
def parse_command(file: str, as_json: bool, full: bool):
    """Show the agenda items found in FILE (.pdf or .txt), without indexing it.

    Use it to check what the parser makes of a new kind of document: item numbers,
    titles, case numbers, decision status and the PDF pages of every item.
    Exit status 1 when the file cannot be read or holds no agenda items.

    \b
    Example:
        searchapp parse samples/kkr-sjaelland-2024-09-12-referat.pdf
        searchapp parse referat.pdf --json | jq '.items[].title'
    """
    try:
        meeting = parse_file(file)
    except IngestError as exc:
        click.echo(f"Error: {printable(exc)}", err=True)
        raise SystemExit(EXIT_PARTIAL) from None
    if as_json:
        payload = {
            "file": file,
            "committee": meeting.committee,
            "meeting_date": meeting.meeting_date,
            "items": [item.to_dict() for item in meeting.items],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"{meeting.committee}, {meeting.meeting_date}: {len(meeting.items)} items")
    for item in meeting.items:
        pages = item.pages
        span = f"p. {pages[0]}" + (f"-{pages[-1]}" if len(pages) > 1 else "") if pages else ""
        case = f"{item.case_number} {item.case_handler}".strip()
        click.echo(f"\n{item.number}  {item.title}")
        click.echo(f"    {item.part} | {case or '(no case number)'} | {span}")
        click.echo(f"    Beslutning: {STATUS_LABELS[item.status]}  [{item.status}]  id: {item.id}")
        if item.attachments:
            click.echo("    Bilag: " + "; ".join(item.attachments))
        if full:
            for label, text in (
                ("Baggrund", item.background),
                ("Indstilling", item.recommendation),
                ("Sagsfremstilling", item.presentation),
                ("Beslutning", item.decision),
            ):
                if text:
                    click.echo(f"    -- {label}\n" + _indent(text))


def _indent(text: str) -> str:
    return "\n".join("       " + line for line in text.splitlines())
