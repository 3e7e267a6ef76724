"""Source files built to stall a reindex (issue #14), for tests and for
scripts/reindex_hostile.py:

- a PDF bomb: a small file whose one content stream inflates to `inflated` bytes;
- a one-line PDF: a page holding one text line of `size` bytes (pdfminer makes an
  object per character and the layout analysis looks at every pair);
- a one-line text file of `size` bytes shaped like a long URL, which no line-end
  rule may scan more than once.

Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import zlib
from pathlib import Path

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _pdf(path: Path, stream_dict: bytes, chunks) -> Path:
    """A one-page PDF whose content stream is `chunks` (bytes, already encoded as the
    stream dict says), written without holding the stream in memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    offsets = []
    with open(path, "wb") as f:
        f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

        def obj(number: int, body: bytes) -> None:
            offsets.append(f.tell())
            f.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        obj(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")  # fmt: skip
        # The stream: its length is known only once written, so it goes last (6 0 obj).
        offsets.append(f.tell())
        f.write(b"4 0 obj\n<< " + stream_dict + b" /Length 6 0 R >>\nstream\n")
        start = f.tell()
        for chunk in chunks:
            f.write(chunk)
        length = f.tell() - start
        f.write(b"\nendstream\nendobj\n")
        obj(5, _FONT)
        obj(6, b"%d" % length)
        xref = f.tell()
        f.write(b"xref\n0 7\n0000000000 65535 f \n")
        for offset in offsets:
            f.write(b"%010d 00000 n \n" % offset)
        f.write(b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return path


def pdf_bomb(path: Path, inflated: int = 1 << 30) -> Path:
    """A PDF whose content stream inflates to `inflated` bytes of text operators (a
    1 GiB stream packs into 1 MB)."""
    # Mostly runs of spaces (white space between operators): deflate's best ratio.
    block = b"BT /F1 10 Tf 50 800 Td (Budget) Tj ET" + b" " * (1 << 20) + b"\n"

    def chunks():
        packer = zlib.compressobj(9)
        left = inflated
        while left > 0:
            piece = block[:left]
            left -= len(piece)
            out = packer.compress(piece)
            if out:
                yield out
        yield packer.flush()

    return _pdf(path, b"/Filter /FlateDecode", chunks())


def one_line_pdf(path: Path, size: int = 50 * 1024 * 1024) -> Path:
    """A PDF whose page holds one text line of about `size` bytes, uncompressed."""
    words = b"Budgetopfoelgning kommunernes samarbejde 2025 "
    text = words * (size // len(words) + 1)

    def chunks():
        yield b"BT /F1 1 Tf 10 400 Td ("
        for i in range(0, size, 1 << 20):
            yield text[i : min(size, i + (1 << 20))]
        yield b") Tj ET\n"

    return _pdf(path, b"", chunks())


def one_line_text(path: Path, size: int = 1024 * 1024) -> Path:
    """A text file of one line like a URL without end, ending in '.-': a line-end
    hyphen rule that backtracks rescans the line from each of its characters."""
    path.parent.mkdir(parents=True, exist_ok=True)
    piece = "www.kl.dk/"
    body = (piece * (size // len(piece) + 1))[: size - 2] + ".-"
    path.write_text(body, encoding="utf-8")
    return path
