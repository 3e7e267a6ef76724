"""The index lifecycle: build, incremental updates, crashes, duplicates, locking, stats.

Source files here hold agenda items as JSON and a fake ingest_file reads them, so the
tests exercise the index and not the PDF parser (one test runs the real one)."""

import errno
import fcntl
import json
import os
import threading
import time
from pathlib import Path

import pytest
from conftest import index_contents
from whoosh.qparser import QueryParser
from whoosh.query import Term

import searchapp.index as index_module
import searchapp.whoosh_engine.indexing as indexing_module
import searchapp.whoosh_engine.schema as schema_module
from searchapp.index import (
    IndexLocked,
    IndexNotFound,
    IndexWriteError,
    SourcesNotFound,
    build_index,
    index_stats,
    reindex,
)
from searchapp.ingest import IngestError
from searchapp.models import AgendaItem
from searchapp.whoosh_engine.schema import build_schema, item_of, item_to_document, number_sort_key
from searchapp.whoosh_engine.store import (
    LOCK_FILE,
    POINTER,
    IndexHandle,
    current_generation,
    open_index,
    open_readonly,
    read_manifest,
)

# --- Fixtures shared with test_cli_index.py ---------------------------------------------


def make_item(meeting: str, number: str, title: str, body: str = "", **fields) -> AgendaItem:
    committee = fields.pop("committee", "KKR Hovedstaden")
    date = meeting[-10:]
    return AgendaItem(
        id=f"{meeting}-{number}",
        committee=committee,
        meeting_date=date,
        number=number,
        title=title,
        part="3. Regionalpolitiske sager",
        text=f"{number}. {title}\n{body}",
        presentation=body,
        **fields,
    )


def write_source(path: Path, items: list[AgendaItem]) -> Path:
    """A source file whose 'extraction' is its JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([i.to_dict() for i in items], ensure_ascii=False))
    return path


def fake_ingest(path: Path, **options) -> list[AgendaItem]:  # options: ingest_file's, unused
    content = Path(path).read_text()
    if content.startswith("BROKEN"):
        raise IngestError(path, content.removeprefix("BROKEN").strip() or "broken file")
    return [AgendaItem.from_dict(d) for d in json.loads(content)]


@pytest.fixture
def ingest_calls(monkeypatch):
    """Swap in the fake ingest, run it in-process, and record which files it read."""
    calls: list[str] = []

    def counting(path, **options):
        calls.append(Path(path).name)
        return fake_ingest(path)

    monkeypatch.setattr(index_module, "ingest_file", counting)
    monkeypatch.setattr(index_module, "DEFAULT_WORKERS", 0)  # in this process
    return calls


MEETING_A = "kkr-hovedstaden-2025-04-11"
MEETING_B = "kkr-hovedstaden-2021-04-19"


def items_a() -> list[AgendaItem]:
    return [
        make_item(MEETING_A, "3.1", "Dialogmøde om ældrereformen",
                  "Kommunerne drøftede ældrereformen med ministeren.",
                  case_number="SAG-2025-01103", status="noted"),  # fmt: skip
        make_item(MEETING_A, "3.10", "Gravide med rusmiddelbrug",
                  "Indsatsen for gravide fortsætter.", status="approved"),  # fmt: skip
        make_item(MEETING_A, "3.4", "Sundhedsreformen og SOSU-uddannelserne",
                  "Status på sundhedsreformen. Udgiften er 9,8 mio. kr.", status="approved"),
    ]  # fmt: skip


def items_b() -> list[AgendaItem]:
    return [
        make_item(MEETING_B, "3.7", "Resultatkontrakt med Erhvervshus Hovedstaden",
                  "Kontrakten blev godkendt.", case_number="SAG-2021-00042", status="approved"),
    ]  # fmt: skip


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "sources"
    write_source(src / f"{MEETING_A}.pdf", items_a())
    write_source(src / "old" / f"{MEETING_B}.pdf", items_b())
    return src


def ids(root: Path) -> set[str]:
    with open_index(root).searcher() as s:
        return {f["id"] for f in s.all_stored_fields()}


def search(root: Path, field: str, text: str) -> list[str]:
    ix = open_index(root)
    with ix.searcher() as s:
        q = QueryParser(field, ix.schema).parse(text)
        return sorted(hit["id"].removeprefix("kkr-hovedstaden-") for hit in s.search(q))


# --- Building ---------------------------------------------------------------------------


def test_build_from_scratch(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    report = reindex([corpus], root)
    assert report.ok and report.full and report.new_generation
    assert len(report.added) == 2 and report.items_in_index == 4
    assert report.generation == current_generation(root) == "gen-000001"
    assert (root / POINTER).read_text().strip() == "gen-000001"
    assert open_index(root).doc_count() == 4
    assert sorted(ingest_calls) == [f"{MEETING_B}.pdf", f"{MEETING_A}.pdf"]


def test_fields_answer_the_queries_people_type(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    assert search(root, "text", "kommunen") == ["2025-04-11-3.1"]  # stem of "Kommunerne"
    assert search(root, "text", "reform") == []  # only inside compounds, whose parts are...
    assert search(root, "compound", "reform") == ["2025-04-11-3.1", "2025-04-11-3.4"]  # here
    assert search(root, "text", "aeldrereformen") == ["2025-04-11-3.1"]
    assert search(root, "title", "sosu") == ["2025-04-11-3.4"]
    assert search(root, "title", "SOSU-uddannelserne") == ["2025-04-11-3.4"]
    assert search(root, "text", '"9,8 mio"') == ["2025-04-11-3.4"]
    assert search(root, "exact", '"drøftede ældrereformen"') == ["2025-04-11-3.1"]
    assert search(root, "exact", "kommunen") == []  # exact is not stemmed
    assert search(root, "case_number", "SAG-2025-01103") == ["2025-04-11-3.1"]
    assert search(root, "case_digits", "2025-01103") == ["2025-04-11-3.1"]
    assert search(root, "committee", '"KKR Hovedstaden"') == [
        "2021-04-19-3.7", "2025-04-11-3.1", "2025-04-11-3.10", "2025-04-11-3.4",
    ]  # fmt: skip


def test_stored_fields_render_a_result_and_sort(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    ix = open_index(root)
    with ix.searcher() as s:
        hits = s.search(Term("year", "2025"), sortedby=["meeting_date", "number_sort"])
        assert [h["number"] for h in hits] == ["3.1", "3.4", "3.10"]
        hit = hits[0]
        assert item_of(hit.fields()) == items_a()[0]
        assert hit["meeting_date"].date().isoformat() == "2025-04-11"
        assert hit["status"] == "noted" and hit["case_number"] == "SAG-2025-01103"
        assert len(hit["source_hash"]) == 64


def test_item_to_document():
    item = make_item(MEETING_A, "2", "Eventuelt", attachments=["Bilag 1", "Bilag 2"])
    doc = item_to_document(item, "abc")
    assert set(doc) <= set(build_schema().names())
    assert doc["attachments"] == "Bilag 1\nBilag 2"
    assert "case_number" not in doc and "case_digits" not in doc  # no empty ID terms
    assert doc["exact"].count("Eventuelt") == 1
    assert [number_sort_key(n) for n in ("3.4", "3.10", "5", "3a")] == [
        "003.004", "003.010", "005", "003a",
    ]  # fmt: skip


def test_build_index_from_items_in_hand(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    items = items_a() + items_b()
    sources = {
        MEETING_A: corpus / f"{MEETING_A}.pdf",
        MEETING_B: corpus / "old" / f"{MEETING_B}.pdf",
    }
    for item in items:
        item.source = str(sources[item.id.rsplit("-", 1)[0]])
    assert build_index(items + items_a()[:1], root) == "gen-000001"
    assert len(ids(root)) == 4
    # A reindex afterwards takes over: no item is indexed twice.
    report = reindex([corpus], root)
    assert len(report.changed) == 2  # the manifest knew the paths, not their content
    assert report.items_in_index == 4 == open_index(root).doc_count()


# --- Incremental updates ------------------------------------------------------------------


def test_incremental_add_change_delete(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    ingest_calls.clear()

    meeting_c = "kkr-sjaelland-2024-09-12"
    write_source(corpus / f"{meeting_c}.txt", [make_item(meeting_c, "1.1", "Godkendelse")])
    changed = items_a()[:2]
    changed[0].title = "Dialogmøde om ældrereformen (rettet)"
    write_source(corpus / f"{MEETING_A}.pdf", changed)
    (corpus / "old" / f"{MEETING_B}.pdf").unlink()

    report = reindex([corpus], root)
    assert sorted(ingest_calls) == [f"{MEETING_A}.pdf", f"{meeting_c}.txt"]
    assert [p.name for p in report.added] == [f"{meeting_c}.txt"]
    assert [p.name for p in report.changed] == [f"{MEETING_A}.pdf"]
    assert [p.name for p in report.removed] == [f"{MEETING_B}.pdf"]
    assert report.generation == "gen-000002" and not report.full
    assert ids(root) == {f"{MEETING_A}-3.1", f"{MEETING_A}-3.10", f"{meeting_c}-1.1"}
    assert report.items_in_index == open_index(root).doc_count() == 3
    assert search(root, "title", "rettet") == ["2025-04-11-3.1"]


def test_unchanged_files_are_not_read_again(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    ingest_calls.clear()
    os.utime(corpus / f"{MEETING_A}.pdf")  # touched, same content: hashed, not extracted
    report = reindex([corpus], root)
    assert ingest_calls == []
    assert len(report.unchanged) == 2 and report.items_written == 0
    assert report.items_in_index == 4


def test_nothing_changed_keeps_the_generation(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    first = reindex([corpus], root)
    second = reindex([corpus], root)
    assert not second.new_generation and second.generation == first.generation


def test_incremental_result_equals_a_full_rebuild(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    write_source(corpus / f"{MEETING_A}.pdf", items_a()[1:])
    write_source(
        corpus / "new" / "kkr-x-2024-01-02.pdf", [make_item("kkr-x-2024-01-02", "1", "Ny")]
    )
    reindex([corpus], root)

    def documents(r):
        with open_index(r).searcher() as s:
            return sorted((f["id"], f["source_hash"], f["title"]) for f in s.all_stored_fields())

    incremental = documents(root)
    reindex([corpus], root, full=True)
    assert documents(root) == incremental


def test_published_generation_is_never_written(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    before = {p.name: p.read_bytes() for p in (root / "gen-000001").iterdir()}
    write_source(corpus / f"{MEETING_A}.pdf", items_a()[:1])
    reindex([corpus], root)
    assert {p.name: p.read_bytes() for p in (root / "gen-000001").iterdir()} == before


def test_full_rebuild_reads_everything(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    ingest_calls.clear()
    report = reindex([corpus], root, full=True)
    assert len(ingest_calls) == 2 and report.full and report.new_generation
    assert report.items_in_index == 4


def test_schema_change_forces_a_rebuild(tmp_path, corpus, ingest_calls, monkeypatch):
    root = tmp_path / "index"
    reindex([corpus], root)
    ingest_calls.clear()
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 999)
    report = reindex([corpus], root)
    assert report.full and len(ingest_calls) == 2
    assert any("format changed" in n for n in report.notes)


def test_old_generations_pruned_keeping_the_previous(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    for n in range(3):
        write_source(corpus / "extra.pdf", [make_item(f"kkr-x-2024-01-0{n + 1}", "1", "X")])
        reindex([corpus], root)
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("gen-")) == [
        "gen-000002", "gen-000003",
    ]  # fmt: skip
    assert read_manifest(root)["previous"] == "gen-000002"


# --- Failures -----------------------------------------------------------------------------


def test_failed_file_reported_and_retried(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    (corpus / "scan.pdf").write_text("BROKEN scanned pages without a text layer")
    report = reindex([corpus], root)
    assert [(p.name, reason) for p, reason in report.failed] == [
        ("scan.pdf", "scanned pages without a text layer")
    ]
    assert report.items_in_index == 4  # everything else is indexed
    ingest_calls.clear()
    report = reindex([corpus], root)
    assert ingest_calls == ["scan.pdf"] and [p.name for p in report.retried] == ["scan.pdf"]
    write_source(corpus / "scan.pdf", [make_item("kkr-y-2024-02-02", "1", "Nu med tekst")])
    report = reindex([corpus], root)
    assert report.ok and report.items_in_index == 5


def test_file_that_breaks_keeps_its_items_until_fixed(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    (corpus / f"{MEETING_A}.pdf").write_text("BROKEN truncated (still being copied?)")
    report = reindex([corpus], root)
    assert len(report.failed) == 1 and report.items_in_index == 4
    assert f"{MEETING_A}-3.4" in ids(root)
    write_source(corpus / f"{MEETING_A}.pdf", items_a()[:1])
    report = reindex([corpus], root)
    assert report.ok and ids(root) == {f"{MEETING_A}-3.1", f"{MEETING_B}-3.7"}


def test_full_rebuild_keeps_the_items_of_a_file_that_fails(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    (corpus / f"{MEETING_A}.pdf").write_text("BROKEN truncated")
    report = reindex([corpus], root, full=True)
    assert len(report.failed) == 1 and report.items_in_index == 4 == len(ids(root))
    with open_index(root).searcher() as s:
        doc = s.document(id=f"{MEETING_A}-3.1")
        assert (
            doc["source_hash"]
            == read_manifest(root, "gen-000001")["files"][str(corpus / f"{MEETING_A}.pdf")][
                "sha256"
            ]
        )  # the version the items came from


def test_parser_crash_is_one_files_failure(tmp_path, corpus, ingest_calls, monkeypatch):
    def crashing(path, **options):
        if "old" in str(path):
            raise ValueError("unexpected layout")
        return fake_ingest(path)

    monkeypatch.setattr(index_module, "ingest_file", crashing)
    report = reindex([corpus], tmp_path / "index")
    assert report.failed[0][1] == "unexpected error: ValueError: unexpected layout"
    assert report.items_in_index == 3


def test_interrupted_reindex_leaves_the_old_index_serving(
    tmp_path, corpus, ingest_calls, monkeypatch
):
    root = tmp_path / "index"
    reindex([corpus], root)
    changed = items_a()
    changed[0].title = "Ny titel"
    write_source(corpus / f"{MEETING_A}.pdf", changed)
    write_source(corpus / "new.pdf", [make_item("kkr-z-2025-01-01", "1", "Ny")])

    seen = []

    def interrupted(path, **options):
        if seen:
            raise KeyboardInterrupt
        seen.append(path)
        return fake_ingest(path)

    monkeypatch.setattr(index_module, "ingest_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reindex([corpus], root)
    assert current_generation(root) == "gen-000001"
    assert search(root, "title", "dialogmøde") == ["2025-04-11-3.1"]  # the old content
    assert search(root, "title", "titel") == []

    monkeypatch.setattr(index_module, "ingest_file", fake_ingest)
    report = reindex([corpus], root)
    assert report.ok and search(root, "title", "titel") == ["2025-04-11-3.1"]
    assert report.items_in_index == 5


def test_interrupted_while_writing(tmp_path, corpus, ingest_calls, monkeypatch):
    root = tmp_path / "index"
    reindex([corpus], root)
    write_source(corpus / "new.pdf", [make_item("kkr-z-2025-01-01", "1", "Ny")])

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(indexing_module, "item_to_document", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reindex([corpus], root)
    assert current_generation(root) == "gen-000001"
    assert sorted(p.name for p in root.iterdir()) == sorted([POINTER, LOCK_FILE, "gen-000001"])


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("interrupt", [False, True])
def test_the_garbage_collector_is_paused_while_writing(tmp_path, monkeypatch, enabled, interrupt):
    """indexing.collector_paused: off while the documents are made and added and the
    commit is written, then as it was before, also after an interruption."""
    import gc

    seen = []
    real = indexing_module.item_to_document

    def made(*args):
        seen.append(gc.isenabled())
        if interrupt:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(indexing_module, "item_to_document", made)
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        if interrupt:
            with pytest.raises(KeyboardInterrupt):
                build_index(items_a(), tmp_path / "index")
        else:
            assert build_index(items_a(), tmp_path / "index") == "gen-000001"
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen and not any(seen)


def test_leftovers_of_a_killed_reindex_are_cleaned_up(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    (root / ".tmp-gen-000002").mkdir()  # SIGKILL while writing
    (root / ".tmp-gen-000002" / "_MAIN_1.toc").write_text("half")
    (root / "gen-000003").mkdir()  # SIGKILL between publishing and the pointer swap
    write_source(corpus / "new.pdf", [make_item("kkr-z-2025-01-01", "1", "Ny")])
    report = reindex([corpus], root)
    assert report.generation == "gen-000002"
    assert sorted(p.name for p in root.iterdir() if "gen" in p.name) == [
        "gen-000001", "gen-000002",
    ]  # fmt: skip
    assert report.items_in_index == len(ids(root)) == 5


def test_disk_full_leaves_the_index_untouched(tmp_path, corpus, ingest_calls, monkeypatch):
    root = tmp_path / "index"
    reindex([corpus], root)
    write_source(corpus / "new.pdf", [make_item("kkr-z-2025-01-01", "1", "Ny")])

    def full_disk(root, name):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(indexing_module, "set_pointer", full_disk)
    with pytest.raises(IndexWriteError, match="the disk is full; the index in use was not changed"):
        reindex([corpus], root)
    assert current_generation(root) == "gen-000001" and len(ids(root)) == 4


def test_unwritable_index_folder(tmp_path, corpus, ingest_calls):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(IndexWriteError, match="cannot write the index in"):
        reindex([corpus], tmp_path / "file" / "index")


def test_missing_source_folder_is_refused(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    reindex([corpus], root)
    with pytest.raises(SourcesNotFound, match="is the share mounted"):
        reindex([corpus, tmp_path / "unmounted"], root)
    assert len(ids(root)) == 4


# --- Duplicates -----------------------------------------------------------------------------


def test_same_meeting_as_pdf_and_txt_is_indexed_once(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    txt_items = items_a()
    for item in txt_items:
        item.pages = []
    write_source(corpus / "text" / f"{MEETING_A}.txt", txt_items)
    report = reindex([corpus], root)
    assert report.items_in_index == 4
    [dup] = report.duplicates
    assert (dup.dropped.suffix, dup.kept.suffix, dup.items) == (".txt", ".pdf", 3)
    with open_index(root).searcher() as s:
        sources = {Path(f["item_json"]["source"] or f["id"]).suffix for f in s.all_stored_fields()}
        assert {f["source_hash"] for f in s.all_stored_fields()} == {
            index_module.file_sha256(corpus / f"{MEETING_A}.pdf"),
            index_module.file_sha256(corpus / "old" / f"{MEETING_B}.pdf"),
        }
    assert ".txt" not in sources

    # The PDF goes away: the text version, never indexed so far, takes its place.
    (corpus / f"{MEETING_A}.pdf").unlink()
    ingest_calls.clear()
    report = reindex([corpus], root)
    assert ingest_calls == [f"{MEETING_A}.txt"] and report.duplicates == []
    assert report.items_in_index == 4 == len(ids(root))


def test_repeated_item_numbers_in_one_file(tmp_path, ingest_calls):
    src = tmp_path / "src"
    item = make_item(MEETING_A, "1", "Første")
    write_source(src / "a.pdf", [item, make_item(MEETING_A, "1", "Anden")])
    report = reindex([src], tmp_path / "index")
    assert report.items_in_index == 1
    assert [(d.dropped.name, d.kept.name, d.items) for d in report.duplicates] == [
        ("a.pdf", "a.pdf", 1)
    ]


# --- Locking ---------------------------------------------------------------------------------


def hold_lock(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, b"4242\n")
    return fd


def test_second_reindex_refuses_while_one_runs(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    fd = hold_lock(root)
    try:
        with pytest.raises(IndexLocked, match=r"another reindex is running \(pid 4242\)"):
            reindex([corpus], root)
        assert not (root / POINTER).exists() and ingest_calls == []
    finally:
        os.close(fd)


def test_wait_queues_behind_the_running_reindex(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    fd = hold_lock(root)
    events, result = [], {}
    worker = threading.Thread(
        target=lambda: result.update(
            report=reindex([corpus], root, wait=True, progress=events.append)
        )
    )
    worker.start()
    time.sleep(0.2)
    assert worker.is_alive() and events[0].stage == "wait" and "4242" in events[0].message
    os.close(fd)
    worker.join(10)
    assert result["report"].ok and result["report"].items_in_index == 4


# --- Readers -------------------------------------------------------------------------------


def test_no_index_yet(tmp_path):
    with pytest.raises(IndexNotFound, match=r"no index at .*; run `searchapp reindex`"):
        open_index(tmp_path / "index")
    with pytest.raises(IndexNotFound):
        IndexHandle(tmp_path / "index").searcher()


def test_handle_picks_up_a_new_generation_without_restart(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    handle = IndexHandle(root)
    reindex([corpus], root)
    assert handle.generation == "gen-000001"
    old_searcher = handle.searcher()
    assert old_searcher.doc_count() == 4

    write_source(corpus / "new.pdf", [make_item("kkr-z-2025-01-01", "1", "Ny")])
    reindex([corpus], root)
    with handle.searcher() as s:
        assert s.doc_count() == 5
    assert handle.generation == "gen-000002"
    # a searcher opened before the swap keeps answering from the previous generation
    assert old_searcher.doc_count() == 4 and len(list(old_searcher.all_stored_fields())) == 4
    old_searcher.close()
    handle.close()


def test_handle_keeps_serving_when_the_new_generation_cannot_be_opened(
    tmp_path, corpus, ingest_calls
):
    root = tmp_path / "index"
    reindex([corpus], root)
    handle = IndexHandle(root)
    assert handle.searcher().doc_count() == 4
    (root / POINTER).write_text("gen-000099\n")  # damaged by hand
    assert handle.generation == "gen-000001" and handle.searcher().doc_count() == 4
    with pytest.raises(IndexNotFound, match="damaged"):
        IndexHandle(root).searcher()


def test_progress_events(tmp_path, corpus, ingest_calls):
    events = []
    reindex([corpus], tmp_path / "index", progress=events.append)
    stages = [e.stage for e in events]
    assert stages[0] == "plan" and events[0].total == 2
    assert [e.done for e in events if e.stage == "extract"] == [1, 2]
    assert [e.items for e in events if e.stage == "extract"][-1] == 4
    assert stages[-1] == "publish"


# --- Stats ---------------------------------------------------------------------------------


def test_stats(tmp_path, corpus, ingest_calls):
    root = tmp_path / "index"
    (corpus / "scan.pdf").write_text("BROKEN encrypted")
    reindex([corpus], root)
    stats = index_stats(root, [corpus])
    assert stats["items"] == 4 and stats["meetings"] == 2
    assert stats["committees"] == [{"name": "KKR Hovedstaden", "items": 4, "meetings": 2}]
    assert (stats["date_from"], stats["date_to"]) == ("2021-04-19", "2025-04-11")
    assert stats["generation"] == "gen-000001" and stats["built_at"]
    assert stats["size_bytes"] > 0
    assert [f["items"] for f in stats["files"]] == [3, 1, 0]
    assert all(len(f["sha256"]) == 64 for f in stats["files"])
    assert stats["failed"] == [{"path": str(corpus / "scan.pdf"), "reason": "encrypted"}]
    assert stats["up_to_date"] is True
    json.dumps(stats)  # plain data

    write_source(corpus / f"{MEETING_A}.pdf", items_a()[:1])
    write_source(corpus / "new.txt", [])
    (corpus / "old" / f"{MEETING_B}.pdf").unlink()
    since = index_stats(root, [corpus])["since_build"]
    assert since == {
        "added": [str(corpus / "new.txt")],
        "changed": [str(corpus / f"{MEETING_A}.pdf")],
        "removed": [str(corpus / "old" / f"{MEETING_B}.pdf")],
    }


def test_stats_without_an_index(tmp_path):
    with pytest.raises(IndexNotFound):
        index_stats(tmp_path / "index")


# --- The real extraction, on both cores ----------------------------------------------------


def minutes(committee: str, date: str, title: str) -> str:
    """A tiny minutes document in the raw text-extraction layout (see test_parse.py)."""
    day = "-".join(reversed(date.split("-")))
    pages = [
        [f"{committee}  | {day}", " SIDE  |  1", "Mission"],
        ["1. Sager", "1.1. " + title, "SAG-2025-00042 abc", "Beslutning", "Godkendt."],
    ]
    out = []
    for n, page in enumerate(pages):
        for k, line in enumerate(page):
            out += [(" " if k == 0 and n else "") + line, ""]
    return "\n".join(out)


def test_real_files_in_worker_processes(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "kkr-testby-2025-02-03.txt").write_text(minutes("KKR Testby", "2025-02-03", "Budget"))
    (src / "kkr-testby-2025-03-03.txt").write_text(minutes("KKR Testby", "2025-03-03", "Klima"))
    (src / "empty.pdf").write_bytes(b"")
    report = reindex([src], tmp_path / "index", workers=2)
    assert report.notes == []
    assert report.items_in_index == 2
    assert [p.name for p, _ in report.failed] == ["empty.pdf"]
    assert search(tmp_path / "index", "title", "klima") == ["kkr-testby-2025-03-03-1.1"]


def test_tokens_sorted_out_to_run_files_make_the_same_index(tmp_path, items, monkeypatch):
    # A build holding more tokens than the writer keeps in memory writes sorted runs.
    in_memory = build_index(items, tmp_path / "memory")
    monkeypatch.setattr(indexing_module, "HELD_TOKENS", 50)
    spilled = build_index(items, tmp_path / "spilled")
    open_ = open_readonly
    assert index_contents(open_(tmp_path / "spilled" / spilled)) == index_contents(
        open_(tmp_path / "memory" / in_memory)
    )
