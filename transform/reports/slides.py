"""The PowerPoint of a stored sponsor report, draft or published.

The slides are built from the content of the report's as-of date, with the commentary
the report was published with, so they carry the figures of its PDF (a report re-built
for its date reads the same; transform.reports.sponsor).
"""

from transform.models import Programme, Report
from transform.reports import registry
from transform.reports.commentary import Commentary

PPTX_MIMETYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def sponsor_pack(programme: Programme, report: Report) -> bytes:
    """The .pptx of a sponsor report kept in the store."""
    # python-pptx loads on the first export, not with the app.
    from transform.reports.sponsor_slides import sponsor_pptx

    content = registry.build(
        report.kind,
        programme,
        report.as_of,
        commentary=Commentary.from_json(report.commentary),
    )
    return sponsor_pptx(content, programme, report.as_of)
