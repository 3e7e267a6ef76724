"""`searchapp parse FILE`: what the parser makes of one document."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..ingest import IngestError, read_file
from ..models import POSITION_LABELS, STATUS_LABELS
from ..safetext import printable
from ..sources import ReadOptions
from . import EXIT_PARTIAL


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the meetings and items as JSON.")
@click.option("--full", is_flag=True, help="Also print each item's sections (text output).")
@click.option(
    "--municipality",
    metavar="NAME",
    default="",
    help="The municipality, for a document that does not name it (as [sources.municipality]).",
)
def parse_command(file: str, as_json: bool, full: bool, municipality: str):
    """Show the agenda items found in FILE, without indexing it.

    FILE is minutes as PDF or text (any meeting system's layout), an eDoc or SBSYS
    export, or a publishing site's meeting JSON: the format is told from the content.
    Use it to check what the parser makes of a new kind of document: the meeting's
    municipality, committee, date, time and place, its participants, and for every
    item its number, title, case numbers, sections, decision status, PDF pages and
    the stands and votes its decision states.
    Exit status 1 when the file cannot be read or holds no agenda items.

    \b
    Example:
        searchapp parse samples/kkr-sjaelland-2024-09-12-referat.pdf
        searchapp parse referat.pdf --full
        searchapp parse referat.pdf --json | jq '.meetings[].items[].title'
    """
    try:
        meetings = read_file(Path(file), ReadOptions(municipality=municipality))
    except IngestError as exc:
        click.echo(f"Error: {printable(exc)}", err=True)
        raise SystemExit(EXIT_PARTIAL) from None
    if as_json:
        first = meetings[0]
        payload = {
            "file": file,
            "committee": first.committee,
            "meeting_date": first.meeting_date,
            "items": [item.to_dict() for m in meetings for item in m.items],
            "meetings": [
                {
                    "id": m.id,
                    "municipality": m.municipality,
                    "committee": m.committee,
                    "meeting_date": m.meeting_date,
                    "meeting_time": m.meeting_time,
                    "place": m.place,
                    "source_format": m.source_format,
                    "participants": [vars(p) for p in m.participants],
                    "items": [item.to_dict() for item in m.items],
                }
                for m in meetings
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for meeting in meetings:
        _print_meeting(meeting, full)


def _print_meeting(meeting, full: bool) -> None:
    where = ", ".join(p for p in (meeting.municipality, meeting.place) if p)
    when = f"{meeting.meeting_date} {meeting.meeting_time}".strip()
    click.echo(f"{meeting.committee}, {meeting.meeting_date}: {len(meeting.items)} items")
    click.echo(f"    {when} | {where or '(no municipality or place)'} | {meeting.source_format}")
    if meeting.participants:
        click.echo("    Deltagere: " + "; ".join(_participant(p) for p in meeting.participants))
    for item in meeting.items:
        pages = item.pages
        span = f"p. {pages[0]}" + (f"-{pages[-1]}" if len(pages) > 1 else "") if pages else ""
        case = f"{', '.join(item.case_numbers or [item.case_number])} {item.case_handler}".strip()
        closed = "  [LUKKET PUNKT]" if item.closed else ""
        click.echo(f"\n{item.number}  {item.title}{closed}")
        click.echo(f"    {item.part or '-'} | {case or '(no case number)'} | {span}")
        click.echo(f"    Beslutning: {STATUS_LABELS[item.status]}  [{item.status}]  id: {item.id}")
        if item.attachments:
            click.echo("    Bilag: " + "; ".join(item.attachments))
        for vote in item.votes:
            counts = [f"{n} {what}" for n, what in ((vote.in_favour, "for"),
                      (vote.against, "imod"), (vote.abstained, "undlod")) if n is not None]
            click.echo("    Stemmer: " + ", ".join(counts))
        for stand in item.positions:
            who = stand.person + (f" ({stand.party})" if stand.party else "") if stand.person \
                else stand.party
            points = f" [{stand.points}]" if stand.points else ""
            click.echo(f"    {POSITION_LABELS[stand.position]}: {who}{points}")
        if full:
            for section in item.all_sections():
                name = section.name or "(uden overskrift)"
                click.echo(f"    -- {name} [{section.kind}]\n" + _indent(section.text))


def _participant(p) -> str:
    """ "Lolan Ottesen (A) formand", "Kasper Bang (O) afbud", "Lene Frost (O) suppleant
    for Kasper Bang"."""
    text = p.name + (f" ({p.party})" if p.party else "")
    if p.role != "medlem":
        text += f" {p.role}" + (f" for {p.substitute_for}" if p.substitute_for else "")
    if p.present is False:
        text += f" {p.absence or 'fraværende'}"
    return text


def _indent(text: str) -> str:
    return "\n".join("       " + line for line in text.splitlines())
