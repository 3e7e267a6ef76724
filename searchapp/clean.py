"""Lines -> clean lines: running headers and footers gone, line-end hyphens repaired.

The headers are not thrown away: "KKR Hovedstaden | 11-04-2025" names the committee
and the meeting date, "SIDE | 31" the printed page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .extract import Line
from .sections import section_kind

# Every pattern here runs on text from untrusted files, one line may be megabytes long:
# each must take time linear in the line (tests/test_clean.py times them on long lines).
# "Committee | DD-MM-YYYY": the date follows the line's last "|" (see _running_header).
_HEADER_DATE_RE = re.compile(r"\s*(?P<d>\d{2})-(?P<m>\d{2})-(?P<y>\d{4})\s*")
_PAGE_RE = re.compile(r"^\s*(SIDE|Side|side)\s*(?:\|\s*)?\d+(\s*(af|/)\s*\d+)?\s*$")
# A footer that says the page after other words: "Teknik- og Miljøudvalget, 20-06-2025
# Side 2 af 4". The words before are short, and the page number is the line's end.
_PAGE_AT_END_RE = re.compile(
    r"(?P<before>.{0,100}?)(?:\s{2,}|\t|\s[-–|]\s)(?:side|page)\s*\d+\s*(?:af|of|/)\s*\d+\s*",
    re.I,
)
_WORD_RE = re.compile(r"[^\W\d_][\w’'-]*", re.UNICODE)


@dataclass
class MeetingHeader:
    committee: str = ""
    meeting_date: str = ""  # ISO
    # The running header's and footer's lines as printed once (not per page): they
    # often name the committee and the date ("Dato: 04.12.2012") in other layouts.
    running: list[str] = field(default_factory=list)


@dataclass
class CleanText:
    lines: list[Line]
    header: MeetingHeader


def clean(lines: list[Line]) -> CleanText:
    lines, header = strip_running_headers(lines)
    lines = mark_page_starts(normalize_page_breaks(lines))
    lines = repair_hyphens(lines)
    return CleanText(lines, header)


# -- running headers ---------------------------------------------------------------


def strip_running_headers(lines: list[Line]) -> tuple[list[Line], MeetingHeader]:
    """Drop "Committee | DD-MM-YYYY" and "SIDE | N" lines, and any other line that
    repeats at the top or bottom of most pages (a generic running header/footer)."""
    committees: Counter[tuple[str, str]] = Counter()
    kept: list[Line] = []
    footers: list[str] = []
    for line in lines:
        # A header's pieces may share a printed line: "KKR Sjælland | 12-09-2024" at the
        # left, "SIDE | 1" at the right, joined by a tab at extraction.
        pieces = []
        for piece in line.text.split("\t"):
            found = _running_header(piece)
            if found:
                committees[found] += 1
            elif _PAGE_RE.match(piece):
                continue
            elif len(piece) < 140 and (at_end := _PAGE_AT_END_RE.fullmatch(piece)):
                footers.append(at_end["before"].strip())
            else:
                pieces.append(piece)
        if not pieces:
            continue
        kept.append(
            line
            if len(pieces) == line.text.count("\t") + 1
            else replace(line, text="\t".join(pieces))
        )
    kept, running = _drop_repeated_edges(kept)
    header = MeetingHeader(running=list(dict.fromkeys(running + [f for f in footers if f])))
    if committees:
        (header.committee, header.meeting_date), _ = committees.most_common(1)[0]
    return kept, header


def _running_header(text: str) -> tuple[str, str] | None:
    """(committee, ISO date) of a "Committee | DD-MM-YYYY" line. The date cannot hold
    a "|", so it follows the last one; splitting there instead of letting a lazy
    pattern try every "|" keeps a line of a million spaces from taking hours."""
    committee, bar, date = text.rpartition("|")
    if not bar or not committee.strip():
        return None
    m = _HEADER_DATE_RE.fullmatch(date)
    if not m:
        return None
    return committee.strip(), f"{m['y']}-{m['m']}-{m['d']}"


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


# How many lines at the top and bottom of a page may belong to a running header or
# footer: eDoc prints five (committee, "Referat", "Åbent referat", "Dato: ...",
# "Side N"), most systems one or two.
_HEADER_DEPTH = 6
_FOOTER_DEPTH = 4


def _edge_keys(lines: list[Line], idx: list[int]) -> tuple[list, list]:
    """(line index, key) for the lines near the top and, apart, the bottom of one page,
    outermost first. The key is the line's shape and where it sits: its distance from
    the page top in points when the PDF says (a running header sits at the same height
    on every page), else its rank from the top or bottom."""
    positioned = lines[idx[0]].top >= 0
    top, bottom = [], []
    for rank, i in enumerate(idx[:_HEADER_DEPTH]):
        where = ("y", round(lines[i].top / 4)) if positioned else ("top", rank)
        top.append((i, (_shape(lines[i].text), where)))
    for rank, i in enumerate(reversed(idx[-_FOOTER_DEPTH:])):
        where = ("y", round(lines[i].top / 4)) if positioned else ("bottom", rank)
        bottom.append((i, (_shape(lines[i].text), where)))
    return top, bottom


def _drop_repeated_edges(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Lines that repeat, in the same place, at the top or bottom of at least half the
    pages (and of three): a running header or footer of any system. Without positions
    (text extractions) a header is the run of such lines from the page's edge inward,
    so a "Beslutning" label that recurs third on many pages stays; a section name never
    counts as a header."""
    pages: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.text.strip():
            pages.setdefault(line.page, []).append(i)
    if len(pages) < 3:
        return lines, []
    per_page = {page: _edge_keys(lines, idx) for page, idx in pages.items()}
    seen: Counter[tuple] = Counter()
    for top, bottom in per_page.values():
        for key in {key for _, key in top + bottom}:
            seen[key] += 1
    positioned = any(line.top >= 0 for line in lines)
    needed = max(3, len(pages) * (0.5 if positioned else 0.6))

    def repeated(i: int, key: tuple) -> bool:
        return seen[key] >= needed and len(key[0]) < 100 and not section_kind(lines[i].text)

    drop = set()
    for top, bottom in per_page.values():
        for edge in (top, bottom):
            for i, key in edge:
                if repeated(i, key):
                    drop.add(i)
                elif not positioned:
                    break  # the header ends at the first line that is not one
    if not drop:
        return lines, []
    running = list(dict.fromkeys(lines[i].text.strip() for i in sorted(drop)))
    return [line for i, line in enumerate(lines) if i not in drop], running


def normalize_page_breaks(lines: list[Line]) -> list[Line]:
    """Blank lines around a page break say nothing about paragraphs (PDFs and text
    extractions differ there), so drop them and break the paragraph only where the
    last line before the break ends a sentence."""
    out: list[Line] = []
    last_text: Line | None = None
    for line in lines:
        if not line.text.strip():
            out.append(line)
            continue
        if last_text is not None and line.page != last_text.page:
            while out and not out[-1].text.strip():
                out.pop()
            if last_text.text.rstrip().endswith((".", ":", "!", "?")):
                out.append(Line("", line.page))
        out.append(line)
        last_text = line
    return out


def mark_page_starts(lines: list[Line]) -> list[Line]:
    """The first text line of each page: parts of the agenda begin there."""
    out = []
    last_page = None
    for line in lines:
        if line.text.strip() and line.page != last_page:
            out.append(replace(line, page_start=True))
            last_page = line.page
        else:
            out.append(replace(line, page_start=False) if line.page_start else line)
    return out


# -- hyphenation ---------------------------------------------------------------------

# A hyphen before these words is a shared-suffix hyphen: "erhvervs- og velfærds...".
_CONJUNCTIONS = {"og", "eller", "samt", "til", "end", "som", "and", "or"}
# The word split at a line end, read backwards from the hyphen: anchored at the start
# of the reversed line, so it is found in one pass. (Searched forwards, a pattern
# ending in "-$" is tried from every character of the line: hours for 1 MB.)
_TRAIL_REVERSED_RE = re.compile(r"-(?P<word>\w[\w’'./:%-]*)")
_LEAD_RE = re.compile(r"^(?P<word>[\w’'-]+)(?P<rest>.*)$", re.DOTALL)


def word_counts(lines: list[Line]) -> Counter[str]:
    """How often each word form occurs inside lines (never at a line end), the
    document's own evidence for whether a split word is one word or a compound
    written with a hyphen."""
    counts: Counter[str] = Counter()
    for line in lines:
        words = _WORD_RE.findall(line.text)
        if line.text.rstrip().endswith("-") and words:
            words = words[:-1]
        for w in words:
            counts[w.lower().strip("-")] += 1
        for a, b in zip(words, words[1:], strict=False):
            counts[f"{a} {b}".lower()] += 1
    return counts


@lru_cache(maxsize=65536)
def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


def join_decision(prefix: str, suffix: str, counts: Counter[str]) -> str:
    """How to join a word split at a line end: "join" (med-/lemmerne), "hyphen"
    (SOSU-/uddannelserne) or "space" (erhvervs-/og).

    Danish closes compounds, so joining is the default; a hyphen stays for acronyms,
    names, numbers and URLs, where the document itself writes the word with a hyphen
    or a space more often than closed, and for English compounds ("life-science").
    """
    if "://" in prefix or prefix.lower().startswith("www."):
        return "hyphen"
    if suffix.lower() in _CONJUNCTIONS:
        return "space"
    if not suffix[:1].isalpha() or suffix[:1].isupper():
        return "hyphen"
    last = prefix.split("-")[-1]
    letters = [c for c in last if c.isalpha()]
    if any(c.isdigit() for c in last) or (len(letters) >= 2 and all(c.isupper() for c in letters)):
        return "hyphen"
    joined = (prefix + suffix).lower()
    n_joined = counts.get(joined, 0)
    n_apart = counts.get(f"{prefix}-{suffix}".lower(), 0) + counts.get(
        f"{last} {suffix}".lower(), 0
    )
    if n_apart != n_joined:
        return "hyphen" if n_apart > n_joined else "join"
    word = suffix.lower().rstrip("’'")
    if (
        _zipf(joined, "da") == 0
        and _zipf(last.lower(), "en") >= 4.0
        and _zipf(word, "en") >= 4.0
        and _zipf(last.lower(), "en") > _zipf(last.lower(), "da")
    ):
        return "hyphen"
    return "join"


def _split_word(text: str) -> str | None:
    """The word a line ends in when it ends with a hyphen ("SOSU-uddannel" for
    "SOSU-uddannel-"), None when it does not (or ends in "--", a dash)."""
    if not text.endswith("-") or text.endswith("--"):
        return None
    m = _TRAIL_REVERSED_RE.match(text[::-1])
    return m["word"][::-1] if m else None


def repair_hyphens(lines: list[Line]) -> list[Line]:
    """Join words split at line ends, across blank lines and page breaks.

    The second half of the word moves up to the first line, so each line keeps its
    page and style and a title wrapped over lines stays a title.
    """
    counts = word_counts(lines)
    out = [replace(line) for line in lines]
    for i, line in enumerate(out):
        prefix = _split_word(line.text)
        if prefix is None:
            continue
        j = i + 1
        while j < len(out) and not out[j].text.strip():
            j += 1
        if j == len(out):
            break
        lead = _LEAD_RE.match(out[j].text.lstrip())
        if not lead:
            continue
        word = lead["word"]
        # The whole first token moves up, punctuation included ("rien." stays "rien."),
        # and a URL goes on to the next space, whatever its characters.
        suffix, _, rest = out[j].text.lstrip().partition(" ")
        # A suffix may carry its own trailing hyphen only if the line ends there.
        decision = join_decision(prefix, word.rstrip("-") or word, counts)
        head = line.text[:-1]  # without the hyphen
        if decision == "join":
            line.text = head + suffix
        elif decision == "hyphen":
            line.text = head + "-" + suffix
        else:
            continue  # "erhvervs- og": the line break is a space; nothing to move
        out[j].text = rest.lstrip()
    return out
