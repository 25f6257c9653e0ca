"""Front matter that Pelican would refuse, or publish wrongly, found by `check`.

Before this, `check` passed pages that then failed the build with an unlocated
line ("Could not process ./about.md" for `date: 5` or `status: 7`; "could not
find information about 'title'" for a page without one), or were dropped
without a word (`lang: zh-CN` makes a page a translation, and translations are
not saved). Every field Pelican or our templates read is checked here, with
the line it stands on.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from input_files import InputError
from problems import Problem
from yaml_safe import load_yaml

MSG_NO_TITLE = "the page has no title"
HINT_NO_TITLE = "start the file with three lines: ---, title: …, ---"
MSG_NOT_TEXT = "'{field}' must be text"
MSG_BAD_DATE = "'{field}' is not a date"
HINT_DATE = "write YYYY-MM-DD"
MSG_NO_TEMPLATE = "there is no template '{name}' in the theme"
MSG_NOT_A_PAGE_TEMPLATE = "the template '{name}' is not for pages"
# templates that need what only the generator gives them (a report, the library, a base to extend)
NOT_PAGE_TEMPLATES = ("base", "report", "library", "term", "thread")
MSG_STATUS = "status must be one of: {allowed}"
MSG_OUTSIDE = "'{field}' must be a path inside the site, without '..'"
MSG_LANG = "lang '{lang}' is not the site's language '{default}': the page would not be published"

TEXT_FIELDS = ("title", "slug", "template", "lang", "summary", "save_as", "url", "status", "tags", "category",
               "author", "authors", "source", "source_file", "issuer", "speaker", "occasion", "pdf_slug")
DATE_FIELDS = ("date", "modified", "delivered", "issued")
PATH_FIELDS = ("slug", "save_as", "url")
STATUSES = ("published", "hidden", "draft")


class ContentError(Exception):
    """A content file that cannot be published, with its location."""


def split_front_matter(text: str, path: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ContentError(f"{path}:1:1: front matter opened with --- is never closed; add a line '---' after it")
    meta = load_yaml(text[4:end], path, first_line=2, what="front matter").data or {}  # raises InputError
    if not isinstance(meta, dict):
        raise ContentError(f"{path}:2:1: front matter must be a mapping of field: value")
    meta = {str(key): value for key, value in meta.items()}
    body_start = text.count("\n", 0, end + 5)
    # keep line numbers of the body aligned with the file for error messages
    return meta, "\n" * body_start + text[end + 5:]


def check_front_matter(text: str, path: str, settings: dict) -> list[Problem]:
    """Problems of one page's front matter (its syntax is checked by split_front_matter)."""
    end = text.find("\n---\n", 4) if text.startswith("---\n") else -1
    if end < 0:
        return [Problem(path, 1, 1, MSG_NO_TITLE, HINT_NO_TITLE)]
    try:
        located = load_yaml(text[4:end], path, first_line=2, what="front matter")
    except InputError:  # reported by split_front_matter
        return []
    meta = located.data if isinstance(located.data, dict) else {}
    problems = []

    def problem(field: str, message: str, hint: str = "") -> None:
        problems.append(Problem(path, *located.where((field,)), message, hint))

    if "title" not in meta or meta["title"] == "":
        problem("title", MSG_NO_TITLE, "write `title: …` between the --- lines")
    for field in TEXT_FIELDS:
        if field in meta and not isinstance(meta[field], str):
            problem(field, MSG_NOT_TEXT.format(field=field), "quote it")
    for field in DATE_FIELDS:
        value = meta.get(field)
        if field in meta and not _is_date(value):
            problem(field, MSG_BAD_DATE.format(field=field), HINT_DATE)
    for field in PATH_FIELDS:
        value = meta.get(field)
        if isinstance(value, str) and (value.startswith("/") or ".." in PurePosixPath(value).parts or "\\" in value):
            problem(field, MSG_OUTSIDE.format(field=field), "for example: about.html")
    template = meta.get("template")
    if isinstance(template, str) and not (Path(settings["THEME"]) / "templates" / f"{template}.html").is_file():
        problem("template", MSG_NO_TEMPLATE.format(name=template), "use a file name of theme/templates/ without .html")
    elif template in NOT_PAGE_TEMPLATES:
        problem("template", MSG_NOT_A_PAGE_TEMPLATE.format(name=template),
                "use page (or about, downloads); a report is added with `build.py new report`")
    status = meta.get("status")
    if isinstance(status, str) and status not in STATUSES:
        problem("status", MSG_STATUS.format(allowed=", ".join(STATUSES)))
    lang, default = meta.get("lang"), settings.get("DEFAULT_LANG", "")
    if isinstance(lang, str) and default and lang != default:
        problem("lang", MSG_LANG.format(lang=lang, default=default), f"write lang: {default}")
    return problems


def _is_date(value) -> bool:
    if not isinstance(value, str) or not value[:4].isdigit() or len(value) < 10:
        return False
    from pelican.utils import get_date  # Pelican's own date rule; imported only for a page with a date

    try:
        get_date(value)
    except (ValueError, OverflowError, TypeError):
        return False
    return True
