"""Rules on the text of every annotation field that the JSON Schemas cannot
say, so that `check` refuses what the build would publish wrongly:

- an image in a Markdown field (`![x](http://host/x.png)`): it would load from
  another host, against the site's no-outside-request rule; link instead;
- control characters (NUL, ESC, C1 …; newline and tab are fine): written as
  escapes in quoted YAML ("\\0", "\\x1b"), they reach the HTML and the PDF;
- direction overrides and isolates (U+202A–U+202E, U+2066–U+2069) and
  zero-width characters (U+200B–U+200F, U+2060, U+FEFF): they make text show
  something other than what it says, and a quote or form carrying one never
  matches the report;
- a term related to itself.
Also `schema_message`: a schema error without the (possibly huge) value.
"""
from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

from problems import Problem

from .model import Annotations, Entry

MSG_IMAGE = "{field} shows an image ({url}); images are not allowed"
HINT_IMAGE = "link to it instead: [what it shows](https://…)"
MSG_CONTROL = "{field} contains the control character U+{code:04X}"
HINT_CONTROL = "delete it (in quoted YAML text, an escape such as \\0 or \\x1b writes one)"
MSG_INVISIBLE = "{field} contains the invisible character U+{code:04X} ({name})"
HINT_INVISIBLE = "delete it: it makes the text display differently from what it says"
MSG_SELF_RELATED = "the term is related to itself"
HINT_SELF_RELATED = "remove '{id}' from related"
MSG_TOO_LONG = "is {count} characters long; at most {most} are allowed"
MAX_SHOWN = 60  # characters of a value quoted in a schema message

MARKDOWN_FIELDS = {"definition", "summary", "note", "description"}
INVISIBLE = {*range(0x200B, 0x2010), 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
# C0 and C1 controls but newline and tab, and the invisible ones: one search per string (~1 ms for all files)
REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(re.escape(chr(c)) for c in sorted(INVISIBLE)) + "]")
_md = MarkdownIt("commonmark", {"html": False})  # as views.markdown renders them


def _strings(value, path: tuple = ()):
    """Every string value in the data, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _images(text: str) -> list[str]:
    if "![" not in text:  # every image syntax starts so; most fields never get parsed
        return []
    urls = []
    for token in _md.parse(text):
        for child in token.children or []:
            if child.type == "image":
                urls.append(str(child.attrs.get("src", "")))
    return urls


def _text_problems(entry: Entry, path: tuple, text: str) -> list[Problem]:
    problems = []
    field = ".".join(str(p) for p in path)
    line, column = entry.where(*path)
    for ch in dict.fromkeys(REFUSED.findall(text)):  # each character once, in order
        code = ord(ch)
        if code in INVISIBLE:
            name = unicodedata.name(ch, "FORMAT CHARACTER")
            problems.append(Problem(entry.path, line, column, MSG_INVISIBLE.format(field=field, code=code, name=name),
                                    HINT_INVISIBLE))
        else:
            problems.append(Problem(entry.path, line, column, MSG_CONTROL.format(field=field, code=code), HINT_CONTROL))
    if path and path[-1] in MARKDOWN_FIELDS:
        for url in _images(text):
            problems.append(Problem(entry.path, line, column, MSG_IMAGE.format(field=field, url=url[:MAX_SHOWN]),
                                    HINT_IMAGE))
    return problems


def check_text(ann: Annotations) -> list[Problem]:
    """Text rules for every entry that loaded as a mapping."""
    problems: list[Problem] = []
    for entry in ann.entries:
        for path, text in _strings(entry.data):
            problems += _text_problems(entry, path, text)
        related = entry.data.get("related")
        if entry.kind == "term" and entry.id and isinstance(related, list):
            problems += [Problem(entry.path, *entry.where("related", i), MSG_SELF_RELATED,
                                 HINT_SELF_RELATED.format(id=entry.id))
                         for i, ref in enumerate(related) if ref == entry.id]
    return problems


def schema_message(error) -> str:
    """A jsonschema error's message, without quoting a long value in full (a
    256 KB string would fill the CI log)."""
    if error.validator == "maxLength" and isinstance(error.instance, str):
        return MSG_TOO_LONG.format(count=len(error.instance), most=error.validator_value)
    shown = repr(error.instance)
    if len(shown) > MAX_SHOWN and shown in error.message:
        return error.message.replace(shown, shown[:MAX_SHOWN] + "…", 1)
    return error.message
