"""Logging for the command line and the server: configured once, where the process
starts (the `searchapp` command, create_app), never at import.

Lines go to stderr as "time level logger: message". What the search core logs: a
fallback (`searchapp.search`, WARNING), with the query and the reason, so that a bug
that turns queries into plain words leaves a trace.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.WARNING) -> None:
    """Log to stderr, unless the process already has logging set up (a WSGI server
    embedding the app, a test runner): then its configuration stands."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
