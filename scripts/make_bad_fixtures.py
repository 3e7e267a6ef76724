"""Build tests/fixtures/bad/: inputs a person might feed the indexer by mistake, each
of which must be refused with a clear reason (or, for the last one, read fine).

    python scripts/make_bad_fixtures.py

    empty.pdf                        0 bytes
    truncated.pdf                    the first 40 % of samples/kkr-sjaelland-2024-09-12-referat.pdf
    encrypted.pdf                    minutes with a user password ("hemmelig")
    not-a-pdf.pdf                    an HTML error page saved under a .pdf name
    scanned.pdf                      one page holding only a raster image, no text layer
    no-items.pdf                     a readable PDF with a running header and prose, no items
    Referat æøå med mellemrum.pdf    valid minutes with one item; spaces and Danish letters
                                     in the name, no date in it (the header has it)

Everything is deterministic, so rebuilding gives identical bytes.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_samples import (  # noqa: E402  (a sibling script, not a package)
    BODY_WIDTH,
    HEIGHT,
    SJAELLAND,
    WIDTH,
    Item,
    Meeting,
    Part,
    pdf_bytes,
    wrap,
)

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "bad"

SMALL = Meeting(
    slug="kultur-og-fritidsudvalget-2023-03-07",
    committee="Kultur- og Fritidsudvalget",
    date="2023-03-07",
    title="Referat Kultur- og Fritidsudvalget 7. marts 2023",
    front=[],
    parts=[
        Part(
            1,
            "Sager til beslutning",
            items=[
                Item(
                    "1.1",
                    "Tilskud til foreningernes lokaler 2023",
                    "SAG-2023-00512 kbj",
                    "approved",
                    [
                        (
                            "Baggrund",
                            [
                                "Foreningerne kan søge tilskud til leje af lokaler efter "
                                "folkeoplysningsloven. I år er der kommet 37 ansøgninger, og "
                                "puljen er på 1,8 mio. kr."
                            ],
                        ),
                        (
                            "Indstilling",
                            [
                                "Forvaltningen indstiller, at tilskuddene fordeles som foreslået "
                                "i bilaget."
                            ],
                        ),
                        ("Bilag", [["Forslag til fordeling af lokaletilskud 2023"]]),
                        ("Beslutning", ["Kultur- og Fritidsudvalget godkendte indstillingen."]),
                    ],
                )
            ],
        )
    ],
)

NO_ITEMS_TEXT = [
    "Orientering til udvalgets medlemmer",
    "Mødet i Teknik- og Miljøudvalget den 4. april 2024 er aflyst, da der ikke er sager, "
    "som skal behandles inden sommerferien. De sager, der var planlagt til mødet, bliver "
    "i stedet behandlet på mødet i maj.",
    "Medlemmerne vil modtage en samlet orientering om status på vejvedligeholdelsen og "
    "den nye affaldsordning pr. mail. Spørgsmål kan rettes til udvalgets sekretær.",
    "Med venlig hilsen",
    "Sekretariatet for Teknik og Miljø",
]


def _prose_page(paragraphs: list[str]) -> list[str]:
    lines: list[str] = []
    for n, paragraph in enumerate(paragraphs):
        if n:
            lines.append("")
        lines.extend(p.text for p in wrap(paragraph, "Helvetica", 10, BODY_WIDTH))
    return lines


NO_ITEMS = Meeting(
    slug="teknik-og-miljoeudvalget-2024-04-04",
    committee="Teknik- og Miljøudvalget",
    date="2024-04-04",
    title="Aflysning af møde i Teknik- og Miljøudvalget",
    front=[_prose_page(NO_ITEMS_TEXT)],
    parts=[],
)

NOT_A_PDF = """<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Siden blev ikke fundet</title>
</head>
<body>
<h1>404 – siden blev ikke fundet</h1>
<p>Referatet, du leder efter, er flyttet eller slettet. Prøv at søge på
<a href="https://www.kl.dk/">kl.dk</a>.</p>
</body>
</html>
"""


def scanned_pdf() -> bytes:
    """A one-page PDF whose page is a grey-scale picture of a page of text: dark bars
    where the lines would be. Written by hand (no image library needed)."""
    w, h = 420, 594  # about 50 dpi on A4
    rows = []
    for y in range(h):
        row = bytearray(b"\xff" * w)
        line, offset = divmod(y - 60, 14)
        if 0 <= line < 36 and 3 <= offset <= 8:
            right = w - 50 - (line * 37) % 90 - (120 if line % 6 == 5 else 0)
            x = 50
            while x < right:  # words of varying length
                word = 12 + (x * 7 + line * 13) % 30
                end = min(x + word, right)
                row[x:end] = b"\x30" * (end - x)
                x = end + 5
        if 20 <= y <= 24:  # the running header
            row[40:200] = b"\x80" * 160
            row[340:390] = b"\x80" * 50
        rows.append(bytes(row))
    image = zlib.compress(b"".join(rows), 9)
    content = f"q {WIDTH:.4f} 0 0 {HEIGHT:.4f} 0 0 cm /Im0 Do Q\n".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH:.4f} {HEIGHT:.4f}] "
            "/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>"
        ).encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        (
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
            % (w, h, len(image))
        )
        + image
        + b"\nendstream",
        b"<< /Producer (Scanner) /Title (Scannet referat) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def build() -> dict[str, bytes]:
    sample = pdf_bytes(SJAELLAND)
    return {
        "empty.pdf": b"",
        "truncated.pdf": sample[: len(sample) * 40 // 100],
        "encrypted.pdf": pdf_bytes(SMALL, encrypt="hemmelig"),
        "not-a-pdf.pdf": NOT_A_PDF.encode("utf-8"),
        "scanned.pdf": scanned_pdf(),
        "no-items.pdf": pdf_bytes(NO_ITEMS),
        "Referat æøå med mellemrum.pdf": pdf_bytes(SMALL),
    }


def main() -> int:
    BAD.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (BAD / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
