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
