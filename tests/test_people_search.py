"""Issue #17's search side on an index of meetings read the way real ones are: two
Greve-style publishing-site meetings (written here as the site's JSON) and the project's
own Økonomiudvalget sample minutes, through the readers, people.complete and the index.

The meeting record and page, the person record and page, the party, position and
person filters and the Parti facet in the API, the pages and the CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from searchapp.config import Config
from searchapp.engine import open_engine
from searchapp.ingest import read_file
from searchapp.query import SearchRequest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BYRAAD = "greve-byraad-2024-01-29"
OEU = "greve-oekonomiudvalget-2024-02-05"
DOGRU = "greve-mehmet-zeki-dogru"
BLIXT = "greve-liselott-blixt"


def _point(number, title, decision, closed=False):
    return {
        "Punktnummer": str(number), "Navn": title, "SagsNummer": f"24-00{number}",
        "Sorting": number, "IsOpen": not closed, "Bilag": [],
        "Felter": [
            {"Navn": "Indstilling", "Html": "<p>Sagen indstilles godkendt.</p>",
             "Link": f"https://dagsordener.greve.dk/vis/pdf/{number}"},
            {"Navn": "Beslutning", "Html": "".join(f"<p>{p}</p>" for p in decision.split("\n"))},
        ],
    }  # fmt: skip


def _meeting(committee, when, people, points):
    return {
        "Udvalg": {"Navn": committee},
        "Moede": {"Dato": when, "Sted": "Byrådssalen, Greve Rådhus", "Moededeltagere": [
            {"Name": name, "Absent": False, "ParticipationCancelled": cancelled,
             "AttendanceType": 0} for name, cancelled in people]},
        "Dagsordenpunkter": points,
    }  # fmt: skip


MEETINGS = {
    "byraad.json": _meeting("Byråd 2022-2025", "2024-01-29T19:00:00+01:00", [
        ("Liselott Blixt", False), ("Mehmet Zeki Dogru", False), ("Tina Rottbøll", True),
        ("Bjarke Abel", False), ("Linda Heegaard", False)], [
        _point(1, "Godkendelse af dagsorden", "Godkendt.\nAfbud: Tina Rottbøll"),
        _point(2, "Busrute 224", "Byrådet godkendte indstillingen.\nMehmet Zeki Dogru (Ø) "
               "stemte imod med bemærkning om, at Ø ønsker flere afgange.\nAfbud: Tina Rottbøll"),
        _point(3, "Skolebudget 2025", "Med stemmerne 18 for og 2 imod godkendte byrådet "
               "indstillingen.\nFor stemte: (V), (A), (C) og Liselott Blixt (UP).\nImod stemte: "
               "(Ø) og (F).\nAfbud: Tina Rottbøll\nFraværende: Bjarke Abel"),
        _point(4, "Lukket: Personalesag", "Godkendt.", closed=True),
    ]),
    "oekonomiudvalget.json": _meeting("Økonomiudvalget", "2024-02-05T08:00:00+01:00", [
        ("Liselott Blixt", True), ("Mehmet Zeki Dogru", False)], [
        _point(1, "Budgetopfølgning", "Taget til efterretning.\n(Ø) undlod at stemme."),
    ]),
}  # fmt: skip


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    root = tmp_path_factory.mktemp("people-sources")
    for name, data in MEETINGS.items():
        (root / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def index(tmp_path_factory, sources):
    from searchapp.index import build_index

    items = []
    minutes = SAMPLES / "okonomiudvalget-2022-01-25-referat.pdf"
    for path in [*sorted(sources.glob("*.json")), minutes]:
        items += [item for meeting in read_file(path) for item in meeting.items]
    root = tmp_path_factory.mktemp("people-index")
    build_index(items, root)
    return root


@pytest.fixture(scope="module")
def engine(index, sources):
    return open_engine(index, [sources])


@pytest.fixture
def client(index, sources):
    from searchapp.web import create_app

    app = create_app(Config(sources=[sources], index_path=index, rate_limit_api="",
                            rate_limit_pages=""))  # fmt: skip
    app.config.update(TESTING=True)
    return app.test_client()


def run(engine, **params) -> dict:
    return engine.search(SearchRequest.from_params(MultiDict(params))).to_dict()


def numbers(result) -> list[str]:
    return sorted(f"{h['meeting_id']}-{h['number']}" for h in result["results"])


def facet(result) -> dict[str, int]:
    return {v["value"]: v["count"] for v in result["facets"]["party"]}


# --- The meeting -----------------------------------------------------------------------------


def test_meeting_record(client):
    response = client.get(f"/api/meetings/{BYRAAD}")
    assert response.status_code == 200
    meeting = response.get_json()
    facts = ("municipality", "committee", "meeting_date", "meeting_time")
    assert [meeting[k] for k in facts] == ["Greve Kommune", "Byråd", "2024-01-29", "19:00"]
    people = {p["name"]: (p["party"], p["present"], p["absence"]) for p in meeting["participants"]}
    assert people == {
        "Liselott Blixt": ("UP", True, ""),  # her party from "Liselott Blixt (UP)"
        "Mehmet Zeki Dogru": ("Ø", True, ""),
        "Tina Rottbøll": ("", False, "afbud"),
        "Bjarke Abel": ("", True, ""),  # away for item 3 only
        "Linda Heegaard": ("", True, ""),
    }
    assert (meeting["present"], meeting["absent"]) == (4, 1)
    tina = next(p for p in meeting["participants"] if p["name"] == "Tina Rottbøll")
    assert tina["person_url"] == "/people/greve-tina-rottboell"
    items = {i["number"]: i for i in meeting["items"]}
    assert [i["number"] for i in meeting["items"]] == ["1", "2", "3", "4"]
    assert [(p["position"], p["party"], p["person"]) for p in items["3"]["positions"]] == [
        ("for", "V", ""), ("for", "A", ""), ("for", "C", ""), ("for", "UP", "Liselott Blixt"),
        ("against", "Ø", ""), ("against", "F", ""),
        ("not_participating", "", "Bjarke Abel"),
    ]
    assert items["3"]["votes"][0]["in_favour"] == 18
    assert items["4"]["closed"] and items["4"]["positions"] == []


def test_meeting_page_is_the_records_twin(client):
    response = client.get(f"/meetings/{BYRAAD}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="/api/meetings/{BYRAAD}"' in page
    assert "Tina Rottbøll" in page and "Afbud" in page and "Liselott Blixt" in page
    assert 'href="/people/greve-liselott-blixt"' in page
    assert "18 for, 2 imod" in page


def test_a_party_the_minutes_do_not_write_comes_from_the_nearest_meeting(client):
    meeting = client.get(f"/api/meetings/{OEU}").get_json()
    people = {p["name"]: (p["party"], p["party_seen"]) for p in meeting["participants"]}
    assert people == {"Liselott Blixt": ("UP", "2024-01-29"),
                      "Mehmet Zeki Dogru": ("Ø", "2024-01-29")}  # fmt: skip
    byraad = client.get(f"/api/meetings/{BYRAAD}").get_json()
    assert {p["name"]: p["party_seen"] for p in byraad["participants"]}["Liselott Blixt"] == ""


def test_a_meeting_of_minutes_with_an_attendance_list(client):
    meeting = client.get("/api/meetings/oekonomiudvalget-2022-01-25").get_json()
    people = {p["name"]: (p["role"], p["present"], p["substitute_for"])
              for p in meeting["participants"]}  # fmt: skip
    assert people["Anne Kirkegaard"] == ("formand", True, "")
    assert people["Kasper Bang"] == ("medlem", False, "")
    assert people["Lene Frost"] == ("suppleant", True, "Kasper Bang")


@pytest.mark.parametrize("path", ["/api/meetings/nowhere-2024-01-01", "/api/meetings/" + "x" * 400])
def test_unknown_meeting_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_meeting_page_is_a_404_page(client):
    response = client.get("/meetings/nowhere-2024-01-01")
    assert response.status_code == 404 and "Mødet findes ikke" in response.get_data(as_text=True)


# --- The person ------------------------------------------------------------------------------


def test_person_record(client):
    person = client.get(f"/api/people/{BLIXT}").get_json()
    assert (person["name"], person["party"], person["municipality"]) == (
        "Liselott Blixt", "UP", "Greve Kommune")
    assert [(m["meeting_id"], m["present"]) for m in person["meetings"]] == [
        (OEU, False), (BYRAAD, True)]  # fmt: skip
    assert (person["attended"], person["missed"]) == (1, 1)
    [stand] = person["positions"]
    assert (stand["id"], stand["position"]) == (f"{BYRAAD}-3", "for")
    assert stand["sentence"] == "For stemte: (V), (A), (C) og Liselott Blixt (UP)."


def test_person_page(client):
    response = client.get(f"/people/{DOGRU}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Mehmet Zeki Dogru" in page and "Busrute 224" in page
    assert f'href="/api/people/{DOGRU}"' in page
    assert f"/?person={DOGRU}" in page  # search the items with his stands


def test_unknown_person(client):
    assert client.get("/api/people/greve-nobody").status_code == 404
    assert client.get("/people/greve-nobody").status_code == 404


def test_a_member_named_without_a_stand_has_a_page_of_meetings_only(client):
    # The sample's item 2.1: "Sara Lind (Ø) ønskede puljen til klimatiltag forhøjet": a
    # wish, not a stand; she is in the attendance, so her page lists the meeting.
    meeting = client.get("/api/meetings/oekonomiudvalget-2022-01-25").get_json()
    url = next(p["person_url"] for p in meeting["participants"] if p["name"] == "Sara Lind")
    person = client.get("/api" + url).get_json()
    assert person["positions"] == [] and len(person["meetings"]) == 1


# --- Filters and the Parti facet ------------------------------------------------------------


def test_party_and_position(engine):
    assert numbers(run(engine, party="Ø", position="against")) == [f"{BYRAAD}-2", f"{BYRAAD}-3"]
    # Without a position: a dissenting one (against, reservation, abstained).
    assert numbers(run(engine, party="Ø")) == [f"{BYRAAD}-2", f"{BYRAAD}-3", f"{OEU}-1"]
    assert numbers(run(engine, party="Ø", position="dissent")) == numbers(run(engine, party="Ø"))
    assert numbers(run(engine, party="Ø", position="for")) == [
        "oekonomiudvalget-2022-01-25-2.2"]  # "Mindretallet (A), (Ø) og (F) stemte for"
    assert numbers(run(engine, party="Enhedslisten", position="abstained")) == [f"{OEU}-1"]
    assert numbers(run(engine, party=["F", "UP"], position=["against", "for"])) == [
        f"{BYRAAD}-3", "oekonomiudvalget-2022-01-25-2.2"]  # fmt: skip
    # The minutes sample: "Mindretallet (A), (Ø) og (F) stemte for indstillingen".
    assert numbers(run(engine, party="A", position="for")) == [
        f"{BYRAAD}-3", "oekonomiudvalget-2022-01-25-2.2"]  # fmt: skip


def test_position_alone(engine):
    assert numbers(run(engine, position="abstained")) == [f"{OEU}-1"]
    assert numbers(run(engine, position="not_participating")) == [f"{BYRAAD}-3"]


def test_person_filter(engine):
    assert numbers(run(engine, person=DOGRU)) == [f"{BYRAAD}-2"]
    assert numbers(run(engine, person=DOGRU, position="for")) == []
    assert numbers(run(engine, person=BLIXT, position="for")) == [f"{BYRAAD}-3"]
    assert numbers(run(engine, person="greve-bjarke-abel", position="not_participating")) == [
        f"{BYRAAD}-3"]  # fmt: skip


def test_parti_facet_counts_dissent_without_its_own_filter(engine):
    everything = run(engine)
    assert facet(everything) == {"Ø": 3, "F": 1}
    assert everything["facets"]["party"][0] == {"value": "Ø", "label": "Enhedslisten", "count": 3}
    chosen = run(engine, party="F")
    assert chosen["total"] == 1 and facet(chosen) == {"Ø": 3, "F": 1}
    assert facet(run(engine, position="for")) == {"V": 1, "A": 2, "C": 1, "UP": 1, "Ø": 1, "F": 1}
    assert facet(run(engine, q="busrute")) == {"Ø": 1}


def test_hits_carry_their_meeting_and_stands(engine):
    [hit] = run(engine, q="busrute")["results"]
    assert hit["meeting_id"] == BYRAAD and hit["meeting_url"] == f"/meetings/{BYRAAD}"
    assert hit["positions"] == [{
        "position": "against", "position_label": "Imod", "party": "Ø",
        "party_label": "Enhedslisten", "person": "Mehmet Zeki Dogru",
        "person_url": f"/people/{DOGRU}",
    }]  # fmt: skip


def test_item_api_carries_positions_and_its_meeting(client):
    item = client.get(f"/api/items/{BYRAAD}-2").get_json()
    assert item["meeting_id"] == BYRAAD and item["meeting_url"] == f"/meetings/{BYRAAD}"
    [stand] = item["positions"]
    assert (stand["position"], stand["person_id"], stand["sentence"]) == (
        "against", DOGRU,
        "Mehmet Zeki Dogru (Ø) stemte imod med bemærkning om, at Ø ønsker flere afgange.")


@pytest.mark.parametrize(
    ("query", "param"),
    [("party=XYZ", "party"), ("position=maybe", "position"), ("person=Liselott+Blixt", "person"),
     ("party=" + "x" * 300, "party")],
)
def test_bad_values_are_400s(client, query, param):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and param in error["message"]
    page = client.get("/?" + query)
    assert page.status_code == 400 and "Søgningen kan ikke udføres" in page.get_data(as_text=True)


def test_csv_follows_the_filters_and_lists_the_stands(client):
    response = client.get("/api/search.csv?party=Ø&position=against&sort=date_asc")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["id"] for r in rows] == [f"{BYRAAD}-2", f"{BYRAAD}-3"]
    assert rows[0]["meeting_id"] == BYRAAD
    assert rows[0]["positions"] == "Mehmet Zeki Dogru (Ø):against"
    assert rows[1]["positions"] == ("V:for; A:for; C:for; Liselott Blixt (UP):for; Ø:against; "
                                    "F:against; Bjarke Abel:not_participating")  # fmt: skip


def test_search_page_shows_the_parti_facet_positions_and_stands(client):
    page = client.get("/?party=Ø").get_data(as_text=True)
    assert "<legend>Parti</legend>" in page and "<legend>Holdning</legend>" in page
    assert "Enhedslisten (Ø)" in page
    assert "stemte imod, tog forbehold eller undlod" in page
    assert f'href="/meetings/{BYRAAD}"' in page
    assert "Parti: Enhedslisten (Ø)" in page  # the active filter's chip
    person = client.get(f"/?person={DOGRU}").get_data(as_text=True)
    assert "Person: Mehmet Zeki Dogru" in person
    assert f'name="person" value="{DOGRU}"' in person  # kept by the search form


def test_item_page_lists_stands_with_their_sentences(client):
    page = client.get(f"/items/{BYRAAD}-3").get_data(as_text=True)
    assert "Holdninger og afstemning" in page
    assert "For stemte: (V), (A), (C) og Liselott Blixt (UP)." in page
    assert "Stemmer: 18 for, 2 imod" in page
    assert f'href="/meetings/{BYRAAD}"' in page


def test_cli_search_by_party_and_position(index, sources, tmp_path):
    from click.testing import CliRunner

    from searchapp.cli import cli

    config = tmp_path / "config.toml"
    config.write_text(f'[sources]\npaths = ["{sources}"]\n\n[index]\npath = "{index}"\n',
                      encoding="utf-8")  # fmt: skip
    args = ["search", "--party", "Ø", "--position", "against", "--json", "--config", str(config)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0
    assert numbers(json.loads(result.output)) == [f"{BYRAAD}-2", f"{BYRAAD}-3"]
    bad = CliRunner().invoke(cli, ["search", "--party", "XYZ", "--config", str(config)])
    assert bad.exit_code == 2 and "'party' must be" in bad.output


# --- The OpenAPI description holds what the endpoints answer ---------------------------------

_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
          "object": dict, "array": list}  # fmt: skip


def conform(value, schema, schemas, where="$"):
    """`value` against an OpenAPI 3.0 schema of the kinds build_spec writes ($ref, type,
    nullable, enum, properties, required, additionalProperties, items)."""
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    if value is None:
        assert schema.get("nullable"), f"{where}: null"
        return
    kind = schema.get("type")
    if kind:
        assert isinstance(value, _TYPES[kind]), f"{where}: {value!r} is no {kind}"
        assert kind == "boolean" or not isinstance(value, bool), f"{where}: {value!r}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if kind == "object":
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(props), f"{where}: {set(value) - set(props)}"
        for name in schema.get("required", []):
            assert name in value, f"{where}: no {name}"
        for name, sub in value.items():
            if name in props:
                conform(sub, props[name], schemas, f"{where}.{name}")
    if kind == "array":
        for i, sub in enumerate(value):
            conform(sub, schema.get("items", {}), schemas, f"{where}[{i}]")


def test_the_check_itself():
    closed = {"type": "object", "properties": {"a": {"type": "integer"}},
              "additionalProperties": False, "required": ["a"]}  # fmt: skip
    conform({"a": 1}, closed, {})
    for wrong in ({"a": 1, "b": 2}, {}, {"a": "1"}, {"a": True}, {"a": None}):
        with pytest.raises(AssertionError):
            conform(wrong, closed, {})


@pytest.mark.parametrize(
    ("url", "schema"),
    [(f"/api/meetings/{BYRAAD}", "Meeting"), (f"/api/meetings/{OEU}", "Meeting"),
     ("/api/meetings/oekonomiudvalget-2022-01-25", "Meeting"),
     (f"/api/people/{BLIXT}", "Person"), (f"/api/people/{DOGRU}", "Person"),
     (f"/api/items/{BYRAAD}-3", "Item"), ("/api/search?party=Ø&position=dissent", "SearchResult"),
     ("/api/search?position=for", "SearchResult")],
)  # fmt: skip
def test_answers_conform_to_the_openapi_description(client, url, schema):
    from searchapp.web.openapi import build_spec

    schemas = build_spec()["components"]["schemas"]
    conform(client.get(url).get_json(), schemas[schema], schemas)
