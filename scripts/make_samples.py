"""Build the project's own sample minutes: three invented meetings laid out like the KKR
minutes in ../shared/corpus, so a fresh clone has something to index and test.

    python scripts/make_samples.py          # writes samples/*.pdf, tests/fixtures/text/*.txt
    python scripts/make_samples.py --list   # also prints every item (for writing tests)

Every meeting below is Python data; the PDF and its raw text extraction are both
rendered from the same page layout, so they always agree. The text is invented.

The layout copies the corpus PDFs: A4, Helvetica, a running header at the top of every
page ("COMMITTEE  | DD-MM-YYYY" left, "SIDE  |  N" right, 8 pt), one printed line every
14 points from y = 761.9, x = 70; parts of the agenda in 14 pt bold at the top of a new
page, item titles in 11 pt bold, the case number and body text in 10 pt, section labels
in 10 pt bold. Lines wrap at the corpus width with Danish line-end hyphenation.

The text extraction copies the corpus .txt files: each printed line is followed by an
empty line, a blank printed line is a line of spaces, a line broken at a space keeps a
trailing space (a hyphenated one does not), and each page begins with a line that starts
with one space; on a few pages the running header is left in the text.

Mark-up in the paragraphs:
    ¦   end the line here: inside a word it hyphenates ("med¦lemmerne" -> "med-" /
        "lemmerne"), after a hyphen it keeps it ("SOSU-¦uddannelserne"), at the start of
        a word it breaks at the space before it ("erhvervs- ¦og")
    ‖   the same, and the page ends there too
    ~   inside a word: the only places it may be hyphenated (compounds the rules split
        badly, "enkelt~ydelser"); never printed
    PAGE  a block of its own: start a new page
Rebuilding gives identical bytes (reportlab's invariant mode).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TEXT_FIXTURES = ROOT / "tests" / "fixtures" / "text"

WIDTH, HEIGHT = A4
TOP = HEIGHT - 80  # baseline of the first printed line, as in the corpus (761.89)
HEADER_Y = HEIGHT - 40
LEFT = 70
LEADING = 14
MAX_ROWS = 44  # printed lines on a page, the last at y = 159.9
BODY_WIDTH = 345.0  # points of 10 pt Helvetica, about 75 characters
TITLE_WIDTH = 336.0  # points of 11 pt Helvetica-Bold
HYPHEN_ZONE = 18.0  # hyphenate only when breaking at a space would leave this much room
PAGE = "PAGE"

# style -> (font, size)
FONTS = {
    "part": ("Helvetica-Bold", 14),
    "part_plain": ("Helvetica", 10),
    "title": ("Helvetica-Bold", 11),
    "label": ("Helvetica-Bold", 10),
    "body": ("Helvetica", 10),
    "blank": ("Helvetica", 10),
}


# -- data model -----------------------------------------------------------------------


@dataclass
class Item:
    number: str  # "3.4"
    title: str
    case: str  # "SAG-2024-00417 mkj"
    status: str  # what the parser should make of the Beslutning (for tests)
    # (label, blocks): a block is a paragraph (str) or lines without blank lines
    # between them (list of str, e.g. a list or attachment titles), or PAGE
    sections: list[tuple[str, list]] = field(default_factory=list)
    gap_before_decision: int = 1  # blank lines before "Beslutning"


@dataclass
class Part:
    number: int
    title: str
    items: list[Item] = field(default_factory=list)
    plain: bool = False  # heading in 10 pt regular (as "2. Siden sidst" in the 2021 PDF)
    sections: list[tuple[str, list]] = field(default_factory=list)  # before the items
    body: list = field(default_factory=list)  # blocks without a label (Eventuelt)
    status: str = ""  # expected status of the part itself when it has text


@dataclass
class Meeting:
    slug: str  # file names: {slug}-referat.pdf and {slug}.txt
    committee: str
    date: str  # ISO
    title: str  # PDF metadata
    front: list[list[str]]  # front matter: pages of pre-broken lines ("" = blank line)
    parts: list[Part]
    text_headers: set[int] = field(default_factory=set)  # pages keeping the header in .txt


# -- line breaking ----------------------------------------------------------------------

VOWELS = set("aeiouyæøåéAEIOUYÆØÅÉ")
# consonant clusters that stay together on the next line ("be-styrelse", "er-hvervs",
# "æl-dre"); otherwise only the last consonant of a cluster moves ("udvik-ling")
ONSETS = {"hv", "hj", "sj", "tj", "sk", "sp", "st", "skr", "spr", "str", "tr", "dr", "br", "pr",
          "kr", "gr", "fr", "bl", "fl", "gl", "pl"}  # fmt: skip
_WORD_RE = re.compile(r"^(?P<lead>[(\"”’„]*)(?P<core>.*?)(?P<trail>[.,;:!?)\"”’]*)$")


def _syllable_points(segment: str) -> list[int]:
    """Hyphenation points inside one plain word: a single consonant between vowels
    starts the next syllable, of a cluster the longest part that can begin a syllable."""
    low = segment.lower()
    vowels = [k for k, ch in enumerate(low) if ch in VOWELS]
    points = []
    for a, b in zip(vowels, vowels[1:], strict=False):
        if b - a == 1:
            continue
        cluster = low[a + 1 : b]
        split = b - 1
        for k in range(len(cluster) - 1):
            if cluster[k:] in ONSETS:
                split = a + 1 + k
                break
        if split >= 2 and len(segment) - split >= 3:
            points.append(split)
    return points


def hyphen_points(word: str) -> list[int]:
    """Positions where a word may be split at a line end (after a real hyphen, or
    a syllable break that gets a hyphen added). "~" in the word marks the only
    syllable breaks allowed (for compounds the rules split badly); it is not printed."""
    if "~" in word:
        points, clean = [], ""
        for ch in word:
            if ch == "~":
                points.append(len(clean))
            else:
                clean += ch
        word = clean
    else:
        points = None
    m = _WORD_RE.match(word)
    lead, core = m["lead"], m["core"]
    if not core or any(ch.isdigit() for ch in core) or re.search(r"[/:@.&_]", core):
        return sorted(points or [])
    found = []
    offset = len(lead)
    segments = core.split("-")
    for n, seg in enumerate(segments):
        plain = seg.isalpha() and (seg.islower() or (seg[0].isupper() and seg[1:].islower()))
        if plain and len(seg) >= 7 and points is None:
            found.extend(offset + p for p in _syllable_points(seg))
        offset += len(seg) + 1
        if n < len(segments) - 1 and seg and segments[n + 1]:
            found.append(offset)  # just after the hyphen
    return sorted(set(found) | set(points or []))


@dataclass
class Printed:
    text: str
    end: str  # "space" (broke at a space), "hyphen" (inside a word) or "para" (last line)
    page_break: bool = False


def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def wrap(text: str, font: str, size: float, width: float, warn=None) -> list[Printed]:
    """Greedy line breaking with hyphenation and the ¦/‖ mark-up (see the docstring)."""
    out: list[Printed] = []
    cur = ""

    def fits(s: str) -> bool:
        return _width(s, font, size) <= width

    def join(a: str, b: str) -> str:
        return f"{a} {b}" if a else b

    def forced(line: str, end: str, page: bool) -> None:
        if warn and _width(line, font, size) < 0.82 * width:
            warn(f"short line before a forced break: {line!r}")
        out.append(Printed(line, end, page))

    for token in text.split():
        while token:
            m = re.search("[¦‖]", token)
            if m and m.start() == 0:  # break at the space before this word
                if cur:
                    forced(cur, "space", m.group() == "‖")
                cur = ""
                token = token[1:]
                continue
            word = token[: m.start()] if m else token
            if m:
                word = word.replace("~", "")
                piece = word if word.endswith("-") else word + "-"
                if fits(join(cur, piece)):
                    forced(join(cur, piece), "hyphen", m.group() == "‖")
                else:
                    out.append(Printed(cur, "space"))
                    forced(piece, "hyphen", m.group() == "‖")
                cur = ""
                token = token[m.end() :]
                continue
            token = ""
            points = hyphen_points(word)
            word = word.replace("~", "")
            if fits(join(cur, word)):
                cur = join(cur, word)
                continue
            room = width - _width(cur + " ", font, size) if cur else width
            done = False
            if room > HYPHEN_ZONE:
                for p in reversed(points):
                    head = word[:p] if word[p - 1] == "-" else word[:p] + "-"
                    if fits(join(cur, head)):
                        out.append(Printed(join(cur, head), "hyphen"))
                        cur = word[p:]
                        done = True
                        break
            if not done:
                if cur:
                    out.append(Printed(cur, "space"))
                cur = word
    if cur:
        out.append(Printed(cur, "para"))
    elif out and out[-1].end == "space":
        out[-1].end = "para"
    for line in out:
        line.text = line.text.replace("~", "")
    return out


# -- page layout -----------------------------------------------------------------------


@dataclass
class Row:
    style: str  # key of FONTS
    text: str = ""
    end: str = "para"
    item: str = ""  # number of the item (or part) the row belongs to


class Pager:
    def __init__(self, warn):
        self.pages: list[list[Row]] = [[]]
        self.warn = warn

    @property
    def page(self) -> list[Row]:
        return self.pages[-1]

    def new_page(self) -> None:
        while self.page and self.page[-1].style == "blank":
            self.page.pop()
        if self.page:
            self.pages.append([])

    def add(self, row: Row) -> None:
        if len(self.page) >= MAX_ROWS:
            self.new_page()
        if row.style == "blank" and not self.page and len(self.pages) > 1:
            return  # no blank lines at the top of a page
        self.page.append(row)

    def keep_together(self, rows: list[Row]) -> None:
        if len(self.page) + len(rows) > MAX_ROWS:
            self.new_page()
        for row in rows:
            self.add(row)

    def blank(self, n: int = 1, item: str = "") -> None:
        for _ in range(n):
            self.add(Row("blank", item=item))

    def paragraph(self, text: str, style: str, item: str) -> None:
        font, size = FONTS[style]
        for line in wrap(text, font, size, BODY_WIDTH, self.warn):
            self.add(Row(style, line.text, line.end, item))
            if line.page_break:
                if len(self.page) < MAX_ROWS - 8:
                    self.warn(f"forced page break leaves page {len(self.pages)} short")
                self.new_page()

    def blocks(self, blocks: list, item: str) -> None:
        first = True
        for block in blocks:
            if block == PAGE:
                self.new_page()
                first = True
                continue
            if not first:
                self.blank(1, item)
            first = False
            for paragraph in [block] if isinstance(block, str) else block:
                self.paragraph(paragraph, "body", item)


def layout(meeting: Meeting, warn) -> list[list[Row]]:
    pager = Pager(warn)
    for number, page in enumerate(meeting.front):
        if number:
            pager.new_page()
        pager.blank(2)
        for line in page:
            pager.add(Row("body", line) if line else Row("blank"))
    for part in meeting.parts:
        pager.new_page()
        key = str(part.number)
        style = "part_plain" if part.plain else "part"
        pager.add(Row(style, f"{part.number}. {part.title}", item=key))
        if part.sections:
            _sections(pager, part.sections, key, gap_before_decision=1)
            if part.items:
                pager.blank(3, key)
        elif part.body:
            pager.blank(1, key)
            pager.blocks(part.body, key)
        elif part.items:
            pager.blank(2, key)
        for n, item in enumerate(part.items):
            if n:
                pager.blank(2, item.number)
            font, size = FONTS["title"]
            head = wrap(f"{item.number}. {item.title}", font, size, TITLE_WIDTH, warn)
            rows = [Row("title", p.text, p.end, item.number) for p in head]
            rows.append(Row("body", item.case, "para", item.number))
            pager.keep_together(rows)
            pager.blank(1, item.number)
            _sections(pager, item.sections, item.number, item.gap_before_decision)
    if len(pager.pages[-1]) == 0:
        pager.pages.pop()
    return pager.pages


def _sections(pager: Pager, sections, key: str, gap_before_decision: int) -> None:
    for n, (label, blocks) in enumerate(sections):
        if n:
            pager.blank(gap_before_decision if label == "Beslutning" else 1, key)
        pager.add(Row("label", label, "para", key))
        pager.blocks(blocks, key)


# -- rendering --------------------------------------------------------------------------


def _stable(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def render_pdf(meeting: Meeting, pages: list[list[Row]], target, encrypt=None) -> None:
    c = canvas.Canvas(target, pagesize=A4, invariant=1, pageCompression=0, encrypt=encrypt)
    c.setTitle(meeting.title)
    c.setAuthor("searchapp (eksempeldata)")
    c.setSubject("Opdigtet referat til test af searchapp")
    c.setCreator("scripts/make_samples.py")
    day = "-".join(reversed(meeting.date.split("-")))
    for number, rows in enumerate(pages, 1):
        c.setFont("Helvetica", 8)
        c.drawString(56, HEADER_Y, f"{meeting.committee}  | {day}")
        c.drawRightString(WIDTH - 56, HEADER_Y, f"SIDE  |  {number}")
        for k, row in enumerate(rows):
            if row.style == "blank":
                continue
            font, size = FONTS[row.style]
            c.setFont(font, size)
            c.drawString(LEFT, TOP - k * LEADING, row.text)
        c.showPage()
    c.save()


def pdf_bytes(meeting: Meeting, encrypt=None) -> bytes:
    """The meeting as a PDF (encrypt: a user password, or reportlab's StandardEncryption)."""
    buffer = io.BytesIO()
    render_pdf(meeting, layout(meeting, lambda msg: None), buffer, encrypt)
    return buffer.getvalue()


def _text_line(row: Row, where: str) -> str:
    if row.style == "blank":
        return "  " if _stable(where) % 5 == 0 else " "
    if row.end == "hyphen" or re.fullmatch(r"https?://\S+", row.text):
        return row.text
    if row.end == "para" and _stable(row.text) % 3 == 0:
        return row.text + "  "
    return row.text + " "


def render_text(meeting: Meeting, pages: list[list[Row]]) -> str:
    """The raw text extraction, in the corpus' format (see the module docstring)."""
    day = "-".join(reversed(meeting.date.split("-")))
    out = []
    for number, rows in enumerate(pages, 1):
        if number == 1:
            while rows and rows[0].style == "blank":
                rows = rows[1:]
            lines = [_text_line(r, f"{number}/{k}") for k, r in enumerate(rows)]
            out.append("\n \n\n" + "\n\n".join(lines) + "\n")
            continue
        lines = [_text_line(r, f"{number}/{k}") for k, r in enumerate(rows)]
        if number == len(pages):
            lines += [" ", " ", " "]
        if number in meeting.text_headers:
            head = f"\n\n\n{meeting.committee}  | {day} \n\n SIDE  |  {number} \n\n"
            out.append(head + "\n\n".join(lines) + "\n")
        else:
            out.append(" " + "\n\n".join(lines) + "\n")
    text = "".join(out)
    return text + "\n\n" if pages else text


# -- the meetings ---------------------------------------------------------------------

KKR_FRONT = [
    "Mission",
    "Kommunekontaktrådet er kommunernes fælles politiske",
    "forum i regionen. Rådet samler kommunerne om løsninger,",
    "der rækker ud over den enkelte kommune, og varetager",
    "kommunernes interesser over for region, stat og andre",
    "samarbejdspartnere.",
    "",
    "Vision",
    "Stærke kommuner, der sammen skaber udvikling, velfærd",
    "og grøn omstilling til gavn for borgere og virksomheder",
    "i hele regionen.",
]

SJAELLAND = Meeting(
    slug="kkr-sjaelland-2024-09-12",
    committee="KKR Sjælland",
    date="2024-09-12",
    title="Referat KKR Sjælland 12. september 2024",
    text_headers={4, 8},
    front=[
        KKR_FRONT,
        [
            "Birgitte Holm (A), Holbæk Kommune",
            "Jesper Lund Møller (V), Køge Kommune",
            "Lone Kjær (Ø), Roskilde Kommune",
            "Mads Winther (C), Næstved Kommune",
            "Henriette Bach (F), Slagelse Kommune",
            "Ole Skovgaard (V), Guldborgsund Kommune",
            "Trine Dahl Nielsen (A), Lolland Kommune, suppleant for Ib Mortensen",
        ],
    ],
    parts=[
        Part(
            1,
            "Godkendelse af referat og dagsorden",
            items=[
                Item(
                    "1.1",
                    "Godkendelse af dagsorden",
                    "SAG-2024-00417 mkj",
                    "approved",
                    [
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Sjælland godkender dagsordenen for mødet "
                                "den "
                                "12. september 2024."
                            ],
                        ),
                        ("Beslutning", ["KKR Sjælland godkendte dagsordenen."]),
                    ],
                    gap_before_decision=3,
                ),
                Item(
                    "1.2",
                    "Godkendelse af referat",
                    "SAG-2024-00417 mkj",
                    "approved",
                    [
                        (
                            "Baggrund",
                            [
                                "Referatet af mødet i KKR Sjælland den 13. juni 2024 er udsendt "
                                "til med¦lemmerne via Prepare og ligger på KKR Sjællands side på "
                                "KL's hjemmeside.",
                                "Referater og dagsordener kan læses her: "
                                "https://www.kl.dk/kkr/kkr-sjaelland/moedemateriale",
                            ],
                        ),
                        ("Indstilling", ["Det indstilles, at KKR Sjælland godkender referatet."]),
                        ("Beslutning", ["Referatet blev godkendt uden bemærkninger."]),
                    ],
                    gap_before_decision=3,
                ),
            ],
        ),
        Part(
            2,
            "Siden sidst",
            items=[
                Item(
                    "2.1",
                    "Siden sidst",
                    "SAG-2024-00417 lbn",
                    "noted",
                    [
                        (
                            "Baggrund",
                            [
                                "Under dette punkt orienteres fra de fora, hvor KKR Sjælland har "
                                "udpeget medlemmer, herunder:",
                                [
                                    "– Sundhedssamarbejdsudvalget",
                                    "– Erhvervshus Sjælland",
                                    "– Movia",
                                    "– Det regionale arbejdsmarkedsråd (RAR Sjælland)",
                                    "– Femern Bælt-samarbejdet",
                                ],
                                [
                                    "Movia",
                                    "Movia har sendt forslag til trafikplan 2025-2028 i høring. "
                                    "Planen lægger op til færre afgange på de regionale buslinjer "
                                    "uden for myldretiden og flere afgange på de linjer, der "
                                    "forbinder stationerne med uddannelsesinstitutionerne. "
                                    "Høringsfristen er den 1. november 2024.",
                                ],
                                [
                                    "Erhvervshus Sjælland",
                                    "Erhvervshuset har i første halvår gennemført 412 vejlednings"
                                    "forløb med små og mellemstore virksomheder, og tilfredsheden "
                                    "ligger fortsat over lands~gennem~snittet. Der er særligt "
                                    "fokus "
                                    "på virksomheder, der skal omstille produktionen til mindre "
                                    "energiforbrug.",
                                ],
                            ],
                        ),
                        ("Bilag", [["Høringsmateriale til trafikplan 2025-2028 (Movia)"]]),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Sjælland tager orienteringen til "
                                "efterretning."
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "KKR Sjælland tog orienteringen til efterretning. Formanden "
                                "oplyste, "
                                "at formandskabet har holdt møde med regionsrådsformanden om den "
                                "fælles høringsproces for trafikplanen."
                            ],
                        ),
                    ],
                )
            ],
        ),
        Part(
            3,
            "Regionalpolitiske sager",
            items=[
                Item(
                    "3.1",
                    "Status på implementering af ældrereformen og den nye helhedspleje "
                    "i kommunerne i Region Sjælland",
                    "SAG-2024-00417 tfr",
                    "discussed",
                    [
                        (
                            "Baggrund",
                            [
                                "Aftalen om en ældrereform blev indgået i foråret 2024, og den "
                                "nye ældrelov ventes at træde i kraft den 1. juli 2025. Med loven "
                                "afløses de mange enkelt~ydelser af en samlet helhedspleje, hvor "
                                "borgeren får hjælp i sammenhængende forløb af et fast team.",
                                "For kommunerne betyder reformen, at visitation, organisering og "
                                "it-understøttelse skal lægges om på relativt kort tid, og at de "
                                "fleste af kommu¦nerne må ansætte flere medarbejdere. Kommunerne "
                                "har "
                                "derfor aftalt at dele erfaringer i et fælles netværk for "
                                "ældrechefer.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Sjælland drøfter status på "
                                "implementeringen "
                                "af ældrereformen og giver input til det fælles arbejde med "
                                "kompetenceudvikling af medarbejderne i ældreplejen."
                            ],
                        ),
                        (
                            "Sagsfremstilling",
                            [
                                "Netværket af ældrechefer har kortlagt, hvor langt kommunerne er "
                                "nået. Alle 17 kommuner har nedsat en styregruppe, og 11 kommuner "
                                "har besluttet, hvordan helhedsplejen skal organiseres i hjemme"
                                "plejen. Den største udfordring er rekrutteringen af social- og "
                                "sundhedsassistenter, som skal bære en stor del af den nye pleje.",
                                "Kommunerne efterspørger især tre ting: klare nationale retnings"
                                "linjer for dokumentation, tid til at uddanne teamledere, og en "
                                "afklaring af, hvordan det nye tilsyn vil vurdere kvaliteten i de "
                                "første år. KL arbejder for, at tilsynet i en overgangsperiode "
                                "fokuserer på læring frem for sanktioner.",
                                "Det foreslås, at kommunerne sammen med SOSU Sjælland "
                                "tilrettelægger "
                                "et fælles forløb for teamledere i efteråret 2025, så "
                                "medarbejderne "
                                "i hele regionen får samme grundlag at arbejde ud fra. Udgifterne "
                                "fordeles efter indbyggertal, og forløbet finansieres delvist af "
                                "den statslige pulje til kompetenceudvikling, som kommunerne kan "
                                "søge i løbet af foråret. Det samlede budget for forløbet er "
                                "anslået til 4,2 mio. kr., hvoraf puljen ventes at dække "
                                "halvdelen, "
                                "mens resten efter aftale i kommunaldirektørkredsen fordeles "
                                "mellem "
                                "kom‖munerne efter den sædvanlige fordelingsnøgle.",
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "KKR Sjælland drøftede status på implementeringen og gav input til "
                                "det videre arbejde. Medlemmerne fremhævede, at de mindre kommuner "
                                "har brug for hjælp til it-løsningerne, og at forløbet for team"
                                "ledere bør kunne gennemføres lokalt."
                            ],
                        ),
                    ],
                ),
                Item(
                    "3.2",
                    "Status for de fælles klimaprojekter og den regionale indsats for grøn "
                    "omstilling af kollektiv trafik og godstransport i Sjællandsregionen",
                    "SAG-2024-00417 tfr",
                    "noted",
                    [
                        (
                            "Baggrund",
                            [
                                "KKR Sjælland vedtog i 2023 fem fælles klimaprojekter, som skal "
                                "understøtte kommunernes klimaplaner. Tovholderkommunerne har nu "
                                "afleveret den første årlige status.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Sjælland tager orienteringen til "
                                "efterretning."
                            ],
                        ),
                        (
                            "Sagsfremstilling",
                            [
                                "Status for de enkelte projekter er følgende:",
                                [
                                    "1. Fælles klimaplaner og energiplanlægning",
                                    "Alle kommuner har vedtaget en klimaplan efter DK2020-metoden. "
                                    "Projektet samler nu kommunerne om en fælles opgørelse af "
                                    "udledningerne fra landbrug og transport.",
                                ],
                                [
                                    "2. Grøn kollektiv trafik",
                                    "Der arbejdes med tre spor:",
                                    "1) Omstilling af de regionale buslinjer til el inden 2030",
                                    "2) Fælles krav til klimavenlig flextrafik i kommende udbud",
                                    "3) Bedre skift mellem tog, bus og cykel ved stationerne.",
                                ],
                                [
                                    "3. Madspild og bioaffald",
                                    "Ni kommuner deltager. Projektet har udarbejdet en fælles "
                                    "vejledning til de kommunale køkkener og en kampagne rettet "
                                    "mod borgerne.",
                                ],
                                PAGE,
                                [
                                    "4. Cirkulære indkøb",
                                    "Tolv kommuner afprøver fælles krav til møbler, tekstiler og "
                                    "it-udstyr. Erfaringerne skal bruges i de næste fælles udbud, "
                                    "og der holdes et seminar for indkøbere i november.",
                                ],
                                [
                                    "5. Energirenovering af boliger",
                                    "Kampagnen over for ejere af parcelhuse fortsætter i 2025, og "
                                    "der er søgt om midler fra den statslige pulje til energi"
                                    "rådgivning.",
                                ],
                                [
                                    "Vedlagte bilag:",
                                    "Statusrapport for de fælles klimaprojekter 2024",
                                    "Kortlægning af ladeinfrastruktur i kommunerne (link)",
                                ],
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "KKR Sjælland tog orienteringen til efterretning. Medlemmerne "
                                "opfordrede til, at projekterne samarbejder tæt med forsynings"
                                "selskaberne."
                            ],
                        ),
                    ],
                ),
                Item(
                    "3.3",
                    "Beslutning om fælles udbud af flextrafik og kørsel til genoptræning",
                    "SAG-2024-00417 mkj",
                    "postponed",
                    [
                        (
                            "Baggrund",
                            [
                                "Kommunernes kontrakter om kørsel til genoptræning og flextrafik "
                                "udløber i 2026. Kommunaldirektørkredsen foreslår, at kommunerne "
                                "gennemfører et fælles udbud med Movia som udbyder.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Sjælland godkender, at der forberedes et "
                                "fælles udbud af flextrafik og kørsel til genoptræning."
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "Punktet blev udsat til næste møde, da flere kommuner ønsker at "
                                "behandle sagen i egne udvalg først."
                            ],
                        ),
                    ],
                ),
                Item(
                    "3.4",
                    "Dimensionering af SOSU-uddannelserne og adgang til erhvervs- og "
                    "velfærdsuddannelser i hele regionen",
                    "SAG-2024-00417 lbn",
                    "approved",
                    [
                        (
                            "Baggrund",
                            [
                                "Regeringen, KL og Danske Regioner skal i efteråret aftale en ny "
                                "dimensionering af praktikpladserne på social- og sundheds"
                                "uddannelserne. Søgningen er faldet i hele Region Sjælland i de "
                                "senere år, og frafaldet stiger på SOSU-¦uddannelserne, især i den "
                                "første praktikperiode.",
                                "KKR Sjælland har tidligere peget på, at en god lokal adgang til "
                                "erhvervs- "
                                "¦og velfærdsuddannelser tæt på, hvor de unge bor, er afgørende "
                                "for at sikre arbejdskraft i landdistrikterne.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Sjælland godkender de fælles pejlemærker "
                                "for "
                                "kommunernes input til forhandlingerne om dimensioneringen."
                            ],
                        ),
                        (
                            "Bilag",
                            [
                                [
                                    "Fremskrivning af behovet for social- og sundhedspersonale i "
                                    "Region Sjælland frem mod 2035 (opdateret august 2024)",
                                    "Pejlemærker for dimensioneringen",
                                    "https://www.kl.dk/media/sosu-dimensionering-sjaelland.pdf",
                                ]
                            ],
                        ),
                        ("Beslutning", ["Indstillingen blev tiltrådt."]),
                    ],
                ),
            ],
        ),
        Part(
            4,
            "Udpegninger",
            status="approved",
            sections=[
                (
                    "Beslutning",
                    [
                        "KKR Sjælland gav formandskabet mandat til at udpege et nyt medlem til "
                        "Sundhedssamarbejdsudvalget som afløser for Karen Stougaard (V). Partierne "
                        "har frist til den 1. oktober kl. 12 til at indstille kandidater."
                    ],
                )
            ],
            items=[
                Item(
                    "4.1",
                    "Udpegning til bestyrelsen for Erhvervshus Sjælland",
                    "SAG-2024-00417 mkj",
                    "approved",
                    [
                        (
                            "Baggrund",
                            [
                                "Borgmester Henrik Vestergaard (V) fratræder sin plads i "
                                "bestyrelsen for Erhvervshus Sjælland, da han er udtrådt af "
                                "kommunalbestyrelsen."
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Sjælland udpeger et nyt medlem til "
                                "bestyrelsen for Erhvervshus Sjælland."
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "KKR Sjælland udpegede borgmester Lise Brandt (Ø) som nyt medlem "
                                "af bestyrelsen for Erhvervshus Sjælland."
                            ],
                        ),
                    ],
                )
            ],
        ),
        Part(
            5,
            "Eventuelt",
            status="unknown",
            body=[
                "Formanden oplyste, at næste møde i KKR Sjælland holdes den 5. december 2024 "
                "i Ringsted. Der var ingen øvrige bemærkninger."
            ],
        ),
    ],
)


HOVEDSTADEN = Meeting(
    slug="kkr-hovedstaden-2023-06-14",
    committee="KKR Hovedstaden",
    date="2023-06-14",
    title="Referat KKR Hovedstaden 14. juni 2023",
    text_headers={3, 6},
    front=[
        KKR_FRONT,
        [
            "Anne Friis Lauritsen (A), Ballerup Kommune",
            "Claus Mølgaard (V), Gentofte Kommune",
            "Dorthe Vind (Ø), Københavns Kommune",
            "Emil Søndergaard (C), Rudersdal Kommune",
            "Fatima Ali (F), Albertslund Kommune",
            "Gorm Hedegaard (B), Hørsholm Kommune",
            "Hanne Bruun (A), Hvidovre Kommune, suppleant for Kurt Lassen",
        ],
    ],
    parts=[
        Part(
            1,
            "Godkendelse af referat og dagsorden",
            items=[
                Item(
                    "1.1",
                    "Godkendelse af dagsorden og referat",
                    "SAG-2023-02118 hbj",
                    "approved",
                    [
                        (
                            "Baggrund",
                            [
                                "Referatet af mødet den 26. april 2023 er udsendt til medlemmerne "
                                "og ligger på https://www.kl.dk/kkr/kkr-hovedstaden/referater."
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Hovedstaden godkender dagsordenen og "
                                "referatet af mødet den 26. april 2023."
                            ],
                        ),
                        ("Beslutning", ["Indstillingen blev tiltrådt."]),
                    ],
                    gap_before_decision=3,
                )
            ],
        ),
        Part(
            2,
            "Siden sidst",
            plain=True,
            items=[
                Item(
                    "2.1",
                    "Siden sidst",
                    "SAG-2023-02118 sokr",
                    "noted",
                    [
                        (
                            "Baggrund",
                            [
                                "Under dette punkt orienteres fra Sundhedskoordinationsudvalget, "
                                "Movia, Wonderful Copenhagen og SOSU H, hvor KKR Hovedstaden har "
                                "udpeget medlemmer.",
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "Dorthe Vind (Ø) orienterede fra Sundhedskoordinationsudvalget om "
                                "arbejdet med den nye sundhedsaftale, hvor kommunerne og regionen "
                                "er enige om at prioritere borgere med kroniske sygdomme.",
                                "Emil Søndergaard (C) orienterede om tre nyheder fra skolen SOSU "
                                "H: 1) "
                                "¦Skolen har "
                                "fået flere ansøgere end sidste år; 2) frafaldet på grundforløbet "
                                "er faldet; og 3) skolen åbner et nyt simulationscenter i Hillerød "
                                "efter sommerferien.",
                                "KKR Hovedstaden tog orienteringen til efterretning.",
                            ],
                        ),
                    ],
                )
            ],
        ),
        Part(
            3,
            "Regionalpolitiske sager",
            items=[
                Item(
                    "3.1",
                    "Sundhedsreformen og kommunernes rolle i de nye sundhedsråd og i det "
                    "nære sundhedsvæsen",
                    "SAG-2023-02118 hbj",
                    "discussed",
                    [
                        (
                            "Baggrund",
                            [
                                "Sundhedsstrukturkommissionen har fremlagt sine modeller for et "
                                "nyt sundhedsvæsen, og regeringen ventes at præsentere et udspil "
                                "til en sundhedsreform i efteråret. Flere af modellerne giver "
                                "kommunerne en større rolle i det nære sundhedsvæsen.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Hovedstaden drøfter kommunernes ønsker til "
                                "sundhedsreformen med udgangspunkt i KL's pejlemærker."
                            ],
                        ),
                        (
                            "Sagsfremstilling",
                            [
                                "KL's pejlemærker lægger vægt på, at opgaverne skal ligge tæt på "
                                "borgeren, at der skal følge økonomi med nye opgaver, og at de "
                                "kommende sundhedsråd skal have reel indflydelse på planlægningen "
                                "af det nære sundhedsvæsen.",
                                "I hovedstadsområdet er der særlige udfordringer med mangel på "
                                "praktiserende læger i de vestlige omegnskommuner og med lange "
                                "forløb for borgere, der udskrives fra hospitalerne.",
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "KKR Hovedstaden drøftede sundhedsreformen. Medlemmerne lagde vægt "
                                "på, at der følger økonomi med nye opgaver, og at sundhedsrådene "
                                "får et klart mandat."
                            ],
                        ),
                    ],
                ),
                Item(
                    "3.2",
                    "Movias budget 2024 og forslag om besparelser på buslinjer i "
                    "hovedstadsområdet",
                    "SAG-2023-02118 sokr",
                    "rejected",
                    [
                        (
                            "Baggrund",
                            [
                                "Movia har fremlagt budgetforslag for 2024, som lægger op til "
                                "besparelser på 140 mio. kr. Forslaget indebærer, at 23 buslinjer "
                                "får færre afgange, og at fire linjer i omegnskommunerne "
                                "nedlægges.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Hovedstaden tilslutter sig Movias forslag "
                                "til besparelser på buslinjerne."
                            ],
                        ),
                        (
                            "Sagsfremstilling",
                            [
                                "Passagertallet i den kollektive trafik er endnu ikke tilbage på "
                                "niveauet fra før 2020, og samtidig er udgifterne til energi og "
                                "chauffører steget. Movia vurderer, at besparelserne er "
                                "nødvendige for at holde kommunernes tilskud i ro.",
                                [
                                    "Vedlagte bilag:",
                                    "5.1 (a og b) Bilag til Movias budgetforslag 2024 med takster "
                                    "og "
                                    "besparelser på de enkelte buslinjer",
                                ],
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "KKR Hovedstaden afviste forslaget om at nedlægge de fire "
                                "buslinjer. "
                                "Anne Friis Lauritsen (A) og Dorthe Vind (Ø) påpegede, at linjerne "
                                "er den eneste forbindelse til flere boligområder. Claus Mølgaard "
                                "(V) bad Movia om at se på andre besparelser."
                            ],
                        ),
                    ],
                ),
                Item(
                    "3.3",
                    "Regional udviklingsstrategi: life science, grøn omstilling og kvalificeret "
                    "arbejdskraft",
                    "SAG-2023-02118 hbj",
                    "unknown",
                    [
                        (
                            "Baggrund",
                            [
                                "Region Hovedstaden har sendt et udkast til en ny regional "
                                "udviklingsstrategi i høring. Strategien har tre temaer. Det "
                                "første "
                                "tema handler om life-¦science og sundhedsinnovation, de to andre "
                                "om "
                                "grøn omstilling og adgang til kvalificeret arbejdskraft.",
                                "Udkastet kan læses på https://www.regionh.dk/udvikling/"
                                "strategi-2024-2027 og høringsfristen er den 15. august 2023.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Hovedstaden giver input til kommunernes "
                                "fælles høringssvar."
                            ],
                        ),
                        (
                            "Sagsfremstilling",
                            [
                                "KKR-sekretariatet udarbejder et udkast til høringssvar, som "
                                "sendes "
                                "til kommunaldirektørerne inden sommerferien.",
                            ],
                        ),
                    ],
                ),
                Item(
                    "3.4",
                    "Rekruttering til velfærdsområderne: fælles indsats for flere pædagoger, "
                    "sygeplejersker og social- og sundhedsassistenter",
                    "SAG-2023-02118 sokr",
                    "approved",
                    [
                        (
                            "Baggrund",
                            [
                                "Kommunerne i hovedstadsområdet mangler medarbejdere på alle de "
                                "store velfærdsområder. Frem mod 2030 ventes behovet for social- "
                                "og "
                                "sundheds~assi~stenter at stige med 18 pct.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Hovedstaden igangsætter en fælles "
                                "rekrutteringskampagne og et netværk for praktikvejledere."
                            ],
                        ),
                        (
                            "Bilag",
                            [
                                [
                                    "Forslag til fælles rekrutteringskampagne 2023-2024",
                                    "Analyse af arbejdskraftbehovet på velfærdsområderne i "
                                    "hovedstadsområdet",
                                ]
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "KKR Hovedstaden besluttede at igangsætte kampagnen og netværket. "
                                "Kommunerne finansierer indsatsen efter indbyggertal."
                            ],
                        ),
                    ],
                ),
                Item(
                    "3.5",
                    "Praksisplan for almen praksis – høringssvar",
                    "SAG-2023-02118 hbj",
                    "approved",
                    [
                        (
                            "Baggrund",
                            [
                                "Praksisplanudvalget har sendt forslag til ny praksisplan for "
                                "almen praksis i høring. Planen beskriver, hvordan lægedækningen "
                                "skal sikres i områder med få praktiserende læger.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Det indstilles, at KKR Hovedstaden godkender udkastet til "
                                "kommunernes fælles høringssvar."
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "Indstillingen blev tiltrådt med de bemærkninger, der kom frem på "
                                "mødet."
                            ],
                        ),
                    ],
                ),
            ],
        ),
        Part(4, "KKR"),
        Part(
            5,
            "Eventuelt",
            status="unknown",
            body=[
                "Gorm Hedegaard (B) orienterede om, at Hørsholm Kommune holder konference om "
                "klimatilpasning langs Øresundskysten den 7. september 2023."
            ],
        ),
    ],
)


OKONOMIUDVALGET = Meeting(
    slug="okonomiudvalget-2022-01-25",
    committee="Økonomiudvalget",
    date="2022-01-25",
    title="Referat Økonomiudvalget 25. januar 2022",
    text_headers={5},
    front=[
        [
            "Mødested",
            "Rådhuset, mødelokale 1",
            "Tirsdag den 25. januar 2022 kl. 16.00-18.30",
            "",
            "Medlemmer",
            "Anne Kirkegaard (A), formand",
            "Peter Juul (V), næstformand",
            "Sara Lind (Ø)",
            "Bent Møller (C)",
            "Jonas Riis (A)",
            "Maria Holst (F)",
            "Kasper Bang (O)",
            "",
            "Afbud",
            "Kasper Bang (O), stedfortræder Lene Frost (O)",
        ]
    ],
    parts=[
        Part(
            1,
            "Godkendelse af dagsorden",
            items=[
                Item(
                    "1.1",
                    "Godkendelse af dagsorden",
                    "SAG-2022-00093 anbr",
                    "approved",
                    [
                        ("Indstilling", ["Direktionen indstiller, at dagsordenen godkendes."]),
                        ("Beslutning", ["Økonomiudvalget godkendte dagsordenen."]),
                    ],
                    gap_before_decision=3,
                )
            ],
        ),
        Part(
            2,
            "Sager til beslutning",
            items=[
                Item(
                    "2.1",
                    "Budget 2023-2026: tidsplan og principper for budgetlægningen",
                    "SAG-2022-00101 anbr",
                    "approved",
                    [
                        (
                            "Baggrund",
                            [
                                "Økonomiudvalget skal hvert år i januar fastlægge tidsplanen og "
                                "principperne for det kommende budget. Budgetlægningen for "
                                "2023-2026 sker i en situation med stigende udgifter til det "
                                "specialiserede socialområde og et anlægsloft, der er lavere end "
                                "kommunens ønsker.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Direktionen indstiller, at",
                                [
                                    "1. tidsplanen for budget 2023-2026 godkendes",
                                    "2. fagudvalgene får udmeldt rammer svarende til budget 2022 "
                                    "fremskrevet med KL's pris- og lønskøn",
                                    "3. der afsættes en pulje på 5 mio. kr. til klimatiltag og "
                                    "energibesparelser i kommunens bygninger.",
                                ],
                            ],
                        ),
                        (
                            "Sagsfremstilling",
                            [
                                "Tidsplanen følger den plan, der blev brugt sidste år. "
                                "Fagudvalgene "
                                "behandler deres budgetforslag i maj, og kommunalbestyrelsen "
                                "holder "
                                "budgetseminar den 23. og 24. august. Første behandling af "
                                "budgettet "
                                "er den 14. september og anden behandling den 12. oktober 2022.",
                                "Puljen til klimatiltag skal finansiere de første projekter i "
                                "kommunens klimaplan, herunder udskiftning af oliefyr og LED-belys"
                                "ning i skolerne.",
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "Indstillingen blev tiltrådt. Sara Lind (Ø) ønskede puljen til "
                                "klimatiltag forhøjet til 10 mio. kr."
                            ],
                        ),
                    ],
                ),
                Item(
                    "2.2",
                    "Anlægsbevilling til klimatilpasning ved Vestre Å og renovering af "
                    "regnvandsbassiner i Nørreby",
                    "SAG-2022-00118 jeso",
                    "rejected",
                    [
                        (
                            "Baggrund",
                            [
                                "Skybruddet i august 2021 oversvømmede 40 boliger langs Vestre Å. "
                                "Forvaltningen har udarbejdet et projekt, der skal hæve digerne og "
                                "udvide tre regnvandsbassiner i Nørreby.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Direktionen indstiller, at der gives en anlægsbevilling på 18,5 "
                                "mio. kr. til projektet, finansieret af kassebeholdningen."
                            ],
                        ),
                        (
                            "Sagsfremstilling",
                            [
                                "Projektet er forberedt sammen med forsyningsselskabet, som "
                                "betaler "
                                "udvidelsen af bassinerne. Kommunens andel dækker digerne og "
                                "stierne langs åen. Arbejdet kan begynde i september 2022 og "
                                "afsluttes inden udgangen af 2023.",
                            ],
                        ),
                        ("Bilag", [["Projektbeskrivelse og økonomioversigt for klimatilpasning"]]),
                        (
                            "Beslutning",
                            [
                                "Indstillingen blev ikke tiltrådt. Et flertal bestående af (V), "
                                "(C) "
                                "og (O) ønsker projektet finansieret via budget 2023. Mindretallet "
                                "(A), (Ø) og (F) stemte for indstillingen."
                            ],
                        ),
                    ],
                ),
                Item(
                    "2.3",
                    "Beslutning om salg af den tidligere skole på Kirkevej 12",
                    "SAG-2022-00124 anbr",
                    "postponed",
                    [
                        (
                            "Baggrund",
                            [
                                "Den tidligere skole på Kirkevej 12 har stået tom siden 2019. To "
                                "købere har budt på ejendommen, den ene med henblik på boliger og "
                                "den anden med henblik på et privat plejehjem.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Direktionen indstiller, at ejendommen sælges til højestbydende."
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "Punktet blev udsat, så forvaltningen kan undersøge, om lokal"
                                "området kan bruge en del af bygningen."
                            ],
                        ),
                    ],
                ),
                Item(
                    "2.4",
                    "Høring om forslag til ny trafikplan for den kollektive trafik",
                    "SAG-2022-00131 jeso",
                    "discussed",
                    [
                        (
                            "Baggrund",
                            [
                                "Trafikselskabet har sendt forslag til trafikplan i høring. Planen "
                                "lægger op til, at to lokale buslinjer erstattes af flextur, og at "
                                "skolebussen i Nørreby køres af en regional linje.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Direktionen indstiller, at Økonomiudvalget giver input til "
                                "kommunens høringssvar."
                            ],
                        ),
                        (
                            "Beslutning",
                            [
                                "Økonomiudvalget gav input til høringssvaret og lagde vægt på, at "
                                "skoleeleverne fortsat skal have en direkte forbindelse."
                            ],
                        ),
                    ],
                ),
            ],
        ),
        Part(
            3,
            "Sager til orientering",
            items=[
                Item(
                    "3.1",
                    "Kvartalsrapport for 4. kvartal 2021",
                    "SAG-2022-00087 mhan",
                    "noted",
                    [
                        (
                            "Baggrund",
                            [
                                "Kvartalsrapporten viser et forventet mindreforbrug på 12,3 mio. "
                                "kr. "
                                "på driften, primært på dagtilbud og administration, og et "
                                "merforbrug på det specialiserede socialområde.",
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Direktionen indstiller, at orienteringen tages til efterretning."
                            ],
                        ),
                        ("Beslutning", ["Orienteringen blev taget til efterretning."]),
                    ],
                ),
                Item(
                    "3.2",
                    "Status på kommunens klimaplan (DK2020)",
                    "SAG-2022-00090 mhan",
                    "noted",
                    [
                        (
                            "Baggrund",
                            [
                                "Kommunens klimaplan blev godkendt af CONCITO i december 2021. "
                                "Planen indeholder 34 tiltag, som skal nedbringe udledningen med "
                                "70 pct. i 2030. Status for de første tiltag fremgår af bilaget.",
                            ],
                        ),
                        ("Bilag", [["Status for klimaplanens tiltag januar 2022"]]),
                        (
                            "Beslutning",
                            [
                                "Økonomiudvalget tog orienteringen til efterretning."
                            ],
                        ),
                    ],
                ),
            ],
        ),
        Part(
            4,
            "Eventuelt",
            status="unknown",
            body=[
                "Peter Juul (V) spurgte til vintervedligeholdelsen af cykelstierne. "
                "Forvaltningen svarer skriftligt inden næste møde."
            ],
        ),
    ],
)

MEETINGS = [SJAELLAND, HOVEDSTADEN, OKONOMIUDVALGET]


# -- output -----------------------------------------------------------------------------


def item_pages(pages: list[list[Row]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for number, rows in enumerate(pages, 1):
        for row in rows:
            if row.item and row.style != "blank":
                found.setdefault(row.item, [])
                if number not in found[row.item]:
                    found[row.item].append(number)
    return found


def describe(meeting: Meeting, pages: list[list[Row]]) -> str:
    where = item_pages(pages)
    out = [f"{meeting.slug}: {meeting.committee} {meeting.date}, {len(pages)} pages"]
    for part in meeting.parts:
        pp = where.get(str(part.number), [])
        extra = f" status={part.status}" if part.status else ""
        out.append(f"  part {part.number}. {part.title}  pages {pp}{extra}")
        for item in part.items:
            out.append(
                f"    {item.number:5} {item.case:20} {item.status:10} pages {where[item.number]}  "
                f"{item.title}"
            )
    return "\n".join(out)


def build(meeting: Meeting, warn) -> tuple[bytes, str, list[list[Row]]]:
    pages = layout(meeting, warn)
    buffer = io.BytesIO()
    render_pdf(meeting, pages, buffer)
    return buffer.getvalue(), render_text(meeting, pages), pages


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print the items of every meeting")
    args = ap.parse_args(argv)
    warnings = []
    SAMPLES.mkdir(parents=True, exist_ok=True)
    TEXT_FIXTURES.mkdir(parents=True, exist_ok=True)
    for meeting in MEETINGS:
        pdf, text, pages = build(
            meeting, lambda msg, m=meeting: warnings.append(f"{m.slug}: {msg}")
        )
        (SAMPLES / f"{meeting.slug}-referat.pdf").write_bytes(pdf)
        (TEXT_FIXTURES / f"{meeting.slug}.txt").write_text(text, encoding="utf-8")
        print(f"{meeting.slug}: {len(pages)} pages, {len(pdf)} bytes")
        if args.list:
            print(describe(meeting, pages))
    for msg in warnings:
        print(f"warning: {msg}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
