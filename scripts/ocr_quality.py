"""How well scanned minutes come out: the project's own sample minutes, printed and
scanned, read back by OCR.

Each sample PDF (samples/, made by make_samples.py and make_layout_samples.py) is
rendered to images as a scanner would give them: slightly turned (up to 1 degree),
blurred, speckled and JPEG-compressed, at 150 and 300 dpi; the images become an
image-only PDF (no text layer), which `searchapp.extract` reads by OCR. Measured against
the original's text layer and items:

- word accuracy: the share of the original's words that OCR read exactly, in order
  (difflib's longest matching runs over the word sequences; punctuation kept);
- items: how many of the original's items come out, with the same number and the
  same title word for word.

    python scripts/ocr_quality.py                  # every sample at 150 and 300 dpi
    python scripts/ocr_quality.py --dpi 150 --out docs/ocr-quality.md
    python scripts/ocr_quality.py --fixture        # writes tests/fixtures/scans/

The scans are generated with a fixed seed: the same run gives the same images.
"""

from __future__ import annotations

import argparse
import difflib
import io
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchapp import ocr  # noqa: E402
from searchapp.extract import extract  # noqa: E402
from searchapp.ingest import read_file  # noqa: E402

SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "scans"
FIXTURE_SAMPLE = "sydby-teknik-og-miljoeudvalget-2025-06-20.pdf"
FIXTURE_DPI = 150


def scan_page(image, dpi: int, rng: random.Random):
    """One printed page as a cheap office scanner returns it: a grey cast, turned up
    to a degree, a little blur, dust specks (black) and drop-outs (white)."""
    from PIL import Image, ImageDraw, ImageFilter

    page = image.convert("L")
    page = page.point(lambda v: 235 if v > 235 else v)  # paper is never white
    angle = rng.uniform(-1.0, 1.0)
    page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=235)
    page = page.filter(ImageFilter.GaussianBlur(radius=0.35 * dpi / 150))
    draw = ImageDraw.Draw(page)
    width, height = page.size
    specks = int(width * height / 4000 * (150 / dpi) ** 2)  # the same dust per cm² at any dpi
    for _ in range(specks):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.choice((0, 0, 1)) * dpi // 150
        fill = 40 if rng.random() < 0.7 else 250
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
    return page


def scan_pdf(source: Path, target: Path, dpi: int, seed: int = 1) -> int:
    """An image-only PDF of `source` as scanned at `dpi`; returns the page count."""
    import pypdfium2
    from PIL import Image

    rng = random.Random(f"{source.name}-{dpi}-{seed}")
    pdf = pypdfium2.PdfDocument(source)
    pages = []
    for index in range(len(pdf)):
        image = pdf[index].render(scale=dpi / 72, grayscale=True).to_pil()
        scanned = scan_page(image, dpi, rng)
        buffer = io.BytesIO()
        scanned.save(buffer, "JPEG", quality=70)  # as scanners store pages
        pages.append(Image.open(io.BytesIO(buffer.getvalue())))
    pdf.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return len(pages)


def words(path: Path) -> list[str]:
    return [w for line in extract(path) for w in line.text.split()]


def word_accuracy(reference: list[str], read: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, reference, read, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / len(reference) if reference else 1.0


def items_of(path: Path) -> list[tuple[str, str]]:
    try:
        meetings = read_file(path)
    except Exception as exc:  # noqa: BLE001 - a scan that gives no items scores 0
        print(f"  {path.name}: {exc}", file=sys.stderr)
        return []
    return [(item.number, item.title) for m in meetings for item in m.items]


def measure(source: Path, dpi: int, folder: Path) -> dict:
    target = folder / str(dpi) / source.name  # the same name: the same fallbacks
    pages = scan_pdf(source, target, dpi)
    with ocr.using(ocr.OcrSettings(dpi=dpi, cache=folder / "cache")) as stats:
        started = time.monotonic()
        read = words(target)
        found = items_of(target)  # read again, from the OCR cache
        seconds = time.monotonic() - started
    expected = items_of(source)
    numbers = {n for n, _ in found}
    return {
        "sample": source.name,
        "dpi": dpi,
        "pages": pages,
        "seconds": seconds,
        "ocr_seconds": stats.seconds,
        "ocr_pages": stats.pages,
        "accuracy": word_accuracy(words(source), read),
        "items": len(expected),
        "items_found": sum(1 for n, _ in expected if n in numbers),
        "titles_exact": sum(1 for pair in expected if pair in set(found)),
        "missed": [pair for pair in expected if pair not in set(found)],
    }


def report(rows: list[dict]) -> str:
    import datetime

    import pytesseract

    out = [
        f"# OCR quality on the sample minutes ({datetime.date.today()}, Tesseract "
        f"{pytesseract.get_tesseract_version()}, language dan)",
        "",
        "The samples scanned with noise (turned up to 1 degree, blurred, speckled, JPEG) "
        "into image-only PDFs and read back by `searchapp.extract` (OCR) and the minutes "
        "readers; `python scripts/ocr_quality.py --out docs/ocr-quality.md`. Word accuracy: "
        "the share of the original's words read exactly, in order. OCR s/page on the "
        "shared 2-core machine, one process.",
        "",
        "| sample | dpi | pages | word accuracy | items found | titles exact | OCR s/page |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['sample']} | {r['dpi']} | {r['pages']} | {r['accuracy']:.3f} | "
            f"{r['items_found']}/{r['items']} | {r['titles_exact']}/{r['items']} | "
            f"{r['ocr_seconds'] / max(r['ocr_pages'], 1):.2f} |"
        )
    for dpi in sorted({r["dpi"] for r in rows}):
        at = [r for r in rows if r["dpi"] == dpi]
        pages = sum(r["ocr_pages"] for r in at)
        seconds = sum(r["ocr_seconds"] for r in at)
        found = sum(r["items_found"] for r in at)
        exact = sum(r["titles_exact"] for r in at)
        total = sum(r["items"] for r in at)
        mean = sum(r["accuracy"] * r["pages"] for r in at) / sum(r["pages"] for r in at)
        out.append(
            f"| **all, {dpi} dpi** | {dpi} | {pages} | {mean:.3f} | {found}/{total} | "
            f"{exact}/{total} | {seconds / max(pages, 1):.2f} ({pages / seconds:.2f} pages/s) |"
        )
    missed = [(r["sample"], r["dpi"], m) for r in rows for m in r["missed"]]
    if missed:
        out += ["", "Items not read exactly (number, title as printed):", ""]
        out += [f"- {s} at {d} dpi: {n} {t}" for s, d, (n, t) in missed]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dpi", type=int, action="append", help="150 and 300 if not given")
    parser.add_argument("--sample", action="append", help="file names in samples/")
    parser.add_argument("--out", type=Path, help="write the report (Markdown) here too")
    parser.add_argument(
        "--fixture", action="store_true", help=f"write tests/fixtures/scans/{FIXTURE_SAMPLE}"
    )
    args = parser.parse_args()
    if args.fixture:
        scan_pdf(SAMPLES / FIXTURE_SAMPLE, FIXTURES / FIXTURE_SAMPLE, FIXTURE_DPI)
        print(FIXTURES / FIXTURE_SAMPLE)
        return
    sources = [SAMPLES / s for s in args.sample] if args.sample else sorted(SAMPLES.glob("*.pdf"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in args.dpi or [150, 300]:
            for source in sources:
                rows.append(measure(source, dpi, Path(tmp)))
                r = rows[-1]
                print(
                    f"{r['sample']} {dpi} dpi: accuracy {r['accuracy']:.3f}, items "
                    f"{r['items_found']}/{r['items']}, titles {r['titles_exact']}/{r['items']}, "
                    f"{r['ocr_seconds']:.1f} s for {r['ocr_pages']} pages",
                    file=sys.stderr,
                )
    text = report(rows)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
