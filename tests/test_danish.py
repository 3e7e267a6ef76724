import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchapp.danish import (
    _FOLD,
    WORD_PATTERN,
    extract_case,
    extract_dates,
    fold_danish,
    format_danish_date,
)


@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from("aeæøåÆØÅäöéü")),
               max_size=20))  # fmt: skip
def test_fold_danish_is_translating_by_its_table(text):
    """fold_danish leaves ASCII text as it is without translating it: the same."""
    assert fold_danish(text) == text.translate(_FOLD)


def test_fold_danish_letters():
    assert fold_danish("Ålborg") == fold_danish("Aalborg") == "Aalborg"
    assert fold_danish("ældrereformen") == "aeldrereformen"
    assert fold_danish("Økonomiudvalget") == "Oekonomiudvalget"


def test_format_danish_date():
    assert format_danish_date("2025-04-11") == "11. april 2025"
    assert format_danish_date("2021-02-03") == "3. februar 2021"
    assert format_danish_date("ikke en dato") == "ikke en dato"


@pytest.mark.parametrize(
    "query,text,start,end",
    [
        ("april 2025", "", date(2025, 4, 1), date(2025, 4, 30)),
        ("ældrereform april 2025", "ældrereform", date(2025, 4, 1), date(2025, 4, 30)),
        ("3. februar 2025", "", date(2025, 2, 3), date(2025, 2, 3)),
        ("møde 11-04-2025", "møde", date(2025, 4, 11), date(2025, 4, 11)),
        ("2025-04-11 referat", "referat", date(2025, 4, 11), date(2025, 4, 11)),
        ("december 2024", "", date(2024, 12, 1), date(2024, 12, 31)),
        ("feb 2024", "", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_dates_in_the_query(query, text, start, end):
    got = extract_dates(query)
    assert (got.text, got.date_from, got.date_to) == (text, start, end)


@pytest.mark.parametrize("query", ["budget 2025", "30. februar 2025", "reform", "SAG-2025-01103"])
def test_no_date(query):
    got = extract_dates(query)
    assert got.text == query and got.date_from is None


@pytest.mark.parametrize(
    "query,rest,case",
    [
        ("SAG-2025-01103", "", "SAG-2025-01103"),
        ("sag 2025-01103", "", "SAG-2025-01103"),
        ("2025-01103", "", "SAG-2025-01103"),
        ("sundhed sag 2025-01103", "sundhed", "SAG-2025-01103"),
        ("sundhedsreformen", "sundhedsreformen", None),
    ],
)
def test_case_numbers(query, rest, case):
    assert extract_case(query) == (rest, case)


# The word pattern as it was written before its repeats were made possessive: the
# reference the possessive one must find the same words as.
_GREEDY_PART = r"[^\W_]+(?:(?<=\d)[.,]\d+)*"
_GREEDY_WORDS = re.compile(rf"{_GREEDY_PART}(?:[-\u2010\u2011]{_GREEDY_PART})*")
_WORDISH = "aæø1209.,-\u2010\u2011_ /K"


@given(st.text(alphabet=st.one_of(st.sampled_from(_WORDISH), st.characters()), max_size=40))
def test_the_possessive_word_pattern_finds_the_greedy_ones_words(text):
    """Numbers with separators and hyphens where no part follows ("3.", "2,5,", "a-",
    "1-.2"): the same words, at the same places, as backtracking would find."""
    ours = [(m.group(), m.span()) for m in WORD_PATTERN.finditer(text)]
    assert ours == [(m.group(), m.span()) for m in _GREEDY_WORDS.finditer(text)]


def test_the_word_pattern_on_numbers_and_hyphens():
    found = WORD_PATTERN.findall("3.354,5 kr. 9,8- SAG-2025-01103 a--b 1.a 2_x x-1.2.")
    assert found == ["3.354,5", "kr", "9,8", "SAG-2025-01103", "a", "b", "1", "a", "2",
                     "x", "x-1.2"]  # fmt: skip
