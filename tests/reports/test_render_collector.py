"""Laying out a PDF pauses the cyclic garbage collector, and leaves it as it found it."""

import gc

import pytest

from transform.reports import render
from transform.reports.fetcher import StaticOnlyFetcher

PAGE = (
    '<html><head><link rel="stylesheet" href="/static/css/report.css"></head>'
    "<body>Hi</body></html>"
)


@pytest.fixture
def collector_seen(monkeypatch) -> list[bool]:
    """Whether the collector ran while WeasyPrint fetched the stylesheet, mid-layout."""
    seen = []
    fetch = StaticOnlyFetcher.fetch

    def fetch_and_look(self, url, headers=None):
        seen.append(gc.isenabled())
        return fetch(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", fetch_and_look)
    return seen


def test_the_collector_waits_during_the_layout_and_runs_again_after(collector_seen):
    assert gc.isenabled()

    rendered = render.render_pdf(PAGE)

    assert rendered.pdf.startswith(b"%PDF")
    assert collector_seen and not any(collector_seen)
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(collector_seen):
    gc.disable()
    try:
        render.render_pdf(PAGE)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_refused_render_runs_the_collector_again():
    with pytest.raises(render.RenderError):
        render.render_pdf('<img src="https://example.com/x.png">')

    assert gc.isenabled()
