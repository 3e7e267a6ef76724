"""Case numbers (sagsnumre) as Danish meeting systems print them.

One type for every stage: the readers find case numbers in minutes
(`find_case_numbers`, `case_number_line`), the index stores each item's by their
`key`, and the search box, the `sag:` prefix and the `case` parameter read what a
person types (`CaseNumber.parse`) and look it up by the same key.

The forms met in real minutes (letters in any case):

==========================  ==============================  =====================
printed                     where                           key (the "digits")
==========================  ==============================  =====================
``SAG-2025-01103``          KL (KKR minutes)                ``2025-01103``
``EMN-2025-003383``         FirstAgenda (Aarhus)            ``2025-003383``
``2011-29298``              eDoc (Ballerup, "Sagsnr.:")     ``2011-29298``
``21-014420``, ``21-014420K``  Greve's publishing site      ``21-014420``
``12/27845``                Acadre                          ``12/27845``
``00.01.00-A00-1-24``       a KLE journal number            ``00.01.00-A00-1-24``
==========================  ==============================  =====================

The key is the number without the system's prefix (SAG-, EMN-) and trailing letter:
what people type, so "2025-01103" finds SAG-2025-01103, and it is the same however
long the serial is (SAG-2025-1234567 has the key 2025-1234567).

In running text only the prefixed and KLE forms are taken as they stand; a bare number
("2011-29298", "21-014420", "12/27845") must follow a label (Sagsnr., Sag nr.,
Sagsnummer, J.nr., Journalnr.), since "2011-2015" or "04/2024" in a sentence is a
period or a date. A document number ("Dok.nr.: 2012-202935") is never a case number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "DISTINCT_PATTERN",
    "LABEL_PATTERN",
    "NUMBER_PATTERN",
    "CaseLine",
    "CaseNumber",
    "case_number_line",
    "find_case_numbers",
]

# The shapes, as regex sources (no groups of their own, so they combine). ASCII digits
# only: "٢٠٢٥" is a number to Python's \\d, not to a case-management system.
PREFIXES = ("SAG", "EMN")  # KL's SAG-, FirstAgenda's EMN-: a year and a serial follow
_PREFIXED = rf"(?:{'|'.join(PREFIXES)})-[0-9]{{4}}-[0-9]{{1,8}}"
_KLE = r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}-[A-ZÆØÅ][0-9]{2}-[0-9]{1,6}-[0-9]{2}"
_YEAR = r"[0-9]{4}-[0-9]{1,8}"  # eDoc: 2011-29298, 2010-3082
_SHORT = r"[0-9]{2}-[0-9]{4,8}[A-Z]?"  # 21-014420, 21-014420K
_SLASH = r"[0-9]{2}/[0-9]{3,8}"  # Acadre: 12/27845
_BARE = f"(?:{_YEAR}|{_SHORT}|{_SLASH})"
# For patterns of your own (no groups; compile with re.I): any form, and the forms that
# are case numbers wherever they stand.
DISTINCT_PATTERN = f"(?:{_PREFIXED}|{_KLE})"
NUMBER_PATTERN = f"(?:{DISTINCT_PATTERN}|{_BARE})"

# What may stand before a case number: "Sagsnr.:", "Sags nr.", "Sagsnummer", "Sag nr.",
# "Sag:", "J.nr.", "Journalnr.", "Journal nr.", "Sags-id:".
# ("\s*(?:-\s*)?", not "\s*-?\s*": two runs of spaces side by side are split every way
# before a match fails, quadratic in a long run of spaces; issue #14. The spaces after
# the label are taken possessively, "\s*+": a number never starts with a space, so
# giving them back one by one could only fail again.)
LABEL_PATTERN = (
    r"(?:sags?\s*(?:-\s*)?(?:nr\b\.?|nummer\b|id\b)|sag\s*:|j\s*\.\s*nr\b\.?"
    r"|journal\s*(?:-\s*)?(?:nr\b\.?|nummer\b))\s*+(?::\s*+)?"
)
# A number is whole: not part of a longer word or number ("x2011-29298", "2011-29298-4").
_BEFORE = r"(?<![\w./-])"
_AFTER = r"(?![\w/-]|\.\w)"

# A whole value (the `case` parameter, `sag:` in the search box) may also say "sag 2025-01103".
_WHOLE = re.compile(rf"(?:{LABEL_PATTERN}|sag\s+)?(?P<num>{NUMBER_PATTERN})", re.I)
_IN_TEXT = re.compile(
    rf"{_BEFORE}(?:{LABEL_PATTERN}{_BEFORE}(?P<bare>{NUMBER_PATTERN})"
    rf"|(?P<num>{DISTINCT_PATTERN})){_AFTER}",
    re.I,
)
_DIGIT = re.compile(r"[0-9]")
# A case-number line: a label or not, the number, perhaps the case handler's initials
# ("SAG-2025-01103 jjc", "SAG-2025-00420 abc/def").
_HANDLER = r"[a-zæøå]{2,6}(?:/[a-zæøå]{2,6})*"
_LINE = re.compile(
    rf"\s*(?:(?:{LABEL_PATTERN})(?P<bare>{NUMBER_PATTERN})|(?P<num>{DISTINCT_PATTERN}))"
    rf"(?:\s+(?P<handler>{_HANDLER}))?\s*",
    re.I,
)

_SHAPES = (
    ("prefixed", re.compile(_PREFIXED, re.I)),
    ("kle", re.compile(_KLE, re.I)),
    ("year", re.compile(_YEAR)),
    ("short", re.compile(_SHORT, re.I)),
    ("slash", re.compile(_SLASH)),
)


@dataclass(frozen=True)
class CaseNumber:
    """One case number. `text` is as printed, its letters in upper case
    ("SAG-2025-01103", "21-014420K"); `form` is its shape: "prefixed" (SAG-, EMN-),
    "kle", "year" (2011-29298), "short" (21-014420) or "slash" (12/27845)."""

    text: str
    form: str

    @classmethod
    def parse(cls, value: str) -> CaseNumber | None:
        """The case number `value` is, as a whole, with or without a label before it
        ("SAG-2025-01103", "sag-2025-01103", "2025-01103", "Sagsnr.: 2011-29298",
        "21-014420K"); None when it is none."""
        m = _WHOLE.fullmatch((value or "").strip())
        return _number(m["num"]) if m else None

    @property
    def digits(self) -> str:
        """What it is stored and looked up by: the number as people type it, the same
        for every way of writing it ("SAG-2025-01103", "sag 2025-01103", "2025-01103"
        all have "2025-01103")."""
        if self.form == "prefixed":
            return self.text.split("-", 1)[1]
        if self.form == "short" and self.text[-1].isalpha():
            return self.text[:-1]
        return self.text

    def __str__(self) -> str:
        return self.text


class CaseLine(NamedTuple):
    """A line that holds a case number and nothing else but a label before it and the
    case handler's initials after it (KL's minutes print "SAG-2025-01103 jjc")."""

    number: CaseNumber
    handler: str  # lower case; "" when none is given


def find_case_numbers(text: str) -> list[CaseNumber]:
    """Every case number in `text`, in order, each once: the prefixed and KLE forms
    wherever they stand, the bare forms after a label (see the module's docstring)."""
    found: dict[str, CaseNumber] = {}
    if not _DIGIT.search(text or ""):
        return []  # no number at all: most lines of minutes, read without a regex's walk
    for m in _IN_TEXT.finditer(text):
        number = _number(m["bare"] or m["num"])
        found.setdefault(number.text, number)
    return list(found.values())


def case_number_line(line: str) -> CaseLine | None:
    """The case number of a line that is a case-number line ("SAG-2025-01103 jjc",
    "Sagsnr.: 2011-29298", "EMN-2025-003383", "Sags nr.: 12/27845"), else None: a line
    with anything more ("Dok.nr.: 2012-202935", "sag 2011-2015 om skolerne") is not."""
    m = _LINE.fullmatch(line or "")
    if not m:
        return None
    return CaseLine(_number(m["bare"] or m["num"]), (m["handler"] or "").lower())


def _number(matched: str) -> CaseNumber:
    """The CaseNumber of text that matched one of the forms."""
    text = matched.upper()
    for form, pattern in _SHAPES:
        if pattern.fullmatch(text):
            return CaseNumber(text, form)
    raise AssertionError(f"{matched!r} matched no form")  # the patterns are the same
