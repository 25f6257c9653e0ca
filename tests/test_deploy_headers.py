"""deploy/_headers (Netlify, Cloudflare Pages) and deploy/nginx.conf: the
Content-Security-Policy is the page's meta policy plus frame-ancestors, the
security headers are there, and each URL gets one cache lifetime."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT

HEADERS = ROOT / "deploy" / "_headers"
NGINX = ROOT / "deploy" / "nginx.conf"
META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Strict-Transport-Security": "max-age=31536000; includeSubDomains"}
IMMUTABLE = "public, max-age=31536000, immutable"
SAMPLE_URLS = {  # URL → the longest lifetime it may have, in seconds
    "/": 3600, "/index.html": 3600, "/search.html": 3600, "/terms/rcep.html": 3600,
    "/theme/css/site.css": 86400, "/theme/js/search.js": 86400, "/report.pdf": 86400,
    "/sw.js": 0, "/taizhou-2022/annotations.jsonld": 3600, "/feeds/annotations.atom.xml": 3600,
    "/search/report.8a2c23c33d.js": None, "/search/lunr-2.3.9.min.js": None,  # None: immutable
}


def parse_headers_file(text: str) -> list[tuple[str, dict[str, str]]]:
    """The rules of a _headers file: a URL pattern line, then indented `Name: value` lines."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
            continue
        name, _, value = line.strip().partition(":")
        assert rules and value, f"not a header line under a URL pattern: {line!r}"
        rules[-1][1][name.strip()] = value.strip()
    return rules


def matches(pattern: str, url: str) -> bool:
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), url) is not None


def directives(policy: str) -> dict[str, str]:
    pairs = (d.strip().split(None, 1) for d in policy.split(";") if d.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in pairs}


@pytest.fixture(scope="module")
def rules():
    return parse_headers_file(HEADERS.read_text(encoding="utf-8"))


def meta_policy() -> dict[str, str]:
    return directives(META_CSP.search((ROOT / "theme" / "templates" / "base.html").read_text(encoding="utf-8")).group(1))


def test_the_csp_is_the_meta_policy_plus_frame_ancestors(rules):
    site_wide = dict(rules)["/*"]
    assert directives(site_wide["Content-Security-Policy"]) == {**meta_policy(), "frame-ancestors": "'none'"}
    assert {name: site_wide.get(name) for name in SECURITY} == SECURITY


@pytest.mark.parametrize("url", sorted(SAMPLE_URLS))
def test_each_url_gets_one_cache_lifetime_long_only_for_hashed_names(rules, url):
    values = [h["Cache-Control"] for pattern, h in rules if "Cache-Control" in h and matches(pattern, url)]
    assert len(values) == 1, f"{url}: {values} (hosts join the values of several matching rules)"
    longest = SAMPLE_URLS[url]
    if longest is None:
        assert values[0] == IMMUTABLE
    else:
        assert int(re.search(r"max-age=(\d+)", values[0]).group(1)) <= longest and "immutable" not in values[0]


def test_nginx_sends_the_same_headers():
    text = NGINX.read_text(encoding="utf-8")
    sent = dict(re.findall(r'^\s*add_header\s+(\S+)\s+"([^"]*)"\s+always;', text, re.M))
    assert directives(sent.pop("Content-Security-Policy")) == {**meta_policy(), "frame-ancestors": "'none'"}
    assert sent == SECURITY
    cache_map = dict((m[0], m[1]) for m in re.findall(r'^\s*(~\S+|default)\s+"([^"]+)";', text, re.M))
    for url, longest in SAMPLE_URLS.items():
        value = next((v for k, v in cache_map.items() if k != "default" and re.search(k[1:], url)), cache_map["default"])
        assert (value == IMMUTABLE) == (longest is None), url
