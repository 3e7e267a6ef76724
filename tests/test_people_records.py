"""Meeting and person records, and the words the index keeps for the party, position
and person filters (searchapp/people/records.py), without an index."""

from __future__ import annotations

from searchapp.models import AgendaItem, Participant, Position, VoteCount
from searchapp.people.records import (
    attendee_terms,
    meeting_record,
    nearest_party,
    party_facet_terms,
    party_terms,
    person_id,
    person_record,
    person_terms,
    position_terms,
    stance_terms,
)

PEOPLE = [
    Participant("Liselott Blixt", "UP"),
    Participant("Mehmet Zeki Dogru", "Ø"),
    Participant("Tina Rottbøll", "A", present=False, absence="afbud", source="Moededeltagere"),
]


def _item(number, date="2024-01-29", positions=(), votes=(), participants=PEOPLE, **kw):
    people = [Participant(**vars(p)) for p in participants]
    return AgendaItem(id=f"greve-byraad-{date}-{number}", committee="Byråd", meeting_date=date,
                      number=number, title=f"Punkt {number}", municipality="Greve Kommune",
                      positions=list(positions), votes=list(votes), participants=people,
                      **kw)  # fmt: skip


def _view(item):
    return {"id": item.id, "title": item.title, "url": f"/items/{item.id}"}


def test_person_ids():
    assert person_id("Liselott Blixt", "Greve Kommune") == "greve-liselott-blixt"
    assert person_id("Hans-Jørgen Kirstein", "Greve Kommune") == "greve-hans-joergen-kirstein"
    assert person_id("Maja Højgaard", "Brøndby Kommune") == "broendby-maja-hoejgaard"
    assert person_id("X Y", "") == "ukendt-x-y"


def test_stance_terms():
    item = _item("1", positions=[
        Position("against", "Ø", "Mehmet Zeki Dogru", "Mehmet Zeki Dogru (Ø) stemte imod."),
        Position("for", "V", "", "For stemte (V)."),
    ])  # fmt: skip
    assert stance_terms(item) == sorted([
        "*:against", "*:for", "Ø:against", "Ø:*", "V:for", "V:*",
        "@greve-mehmet-zeki-dogru:against", "@greve-mehmet-zeki-dogru:*",
    ])  # fmt: skip
    assert attendee_terms(item) == ["greve-liselott-blixt", "greve-mehmet-zeki-dogru",
                                    "greve-tina-rottboell"]  # fmt: skip


def test_a_kkr_members_stand_is_known_by_their_municipality():
    member = Participant("Steen Christiansen", "A", body="Albertslund Kommune")
    item = _item("1", positions=[Position("against", "A", "Steen Christiansen", "...")],
                 participants=[member])  # fmt: skip
    item.municipality = "KKR Hovedstaden"
    assert "@albertslund-steen-christiansen:against" in stance_terms(item)
    assert attendee_terms(item) == ["albertslund-steen-christiansen"]


def test_party_terms_and_the_nearest_in_time():
    item = _item("1", positions=[Position("for", "Ø", "Mehmet Zeki Dogru", "...")])
    assert party_terms(item) == ["greve-liselott-blixt=UP=2024-01-29",
                                 "greve-mehmet-zeki-dogru=Ø=2024-01-29",
                                 "greve-tina-rottboell=A=2024-01-29"]  # fmt: skip
    seen = ["x=O=2022-01-31", "x=UP=2023-05-15", "x=UP=2024-01-29"]
    assert nearest_party(seen, "2022-03-07") == ("O", "2022-01-31")
    assert nearest_party(seen, "2023-09-01") == ("UP", "2023-05-15")
    assert nearest_party(["x=A=2024-01-01", "x=B=2024-01-03"], "2024-01-02") == (
        "A", "2024-01-01")  # a tie: the earlier meeting
    assert nearest_party([], "2024-01-02") is None


def test_filter_terms():
    assert person_terms(["greve-x"], []) == ["@greve-x:*"]
    assert person_terms(["greve-x", "greve-y"], ["for", "against"]) == [
        "@greve-x:for", "@greve-x:against", "@greve-y:for", "@greve-y:against"]  # fmt: skip
    assert position_terms(["against", "reservation"]) == ["*:against", "*:reservation"]


def test_party_facet_counts_dissent_unless_positions_are_chosen():
    assert party_facet_terms([]) == ("against", "reservation", "abstained")
    assert party_facet_terms(["for"]) == ("for",)


def test_meeting_record():
    items = [
        _item("1", votes=[VoteCount(19, 1, None, "Med stemmerne 19 for og 1 imod")],
              positions=[Position("against", "Ø", "", "(Ø) stemte imod.")]),
        _item("2"),
    ]  # fmt: skip
    record = meeting_record(items, _view)
    assert record["id"] == "greve-byraad-2024-01-29"
    assert record["url"] == "/meetings/greve-byraad-2024-01-29"
    assert (record["present"], record["absent"]) == (2, 1)
    tina = record["participants"][2]
    assert tina == {
        "name": "Tina Rottbøll", "party": "A", "party_label": "Socialdemokratiet",
        "party_seen": "", "role": "medlem", "role_label": "Medlem", "present": False,
        "absence": "afbud",
        "substitute_for": "", "body": "", "source": "Moededeltagere",
        "person_id": "greve-tina-rottboell", "person_url": "/people/greve-tina-rottboell",
    }  # fmt: skip
    first = record["items"][0]
    assert first["id"] == items[0].id
    assert first["positions"][0]["position_label"] == "Imod"
    assert first["votes"] == [{"in_favour": 19, "against": 1, "abstained": None,
                               "sentence": "Med stemmerne 19 for og 1 imod"}]  # fmt: skip
    assert meeting_record([], _view) is None


def test_person_record():
    missed = [Participant("Mehmet Zeki Dogru", "Ø", present=False, absence="fraværende")]
    items = [
        _item("1", date="2024-01-29", positions=[
            Position("against", "Ø", "Mehmet Zeki Dogru", "Mehmet Zeki Dogru (Ø) stemte imod.",
                     "pkt. 14")]),
        _item("2", date="2024-01-29"),  # the same meeting again: counted once
        _item("1", date="2024-03-13", participants=missed),
    ]  # fmt: skip
    record = person_record("greve-mehmet-zeki-dogru", items, _view)
    assert (record["name"], record["party"], record["municipality"]) == (
        "Mehmet Zeki Dogru", "Ø", "Greve Kommune")
    assert [(m["meeting_date"], m["present"]) for m in record["meetings"]] == [
        ("2024-03-13", False), ("2024-01-29", True)]  # fmt: skip
    assert (record["attended"], record["missed"]) == (1, 1)
    [stand] = record["positions"]
    assert (stand["id"], stand["position"], stand["points"]) == (items[0].id, "against", "pkt. 14")
    assert stand["meeting_url"] == "/meetings/greve-byraad-2024-01-29"
    assert person_record("greve-nobody", items, _view) is None
