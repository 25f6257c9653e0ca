"""The preview server (serve_http): only the site's files, only to a local
Host, never a listing or a traceback. In-process: a real server on port 0."""
from __future__ import annotations

import http.client
import threading
from pathlib import Path

import pytest

from serve_http import MSG_BAD_HOST, make_server


@pytest.fixture
def preview(tmp_path, capfd):
    site = tmp_path / "output"
    (site / "terms").mkdir(parents=True)
    (site / "empty").mkdir()
    (site / "index.html").write_text("<p>报告</p>", encoding="utf-8")
    (site / "terms" / "index.html").write_text("<p>术语</p>", encoding="utf-8")
    (site / "empty" / "secret.txt").write_text("not listed", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("outside the site", encoding="utf-8")
    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    assert "Traceback" not in capfd.readouterr().err  # nothing odd reached the terminal as a traceback


def get(port: int, path: str, host: str | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_serves_files_and_a_folders_index_with_nosniff(preview):
    status, headers, body = get(preview, "/index.html")
    assert (status, body.decode()) == (200, "<p>报告</p>")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert get(preview, "/terms/")[2].decode() == "<p>术语</p>"


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_local_hosts_on_this_port_are_served(preview, host):
    assert get(preview, "/index.html", host.format(port=preview))[0] == 200


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1", "localhost:1",
                                  "127.0.0.1:{port}.evil.example", ""])
def test_other_hosts_are_refused_against_dns_rebinding(preview, host):
    status, headers, body = get(preview, "/index.html", host.format(port=preview))
    assert status == 400 and MSG_BAD_HOST in body.decode()
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_folder_without_index_is_not_listed(preview):
    status, _, body = get(preview, "/empty/")
    assert status == 404 and b"secret.txt" not in body


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.txt", "/../outside.txt", "/%2e%2e/outside.txt",
                                  "/terms/%2E%2E/%2E%2E/outside.txt", "/%ff%fe", "/..%5coutside.txt"])
def test_odd_paths_are_refused_without_a_traceback(preview, path):
    status, headers, body = get(preview, path)
    assert status == 400 and b"outside the site" not in body
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_symlink_out_of_the_site_is_not_followed(preview, tmp_path):
    (tmp_path / "output" / "link.txt").symlink_to(tmp_path / "outside.txt")
    status, _, body = get(preview, "/link.txt")
    assert status == 404 and b"outside the site" not in body


def test_an_overlong_path_is_refused(preview):
    assert get(preview, "/" + "a" * 5000)[0] == 414


# ---- live reload (plugins/live/) -----------------------------------------------

@pytest.fixture
def live_preview(tmp_path):
    from live.state import LiveState

    site = tmp_path / "output"
    live = LiveState()
    server = make_server(site, 0, live=live)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield site, live, server.server_address[1]
    live.close()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def stream(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    return connection.getresponse()


def test_before_the_first_good_build_every_page_is_a_placeholder_that_reloads(live_preview):
    site, live, port = live_preview
    status, _, body = get(port, "/taizhou-2022/index.html")
    assert status == 503
    assert b'<script src="/__live/reload.js?site=0" defer></script></head>' in body


def test_pages_get_the_reload_script_and_files_stay_as_built(live_preview):
    site, live, port = live_preview
    site.mkdir()
    (site / "index.html").write_text("<html><head><title>t</title></head><body>报告</body></html>", encoding="utf-8")
    (site / "data.js").write_text("var x = 1;", encoding="utf-8")
    live.built(ok=True)
    page = get(port, "/")[2].decode("utf-8")
    assert page == '<html><head><title>t</title><script src="/__live/reload.js?site=1" defer></script></head><body>报告</body></html>'
    assert get(port, "/data.js")[2] == b"var x = 1;"
    assert "__live" not in (site / "index.html").read_text(encoding="utf-8")
    status, headers, _ = get(port, "/__live/reload.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert get(port, "/__live/nothing")[0] == 404


def test_the_event_stream_sends_the_state_then_each_build(live_preview):
    site, live, port = live_preview
    events = stream(port, "/__live/events")
    assert events.getheader("Content-Type") == "text/event-stream"

    def event() -> dict:
        import json

        while not (line := events.readline().decode("utf-8")).startswith("data: "):
            pass
        return json.loads(line[len("data: "):])

    assert event() == {"site": 0, "ok": True, "problems": ""}
    live.built(ok=False, problems="annotations/terms/x.yml:2:1: bad id\n")
    assert event() == {"site": 0, "ok": False, "problems": "annotations/terms/x.yml:2:1: bad id\n"}
    live.built(ok=True)
    assert event() == {"site": 1, "ok": True, "problems": ""}
