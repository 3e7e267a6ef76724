"""Participants and positions on real minutes in ../shared (skipped when missing).

Gold from the data itself:
- Greve's publishing-site JSON marks who sent apologies or was absent
  (`Moededeltagere`): every one of them must be away in our meeting record. Greve's
  decisions also write "Fraværende: ..." under every item; where the JSON marks no one
  but every decision of the meeting names someone away, the decisions are right (the
  JSON's flags were not kept up in those meetings): such absences must be backed by a
  line in every decided item of the meeting.
- Aarhus's 21 items (20 open, one closed), judged by reading them: the table below.
- Ballerup's eDoc and SBSYS exports and KL's KKR minutes: their attendance lists.
"""

from __future__ import annotations

import json
import re

import pytest
from test_exports_real import EDOC, GREVE, REAL, SBSYS, need

from searchapp.ingest import read_file
from searchapp.people import decision_text
from searchapp.people.names import Roster
from searchapp.people.positions import read_positions
from searchapp.sources import ReadOptions

# Who attended is in the minutes and the export; their attachments (a 108-page report, a
# scan read by OCR: a minute and more) are not read for it.
NO_ATTACHMENTS = ReadOptions(attachments=False)

AARHUS = REAL / "firstagenda" / "aarhus-byraad-2025-08-27-referat.pdf"
KKR = REAL.parent / "corpus" / "pdf"


# -- Greve: absences against the JSON -----------------------------------------------------------


@pytest.fixture(scope="module")
def greve():
    need(GREVE)
    meetings = []
    for path in sorted(GREVE.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        flagged = {p["Name"] for p in raw["Moede"]["Moededeltagere"]
                   if p["Absent"] or p["ParticipationCancelled"]}  # fmt: skip
        meetings.append((path, flagged, read_file(path)[0]))
    assert len(meetings) == 285
    return meetings


_AWAY_LINE_RE = re.compile(r"^\s*(?:Fraværende|Afbud(?: fra)?|Ikke til stede)\s*:?\s*(.+)$",
                           re.I | re.M)  # fmt: skip


def test_greve_every_absence_the_json_marks_is_in_the_meeting_record(greve):
    flagged = found = 0
    for path, gold, meeting in greve:
        away = {p.name for p in meeting.participants if p.present is False}
        assert gold <= away, f"{path.name}: {sorted(gold - away)} not away"
        flagged += len(gold)
        found += len(gold & away)
    assert flagged == found == 64


def test_greve_absences_beyond_the_json_are_written_under_every_decision(greve):
    """The record's other absences come from the decisions: the person is named away
    in every decided item of the meeting (a roster spelling counts)."""
    beyond = 0
    for path, gold, meeting in greve:
        extra = {p.name for p in meeting.participants if p.present is False} - gold
        if not extra:
            continue
        beyond += 1
        decided = [i for i in meeting.items if not i.closed and decision_text(i)]
        for item in decided:
            lines = re.sub(r"\([^()]*\)", "", ", ".join(_AWAY_LINE_RE.findall(decision_text(item))))
            named = Roster([n.strip(" .") for n in re.split(r",|\bog\b", lines) if n.strip()])
            for name in extra:
                assert named.match(name), f"{path.name} item {item.number}: {name} not named away"
    # Reported in the README: 262 of 285 meetings have exactly the JSON's absences.
    exact = sum(
        {p.name for p in m.participants if p.present is False} == gold for _, gold, m in greve
    )
    assert exact + beyond == 285


def test_greve_participants_are_the_json_members_and_substitutes(greve):
    for path, _, meeting in greve:
        raw = json.loads(path.read_text(encoding="utf-8"))
        listed = {p["Name"] for p in raw["Moede"]["Moededeltagere"]}
        names = {p.name for p in meeting.participants}
        assert listed <= names, path.name
        for p in meeting.participants:
            # Anyone beyond the JSON's list came from a decision's line about them.
            assert p.name in listed or p.source != "Moededeltagere", (path.name, p.name)


def test_greve_positions_quote_their_decision(greve):
    counted = 0
    for path, _, meeting in greve:
        for item in meeting.items:
            text = re.sub(r"\s+", " ", decision_text(item))
            for position in item.positions:
                assert position.sentence in text, (path.name, item.number, position)
                counted += 1
            if item.closed:
                assert not item.positions
    assert counted > 900


def test_greve_parties_from_the_meetings_own_text(greve):
    # "Mehmet Zeki Dogru (Ø) stemte imod" in a decision gives him his party.
    parties = {p.party for _, _, m in greve for p in m.participants
               if p.name == "Mehmet Zeki Dogru" and p.party}  # fmt: skip
    assert parties == {"Ø"}


# -- Aarhus: positions judged by reading the 21 items -------------------------------------------

# (item, party letter or person, position), from each item's "Beslutninger": what the
# byråd's members stood for as the item was decided at this meeting. Items 1, 2, 5 and
# 7-20 state no stand in their decision; 21 is closed.
AARHUS_DECISIONS = {
    ("3", "F", "against"),  # Socialistisk Folkepartis og Enhedslisten de Rød-Grønnes
    ("3", "Ø", "against"),  # byrådsgrupper og Viggo Jonasen kunne ikke tiltræde
    ("3", "Viggo Jonasen", "against"),  # indstillingens beslutningspunkter 1 og 2.
    ("3", "B", "against"),  # Radikale Venstres og Alternativets byrådsgrupper kunne
    ("3", "Å", "against"),  # ikke tiltræde indstillingen.
    ("4", "A", "against"),  # Socialdemokratiets byrådsgruppe kunne ikke tiltræde ...
    ("6", "Ø", "against"),  # Enhedslisten de Rød-Grønne kunne ikke tiltræde ...
    ("6", "Æ", "against"),  # Danmarksdemokraternes byrådsgruppe ... beslutningspunkt 5.
}
# "Sagsforløb" reports what other bodies decided at earlier meetings (Magistraten
# 19-08-2025, Økonomi- og Erhvervsudvalget 20-08-2025): not this meeting's decision, so
# never an item's position. Judged all the same, to test the sentence reader on more
# sentences than the decisions have.
AARHUS_HISTORY = {
    ("2", "A", "reservation"), ("2", "Jesper Kjeldsen", "not_participating"),
    ("3", "Å", "against"), ("3", "F", "reservation"), ("3", "Jesper Kjeldsen", "not_participating"),
    ("4", "V", "reservation"), ("4", "Jesper Kjeldsen", "not_participating"),
    ("5", "Jesper Kjeldsen", "not_participating"),
    ("6", "B", "reservation"), ("6", "Jesper Kjeldsen", "for"),
    ("6", "Eva Borchorst Mejnertz", "for"), ("6", "Mette Bjerre", "for"),
    ("6", "Metin Lindved Aydin", "for"), ("6", "Polly Dutschke", "for"),
    ("6", "Mette Skautrup", "reservation"), ("6", "Bünyamin Simsek", "reservation"),
    ("7", "Å", "reservation"), ("7", "Jesper Kjeldsen", "not_participating"),
    ("9", "I", "against"), ("9", "Å", "against"),
    ("10", "Jesper Kjeldsen", "not_participating"),
    ("11", "F", "reservation"), ("11", "I", "reservation"), ("11", "Å", "reservation"),
    ("11", "Jesper Kjeldsen", "not_participating"),
    ("12", "Jesper Kjeldsen", "not_participating"),
    ("14", "A", "reservation"), ("14", "C", "reservation"), ("14", "V", "reservation"),
    ("14", "Jesper Kjeldsen", "not_participating"),
}  # fmt: skip


def _precision_recall(found: set, gold: set) -> tuple[float, float]:
    hits = len(found & gold)
    return (hits / len(found) if found else 1.0), (hits / len(gold) if gold else 1.0)


@pytest.fixture(scope="module")
def aarhus():
    need(AARHUS)
    return read_file(AARHUS)[0]


def test_aarhus_positions_as_decided(aarhus):
    assert len(aarhus.items) == 21
    found = {(i.number, p.person or p.party, p.position) for i in aarhus.items for p in i.positions}
    precision, recall = _precision_recall(found, AARHUS_DECISIONS)
    print(f"Aarhus decisions: precision {precision:.2f}, recall {recall:.2f} "
          f"({len(found)} found, {len(AARHUS_DECISIONS)} judged)")  # fmt: skip
    assert found == AARHUS_DECISIONS


def test_aarhus_sentence_reader_on_the_case_histories(aarhus):
    found = set()
    for item in aarhus.items:
        positions, _ = read_positions(item.section_text("history"))
        found |= {(item.number, p.person or p.party, p.position) for p in positions}
    precision, recall = _precision_recall(found, AARHUS_HISTORY)
    print(f"Aarhus Sagsforløb: precision {precision:.2f}, recall {recall:.2f}")
    assert found == AARHUS_HISTORY


def test_aarhus_has_no_attendance_and_names_no_citizen(aarhus):
    assert aarhus.participants == []
    people = {p.person for i in aarhus.items for p in i.positions if p.person}
    assert people == {"Viggo Jonasen"}
    item = next(i for i in aarhus.items if i.number == "3")
    viggo = next(p for p in item.positions if p.person == "Viggo Jonasen")
    assert viggo.points == "indstillingens beslutningspunkter 1 og 2"


# -- Ballerup: eDoc and SBSYS --------------------------------------------------------------------

BALLERUP_ATTENDANCE = [
    ("Lolan Ottesen", "A", "formand", True),
    ("Grethe Larsen", "A", "næstformand", True),
    ("Birte Kramhøft", "F", "medlem", True),
    ("Doris Børger", "A", "medlem", True),
    ("Karl Vilhelm Nielsen", "V", "medlem", True),
    ("Maria Lundahl Assov", "A", "medlem", True),
    ("Per Mortensen", "A", "medlem", True),
    ("Mie Helene Andresen", "", "sekretær", True),
]


@pytest.mark.parametrize("name", ["eDocAgendaPublishing.xml", "1552814.PDF"])
def test_ballerup_edoc_attendance(name):
    need(EDOC)
    meeting = read_file(EDOC / name, NO_ATTACHMENTS)[0]
    assert [(p.name, p.party, p.role, p.present) for p in meeting.participants] == (
        BALLERUP_ATTENDANCE
    )
    # eDoc's "Følgende deltog ikke i behandlingen af punktet:" names no one here.
    assert all(not item.positions for item in meeting.items)


def test_ballerup_sbsys_members_of_an_agenda():
    need(SBSYS)
    meeting = read_file(SBSYS, NO_ATTACHMENTS)[0]
    people = [(p.name, p.party, p.present) for p in meeting.participants]
    assert len(people) == 11
    assert people[0] == ("Doris Børger", "A", None)  # "NotDecided": an agenda, not known
    assert ("Ulrik Falk-Sørensen", "F", None) in people
    assert ("Hanne Bahnsen", "", None) in people


# -- KL's KKR minutes ----------------------------------------------------------------------------


def test_kkr_hovedstaden_participants():
    need(KKR)
    meeting = read_file(KKR / "kkr-hovedstaden-2025-04-11-referat.pdf")[0]
    people = {p.name: (p.party, p.role, p.present, p.substitute_for, p.body)
              for p in meeting.participants}  # fmt: skip
    assert len(people) == 11
    assert people["Maja Højgaard"] == ("A", "medlem", True, "", "Brøndby Kommune")
    assert people["Thyge Enevoldsen"] == ("Ø", "medlem", True, "", "Frederiksberg Kommune")
    assert people["Serdal Benli"] == ("F", "suppleant", True, "Trine Græse", "Gladsaxe Kommune")
    assert people["Trine Græse"][2] is False
    older = read_file(KKR / "kkr-hovedstaden-2021-04-19-referat.pdf")[0]
    assert [(p.name, p.party) for p in older.participants] == [
        ("Thomas Lykke Pedersen", "A"), ("Thyge Enevoldsen", "Ø")]  # fmt: skip
