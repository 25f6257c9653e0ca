"""Pelican settings for the site. Everything true of one report lives in its
folder, content/reports/<slug>/ (report.yml); annotations in annotations/."""
from __future__ import annotations

import sys
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

ROOT = Path(__file__).resolve().parent
_jinja_cache = ROOT / ".cache" / "jinja"
_jinja_cache.mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(ROOT / "plugins"))  # our plugins import each other as packages

SITENAME = "政府工作报告 · 注释版"
SITEURL = ""
RELATIVE_URLS = True  # the site works from any folder and from file://
PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-cn"  # Pelican lower-cases it; <html lang> says zh-CN in the theme

PAGE_PATHS = ["pages", "reports"]  # reports/<slug>/report.md: read from the resolved library
ARTICLE_PATHS: list[str] = []
STATIC_PATHS: list[str] = []  # each report's source text is copied by plugins/reports
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = "{slug}.html"
DIRECT_TEMPLATES = ["search"]
READERS = {"html": None, "rst": None}
# Escape every value a template prints unless it is marked safe: titles and
# fields come from content files.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True,
                     # compiled templates kept between builds (one file per template, checked
                     # against its source): compiling them cost 0.16 s of every build (issue 12)
                     "bytecode_cache": FileSystemBytecodeCache(str(_jinja_cache)),
                     # no stat of each template file on every page: Pelican makes new
                     # environments for each build, so `serve` still sees an edited template
                     "auto_reload": False}

# Nothing blog-like: no feeds, archives, tags, authors or categories.
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = CATEGORY_SAVE_AS = TAG_SAVE_AS = ""
ARTICLE_SAVE_AS = ARTICLE_LANG_SAVE_AS = DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
INDEX_SAVE_AS = ""

# One small document: the content cache would skip our readers' side effects.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["report_markdown", "reports", "annotations", "annotation_history", "search_index", "web_annotations", "web_publish", "report_pdf"]
MARKDOWN_IT_PLUGINS = [
    "report_markdown.blocks:safe_attrs_plugin",
    "report_markdown.blocks:block_ids_plugin",
    "annotations.mark:xrefs_plugin",
    "annotations.mark:marks_plugin",
]
LABELS_PATH = "theme/labels.yml"  # every word the site adds to a report
ANNOTATIONS_PATH = "annotations"
SCHEMAS_PATH = "schemas"
# The archival PDF (plugins/report_pdf): print template and CSS, and the cache
# of font subsets, page numbers and rendered PDFs (by their inputs; outside
# output/, not in git). PDF_REUSE_RENDERED = False forces a render.
PDF_THEME_PATH = "theme/print"
PDF_CACHE_PATH = ".cache/pdf"
# Glossary sort keys (pinyin), remembered between builds: plugins/annotations/sort_keys.py
SORT_KEYS_CACHE = ".cache/sort-keys.json"
