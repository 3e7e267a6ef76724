"""Parties, names and attendance lists as minutes print them (searchapp/people)."""

from __future__ import annotations

import pytest

from searchapp.people.attendance import read_attendance, split_entries
from searchapp.people.names import Roster, is_name, parse_entry
from searchapp.people.parties import label, letter_of

# -- parties ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        ("A", "A"), ("(Ø)", "Ø"), ("Æ", "Æ"), ("Å", "Å"),
        ("SF", "F"), ("KF", "C"), ("EL", "Ø"), ("LA", "I"), ("DF", "O"), ("DD", "Æ"),
        ("RV", "B"), ("ALT", "Å"), ("UFP", "UP"), ("UP-1", "UP"), ("UP2", "UP"),
        ("Socialdemokratiet", "A"), ("Socialdemokratiets byrådsgruppe", "A"),
        ("Radikale Venstres", "B"), ("Radikale Venstre", "B"), ("Venstres byrådsgruppe", "V"),
        ("Venstre", "V"), ("det Konservative Folkeparti", "C"),
        ("Det Konservative Folkepartis", "C"),
        ("Socialistisk Folkepartis byrådsgruppe", "F"), ("Liberal Alliance", "I"),
        ("Moderaterne", "M"), ("Dansk Folkeparti", "O"),
        ("Danmarksdemokraternes byrådsgruppe", "Æ"),
        ("Enhedslisten de Rød-Grønnes", "Ø"), ("Enhedslisten - De Rød-Grønne", "Ø"),
        ("Enhedslistens", "Ø"), ("Alternativets byrådsgrupper", "Å"), ("Nye Borgerlige", "D"),
        ("løsgænger", "UP"), ("Uden for partierne", "UP"),
        ("L", "L"),  # a local list keeps its letter
    ],
)  # fmt: skip
def test_party_letters_from_letters_abbreviations_and_names(text, letter):
    assert letter_of(text) == letter


@pytest.mark.parametrize(
    "text", ["til venstre", "alternativet", "Byrådet", "Udvalget", "formand", "", "punkt 3"]
)
def test_words_that_are_no_party(text):
    assert letter_of(text) == ""


def test_party_labels():
    assert label("Ø") == "Enhedslisten"
    assert label("L") == "Lokalliste L"
    assert label("UP") == "Uden for partierne"


# -- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "party", "role", "body", "substitute_for", "substituted_by"),
    [
        ("Lolan Ottesen (A) - formand", "Lolan Ottesen", "A", "formand", "", "", ""),
        ("Grethe Larsen (A) - næstformand", "Grethe Larsen", "A", "næstformand", "", "", ""),
        ("Anne Kirkegaard (A), formand", "Anne Kirkegaard", "A", "formand", "", "", ""),
        ("Mie Helene Andresen", "Mie Helene Andresen", "", "", "", "", ""),
        ("Liselott Blixt (UP-1)", "Liselott Blixt", "UP", "", "", "", ""),
        ("John T. Olsen", "John T. Olsen", "", "", "", "", ""),
        ("Hans-Jørgen Kirstein (D)", "Hans-Jørgen Kirstein", "D", "", "", "", ""),
        ("Brigitte Klintskov Jerkel.", "Brigitte Klintskov Jerkel", "", "", "", "", ""),
        ("Formand: Lars Berg (A)", "Lars Berg", "A", "formand", "", "", ""),
        ("Borgmester Steen Christiansen (A)", "Steen Christiansen", "A", "", "", "", ""),
        ("Thyge Enevoldsen (Ø) Frederiksberg Kommune", "Thyge Enevoldsen", "Ø", "",
         "Frederiksberg Kommune", "", ""),
        ("Serdal Benli (F), Gladsaxe Kommune, suppleant for Trine Græse", "Serdal Benli", "F",
         "suppleant", "Gladsaxe Kommune", "Trine Græse", ""),
        ("Kasper Bang (O), stedfortræder Lene Frost (O)", "Kasper Bang", "O", "", "", "",
         "Lene Frost"),
        ("Jette Andersen (A) (suppleant for Kenneth Jerkel)", "Jette Andersen", "A",
         "suppleant", "", "Kenneth Jerkel", ""),
    ],
)  # fmt: skip
def test_attendance_entries(text, name, party, role, body, substitute_for, substituted_by):
    entry = parse_entry(text)
    assert entry is not None
    assert (entry.name, entry.party, entry.role, entry.body) == (name, party, role, body)
    assert (entry.substitute_for, entry.substituted_by) == (substitute_for, substituted_by)


@pytest.mark.parametrize(
    "text",
    ["Temamødet blev holdt", "Byrådet godkendte indstillingen", "Ingen", "Mindretallet",
     "1. Meddelelser", "Sundheds- og Forebyggelsesudvalget", "Dansk Folkeparti",
     "Bjarke Abel, Linda Heegaard og en masse tekst bagefter"],
)  # fmt: skip
def test_texts_that_are_no_entry(text):
    assert parse_entry(text) is None


def test_names():
    assert is_name("Viggo Jonasen")
    assert is_name("Metin Lindved Aydin")
    assert not is_name("Byrådet")
    assert not is_name("Magistratsafdelingen for Teknik")
    assert not is_name("Liberal Alliance")


def test_roster_matches_the_spellings_of_one_meeting():
    roster = Roster(["Mehmet Zeki Dogru", "Brigitte Klintskov Jerkel", "Ronni Mark Nielsen",
                     "Anne Marie Lyduch", "Hans-Jørgen Kirstein"])  # fmt: skip
    assert roster.match("Mehmet Dogru") == "Mehmet Zeki Dogru"  # a middle name left out
    assert roster.match("Brigtitte Klintskov Jerkel") == "Brigitte Klintskov Jerkel"  # a slip
    assert roster.match("Ronnie Mark Nielsen") == "Ronni Mark Nielsen"
    assert roster.match("Anne Marie Lyduch.\xa0") == "Anne Marie Lyduch"
    assert roster.match("Hans Jørgen Kirstein") == "Hans-Jørgen Kirstein"
    assert roster.match("Lone Mortensen") is None
    assert roster.match("Anne Mortensen") is None


def test_roster_refuses_an_ambiguous_match():
    roster = Roster(["Anne Marie Hansen", "Anne Louise Hansen"])
    assert roster.match("Anne Hansen") is None


# -- attendance lists --------------------------------------------------------------------------


def _people(participants):
    return [(p.name, p.party, p.role, p.present, p.substitute_for, p.absence, p.body)
            for p in participants]  # fmt: skip


def test_edoc_front_page():
    lines = ["Referat", "Sundheds- og Forebyggelsesudvalget",
             "tirsdag den 4. december 2012, kl. 13:00", "Tilstede", "Lolan Ottesen (A) - formand",
             "Grethe Larsen (A) - næstformand", "Birte Kramhøft (F)", "Afbud/Fraværende",
             "Karl Vilhelm Nielsen (V)", "", "Sekretær", "Mie Helene Andresen",
             "INDHOLDSFORTEGNELSE", "1. Meddelelser 3"]  # fmt: skip
    assert _people(read_attendance(lines)) == [
        ("Lolan Ottesen", "A", "formand", True, "", "", ""),
        ("Grethe Larsen", "A", "næstformand", True, "", "", ""),
        ("Birte Kramhøft", "F", "medlem", True, "", "", ""),
        ("Karl Vilhelm Nielsen", "V", "medlem", False, "", "fraværende", ""),
        ("Mie Helene Andresen", "", "sekretær", True, "", "", ""),
    ]


def test_members_and_apologies_with_a_substitute():
    lines = ["Mødested", "Rådhuset, mødelokale 1", "Medlemmer", "Anne Kirkegaard (A), formand",
             "Peter Juul (V), næstformand", "Kasper Bang (O)", "", "Afbud",
             "Kasper Bang (O), stedfortræder Lene Frost (O)"]  # fmt: skip
    assert _people(read_attendance(lines)) == [
        ("Anne Kirkegaard", "A", "formand", True, "", "", ""),
        ("Peter Juul", "V", "næstformand", True, "", "", ""),
        ("Kasper Bang", "O", "medlem", False, "", "afbud", ""),  # listed twice: away
        ("Lene Frost", "O", "suppleant", True, "Kasper Bang", "", ""),
    ]


def test_one_line_lists():
    lines = ["Mødedato: 20-06-2025",
             "Medlemmer: Lars Berg (A), formand, Anna Friis (V), Ole Dahl (Ø)",
             "Fraværende: Ingen"]  # fmt: skip
    assert _people(read_attendance(lines)) == [
        ("Lars Berg", "A", "formand", True, "", "", ""),
        ("Anna Friis", "V", "medlem", True, "", "", ""),
        ("Ole Dahl", "Ø", "medlem", True, "", "", ""),
    ]
    assert _people(read_attendance(["Ikke til stede: Bjarke Abel og Linda Heegaard (F)"])) == [
        ("Bjarke Abel", "", "medlem", False, "", "fraværende", ""),
        ("Linda Heegaard", "F", "medlem", False, "", "fraværende", ""),
    ]


def test_kkr_members_without_a_label():
    lines = ["KKR Hovedstaden | 11-04-2025 SIDE | 2", "Maja Højgaard (A), Brøndby Kommune",
             "Thyge Enevoldsen (Ø) Frederiksberg Kommune",
             "Serdal Benli (F), Gladsaxe Kommune, suppleant for Trine Græse"]  # fmt: skip
    assert _people(read_attendance(lines)) == [
        ("Maja Højgaard", "A", "medlem", True, "", "", "Brøndby Kommune"),
        ("Thyge Enevoldsen", "Ø", "medlem", True, "", "", "Frederiksberg Kommune"),
        ("Serdal Benli", "F", "suppleant", True, "Trine Græse", "", "Gladsaxe Kommune"),
        ("Trine Græse", "", "medlem", False, "", "", "Gladsaxe Kommune"),  # sat for: away
    ]


def test_a_list_ends_where_its_lines_stop_being_people():
    lines = ["Tilstede", "Lolan Ottesen (A)", "Mødet blev holdt i Byrådssalen.",
             "Peter Holm (V)"]  # fmt: skip
    assert [p.name for p in read_attendance(lines)] == ["Lolan Ottesen"]


def test_no_attendance_no_participants():
    lines = ["REFERAT Aarhus Byråd d. 27-08-2025", "Mødedato Onsdag d. 27. august 2025 kl. 16:00",
             "Mødested Byrådssalen", "Medlemmer af udvalget skal godkende referatet."]  # fmt: skip
    assert read_attendance(lines) == []


def test_split_entries():
    assert [e.name for e in split_entries("Bjarke Abel, Linda Heegaard")] == [
        "Bjarke Abel", "Linda Heegaard"]  # fmt: skip
    assert split_entries("Ingen") == []
    assert split_entries("Temamødet blev holdt") is None


# -- more layouts of attendance ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "party", "role", "substitute_for"),
    [
        ("Lars Berg, formand (A)", "Lars Berg", "A", "formand", ""),
        ("Lars Berg (A) (formand)", "Lars Berg", "A", "formand", ""),
        ("Lars Berg (A) - formand for udvalget", "Lars Berg", "A", "formand", ""),
        ("Suppleant: Jens Hansen (A) for Lise Berg", "Jens Hansen", "A", "suppleant",
         "Lise Berg"),
        ("Lars Berg (A) deltog fra kl. 17.00", "Lars Berg", "A", "", ""),
        ("Lars Berg (A), forlod mødet under pkt. 5", "Lars Berg", "A", "", ""),
    ],
)  # fmt: skip
def test_entries_with_notes_and_roles_written_otherwise(text, name, party, role, substitute_for):
    entry = parse_entry(text)
    assert (entry.name, entry.party, entry.role, entry.substitute_for) == (
        name, party, role, substitute_for)  # fmt: skip


def test_names_set_in_columns():
    lines = ["Medlemmer:", "Lars Berg (A)      Anna Friis (V)", "Ole Dahl (Ø)\tKaren Holm (C)",
             "Fraværende med afbud: Ole Dahl (Ø)"]  # fmt: skip
    assert _people(read_attendance(lines)) == [
        ("Lars Berg", "A", "medlem", True, "", "", ""),
        ("Anna Friis", "V", "medlem", True, "", "", ""),
        ("Ole Dahl", "Ø", "medlem", False, "", "afbud", ""),
        ("Karen Holm", "C", "medlem", True, "", "", ""),
    ]


def test_several_lists_on_one_line():
    lines = ["Deltagere: Lars Berg (A), Anna Friis (V). Afbud: Karen Holm (C)."]
    assert _people(read_attendance(lines)) == [
        ("Lars Berg", "A", "medlem", True, "", "", ""),
        ("Anna Friis", "V", "medlem", True, "", "", ""),
        ("Karen Holm", "C", "medlem", False, "", "afbud", ""),
    ]


def test_a_label_spaced_out():
    assert _people(read_attendance(["Ikke  til stede: Ole Dahl (Ø)"])) == [
        ("Ole Dahl", "Ø", "medlem", False, "", "fraværende", "")]  # fmt: skip
