"""The pre-commit hook runs the check with the project's venv, and says what
to do when the venv is missing (it used a bare `python`: ModuleNotFoundError)."""
from __future__ import annotations

import shutil
import subprocess

import yaml

from conftest import ROOT

SCRIPT = "tools/venv_python.sh"


def hook_entry() -> str:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return next(h["entry"] for repo in config["repos"] for h in repo["hooks"] if h["id"] == "build-check")


def test_the_hook_runs_the_check_through_the_venv():
    assert hook_entry() == f"{SCRIPT} build.py check"
    result = subprocess.run(hook_entry().split(), cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"})  # no venv on PATH, as in a plain shell
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("check: no problems")


def test_without_a_venv_the_hook_says_to_run_make(tmp_path):
    (tmp_path / "tools").mkdir()
    shutil.copy2(ROOT / SCRIPT, tmp_path / SCRIPT)
    result = subprocess.run([str(tmp_path / SCRIPT), "build.py", "check"], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == f"{tmp_path}/.venv/bin/python is missing: run `make` first (it creates the venv from requirements.lock)\n"
