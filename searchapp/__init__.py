"""searchapp: full-text search in Danish municipal meeting minutes."""

__version__ = "0.1.0"
