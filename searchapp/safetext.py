"""Text from files we did not write, made safe for where it goes.

- `xml_safe`: without the characters XML 1.0 forbids (C0 controls but tab, newline and
  carriage return; lone surrogates; U+FFFE and U+FFFF) and the other control
  characters (DEL, C1), which no minutes mean: a PDF whose ToUnicode map yields U+0001
  must not make the Atom feed malformed for every subscriber. Applied when items are
  read (ingest) and again when the feed is written.
- `printable`: a file name or message for a log line or a terminal, with every
  control, line-breaking and bidirectional-formatting character written as an escape
  (\\n, \\x1b, \\u202e), so a file named "a\\nERROR ..." cannot forge a log line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, is_dataclass

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_UNPRINTABLE = ("Cc", "Cf", "Cs", "Zl", "Zp")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text) if text else text


def xml_safe_fields(obj, keep: tuple[str, ...] = ("source",)) -> None:
    """Every string of a dataclass (and of the lists and dataclasses in it), in place,
    but the fields named in `keep` (a file path must stay the path on disk)."""
    for f in fields(obj):
        if f.name in keep:
            continue
        value = getattr(obj, f.name)
        if isinstance(value, str):
            setattr(obj, f.name, xml_safe(value))
        elif isinstance(value, list):
            setattr(obj, f.name, [_safe_value(v) for v in value])
        elif is_dataclass(value):
            xml_safe_fields(value, keep)


def _safe_value(value):
    if isinstance(value, str):
        return xml_safe(value)
    if is_dataclass(value):
        xml_safe_fields(value)
    return value


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object) -> str:
    """`text` with its control characters escaped; a backslash is doubled only where an
    escape was needed, so ordinary names read as they are."""
    text = str(text)
    if all(c.isprintable() for c in text):
        return text
    return "".join(
        _escape(c) if c == "\\" or unicodedata.category(c) in _UNPRINTABLE else c
        for c in text
    )
