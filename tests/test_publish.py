"""Publishing output/: one atomic swap, one build at a time, leftovers of
killed builds removed, Ctrl-C and SIGTERM end with one line.

The builds killed here pause at a test hook (publish.pause) and are killed
while they wait: no timing guesses, every wait has a timeout."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import publish
from conftest import FIXTURE_REPORT, FIXTURES, ROOT

WAIT = 60.0  # seconds: the longest any event here may take (a --no-pdf build takes ~1.5 s)


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def siblings(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f"{output.name}."))


@pytest.fixture(scope="module", autouse=True)
def small_library(tmp_path_factory) -> None:
    """What is published does not matter here, only how: the made-up report
    and no annotations build in a fraction of Taizhou's time."""
    folder = tmp_path_factory.mktemp("small")
    shutil.copytree(ROOT / "content" / "pages", folder / "content" / "pages")
    shutil.copytree(FIXTURES / "reports" / FIXTURE_REPORT, folder / "content" / "reports" / FIXTURE_REPORT)
    (folder / "annotations").mkdir()
    for side_file in (ROOT / "annotations").glob("*.yml"):
        shutil.copy(side_file, folder / "annotations")
    SMALL[:] = ["--content", str(folder / "content"), "--annotations", str(folder / "annotations")]


SMALL: list[str] = []  # the build's source options (small_library)


def start_build(output: Path, pauses: Path | None = None, point: str = "before_swap",
                **env: str) -> subprocess.Popen:
    environ = {**os.environ, **env}
    if pauses is not None:
        environ[publish.PAUSE_ENV.format(point=point.upper())] = str(pauses)
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--no-pdf", "--output", str(output), *SMALL],
                            cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_file(path: Path, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the build ended before {path.name}: {process.communicate()}")
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)


def paused_build(output: Path, pauses: Path, point: str = "before_swap") -> subprocess.Popen:
    process = start_build(output, pauses, point)
    wait_for_file(pauses / f"{point}.waiting", process)
    return process


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> dict:
    """What a build publishes (builds are deterministic: the same bytes each time)."""
    output = tmp_path_factory.mktemp("reference") / "output"
    assert start_build(output).wait(WAIT) == 0
    return snapshot(output)


@pytest.fixture
def old_site(tmp_path, new_site) -> tuple[Path, dict]:
    """A published output/ that differs from what the next build makes (the
    reference build's files plus a marker: no second build per test)."""
    output = tmp_path / "output"
    for name, data in new_site.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(data)
    (output / "marker-of-the-old-site.txt").write_text("old", encoding="utf-8")
    old = snapshot(output)
    assert old != new_site
    pauses = tmp_path / "pauses"
    pauses.mkdir()
    return output, old


def test_killed_before_the_swap_keeps_the_old_site_and_the_next_build_cleans_up(old_site, new_site, tmp_path):
    output, old = old_site
    build = paused_build(output, tmp_path / "pauses")
    assert snapshot(output) == old
    build.kill()
    build.wait(WAIT)
    assert snapshot(output) == old
    assert siblings(output) == ["output.lock", f"output.tmp-{build.pid}"]  # what a killed build leaves
    assert start_build(output).wait(WAIT) == 0
    assert snapshot(output) == new_site
    assert siblings(output) == []


def test_killed_right_after_the_swap_leaves_the_new_complete_site(old_site, new_site, tmp_path):
    output, old = old_site
    build = paused_build(output, tmp_path / "pauses", "after_swap")
    assert snapshot(output) == new_site
    build.kill()
    build.wait(WAIT)
    assert snapshot(output) == new_site
    assert start_build(output).wait(WAIT) == 0
    assert siblings(output) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_ends_with_one_line_and_no_leftovers(old_site, tmp_path, signum):
    output, old = old_site
    build = paused_build(output, tmp_path / "pauses")
    build.send_signal(signum)
    _, stderr = build.communicate(timeout=WAIT)
    assert build.returncode == 130
    assert stderr == publish.MSG_INTERRUPTED.format(name="output") + "\n"
    assert snapshot(output) == old
    assert siblings(output) == []


def test_ctrl_c_during_the_swap_is_held_until_the_swap_is_done(old_site, new_site, tmp_path):
    output, old = old_site
    build = paused_build(output, tmp_path / "pauses", "after_swap")
    build.send_signal(signal.SIGINT)
    (tmp_path / "pauses" / "after_swap.go").touch()
    _, stderr = build.communicate(timeout=WAIT)
    assert build.returncode == 130
    assert stderr == publish.MSG_INTERRUPTED_AFTER_SWAP.format(name="output") + "\n"
    assert snapshot(output) == new_site
    assert siblings(output) == []


def test_a_second_build_refuses_with_one_line_while_the_first_writes(old_site, new_site, tmp_path):
    output, old = old_site
    first = paused_build(output, tmp_path / "pauses")
    second = start_build(output, **{publish.LOCK_WAIT_ENV: "0"})
    _, stderr = second.communicate(timeout=WAIT)
    assert second.returncode == 1
    assert stderr.splitlines()[-1] == publish.MSG_BUSY.format(name="output", pid=first.pid)
    assert snapshot(output) == old
    (tmp_path / "pauses" / "before_swap.go").touch()
    assert first.wait(WAIT) == 0
    assert snapshot(output) == new_site
    assert siblings(output) == []


def test_a_second_build_waits_for_the_first_then_publishes(old_site, new_site, tmp_path):
    output, old = old_site
    first = paused_build(output, tmp_path / "pauses")
    second = start_build(output, **{publish.LOCK_WAIT_ENV: str(WAIT)})
    waiting = publish.MSG_WAITING.format(name="output", pid=first.pid)
    said = next((line.rstrip("\n") for line in second.stderr if line.startswith(waiting)), None)  # EOF: never said
    assert said == waiting
    (tmp_path / "pauses" / "before_swap.go").touch()
    assert first.wait(WAIT) == 0
    assert second.wait(WAIT) == 0
    assert snapshot(output) == new_site
    assert siblings(output) == []


# ---- in-process: the pieces --------------------------------------------------

def make_site(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    a, b = make_site(tmp_path / "a", "A"), make_site(tmp_path / "b", "B")
    publish.exchange(a, b)
    assert (a / "index.html").read_text() == "B" and (b / "index.html").read_text() == "A"


def test_without_exchange_the_fallback_swaps_and_a_kill_between_its_renames_is_repaired(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_renameat2", None)
    output = make_site(tmp_path / "output", "old")
    new = make_site(tmp_path / "output.tmp-1", "new")
    old = publish.swap(new, output)
    assert (output / "index.html").read_text() == "new" and (old / "index.html").read_text() == "old"
    # the state a kill between the two renames leaves: no output/ at all
    output.rename(tmp_path / "output.tmp-2")
    (tmp_path / "output.old-2").mkdir()
    old.rename(tmp_path / "output.old-3")
    os.utime(tmp_path / "output.old-2", (0, 0))  # the newest old folder is the last published site
    publish.remove_leftovers(output)
    assert (output / "index.html").read_text() == "old"
    assert siblings(output) == []


def test_the_lock_refuses_a_second_holder_and_names_the_first(tmp_path):
    output = tmp_path / "output"
    with publish.build_lock(output, wait=0):
        with pytest.raises(publish.Busy) as refused:
            with publish.build_lock(output, wait=0):
                pass
    assert str(refused.value) == publish.MSG_BUSY.format(name="output", pid=os.getpid())
    assert siblings(output) == []  # the lock file goes with the lock


def test_a_publisher_left_without_publishing_removes_its_folder(tmp_path):
    output = make_site(tmp_path / "output", "old")
    make_site(tmp_path / "output.tmp-99999", "killed")  # a killed build's folder
    with publish.Publisher(output, wait=0) as publisher:
        assert siblings(output) == ["output.lock", publisher.folder.name]
        (publisher.folder / "index.html").write_text("half", encoding="utf-8")
    assert (output / "index.html").read_text() == "old"
    assert siblings(output) == []


def test_an_output_in_a_new_folder_is_published(tmp_path):
    output = tmp_path / "new" / "folder" / "output"
    with publish.Publisher(output, wait=0) as publisher:
        make_site(publisher.folder / "site", "new")
        publisher.publish()
    assert (output / "site" / "index.html").read_text() == "new"
    assert siblings(output) == []
