"""One file in, agenda items out: extract -> clean -> parse, with errors a person reads."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .clean import clean
from .extract import SOURCE_SUFFIXES, ExtractError, extract
from .models import AgendaItem
from .parse import Meeting, parse_lines

_NAME_RE = re.compile(r"^(?P<committee>.+?)[-_ ](?P<date>\d{4}-\d{2}-\d{2})")


class IngestError(Exception):
    """A file that gave no agenda items; str() names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


def find_source_files(paths: Iterable[Path]) -> list[Path]:
    """Every .pdf and .txt under the given folders (recursively) and files."""
    found: dict[Path, None] = {}
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() in SOURCE_SUFFIXES and child.is_file():
                    if not any(part.startswith(".") for part in child.relative_to(path).parts):
                        found.setdefault(child, None)
        elif path.suffix.lower() in SOURCE_SUFFIXES:
            found.setdefault(path, None)
    return sorted(found)


def parse_file(path: Path) -> Meeting:
    path = Path(path)
    try:
        lines = extract(path)
    except ExtractError as exc:
        raise IngestError(path, exc.reason) from None
    cleaned = clean(lines)
    committee, meeting_date = cleaned.header.committee, cleaned.header.meeting_date
    if not (committee and meeting_date):
        guess = _NAME_RE.match(path.stem)
        if guess:
            committee = committee or guess["committee"].replace("-", " ").title()
            meeting_date = meeting_date or guess["date"]
    if not meeting_date:
        raise IngestError(
            path,
            "cannot tell the committee and meeting date: no running header "
            "'Committee | DD-MM-YYYY' and no date in the file name",
        )
    meeting = parse_lines(cleaned.lines, committee, meeting_date, str(path))
    if not meeting.items:
        raise IngestError(path, "no agenda items found (no numbered items like '1.1. Title')")
    return meeting


def ingest_file(path: Path) -> list[AgendaItem]:
    return parse_file(path).items
