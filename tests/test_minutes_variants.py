"""Layouts no sample has, built line by line with their fonts: numbers alone above the
titles, items without numbers found by the contents, section names in body type,
closed items marked after the title, no line that names the committee."""

import pytest

from searchapp.clean import clean
from searchapp.extract import Line
from searchapp.minutes import Fallbacks, MinutesError, parse_minutes

BODY, BOLD, BIG = (10.0, False), (10.0, True), (13.0, True)


def doc(pages: list[list[tuple[str, tuple[float, bool]]]]) -> list[Line]:
    lines = []
    for number, page in enumerate(pages, 1):
        for k, (text, (size, bold)) in enumerate(page):
            lines.append(Line(text, number, size, bold, top=80.0 + 14 * k, left=56.0))
    return lines


FRONT = [
    ("Referat", (20.0, True)),
    ("Børne- og Skoleudvalget", BIG),
    ("Mødedato: 5. marts 2024", BODY),
    ("Mødested: Rådhuset, lokale 4", BODY),
]


def parse(pages, **fallbacks):
    return parse_minutes(clean(doc(pages)), "test.pdf", Fallbacks(**fallbacks))


def test_number_alone_above_the_title():
    meeting = parse([FRONT, [
        ("1.", BIG), ("Godkendelse af dagsorden", BIG), ("Sagsnr.: 24/1001", BODY),
        ("Beslutning", BOLD), ("Godkendt.", BODY),
        ("2.", BIG), ("Skolestruktur i", BIG), ("Vestbyen", BIG), ("Sagsnr.: 24/1002", BODY),
        ("Sagsfremstilling", BOLD), ("1. Første mulighed er at bygge nyt.", BODY),
        ("2. Anden mulighed er at renovere.", BODY),
        ("Beslutning", BOLD), ("Udvalget anbefaler mulighed 2.", BODY),
    ]])  # fmt: skip
    assert [(i.number, i.title, i.case_number, i.status) for i in meeting.items] == [
        ("1", "Godkendelse af dagsorden", "24/1001", "approved"),
        ("2", "Skolestruktur i Vestbyen", "24/1002", "recommended"),
    ]
    assert "1. Første mulighed" in meeting.items[1].presentation  # a list, not an item
    assert (meeting.committee, meeting.meeting_date) == ("Børne- og Skoleudvalget", "2024-03-05")
    assert meeting.place == "Rådhuset, lokale 4"


def test_items_without_numbers_found_by_the_contents():
    meeting = parse([FRONT, [
        ("Indholdsfortegnelse", BIG),
        ("Godkendelse af dagsorden..............3", BODY),
        ("Orientering om skolernes trivselsmåling..............3", BODY),
    ], [
        ("Godkendelse af dagsorden", BIG), ("Beslutning", BOLD), ("Godkendt.", BODY),
        ("Orientering om skolernes trivselsmåling", BIG), ("Resumé", BOLD),
        ("Trivslen er steget.", BODY), ("Beslutning", BOLD), ("Taget til efterretning.", BODY),
    ]])  # fmt: skip
    assert [(i.number, i.title, i.status) for i in meeting.items] == [
        ("1", "Godkendelse af dagsorden", "approved"),
        ("2", "Orientering om skolernes trivselsmåling", "noted"),
    ]


def test_section_names_in_body_type_when_none_is_set_apart():
    meeting = parse([FRONT, [
        ("1. Budgetopfølgning", BIG), ("Sagsfremstilling", BODY),
        ("Forbruget følger budgettet.", BODY), ("Beslutning", BODY),
        ("Taget til efterretning.", BODY),
    ]])  # fmt: skip
    item = meeting.items[0]
    assert [(s.name, s.kind) for s in item.sections] == [
        ("Sagsfremstilling", "presentation"), ("Beslutning", "decision")
    ]  # fmt: skip
    assert item.status == "noted"


@pytest.mark.parametrize(
    "title", ["Salg af grund (Lukket)", "Salg af grund - lukket punkt", "Lukket punkt"]
)
def test_closed_marks(title):
    meeting = parse([FRONT, [
        ("1. Godkendelse af dagsorden", BIG), ("Beslutning", BOLD), ("Godkendt.", BODY),
        (f"2. {title}", BIG), ("Beslutning", BOLD), ("Godkendt, prisen er 4 mio. kr.", BODY),
    ]])  # fmt: skip
    closed = meeting.items[1]
    assert closed.closed and closed.text == title and "4 mio" not in closed.decision


def test_closed_by_the_contents_group():
    meeting = parse([FRONT, [
        ("Indholdsfortegnelse", BIG), ("Åbent referat", BOLD),
        ("1. Godkendelse af dagsorden\t3", BODY), ("Lukket referat", BOLD),
        ("2. Personalesag\t3", BODY),
    ], [
        ("1. Godkendelse af dagsorden", BIG), ("Beslutning", BOLD), ("Godkendt.", BODY),
        ("2. Personalesag", BIG), ("Beslutning", BOLD), ("Medarbejderen afskediges.", BODY),
    ]])  # fmt: skip
    assert [i.closed for i in meeting.items] == [False, True]
    assert meeting.items[1].text == "Personalesag"


def test_committee_from_the_decision_heading_or_unknown():
    front = [("Referat", (20.0, True)), ("Tirsdag den 5. marts 2024", BODY)]
    item = [("1. Skolestart", BIG), ("Beslutning i Børneudvalget den 05-03-2024", BOLD),
            ("Godkendt.", BODY)]  # fmt: skip
    assert parse([front, item]).committee == "Børneudvalget"
    bare = [("1. Skolestart", BIG), ("Beslutning", BOLD), ("Godkendt.", BODY)]
    meeting = parse([front, bare])
    assert meeting.committee == "Ukendt udvalg" and len(meeting.items) == 1


def test_no_date_anywhere_is_an_error_that_says_what_was_looked_for():
    with pytest.raises(MinutesError, match=r"no meeting date found\): looked for"):
        parse([[("1. Skolestart", BIG), ("Beslutning", BOLD), ("Godkendt.", BODY)]])


@pytest.mark.parametrize(
    "front,facts",
    [
        # Region Midtjylland, 2007: the title line says it all
        (["Referat af mødet i Regionsrådet 14. november 2007 kl. 14:00 i Regionsrådssalen, "
          "Regionshuset Viborg"],
         ("Regionsrådet", "2007-11-14", "14:00", "Regionsrådssalen, Regionshuset Viborg")),
        # Skive, 2014: the body in capitals, labelled facts
        (["ÅBEN DAGSORDEN ØKONOMIUDVALG", "Mødedato: 12. august 2014",
          "Mødested: Gl. Rådhus, Byrådssalen", "Mødetidspunkt: 16:00"],
         ("Økonomiudvalg", "2014-08-12", "16:00", "Gl. Rådhus, Byrådssalen")),
        # Frederikssund, 2010: date, time and place on one line
        (["Referat fra møde i Økonomiudvalget",
          "Tirsdag den 18. maj 2010 Kl. 15.00 i Borgmesterens kontor"],
         ("Økonomiudvalget", "2010-05-18", "15:00", "Borgmesterens kontor")),
    ],
)  # fmt: skip
def test_front_pages_of_other_systems(front, facts):
    from searchapp.minutes.frontpage import read_front_page

    found = read_front_page([Line(text, 1) for text in front], [], len(front))
    assert (found.committee, found.meeting_date, found.meeting_time, found.place) == facts


def test_for_lukkede_doere_group_and_copenhagens_decision_heading():
    meeting = parse([FRONT, [
        ("Til behandling - for åbne døre", BOLD),
        ("1. Godkendelse af dagsorden", BIG),
        ("Økonomiudvalgets beslutning i mødet den 31. marts 2020", BOLD),
        ("Dagsordenen blev godkendt.", BODY),
        ("Til behandling - for lukkede døre", BOLD),
        ("2. Lukket sag: Salg af jord", BIG), ("Beslutning", BOLD), ("Godkendt.", BODY),
    ]])  # fmt: skip
    first, second = meeting.items
    assert first.decision == "Dagsordenen blev godkendt." and first.status == "approved"
    assert not first.closed and second.closed
    assert "lukkede døre" not in first.text


def test_labelled_facts_on_one_row():
    meeting = parse([FRONT, [
        ("1. Skolestart", BIG),
        ("Sagsnr.: 24/1001\tSagsansvarlig: Jens Møller\tDok.nr.: 24/9876", BODY),
        ("Beslutning", BOLD), ("Godkendt.", BODY),
        ("2. Skolebus", BIG),
        ("Sagsnr.: 24/1002 Sagsbehandler: Mette Kjær", BODY),
        ("Beslutning", BOLD), ("Godkendt.", BODY),
    ]])  # fmt: skip
    first, second = meeting.items
    assert (first.case_number, first.case_handler, first.document_number) == (
        "24/1001", "Jens Møller", "24/9876"
    )
    assert (second.case_number, second.case_handler) == ("24/1002", "Mette Kjær")
    assert "Sagsnr" not in first.text


@pytest.mark.parametrize("name", ["referat_14-05-2019.txt", "byraadet-20190514.txt"])
def test_meeting_date_from_a_file_name_of_any_shape(tmp_path, name):
    from searchapp.ingest import parse_file

    path = tmp_path / name
    path.write_text(
        "Referat\n\nByrådet\n\n1. Skolestart\n\nSagsnr.: 19/1001\n\nBeslutning\nGodkendt.\n",
        encoding="utf-8",
    )
    meeting = parse_file(path)
    assert (meeting.committee, meeting.meeting_date) == ("Byrådet", "2019-05-14")
    assert [i.title for i in meeting.items] == ["Skolestart"]
