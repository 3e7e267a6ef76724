"""Build sample minutes in the layouts of other meeting systems than KL's, so a fresh
clone tests (and indexes) every layout the parser reads:

    python scripts/make_layout_samples.py    # writes samples/*.pdf, tests/fixtures/text/*.txt

- ``firstagenda``: FirstAgenda's layout (Aarhus): "REFERAT <body> d. DD-MM-YYYY",
  "Mødedato"/"Mødested", a contents list of titles with dot leaders, each item on a new
  page under "Punkt N: Title" in 16 pt bold, an EMN- case number, the decision first
  ("Beslutninger"), section names in 13.5 pt bold, a closed item "Lukket: ...".
- ``edoc``: eDoc's layout (Ballerup): a five-line running header, a front page with
  "Referat" in 24 pt, the body, its date and place, attendance, "INDHOLDSFORTEGNELSE"
  grouped under "Åbent referat" / "Lukket referat", items "N. Title" in 11 pt bold,
  "Sagsnr.:" and "Dok.nr.:", the decision under "<Udvalg>s beslutning den DD.MM.YYYY
  Punkt N" in body type, and a closed group after the open items.
- ``unseen``: a system the parser was not written for: labelled front page ("Mødedato:",
  "Mødetidspunkt:", "Mødested:"), no contents, item headings "N Title" (no dot) in 12 pt
  bold, KLE journal numbers, "Sagsansvarlig:" lines, section names in capitals,
  "Beslutning i <Udvalg> den DD-MM-YYYY", a running footer with "Side N af M".

Each PDF has a text twin in tests/fixtures/text/ as pdftotext writes one (pages split by
form feeds, blank lines between paragraphs). The text is invented; the municipalities
are invented too ("Testrup", "Nordby", "Sydby"), so samples/README.md and config.toml
name them for the samples folder. Rebuilding gives identical bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TEXT_FIXTURES = ROOT / "tests" / "fixtures" / "text"
WIDTH, HEIGHT = A4


@dataclass
class Block:
    text: str
    style: str  # a key of the layout's fonts
    gap: float = 4.0  # points before it
    indent: float = 0.0
    new_page: bool = False
    keep: str = ""  # "toc": the contents' page numbers are filled in here


@dataclass
class Layout:
    name: str
    fonts: dict[str, tuple[str, float]]
    left: float = 56
    top: float = 70
    bottom: float = 70
    header: list[str] = field(default_factory=list)  # running header lines
    footer: str = ""  # running footer, {page} and {pages} filled in


@dataclass
class Doc:
    file: str
    layout: Layout
    blocks: list[Block]


# -- typesetting -------------------------------------------------------------------------------


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def typeset(doc: Doc, toc_pages: dict[str, int] | None = None):
    """-> pages of (y, x, font, size, text) and the page each titled block starts on."""
    lay = doc.layout
    width = WIDTH - 2 * lay.left
    pages: list[list[tuple]] = [[]]
    starts: dict[str, int] = {}
    y = HEIGHT - lay.top
    for block in doc.blocks:
        font, size = lay.fonts[block.style]
        if block.new_page and pages[-1]:
            pages.append([])
            y = HEIGHT - lay.top
        y -= block.gap
        text = block.text
        if block.keep == "toc" and toc_pages is not None:
            title, _, key = text.partition("|")
            page = toc_pages.get(key, 0)
            leader_width = width - stringWidth(title, font, size) - stringWidth(" 99", font, size)
            dots = "." * max(3, int(leader_width / stringWidth(".", font, size)))
            pages[-1].append((y - size, lay.left, font, size, f"{title}{dots}"))
            pages[-1].append((y - size, WIDTH - lay.left - 12, font, size, str(page)))
            y -= size * 1.25
            continue
        for line in _wrap(text, font, size, width - block.indent):
            if y - size < lay.bottom:
                pages.append([])
                y = HEIGHT - lay.top
            y -= size * 1.25
            pages[-1].append((y, lay.left + block.indent, font, size, line))
        if block.style in ("heading", "title"):
            starts.setdefault(text, len(pages))
    return pages, starts


def render(doc: Doc) -> tuple[bytes, str]:
    _, starts = typeset(doc)
    toc_pages = {key: starts.get(key, 0) for key in starts}
    pages, _ = typeset(doc, toc_pages)
    lay = doc.layout
    target = SAMPLES / doc.file
    c = canvas.Canvas(str(target), pagesize=A4, invariant=1, pageCompression=0)
    c.setTitle(doc.file)
    c.setCreator("scripts/make_layout_samples.py")
    text_pages = []
    for number, rows in enumerate(pages, 1):
        printed = []
        for k, head in enumerate(lay.header):
            c.setFont("Helvetica", 8)
            c.drawString(lay.left, HEIGHT - 30 - 10 * k, head.format(page=number))
            printed.append(head.format(page=number))
        for y, x, font, size, text in rows:
            c.setFont(font, size)
            c.drawString(x, y, text)
        if lay.footer:
            footer = lay.footer.format(page=number, pages=len(pages))
            c.setFont("Helvetica", 8)
            c.drawString(lay.left, 36, footer)
        c.showPage()
        # The text twin: pdftotext's reading order, a blank line where the type leaves
        # more room than a line.
        last_y = None
        for y, _x, _font, size, text in rows:
            if last_y is not None and y == last_y:
                printed[-1] += "   " + text
                continue
            if last_y is not None and last_y - y > size * 1.6:
                printed.append("")
            printed.append(text)
            last_y = y
        if lay.footer:
            printed += ["", lay.footer.format(page=number, pages=len(pages))]
        text_pages.append("\n".join(printed))
    c.save()
    return target.read_bytes(), "\f".join(text_pages) + "\f"


# -- the documents -------------------------------------------------------------------------------

FIRSTAGENDA = Layout(
    "firstagenda",
    {"title": ("Helvetica-Bold", 21.7), "front": ("Helvetica", 10.9),
     "toc_head": ("Helvetica-Bold", 17.3), "toc": ("Helvetica", 12.4),
     "heading": ("Helvetica-Bold", 16.3), "label": ("Helvetica-Bold", 13.6),
     "body": ("Helvetica", 10.9)},
    left=40, top=50,
)  # fmt: skip


def firstagenda_doc() -> Doc:
    items = [
        ("1", "Godkendelse af dagsorden", "EMN-2025-000101", "Godkendt.", [], []),
        ("2", "Svar på forslag fra SF om flere cykelstier til skolerne i Testrup",
         "EMN-2025-004412",
         "Tilbagesendes Magistratsafdelingen for Teknik og Miljø med bemærkning, at byrådet i "
         "sit møde den 24. september 2025 har vedtaget Magistratens indstilling. "
         "Venstres byrådsgruppe kunne ikke tiltræde indstillingen.",
         [("Resume", "Socialistisk Folkeparti har foreslået, at der anlægges sikre "
                     "cykelstier til alle skoler i kommunen inden 2030."),
          ("Beslutningspunkter", "Det indstilles, at: At 1) forslaget indgår i den kommende "
                                 "cykelhandleplan. At 2) der afsættes 4 mio. kr. i 2026."),
          ("Sagsforløb", "Udvalg: Testrup Byråd Dato: 13-08-2025 Punktnummer: 12 "
                         "Fremsendes til Magistratsafdelingen for Teknik og Miljø.")],
         ["Bilag 1: Beslutningsforslag", "Kort over skoleveje"]),
        ("3", "Anlægsbevilling til ny svømmehal i Testrup Nord", "EMN-2025-005530",
         "Fremsendes til Kultur- og Fritidsudvalget til behandling.",
         [("Resume", "Svømmehallen i Testrup Nord er nedslidt. Forvaltningen foreslår en "
                     "ny hal med et 25 meter bassin og et varmtvandsbassin."),
          ("Beslutningspunkter", "Det indstilles, at: At 1) der gives en anlægsbevilling "
                                 "på 92,5 mio. kr."),
          ("Borgmesterens Afdelings påtegning", "Borgmesterens Afdeling har ingen "
                                                "bemærkninger til indstillingen.")],
         ["Bilag 1: Skitseprojekt for svømmehallen"]),
        ("4", "Lukket: Salg af byggegrund i erhvervsområdet ved Ringvejen", "EMN-2025-006001",
         "Godkendt.", [("Resume", "Fortrolige oplysninger om køber og pris.")], []),
    ]  # fmt: skip
    blocks = [
        Block("REFERAT Testrup Byråd d. 24-09-2025", "title"),
        Block("Mødedato   Onsdag d. 24. september 2025 kl. 16:00", "front", gap=20),
        Block("Mødested   Byrådssalen, Testrup Rådhus", "front", gap=8),
        Block("Indholdsfortegnelse", "toc_head", new_page=True),
    ]
    for number, title, *_ in items:
        blocks.append(Block(f"{title}|Punkt {number}: {title}", "toc", keep="toc"))
    for number, title, case, decision, sections, attachments in items:
        blocks.append(Block(f"Punkt {number}: {title}", "heading", new_page=True))
        blocks.append(Block(case, "body", gap=14))
        blocks.append(Block("Beslutninger", "label", gap=6))
        blocks.append(Block(decision, "body", gap=8))
        for name, text in sections:
            blocks.append(Block(name, "label", gap=8))
            blocks.append(Block(text, "body", gap=8))
        if attachments:
            blocks.append(Block("Bilag", "label", gap=8))
            for title_ in attachments:
                blocks.append(Block(title_, "body", gap=8))
    return Doc("testrup-byraad-2025-09-24-referat.pdf", FIRSTAGENDA, blocks)


EDOC = Layout(
    "edoc",
    {"big": ("Helvetica-Bold", 24), "front": ("Helvetica-Bold", 11),
     "label": ("Helvetica-Bold", 10.1), "body": ("Helvetica", 10.1),
     "heading": ("Helvetica-Bold", 11)},
    left=58, top=110,
    header=["Social- og Sundhedsudvalget", "Referat", "Åbent referat", "Dato: 03.06.2025",
            "Side {page}"],
)  # fmt: skip

_COMMITTEE = "Social- og Sundhedsudvalget"


def edoc_doc() -> Doc:
    decision_head = f"{_COMMITTEE}s beslutning den 03.06.2025 Punkt {{n}}"
    items = [
        ("1", "Meddelelser", "2025-10211", "2025-118202", [
            ("", "a. Orientering om sommerlukning af aktivitetscentrene."),
            ("", "b. Konference om det nære sundhedsvæsen den 12. juni 2025."),
        ], "Taget til efterretning", []),
        ("2", "Kvalitetsstandard for hjemmepleje 2026", "2025-10388", "2025-120044", [
            ("Sammendrag", "Kvalitetsstandarden for hjemmepleje revideres hvert år."),
            ("Sagsfremstilling", "Forvaltningen foreslår, at borgere kan vælge "
                                 "rengøring hver anden uge i stedet for hver tredje uge."),
            ("Økonomiske konsekvenser og finansiering", "Merudgiften er 1,2 mio. kr. årligt."),
            ("Indstilling", "Forvaltningen indstiller, at kvalitetsstandarden godkendes."),
        ], "Indstilles til godkendelse", ["2025-118990 - Udkast til kvalitetsstandard 2026"]),
        ("3", "Evaluering af forebyggende hjemmebesøg", "2024-99120", "2025-121110", [
            ("Sammendrag", "Evalueringen viser, at 71 procent af de 80-årige tog imod besøget."),
            ("Indstilling", "Forvaltningen indstiller, at evalueringen tages til efterretning."),
        ], "Taget til efterretning", []),
    ]  # fmt: skip
    blocks = [
        Block("Referat", "big", gap=160, indent=190),
        Block(_COMMITTEE, "front", gap=30, indent=120),
        Block("tirsdag den 3. juni 2025, kl. 15:00", "front", indent=120),
        Block("i Mødelokale 2 på Nordby Rådhus", "front", indent=120),
        Block("Åbent referat", "front", gap=16, indent=190),
        Block("Tilstede", "label", gap=20, indent=27),
        Block("Hanne Lund (A) - formand", "body", indent=27),
        Block("Peter Holm (V) - næstformand", "body", indent=27),
        Block("Afbud/Fraværende", "label", gap=14, indent=27),
        Block("Sara Krogh (F)", "body", indent=27),
        Block("INDHOLDSFORTEGNELSE", "label", new_page=True, indent=27),
        Block("Åbent referat", "label", gap=14, indent=27),
    ]
    for number, title, *_ in items:
        blocks.append(Block(f"{number}. {title}|{number}. {title}", "body", keep="toc", indent=27))
    blocks.append(Block("Lukket referat", "label", gap=14, indent=27))
    blocks.append(Block("4. Personalesag|4. Personalesag", "body", keep="toc", indent=27))
    for number, title, case, docno, sections, decision, attachments in items:
        blocks.append(Block(f"{number}. {title}", "heading", new_page=number == "1", gap=24))
        blocks.append(Block(f"Sagsnr.: {case}", "body", gap=12, indent=27))
        blocks.append(Block(f"Dok.nr.: {docno}", "body", gap=0, indent=27))
        for name, text in sections:
            if name:
                blocks.append(Block(name, "label", gap=12, indent=27))
            blocks.append(Block(text, "body", gap=12 if not name else 2, indent=27))
        if attachments:
            blocks.append(Block("Bilag", "label", gap=12, indent=27))
            for title_ in attachments:
                blocks.append(Block(title_, "body", gap=2, indent=27))
        blocks.append(Block(decision_head.format(n=number), "body", gap=16, indent=27))
        blocks.append(Block(decision, "body", gap=2, indent=27))
        blocks.append(Block("Følgende deltog ikke i behandlingen af punktet:", "body", gap=12,
                            indent=27))
    blocks.append(Block("Lukket referat", "label", gap=24, new_page=True, indent=27))
    blocks.append(Block("4. Personalesag", "heading", gap=24))
    blocks.append(Block("Sagsnr.: 2025-10999", "body", gap=12, indent=27))
    blocks.append(Block(decision_head.format(n=4), "body", gap=16, indent=27))
    blocks.append(Block("Godkendt", "body", gap=2, indent=27))
    return Doc("nordby-social-og-sundhedsudvalget-2025-06-03.pdf", EDOC, blocks)


UNSEEN = Layout(
    "unseen",
    {"title": ("Helvetica-Bold", 18), "front": ("Helvetica", 10), "heading": ("Helvetica-Bold", 12),
     "label": ("Helvetica-Bold", 9.5), "body": ("Helvetica", 10)},
    footer="Teknik- og Miljøudvalget, 20-06-2025          Side {page} af {pages}",
)  # fmt: skip


def unseen_doc() -> Doc:
    items = [
        ("1", "Godkendelse af dagsorden", "00.01.00-A00-3-25", "Jens Møller", [
            ("INDSTILLING", "Direktionen indstiller, at dagsordenen godkendes."),
        ], "Godkendt."),
        ("2", "Trafiksikkerhedsplan 2026-2030 for Sydby Kommune", "05.13.00-P15-1-24",
         "Mette Kjær", [
            ("RESUMÉ", "Planen samler indsatsen for sikre skoleveje og færre ulykker på "
                       "landevejene."),
            ("SAGSFREMSTILLING", "Der er registreret 41 personskadeuheld i perioden 2020-2024. "
                                 "Planen prioriterer 12 strækninger, heriblandt Stationsvej "
                                 "og Kirkebakken."),
            ("ØKONOMI", "Planen finansieres af anlægspuljen til trafiksikkerhed."),
            ("INDSTILLING", "Direktionen indstiller, at planen sendes i høring i otte uger."),
        ], "Anbefales over for Byrådet. Enhedslisten stemte imod."),
        ("3", "Spildevandsplan, tillæg 4 - separatkloakering af Sønderby", "06.00.05-P16-2-25",
         "Jens Møller", [
            ("SAGSFREMSTILLING", "Tillægget omfatter separatkloakering af 240 ejendomme."),
            ("INDSTILLING", "Direktionen indstiller, at tillægget vedtages."),
        ], "Sagen blev udsat til næste møde."),
    ]  # fmt: skip
    blocks = [
        Block("Referat", "title", gap=40),
        Block("Teknik- og Miljøudvalget", "title", gap=10),
        Block("Mødedato: 20-06-2025", "front", gap=30),
        Block("Mødetidspunkt: 16:30 - 18:00", "front"),
        Block("Mødested: Sydby Rådhus, mødelokale 3", "front"),
        Block("Medlemmer: Lars Berg (A), formand, Anna Friis (V), Ole Dahl (Ø)", "front", gap=14),
        Block("Fraværende: Ingen", "front"),
    ]
    for number, title, case, handler, sections, decision in items:
        blocks.append(Block(f"{number} {title}", "heading", gap=30, new_page=number == "1"))
        blocks.append(Block(f"Sagsnr.: {case}", "body", gap=8))
        blocks.append(Block(f"Sagsansvarlig: {handler}", "body", gap=0))
        for name, text in sections:
            blocks.append(Block(name, "label", gap=12))
            blocks.append(Block(text, "body", gap=2))
        blocks.append(Block("Beslutning i Teknik- og Miljøudvalget den 20-06-2025", "label",
                            gap=12))
        blocks.append(Block(decision, "body", gap=2))
    return Doc("sydby-teknik-og-miljoeudvalget-2025-06-20.pdf", UNSEEN, blocks)


def main() -> int:
    SAMPLES.mkdir(exist_ok=True)
    TEXT_FIXTURES.mkdir(parents=True, exist_ok=True)
    for doc in (firstagenda_doc(), edoc_doc(), unseen_doc()):
        _, text = render(doc)
        (TEXT_FIXTURES / doc.file.replace(".pdf", ".txt")).write_text(text, encoding="utf-8")
        print(f"wrote samples/{doc.file} and its text twin")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
