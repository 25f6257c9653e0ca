"""Give every report block a stable id and wrap parts and sections.

A markdown-it core rule. Input Markdown::

    ## 一、过去五年工作回顾
    ### （一）经济运行稳中向好。
    **市场主体活力持续激发**。建立……

renders as::

    <section class="part" aria-labelledby="p1">
      <h2 id="p1" data-block="heading">一、过去五年工作回顾<a data-ui …>¶</a></h2>
      <section class="section" aria-labelledby="p1-s1">
        <h3 id="p1-s1" data-block="heading">（一）经济运行稳中向好。…</h3>
        <p id="p1-s1-1" data-block="paragraph"><strong>市场主体活力持续激发</strong>。建立……</p>

Id scheme (documented in the README):
- `p<part>` a part heading, `p<part>-s<section>` a section heading,
  `p<part>-s<section>-<n>` the n-th paragraph of a section,
  `p<part>-<n>` the n-th paragraph of a part before its first section;
- inside a `::: <region>` container (notice, title, opening, closing, cc …):
  `<region>` for its heading, `<region>-<n>` for its n-th paragraph.
An id set explicitly with `{#id}` wins.

The rule also records each block in `env["blocks"]` for the search index, the
PDF and the annotation checks: id, kind, level, text, its part number, its
section key and its part/section path.
"""
from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

REGION = "container_region"


def block_text(inline: Token) -> str:
    """The plain text of an inline token, as a reader sees it."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _assign_ids(state: StateCore) -> None:
    part = section = para = region_para = 0
    region: str | None = None
    region_headings = 0
    path: list[str] = ["", ""]
    blocks = state.env.setdefault("blocks", [])
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == f"{REGION}_open":
            region, region_para, region_headings = token.info.strip(), 0, 0
            continue
        if token.type == f"{REGION}_close":
            region = None
            continue
        if token.type not in ("heading_open", "paragraph_open") or token.hidden:
            continue
        heading = token.type == "heading_open"
        text = block_text(tokens[index + 1])
        if region:
            if heading:
                region_headings += 1
                block_id = region if region_headings == 1 else f"{region}-h{region_headings}"
            else:
                region_para += 1
                block_id = f"{region}-{region_para}"
        elif heading and token.tag == "h2":
            part, section, para = part + 1, 0, 0
            block_id, path = f"p{part}", [text, ""]
        elif heading:
            section, para = section + 1, 0
            block_id, path[1] = f"p{part}-s{section}", text
        else:
            para += 1
            block_id = f"p{part}-s{section}-{para}" if section else f"p{part}-{para}"
        block_id = token.attrGet("id") or block_id
        token.attrSet("id", block_id)
        token.attrSet("data-block", "heading" if heading else "paragraph")
        token.meta["block_id"] = block_id
        blocks.append({
            "id": block_id,
            "kind": "heading" if heading else "paragraph",
            "level": int(token.tag[1]) if heading else 0,
            "text": text,
            "region": region or "",
            "part": part if not region else 0,
            # the part or section a block belongs to, for "first in each section" policies
            "section": region or (f"p{part}-s{section}" if section else f"p{part}"),
            "path": [] if region else [p for p in path if p and p != text],
            "classes": (token.attrGet("class") or "").split(),
        })


def _wrap_sections(state: StateCore) -> None:
    """Wrap each part (h2) and section (h3) outside regions in <section>."""
    out: list[Token] = []
    open_levels: list[int] = []

    def close(to: int) -> None:
        while open_levels and open_levels[-1] > to:
            out.append(Token("report_section_close", "section", -1))
            open_levels.pop()

    in_region = False
    for token in state.tokens:
        if token.type == f"{REGION}_open":
            close(0)
            in_region = True
        elif token.type == f"{REGION}_close":
            in_region = False
        elif token.type == "heading_open" and not in_region and token.tag in ("h2", "h3"):
            level = 1 if token.tag == "h2" else 2
            close(level - 1)
            opener = Token("report_section_open", "section", 1)
            classes = ["part" if level == 1 else "section"] + (token.attrGet("class") or "").split()
            opener.attrSet("class", " ".join(classes))
            opener.attrSet("aria-labelledby", token.attrGet("id") or "")
            out.append(opener)
            open_levels.append(level)
        out.append(token)
    close(0)
    state.tokens = out


def block_ids(state: StateCore) -> None:
    _assign_ids(state)
    _wrap_sections(state)


def table_of_contents(blocks: list[dict]) -> dict:
    """What a report page's table of contents lists: the region headings, and
    each part heading with its section headings. Made here once, not by the
    template, which filtered the headings again for every part."""
    headings = [b for b in blocks if b["kind"] == "heading"]
    parts = [{"heading": h, "sections": [s for s in headings if s["level"] == 3 and s["part"] == h["part"]]}
             for h in headings if h["level"] == 2 and not h["region"]]
    return {"regions": [h for h in headings if h["region"]], "parts": parts}


def block_opener(tokens: list[Token], idx: int) -> Token:
    """The heading_open/paragraph_open that tokens[idx] closes: walk back by
    index (as mdit-py-plugins' _find_opening does), never copying the list."""
    level = tokens[idx].level
    for back in range(idx - 1, -1, -1):
        if tokens[back].type in ("heading_open", "paragraph_open") and tokens[back].level == level:
            return tokens[back]
    raise ValueError(f"no opening token for {tokens[idx].type} at {idx}")


def _render_close(self, tokens, idx, options, env) -> str:
    """Closing tag of a block, preceded by its permalink (marked data-ui, so the
    block's report text stays source text only)."""
    opener = block_opener(tokens, idx)
    block_id = opener.meta.get("block_id")
    link = ""
    if block_id and not opener.hidden:
        labels = env["labels"]
        link = (f'<a class="permalink" href="#{escape(block_id)}" data-ui aria-label="{escape(labels["permalink"].format(id=block_id))}"'
                f' title="{escape(labels["permalink_title"])}">¶</a>')
    return link + self.renderToken(tokens, idx, options, env)


def _render_region_open(self, tokens, idx, options, env) -> str:
    name = tokens[idx].info.strip()
    return f'<section class="region region-{name}" data-region="{name}">\n'


def _render_region_close(self, tokens, idx, options, env) -> str:
    return "</section>\n"


def _render_section(self, tokens, idx, options, env) -> str:
    return self.renderToken(tokens, idx, options, env)


def block_ids_plugin(md: MarkdownIt) -> None:
    """Register the id rule (after inline parsing, so block text is known) and
    the renderers for permalinks, regions and section wrappers."""
    from mdit_py_plugins.container import container_plugin

    container_plugin(md, name="region", validate=lambda params, *_: bool(params.strip()))
    md.core.ruler.after("inline", "block_ids", block_ids)
    md.add_render_rule("paragraph_close", _render_close)
    md.add_render_rule("heading_close", _render_close)
    md.add_render_rule(f"{REGION}_open", _render_region_open)
    md.add_render_rule(f"{REGION}_close", _render_region_close)
    md.add_render_rule("report_section_open", _render_section)
    md.add_render_rule("report_section_close", _render_section)


def safe_attrs_plugin(md: MarkdownIt) -> None:
    """`{.class}` / `{#id}` lines before a block, and nothing else: no style,
    no event handlers, whatever a content file says."""
    from mdit_py_plugins.attrs import attrs_block_plugin

    attrs_block_plugin(md, allowed=["class", "id"])
