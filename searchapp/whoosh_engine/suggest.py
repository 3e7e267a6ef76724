"""Did you mean: a word the index does not know, replaced by the closest one it does."""

from __future__ import annotations

from ..danish import MONTHS, fold_danish
from ..query import query_words
from ..querytree import COMPOUND_FIELDS
from .execute import term_bytes

__all__ = ["suggest"]


def _known(word: str, has, schema) -> bool:
    """Whether the index knows `word`: as written or with its Danish letters spelled
    out (the `exact` field), by its stem in the title or text, or as a part of
    compounds ("reform" in "ældrereformen"). `has(fieldname, text)`: whether the
    index has the term."""
    lower = word.lower()
    if has("exact", lower) or has("exact", fold_danish(lower)):
        return True
    fields = [f for f in ("text", "title", *COMPOUND_FIELDS.values()) if f in schema]
    stems = schema["text"].process_text(word, mode="query")
    return any(has(field, t) for t in stems for field in fields)


def suggest(q_text: str, searcher, df=None) -> str | None:
    """The query with each word the index does not know replaced by the closest one
    it does (as written, from the unstemmed `exact` field); None when every word is
    known or nothing close is. Month names are left alone: with a year they are a date
    (interpret_query), not words to correct. `df(fieldname, btext)`, when given, says
    whether the index has a term (the engine's remembered document frequencies: most
    searches' words were just looked up) instead of a lookup in the reader."""
    reader = searcher.reader()
    schema = searcher.schema
    if df is None:
        def has(fieldname, text):
            return (fieldname, text) in reader
    else:
        def has(fieldname, text):
            btext = term_bytes(schema, fieldname, text)
            return btext is not None and bool(df(fieldname, btext))
    corrector = None
    out, last, changed = [], 0, False
    for m in query_words(q_text):
        word = m.group()
        lower = word.lower()
        if len(lower) < 3 or any(c.isdigit() for c in lower) or lower in MONTHS:
            continue
        if _known(word, has, schema):
            continue
        if corrector is None:
            corrector = reader.corrector("exact")
        options = corrector.suggest(lower, limit=1, maxdist=2, prefix=1)
        if not options or fold_danish(options[0]) == fold_danish(lower):
            continue
        best = options[0]
        if word[:1].isupper():
            best = best[:1].upper() + best[1:]
        out.append(q_text[last : m.start()])
        out.append(best)
        last, changed = m.end(), True
    if not changed:
        return None
    out.append(q_text[last:])
    return "".join(out)
