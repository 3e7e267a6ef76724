import pytest

from searchapp.municipalities import MUNICIPALITIES, REGIONS, find_in_text, from_host, lookup


def test_all_of_denmark():
    assert len(MUNICIPALITIES) == 98
    assert len(REGIONS) == 5


@pytest.mark.parametrize(
    "written,name",
    [
        ("Greve", "Greve Kommune"),
        ("greve kommune", "Greve Kommune"),
        ("Århus", "Aarhus Kommune"),
        ("København", "Københavns Kommune"),
        ("Lyngby Taarbæk", "Lyngby-Taarbæk Kommune"),
        ("Bornholm", "Bornholms Regionskommune"),
        ("Region Sjælland", "Region Sjælland"),
        ("Ballerup Rådhus", "Ballerup Kommune"),
        ("Atlantis", ""),
    ],
)
def test_lookup(written, name):
    assert lookup(written) == name


@pytest.mark.parametrize(
    "text,name",
    [
        ("i Mødecenter C, Lokale 32 på Ballerup Rådhus", "Ballerup Kommune"),
        ("REFERAT Aarhus Byråd d. 27-08-2025", "Aarhus Kommune"),
        ("Referat fra mødet i Regionsrådet, Region Midtjylland", "Region Midtjylland"),
        ("Det Konservative Folkeparti", ""),
    ],
)
def test_find_in_text(text, name):
    assert find_in_text(text) == name


def test_from_host():
    assert from_host("dagsordener.greve.dk") == "Greve Kommune"
    assert from_host("edocfarm") == ""


@pytest.mark.parametrize(
    "sample, municipality",
    [
        ("kkr-hovedstaden-2023-06-14-referat.pdf", "KKR Hovedstaden"),
        ("kkr-sjaelland-2024-09-12-referat.pdf", "KKR Sjælland"),
        # A municipality's committee in KL's layout: its name is no municipality.
        ("okonomiudvalget-2022-01-25-referat.pdf", ""),
    ],
)
def test_kl_layout_names_a_municipality_only_for_a_body_of_its_own(sample, municipality):
    from pathlib import Path

    from searchapp.ingest import parse_file

    meeting = parse_file(Path(__file__).parent.parent / "samples" / sample)
    assert meeting.municipality == municipality
    assert {item.municipality for item in meeting.items} == {municipality}
