"""Danish as people type it: what a word is, the stop words, letters spelled out,
dates in words, case numbers loosely.

Pure functions and data, shared by the analysis (index and query time), the query
parser and the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from whoosh.lang.stopwords import stoplists

from .casenumbers import DISTINCT_PATTERN, LABEL_PATTERN, NUMBER_PATTERN, CaseNumber

# A word: letters and digits, a decimal or thousands separator between digits ("9,8",
# "3.354"), hyphens between such parts ("SAG-2025-01103", "SOSU-uddannelserne").
# Possessive (++, *+): nothing after a repeat can fail and give some back, so the
# words are the same, and the engine keeps no backtracking points: 15 % faster.
_PART = r"[^\W_]++(?:(?<=\d)[.,]\d+)*+"
HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen
WORD_PATTERN = re.compile(rf"{_PART}(?:[{HYPHENS}]{_PART})*+")

# The Snowball stop list for Danish (https://snowballstem.org/algorithms/danish/stop.txt),
# as Whoosh ships it (a table of data, the only thing taken from Whoosh outside the
# engine): what the analysis leaves out, and what interpret_query does not count as words.
DANISH_STOP_WORDS: frozenset[str] = stoplists["da"]

MONTHS = {
    "januar": 1,
    "februar": 2,
    "marts": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
MONTH_NAMES = {n: name for name, n in MONTHS.items()}
_MONTH_ALT = "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec"
_SHORT = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
          "sept": 9, "okt": 10, "nov": 11, "dec": 12}  # fmt: skip

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa",
                       "ä": "ae", "ö": "oe", "é": "e", "ü": "u"})  # fmt: skip


def fold_danish(text: str) -> str:
    """One spelling for "Ålborg"/"Aalborg" and "ældre"/"aeldre": the letters spelled
    out, as on a keyboard without them. (Most words are ASCII, which has none of
    them: telling so is 20x faster than translating.)"""
    return text if text.isascii() else text.translate(_FOLD)


def format_danish_date(iso: str) -> str:
    """ "2025-04-11" -> "11. april 2025"."""
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    return f"{d.day}. {MONTH_NAMES[d.month]} {d.year}"


def format_danish_number(n: int) -> str:
    """ "1.234": the Danish thousands separator."""
    return f"{n:,}".replace(",", ".")


@dataclass(frozen=True)
class QueryDates:
    text: str  # the query with the date words taken out
    date_from: date | None = None
    date_to: date | None = None


_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>[0-3]?\d)\.?\s+(?P<month>{_MONTH_ALT})\.?\s+(?P<year>(?:19|20)\d\d)\b", re.I
)
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH_ALT})\.?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_NUMERIC = re.compile(r"\b(?P<day>[0-3]?\d)[-/.](?P<month>[01]?\d)[-/.](?P<year>(?:19|20)\d\d)\b")
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")


def _month_number(word: str) -> int:
    word = word.lower()
    return MONTHS.get(word) or _SHORT[word]


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def extract_dates(query: str) -> QueryDates:
    """Take a date written in the query box ("april 2025", "3. februar 2025",
    "11-04-2025") out of the words and return it as a range. A bare year stays a word:
    "budget 2025" is more often about the budget than about the year."""
    for pattern, whole_month in (
        (_DAY_MONTH_YEAR, False),
        (_ISO, False),
        (_NUMERIC, False),
        (_MONTH_YEAR, True),
    ):
        m = pattern.search(query)
        if not m:
            continue
        try:
            year = int(m["year"])
            month = int(m["month"]) if m["month"].isdigit() else _month_number(m["month"])
            if whole_month:
                start, end = date(year, month, 1), _month_end(year, month)
            else:
                start = end = date(year, month, int(m["day"]))
        except (ValueError, KeyError):
            return QueryDates(query)  # "30. februar": not a date, so no filter at all
        rest = (query[: m.start()] + " " + query[m.end() :]).strip()
        return QueryDates(re.sub(r"\s+", " ", rest), start, end)
    return QueryDates(query)


# How a case number is named in a search box: after a label ("sag 2025-01103", "sagsnr.
# 2025-01103", "sag: 12/27845"), or in a form no other number has ("SAG-2025-01103").
CASE_LABEL = rf"(?:{LABEL_PATTERN}|sag\s*:?\s*)"
_CASE_WORDS = re.compile(
    rf"(?<![\w:-]){CASE_LABEL}(?P<num>{NUMBER_PATTERN})(?![\w/-]|\.\w)"
    rf"|(?<![\w./:-])(?P<distinct>{DISTINCT_PATTERN})(?![\w/-]|\.\w)",
    re.I,
)


def extract_case(query: str) -> tuple[str, str | None]:
    """ "sag 2025-01103", "SAG-2025-01103", "EMN-2025-003383" or a query that is
    nothing but a case number ("2025-01103") -> the case number and the query without
    it. A bare year-and-serial number is shown in KL's form ("SAG-2025-01103"), as the
    `case` parameter echoes it (query.normalize_case_number)."""
    m = _CASE_WORDS.search(query)
    found = m and CaseNumber.parse(m["num"] or m["distinct"])
    if not found:
        found = CaseNumber.parse(query)
        return ("", display_case(found)) if found else (query, None)
    rest = re.sub(r"\s+", " ", (query[: m.start()] + " " + query[m.end() :])).strip()
    return rest, display_case(found)


def display_case(number: CaseNumber) -> str:
    """How a case number asked for is echoed: as written, except that a bare
    year-and-serial number ("2025-01103") is given KL's prefix, as it always was."""
    return f"SAG-{number.text}" if number.form == "year" else number.text


# -- dates and times as minutes print them -----------------------------------------------

_WEEKDAYS = r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)"
_DOC_DAY_MONTH_YEAR = re.compile(
    rf"\b(?:{_WEEKDAYS}\s*(?:den|d\.)?\s*)?(?P<day>[0-3]?\d)\.?\s*(?P<month>{_MONTH_ALT})\.?,?\s+"
    r"(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
_DOC_NUMERIC = re.compile(
    r"(?<![\d-])(?P<day>[0-3]?\d)\s?[-/.]\s?(?P<month>[01]?\d)\s?[-/.]\s?(?P<year>(?:19|20)\d\d)\b"
)
_DOC_TIME = re.compile(r"\b(?:kl\.?|klokken|kl\s)\s*(?P<h>[0-2]?\d)(?:[.:](?P<m>[0-5]\d))?", re.I)
_BARE_TIME = re.compile(r"(?<![\d.:-])(?P<h>[0-2]?\d)[:.](?P<m>[0-5]\d)(?![\d.:-])")


@dataclass(frozen=True)
class FoundDate:
    iso: str  # "2025-08-27"
    start: int  # where it was written in the text
    end: int


def find_date(text: str) -> FoundDate | None:
    """The first date written the ways Danish minutes write them: "27-08-2025",
    "04.12.2012", "2025-08-27", "27. august 2025", "Onsdag d. 27. august 2025",
    "tirsdag den 4. december 2012". None when there is none (or it is no real date)."""
    found = []
    for pattern in (_DOC_DAY_MONTH_YEAR, _ISO, _DOC_NUMERIC):
        for m in pattern.finditer(text):
            try:
                month = int(m["month"]) if m["month"].isdigit() else _month_number(m["month"])
                day = date(int(m["year"]), month, int(m["day"]))
            except (ValueError, KeyError):
                continue
            found.append(FoundDate(day.isoformat(), m.start(), m.end()))
            break
    return min(found, key=lambda f: f.start) if found else None


def find_time(text: str) -> str:
    """ "kl. 16:00", "kl. 16.00-18.30", "Mødetidspunkt: 13:00" -> "16:00" ("" if none)."""
    m = _DOC_TIME.search(text) or _BARE_TIME.search(text)
    if not m:
        return ""
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if hour > 23:
        return ""
    return f"{hour:02d}:{minute:02d}"
