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
    names, rows = stored["sections"]  # the records as rows of values
    assert names == ("name", "kind", "text") and rows[1][:2] == ("Beslutning", "decision")
    at = original.text.index(DECISION)
    assert rows[1][2] == (at, at + len(DECISION))
    assert stored["participants"][1] == [("Pia Jensen", "A", "medlem", None, "", "", "", "")]
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
    assert stored["decision"] == other and stored["sections"][1][1][2] == other
    assert stored["summary"] == "Kort."
    assert item_of({"item_json": stored}) == original


def test_an_item_stored_whole_by_an_older_searchapp_reads_back():
    from searchapp.whoosh_engine.schema import item_of

    assert item_of({"item_json": item().to_dict()}) == item()
    older = item().to_dict()
    del older["votes"], older["participants"]  # stored before there were any
    assert item_of({"item_json": older}) == AgendaItem.from_dict(older)


def _stored_with_records_as_dicts(item: AgendaItem) -> dict:
    """An item as searchapp stored it before its records were rows: to_dict, the
    named fields and the sections' texts in the item's text as spans."""
    from searchapp.whoosh_engine.schema import _PIECES, _where

    data = item.to_dict()
    text = data["text"]
    for name in _PIECES:
        data[name] = _where(text, data[name])
    for section in data["sections"]:
        section["text"] = _where(text, section["text"])
    return data


def test_an_item_stored_with_its_records_as_dicts_reads_back():
    """As searchapp stored items before the records became rows (their texts as
    spans): indexes built then still read."""
    from searchapp.whoosh_engine.schema import item_of

    original = item()
    data = _stored_with_records_as_dicts(original)
    assert isinstance(data["sections"][0]["text"], tuple)
    assert item_of({"item_json": data}) == original


def test_records_stored_with_other_fields_read_back_by_name():
    """Rows whose field names are not this searchapp's (a field added or dropped
    since) are read by name: unknown ones left out, missing ones their defaults."""
    from searchapp.whoosh_engine.schema import item_of, stored_item

    original = item()
    stored = stored_item(original)
    stored["participants"] = (("name", "present", "shoe_size"), [("Pia Jensen", None, 44)])
    stored["sections"] = (("kind", "text", "name"),
                          [(s.kind, s.text, s.name) for s in original.sections])
    again = item_of({"item_json": stored})
    assert again.participants == [Participant("Pia Jensen", present=None)]
    assert again.sections == original.sections


def _stored_item_by_to_dict(item: AgendaItem) -> dict:
    """schema.stored_item as it was: made from AgendaItem.to_dict's dicts (the
    reference the one made from the item's fields must pickle the same as)."""
    from searchapp.models import kept_fields
    from searchapp.whoosh_engine.schema import _RECORDS

    data = _stored_with_records_as_dicts(item)
    for name, cls in _RECORDS.items():
        if data[name]:
            names = kept_fields(cls)
            data[name] = (names, [tuple(record[n] for n in names) for record in data[name]])
    return data


def test_the_stored_item_pickles_as_the_one_made_from_to_dict():
    """Whoosh pickles item_json with protocol 2: the same bytes for items with and
    without records, sections in the text and not, short and long, lists shared."""
    import pickle
    import random

    from searchapp.models import Position, VoteCount
    from searchapp.whoosh_engine.schema import stored_item

    rng = random.Random(3)
    items = [item(), AgendaItem(id="x", committee="", meeting_date="", number="", title="")]
    for n in range(60):
        one = item()
        one.text += " " + " ".join(rng.choices(["Godkendt.", BACKGROUND, "x" * 70], k=n % 4))
        one.sections = rng.sample(one.sections + [Section("Andet", "other", "x" * 70)],
                                  rng.randint(0, 3))  # fmt: skip
        one.participants *= n % 3
        one.positions = [Position("for", party="A", person=str(n))] * (n % 2)
        one.votes = [VoteCount(in_favour=n, sentence="Vedtaget")] if n % 5 == 0 else []
        one.pages = one.urls = [n]  # one list in two fields: stored as two
        items.append(one)
    for one in items:
        assert pickle.dumps(stored_item(one), 2) == pickle.dumps(_stored_item_by_to_dict(one), 2)
