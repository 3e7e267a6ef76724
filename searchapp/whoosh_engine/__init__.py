"""The Whoosh engine (see docs/architecture.md)."""
