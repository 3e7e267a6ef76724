"""Danish section names -> the kinds of section every reader fills (models.SECTION_KINDS).

Each meeting system names its sections its own way ("Sammendrag", "Resume",
"Resumé"; "Indstilling", "Beslutningspunkter", "Forvaltningens indstilling";
"Beslutning i Byrådet den 20-06-2013", "Sundheds- og Forebyggelsesudvalgets beslutning
den 04.12.2012 Punkt 1"). The name is kept as printed; the kind is what search fields,
the decision status and the snippets use.
"""

from __future__ import annotations

import re

# Normalised name (lower case, no trailing colon, single spaces) -> kind.
_NAMES: dict[str, str] = {}


def _add(kind: str, *names: str) -> None:
    for name in names:
        _NAMES[name] = kind


_add("summary", "resumé", "resume", "sammendrag", "kort resumé", "kort resume", "sagsresumé",
     "sagsresume", "sammenfatning", "resumé og indstilling", "kort om sagen", "formål",
     "sagens kerne", "hovedbudskaber")  # fmt: skip
_add("background", "baggrund", "baggrund for sagen", "sagens baggrund", "indledning")
_add("presentation", "sagsfremstilling", "sagsbeskrivelse", "fremstilling", "sagens indhold",
     "beskrivelse", "supplerende sagsfremstilling", "sagsfremstilling og vurdering",
     "vurdering", "forvaltningens vurdering", "administrationens vurdering",
     "sagens fakta", "redegørelse", "sagen", "uddybning", "analyse",
     "beslutningsforslag")  # fmt: skip
_add("recommendation", "indstilling", "indstillinger", "forvaltningens indstilling",
     "administrationens indstilling", "direktionens indstilling", "direktørens indstilling",
     "beslutningspunkter", "forslag til beslutning", "indstilling og beslutning",
     "indstillingen")  # fmt: skip
_add("decision", "beslutning", "beslutninger", "afgørelse", "udvalgets beslutning",
     "beslutning i udvalget", "byrådets beslutning", "kommunalbestyrelsens beslutning",
     "regionsrådets beslutning", "beslutning fra mødet", "protokol", "protokollat")  # fmt: skip
_add("history", "sagsforløb", "sagens forløb", "tidligere behandling", "tidligere beslutninger",
     "tidligere politiske beslutninger", "tidligere politisk behandling",
     "politisk behandling", "sagsprocedure", "tidligere beslutning", "historik")  # fmt: skip
_add("economy", "økonomi", "økonomiske konsekvenser", "økonomiske konsekvenser og finansiering",
     "økonomi og finansiering", "bevillingsmæssige konsekvenser", "økonomiske forhold",
     "finansiering", "økonomiske og personalemæssige konsekvenser", "økonomisk vurdering",
     "bevilling", "økonomiske og administrative konsekvenser")  # fmt: skip
_add("attachments", "bilag", "vedlagte bilag", "bilagsliste", "bilagsfortegnelse")
_add("other", "lovgrundlag", "retsgrundlag", "lovgivning", "lovgrundlag og kompetence",
     "tidsplan", "kommunikation", "høring", "høringssvar", "høring og inddragelse",
     "beslutningskompetence", "kompetence", "beslutningen træffes af", "sagen afgøres af",
     "personalemæssige konsekvenser", "personalemæssige forhold", "miljøvurdering",
     "konsekvenser", "øvrige forhold", "øvrige konsekvenser", "handicappolitisk vurdering",
     "klimamæssige konsekvenser", "klima- og miljømæssige konsekvenser",
     "miljømæssige konsekvenser", "borgerinddragelse", "inddragelse", "udtalelse",
     "udtalelser", "supplerende oplysninger", "risikovurdering", "videre proces",
     "den videre proces", "proces", "næste skridt", "sagsbehandler", "orientering",
     "borgmesterens afdelings påtegning", "påtegning", "planforhold", "planmæssige forhold",
     "juridiske forhold", "juridisk vurdering", "organisering", "implementering",
     "ansøgning", "forslag", "begrundelse", "bemærkninger", "status",
     "deltog ikke i behandlingen", "følgende deltog ikke i behandlingen af punktet",
     "følgende deltog ikke i behandlingen af sagen", "fraværende")  # fmt: skip

# Decision headings that name the body and the date: "Beslutning i Byrådet den
# 20-06-2013", "Beslutning Økonomiudvalget den 12-05-2020", "Sundheds- og
# Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 1", "Økonomiudvalget, 3. maj
# 2023, pkt. 4: beslutning".
_DATE = r"\d{1,2}[.\-/]\s?\d{1,2}[.\-/]\s?\d{2,4}|\d{1,2}\.\s*[a-zæøå]+\s+\d{4}"
_DECISION_HEADING_RES = [
    re.compile(
        rf"^beslutning(?:er)?\s+(?:i|fra|på|af)?\s*.{{2,80}}?\s+(?:den|d\.)\s*(?:{_DATE})", re.I
    ),  # fmt: skip
    # "... beslutning den 04.12.2012", Copenhagen's "Økonomiudvalgets beslutning i mødet den
    # 31. marts 2020"
    re.compile(
        rf"^.{{2,80}}?s\s+beslutning(?:er)?\s+(?:[ip]å?\s+mødet\s+)?(?:den|d\.)\s*(?:{_DATE})",
        re.I,
    ),
    re.compile(r"^(?:beslutning|beslutninger)\s+(?:i|fra|på)\s+\S.{1,80}$", re.I),
    re.compile(r"^.{2,80}?(?:udvalgets|rådets|bestyrelsens|magistratens)\s+beslutning$", re.I),
]


def normalize(name: str) -> str:
    name = re.sub(r"\s+", " ", name.replace("\u00a0", " ")).strip()
    return name.rstrip(":").strip().lower()


def section_kind(name: str) -> str | None:
    """The kind of a section called `name`, or None when it is not a section name.
    Decision headings that carry the body and date count as decisions."""
    key = normalize(name)
    if not key or len(key) > 120:
        return None
    if key in _NAMES:
        return _NAMES[key]
    for pattern in _DECISION_HEADING_RES:
        if pattern.match(key):
            return "decision"
    # "Indstilling fra Magistratsafdelingen for Teknik og Miljø", "Beslutning fra mødet
    # den ..." and other names that start with a known one and go on to say whose.
    m = re.match(r"^(\S+(?:\s+\S+)?)\s+(?:fra|til|for|i|om|ved)\s+\S", key)
    if m and m.group(1) in _NAMES and len(key) <= 90:
        return _NAMES[m.group(1)]
    return None


def is_decision_heading(name: str) -> bool:
    return section_kind(name) == "decision"


# Labels written at the start of a line with their text after them ("Beslutning:
# Godkendt."): only names that are unmistakably labels, and only with the colon, since
# "Status: projektet er forsinket" is a sentence.
_INLINE_NAMES = {
    "resumé", "resume", "sammendrag", "baggrund", "sagsfremstilling", "sagsbeskrivelse",
    "indstilling", "indstillinger", "beslutning", "beslutninger", "sagsforløb",
    "økonomi", "økonomiske konsekvenser", "bilag", "vedlagte bilag",
}  # fmt: skip


def split_inline_label(line: str) -> tuple[str, str, str] | None:
    """ "Beslutning: Godkendt." -> ("Beslutning", "decision", "Godkendt.")."""
    m = re.match(r"^\s*([A-ZÆØÅa-zæøå][\wæøåÆØÅ .,\-]{1,60}?)\s*:\s+(\S.*)$", line)
    if not m:
        return None
    key = normalize(m.group(1))
    if key not in _INLINE_NAMES:
        return None
    return m.group(1).strip(), _NAMES[key], m.group(2).strip()
