"""The PDF renderer reaches nothing but our static files and data: URIs.

A canary HTTP server on localhost records every request. Each planted reference must
fail the render, the canary must see no request, and no PDF may carry a file.
"""

import http.server
import io
import threading
from datetime import date

import pytest
from jinja2 import ChoiceLoader, DictLoader
from pypdf import PdfReader

from tests import factories
from transform.reports import registry, store
from transform.reports.content import ReportContent
from transform.reports.fetcher import BASE_URL, RefusedURL, StaticOnlyFetcher
from transform.reports.render import RenderError, render_pdf


class _Canary(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the http.server API)
        type(self).requests.append(self.path)
        if self.path == "/redirect":
            self._redirect("file:///etc/passwd")
        elif self.path == "/loop":
            self._redirect("/loop")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def canary():
    _Canary.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Canary.requests
    server.shutdown()
    server.server_close()


def _page(body: str, head: str = "") -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="static/css/report.css">{head}</head>'
        f"<body><h1>Report</h1><p>Text.</p>{body}</body></html>"
    )


PLANTED = {
    "file image": lambda c: _page('<img src="file:///etc/passwd">'),
    "http image": lambda c: _page(f'<img src="{c}/x">'),
    "scheme-relative image": lambda c: _page(f'<img src="{c.removeprefix("http:")}/x">'),
    "absolute path": lambda c: _page('<img src="/etc/passwd">'),
    "stylesheet link": lambda c: _page("", f'<link rel="stylesheet" href="{c}/s.css">'),
    "file stylesheet": lambda c: _page("", '<link rel="stylesheet" href="file:///etc/passwd">'),
    "css import": lambda c: _page("", f"<style>@import url({c}/i.css);</style>"),
    "css import string": lambda c: _page("", f'<style>@import "{c}/i2.css";</style>'),
    "css background": lambda c: _page("", f"<style>body {{ background: url({c}/b) }}</style>"),
    "css content": lambda c: _page("", f"<style>h1::after {{ content: url({c}/c) }}</style>"),
    "inline style": lambda c: _page(f'<p style="background-image: url({c}/st)">x</p>'),
    "font face": lambda c: _page(
        "",
        f"<style>@font-face {{ font-family: X; src: url({c}/f.woff) }} p {{ font-family: X }}"
        "</style>",
    ),
    "redirect to file": lambda c: _page(f'<img src="{c}/redirect">'),
    "redirect loop": lambda c: _page(f'<link rel="stylesheet" href="{c}/loop">'),
    "anchor attachment": lambda c: _page(f'<a rel="attachment" href="{c}/a">file</a>'),
    "anchor attachment of a file": lambda c: _page(
        '<a rel="attachment" href="file:///etc/passwd">file</a>'
    ),
    "link attachment": lambda c: _page("", f'<link rel="attachment" href="{c}/l">'),
    "link attachment of our own file": lambda c: _page(
        "", '<link rel="attachment" href="static/css/report.css">'
    ),
    "anchor attachment of our own file": lambda c: _page(
        '<a rel="attachment" href="static/css/report.css">css</a>'
    ),
    "icon link": lambda c: _page("", f'<link rel="icon" href="{c}/favicon.ico">'),
    "preload link": lambda c: _page("", f'<link rel="preload" as="image" href="{c}/p">'),
    "base element": lambda c: _page('<img src="static/favicon.svg">', f'<base href="{c}/">'),
    "object": lambda c: _page(f'<object data="{c}/o" type="image/svg+xml"></object>'),
    "embed": lambda c: _page(f'<embed src="{c}/e" type="image/svg+xml">'),
    "svg image": lambda c: _page(
        f'<svg width="10" height="10"><image href="{c}/si" width="10" height="10"/></svg>'
    ),
    "svg use": lambda c: _page(f'<svg width="10" height="10"><use href="{c}/u#x"/></svg>'),
    "traversal": lambda c: _page('<img src="static/../../etc/passwd">'),
    "encoded traversal": lambda c: _page('<img src="static/%2e%2e/%2e%2e/etc/passwd">'),
    "encoded slash traversal": lambda c: _page('<img src="static/..%2f..%2fetc%2fpasswd">'),
    "missing static file": lambda c: _page('<img src="static/no-such-file.png">'),
    "static with query": lambda c: _page('<img src="static/favicon.svg?x=1">'),
    "ftp": lambda c: _page('<img src="ftp://127.0.0.1/x">'),
}


@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_reference_fails_the_render_and_fetches_nothing(canary, name):
    url, requests = canary
    before = len(requests)
    with pytest.raises(RenderError):
        render_pdf(PLANTED[name](url))
    assert requests[before:] == []


def test_our_static_files_and_data_uris_render(canary):
    _url, requests = canary
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    rendered = render_pdf(_page(f'<img src="{pixel}"><img src="/static/favicon.svg">'))
    assert rendered.pdf.startswith(b"%PDF-")
    assert rendered.page_count >= 1
    _assert_no_embedded_files(rendered.pdf)
    assert requests == []


def test_the_fetcher_keeps_inside_static():
    fetcher = StaticOnlyFetcher()
    assert fetcher.static_file("/static/css/report.css").name == "report.css"
    for path in ("/static/../transform/__init__.py", "/static//etc/passwd", "/etc/passwd"):
        with pytest.raises(RefusedURL):
            fetcher.static_file(path)


def test_a_symlink_out_of_static_is_refused(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("root:x:0:0")
    (root / "link.css").symlink_to(tmp_path / "secret.txt")
    fetcher = StaticOnlyFetcher(root)
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"{BASE_URL}static/link.css")
    assert fetcher.refused == [f"{BASE_URL}static/link.css"]


def test_user_text_is_escaped_in_the_pdf(app, canary, monkeypatch):
    url, requests = canary
    planted = f'<img src="{url}/user">'
    loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "reports/test_user_text.html": (
                        '{% extends "reports/_base.html" %}{% block content %}'
                        '<section class="report-section" id="notes"><h1>Notes</h1>'
                        '<table class="data"><tbody><tr><td>{{ comment }}</td></tr></tbody>'
                        "</table></section>{% endblock %}"
                    )
                }
            ),
            app.jinja_env.loader,
        ]
    )
    monkeypatch.setattr(app.jinja_env, "loader", loader)

    def build(programme, as_of, *, team_id=None, wave_id=None):
        return ReportContent(
            template="reports/test_user_text.html",
            title=f"Title {planted}",
            subtitle=f"Subtitle {planted}",
            sections=[("notes", f"Notes {planted}")],
            context={"comment": f"Comment {planted}"},
        )

    monkeypatch.setattr(registry, "load_builder", lambda kind: build)
    programme = factories.programme(name=f"Programme {planted}")
    report = store.report_pdf(registry.ReportKind.SPONSOR_PROGRESS, programme, date(2026, 11, 22))
    assert requests == []
    assert b"root:" not in report.pdf
    _assert_no_embedded_files(report.pdf)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages)
    assert "Comment <img" in text
    assert "Programme <img" in text


def _assert_no_embedded_files(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
