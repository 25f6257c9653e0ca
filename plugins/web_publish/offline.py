"""The service worker that lets a phone read and search a report offline.

`sw.js` is written at the site root (its scope is the whole site) from
theme/offline/service-worker.js, after one line of data the build adds:

    self.OFFLINE = {"version": …, "shell": [...], "reports": {slug: [...]}};

- shell: what every page needs, cached when the worker installs: the home
  and search pages, the theme's CSS and JS, and every search shard;
- reports[slug]: what reading one report needs: its page, its popover data
  and its annotations; cached when a reader opens that report.
`version` is a hash of every one of those files: a new build that changes any
of them is a new sw.js, so browsers install it, and it replaces the old cache
(re-fetching the reports the reader had). theme/js/offline.js registers it,
on http(s) only: a file:// page cannot run a service worker.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import same_files

WORKER = "sw.js"
SHELL_PAGES = ("index.html", "search.html")
SHELL_FOLDERS = ("theme/css", "theme/js", "search")


def report_files(slug: str) -> list[str]:
    from web_annotations.export import EXPORT_NAME

    return [f"{slug}/index.html", f"{slug}/terms-data.js", f"{slug}/{EXPORT_NAME}"]


def manifest(output: Path, slugs: list[str]) -> dict:
    shell = [p for p in SHELL_PAGES if (output / p).is_file()]
    for folder in SHELL_FOLDERS:
        shell += sorted(p.relative_to(output).as_posix() for p in (output / folder).rglob("*") if p.is_file())
    reports = {slug: [f for f in report_files(slug) if (output / f).is_file()] for slug in slugs}
    digest = hashlib.sha256()
    for path in shell + [f for files in reports.values() for f in files]:
        digest.update(path.encode() + b"\0" + (output / path).read_bytes() + b"\0")
    return {"version": digest.hexdigest()[:16], "shell": shell, "reports": reports}


def worker_script(template: Path, data: dict) -> str:
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("<", "\\u003c")
    return f"self.OFFLINE = {line};\n" + template.read_text(encoding="utf-8")


def write_worker(output: Path, template: Path, slugs: list[str]) -> dict:
    data = manifest(output, slugs)
    same_files.write_text(output / WORKER, worker_script(template, data))
    return data
