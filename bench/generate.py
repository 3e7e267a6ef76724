"""Reproducible synthetic corpora for the benchmark, built from the real minutes.

The vocabulary and its statistics come from ``../shared/corpus``: both PDFs are parsed
with the project's own ingestion (``searchapp.ingest.ingest_file``) and their sections'
paragraphs are cut into sentences, their titles and attachment names kept. A generated
agenda item is made of those sentences, drawn with Zipf weights (a random rank per
sentence, fixed by the seed), so some sentences are in most items and others in a few
per thousand, as words are in real minutes. Each item also names one to three places
from a generated list of a few thousand Danish-looking place names (also Zipf): those
give the truly rare words (a handful of items each) that a 266-paragraph corpus lacks.

Items are grouped into meetings (6-20 items each) of the five KKR committees and 20
other committees, dated 2007-2026, with all six decision statuses; the text averages
about 7 KB an item. Same seed, same corpus -> the same items, byte for byte.

Also here:
- ``write_pdf_corpus``: N meetings as PDFs (reportlab) laid out like the real minutes
  (running header "Committee | DD-MM-YYYY", parts in 14 pt bold, items "1.2. Title"
  followed by the case number, section headings, wrapped body text), for the pages/s
  extraction benchmark through the project's reindex;
- ``write_small_files``: a folder of small plain-text minutes (the text-extraction
  format the project reads) for the no-change incremental reindex benchmark.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from searchapp.models import AgendaItem

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpus"

KKR_COMMITTEES = (
    "KKR Hovedstaden", "KKR Sjælland", "KKR Syddanmark", "KKR Midtjylland", "KKR Nordjylland",
)  # fmt: skip
OTHER_COMMITTEES = (
    "Økonomiudvalget", "Børne- og Ungeudvalget", "Teknik- og Miljøudvalget",
    "Social- og Sundhedsudvalget", "Kultur- og Fritidsudvalget", "Beskæftigelsesudvalget",
    "Ældre- og Omsorgsudvalget", "Klima- og Miljøudvalget", "Plan- og Boligudvalget",
    "Erhvervs- og Turismeudvalget", "Skoleudvalget", "Sundheds- og Forebyggelsesudvalget",
    "Integrationsudvalget", "Handicaprådet", "Byrådet", "Kommunalbestyrelsen",
    "Teknisk Udvalg", "Børne- og Skoleudvalget", "Socialudvalget", "Fritids- og Idrætsudvalget",
)  # fmt: skip
COMMITTEES = KKR_COMMITTEES + OTHER_COMMITTEES
# KKR committees meet less often than a municipality's standing committees, but the
# corpus is KKR minutes: give them a third of the meetings.
_COMMITTEE_WEIGHTS = [0.066] * len(KKR_COMMITTEES) + [0.0335] * len(OTHER_COMMITTEES)

# Roughly what real minutes show: most items approved or noted.
_STATUS_WEIGHTS = {"approved": 0.36, "noted": 0.30, "discussed": 0.19, "postponed": 0.05,
                   "rejected": 0.03, "unknown": 0.07}  # fmt: skip
# Phrases the project's parser reads the status from (see parse.py); "unknown" has none.
_DECISION_LEADS = {
    "approved": ["Indstillingen blev godkendt.", "{c} godkendte indstillingen.",
                 "Tiltrådt.", "{c} besluttede at følge indstillingen."],
    "noted": ["Orienteringen blev taget til efterretning.",
              "{c} tog orienteringen til efterretning."],
    "discussed": ["Sagen blev drøftet.", "{c} drøftede sagen og gav input til det videre arbejde."],
    "postponed": ["Sagen blev udsat til næste møde.", "Udsat."],
    "rejected": ["Indstillingen blev ikke tiltrådt.", "{c} afviste forslaget."],
    "unknown": [""],
}  # fmt: skip

# The statuses generated items have (the model has more: recommended, referred).
GENERATED_STATUSES = tuple(_STATUS_WEIGHTS)

PARTS = ("1. Godkendelse af dagsorden", "2. Sager til beslutning", "3. Regionalpolitiske sager",
         "4. Sager til drøftelse", "5. Orienteringssager", "6. Eventuelt")  # fmt: skip

_PLACE_HEADS = ("Nør", "Vester", "Øster", "Sønder", "Lille", "Store", "Ny", "Gammel", "Hvid",
                "Rød", "Grøn", "Høj", "Lang", "Bred", "Skov", "Sø", "Strand", "Bakke", "Mølle",
                "Kirke", "Egebjerg", "Ros", "Hel", "Tor", "Frede", "Hol", "Ran", "Vi", "Ka",
                "Sla", "Næst", "Hammer", "Lyng", "Bir", "Fal", "Odd", "Sæby", "Brøn",
                "Hjør", "Thi")  # fmt: skip
_PLACE_MIDS = ("", "by", "ring", "ke", "ge", "ste", "bro", "lev", "dal", "mark", "lunde",
               "rød", "høj", "kær", "næs", "bjerg", "ø", "vad", "holm", "by")  # fmt: skip
_PLACE_TAILS = ("by", "lund", "holm", "bjerg", "skov", "strup", "rup", "sted", "høj", "vang",
                "lev", "løse", "købing", "borg", "toft", "gård", "hede", "sø", "bæk",
                "vig")  # fmt: skip

TARGET_CHARS = 7000  # average text of an item, in characters (UTF-8: a little more bytes)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9–-])")


class CorpusMissing(SystemExit):
    """The real minutes are needed for the vocabulary: say where they were looked for."""

    def __init__(self, path: Path):
        super().__init__(
            f"bench: the corpus of real minutes is missing: no PDFs in {path}/pdf "
            f"(expected ../shared/corpus beside the project, or give --corpus DIR). "
            "The generator takes its vocabulary from them."
        )


@dataclass
class Vocabulary:
    """What the generator draws from: sentences, titles, attachment names, places."""

    sentences: list[str]
    titles: list[str]
    attachments: list[str]
    places: list[str]
    source_files: list[str]

    @property
    def chars(self) -> int:
        return sum(len(s) for s in self.sentences)


def load_vocabulary(corpus: Path | str = DEFAULT_CORPUS) -> Vocabulary:
    """Parse the corpus PDFs with the project's ingestion and keep their text."""
    from searchapp.ingest import ingest_file

    corpus = Path(corpus)
    pdfs = sorted((corpus / "pdf").glob("*.pdf")) if (corpus / "pdf").is_dir() else []
    if not pdfs:
        pdfs = sorted(corpus.glob("*.pdf")) if corpus.is_dir() else []
    if not pdfs:
        raise CorpusMissing(corpus)
    sentences: dict[str, None] = {}
    titles: dict[str, None] = {}
    attachments: dict[str, None] = {}
    for pdf in pdfs:
        for item in ingest_file(pdf):
            if item.title and len(item.title) > 6:
                titles.setdefault(item.title.strip(), None)
            for name in item.attachments:
                if len(name) > 6:
                    attachments.setdefault(name.strip(), None)
            for section in (item.background, item.recommendation, item.presentation,
                            item.decision):  # fmt: skip
                for paragraph in section.split("\n\n"):
                    paragraph = " ".join(paragraph.split())
                    for sentence in _SENTENCE_END.split(paragraph):
                        if len(sentence) >= 25 and " " in sentence:
                            sentences.setdefault(sentence, None)
    rng = random.Random(20070101)  # the place names do not depend on the corpus seed
    places: dict[str, None] = {}
    for head, mid, tail in itertools.product(_PLACE_HEADS, _PLACE_MIDS, _PLACE_TAILS):
        if rng.random() < 0.25:
            places.setdefault(f"{head}{mid}{tail}".capitalize(), None)
    return Vocabulary(
        sentences=list(sentences),
        titles=list(titles),
        attachments=list(attachments),
        places=list(places),
        source_files=[str(p) for p in pdfs],
    )


class _Zipf:
    """Draws from a list with Zipf weights (exponent s) over a seeded random order."""

    def __init__(self, values: list, rng: random.Random, s: float = 1.0):
        self.values = list(values)
        rng.shuffle(self.values)
        cumulative, total = [], 0.0
        for rank in range(1, len(self.values) + 1):
            total += 1.0 / rank**s
            cumulative.append(total)
        self.cumulative, self.total = cumulative, total

    def draw(self, rng: random.Random):
        i = bisect.bisect_left(self.cumulative, rng.random() * self.total)
        return self.values[min(i, len(self.values) - 1)]


def _slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class ItemGenerator:
    """Agenda items, meeting by meeting, reproducible from (vocabulary, seed)."""

    def __init__(self, vocab: Vocabulary, seed: int = 1):
        self.vocab = vocab
        self.seed = seed
        rng = random.Random(seed)
        self.sentences = _Zipf(vocab.sentences, rng, s=0.9)
        self.titles = _Zipf(vocab.titles, rng, s=0.6)
        self.attachments = _Zipf(vocab.attachments or vocab.titles, rng, s=0.6)
        self.places = _Zipf(vocab.places, rng, s=1.05)
        self.mean_sentence = max(1, vocab.chars // max(1, len(vocab.sentences)))

    def _paragraphs(self, rng: random.Random, chars: int, place: str) -> list[str]:
        out, size = [], 0
        while size < chars:
            n = rng.randint(1, 4)
            sentences = [self.sentences.draw(rng) for _ in range(n)]
            if rng.random() < 0.25:
                sentences.insert(rng.randrange(len(sentences) + 1),
                                 f"Sagen vedrører {place} og omegn.")  # fmt: skip
            paragraph = " ".join(sentences)
            out.append(paragraph)
            size += len(paragraph) + 2
        return out

    def _item(self, rng, committee: str, day: date, part: str, number: str, case_no: int):
        places = [self.places.draw(rng) for _ in range(rng.randint(1, 3))]
        title = self.titles.draw(rng)
        if rng.random() < 0.3:
            title = f"{title} – {places[0]}"
        # Lengths: lognormal around TARGET_CHARS (a few short items, some long ones).
        total = min(60_000, max(600, int(rng.lognormvariate(0, 0.55) * TARGET_CHARS * 0.86)))
        status = rng.choices(list(_STATUS_WEIGHTS), weights=list(_STATUS_WEIGHTS.values()))[0]
        background = "\n\n".join(self._paragraphs(rng, int(total * 0.25), places[0]))
        recommendation = f"Det indstilles, at {committee} " + rng.choice(
            ["godkender indstillingen.", "tager orienteringen til efterretning.",
             "drøfter sagen.", "beslutter at gå videre med forslaget."]
        )  # fmt: skip
        presentation = "\n\n".join(self._paragraphs(rng, int(total * 0.6), places[-1]))
        attachments = [self.attachments.draw(rng) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
        lead = rng.choice(_DECISION_LEADS[status]).format(c=committee)
        decision_body = self._paragraphs(rng, int(total * 0.1), places[0])[:2]
        decision = "\n\n".join(([lead] if lead else []) + decision_body)
        sections = [title, "Baggrund", background, "Indstilling", recommendation,
                    "Sagsfremstilling", presentation]  # fmt: skip
        if attachments:
            sections += ["Bilag", "\n".join(attachments)]
        sections += ["Beslutning", decision]
        iso = day.isoformat()
        slug = _slug(committee)
        return AgendaItem(
            id=f"{slug}-{iso}-{number}",
            committee=committee,
            meeting_date=iso,
            number=number,
            title=title,
            part=part,
            case_number=f"SAG-{day.year}-{case_no:05d}",
            case_handler=rng.choice(["jjc", "ssan", "nihj", "gitb", "mlk", "aeh"]),
            background=background,
            recommendation=recommendation,
            presentation=presentation,
            attachments=attachments,
            decision=decision,
            text="\n\n".join(sections),
            status=status,
            source=f"/generated/{slug}/{slug}-{iso}-referat.pdf",
            pages=[1 + int(number.split(".")[0])],
            urls=[],
        )

    def items(self, count: int) -> Iterator[AgendaItem]:
        """`count` items, meeting by meeting; the same for the same seed."""
        rng = random.Random(self.seed * 1_000_003 + 7)
        first, span = date(2007, 1, 1).toordinal(), date(2026, 12, 31).toordinal()
        used: set[tuple[str, int]] = set()
        made = 0
        while made < count:
            committee = rng.choices(COMMITTEES, weights=_COMMITTEE_WEIGHTS)[0]
            ordinal = rng.randint(first, span)
            while (committee, ordinal) in used:
                ordinal = ordinal + 1 if ordinal < span else first
            used.add((committee, ordinal))
            day = date.fromordinal(ordinal)
            n_items = min(rng.randint(6, 20), count - made)
            case_base = rng.randint(100, 90_000)
            parts = sorted(rng.sample(range(1, len(PARTS)), k=min(3, len(PARTS) - 1)))
            for k in range(n_items):
                p = parts[min(k * len(parts) // n_items, len(parts) - 1)]
                number = f"{p + 1}.{k + 1}"
                yield self._item(rng, committee, day, PARTS[p], number, case_base + k)
                made += 1


def generate_items(count: int, seed: int = 1, corpus: Path | str = DEFAULT_CORPUS):
    return ItemGenerator(load_vocabulary(corpus), seed).items(count)


def write_items(path: Path, count: int, seed: int = 1, corpus: Path | str = DEFAULT_CORPUS):
    """Items as JSON lines (AgendaItem.to_dict()); returns (items, text characters)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chars = n = 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for item in generate_items(count, seed, corpus):
            n += 1
            chars += len(item.text)
            f.write(json.dumps(item.to_dict(), ensure_ascii=False))
            f.write("\n")
    tmp.replace(path)
    return n, chars


def read_items(path: Path, limit: int | None = None) -> Iterator[AgendaItem]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit:
                return
            yield AgendaItem.from_dict(json.loads(line))


# --- PDFs for the extraction benchmark ---------------------------------------------------


def _pdf_meeting(path: Path, committee: str, day: date, items: list[AgendaItem]) -> int:
    """One meeting as a PDF laid out like the real minutes; returns its page count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    header = f"{committee} | {day.strftime('%d-%m-%Y')}"
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle(f"Referat {committee} {day.isoformat()}")
    page = 0
    bottom = 70

    def new_page() -> float:
        nonlocal page
        if page:
            c.showPage()
        page += 1
        c.setFont("Helvetica", 9)
        c.drawString(50, height - 40, header)
        c.drawRightString(width - 50, height - 40, f"SIDE | {page}")
        return height - 90

    def need(y: float, space: float) -> float:
        return new_page() if y - space < bottom else y

    y = new_page()
    current_part = None
    for item in items:
        if item.part != current_part:
            current_part = item.part
            y = new_page() if y < height - 100 else y  # a part starts a page
            c.setFont("Helvetica-Bold", 14)
            c.drawString(50, y, current_part)
            y -= 30
        y = need(y, 80)
        c.setFont("Helvetica-Bold", 11)
        c.drawString(50, y, f"{item.number}. {item.title}"[:95])
        c.setFont("Helvetica", 10)
        c.drawString(50, y - 15, f"{item.case_number} {item.case_handler}")
        y -= 38
        for heading, body in (("Baggrund", item.background), ("Indstilling", item.recommendation),
                              ("Sagsfremstilling", item.presentation),
                              ("Bilag", "\n\n".join(item.attachments)),
                              ("Beslutning", item.decision)):  # fmt: skip
            if not body:
                continue
            y = need(y, 40)
            c.setFont("Helvetica-Bold", 10)
            c.drawString(50, y, heading)
            y -= 16
            c.setFont("Helvetica", 10)
            for paragraph in body.split("\n\n"):
                for line in textwrap.wrap(paragraph, 92) or [""]:
                    y = need(y, 13)
                    c.drawString(50, y, line)
                    y -= 13
                y -= 8
            y -= 6
    c.showPage()
    c.save()
    return page


def write_pdf_corpus(folder: Path, meetings: int, seed: int = 2, corpus=DEFAULT_CORPUS,
                     items_per_meeting: tuple[int, int] = (4, 7),
                     chars_per_item: int = 3000) -> dict:  # fmt: skip
    """`meetings` PDFs of generated minutes in `folder`; returns pages, items, files.
    Items are shortened to about `chars_per_item` so that a meeting is ~6-10 pages,
    as the real ones are."""
    folder.mkdir(parents=True, exist_ok=True)
    gen = ItemGenerator(load_vocabulary(corpus), seed)
    rng = random.Random(seed)
    stream = gen.items(10**9)
    pages = items = 0
    for m in range(meetings):
        n = rng.randint(*items_per_meeting)
        batch = [next(stream) for _ in range(n)]
        committee = COMMITTEES[m % len(COMMITTEES)]
        day = date(2007, 1, 15) + timedelta(days=37 * m)
        for k, item in enumerate(batch):
            item.committee = committee
            item.number = f"{2 + k // 3}.{k + 1}"
            item.part = PARTS[1 + k // 3]
            item.title = item.title[:80]
            for name in ("background", "presentation"):
                value = getattr(item, name)
                limit = chars_per_item // 3 if name == "background" else chars_per_item // 2
                setattr(item, name, value[: value.rfind(".", 0, limit) + 1] or value[:limit])
            item.decision = item.decision[:600]
        path = folder / f"{_slug(committee)}-{day.isoformat()}-referat.pdf"
        pages += _pdf_meeting(path, committee, day, batch)
        items += len(batch)
    return {"files": meetings, "pages": pages, "items": items}


# --- Small files for the no-change reindex benchmark -------------------------------------


def _txt_meeting(committee: str, day: date, items: list[tuple[str, str, str, str]]) -> str:
    """Minutes in the plain-text extraction format the project reads: every printed
    line followed by an empty line; a page starts with a line beginning with a space."""
    header = f"{committee}  | {day.strftime('%d-%m-%Y')} "
    lines = [header, " SIDE  |  1 ", "1. Sager til beslutning ", " "]
    for n, (title, case, body, decision) in enumerate(items, 1):
        lines += [f"1.{n}. {title} ", f"{case} abc ", " ", "Sagsfremstilling "]
        lines += [w + " " for w in textwrap.wrap(body, 80)]
        lines += [" ", "Beslutning ", decision + " ", " "]
    return "\n\n".join(lines) + "\n"


def write_small_files(folder: Path, files: int = 1000, seed: int = 3, corpus=DEFAULT_CORPUS):
    """`files` small minutes (.txt, 2-3 items, ~1 KB each) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    vocab = load_vocabulary(corpus)
    rng = random.Random(seed)
    for m in range(files):
        committee = COMMITTEES[m % len(COMMITTEES)]
        day = date(2007, 1, 1) + timedelta(days=m // len(COMMITTEES) * 7 + m % 7)
        items = []
        for n in range(rng.randint(2, 3)):
            title = rng.choice(vocab.titles)[:70]
            body = " ".join(rng.choice(vocab.sentences) for _ in range(2))
            status = rng.choice(GENERATED_STATUSES)
            decision = _DECISION_LEADS[status][0].format(c=committee) or "Intet at bemærke."
            items.append((title, f"SAG-{day.year}-{m * 4 + n:05d}", body, decision))
        name = f"{_slug(committee)}-{day.isoformat()}.txt"
        (folder / name).write_text(_txt_meeting(committee, day, items), encoding="utf-8")
    return {"files": files}
