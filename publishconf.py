"""Settings for publishing on the web (`make publish`): pelicanconf.py plus
absolute URLs. The local build (`make`) stays relative and works from file://.

    SITEURL=https://reports.example.org make publish

SITEURL (no trailing slash) is where output/ will be served from; every page
then carries its canonical URL, Open Graph and Twitter card metadata with
absolute image URLs, and the build adds sitemap.xml, robots.txt, _headers and
the service worker that keeps a report readable offline (sw.js).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("SITEURL", "https://report.example.org").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL  # feed entries link to absolute URLs
DEPLOY_HEADERS = "deploy/_headers"  # copied to output/_headers (Netlify, Cloudflare Pages)
OFFLINE_WORKER = "theme/offline/service-worker.js"  # written as output/sw.js: read a report offline
