"""Denmark's 98 municipalities and 5 regions, to name the body a document is from.

Minutes rarely say "Greve Kommune" outright; they say "Byrådssalen, Greve Rådhus",
"Aarhus Byråd", or come from dagsordener.greve.dk. These names let a reader turn such
hints into the municipality's official name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .models import slugify

MUNICIPALITIES = (
    "Albertslund", "Allerød", "Assens", "Ballerup", "Billund", "Bornholms Regionskommune",
    "Brøndby", "Brønderslev", "Dragør", "Egedal", "Esbjerg", "Fanø", "Favrskov", "Faxe",
    "Fredensborg", "Fredericia", "Frederiksberg", "Frederikshavn", "Frederikssund", "Furesø",
    "Faaborg-Midtfyn", "Gentofte", "Gladsaxe", "Glostrup", "Greve", "Gribskov",
    "Guldborgsund", "Haderslev", "Halsnæs", "Hedensted", "Helsingør", "Herlev", "Herning",
    "Hillerød", "Hjørring", "Holbæk", "Holstebro", "Horsens", "Hvidovre", "Høje-Taastrup",
    "Hørsholm", "Ikast-Brande", "Ishøj", "Jammerbugt", "Kalundborg", "Kerteminde", "Kolding",
    "Københavns", "Køge", "Langeland", "Lejre", "Lemvig", "Lolland", "Lyngby-Taarbæk",
    "Læsø", "Mariagerfjord", "Middelfart", "Morsø", "Norddjurs", "Nordfyns", "Nyborg",
    "Næstved", "Odder", "Odense", "Odsherred", "Randers", "Rebild", "Ringkøbing-Skjern",
    "Ringsted", "Roskilde", "Rudersdal", "Rødovre", "Samsø", "Silkeborg", "Skanderborg",
    "Skive", "Slagelse", "Solrød", "Sorø", "Stevns", "Struer", "Svendborg", "Syddjurs",
    "Sønderborg", "Thisted", "Tønder", "Tårnby", "Vallensbæk", "Varde", "Vejen", "Vejle",
    "Vesthimmerlands", "Viborg", "Vordingborg", "Ærø", "Aabenraa", "Aalborg", "Aarhus",
)  # fmt: skip

REGIONS = (
    "Region Hovedstaden", "Region Sjælland", "Region Syddanmark", "Region Midtjylland",
    "Region Nordjylland",
)  # fmt: skip


_ELECTION_PERIOD_RE = re.compile(r"\s*[(,]?\s*(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\s*\)?\s*$")


def without_election_period(name: str) -> str:
    """ "Byråd 2022-2025" -> "Byråd": the period is not part of the body's name, and its
    meetings must group with those of the next period."""
    name = " ".join(name.split())
    return _ELECTION_PERIOD_RE.sub("", name).strip() or name


def official_name(short: str) -> str:
    """ "Greve" -> "Greve Kommune"; "Københavns" -> "Københavns Kommune"; a region and
    Bornholm keep their names."""
    if short in REGIONS or short.endswith("kommune"):
        return short
    return f"{short} Kommune"


def _key(text: str) -> str:
    # "Århus" and "Aarhus", "Lyngby Taarbæk" and "Lyngby-Taarbæk" are one place.
    return slugify(text).replace("aa", "a")


@lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    table = {}
    for short in MUNICIPALITIES:
        name = official_name(short)
        table[_key(short)] = name
        table[_key(short.removesuffix("s"))] = name  # "Københavns" -> "København"
        if short == "Bornholms Regionskommune":
            table[_key("Bornholm")] = name
    for region in REGIONS:
        table[_key(region)] = region
        table[_key(region.removeprefix("Region "))] = region
    return table


def lookup(place: str) -> str:
    """The official name for a municipality or region written any common way
    ("Greve", "greve kommune", "Århus", "Region Hovedstaden"), else ""."""
    text = re.sub(r"(?<!\s)\s+(?:kommune|kommunes|regionskommune|rådhus)$", "", place.strip(),
                  flags=re.I)  # (?<!\s): linear in a long run of spaces
    return _by_key().get(_key(text), "")


_BODY_RE = re.compile(
    r"\b(Region\s+(?:Hovedstaden|Sjælland|Syddanmark|Midtjylland|Nordjylland))\b"
    r"|\b([A-ZÆØÅ][\wæøåÆØÅ]+(?:[- ][A-ZÆØÅ][\wæøåÆØÅ]+)?)\s+(?:Kommune|Kommunes|Rådhus|"
    r"Byråd|Byrådet|Kommunalbestyrelse|Kommunalbestyrelsen)\b"
)


def find_in_text(text: str) -> str:
    """The first municipality or region the text names as a body ("Greve Kommune",
    "Ballerup Rådhus", "Aarhus Byråd", "Region Sjælland"), else ""."""
    for m in _BODY_RE.finditer(text):
        if m.group(1):
            return m.group(1)
        words = m.group(2)
        # "REFERAT Aarhus Byråd": the two words before the body, or the last one.
        name = lookup(words) or lookup(re.split(r"[ ]", words)[-1])
        if name:
            return name
    return ""


def from_host(host: str) -> str:
    """ "dagsordener.greve.dk" -> "Greve Kommune", "www.aarhus.dk" -> "Aarhus Kommune"."""
    for label in host.lower().split("."):
        name = lookup(label)
        if name:
            return name
    return ""
