"""Faults during a reindex: disk full, an unwritable index folder, SIGKILL at random
points, two reindexes at once. Each time a clear error (exit status as documented in
`searchapp reindex --help`), and the index in use untouched and still answering through
IndexHandle, as the web app reads it. Issue #7, "Under load and during reindex".

test_index.py covers the basics with a fake extractor (a full disk at the pointer swap,
an index path under a file, leftovers of a crash, the lock against a held flock); here
the real extraction runs, the faults hit every write of a reindex, the kills are real
SIGKILLs of a child process, and the second reindex is a real second process."""

from __future__ import annotations

import errno
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_bad_input import huge_pdf, minutes_pdf
from test_index import minutes
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import QueryParser

from searchapp.cli import cli
from searchapp.index import IndexLocked, IndexWriteError, reindex
from searchapp.whoosh_engine.store import (
    LOCK_FILE,
    MANIFEST,
    POINTER,
    TMP_PREFIX,
    IndexHandle,
    current_generation,
)

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sources(tmp_path) -> Path:
    src = tmp_path / "sources"
    minutes_pdf(src / "boerneudvalget-2024-03-04.pdf", "Børneudvalget", "2024-03-04",
                [("1.1", "Skolestart", "Godkendt."),
                 ("1.2", "Ny legeplads i Vestbyen", "Udvalget godkendte anlægget.")])  # fmt: skip
    (src / "kkr-testby-2025-02-03.txt").write_text(
        minutes("KKR Testby", "2025-02-03", "Klimaplan"), encoding="utf-8"
    )
    return src


@pytest.fixture
def live(tmp_path, sources):
    """An index in use (gen-000001, 3 items), a reader holding it, and a change in the
    sources, so the next reindex has a new generation to write."""
    root = tmp_path / "index"
    reindex([sources], root, workers=0)
    handle = IndexHandle(root)
    assert handle.generation == "gen-000001"
    before = snapshot(root / "gen-000001")
    (sources / "kkr-testby-2025-03-03.txt").write_text(
        minutes("KKR Testby", "2025-03-03", "Cykelstier"), encoding="utf-8"
    )
    yield root, handle, before
    handle.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def answers(handle: IndexHandle, query: str = "legeplads") -> tuple[str, int, int]:
    """(generation, items, hits): the web app's view of the index."""
    with handle.searcher() as s:
        hits = len(s.search(QueryParser("text", handle.schema).parse(query)))
        return handle.generation, s.doc_count(), hits


def assert_untouched(root: Path, handle: IndexHandle, before: dict) -> None:
    assert current_generation(root) == "gen-000001"
    assert snapshot(root / "gen-000001") == before
    assert answers(handle) == ("gen-000001", 3, 1)
    assert answers(IndexHandle(root)) == ("gen-000001", 3, 1)  # a fresh reader too
    assert not [p for p in root.iterdir() if p.name.startswith(f"{TMP_PREFIX}gen")]


def assert_recovers(root: Path, sources: Path, handle: IndexHandle) -> None:
    """The fault gone, the next reindex completes and leaves nothing stale behind."""
    report = reindex([sources], root, workers=0)
    assert report.ok and report.new_generation and report.items_in_index == 4
    assert answers(handle, "cykelstier") == (report.generation, 4, 1)
    names = sorted(p.name for p in root.iterdir())
    assert names == sorted([LOCK_FILE, POINTER, "gen-000001", report.generation])


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# --- Disk full ------------------------------------------------------------------------------

# Every kind of write a reindex makes, in order; each fails as a full disk makes it fail.
DISK_FULL_AT = {
    # the copy-on-write base: hard links, or copies where links are not possible
    "linking the base": [(os, "link", enospc), (shutil, "copy2", enospc)],
    # Whoosh creating a segment or table-of-contents file
    "writing a segment": [(FileStorage, "create_file", enospc)],
    "writing the manifest": [
        (
            Path,
            "write_text",
            lambda self, *a, **k: enospc() if self.name == MANIFEST else _write_text(self, *a, **k),
        ),
    ],  # fmt: skip
    # delayed allocation: ext4, XFS and NFS report a full disk at fsync
    "fsync": [(os, "fsync", enospc)],
    "publishing the generation": [(os, "rename", enospc)],
    "swapping the pointer": [(os, "replace", enospc)],
}
_write_text = Path.write_text


@pytest.mark.parametrize("where", DISK_FULL_AT)
def test_disk_full(live, sources, monkeypatch, where):
    root, handle, before = live
    for target, name, fake in DISK_FULL_AT[where]:
        monkeypatch.setattr(target, name, fake)
    with pytest.raises(IndexWriteError) as info:
        reindex([sources], root, workers=0)
    assert str(info.value) == (
        f"cannot write the index in {root}: the disk is full; the index in use was not changed"
    )
    monkeypatch.undo()
    assert_untouched(root, handle, before)
    assert_recovers(root, sources, handle)


def test_disk_full_during_a_full_rebuild_cli_exit_2(live, sources, monkeypatch):
    root, handle, before = live
    monkeypatch.chdir(root.parent)
    (root.parent / "config.toml").write_text('[sources]\npaths = ["sources"]\n')
    monkeypatch.setattr(FileStorage, "create_file", enospc)
    result = CliRunner().invoke(cli, ["reindex", "--full"])
    assert result.exit_code == 2, result.output
    assert "Error: cannot write the index in" in result.output
    assert "the disk is full; the index in use was not changed" in result.output
    assert "Traceback" not in result.output
    monkeypatch.undo()
    assert_untouched(root, handle, before)


def test_disk_full_when_the_lock_records_its_pid(live, sources, monkeypatch):
    """The lock file is emptied and gets the pid: on a full disk that write fails too.

    BUG (index.py, _ReindexLock.__enter__): os.ftruncate/os.pwrite are outside any
    try, so the OSError escapes reindex() as is: `searchapp reindex` dies with a
    traceback and exit status 1 ("some files failed"), not a message and 2, and the
    flock'ed descriptor is not closed. Fix: the pid is only a courtesy for the "another
    reindex is running (pid N)" message, so ignore a failure to write it:
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\\n".encode(), 0)
        except OSError:
            pass  # a full disk is reported by the writes that matter
    """
    root, handle, before = live
    monkeypatch.chdir(root.parent)
    (root.parent / "config.toml").write_text('[sources]\npaths = ["sources"]\n')
    monkeypatch.setattr(os, "pwrite", enospc)
    result = CliRunner().invoke(cli, ["reindex"])
    monkeypatch.undo()
    assert not isinstance(result.exception, OSError), result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert_untouched(root, handle, before)


# --- An unwritable index folder -----------------------------------------------------------


def deny_writes(monkeypatch, folder: Path) -> None:
    """chmod 0o500 on `folder`, and the same refusal in Python where chmod does not
    bind: run as root (CI containers), a process may write in a read-only folder
    (CAP_DAC_OVERRIDE). Then every call that creates, renames or links an entry in the
    folder fails with EACCES, as it does for the service user."""
    folder.chmod(0o500)
    probe = folder / ".probe"
    try:
        probe.touch()
    except PermissionError:
        return  # chmod binds: the real thing
    probe.unlink()
    inside = str(folder.resolve())

    def denied(path) -> bool:
        return os.path.dirname(os.path.abspath(os.fsdecode(path))).startswith(inside)

    def refuse(path):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))

    real = {name: getattr(os, name) for name in ("mkdir", "open", "rename", "replace", "link")}

    def mkdir(path, *args, **kwargs):
        return refuse(path) if denied(path) else real["mkdir"](path, *args, **kwargs)

    def open_(path, flags, *args, **kwargs):
        if denied(path) and flags & os.O_CREAT and not os.path.exists(path):
            refuse(path)
        return real["open"](path, flags, *args, **kwargs)

    def two_paths(name):
        def fake(src, dst, *args, **kwargs):
            if denied(src) or denied(dst):
                refuse(dst)
            return real[name](src, dst, *args, **kwargs)

        return fake

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "open", open_)
    for name in ("rename", "replace", "link"):
        monkeypatch.setattr(os, name, two_paths(name))


def test_unwritable_index_folder(live, sources, monkeypatch):
    root, handle, before = live
    deny_writes(monkeypatch, root)
    try:
        with pytest.raises(IndexWriteError) as info:
            reindex([sources], root, workers=0)
        assert str(info.value) == (
            f"cannot write the index in {root}: Permission denied; the index in use was not changed"
        )
        monkeypatch.chdir(root.parent)
        (root.parent / "config.toml").write_text('[sources]\npaths = ["sources"]\n')
        result = CliRunner().invoke(cli, ["reindex", "--full"])
        assert result.exit_code == 2 and "Permission denied" in result.output
        assert "Traceback" not in result.output
    finally:
        root.chmod(0o755)
        monkeypatch.undo()
    assert_untouched(root, handle, before)
    assert_recovers(root, sources, handle)


def test_unwritable_folder_for_a_new_index(tmp_path, sources, monkeypatch):
    root = tmp_path / "index"
    root.mkdir()
    deny_writes(monkeypatch, root)
    try:
        with pytest.raises(IndexWriteError, match="Permission denied; the index in use"):
            reindex([sources], root, workers=0)
    finally:
        root.chmod(0o755)
    assert list(root.iterdir()) == []


# --- SIGKILL -------------------------------------------------------------------------------


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, PROJECT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_reindex_killed_at_random_points(tmp_path, sources):
    """Three SIGKILLs of a real reindex (worker processes included), at the extraction,
    while the items are written and at the commit, each after a random delay: a reader
    in this process keeps getting full answers, and the next reindex completes and
    removes what the kills left. scripts/kill_reindex.py is the long run of the same."""
    kill_reindex = load_script("kill_reindex")
    huge_pdf(sources / "teknik-og-miljoeudvalget-2024-05-02.pdf", 150)  # more to write
    log: list[str] = []
    summary = kill_reindex.run(
        sources, tmp_path / "index", runs=3, seed=7, workers=2,
        stages=("extract", "index", "publish"), cycle=True, time_limit=120, log=log.append,
    )  # fmt: skip
    print(summary.render(), *log, sep="\n")
    report = summary.render()
    assert summary.ok, report + "\n" + "\n".join(log)
    assert summary.expected_items == 153 and len(summary.kills) == 3
    assert [k.stage for k in summary.kills] == ["extract", "index", "publish"]
    assert len({k.delay for k in summary.kills}) == 3
    assert all(k.items == 153 for k in summary.kills)  # every kill: the full old index
    assert summary.reader_queries > 0 and summary.reader_failures == []
    assert summary.final_ok and summary.stale_temporaries == 0
    assert summary.generations_left <= 2
    assert sum(k.orphans for k in summary.kills) == 0  # the workers died with the parent


# --- Two reindexes at once --------------------------------------------------------------------

# A real reindex in another process that holds the lock until its stdin is closed.
HOLDER = """
import sys
from searchapp.index import reindex

def pause(event):
    if event.stage == "plan":
        print("holding", flush=True)
        sys.stdin.read()

report = reindex([sys.argv[1]], sys.argv[2], workers=0, progress=pause)
print("done", report.generation, flush=True)
"""


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(PROJECT), "SEARCHAPP_CONFIG": ""}


def test_second_reindex_refuses_or_waits(tmp_path, sources, monkeypatch):
    root = tmp_path / "index"
    (tmp_path / "config.toml").write_text('[sources]\npaths = ["sources"]\n')
    monkeypatch.chdir(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(sources), str(root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env(),
    )  # fmt: skip
    waiter = None
    try:
        assert holder.stdout.readline().strip() == "holding"
        # The second one refuses: exit 2, naming the running reindex and the way out.
        with pytest.raises(IndexLocked) as info:
            reindex([sources], root, workers=0)
        assert info.value.pid == holder.pid
        result = CliRunner().invoke(cli, ["reindex"])
        assert result.exit_code == 2
        assert result.output.strip() == (
            f"Error: another reindex is running (pid {holder.pid}) on {root}; "
            "wait for it to finish, or use --wait to queue behind it"
        )
        assert current_generation(root) is None  # nothing changed
        # With --wait it queues behind the running one, then runs.
        waiter = subprocess.Popen(
            [sys.executable, "-m", "searchapp", "reindex", "--wait"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env(),
        )  # fmt: skip
        assert waiter.stdout.readline().strip() == (
            f"waiting for another reindex (pid {holder.pid}) to finish"
        )
        time.sleep(0.3)
        assert waiter.poll() is None  # still waiting
        holder.stdin.close()
        assert holder.stdout.read().split()[:2] == ["done", "gen-000001"]
        assert holder.wait(30) == 0
        output = waiter.communicate(timeout=60)[0]
        assert waiter.returncode == 0, output
        assert "Index up to date" in output and "gen-000001 stays in use" in output
    finally:
        for process in (holder, waiter):
            if process is not None and process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
