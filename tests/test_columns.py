"""Facet columns (whoosh_engine/columns.py): counting a facet over a few docnums one by
one says what the bincount over every value says, in the same order."""

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from searchapp.whoosh_engine.columns import FEW, FacetColumn


def by_bincount(column: FacetColumn, docs) -> Counter:
    found = np.bincount(column.codes[docs], minlength=len(column.values))
    return Counter({column.values[i]: int(found[i]) for i in np.flatnonzero(found)})


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.sampled_from(["", "Byråd", "Økonomiudvalget", "aa", "Ab", "2024"]),
                       min_size=1, max_size=200),
       data=st.data())  # fmt: skip
def test_few_docnums_count_as_the_bincount_does(values, data):
    column = FacetColumn(values)
    n = len(values)
    size = data.draw(st.sampled_from([0, 1, 2, FEW - 1, FEW, FEW + 1, n]))
    chosen = sorted(data.draw(st.sets(st.integers(0, n - 1), max_size=min(size, n))))
    for docs in (np.asarray(chosen, dtype=np.int64), np.isin(np.arange(n), chosen)):
        got, want = column.counts(docs), by_bincount(column, docs)
        assert got == want
        assert list(got.items()) == list(want.items())  # the values' order, for ties
