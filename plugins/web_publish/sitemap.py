"""sitemap.xml and robots.txt for a publishing build (absolute URLs only: a
sitemap with relative ones is invalid, so a local build writes neither)."""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def page_paths(output: Path) -> list[str]:
    """Every HTML page of the site, as a path from its root."""
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


def canonical(site_root: str, path: str) -> str:
    return f"{site_root}/{path}"


def sitemap_xml(site_root: str, paths: list[str]) -> str:
    urls = "".join(f"  <url><loc>{escape(canonical(site_root, p))}</loc></url>\n" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{urls}</urlset>\n'


def robots_txt(site_root: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_root}/sitemap.xml\n"
