"""The meeting's facts from what every Danish minutes document opens with.

Whatever the system, the first page names the body and the date, usually the time
and place: "REFERAT Aarhus Byråd d. 27-08-2025 / Mødedato Onsdag d. 27. august 2025
kl. 16:00 / Mødested Byrådssalen"; "Referat / Sundheds- og Forebyggelsesudvalget /
tirsdag den 4. december 2012, kl. 13:00 / i Mødecenter C, Lokale 32 på Ballerup
Rådhus"; "Mødedato: 20-06-2013 / Mødetidspunkt: 16:00 / Mødested: Rådhuset". The
running header often repeats them ("Dato: 04.12.2012").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..danish import find_date, find_time
from ..extract import Line
from ..municipalities import find_in_text, lookup, without_election_period

# What the document calls itself; a first line "REFERAT Aarhus Byråd d. 27-08-2025"
# is that word, the body and the date.
_KIND_RE = re.compile(
    r"^(?P<kind>referat|dagsorden|beslutningsprotokol|protokol|mødereferat|tillægsdagsorden"
    r"|ekstraordinært\s+referat|åbent\s+referat|åben\s+dagsorden)\b",
    re.I,
)
_LABEL_RE = re.compile(
    r"^(?P<label>mødedato|dato|mødetidspunkt|tidspunkt|tid|møde\s*tid|mødested|sted|"
    r"mødelokale|lokale|udvalg|forum|organ|møde|mødeforum|kl)\s*[:.]?\s+(?P<value>\S.*)$",
    re.I,
)
# Names of bodies that meet and keep minutes.
_BODY_RE = re.compile(
    r"(?:udvalg|udvalget|byråd|byrådet|kommunalbestyrelse|kommunalbestyrelsen|regionsråd"
    r"|regionsrådet|borgerrepræsentation|borgerrepræsentationen|magistrat|magistraten"
    r"|bestyrelse|bestyrelsen|råd|rådet|nævn|nævnet|kkr\s+\w+|kontaktråd|komité|komiteen"
    r"|forum|forsamling|repræsentantskab|repræsentantskabet|direktion|direktionen)$",
    re.I,
)


@dataclass
class MeetingFacts:
    committee: str = ""
    meeting_date: str = ""  # ISO
    meeting_time: str = ""
    place: str = ""
    municipality: str = ""
    kind: str = ""  # "referat", "dagsorden" as the document says, lower case
    looked_at: list[str] = field(default_factory=list)  # for the error when facts lack


def _body_name(text: str) -> str:
    """ "Sundheds- og Forebyggelsesudvalget" -> itself; a sentence -> ""."""
    text = re.sub(r"\s+", " ", text).strip(" .,:;")
    text = without_election_period(text)
    if not text or len(text) > 80 or len(text.split()) > 8 or text.endswith("."):
        return ""
    return text if _BODY_RE.search(text) else ""


def read_front_page(lines: list[Line], running: list[str], until: int) -> MeetingFacts:
    """Facts from lines[:until] (the front matter before the first agenda item), the
    running header's lines, and nothing else."""
    facts = MeetingFacts()
    front = [ln for ln in lines[:until] if ln.text.strip()]
    texts = [ln.text.strip() for ln in front]
    # 1. Labelled facts: "Mødedato: ...", "Mødested ...", "Udvalg: ...".
    for text in texts:
        m = _LABEL_RE.match(text)
        if not m:
            continue
        label, value = m["label"].lower(), m["value"].strip()
        if label in ("mødedato", "dato", "møde") and not facts.meeting_date:
            found = find_date(value)
            if found:
                facts.meeting_date = found.iso
                facts.meeting_time = facts.meeting_time or find_time(value[found.end :])
        if label in ("mødetidspunkt", "tidspunkt", "tid", "møde tid", "kl"):
            facts.meeting_time = facts.meeting_time or find_time("kl. " + value)
        if label in ("mødested", "sted", "mødelokale", "lokale") and not facts.place:
            facts.place = value
        if label in ("udvalg", "forum", "organ", "mødeforum") and not facts.committee:
            facts.committee = _body_name(value) or value
    # 2. A title line: "REFERAT Aarhus Byråd d. 27-08-2025", "Referat fra mødet i X".
    for text in texts[:12]:
        m = _KIND_RE.match(text)
        if not m:
            continue
        facts.kind = facts.kind or m["kind"].lower().split()[-1]
        rest = text[m.end() :].strip(" :-–")
        rest = re.sub(r"^(?:for|fra|af)\s+(?:mødet\s+i\s+|møde\s+i\s+)?", "", rest, flags=re.I)
        found = find_date(rest)
        if found:
            facts.meeting_date = facts.meeting_date or found.iso
            # "Referat af mødet i Regionsrådet 14. november 2007 kl. 14:00 i Regionsrådssalen"
            after = rest[found.end :]
            facts.meeting_time = facts.meeting_time or find_time(after)
            place = re.search(r"\bi\s+(?P<place>[A-ZÆØÅ].{2,120})$", after)
            if place and not facts.place:
                facts.place = place["place"].strip()
            rest = rest[: found.start]
        rest = re.sub(r"(?<!\s)\s+(?:d\.|den|mødet|møde|,)\s*$", "", rest.strip(), flags=re.I)
        if rest and not facts.committee and len(rest) <= 80:
            facts.committee = without_election_period(rest.strip(" ,.-–"))
    # 3. Unlabelled lines of the first page: a body's name, a date line with the time,
    #    a place line ("i Mødecenter C ... på Ballerup Rådhus").
    for i, text in enumerate(texts[:40]):
        if not facts.committee:
            facts.committee = _body_name(text)
        found = find_date(text)
        if not found or len(text) >= 90:
            continue
        if not facts.meeting_date:
            facts.meeting_date = found.iso
        if found.iso == facts.meeting_date:
            facts.meeting_time = facts.meeting_time or find_time(text)
            # eDoc: "tirsdag den 4. december 2012, kl. 13:00" / "i Mødecenter C, ..."
            nxt = texts[i + 1] if i + 1 < len(texts) else ""
            # ... or on the date's own line: "Tirsdag den 18. maj 2010 kl. 15.00 i Byrådssalen"
            place = re.search(
                r"\bkl\.?\s*[\d.:]+\s*(?:-\s*[\d.:]+\s*)?,?\s+i\s+(?P<place>\S.{0,100})$",
                text,
                re.I,
            ) or re.match(r"^(?:i|på)\s+(?P<place>\S.{0,100})$", nxt)
            if not facts.place and place:
                facts.place = place["place"].strip()
    # 4. The running header: "Sundheds- og Forebyggelsesudvalget", "Dato: 04.12.2012".
    for text in running:
        if not facts.committee:
            facts.committee = _body_name(text)
        if not facts.meeting_date:
            found = find_date(text)
            if found:
                facts.meeting_date = found.iso
    facts.committee = _tidy(facts.committee)
    # The municipality: named outright, in the place, or in the body's name.
    facts.municipality = (
        find_in_text("\n".join(texts[:40]))
        or find_in_text(facts.place)
        or _municipality_of(facts.committee)
    )
    facts.looked_at = [
        "a title line ('Referat <body> <date>')",
        "'Mødedato'/'Dato' and 'Mødested' lines",
        "a date on the first page ('Torsdag den 20. juni 2013', '27-08-2025')",
        "the running header",
    ]
    return facts


_LOWER_WORDS = {"og", "for", "i", "af", "til", "med"}


def _tidy(name: str) -> str:
    """Spaces made single, and a name in capitals ("TEKNIK- OG MILJØUDVALGET") written as
    names are ("Teknik- og Miljøudvalget"); short acronyms ("KKR") stay."""
    name = re.sub(r"\s+", " ", name).strip()
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 6 or not all(c.isupper() for c in letters):
        return name
    words = []
    for k, word in enumerate(name.split(" ")):
        if len(word) <= 3 and word.isalpha() and word.lower() not in _LOWER_WORDS:
            words.append(word)
        elif k and word.lower() in _LOWER_WORDS:
            words.append(word.lower())
        else:
            words.append(word[:1] + word[1:].lower())
    return " ".join(words)


def _municipality_of(committee: str) -> str:
    """ "Aarhus Byråd" -> "Aarhus Kommune"; "Økonomiudvalget" -> ""."""
    words = committee.split()
    if len(words) >= 2 and _BODY_RE.search(committee):
        return lookup(" ".join(words[:-1])) or lookup(words[0])
    return ""
