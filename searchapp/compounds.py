"""Danish compound splitting: "sundhedsreformen" -> "sundhed", "reformen".

Danish closes its compounds, so a search for "reform" would miss "ældrereformen"
unless the parts are indexed too. The splitter is dictionary based (the Danish word
list that ships with wordfreq) and picks, among the ways to cut a word into known
words with optional linking letters, the one whose parts are most frequent: the
geometric mean of part frequencies, in the manner of Koehn & Knight (2003). A word is
only split when its parts are more common than the word itself, and every part is a
real word of at least four letters, which keeps "medlemmerne" whole (there is no word
"lemmerne") and "forslag" whole ("for" is too short to be a compound head).
"""

from __future__ import annotations

from functools import lru_cache

MIN_WORD = 8  # shorter words are rarely compounds worth splitting
MIN_PART = 4
MIN_PART_ZIPF = 2.5  # how common a part must be to count as a word (wordfreq zipf)
COMMON_WORD_ZIPF = 4.3  # a word this common is a word in its own right: keep it whole
LINKS = ("", "s")  # "sundhed-s-reform" and plain juxtaposition; "-e-" splits wrongly
MAX_PARTS = 3

# Particles in front of a verb or noun make lexicalised words, not compounds a searcher
# thinks of as two: "fremhævede", "overgangen", "underskud", "foreslås".
PARTICLE_HEADS = frozenset(
    "af bort efter fore forbi frem gennem hen hjem igen imod ind med mod ned om op over "
    "på sammen til tilbage ud under".split()
)
# Inflectional endings that happen to be words too: "reform-erne", "udgift-erne".
ENDING_TAILS = frozenset(
    "erne ende ene else ning ninger ingen eren erens sker ster heden lige ligt".split()
)
INFLECTIONS = ("erne", "ene", "en", "et", "er", "ens", "ets", "e")
SHORT_TAIL_ZIPF = 4.5  # a three-letter head noun must be very common: "råd", "hus"


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    """The words of at least MIN_PART letters and MIN_PART_ZIPF, with their zipf
    frequency. wordfreq's list is in bands of words of one frequency, and a word of
    letters alone is its own token, so each band's zipf is asked once, not once a
    word (a tenth of the time; tests/test_compounds.py checks it word by word)."""
    from wordfreq import get_frequency_list, zipf_frequency

    lexicon = {}
    for band in get_frequency_list("da"):
        words = [word for word in band if len(word) >= MIN_PART and word.isalpha()]
        if not words:
            continue
        zipf = zipf_frequency(words[0], "da")
        if zipf < MIN_PART_ZIPF:
            break  # the bands are in order of frequency
        lexicon.update(dict.fromkeys(words, zipf))
    return lexicon


def _zipf(word: str) -> float:
    return _lexicon().get(word, 0.0)


@lru_cache(maxsize=4096)
def _zipf_any(word: str) -> float:
    """Frequency of a possible last part, short ones included."""
    if len(word) >= MIN_PART:
        return _zipf(word)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "da")


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a compound, or () when the word is not one (or is too common to
    need splitting). Cached per distinct word: indexing sees each word many times."""
    word = word.lower()
    if len(word) < MIN_WORD or not word.isalpha():
        return ()
    # An inflected common word ("borgmesteren") is as whole as its base form.
    whole = max([_zipf(word)] + [_zipf(word[: -len(e)]) for e in INFLECTIONS if word.endswith(e)])
    if whole >= COMMON_WORD_ZIPF:
        return ()
    best = _best_split(word, MAX_PARTS)
    if not best:
        return ()
    parts, score = best
    if len(parts) < 2 or score <= whole:
        return ()
    return parts


def _best_split(word: str, max_parts: int) -> tuple[tuple[str, ...], float] | None:
    """The split of `word` into known parts with the highest mean zipf frequency."""
    candidates: list[tuple[tuple[str, ...], float]] = []
    if _zipf_any(word) and (len(word) >= MIN_PART or _zipf_any(word) >= SHORT_TAIL_ZIPF):
        candidates.append(((word,), _zipf_any(word)))
    if max_parts > 1:
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head = word[:cut]
            if not _zipf(head) or head in PARTICLE_HEADS:
                continue
            rest = word[cut:]
            for link in LINKS:
                if link and not rest.startswith(link):
                    continue
                tail = rest[len(link) :]
                if tail in ENDING_TAILS or len(tail) < MIN_PART - 1:
                    continue
                if len(tail) < MIN_PART and _zipf_any(tail) < SHORT_TAIL_ZIPF:
                    continue
                sub = _best_split(tail, max_parts - 1)
                if sub is None:
                    continue
                parts = (head, *sub[0])
                # Mean of log-frequencies = log of the geometric mean of frequencies.
                score = (_zipf(head) + sub[1] * len(sub[0])) / len(parts)
                # Prefer fewer parts: a small toll for each extra cut.
                candidates.append((parts, score - 0.15 * (len(parts) - 2)))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[1], -len(c[0])))
