"""The Whoosh engine: the search core's engine interface (searchapp.engine) on Whoosh
2.7.4, with the project's own analysis, schema and array executor.

One module a job: `internals` (everything of Whoosh that is not its public API, behind
a version check), `analysis` (the Danish analysis chain), `schema` (fields, documents),
`compile` (query tree -> Whoosh query), `execute` (a query as arrays over the
postings), `columns` (facet and sort values by docnum), `search` (plan -> matches,
facets, order), `snippets` (snippets and marks), `suggest` (did you mean), `store` (the
generations on disk), `indexing` (writing and publishing one), `engine` (the search side
a process keeps). docs/architecture.md draws how they fit.
"""

from . import internals  # noqa: F401 - first: it checks the installed Whoosh
from .engine import WhooshEngine
from .indexing import WhooshStore

__all__ = ["WhooshEngine", "WhooshStore"]
