"""Benchmarks of the search core against SQLite FTS5 and tantivy (issue #6).

Not part of the test suite. `python -m bench run --quick` is the smoke check; see
bench/README.md.
"""
