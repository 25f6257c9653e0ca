"""Pelican plugin: the library around the reports.

The report pages themselves are read by report_markdown (from the resolved
library); this generator tells every template which reports there are
(`REPORTS`, newest first) and writes what belongs to each report folder
beside its page: the source text and the data of its term popovers. It also
writes the library's home page, `index.html`.
"""
from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import same_files

HOME = "index.html"


class ReportsGenerator(Generator):
    def generate_context(self) -> None:
        from library.resolve import resolve

        self.library = resolve(self.settings)
        self.context["REPORTS"] = [parsed.report.view() for parsed in self.library.reports]
        # a report that used to live at the site root (old links: index.html#p1-s2-3)
        forwards = [r for r in self.context["REPORTS"] if "index.html" in (r.get("aliases") or [])]
        self.context["HOME_FORWARD"] = forwards[0]["url"] if forwards else ""

    def generate_output(self, writer) -> None:
        output = Path(self.output_path)
        for parsed in self.library.reports:
            folder = output / parsed.slug
            folder.mkdir(parents=True, exist_ok=True)
            same_files.copy_file(parsed.report.source_path, folder / parsed.report.source_path.name)
        writer.write_file(HOME, self.get_template("library"), self.context,
                          relative_urls=self.settings.get("RELATIVE_URLS", True))


def get_generators(pelican) -> type:
    return ReportsGenerator


def register() -> None:
    # get_generators: REPORTS for every template; the home page and report files
    signals.get_generators.connect(get_generators)
