"""AgendaItem.to_dict: what dataclasses.asdict makes of the item, its attachments'
texts left out (the index keeps those apart)."""

from dataclasses import asdict

from searchapp.models import AgendaItem, AttachmentRef, Participant, Section

BACKGROUND = "Kommunen har modtaget en ansøgning om tilskud til plejehjemmet Solgården."
DECISION = "Godkendt som indstillet, dog således at udvalget følger sagen i 2026."


def item() -> AgendaItem:
    text = f"3. Tilskud\n\nBaggrund\n{BACKGROUND}\n\nBeslutning\n\n{DECISION}\n"
    return AgendaItem(
        id="greve-byraad-2025-01-27-3", committee="Byrådet", meeting_date="2025-01-27",
        number="3", title="Tilskud", text=text, background=BACKGROUND, decision=DECISION,
        pages=[3, 4], case_numbers=["SAG-2025-01103"], source_page=3,
        sections=[Section("Baggrund", "background", BACKGROUND),
                  Section("Beslutning", "decision", DECISION)],
        attachment_refs=[AttachmentRef("Bilag 1", path="b.pdf", texts=["side 1", "side 2"])],
        participants=[Participant("Pia Jensen", party="A", present=None)],
    )  # fmt: skip


def test_to_dict_is_asdict_without_the_attachments_texts():
    expected = asdict(item())
    for ref in expected["attachment_refs"]:
        del ref["texts"]
    assert item().to_dict() == expected


def test_to_dict_makes_new_lists_and_reads_back():
    original = item()
    data = original.to_dict()
    data["pages"].append(5)
    data["sections"][0]["text"] = ""
    assert original.pages == [3, 4] and original.sections[0].text == BACKGROUND
    assert AgendaItem.from_dict(original.to_dict()) == original
