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


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
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
        if not self._refused():
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._refused():
            super().do_HEAD()

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


def make_server(folder: Path, port: int, host: str = "127.0.0.1") -> PreviewServer:
    """A server for `folder`, looked up by path on each request, so a rebuild
    swapped in under the same name is served at once. Port 0: any free port."""
    handler = functools.partial(PreviewHandler, directory=str(folder))
    return PreviewServer((host, port), handler)
