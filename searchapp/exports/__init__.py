"""Readers of meeting systems' structured exports, registered in `sources` on import.

- `edoc`: eDoc's AgendaPublishing folder (`eDocAgendaPublishing.xml` and its PDFs);
- `sbsys`: an SBSYS publication, as a zip or unzipped (`PublicationN.xml` and
  `Enclosures/`);
- `publishing_json`: a meeting of a municipal agenda-publishing site (the JSON behind
  dagsordener.<kommune>.dk), one file a meeting;
- `html`: the HTML fields they carry -> paragraphs and sections;
- `base`: what they share (safe XML, dates, building the items).
"""

from . import edoc, publishing_json, sbsys

__all__ = ["edoc", "publishing_json", "sbsys"]
