"""Decision statuses from the decision styles of every meeting system seen so far."""

import pytest

from searchapp.decisions import classify_decision
from searchapp.models import STATUS_LABELS, STATUSES


@pytest.mark.parametrize(
    "text,status",
    [
        # Publishing-site minutes (Greve)
        ("Godkendt.", "approved"),
        ("1.-2. Godkendt.", "approved"),
        ("Byrådet godkendte Økonomiudvalgets indstilling.", "approved"),
        ("Med stemmerne 19 for og 1 imod godkendte Byrådet Økonomiudvalgets indstilling.",
         "approved"),
        ("Anbefales.", "recommended"),
        ("1-2 anbefales.", "recommended"),
        ("Økonomiudvalget anbefaler overfor Byrådet, at administrationens indstilling "
         "godkendes.", "recommended"),
        ("Økonomiudvalget indstiller overfor Byrådet, at Klima-, Teknik- og "
         "Miljøudvalgets indstilling godkendes.", "recommended"),
        ("Anbefales ikke.", "rejected"),
        ("Orienteringen blev taget til efterretning.", "noted"),
        ("Udsættes til ekstraordinært møde i Skole-, Børne- og Ungeudvalget.", "postponed"),
        ("Sagen blev drøftet.", "discussed"),
        # FirstAgenda (Aarhus)
        ("Fremsendes til Teknisk Udvalg til behandling i henhold til beslutning i byrådets "
         "møde den 27. august 2025.", "referred"),
        ("Tilbagesendes Magistratsafdelingen for Teknik og Miljø med bemærkning, at byrådet "
         "i sit møde den 27. august 2025 har vedtaget Magistratens foranstående indstilling "
         "af 19. august 2025. Radikale Venstres og Alternativets byrådsgrupper kunne ikke "
         "tiltræde indstillingen.", "approved"),
        ("Tilbagesendes til forvaltningen med henblik på en ny indstilling.", "referred"),
        # eDoc (Ballerup)
        ("Indstillingen godkendt", "approved"),
        ("Indstilles til godkendelse", "recommended"),
        ("Taget til efterretning", "noted"),
        ("Indstillingen blev godkendt.", "approved"),
        # What Greve writes where nothing is decided
        ("Temamødet blev holdt.", "noted"),
        ("Byrådet besvarede borgernes spørgsmål.", "noted"),
        ("Der var intet at orientere om.", "noted"),
        ("Sagen blev taget af dagsordenen.", "postponed"),
        ("Byrådet sendte sagen tilbage til behandling i fagudvalg.", "referred"),
        ("Udvalget valgte Simon Østergaard (V) som ny formand.", "approved"),
        ("Udvalget valgte at udsætte sagen.", "postponed"),
        ("Afbud: Liselott Blixt", "unknown"),
        # Votes that reject
        ("Forslaget faldt, idet 10 stemte for og 21 imod.", "rejected"),
        ("Indstillingen blev ikke godkendt.", "rejected"),
    ],
)  # fmt: skip
def test_decision_styles(text, status):
    assert classify_decision(text) == status


def test_every_status_has_a_danish_label():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert STATUS_LABELS["recommended"] == "Anbefalet"
    assert STATUS_LABELS["referred"] == "Sendt videre"
