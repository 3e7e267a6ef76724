"""The bulk writer (internals.BulkWriter) writes the segment Whoosh's own writer writes.

Same documents, same schema, one written by Whoosh's SegmentWriter and one by the
BulkWriter: with pickle protocol 2 (Whoosh's) every file of the segment is the same,
byte for byte; with the protocol the engine writes (5), every block of every posting
list says the same (its header and its docnums, weights and values) and every term's
statistics are the same. Also when the held tokens are written out to runs, when
segments with deleted documents are merged, and for the real corpus minutes. A third
of the generated items hold their title and sections in their text, as the readers'
items do (the writer cuts those out of the text: analysis.TermNumbering.document),
and items shaped as Greve's are (sections of a kind several times, attachments).
"""

import random
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import index_contents
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from searchapp.ingest import ingest_file
from searchapp.models import AgendaItem, AttachmentRef, Section
from searchapp.whoosh_engine.internals import BulkWriter, _stable_argsort
from searchapp.whoosh_engine.schema import build_schema, item_to_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

WORDS = (
    "kommunen kommunerne budget budgettet ældrereformen reformen sundhedsaftalen "
    "sosu-uddannelserne SAG-2025-01103 21-014420K 12/27845 2025 3,5 9.800 og i at "
    "til for af det en den er som på med ikke beslutning godkendt drøftet tog busser "
    "ældre plejehjem skole skolerne børn unge klima vand Køge Greve Sønderbylund "
    "fysioterapi praksisplanudvalget danskuddannelsesområdet æøå ÆØÅ é ü x 7"
).split()


def generated_items(count: int, seed: int = 5) -> list[AgendaItem]:
    """Items of random text from WORDS (Zipf-like: the first words in most items),
    so that common terms fill several blocks and rare ones one; a few are empty."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) for i in range(len(WORDS))]

    def text(n: int) -> str:
        return " ".join(rng.choices(WORDS, weights, k=n))

    items = []
    for i in range(count):
        item = AgendaItem(
            id=f"gen-{i}", committee=rng.choice(["KKR Hovedstaden", "Byråd", "Ældreråd"]),
            meeting_date=f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            number=str(i % 17), title=text(rng.randint(0, 8)),
            text=text(rng.choice([0, 5, 40, 300])), decision=text(rng.randint(0, 6)),
            presentation=text(rng.randint(0, 30)), status="approved",
            case_number=rng.choice(["", "SAG-2025-01103", f"21-0{i:05d}K"]),
        )  # fmt: skip
        if i % 3 == 0:  # as a reader makes it: the title and sections in the text
            item.text = (f"{item.title}\n\nSagsfremstilling\n{item.presentation}\n"
                         f"{item.text}\n\nBeslutning\n\n{item.decision}")  # fmt: skip
        items.append(item)
    return items


def greve_like_items(count: int, seed: int = 7) -> list[AgendaItem]:
    """Items as the publishing-JSON reader makes Greve's: the text is the title and
    each section under its name, sections of one kind two or three times (joined in
    the kind's field by blank lines), a section of two paragraphs, one of no words,
    attachment titles not in the text, and for some the attachments' pages, longer
    than the text."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) for i in range(len(WORDS))]

    def text(n: int) -> str:
        return " ".join(rng.choices(WORDS, weights, k=n))

    kinds = ["summary", "decision", "history", "history", "other", "other", "other",
             "presentation", "recommendation", "economy", "attachments", "background"]  # fmt: skip
    items = []
    for i in range(count):
        sections = []
        for kind in rng.sample(kinds, rng.randint(0, len(kinds))):
            body = text(rng.choice([1, 4, 30]))
            if rng.random() < 0.3:
                body += "\n\n" + text(rng.randint(1, 20))  # a second paragraph
            if rng.random() < 0.05:
                body = "–"
            sections.append(Section(name=kind.title(), kind=kind, text=body))
        title = text(rng.randint(1, 6))
        body = "\n\n".join([title] + [f"{s.name}\n\n{s.text}" for s in sections])
        refs = []
        if i % 4 == 0:
            refs = [AttachmentRef(title="Bilag", texts=[text(400), "", text(50)])]
        items.append(AgendaItem(
            id=f"greve-{i}", committee="Byrådet", meeting_date="2024-01-29",
            number=str(i % 17), title=title, text=body, status="approved",
            sections=sections, attachments=[text(3) for _ in range(rng.randint(0, 2))],
            attachment_refs=refs,
        ))  # fmt: skip
    return items


def write(path: Path, batches: list[list[AgendaItem]], bulk: bool, deletes=(), **kwargs):
    """An index of `batches`, each committed by its own writer (Whoosh's or the bulk
    one); `deletes` (batch number, item id) deleted by that batch's writer before it
    adds; the last batch's writer merges every segment (optimize)."""
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    for n, batch in enumerate(batches):
        writer = BulkWriter(ix, **kwargs) if bulk else ix.writer()
        for when, item_id in deletes:
            if when == n:
                writer.delete_by_term("id", item_id)
        for item in batch:
            writer.add_document(**item_to_document(item, "sha"))
        writer.commit(optimize=n == len(batches) - 1 and len(batches) > 1)
    return FileStorage(str(path)).open_index()


def segment_files(ix) -> dict[str, bytes]:
    """Every file inside the index's one compound segment, by extension."""
    (segment,) = ix._segments()
    files = segment.open_compound_file(ix.storage)
    out = {}
    for name in files.list():
        f = files.open_file(name)
        out[name.replace(segment.segid, "")] = f.read()
        f.close()
    return out


def blocks(ix) -> dict:
    """Every term's statistics and every block of its postings, decoded."""
    out = {}
    with ix.reader() as reader:
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            m = reader.postings(fieldname, btext)
            found = []
            while m.is_active():
                m._read_data()
                found.append(((m._blocklength, m._maxid, m._maxweight, m._minlength,
                               m._maxlength), m._data))  # fmt: skip
                m._next_block()
            stats = (info._weight, info._df, info._minlength, info._maxlength,
                     info._maxweight, info._minid, info._maxid)  # fmt: skip
            out[(fieldname, btext)] = (stats, found)
    return out


@pytest.fixture(scope="module")
def many() -> list[AgendaItem]:
    return generated_items(400)


def test_with_whooshs_pickle_protocol_the_segment_is_whooshs_byte_for_byte(tmp_path, many):
    whoosh = write(tmp_path / "whoosh", [many], bulk=False)
    bulk = write(tmp_path / "bulk", [many], bulk=True, protocol=2, whooshs_zlib=True)
    theirs, ours = segment_files(whoosh), segment_files(bulk)
    assert sorted(theirs) == sorted(ours)
    assert [name for name in theirs if theirs[name] != ours[name]] == []


def test_blocks_say_the_same_with_the_engines_protocol(tmp_path, many):
    whoosh = write(tmp_path / "whoosh", [many], bulk=False)
    bulk = write(tmp_path / "bulk", [many], bulk=True)
    theirs, ours = blocks(whoosh), blocks(bulk)
    assert theirs.keys() == ours.keys()
    assert any(len(found) > 2 for _, found in theirs.values())  # several blocks a term
    assert [key for key in theirs if theirs[key] != ours[key]] == []
    assert index_contents(whoosh) == index_contents(bulk)


def test_tokens_written_out_to_runs_make_the_same_segment(tmp_path, many, monkeypatch):
    import searchapp.whoosh_engine.internals as internals

    runs = []
    real_run = internals._TokenRun

    def counted(*args):
        runs.append(args[1])
        return real_run(*args)

    monkeypatch.setattr(internals, "_TokenRun", counted)
    held = write(tmp_path / "held", [many], bulk=True)
    assert runs == []
    spilled = write(tmp_path / "spilled", [many], bulk=True, limit_tokens=3000)
    assert len(runs) > 10
    assert blocks(held) == blocks(spilled)
    assert list((tmp_path / "spilled").glob("**/*.run")) == []  # the runs are removed


def test_runs_merged_a_few_terms_at_a_time_make_the_same_segment(tmp_path, many, monkeypatch):
    """The runs are read back a range of terms at a time (CHUNK_TOKENS), beside the
    tokens still held: the same blocks as all of them held, whatever the chunk."""
    import searchapp.whoosh_engine.internals as internals

    held = write(tmp_path / "held", [many], bulk=True)
    for chunk in (50, 1000):
        monkeypatch.setattr(internals, "CHUNK_TOKENS", chunk)
        spilled = write(tmp_path / f"spilled-{chunk}", [many], bulk=True, limit_tokens=3000)
        assert blocks(held) == blocks(spilled)
        assert index_contents(held) == index_contents(spilled)


def test_merging_segments_with_deleted_documents(tmp_path, many):
    batches = [many[:150], many[150:260], many[260:]]
    deletes = [(1, "gen-3"), (1, "gen-77"), (2, "gen-151"), (2, "gen-200")]
    whoosh = write(tmp_path / "whoosh", batches, bulk=False, deletes=deletes)
    bulk = write(tmp_path / "bulk", batches, bulk=True, deletes=deletes)
    assert len(whoosh._segments()) == len(bulk._segments()) == 1
    assert whoosh.doc_count() == bulk.doc_count() == 400 - 4
    assert blocks(whoosh) == blocks(bulk)
    assert index_contents(whoosh) == index_contents(bulk)


def test_the_corpus_minutes(tmp_path):
    files = sorted(CORPUS.glob("**/*.pdf"))
    if not files:
        pytest.skip(f"the corpus minutes are not in {CORPUS}")
    items = [item for f in files for item in ingest_file(f)]
    whoosh = write(tmp_path / "whoosh", [items], bulk=False)
    bulk = write(tmp_path / "bulk", [items], bulk=True, protocol=2, whooshs_zlib=True)
    assert segment_files(whoosh) == segment_files(bulk)


def test_items_shaped_as_greves(tmp_path):
    """Several sections of a kind, attachment titles and pages: the writer takes their
    words from the text where they are in it, and writes Whoosh's segment."""
    items = greve_like_items(300)
    assert any(len({s.kind for s in i.sections}) < len(i.sections) for i in items)
    whoosh = write(tmp_path / "whoosh", [items], bulk=False)
    bulk = write(tmp_path / "bulk", [items], bulk=True, protocol=2, whooshs_zlib=True)
    assert segment_files(whoosh) == segment_files(bulk)
    ours = write(tmp_path / "ours", [items], bulk=True)
    assert blocks(whoosh) == blocks(ours)
    assert index_contents(whoosh) == index_contents(ours)


def test_small_blocks_are_written_as_they_are(tmp_path, many):
    """The engine's writer compresses a block only from SMALLEST_COMPRESSED bytes on
    (and Whoosh's reader reads both kinds the same: the tests above)."""
    from searchapp.whoosh_engine.internals import SMALLEST_COMPRESSED

    ix = write(tmp_path / "ours", [many], bulk=True)
    seen = set()
    with ix.reader() as reader:
        for fieldname, btext in reader.all_terms():
            m = reader.postings(fieldname, btext)
            while m.is_active():
                data = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
                pickled = zlib.decompress(data) if m._compression else data
                seen.add((m._compression, len(pickled) >= SMALLEST_COMPRESSED))
                m._next_block()
    assert seen == {(0, False), (3, True)}


def test_what_the_bulk_writer_does_not_take(tmp_path, many):
    ix = write(tmp_path / "ix", [many[:2]], bulk=True)
    writer = BulkWriter(ix)
    try:
        with pytest.raises(ValueError, match="boost"):
            writer.add_document(**item_to_document(many[3], "sha"), _boost=2.0)
        doc = item_to_document(many[4], "sha")
        doc["text"] = ["a", "list"]
        with pytest.raises(TypeError, match="text"):
            writer.add_document(**doc)
    finally:
        writer.cancel()


@pytest.mark.parametrize("high", [1, 300, 1 << 16, (1 << 16) + 1, 1 << 20, (1 << 32) - 1])
def test_the_stable_sort_of_term_ranks_is_numpys(high):
    keys = np.random.default_rng(high).integers(0, high, 5000)
    assert np.array_equal(_stable_argsort(keys), np.argsort(keys, kind="stable"))
    assert len(_stable_argsort(keys[:0])) == 0


def test_terms_of_one_item_as_real_minutes_have_them(tmp_path, monkeypatch):
    """Most terms of real minutes are one item's, one block (the writer packs their
    term infos at once, internals._TermWriter.one_block), beside terms of several
    blocks; enough terms that the term table passes 64 KB (its positions array then
    widens): Whoosh's segment, byte for byte, and the same blocks with the engine's
    protocol."""
    import searchapp.whoosh_engine.internals as internals

    rng = random.Random(11)
    items = generated_items(300, seed=3)
    for n, item in enumerate(items):
        rare = [f"ord{n}x{k}" for k in range(rng.randint(1, 12))]
        item.text += " " + " ".join(rare + rare[: rng.randint(0, 2)])  # some twice
    shapes = {"one": 0, "several": 0}
    real_one, real_term = internals._TermWriter.one_block, internals._TermWriter.term

    def one(self, *args):
        shapes["one"] += 1
        return real_one(self, *args)

    def several(self, btext, blocks, *args):
        shapes["several"] += len(blocks) > 1
        return real_term(self, btext, blocks, *args)

    monkeypatch.setattr(internals._TermWriter, "one_block", one)
    monkeypatch.setattr(internals._TermWriter, "term", several)
    whoosh = write(tmp_path / "whoosh", [items], bulk=False)
    bulk = write(tmp_path / "bulk", [items], bulk=True, protocol=2, whooshs_zlib=True)
    assert shapes["one"] > 2000 and shapes["several"] > 5
    theirs, ours = segment_files(whoosh), segment_files(bulk)
    assert len(ours["MAIN_.trm"]) > 1 << 16  # the term table
    assert [name for name in theirs if theirs[name] != ours[name]] == []
    assert blocks(whoosh) == blocks(write(tmp_path / "ours", [items], bulk=True))


def test_the_term_tables_hash_is_whooshs():
    from whoosh.filedb.filetables import md5_hash

    from searchapp.whoosh_engine.internals import _md5_hash

    keys = [b"", b"\x00\x01ord", "æøå".encode(), bytes(range(256))]
    keys += [random.Random(k).randbytes(k % 40) for k in range(2000)]
    assert [_md5_hash(k) for k in keys] == [md5_hash(k) for k in keys]


def test_the_postings_of_other_fields_are_whooshs_and_kept_by_value(tmp_path):
    """BulkWriter._indexed: for every field taken a posting at a time, what Whoosh's
    field.index makes of the value, the first time and when kept; a value kept for
    one field is not another's (an ID makes one term of "a b", a KEYWORD two); a date
    with a time zone is not kept by value."""
    from datetime import UTC, datetime, timedelta, timezone

    from whoosh.fields import ID, KEYWORD

    ix = write(tmp_path / "ix", [generated_items(3)], bulk=True)
    writer = BulkWriter(ix)
    try:
        schema = dict(writer.schema.items(), word=ID(stored=True, unique=False),
                      words=KEYWORD(scorable=True, lowercase=True))  # fmt: skip
        values = ["a b", "A b b", "SAG-2025-01103", "æøå", "x", "a b"]
        dates = [datetime(2024, 1, 29), datetime(2024, 1, 29), datetime(2024, 1, 29, 1),
                 datetime(2024, 1, 29, tzinfo=UTC),
                 datetime(2024, 1, 29, 1, tzinfo=timezone(timedelta(hours=1)))]  # fmt: skip
        cases = [(name, v) for name in ("word", "words", "case_digits", "stance", "id")
                 for v in values] + [("meeting_date", d) for d in dates]  # fmt: skip
        for name, value in cases * 2:
            field = schema[name]
            expected = list(field.index(value))
            postings, length = writer._indexed(name, field, value)
            assert postings == [(t, w, v) for t, _, w, v in expected]
            assert length == (sum(f for _, f, _, _ in expected) if field.scorable else 0)
        assert ("words", "A b b") in writer._index_cache
        assert not any(isinstance(v, datetime) and v.tzinfo for _, v in writer._index_cache)
    finally:
        writer.cancel()


@pytest.mark.parametrize("runs", [1, 2, 5])
def test_the_merge_order_of_sorted_runs_is_a_stable_sort(runs):
    from searchapp.whoosh_engine.internals import _merge_order

    rng = np.random.default_rng(runs)
    # many equal keys (a term's tokens), past 16 bits
    keys = np.concatenate([np.sort(rng.integers(0, 300, rng.integers(0, 3000)) * 250)
                           for _ in range(runs)])  # fmt: skip
    assert np.array_equal(_merge_order(keys), np.argsort(keys, kind="stable"))
    assert np.array_equal(_merge_order(keys), _stable_argsort(keys))


@pytest.mark.parametrize("kind", ["numbers", "arrays", "both"])
def test_held_entries_expand_as_an_array_each(kind):
    """_FieldTokens' entries (a document's number beside its tokens, or a merged
    term's array of documents) made one array: as np.full of each number, joined."""
    from searchapp.whoosh_engine.internals import _expanded

    rng = random.Random(kind)
    sizes = [rng.choice([0, 1, 3, 200]) for _ in range(300)]
    entries = [n if kind == "numbers" or (kind == "both" and n % 2) else
               np.arange(size, dtype=np.int32) + n for n, size in enumerate(sizes)]  # fmt: skip
    expected = np.concatenate([e if isinstance(e, np.ndarray) else np.full(size, e, np.int32)
                               for e, size in zip(entries, sizes, strict=True)])  # fmt: skip
    got = _expanded(entries, sizes)
    assert got.dtype == np.int32 and np.array_equal(got, expected)


@pytest.mark.parametrize("distinct", [1, 300, 20_000])
def test_a_fields_term_ranks_renumbered_sort_as_they_are(distinct):
    """_renumbered: a field's few ranks among many terms numbered 0, 1, ... in their
    order, so that the tokens sort by one radix pass: the same order as the ranks'."""
    from searchapp.whoosh_engine.internals import _renumbered

    rng = np.random.default_rng(distinct)
    size = 70_000
    ranks = rng.choice(size, distinct, replace=False)
    keys = ranks[rng.integers(0, distinct, 50_000)]
    dense = _renumbered(keys, size)
    assert int(dense.max()) == len(np.unique(keys)) - 1
    assert np.array_equal(_stable_argsort(dense), np.argsort(keys, kind="stable"))
    small = keys % 1000  # all terms' ranks fit 16 bits: left as they are
    assert _renumbered(small, 1000) is small
    assert np.array_equal(_renumbered(keys[:0], size), keys[:0])
