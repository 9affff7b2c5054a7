"""The only way a report reaches outside its HTML: our static files and `data:` URIs.

Report HTML is resolved against a virtual root, BASE_URL, so `static/css/report.css`
(or `/static/...`) means a file under the project's `static/` folder. Any other URL —
file://, http(s)://, ftp://, another host, a path outside `static/`, a symlink leaving
it, a missing file — is refused, and a refusal fails the whole render: WeasyPrint gets
`fail_on_errors` (a fatal error it does not turn into a warning) and the fetcher also
remembers every refusal so that the renderer raises even if some code path swallowed it.
Nothing is fetched over the network, so there are no redirects to follow.
"""

import base64
import mimetypes
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from transform.config import PROJECT_ROOT

#: The virtual origin report HTML is resolved against; `.invalid` never resolves (RFC 2606).
BASE_URL = "https://report.invalid/"
STATIC_ROOT = PROJECT_ROOT / "static"
_ORIGIN = urlsplit(BASE_URL)
_TYPES = {
    ".css": "text/css",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
}


class RefusedURL(Exception):
    """A report referred to something other than our static files or a data: URI."""


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint fetcher that serves `static/` and `data:` and refuses the rest."""

    def __init__(self, static_root: Path = STATIC_ROOT):
        super().__init__(fail_on_errors=True, allow_redirects=False, allowed_protocols=())
        self.static_root = static_root.resolve()
        #: Every URL refused during the render, in order.
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            if url.startswith("data:"):
                return _data_response(url)
            return self._static_response(url)
        except Exception as error:
            self.refused.append(url)
            raise RefusedURL(f"refused {_shorten(url)}: {error}") from error

    def check(self, url: str) -> None:
        """Refuse, and remember, a URL the fetcher would not serve; fetch nothing."""
        try:
            if not url.startswith("data:"):
                self._static_path(url)
        except RefusedURL as error:
            self.refused.append(url)
            raise RefusedURL(f"refused {_shorten(url)}: {error}") from error

    def _static_response(self, url: str) -> URLFetcherResponse:
        path = self._static_path(url)
        content_type = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": content_type or "application/octet-stream"}
        )

    def _static_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (_ORIGIN.scheme, _ORIGIN.netloc):
            raise RefusedURL("only the report's own static files may be fetched")
        if parts.query:
            raise RefusedURL("static URLs take no query")
        return self.static_file(unquote(parts.path))

    def static_file(self, url_path: str) -> Path:
        """The file under the static root that `/static/<name>` names, or refuse."""
        if not url_path.startswith("/static/"):
            raise RefusedURL("not under /static/")
        relative = url_path.removeprefix("/static/")
        pieces = relative.split("/")
        if any(piece in ("", ".", "..") or "\\" in piece or "\0" in piece for piece in pieces):
            raise RefusedURL("not a plain path")
        candidate = self.static_root.joinpath(*pieces)
        # resolve() follows symlinks, so a link pointing out of static/ is refused too.
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.static_root) or not resolved.is_file():
            raise RefusedURL("no such static file")
        return resolved


def _data_response(url: str) -> URLFetcherResponse:
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise RefusedURL("malformed data: URI")
    media_type, *params = header.split(";")
    if params and params[-1].lower() == "base64":
        body = base64.b64decode(unquote_to_bytes(payload), validate=False)
        params = params[:-1]
    else:
        body = unquote_to_bytes(payload)
    headers = {"Content-Type": ";".join([media_type or "text/plain", *params])}
    return URLFetcherResponse(url, body, headers)


def _shorten(url: str) -> str:
    return url if len(url) <= 120 else f"{url[:117]}..."
