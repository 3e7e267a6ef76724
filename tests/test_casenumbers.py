"""Case numbers in every form the real minutes print, found, parsed and keyed alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchapp.casenumbers import CaseLine, CaseNumber, case_number_line, find_case_numbers

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"


@pytest.mark.parametrize(
    ("value", "text", "form", "digits"),
    [
        ("SAG-2025-01103", "SAG-2025-01103", "prefixed", "2025-01103"),
        ("sag-2025-01103", "SAG-2025-01103", "prefixed", "2025-01103"),
        ("SAG-2025-1234567", "SAG-2025-1234567", "prefixed", "2025-1234567"),
        ("EMN-2025-003383", "EMN-2025-003383", "prefixed", "2025-003383"),
        ("2011-29298", "2011-29298", "year", "2011-29298"),
        ("2010-3082", "2010-3082", "year", "2010-3082"),
        ("21-014420", "21-014420", "short", "21-014420"),
        ("21-014420K", "21-014420K", "short", "21-014420"),
        ("21-014420k", "21-014420K", "short", "21-014420"),
        ("12/27845", "12/27845", "slash", "12/27845"),
        ("00.01.00-A00-1-24", "00.01.00-A00-1-24", "kle", "00.01.00-A00-1-24"),
        ("82.02.00-p20-3-19", "82.02.00-P20-3-19", "kle", "82.02.00-P20-3-19"),
        # with a label, as typed or printed
        ("sag 2025-01103", "2025-01103", "year", "2025-01103"),
        ("Sagsnr.: 2011-29298", "2011-29298", "year", "2011-29298"),
        ("  Sags nr. 12/27845 ", "12/27845", "slash", "12/27845"),
        ("J.nr. 82.02.00-P20-3-19", "82.02.00-P20-3-19", "kle", "82.02.00-P20-3-19"),
    ],
)
def test_parse(value, text, form, digits):
    number = CaseNumber.parse(value)
    assert number == CaseNumber(text, form)
    assert number.digits == digits
    assert str(number) == text


@pytest.mark.parametrize(
    "value",
    ["", "abc", "not-a-case", "2025", "SAG-2025", "SAG-25-01103", "Dok.nr.: 2012-202935",
     "2011-29298 og mere", "11-04-2025", "12/2", "XYZ-2025-01103", "sag"],
)  # fmt: skip
def test_not_case_numbers(value):
    assert CaseNumber.parse(value) is None


def test_every_form_of_one_number_has_one_key():
    forms = ["SAG-2025-01103", "sag-2025-01103", "2025-01103", "sag 2025-01103",
             "Sagsnr.: 2025-01103"]  # fmt: skip
    assert {CaseNumber.parse(f).digits for f in forms} == {"2025-01103"}


def test_find_in_running_text():
    text = (
        "Sagsnr.: 2011-29298\nDok.nr.: 2012-202935\n"
        "I perioden 2011-2015 og 04/2024 blev SAG-2025-01103 og EMN-2025-003383 behandlet, "
        "jf. sag nr. 12/27845 og J.nr. 82.02.00-P20-3-19. Sag: 21-014420K. Igen SAG-2025-01103."
    )
    assert [n.text for n in find_case_numbers(text)] == [
        "2011-29298", "SAG-2025-01103", "EMN-2025-003383", "12/27845", "82.02.00-P20-3-19",
        "21-014420K",
    ]  # fmt: skip
    # A period, a date, a document number and a number inside another are no cases.
    for text in ("2011-2015", "i 04/2024", "dok. nr. 2012-196779", "xSAG-2025-01103",
                 "SAG-2025-01103-2", "tlf. 21-014420"):  # fmt: skip
        assert find_case_numbers(text) == [], text


@pytest.mark.parametrize(
    ("line", "text", "handler"),
    [
        ("SAG-2025-01103 jjc", "SAG-2025-01103", "jjc"),
        ("SAG-2025-00420 ABC/def", "SAG-2025-00420", "abc/def"),
        ("sag-2025-01103", "SAG-2025-01103", ""),
        ("EMN-2025-003383", "EMN-2025-003383", ""),
        ("Sagsnr.: 2011-29298", "2011-29298", ""),
        ("Sags nr.: 12/27845", "12/27845", ""),
        ("Sagsnummer 21-014420K", "21-014420K", ""),
        ("00.01.00-A00-1-24", "00.01.00-A00-1-24", ""),
    ],
)
def test_case_number_lines(line, text, handler):
    assert case_number_line(line) == CaseLine(CaseNumber.parse(text), handler)


@pytest.mark.parametrize(
    "line",
    ["Dok.nr.: 2012-202935", "2011-29298", "sag 2011-2015 om skolerne",
     "SAG-2025-01103 blev drøftet i udvalget", "3.1. Ældrereformen", ""],
)  # fmt: skip
def test_not_case_number_lines(line):
    assert case_number_line(line) is None


# --- The real minutes (../shared/real) ---------------------------------------------------

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real minutes are missing ({REAL})")


@needs_real
def test_every_case_number_of_greves_publishing_site():
    numbers = set()
    for path in sorted((REAL / "publishing-json" / "greve").glob("*")):
        for point in json.loads(path.read_text(encoding="utf-8")).get("Dagsordenpunkter") or ():
            if point.get("SagsNummer"):
                numbers.add(point["SagsNummer"])
    assert len(numbers) > 500
    for value in numbers:
        number = CaseNumber.parse(value)
        assert number is not None and number.text == value and number.form == "short", value
        assert number.digits == value.rstrip("K")


@needs_real
def test_case_number_lines_of_real_minutes():
    from searchapp.extract import extract

    aarhus = extract(REAL / "firstagenda" / "aarhus-byraad-2025-08-27-referat.pdf")
    found = [case_number_line(line.text) for line in aarhus]
    emn = {c.number.text for c in found if c}
    assert "EMN-2025-003383" in emn and all(n.startswith("EMN-") for n in emn)
    assert len(emn) >= 20

    ballerup = extract(
        REAL / "edoc" / "ballerup-sundheds-og-forebyggelsesudvalget-2012-12-04" / "1552814.PDF"
    )
    texts = [line.text.strip() for line in ballerup]
    cases = [case_number_line(t) for t in texts if t.startswith("Sagsnr.")]
    assert cases and all(cases)
    assert CaseLine(CaseNumber("2011-29298", "year"), "") in cases
    assert not any(case_number_line(t) for t in texts if t.startswith("Dok.nr."))
    # In the running text only the labelled ones are found, never a Dok.nr.
    numbers = {n.text for n in find_case_numbers("\n".join(texts))}
    assert "2011-29298" in numbers and "2012-202935" not in numbers
