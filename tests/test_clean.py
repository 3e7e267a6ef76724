from collections import Counter

from searchapp.clean import clean, join_decision, repair_hyphens, strip_running_headers
from searchapp.extract import Line


def L(text, page=1, **kw):
    return Line(text, page, **kw)


def test_running_headers_removed_but_name_the_meeting():
    lines = [
        L("KKR Hovedstaden  | 11-04-2025", 1),
        L("SIDE  |  1", 1),
        L("Mission", 1),
        L("KKR Hovedstaden  | 11-04-2025", 2),
        L("SIDE  |  2", 2),
        L("Tekst", 2),
    ]
    kept, header = strip_running_headers(lines)
    assert [ln.text for ln in kept] == ["Mission", "Tekst"]
    assert header.committee == "KKR Hovedstaden"
    assert header.meeting_date == "2025-04-11"


def test_generic_repeated_footer_removed():
    words = ["Mission", "Vision", "Baggrund", "Indstilling", "Beslutning"]
    lines = []
    for page, word in enumerate(words, 1):
        lines += [
            L(word, page),
            L(f"{word} er vigtig", page),
            L(f"Referat - side {page} af 5", page),
        ]
    kept, _ = strip_running_headers(lines)
    assert all("Referat" not in ln.text for ln in kept)
    assert len(kept) == 10


def texts(lines):
    return [ln.text for ln in lines if ln.text]


def test_hyphen_joined_across_blank_lines_and_pages():
    lines = [L("udsendt til med-", 1), L("", 1), L("lemmerne via Prepare", 2)]
    assert texts(repair_hyphens(lines)) == ["udsendt til medlemmerne", "via Prepare"]


def test_real_hyphens_kept():
    lines = [
        L("dimensioneringen på SOSU-"),
        L("uddannelserne er vigtig"),
        L("adgang til erhvervs-"),
        L("og velfærdsuddannelser"),
        L("se SAG-"),
        L("2025-01103 her"),
        L("fokus på life-"),
        L("science og vækst"),
    ]
    out = texts(repair_hyphens(lines))
    assert out[0] == "dimensioneringen på SOSU-uddannelserne"
    assert out[2] == "adgang til erhvervs-"  # the line break is the space: "erhvervs- og"
    assert out[3] == "og velfærdsuddannelser"
    assert out[4] == "se SAG-2025-01103"
    assert out[6] == "fokus på life-science"


def test_document_evidence_decides():
    # The document writes "klima-projekterne" with a hyphen elsewhere, so keep it.
    counts = Counter({"klima-projekterne": 2})
    assert join_decision("klima", "projekterne", counts) == "hyphen"
    assert join_decision("klima", "projekterne", Counter({"klimaprojekterne": 1})) == "join"
    assert join_decision("ho", "vedstadsområdet", Counter()) == "join"
    assert join_decision("Social", "og", Counter()) == "space"


def test_url_hyphen_kept():
    lines = [L("se https://example.dk/tvaergaaende-"), L("mobilitet/ for mere")]
    assert texts(repair_hyphens(lines))[0] == "se https://example.dk/tvaergaaende-mobilitet/"


def test_clean_marks_page_starts():
    lines = [
        L("KKR Sjælland | 12-09-2024", 1),
        L("Første", 1),
        L("Anden", 1),
        L("KKR Sjælland | 12-09-2024", 2),
        L("Tredje", 2),
    ]
    result = clean(lines)
    assert [(ln.text, ln.page_start) for ln in result.lines] == [
        ("Første", True),
        ("Anden", False),
        ("Tredje", True),
    ]
    assert result.header.committee == "KKR Sjælland"


def test_punctuation_moves_up_with_the_word():
    lines = [L("efter sommerfe-"), L("rien. Derefter")]
    assert texts(repair_hyphens(lines)) == ["efter sommerferien.", "Derefter"]
