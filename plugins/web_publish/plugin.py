"""Pelican plugin: what publishing the site on the web adds.

- every page: canonical link, Open Graph and Twitter card metadata
  (templates/partials/publish_meta.html reads SITE_ROOT and SOCIAL_IMAGES);
- a social image per report, `<slug>/social.png`, and one for the library;
- `sitemap.xml` and `robots.txt`, when SITEURL is absolute (publishconf.py);
- `_headers` (DEPLOY_HEADERS: Netlify, Cloudflare Pages) copied into the site;
- `sw.js`, the service worker for reading offline (offline.py), when
  OFFLINE_WORKER is set (publishconf.py).
A local build (pelicanconf.py) stays relative and works from file://.
"""
from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import same_files

from . import offline, sitemap
from .social import write_social_image

SOCIAL_IMAGE = "social.png"
# the one place for this plugin's settings and their defaults
DEFAULTS = {
    "DEPLOY_HEADERS": "",  # a _headers file to copy into the site (publishconf.py sets deploy/_headers)
    # the service worker's template (publishconf.py sets theme/offline/service-worker.js);
    # "" in a local build: from file:// a service worker cannot run
    "OFFLINE_WORKER": "",
}


def setting(settings: dict, name: str):
    return settings.get(name, DEFAULTS[name])


def site_root(settings: dict) -> str:
    from web_annotations.export import site_root as root

    return root(settings)


class PublishGenerator(Generator):
    def generate_context(self) -> None:
        from library.resolve import resolve

        self.library = resolve(self.settings)
        self.context["SITE_ROOT"] = site_root(self.settings)  # "" in a local build: no canonical URLs
        images = {slug: f"{slug}/{SOCIAL_IMAGE}" for slug in self.library.slugs}
        self.context["SOCIAL_IMAGES"] = {"": SOCIAL_IMAGE, **images}
        self.context["OFFLINE_WORKER"] = offline.WORKER if setting(self.settings, "OFFLINE_WORKER") else ""

    def generate_output(self, writer) -> None:
        if not self.context["SITE_ROOT"]:
            return  # only a publishing build's pages point at social images (58 ms a report to draw)
        output = Path(self.output_path)
        name = self.settings.get("SITENAME", "")
        for parsed in self.library.reports:
            report = parsed.report
            note = " · ".join(str(x) for x in (report.get("delivered"), report.get("occasion")) if x)
            write_social_image(output / parsed.slug / SOCIAL_IMAGE, report.title, str(report.get("issuer", "")), name, note)
        count = len(self.library.reports)
        years = sorted({r.report.year for r in self.library.reports if r.report.year})
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else "".join(map(str, years))
        from labels import labels

        write_social_image(output / SOCIAL_IMAGE, name, labels(self.settings)["social_library"].format(count=count, years=span), "")


def finish(pelican) -> None:
    """Files made from the finished site: the sitemap lists every page, the
    service worker hashes what it caches."""
    import beside

    beside.wait()  # the annotation pages are written by a forked process: all of them first
    settings, output = pelican.settings, Path(pelican.output_path)
    if not (output / "index.html").exists():
        return  # a failed build: build.py reports it
    root = site_root(settings)
    if root:
        same_files.write_text(output / "sitemap.xml", sitemap.sitemap_xml(root, sitemap.page_paths(output)))
        same_files.write_text(output / "robots.txt", sitemap.robots_txt(root))
    headers = setting(settings, "DEPLOY_HEADERS")
    if headers:
        same_files.copy_file(headers, output / "_headers")
    template = setting(settings, "OFFLINE_WORKER")
    if template:
        from library.resolve import resolve

        offline.write_worker(output, Path(template), resolve(settings).slugs)


def get_generators(pelican) -> type:
    return PublishGenerator


def register() -> None:
    # get_generators: SITE_ROOT and the social images for every template, and the images themselves
    signals.get_generators.connect(get_generators)
    # finalized: every page is written, so the sitemap and the worker's cache list are complete
    signals.finalized.connect(finish)
