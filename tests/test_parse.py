"""The parser on small hand-written minutes in the text-extraction format."""

import pytest

from searchapp.clean import clean
from searchapp.extract import lines_from_text
from searchapp.models import item_id, slugify
from searchapp.parse import classify_decision, parse_lines


def text_doc(pages: list[list[str]]) -> str:
    """Lay out pages the way the raw extractions are: each printed line followed by an
    empty line, each page after the first starting with a line that begins with a space."""
    out = []
    for n, page in enumerate(pages):
        for k, line in enumerate(page):
            out.append((" " if k == 0 and n else "") + line)
            out.append("")
    return "\n".join(out)


PAGES = [
    ["KKR Testby  | 03-02-2025", " SIDE  |  1", "Mission", "Vi arbejder for demokratiet."],
    [
        "1. Godkendelse af dagsorden",
        "",
        "1.1. Godkendelse af dagsorden",
        "SAG-2025-00042 abc",
        "Indstilling",
        "Det indstilles, at dagsordenen godkendes.",
        "Beslutning",
        "Dagsordenen blev godkendt.",
    ],
    [
        "2. Regionalpolitiske sager",
        "2.1. Opfølgning på den tværgående mobilitetsanalyse for ho-",
        "vedstadsområdet",
        "SAG-2025-00042 jjc/asfp",
        "Baggrund",
        "Referatet er udsendt til med-",
        "lemmerne. Se https://www.kl.dk/politik/kkr og tre punkter:",
        "1. Første punkt om SOSU-",
        "uddannelserne",
        "3. Tredje punkt",
        "Vedlagte bilag:",
        "Teknisk fremskrivning af udbud frem mod",
        "2045",
        "Beslutning",
        "Indstillingen blev ikke tiltrådt.",
    ],
    [
        "2.2. Beslutning om at øge kapaciteten",
        "SAG-2025-00043 abc",
        "Bilag",
        "Faktaark om kapacitet",
        "Beslutning",
        "KKR Testby tog orienteringen til efterretning.",
    ],
    ["3. KKR"],
    ["4. Eventuelt", "Borgmesteren takkede for et godt møde."],
]


@pytest.fixture(scope="module")
def meeting():
    cleaned = clean(lines_from_text(text_doc(PAGES)))
    return parse_lines(
        cleaned.lines, cleaned.header.committee, cleaned.header.meeting_date, "t.txt"
    )


def test_items_found_in_order(meeting):
    assert [i.number for i in meeting.items] == ["1.1", "2.1", "2.2", "4"]


def test_committee_and_date_from_running_header(meeting):
    item = meeting.items[0]
    assert (item.committee, item.meeting_date) == ("KKR Testby", "2025-02-03")
    assert item.id == "kkr-testby-2025-02-03-1.1"


def test_wrapped_title_joined_and_repaired(meeting):
    item = meeting.items[1]
    assert item.title == "Opfølgning på den tværgående mobilitetsanalyse for hovedstadsområdet"
    assert item.part == "2. Regionalpolitiske sager"
    assert item.case_number == "SAG-2025-00042"
    assert item.case_handler == "jjc/asfp"


def test_numbered_list_does_not_start_items_or_parts(meeting):
    item = meeting.items[1]
    assert "1. Første punkt om SOSU-uddannelserne" in item.background
    assert "3. Tredje punkt" in item.background


def test_sections_attachments_urls_and_status(meeting):
    item = meeting.items[1]
    assert "medlemmerne" in item.background
    assert item.attachments == ["Teknisk fremskrivning af udbud frem mod 2045"]
    assert item.urls == ["https://www.kl.dk/politik/kkr"]
    assert item.decision == "Indstillingen blev ikke tiltrådt."
    assert item.status == "rejected"


def test_title_starting_with_beslutning_is_a_title(meeting):
    item = meeting.items[2]
    assert item.title == "Beslutning om at øge kapaciteten"
    assert item.attachments == ["Faktaark om kapacitet"]
    assert item.status == "noted"


def test_part_without_items_is_an_item_when_it_has_text(meeting):
    last = meeting.items[-1]
    assert (last.number, last.title, last.part) == ("4", "Eventuelt", "4. Eventuelt")
    assert "takkede" in last.text
    assert last.status == "unknown"


def test_pages_spanned(meeting):
    assert meeting.items[0].pages == [2]
    assert meeting.items[1].pages == [3]


@pytest.mark.parametrize(
    "text,status",
    [
        ("KKR Hovedstaden godkendte referatet.", "approved"),
        ("Indstillingerne blev tiltrådt.", "approved"),
        ("KKR besluttede at indstille borgmester X.", "approved"),
        ("KKR Hovedstaden tog orienteringen til efterretning.", "noted"),
        ("KKR Hovedstaden drøftede fælles opmærksomheder.", "discussed"),
        ("Medlemmerne gav input til processen.", "discussed"),
        ("Punktet blev udsat til næste møde.", "postponed"),
        ("KKR besluttede at udsætte sagen.", "postponed"),
        ("Indstillingen blev ikke tiltrådt.", "rejected"),
        ("Forslaget blev afvist.", "rejected"),
        ("KKR tog orienteringen til efterretning. Et forslag blev godkendt senere.", "noted"),
        ("Formanden orienterede om status.", "noted"),
        ("", "unknown"),
        ("Mødet sluttede kl. 12.", "unknown"),
    ],
)
def test_classify_decision(text, status):
    assert classify_decision(text) == status


def test_ids_are_url_safe():
    assert slugify("Økonomiudvalget Århus") == "oekonomiudvalget-aarhus"
    assert item_id("", "KKR Sjælland", "2024-09-12", "3.4") == "kkr-sjaelland-2024-09-12-3.4"
