"""The search side of issue #13 on items from every meeting system, made here as
AgendaItems: the Kommune facet and filter, the section kinds and their field prefixes,
the statuses recommended and referred, closed items, where an item came from (PDF
page, publishing site), and the meeting's facts, in the API, the CSV and the pages."""

from __future__ import annotations

import csv
import io
import re

import pytest
from werkzeug.datastructures import MultiDict

from searchapp.config import Config
from searchapp.engine import open_engine
from searchapp.models import STATUSES, AgendaItem, AttachmentRef, Section
from searchapp.query import SearchRequest

AARHUS, GREVE, BALLERUP = "Aarhus Kommune", "Greve Kommune", "Ballerup Kommune"
BALLERUP_ITEM = "ballerup-sundheds-og-forebyggelsesudvalget-2012-12-04-1"


def make_items(sources) -> list[AgendaItem]:
    def item(municipality, committee, day, number, title, sections=(), **fields):
        base = AgendaItem(id="", committee=committee, meeting_date=day, number=number,
                          title=title, municipality=municipality, **fields)  # fmt: skip
        from searchapp.models import item_id

        base.id = item_id(municipality, committee, day, number)
        base.sections = list(sections)
        for kind in ("summary", "background", "presentation", "recommendation", "decision"):
            setattr(base, kind, base.section_text(kind))
        parts = [title] + [f"{s.name}\n\n{s.text}" for s in sections]
        base.text = base.text or "\n\n".join(parts)
        return base

    pdf = sources / "ballerup" / "referat.pdf"
    return [
        item(AARHUS, "Byrådet", "2025-08-27", "1", "Budget 2026 for Aarhus", [
            Section("Resume", "summary", "Forslag til budget med flere penge til ældreplejen."),
            Section("Beslutningspunkter", "recommendation", "At byrådet godkender forslaget."),
            Section("Sagsforløb", "history", "Magistraten behandlede forslaget i juni."),
            Section("Økonomi", "economy", "Merudgiften er 3 mio. kr. til hjemmeplejen."),
            Section("Bilag", "attachments", "Budgetnotat"),
            Section("Beslutninger", "decision", "Anbefales."),
        ], status="recommended", meeting_time="16:00", place="Byrådssalen",
            case_number="EMN-2025-003383", case_numbers=["EMN-2025-003383"],
            attachment_refs=[AttachmentRef("Budgetnotat", url="https://aarhus.dk/bilag/1")],
            attachments=["Budgetnotat"], source_format="firstagenda",
            source_url="https://aarhus.dk/dagsorden/2025-08-27/1"),
        item(AARHUS, "Byrådet", "2025-08-27", "2", "Lukket: Køb af landbrugsejendom",
             closed=True, text="Lukket: Køb af landbrugsejendom", source_format="firstagenda"),
        item(AARHUS, "Økonomiudvalget", "2023-05-08", "1", "Økonomiopfølgning", [
            Section("Sagsfremstilling", "presentation", "Opfølgning på driften."),
            Section("Beslutning", "decision", "Taget til efterretning."),
        ], status="noted"),
        item(GREVE, "Økonomiudvalget", "2023-05-08", "5", "Anlægsbudget for skoler", [
            Section("Sagsfremstilling", "presentation", "Skolerne skal renoveres."),
            Section("Indstilling", "recommendation", "Sagen sendes til byrådet."),
            Section("Beslutning", "decision", "Fremsendes til byrådet."),
        ], status="referred", case_number="21-014420K", case_numbers=["21-014420K"],
            source_format="publishing-json",
            source_url="https://dagsordener.greve.dk/vis/punkt/5"),
        item(BALLERUP, "Sundheds- og Forebyggelsesudvalget", "2012-12-04", "1", "Meddelelser", [
            Section("Sagsfremstilling", "presentation", "Orientering om hverdagsrehabilitering."),
            Section("Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 1",
                    "decision", "Taget til efterretning."),
        ], status="noted", case_number="2011-29298", case_numbers=["2011-29298"],
            source=str(pdf), pages=[3, 4], source_page=3, source_format="edoc"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    root = tmp_path_factory.mktemp("municipal-sources")
    (root / "ballerup").mkdir()
    (root / "ballerup" / "referat.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return root


@pytest.fixture(scope="module")
def index(tmp_path_factory, sources):
    from searchapp.index import build_index

    root = tmp_path_factory.mktemp("municipal-index")
    build_index(make_items(sources), root)
    return root


@pytest.fixture(scope="module")
def engine(index, sources):
    return open_engine(index, [sources])


@pytest.fixture
def client(index, sources):
    from searchapp.web import create_app

    app = create_app(Config(sources=[sources], index_path=index))
    app.config.update(TESTING=True)
    return app.test_client()


def run(engine, **params) -> dict:
    return engine.search(SearchRequest.from_params(MultiDict(params))).to_dict()


def ids(result) -> set[str]:
    return {hit["id"] for hit in result["results"]}


def facet(result, name) -> dict[str, int]:
    return {v["value"]: v["count"] for v in result["facets"][name]}


# --- The Kommune facet and filter --------------------------------------------------------


def test_the_municipality_facet_counts_without_its_own_filter(engine):
    everything = run(engine)
    assert facet(everything, "municipality") == {AARHUS: 3, GREVE: 1, BALLERUP: 1}
    assert list(facet(everything, "municipality")) == [AARHUS, BALLERUP, GREVE]
    chosen = run(engine, municipality=GREVE)
    assert chosen["total"] == 1 and ids(chosen) == {"greve-oekonomiudvalget-2023-05-08-5"}
    assert facet(chosen, "municipality") == facet(everything, "municipality")
    assert facet(chosen, "committee") == {"Økonomiudvalget": 1}
    assert run(engine, municipality=[GREVE, BALLERUP])["total"] == 2
    assert run(engine, municipality="greve kommune")["total"] == 1  # any case


def test_kommune_prefix(engine):
    assert ids(run(engine, q="kommune:greve")) == {"greve-oekonomiudvalget-2023-05-08-5"}
    assert run(engine, q='kommune:"Aarhus Kommune"')["total"] == 3
    # "Anlægsbudget" in Greve, "Budget 2026" in Aarhus: the one not excluded is left.
    assert ids(run(engine, q="budget -kommune:aarhus")) == {"greve-oekonomiudvalget-2023-05-08-5"}
    assert run(engine, q="kommune:nowhere")["total"] == 0


def test_same_committee_and_day_in_two_municipalities_are_two_meetings(engine):
    greve = engine.item("greve-oekonomiudvalget-2023-05-08-5")
    assert [s.id for s in engine.same_meeting(greve)] == ["greve-oekonomiudvalget-2023-05-08-5"]
    aarhus = engine.same_meeting(municipality=AARHUS, committee="Økonomiudvalget",
                                 meeting_date="2023-05-08")  # fmt: skip
    assert [s.id for s in aarhus] == ["aarhus-oekonomiudvalget-2023-05-08-1"]


# --- Sections and their field prefixes ---------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("resume:ældreplejen", {"aarhus-byraadet-2025-08-27-1"}),
        ("resumé:ældreplejen", {"aarhus-byraadet-2025-08-27-1"}),
        ("sagsforløb:magistraten", {"aarhus-byraadet-2025-08-27-1"}),
        ("sagsforloeb:magistraten", {"aarhus-byraadet-2025-08-27-1"}),
        ("økonomi:hjemmeplejen", {"aarhus-byraadet-2025-08-27-1"}),
        ("oekonomi:hjemmeplejen", {"aarhus-byraadet-2025-08-27-1"}),
        ("indstilling:byrådet", {"aarhus-byraadet-2025-08-27-1",
                                 "greve-oekonomiudvalget-2023-05-08-5"}),
        ("beslutning:fremsendes", {"greve-oekonomiudvalget-2023-05-08-5"}),
        ("sagsfremstilling:hverdagsrehabilitering", {BALLERUP_ITEM}),
        ("bilag:budgetnotat", {"aarhus-byraadet-2025-08-27-1"}),
        ("resume:renoveres", set()),  # in the Sagsfremstilling, not the Resumé
    ],
)  # fmt: skip
def test_section_prefixes(engine, q, expected):
    assert ids(run(engine, q=q)) == expected


# --- Statuses ------------------------------------------------------------------------------


def test_recommended_and_referred(engine):
    assert {"recommended", "referred"} <= set(STATUSES)
    assert ids(run(engine, status="recommended")) == {"aarhus-byraadet-2025-08-27-1"}
    assert ids(run(engine, status="referred")) == {"greve-oekonomiudvalget-2023-05-08-5"}
    assert ids(run(engine, q="status:anbefalet")) == {"aarhus-byraadet-2025-08-27-1"}
    assert ids(run(engine, q='status:"sendt videre"')) == {"greve-oekonomiudvalget-2023-05-08-5"}
    statuses = run(engine)["facets"]["status"]
    assert {v["value"]: v["label"] for v in statuses}["recommended"] == "Anbefalet"
    assert {v["value"]: v["label"] for v in statuses}["referred"] == "Sendt videre"


# --- Results carry the meeting's facts and where the item came from -----------------------


def test_hits_carry_the_meeting_and_the_source(engine):
    (hit,) = run(engine, q="budget aarhus")["results"]
    assert (hit["municipality"], hit["meeting_time"], hit["place"]) == (
        AARHUS, "16:00", "Byrådssalen",
    )  # fmt: skip
    assert hit["meeting_id"] == "aarhus-byraadet-2025-08-27"
    assert hit["source_url"] == "https://aarhus.dk/dagsorden/2025-08-27/1"
    assert hit["pdf_url"] is None and hit["closed"] is False
    (ballerup,) = run(engine, q="meddelelser")["results"]
    assert ballerup["pdf_url"].endswith("ballerup/referat.pdf#page=3")
    assert ballerup["source_url"] is None


def test_closed_items_are_found_by_their_title_only(engine):
    (hit,) = run(engine, q="landbrugsejendom")["results"]
    assert hit["closed"] is True and hit["id"] == "aarhus-byraadet-2025-08-27-2"
    view = engine.item_view(engine.item(hit["id"]))
    assert view["closed"] is True and view["sections"] == []


# --- API, CSV, OpenAPI ----------------------------------------------------------------------


def test_api_and_csv(client):
    body = client.get("/api/search?municipality=Greve+Kommune").get_json()
    assert body["query"]["municipality"] == [GREVE] and body["total"] == 1
    assert [v["value"] for v in body["facets"]["municipality"]] == [AARHUS, BALLERUP, GREVE]
    data = client.get("/api/search.csv?q=ældreplejen").get_data()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["municipality"], r["id"]) for r in rows] == [
        (AARHUS, "aarhus-byraadet-2025-08-27-1"),
    ]  # fmt: skip
    item = client.get("/api/items/aarhus-byraadet-2025-08-27-1").get_json()
    assert [s["name"] for s in item["sections"]] == [
        "Resume", "Beslutningspunkter", "Sagsforløb", "Økonomi", "Bilag", "Beslutninger",
    ]  # fmt: skip
    assert item["meeting_id"] == "aarhus-byraadet-2025-08-27"


def test_openapi_describes_the_new_fields():
    from searchapp.web.openapi import build_spec

    schemas = build_spec()["components"]["schemas"]
    assert "municipality" in schemas["Facets"]["properties"]
    assert {"municipality", "meeting_id", "meeting_time", "place", "closed",
            "source_url"} <= set(schemas["Hit"]["properties"])  # fmt: skip
    assert set(schemas["Item"]["properties"]["sections"]["items"]["properties"]) == {
        "name", "kind", "text",
    }  # fmt: skip
    statuses = schemas["Hit"]["properties"]["status"]["enum"]
    assert {"recommended", "referred"} <= set(statuses)


def test_openapi_describes_every_field_of_an_item_and_a_hit(engine):
    """The Item schema follows the model (every AgendaItem field, typed from it), so a
    field a reader adds is described the day it is added."""
    from searchapp.web.openapi import build_spec

    schemas = build_spec()["components"]["schemas"]
    view = engine.item_view(engine.item("aarhus-byraadet-2025-08-27-1"))
    assert set(view) == set(schemas["Item"]["properties"])
    hit = run(engine, q="budget")["results"][0]
    assert set(hit) == set(schemas["Hit"]["properties"])


# --- The pages ---------------------------------------------------------------------------------


def test_search_page_has_the_kommune_facet_and_marks_closed_items(client):
    html = client.get("/?q=landbrugsejendom").get_data(as_text=True)
    assert "<legend>Kommune</legend>" in html
    assert '<span class="badge badge-closed">Lukket punkt</span>' in html
    html = client.get("/?municipality=Greve+Kommune").get_data(as_text=True)
    assert "Kommune: Greve Kommune" in html  # the active filter, removable
    assert 'class="badge badge-referred">Sendt videre<' in html


def test_item_page_sections_in_the_documents_order_with_their_names(client):
    html = client.get("/items/aarhus-byraadet-2025-08-27-1?q=ældreplejen").get_data(as_text=True)
    headings = re.findall(r'<h2 id="h-s\d+">([^<]+)', html)
    assert [h.strip() for h in headings] == [
        "Resume", "Beslutningspunkter", "Sagsforløb", "Økonomi", "Bilag", "Beslutninger",
    ]  # fmt: skip
    assert 'id="beslutning"' in html and 'badge-recommended">Anbefalet<' in html
    assert "flere penge til <mark>ældreplejen</mark>" in html
    assert '<a href="https://aarhus.dk/bilag/1" rel="noopener nofollow">Budgetnotat</a>' in html
    assert "<dt>Kommune</dt>" in html and "kl. 16:00" in html and "Byrådssalen" in html
    assert 'href="https://aarhus.dk/dagsorden/2025-08-27/1"' in html  # the source
    # The meeting's other item is closed, and says so.
    assert "Lukket: Køb af landbrugsejendom <span class=\"closed-mark\">(lukket)</span>" in html


def test_item_page_of_a_closed_item(client):
    html = client.get("/items/aarhus-byraadet-2025-08-27-2").get_data(as_text=True)
    assert "<strong>Lukket punkt.</strong>" in html
    assert "Gå til beslutning" not in html and 'id="beslutning"' not in html


def test_item_page_of_a_pdf_item_opens_its_page(client):
    html = client.get(f"/items/{BALLERUP_ITEM}").get_data(as_text=True)
    assert "Åbn PDF på side 3" in html and "referat.pdf#page=3" in html
    assert "Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 1" in html


def test_kkr_pages_show_no_kommune_facet(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert "<legend>Kommune</legend>" not in html
