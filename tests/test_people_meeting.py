"""A meeting's participants and its items' positions, as every reader leaves them
(searchapp/people.complete, called by ingest for every format), on the project's own
samples and on meetings built here."""

from __future__ import annotations

from pathlib import Path

from searchapp.ingest import read_file
from searchapp.models import AgendaItem, Meeting, Participant, Section
from searchapp.people import complete

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _item(number: str, decision: str, history: str = "", closed: bool = False) -> AgendaItem:
    sections = [Section("Beslutning", "decision", decision)] if decision else []
    if history:
        sections.append(Section("Sagens forløb", "history", history))
    return AgendaItem(id=f"greve-byraad-2024-01-29-{number}", committee="Byråd",
                      meeting_date="2024-01-29", number=number, title=f"Punkt {number}",
                      sections=sections, decision=decision, closed=closed)  # fmt: skip


def _meeting(items, participants=()) -> Meeting:
    return Meeting(committee="Byråd", meeting_date="2024-01-29", source="x.json",
                   municipality="Greve Kommune", items=list(items),
                   participants=list(participants))  # fmt: skip


ROSTER = [
    Participant("Bjarke Abel"),
    Participant("Linda Heegaard"),
    Participant("Mehmet Zeki Dogru"),
    Participant("Tina Rottbøll", present=False, absence="afbud", source="Moededeltagere"),
]


def absent(meeting):
    return sorted(p.name for p in meeting.participants if p.present is False)


def test_away_under_every_decision_is_away_from_the_meeting():
    meeting = complete(_meeting([
        _item("1", "Godkendt.\n\nFraværende: Bjarke Abel, Linda Heegaard"),
        _item("2", "Godkendt.\n\nFraværende: Linda Heegaard, Bjarke Abel"),
        _item("3", "", closed=True),  # a closed item says nothing
    ], ROSTER))  # fmt: skip
    assert absent(meeting) == ["Bjarke Abel", "Linda Heegaard", "Tina Rottbøll"]
    abel = next(p for p in meeting.participants if p.name == "Bjarke Abel")
    assert abel.absence == "fraværende"
    assert abel.source == "Fraværende: Bjarke Abel, Linda Heegaard"
    # The meeting's absence is no item's position.
    assert all(not item.positions for item in meeting.items)


def test_away_under_some_decisions_did_not_take_part_in_those():
    meeting = complete(_meeting([
        _item("1", "Godkendt."),
        _item("2", "Godkendt.\n\nFraværende: Mehmet Dogru."),  # spelt as the roster does not
    ], ROSTER))  # fmt: skip
    assert absent(meeting) == ["Tina Rottbøll"]
    [position] = meeting.items[1].positions
    assert (position.position, position.person, position.sentence) == (
        "not_participating", "Mehmet Zeki Dogru", "Fraværende: Mehmet Dogru.")


def test_positions_come_from_the_decision_only():
    meeting = complete(_meeting([_item(
        "1", "Byrådet godkendte indstillingen.\n\nMehmet Zeki Dogru (Ø) stemte imod.",
        history="13-12-2021 Økonomiudvalget\n\nLinda Heegaard (F) undlod at tage stilling.",
    )], ROSTER))  # fmt: skip
    assert [(p.position, p.person, p.party) for p in meeting.items[0].positions] == [
        ("against", "Mehmet Zeki Dogru", "Ø")]
    # The history still tells the meeting Linda Heegaard's party.
    assert next(p.party for p in meeting.participants if p.name == "Linda Heegaard") == "F"


def test_parties_learnt_from_the_meetings_text_go_by_the_most_written():
    meeting = complete(_meeting([
        _item("1", "Bjarke Abel (A) stemte imod."),
        _item("2", "Bjarke Abel (A) og Linda Heegaard (F) undlod at stemme."),
        _item("3", "Bjarke Abel (S) stemte for."),  # a slip
    ], ROSTER))  # fmt: skip
    parties = {p.name: p.party for p in meeting.participants}
    assert parties["Bjarke Abel"] == "A"
    assert [p.party for p in meeting.items[2].positions] == ["A"]


def test_substitutes_named_in_a_decision_join_the_meeting():
    meeting = complete(_meeting([
        _item("1", "Godkendt.\n\nJette Andersen deltog som suppleant for Kenneth Jerkel i "
                   "behandlingen af punktet.\n\nAfbud: Kenneth Jerkel"),
    ], ROSTER))  # fmt: skip
    jette = next(p for p in meeting.participants if p.name == "Jette Andersen")
    assert (jette.role, jette.present) == ("suppleant", True)
    assert jette.substitute_for == "Kenneth Jerkel"
    kenneth = next(p for p in meeting.participants if p.name == "Kenneth Jerkel")
    assert (kenneth.present, kenneth.absence) == (False, "afbud")


def test_every_item_carries_the_meetings_participants():
    meeting = complete(_meeting([_item("1", "Godkendt."), _item("2", "")], ROSTER))
    for item in meeting.items:
        assert [p.name for p in item.participants] == [p.name for p in meeting.participants]
    # Copies: changing one item's list changes no other.
    meeting.items[0].participants[0].name = "x"
    assert meeting.items[1].participants[0].name == "Bjarke Abel"


def test_an_item_without_such_sentences_has_no_positions():
    meeting = complete(_meeting([_item("1", "Sagen blev drøftet. Borgeren Jens Hansen var til "
                                            "stede og stemte for forslaget.")]))  # fmt: skip
    # "Borgeren Jens Hansen var til stede og stemte for": a citizen, not the subject of
    # a member's stand: no position, and no participant is made of him.
    assert meeting.participants == []
    assert meeting.items[0].positions == []


def test_edocs_section_of_those_not_taking_part():
    item = _item("1", "Indstillingen godkendt")
    item.sections.append(Section("Følgende deltog ikke i behandlingen af punktet:", "other",
                                 "Karl Vilhelm Nielsen (V)\nGrethe Larsen (A)"))  # fmt: skip
    meeting = complete(_meeting([item]))
    assert [(p.position, p.person, p.party) for p in meeting.items[0].positions] == [
        ("not_participating", "Karl Vilhelm Nielsen", "V"),
        ("not_participating", "Grethe Larsen", "A"),
    ]
    # Someone the attendance has away from the whole meeting is no item's position.
    away = [Participant("Grethe Larsen", "A", present=False, absence="afbud")]
    item = _item("1", "Indstillingen godkendt")
    item.sections.append(Section("Følgende deltog ikke i behandlingen af punktet:", "other",
                                 "Karl Vilhelm Nielsen (V)\nGrethe Larsen (A)"))  # fmt: skip
    meeting = complete(_meeting([item], away))
    assert [p.person for p in meeting.items[0].positions] == ["Karl Vilhelm Nielsen"]


def test_items_round_trip_with_their_people():
    meeting = complete(_meeting([_item("1", "Med stemmerne 19 for og 1 imod godkendt.\n\n"
                                            "(Ø) stemte imod.")], ROSTER))  # fmt: skip
    item = meeting.items[0]
    again = AgendaItem.from_dict(item.to_dict())
    assert again == item
    assert again.votes[0].in_favour == 19
    assert again.positions[0].party == "Ø"


# -- the project's samples, through the readers ------------------------------------------------


def _read(name: str) -> Meeting:
    return read_file(SAMPLES / name)[0]


def _people(meeting):
    return [(p.name, p.party, p.role, p.present, p.substitute_for) for p in meeting.participants]


def test_sample_kkr_members_and_substitute():
    meeting = _read("kkr-sjaelland-2024-09-12-referat.pdf")
    people = _people(meeting)
    assert ("Birgitte Holm", "A", "medlem", True, "") in people
    assert ("Trine Dahl Nielsen", "A", "suppleant", True, "Ib Mortensen") in people
    assert ("Ib Mortensen", "", "medlem", False, "") in people
    assert len(people) == 8
    assert {p.body for p in meeting.participants} >= {"Holbæk Kommune", "Lolland Kommune"}


def test_sample_committee_members_apologies_and_a_minority():
    meeting = _read("okonomiudvalget-2022-01-25-referat.pdf")
    assert _people(meeting)[:2] == [("Anne Kirkegaard", "A", "formand", True, ""),
                                   ("Peter Juul", "V", "næstformand", True, "")]  # fmt: skip
    assert ("Kasper Bang", "O", "medlem", False, "") in _people(meeting)
    assert ("Lene Frost", "O", "suppleant", True, "Kasper Bang") in _people(meeting)
    item = next(i for i in meeting.items if i.number == "2.2")
    assert [(p.position, p.party) for p in item.positions] == [
        ("for", "A"), ("for", "Ø"), ("for", "F")]


def test_sample_edoc_layout():
    meeting = _read("nordby-social-og-sundhedsudvalget-2025-06-03.pdf")
    assert _people(meeting) == [("Hanne Lund", "A", "formand", True, ""),
                                ("Peter Holm", "V", "næstformand", True, ""),
                                ("Sara Krogh", "F", "medlem", False, "")]  # fmt: skip


def test_sample_unseen_layout():
    meeting = _read("sydby-teknik-og-miljoeudvalget-2025-06-20.pdf")
    assert [p.name for p in meeting.participants] == ["Lars Berg", "Anna Friis", "Ole Dahl"]
    item = next(i for i in meeting.items if i.number == "2")
    assert [(p.position, p.party, p.sentence) for p in item.positions] == [
        ("against", "Ø", "Enhedslisten stemte imod.")]


def test_sample_firstagenda_layout():
    meeting = _read("testrup-byraad-2025-09-24-referat.pdf")
    assert meeting.participants == []  # FirstAgenda prints no attendance
    stands = [(i.number, p.position, p.party) for i in meeting.items for p in i.positions]
    assert stands == [("2", "against", "V")]


def test_parse_command_shows_participants_stands_and_votes():
    import json

    from click.testing import CliRunner

    from searchapp.cli import cli

    minutes = str(SAMPLES / "okonomiudvalget-2022-01-25-referat.pdf")
    result = CliRunner().invoke(cli, ["parse", minutes])
    assert result.exit_code == 0
    assert "Deltagere: Anne Kirkegaard (A) formand; Peter Juul (V) næstformand;" in result.output
    assert "Kasper Bang (O) afbud; Lene Frost (O) suppleant for Kasper Bang" in result.output
    assert "    For: Ø\n" in result.output
    as_json = CliRunner().invoke(cli, ["parse", "--json", minutes])
    meeting = json.loads(as_json.output)["meetings"][0]
    assert meeting["participants"][0]["name"] == "Anne Kirkegaard"


SBSYS_XML = """<?xml version="1.0" encoding="utf-8"?>
<Publication><Agendas><Agenda ID="1">
  <Meeting ID="1"><When>10-04-2024 17:00:00</When><Where>Rådhuset, Egedal Kommune</Where>
    <Members>
      <MeetingMember ID="1"><ParticipationStatusAsText>Participating</ParticipationStatusAsText>
        <Name>Anna Hansen (A)</Name><MeetingMemberRolesList>Formand</MeetingMemberRolesList>
      </MeetingMember>
      <MeetingMember ID="2"><ParticipationStatusAsText>NotParticipating</ParticipationStatusAsText>
        <Name>Bent Olsen (V)</Name></MeetingMember>
      <MeetingMember ID="3"><ParticipationStatusAsText>Participating</ParticipationStatusAsText>
        <Name>Carl Berg (Ø)</Name></MeetingMember>
    </Members></Meeting>
  <Committee><Name>Plan- og Miljøudvalget</Name></Committee>
  <Items><Item ID="1"><Caption>Lokalplan for Stationsvej</Caption><IsPublic>True</IsPublic>
    <Number>1</Number>
    <Fields><ItemField><Caption>Beslutning</Caption><Index>1</Index>
      <Content>&lt;p&gt;Godkendt. (Ø) stemte imod.&lt;/p&gt;</Content></ItemField></Fields>
    <Members>
      <ItemMember ID="1"><ParticipationStatusAsText>Participating</ParticipationStatusAsText>
        <Name>Anna Hansen (A)</Name></ItemMember>
      <ItemMember ID="3"><ParticipationStatusAsText>Participating</ParticipationStatusAsText>
        <ParticipationNote>Inhabil, forlod mødet under punktet</ParticipationNote>
        <Name>Carl Berg (Ø)</Name></ItemMember>
    </Members></Item></Items>
</Agenda></Agendas></Publication>
"""


def test_sbsys_members_and_item_members(tmp_path):
    path = tmp_path / "Publication1.xml"
    path.write_text(SBSYS_XML, encoding="utf-8")
    meeting = read_file(path)[0]
    assert [(p.name, p.party, p.role, p.present, p.absence) for p in meeting.participants] == [
        ("Anna Hansen", "A", "formand", True, ""),
        ("Bent Olsen", "V", "medlem", False, "fraværende"),
        ("Carl Berg", "Ø", "medlem", True, ""),
    ]
    [item] = meeting.items
    assert [(p.position, p.party, p.person) for p in item.positions] == [
        ("not_participating", "Ø", "Carl Berg"),  # the item's member record says inhabil
        ("against", "Ø", ""),  # the decision's sentence
    ]
    assert item.positions[0].sentence == (
        "Carl Berg (Ø): Participating (Inhabil, forlod mødet under punktet)")
