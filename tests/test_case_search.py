"""Case numbers of every form searched the ways people search them: typed in the box
(whole, by their digits, after "sag"), as `sag:`, and as the `case` parameter."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from searchapp.engine import open_engine
from searchapp.models import AgendaItem
from searchapp.query import SearchRequest


def _item(key: str, day: str, case_number: str = "", **fields) -> AgendaItem:
    return AgendaItem(
        id=key,
        committee=fields.pop("committee", "Byrådet"),
        meeting_date=day,
        number="1",
        title=fields.pop("title", f"Punkt {key}"),
        text=fields.pop("text", f"Punkt {key}. Sagen behandles."),
        case_number=case_number,
        **fields,
    )


ITEMS = [
    _item("kl-long", "2025-03-01", "SAG-2025-1234567"),
    _item("aarhus", "2025-08-27", "EMN-2025-003383"),
    _item("ballerup", "2012-12-04", "2011-29298", text="Sagsnr.: 2011-29298 Dok.nr.: 2012-202935"),
    _item("greve", "2023-05-08", "21-014420K"),
    _item("acadre", "2013-05-15", "12/27845"),
    _item("kle", "2019-01-10", "00.01.00-A00-1-24"),
    _item("several", "2024-02-02", "SAG-2024-00001",
          case_numbers=["SAG-2024-00001", "EMN-2024-000777"]),
    _item("other", "2024-02-03", "SAG-2024-00002"),
]  # fmt: skip


@pytest.fixture(scope="module")
def handle(tmp_path_factory):
    from searchapp.index import build_index

    root = tmp_path_factory.mktemp("cases")
    build_index(ITEMS, root)
    return open_engine(root)


def found(handle, **params) -> set[str]:
    result = handle.search(SearchRequest.from_params(MultiDict(params))).to_dict()
    return {hit["id"] for hit in result["results"]}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SAG-2025-1234567", "kl-long"),
        ("2025-1234567", "kl-long"),
        ("EMN-2025-003383", "aarhus"),
        ("2025-003383", "aarhus"),
        ("2011-29298", "ballerup"),
        ("21-014420K", "greve"),
        ("21-014420", "greve"),
        ("12/27845", "acadre"),
        ("00.01.00-A00-1-24", "kle"),
        ("EMN-2024-000777", "several"),
        ("SAG-2024-00001", "several"),
    ],
)
def test_every_form_in_the_box_as_sag_and_as_case(handle, typed, expected):
    assert found(handle, q=typed) == {expected}, typed
    assert found(handle, q=f"sag:{typed}") == {expected}, typed
    assert found(handle, q=f"sag {typed}") == {expected}, typed
    assert found(handle, case=typed) == {expected}, typed


def test_the_case_parameter_echoes_the_number(handle):
    result = handle.search(SearchRequest.from_params({"case": "emn-2025-003383"})).to_dict()
    assert result["query"]["case"] == "EMN-2025-003383"
    result = handle.search(SearchRequest.from_params({"q": "sag 21-014420K"})).to_dict()
    assert result["query"]["interpreted"]["case"] == "21-014420K"


def test_a_document_number_is_not_a_case(handle):
    assert found(handle, case="2012-202935") == set()
    assert found(handle, q="2012-202935") == {"ballerup"}  # but it is in the text


def test_items_of_a_case_by_any_of_its_numbers(handle):
    assert [i.id for i in handle.same_case("2025-1234567")] == ["kl-long"]
    assert [i.id for i in handle.same_case("21-014420")] == ["greve"]
    assert [i.id for i in handle.same_case("EMN-2024-000777")] == ["several"]


@pytest.mark.parametrize("value", [item.case_number for item in ITEMS])
def test_the_openapi_pattern_takes_every_form(value):
    from searchapp.web.openapi import CASE_PATTERN

    assert re.fullmatch(CASE_PATTERN, value) and SearchRequest.from_params({"case": value}).case
    assert not re.fullmatch(CASE_PATTERN, "not-a-case")
