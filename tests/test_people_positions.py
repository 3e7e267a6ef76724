"""Stands and votes read from decision sentences (searchapp/people/positions.py).

Each case is a sentence written the way real minutes write it (Aarhus, Greve, the
issue's examples) and the stands it states: (position, party, person, points).
"""

from __future__ import annotations

import pytest

from searchapp.people.positions import read_positions, read_vote, sentences


def stands(text):
    positions, _ = read_positions(text)
    return [(p.position, p.party, p.person, p.points) for p in positions]


CASES = [
    ("Socialistisk Folkepartis og Enhedslisten de Rød-Grønnes byrådsgrupper og Viggo Jonasen "
     "kunne ikke tiltræde indstillingens beslutningspunkter 1 og 2.",
     [("against", "F", "", "indstillingens beslutningspunkter 1 og 2"),
      ("against", "Ø", "", "indstillingens beslutningspunkter 1 og 2"),
      ("against", "", "Viggo Jonasen", "indstillingens beslutningspunkter 1 og 2")]),
    ("Radikale Venstres og Alternativets byrådsgrupper kunne ikke tiltræde indstillingen.",
     [("against", "B", "", ""), ("against", "Å", "", "")]),
    ("Socialdemokratiet tog forbehold.", [("reservation", "A", "", "")]),
    ("Socialdemokratiet, det Konservative Folkeparti og Venstre tog forbehold.",
     [("reservation", "A", "", ""), ("reservation", "C", "", ""), ("reservation", "V", "", "")]),
    ("Jesper Kjeldsen deltog ikke i sagens behandling.",
     [("not_participating", "", "Jesper Kjeldsen", "")]),
    ("(A), (Ø) og (F) stemte imod med bemærkning om, at rengøringsopgaven ønskes løst kommunalt.",
     [("against", "A", "", ""), ("against", "Ø", "", ""), ("against", "F", "", "")]),
    ("For stemte: (V), (D), Liselott Blixt (UP) og (C).",
     [("for", "V", "", ""), ("for", "D", "", ""), ("for", "UP", "Liselott Blixt", ""),
      ("for", "C", "", "")]),
    ("Imod stemte (C) med bemærkning om, ”at vi ønsker at høre borgerne i Tune”.",
     [("against", "C", "", "")]),
    ("For stemte 20 (A, F, Ø), imod stemte 10 (V, C)",
     [("for", "A", "", ""), ("for", "F", "", ""), ("for", "Ø", "", ""),
      ("against", "V", "", ""), ("against", "C", "", "")]),
    ("A stemmer for, V og D stemmer imod og C undlader.",
     [("for", "A", "", ""), ("against", "V", "", ""), ("against", "D", "", ""),
      ("abstained", "C", "", "")]),
    ("Imod stemte: V, A, C, Liselott Blixt (UP), M og F",
     [("against", x, "", "") for x in "VAC"] + [("against", "UP", "Liselott Blixt", "")]
     + [("against", "M", "", ""), ("against", "F", "", "")]),
    ("Mindretallet (A), (Ø) og (F) stemte for indstillingen.",
     [("for", "A", "", ""), ("for", "Ø", "", ""), ("for", "F", "", "")]),
    ("Mehmet Zeki Dogru (Ø) stemte imod pk. 14.", [("against", "Ø", "Mehmet Zeki Dogru", "")]),
    ("(Ø) og (F) stemte imod administrationens indstillingspunkt 2.",
     [("against", "Ø", "", "administrationens indstillingspunkt 2"),
      ("against", "F", "", "administrationens indstillingspunkt 2")]),
    ("(F) undlod at tage stilling til Økonomiudvalgets indstillingspunkt 2, 3 og 4 men "
     "tilsluttede sig de øvrige indstillinger.",
     [("abstained", "F", "", "indstillingspunkt 2, 3 og 4")]),
    ("(F) udlod at tage stilling.", [("abstained", "F", "", "")]),  # the minutes' typo
    ("Undlod: Ø", [("abstained", "Ø", "", "")]),
    ("Byrådet erklærede Charlotte Levin (A) for inhabil i punktets behandling.",
     [("not_participating", "A", "Charlotte Levin", "")]),
    ("Følgende deltog ikke i behandlingen af punktet: Karl Vilhelm Nielsen (V)",
     [("not_participating", "V", "Karl Vilhelm Nielsen", "")]),
    ("For administrationens indstilling stemte: Bjarke Abel (A)",
     [("for", "A", "Bjarke Abel", "")]),
    ("For stemte (V), A), (C), Liselott Blixt (UP-1) og Hans-Jørgen Kirstein (UP-2).",
     [("for", "V", "", ""), ("for", "A", "", ""), ("for", "C", "", ""),
      ("for", "UP", "Liselott Blixt", ""), ("for", "UP", "Hans-Jørgen Kirstein", "")]),
    ("For stemte (Ø) samt John T. Olsen, Charlotte Levin fra (A).",
     [("for", "Ø", "", ""), ("for", "", "John T. Olsen", ""), ("for", "A", "Charlotte Levin", "")]),
    ("Anbefales over for Byrådet. Enhedslisten stemte imod.", [("against", "Ø", "", "")]),
    ("Liberal Alliance og Alternativet kunne ikke tiltræde indstillingen.",
     [("against", "I", "", ""), ("against", "Å", "", "")]),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_stands(sentence, expected):
    assert stands(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # No party or member as subject: a body, a majority.
        "Udvalget kunne ikke anbefale indstillingen.",
        "Økonomiudvalget kan ikke anbefale administrationens indstillingspunkt 3.",
        "Et flertal i udvalget kunne tiltræde indstillingen.",
        # A wish, a question, a negation, a declaration of no conflict.
        "(F), (A) og (Ø) ønskede at sende forslaget til realitetsbehandling.",
        "(A) og (Ø) følger administrationens indstilling.",
        "Charlotte Levin (A) spurgte byrådet om hun var inhabil i sagens behandling.",
        "Mehmet Zeki Dogru (Ø) er ikke imod et nyt vandværk men mod placeringen.",
        "Byrådet erklærede Hans-Jørgen Kirstein (D) for ikke inhabil i punktets behandling.",
        # eDoc's empty label.
        "Følgende deltog ikke i behandlingen af punktet:",
        # Citizens and officials named in the text take no stand.
        "Borgeren Jens Hansen har klaget over afgørelsen.",
        "Godkendt.",
        "Med stemmerne 11 for og 8 imod besluttede byrådet ikke at sende forslaget videre.",
    ],
)
def test_no_stand(sentence):
    assert stands(sentence) == []


def test_every_stand_keeps_its_sentence():
    text = ("Byrådet godkendte indstillingen.\n\n(Ø) stemte imod.\n\n"
            "Radikale Venstre tog forbehold.")  # fmt: skip
    positions, _ = read_positions(text)
    assert [p.sentence for p in positions] == [
        "(Ø) stemte imod.", "Radikale Venstre tog forbehold."]  # fmt: skip


def test_one_stand_once():
    positions, _ = read_positions("(Ø) stemte imod.\n\n(Ø) stemte imod.")
    assert len(positions) == 1


@pytest.mark.parametrize(
    ("sentence", "counts"),
    [
        ("Med stemmerne 19 for og 1 imod godkendte Byrådet indstillingen.", (19, 1, None)),
        ("Med stemmerne 20 for og ingen imod godkendte Byrådet indstillingen.", (20, 0, None)),
        ("Med stemmerne 19 for 1 imod godkendte byrådet indstillingen.", (19, 1, None)),
        ("Med stemmerne 18 for godkendte byrådet indstillingen.", (18, None, None)),
        ("Indstillingen blev vedtaget med 7 stemmer for, 2 imod og 1 undlod at stemme.",
         (7, 2, 1)),
        ("For stemte 20 (A, F, Ø), imod stemte 10 (V, C)", (20, 10, None)),
    ],
)
def test_vote_counts(sentence, counts):
    vote = read_vote(sentence)
    assert vote is not None
    assert (vote.in_favour, vote.against, vote.abstained) == counts
    assert vote.sentence == sentence


@pytest.mark.parametrize(
    "sentence",
    ["For stemte: (V), (A).", "Godkendt for 2025.", "Der blev afsat 19 mio. kr. for perioden."],
)
def test_no_vote_count(sentence):
    assert read_vote(sentence) is None


def test_sentences_keep_initials_and_abbreviations():
    assert sentences("For stemte John T. Olsen. Imod stemte (Ø) jf. pkt. 3. Godkendt.") == [
        "For stemte John T. Olsen.", "Imod stemte (Ø) jf. pkt. 3.", "Godkendt."]  # fmt: skip


# -- long decisions: the reading stays linear ------------------------------------------------

SHAPES = {
    "stands": lambda n: "(A) stemte imod. " * (n // 17),
    "a long list": lambda n: "For stemte: " + ", ".join(["(A)"] * (n // 5)),
    "names": lambda n: "For stemte: " + ", ".join(["Hans Hansen"] * (n // 13)),
    "abbreviations": lambda n: "jf. pkt. " * (n // 9) + "Godkendt.",
    "capitalised words": lambda n: "Lorem Ipsum Dolor " * (n // 18) + " stemte imod",
    "spaces": lambda n: "(A)" + " " * n + "stemte imod",
    "brackets": lambda n: "(" * (n // 2) + "A" + ")" * (n // 2) + " stemte imod",
    "og": lambda n: " og ".join(["Venstre"] * (n // 11)) + " tog forbehold",
    "absences": lambda n: "Fraværende: " + ", ".join(["Anne Marie Lyduch"] * (n // 19)),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_decision_eight_times_as_long_takes_about_eight_times_as_long(shape):
    """x8 the length, about x8 the time (x64 if quadratic), the whole meeting's reading
    (people.complete) compared side by side, so the machine's load cancels out."""
    import time

    from searchapp.models import AgendaItem, Meeting, Section
    from searchapp.people import complete

    def seconds(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            item = AgendaItem(id="x-1", committee="Byråd", meeting_date="2024-01-29",
                              number="1", title="Punkt", sections=[
                                  Section("Beslutning", "decision", text),
                                  Section("Sagens forløb", "history", text)])  # fmt: skip
            started = time.perf_counter()
            complete(Meeting("Byråd", "2024-01-29", "x", items=[item]))
            best = min(best, time.perf_counter() - started)
        return best

    make = SHAPES[shape]
    short, long = seconds(make(8_000)), seconds(make(64_000))
    assert long < 24 * max(short, 0.002), f"{shape}: {short:.4f} s -> {long:.4f} s"
