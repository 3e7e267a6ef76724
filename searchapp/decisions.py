"""The decision status of an agenda item, read from its decision text.

Danish minutes write decisions in many styles: "Godkendt.", "Anbefales.",
"Økonomiudvalget anbefaler overfor Byrådet, at ...", "Fremsendes til Teknisk Udvalg",
"Tilbagesendes Magistratsafdelingen ... med bemærkning, at byrådet ... har vedtaget
...", "Sagen blev udsat", "Orienteringen blev taget til efterretning". The earliest
explicit phrase decides: the first sentence is the decision, later ones report the
discussion or how members voted. Longer phrases win ties.
"""

from __future__ import annotations

import re

_STATUS_PATTERNS = [
    (
        "rejected",
        r"ikke\s+(?:blev\s+)?(?:tiltrådt|tiltrådte|godkendt|godkendte|godkendes|vedtaget|tiltræde"
        r"|imødekommet|anbefalet|anbefales)",
    ),
    ("rejected", r"\b(?:anbefales|anbefaler|godkendes|tiltrædes|imødekommes)\s+ikke\b"),
    ("rejected", r"\bafvist\w*|\bafviste\b|\bafvises\b|\bforkastet\b|\bforkastede\b"),
    (
        "rejected",
        r"\b(?:forslaget|indstillingen|ændringsforslaget)\s+(?:blev\s+)?(?:faldt|nedstemt)",
    ),
    ("postponed", r"\budsat\w*|\budsætte\w*|\budskudt\w*|\budskyde\w*|\budsættes\b"),
    ("postponed", r"besluttede\s+at\s+(?:udsætte|udskyde)"),
    ("postponed", r"\b(?:taget|trukket)\s+(?:af|fra)\s+dagsordenen\b|\budgik\b"),
    # "Økonomiudvalget anbefaler overfor Byrådet, at ... godkendes": a recommendation to
    # the body that decides, not the decision itself.
    ("recommended", r"\banbefal\w*|\bindstilles\s+til\s+(?:godkendelse|vedtagelse)\b"),
    (
        "recommended",
        r"\bindstiller\s+(?:over\s*for|til)\s+(?:byrådet|kommunalbestyrelsen|regionsrådet"
        r"|borgerrepræsentationen|økonomiudvalget)",
    ),
    (
        "referred",
        r"\b(?:fremsendes|oversendes|videresendes|tilbagesendes|henvises|henvist|sendes\s+videre"
        r"|sendes\s+tilbage|sendes\s+til|oversendt|videresendt"
        r"|sendte\s+(?:sagen\s+)?(?:tilbage|videre))\b",
    ),
    (
        "approved",
        r"\bgodkend\w*|\btiltrådt\w*|\btiltrådte\b|\btiltrædes\b|\bbesluttede\b|\bvedtog\b"
        r"|\bvedtaget\b|\bvedtages\b|\bbevilget\b|\bbevilgede\b|\bimødekommet\b",
    ),
    ("approved", r"\budpegede\b|\budpeges\b|\bgav\s+\w+\s+mandat\b|\bindstillede\b"),
    ("approved", r"\bvalgte\s+(?!at\b)\w+.{0,60}?\bsom\b"),  # "valgte X som ny formand"
    ("approved", r"\bindstillingen\s+(?:blev\s+)?fulgt\b|\bindstillingen\s+følges\b"),
    ("noted", r"til\s+efterretning|\btaget\s+til\s+orientering\b"),
    # A theme meeting held, citizens' questions answered, nothing to report: noted.
    (
        "noted",
        r"\bblev\s+(?:af)?holdt\b|\bbesvarede\s+(?:\w+\s+){0,3}spørgsmål|\bintet\s+at\s+orientere\b"
        r"|\bingen\s+(?:orienteringer|orienteringspunkter|spørgsmål)\b",
    ),
    ("discussed", r"\bdrøft\w*|\bgav\s+input\b|\bgav\s+\w+\s+input\b|\bkom\s+med\s+input\b"),
]
_STATUS_RES = [(status, re.compile(p, re.I)) for status, p in _STATUS_PATTERNS]

# "Tilbagesendes Magistratsafdelingen ... med bemærkning, at byrådet i sit møde ... har
# vedtaget Magistratens indstilling": the item goes back for execution because it was
# adopted. An adoption in the perfect tense within the first sentence is the decision.
_ADOPTED_RE = re.compile(
    r"\bhar\s+(?:vedtaget|godkendt|tiltrådt|besluttet)\b(?![^.]*\bikke\b)", re.I
)
_FIRST_SENTENCE_RE = re.compile(r"^.*?(?:[.!?](?=\s+[A-ZÆØÅ])|$)", re.S)

# Without an explicit decision, the minutes only report what was said: members'
# remarks make it a discussion, a briefing alone makes it noted.
_WEAK_RES = [
    (
        "discussed",
        re.compile(
            r"\bfremhævede\b|\bfremhævet\b|\bpåpeget\b|\bpåpegede\b|\bbemærkninger\b|\binput\b"
            r"|\bfandt\s+det\b|\banerkendte\b|\bopfordrede\b|\bopfordret\b|\bdrøftelse\w*",
            re.I,
        ),
    ),
    ("noted", re.compile(r"\borienterede\b|\boplyste\b|\borientering\w*", re.I)),
]


def classify_decision(text: str) -> str:
    """The decision status (models.STATUSES) of a decision text."""
    first = _FIRST_SENTENCE_RE.match(text.strip())
    if first and _ADOPTED_RE.search(first.group()):
        return "approved"
    best: tuple[int, int, str] | None = None
    for status, pattern in _STATUS_RES:
        m = pattern.search(text)
        if m:
            key = (m.start(), -(m.end() - m.start()), status)
            if best is None or key < best:
                best = key
    if best:
        return best[2]
    for status, pattern in _WEAK_RES:
        if pattern.search(text):
            return status
    return "unknown"
