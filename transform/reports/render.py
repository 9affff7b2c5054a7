"""HTML to PDF: the one place that calls WeasyPrint."""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from transform.reports.fetcher import BASE_URL, RefusedURL, StaticOnlyFetcher
from transform.scoring.estimate import collector_paused

#: Attributes that name a resource to load, in HTML or inline SVG.
RESOURCE_ATTRIBUTES = frozenset({"src", "srcset", "data", "href", "poster", "background"})


# WeasyPrint reads the style attributes of inline SVG shapes as HTML CSS first, and
# logs each SVG-only property it finds there; its SVG renderer then applies them.
_SVG_STYLE_NOISE = re.compile(
    r"^Ignored `(fill|stroke|text-anchor|clip-rule|marker|paint-order|stop-)[\w-]*:.*"
    r"unknown property\.$"
)


class _SvgStyleNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _SVG_STYLE_NOISE.match(record.getMessage())


class RenderError(Exception):
    """A report could not be rendered safely; nothing was produced."""


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int


def render_pdf(html: str) -> RenderedPdf:
    """Lay out report HTML as a PDF, fetching nothing but our static files and data: URIs.

    The cyclic garbage collector waits meanwhile: the layout makes hundreds of thousands
    of boxes that live until the PDF is written, and the collections they set off walk
    them again and again (a tenth of an enterprise report's layout). What the render
    leaves behind is collected once it is done.
    """
    _quiet_svg_style_warnings()
    fetcher = StaticOnlyFetcher()
    try:
        with collector_paused():
            source = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
            _refuse_foreign_references(source, fetcher)
            document = source.render(font_config=FontConfiguration())
            _refuse_attachments(document)
            pdf = document.write_pdf()
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal fetch error is a BaseException; hand callers an Exception.
        raise RenderError(str(error.__cause__ or error)) from error
    except RefusedURL as error:
        raise RenderError(str(error)) from error
    # Belt and braces: a refusal that some code path turned into a warning still fails.
    if fetcher.refused:
        raise RenderError(f"refused {len(fetcher.refused)} URL(s): {fetcher.refused[0]}")
    return RenderedPdf(pdf=pdf, page_count=len(document.pages))


def _quiet_svg_style_warnings() -> None:
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(existing, _SvgStyleNoise) for existing in logger.filters):
        logger.addFilter(_SvgStyleNoise())


def _refuse_foreign_references(source: HTML, fetcher: StaticOnlyFetcher) -> None:
    # WeasyPrint fetches some references lazily or not at all (<link rel=icon>, SVG
    # <use>); a report names no resource beyond our static files, whether fetched or not.
    # Hyperlinks are not fetched and may point anywhere, but never attach a file.
    for element in source.etree_element.iter():
        if not isinstance(element.tag, str):
            continue
        tag = _local(element.tag)
        if tag == "base":
            raise RenderError("reports set no <base>")
        if tag == "a" and "attachment" in element.get("rel", "").lower().split():
            raise RenderError("reports embed no attachments")
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute not in RESOURCE_ATTRIBUTES or (tag == "a" and attribute == "href"):
                continue
            value = value.strip()
            if value and not value.startswith("#"):
                fetcher.check(urljoin(source.base_url, value))


def _local(name: str) -> str:
    return name.rpartition("}")[2].lower()


def _refuse_attachments(document) -> None:
    # A report embeds no files, not even our own static ones.
    attached = bool(document.metadata.attachments) or any(
        link_type == "attachment" for page in document.pages for link_type, *_ in page.links
    )
    if attached:
        raise RenderError("reports embed no attachments")


__all__ = ["RenderError", "RenderedPdf", "RefusedURL", "render_pdf"]
