"""Pelican plugin: the revisions of every term, thread and indicator (from git
history, git_log.py), shown on its page, and an Atom feed of annotation
changes written with Pelican's feed machinery (Writer.write_feed), so that
followers see new and corrected definitions."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from .git_log import Revision, file_revisions

DEFAULTS = {"ANNOTATION_FEED_ATOM": "feeds/annotations.atom.xml"}  # "" writes no feed
KIND_FOLDERS = {"terms": "terms", "threads": "threads", "indicators": "indicators"}


@dataclass
class FeedItem:
    """What Pelican's Writer.write_feed reads of an article."""

    title: str
    url: str
    date: dt.datetime
    summary: str
    author: str = ""

    def get_content(self, site_url: str) -> str:
        return self.summary


def revision_anchor(entry_id: str, revision: Revision) -> str:
    return f"{entry_id}-rev-{revision.commit}"


def entry_url(kind: str, view: dict) -> str:
    return f"indicators.html#{view['id']}" if kind == "indicators" else view["url"]


def entry_name(kind: str, view: dict) -> str:
    return str(view.get({"terms": "term", "threads": "title", "indicators": "name"}[kind]) or view["id"])


def attach_revisions(annotations: dict, history: dict[str, list[Revision]] | None) -> None:
    """Each term, thread and indicator view gets `revisions` (newest first)."""
    for kind, folder in KIND_FOLDERS.items():
        for view in annotations.get(kind, []):
            name = Path(str(view.get("path", ""))).name
            view["revisions"] = [{"commit": r.commit, "date": r.date, "time": r.time, "summary": r.summary,
                                  "anchor": revision_anchor(view["id"], r)}
                                 for r in (history or {}).get(f"{folder}/{name}", [])]


def feed_items(annotations: dict, kinds: dict[str, str], entry_title: str, author: str = "") -> list[FeedItem]:
    """One item per change to one entry, newest first."""
    items = []
    for kind in KIND_FOLDERS:
        for view in annotations.get(kind, []):
            for revision in view.get("revisions", []):
                title = entry_title.format(kind=kinds.get(kind[:-1], ""), name=entry_name(kind, view),
                                           summary=revision["summary"])
                summary = f"<p>{escape(revision['summary'])}</p>"
                if view.get("short"):
                    summary += f"<p>{escape(str(view['short']))}</p>"
                url = f"{entry_url(kind, view).split('#')[0]}#{revision['anchor']}"
                items.append(FeedItem(title, url, dt.datetime.fromisoformat(revision["time"]), summary, author))
    return sorted(items, key=lambda item: (item.date, item.url), reverse=True)


class HistoryGenerator(Generator):
    """Runs after the annotation pages' generator (PLUGINS order), whose views it completes."""

    def generate_context(self) -> None:
        root = Path(self.settings.get("ANNOTATIONS_PATH", "annotations"))
        history = file_revisions(root)
        annotations = self.context.get("annotations") or {}
        attach_revisions(annotations, history)
        self.context["HISTORY_AVAILABLE"] = history is not None
        feed = self.settings.get("ANNOTATION_FEED_ATOM", DEFAULTS["ANNOTATION_FEED_ATOM"])
        self.feed = feed if history is not None else ""
        self.context["ANNOTATION_FEED"] = self.feed  # base.html links it (partials/publish_meta.html)

    def generate_output(self, writer) -> None:
        if not self.feed:
            return
        from labels import labels

        ui = labels(self.settings)
        items = feed_items(self.context.get("annotations") or {}, ui["search_kinds"], ui["feed_entry"],
                           self.settings.get("SITENAME", ""))
        writer.write_feed(items, self.context, self.feed, feed_type="atom", feed_title=ui["feed_title"])


def get_generators(pelican) -> type:
    return HistoryGenerator


def start_git_log(pelican) -> None:
    """initialized: the history is read by git while the build reads the reports."""
    from .git_log import start

    start(Path(pelican.settings.get("ANNOTATIONS_PATH", "annotations")))


def register() -> None:
    # initialized: start `git log` early; get_generators: after the annotation
    # pages' generator, before any page is written
    signals.initialized.connect(start_git_log)
    signals.get_generators.connect(get_generators)
