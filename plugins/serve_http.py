"""The live preview's HTTP server (`build.py serve`): the built site on
127.0.0.1, and nothing else.

http.server's SimpleHTTPRequestHandler, narrowed:
- only Host 127.0.0.1:PORT, localhost:PORT or [::1]:PORT (else 400): a web page
  that points its own domain at 127.0.0.1 (DNS rebinding) could otherwise read
  the preview through the reader's browser;
- no directory listings: a folder serves its index.html or 404;
- an odd path (NUL byte, `..`, undecodable) is a 400, an overlong one a 414, never a
  traceback in the terminal where the rebuild messages are;
- a file outside the site folder (through a symlink) is a 404;
- `X-Content-Type-Options: nosniff` on every response, as on the real host
  (deploy/_headers).

With a LiveState (live reload, plugins/live/): every HTML page is sent with
`<script src="/__live/reload.js">` added before `</head>` (a file of this
origin, so the site's CSP allows it; the built files never hold it), and
/__live/events streams each build's outcome to it (server-sent events).
Before the first good build, any page is a placeholder that shows the
problems and reloads once the build succeeds.
"""
from __future__ import annotations

import functools
import http.server
import sys
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_PATH = 2048  # bytes of URL path; the site's longest is < 100
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
MSG_BAD_HOST = "this preview answers only to 127.0.0.1, localhost or [::1] on its own port"
MSG_BAD_PATH = "not a path of this site"
MSG_HANDLER_ERROR = "serve: {client}: {kind}: {error}"
LIVE = "/__live/"
LIVE_FOLDER = Path(__file__).resolve().parent / "live"
LIVE_FILES = {"reload.js": "text/javascript; charset=utf-8", "live.css": "text/css; charset=utf-8"}
LIVE_TAG = '<script src="/__live/reload.js?site={site}" defer></script>'
KEEPALIVE_SECONDS = 15.0  # an event-stream comment this often: a closed tab is noticed
NO_SITE_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No site yet</title></head>'
                "<body><h1>No site yet</h1><p>The first build failed (its problems are below and in the terminal). "
                "This page reloads by itself once a build succeeds.</p></body></html>")


def allowed_hosts(port: int) -> frozenset[str]:
    return frozenset(f"{host}:{port}" for host in LOCAL_HOSTS)


def safe_path(raw: str) -> bool:
    """A request path we are willing to map to a file below the site folder."""
    try:
        path = unquote(urlsplit(raw).path, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return False
    if "\0" in path or "\\" in path or not path.startswith("/"):
        return False
    return ".." not in path.split("/")


def with_live_script(html: bytes, site: int) -> bytes:
    tag = LIVE_TAG.format(site=site).encode()
    head = html.find(b"</head>")
    return html[:head] + tag + html[head:] if head >= 0 else html + tag


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    live = None  # a LiveState when serving with live reload (see make_server)

    def log_message(self, *args) -> None:  # one line per request drowns the rebuild messages
        pass

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def _refused(self) -> bool:
        """Send the error for a request we will not serve; True if sent."""
        host = (self.headers.get("Host") or "").lower()
        if host not in allowed_hosts(self.server.server_address[1]):
            self.send_error(HTTPStatus.BAD_REQUEST, MSG_BAD_HOST)
            return True
        if len(self.path) > MAX_PATH:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return True
        if not safe_path(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, MSG_BAD_PATH)
            return True
        target = Path(self.translate_path(self.path)).resolve()
        if not target.is_relative_to(Path(self.directory).resolve()):  # a symlink out of the site
            self.send_error(HTTPStatus.NOT_FOUND)
            return True
        return False

    def do_GET(self) -> None:
        if self._refused():
            return
        if self.live is not None and self._live(send_body=True):
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if self._refused():
            return
        if self.live is not None and self._live(send_body=False):
            return
        super().do_HEAD()

    # ---- live reload --------------------------------------------------------

    def _live(self, send_body: bool) -> bool:
        """Answer a live-reload request or an HTML page; False: not ours."""
        path = unquote(urlsplit(self.path).path)
        if path.startswith(LIVE):
            name = path[len(LIVE):]
            if name == "events" and send_body:
                self._events()
            elif name in LIVE_FILES:
                self._send(HTTPStatus.OK, LIVE_FILES[name], (LIVE_FOLDER / name).read_bytes(), send_body)
            else:
                self.send_error(HTTPStatus.NOT_FOUND)
            return True
        site = Path(self.directory)
        target = Path(self.translate_path(self.path))
        if target.is_dir() and path.endswith("/"):
            target = target / "index.html"
        if not site.is_dir() and (path.endswith("/") or path.endswith(".html")):
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8",
                       with_live_script(NO_SITE_PAGE.encode(), 0), send_body)
            return True
        if target.suffix != ".html" or not target.is_file():
            return False
        try:
            html = target.read_bytes()
        except OSError:  # swapped away between the check and the read: the next request has it
            return False
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", with_live_script(html, self.live.current.site), send_body)
        return True

    def _send(self, status: HTTPStatus, kind: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the state now, then each change, until the tab closes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.live.current
        try:
            self.wfile.write(state.event())
            self.wfile.flush()
            while not self.live.closed:
                new = self.live.wait(state, KEEPALIVE_SECONDS)
                self.wfile.write(b": keepalive\n\n" if new == state else new.event())
                self.wfile.flush()
                state = new
        except (BrokenPipeError, ConnectionResetError):  # the tab was closed or reloaded
            pass
        self.close_connection = True

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND)  # reached only for a folder without index.html
        return None


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """One line, not a traceback (a browser that drops a connection is routine)."""
        error = sys.exc_info()[1]
        print(MSG_HANDLER_ERROR.format(client=client_address[0], kind=type(error).__name__, error=error),
              file=sys.stderr, flush=True)


def make_server(folder: Path, port: int, host: str = "127.0.0.1", live=None) -> PreviewServer:
    """A server for `folder`, looked up by path on each request, so a rebuild
    swapped in under the same name is served at once. Port 0: any free port.
    `live`: a LiveState, for pages that reload themselves (see the docstring)."""
    handler = type("Handler", (PreviewHandler,), {"live": live})
    return PreviewServer((host, port), functools.partial(handler, directory=str(folder)))
