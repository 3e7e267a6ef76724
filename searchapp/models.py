"""The plain records that travel from the parser to the index and the adapters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Decision statuses, in the order the facets list them.
STATUSES = ("approved", "noted", "discussed", "postponed", "rejected", "unknown")

# Danish labels for the user interface.
STATUS_LABELS = {
    "approved": "Godkendt",
    "noted": "Taget til efterretning",
    "discussed": "Drøftet",
    "postponed": "Udsat",
    "rejected": "Afvist",
    "unknown": "Ukendt",
}


@dataclass
class AgendaItem:
    """One agenda item of one meeting: the unit we index, search and show."""

    id: str  # stable and URL-safe: "kkr-hovedstaden-2025-04-11-3.4"
    committee: str  # "KKR Hovedstaden"
    meeting_date: str  # ISO date "2025-04-11"
    number: str  # "3.4", or "5" for a part without numbered items
    title: str
    part: str  # "3. Regionalpolitiske sager"
    case_number: str = ""  # "SAG-2025-01103"
    case_handler: str = ""  # initials, "jjc"
    background: str = ""  # Baggrund
    recommendation: str = ""  # Indstilling
    presentation: str = ""  # Sagsfremstilling
    attachments: list[str] = field(default_factory=list)  # Bilag
    decision: str = ""  # Beslutning
    text: str = ""  # the whole item, title included
    status: str = "unknown"  # one of STATUSES
    source: str = ""  # the file it came from, as given to the parser
    pages: list[int] = field(default_factory=list)  # PDF pages it spans, first to last
    urls: list[str] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.meeting_date[:4]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> AgendaItem:
        return cls(**data)
