"""What changed in the annotation files, and when: from git, in one call.

One `git log` over the whole annotations folder per build (not one per file:
160 terms would cost 160 processes), with each commit's date, short hash and
subject line, and the files it touched. No git binary, no repository (a build
from a tarball) or a failing git: `None`, and the pages say that the history
is unavailable. A shallow clone gives only the history it holds: CI must fetch
the full history (docs/publish-workflow.yml: fetch-depth: 0).
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

RECORD, UNIT = "\x1e", "\x1f"
# git's own variables from a hook (GIT_DIR …) would point it at another repository
GIT_ENV_DROPPED = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX")


@dataclass(frozen=True)
class Revision:
    commit: str  # abbreviated hash
    time: str  # ISO 8601 with offset: the author date
    summary: str  # the commit's subject line

    @property
    def date(self) -> str:
        return self.time[:10]


_started: dict[tuple[str, str], subprocess.Popen] = {}


def _command(git: str) -> list[str]:
    return [git, "-c", "core.quotepath=off", "log", "--no-merges", "--no-renames", "--relative",
            f"--format={RECORD}%h{UNIT}%aI{UNIT}%s", "--name-only", "--", "."]


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in GIT_ENV_DROPPED}


def start(folder: Path, git: str = "git") -> None:
    """Start the `git log` now, while the build reads its reports; `git_log`
    takes its output later (it cost ~50 ms of waiting in every build)."""
    earlier = _started.pop((str(folder), git), None)
    if earlier is not None:  # started by a build that stopped before reading it: not this build's history
        earlier.kill()
        earlier.communicate()
    if not folder.is_dir():
        return
    try:
        _started[str(folder), git] = subprocess.Popen(_command(git), cwd=folder, env=_env(), text=True,
                                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError:  # no git binary: git_log says so
        pass


def git_log(folder: Path, git: str = "git") -> str | None:
    env = _env()
    try:
        process = _started.pop((str(folder), git), None)
        if process is not None:
            stdout, _ = process.communicate(timeout=120)
            status = process.returncode
        else:
            result = subprocess.run(_command(git), cwd=folder, env=env, capture_output=True, text=True, timeout=120)
            stdout, status = result.stdout, result.returncode
        if status == 0:
            return stdout
        # a repository without a commit yet has an empty history, not an unavailable one
        inside = subprocess.run([git, "rev-parse", "--is-inside-work-tree"], cwd=folder, env=env,
                                capture_output=True, text=True, timeout=30)
        return "" if inside.returncode == 0 and inside.stdout.strip() == "true" else None
    except (OSError, subprocess.SubprocessError):  # no git binary, or it hung
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        return None


def parse_log(text: str) -> dict[str, list[Revision]]:
    """Revisions by file (paths relative to the folder), newest first."""
    by_file: dict[str, list[Revision]] = {}
    for record in text.split(RECORD)[1:]:
        head, _, names = record.partition("\n")
        commit, time, summary = (head.split(UNIT) + ["", ""])[:3]
        revision = Revision(commit, time, summary.strip())
        for name in names.splitlines():
            if name.strip():
                by_file.setdefault(name.strip(), []).append(revision)
    return by_file


def file_revisions(folder: Path, git: str = "git") -> dict[str, list[Revision]] | None:
    """Every annotation file's revisions, or None when the history is unavailable."""
    if not folder.is_dir():
        return None
    text = git_log(folder, git)
    return None if text is None else parse_log(text)
