"""One source in, meetings and their agenda items out, with errors a person reads.

Every format goes through here: the readers of structured exports register in
`sources`, and the minutes readers below take PDFs and text extractions through
extract -> clean -> parse. Whatever the reader, the items leave through `_finish`, the
one place that fills in what the config knows and checks what every item must have.
"""

from __future__ import annotations

import re
from pathlib import Path

from .attachments import link_beside, read_texts
from .clean import clean
from .danish import find_date
from .extract import ExtractError, extract
from .minutes import Fallbacks, MinutesError, parse_minutes
from .models import AgendaItem, Meeting
from .people import complete as complete_people
from .safetext import xml_safe_fields
from .sources import Reader, ReadOptions, reader_for, register
from .sources import find_source_files as find_source_files

_NAME_RE = re.compile(r"^(?P<committee>.+?)[-_ ](?P<date>\d{4}-\d{2}-\d{2})")


class IngestError(Exception):
    """A file that gave no agenda items; str() names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


def read_file(path: Path, options: ReadOptions | None = None) -> list[Meeting]:
    """The meetings in one source file (an export may hold several)."""
    path = Path(path)
    options = options or ReadOptions()
    if not path.exists():
        raise IngestError(path, "the file disappeared before it could be read")
    reader = reader_for(path)
    if reader is None:
        raise IngestError(path, _unknown_format(path))
    meetings = reader.read(path, options)
    meetings = [_finish(m, options) for m in meetings]
    if options.attachments:
        meetings = [read_texts(m) for m in meetings]
    if not any(m.items for m in meetings):
        raise IngestError(path, "no agenda items found")
    return meetings


def parse_file(path: Path, options: ReadOptions | None = None) -> Meeting:
    """The one meeting in a file (for `searchapp parse`); an export holding several
    gives the first."""
    return read_file(path, options)[0]


def ingest_file(path: Path, municipality: str = "", attachments: bool = True) -> list[AgendaItem]:
    meetings = read_file(path, ReadOptions(municipality=municipality, attachments=attachments))
    return [item for meeting in meetings for item in meeting.items]


def _unknown_format(path: Path) -> str:
    return (
        "not a format searchapp reads (minutes as PDF or text, an eDoc or SBSYS "
        "export, or a publishing site's meeting JSON)"
    )


def _finish(meeting: Meeting, options: ReadOptions) -> Meeting:
    """Every item carries its meeting's fields, and no character XML forbids (they
    would break the Atom feed; see safetext.py); who took part and where they stood
    are read once the meeting is whole (searchapp/people)."""
    for item in meeting.items:
        xml_safe_fields(item)
        item.municipality = item.municipality or meeting.municipality
        item.meeting_time = item.meeting_time or meeting.meeting_time
        item.place = item.place or meeting.place
        item.source_format = item.source_format or meeting.source_format
    return complete_people(meeting)


# -- the minutes readers: PDFs and text extractions -----------------------------------------


def _read_minutes(path: Path, options: ReadOptions) -> list[Meeting]:
    try:
        lines = extract(path)
    except ExtractError as exc:
        raise IngestError(path, exc.reason) from None
    guess = _NAME_RE.match(path.stem)
    fallbacks = Fallbacks(
        committee=guess["committee"].replace("-", " ").title() if guess else "",
        meeting_date=guess["date"] if guess else _date_in_name(path.stem),
        municipality=options.municipality,
    )
    try:
        meeting = parse_minutes(clean(lines), str(path), fallbacks)
    except MinutesError as exc:
        raise IngestError(path, str(exc)) from None
    if path.suffix.lower() == ".pdf":
        meeting = link_beside(meeting, path, read=options.attachments)
    return [meeting]


_COMPACT_DATE_RE = re.compile(r"(?<!\d)(?P<y>20\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")


def _date_in_name(stem: str) -> str:
    """A meeting date in a file name of another shape: "referat_14-05-2019",
    "Byraadet 14.05.2019", "dagsorden-20190514"."""
    found = find_date(stem.replace("_", " "))
    if found:
        return found.iso
    m = _COMPACT_DATE_RE.search(stem)
    if m:
        found = find_date(f"{m['y']}-{m['m']}-{m['d']}")
    return found.iso if found else ""


def _is_pdf(path: Path, start: bytes) -> bool:
    # A file named .pdf that is not one is still read here, to say what is wrong with it.
    return start.lstrip()[:5] == b"%PDF-" or path.suffix.lower() == ".pdf"


def _is_text(path: Path, start: bytes) -> bool:
    return path.suffix.lower() == ".txt"


MINUTES_PDF = register(Reader("minutes-pdf", _is_pdf, _read_minutes, priority=90))
MINUTES_TEXT = register(Reader("minutes-text", _is_text, _read_minutes, priority=95))
