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


# --- The item as the index stores it (schema.stored_item, read back by item_of) ---------


def test_the_stored_item_keeps_its_text_once_and_reads_back_the_same():
    from searchapp.whoosh_engine.schema import item_of, stored_item

    original = item()
    stored = stored_item(original)
    # Both fields are 64 characters or more and in the text: kept as where they are.
    assert stored["background"] == (original.text.index(BACKGROUND),
                                    original.text.index(BACKGROUND) + len(BACKGROUND))
    assert isinstance(stored["sections"][1]["text"], tuple)
    assert item_of({"item_json": stored}) == original
    assert original.background == BACKGROUND  # the item itself is left as it was


def test_a_field_not_in_the_text_or_short_is_stored_as_it_is():
    from searchapp.whoosh_engine.schema import item_of, stored_item

    other = "En beslutning truffet senere, som ikke står i punktets tekst, men i et tillæg."
    original = item()
    original.decision = other
    original.sections[1].text = other
    original.summary = "Kort."
    stored = stored_item(original)
    assert stored["decision"] == other and stored["sections"][1]["text"] == other
    assert stored["summary"] == "Kort."
    assert item_of({"item_json": stored}) == original


def test_an_item_stored_whole_by_an_older_searchapp_reads_back():
    from searchapp.whoosh_engine.schema import item_of

    assert item_of({"item_json": item().to_dict()}) == item()
