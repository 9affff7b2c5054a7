"""What a report builder hands the renderer: its template, titles, sections and context.

Every report kind has a builder `build(programme, as_of, *, team_id=None, wave_id=None)`
returning ReportContent. The builder reads the data as of the date and applies the
anonymity rules exactly as the pages do; the renderer only lays it out.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReportContent:
    #: The Jinja template, extending "reports/_base.html".
    template: str
    title: str
    subtitle: str
    #: (anchor id, heading) of each top-level section, in order: the table of contents.
    sections: list[tuple[str, str]]
    #: What the template needs beyond `programme`, `as_of`, `report` and `sections`.
    context: dict[str, Any] = field(default_factory=dict)
    #: Headline figures kept with the stored report (sponsor reports), else None.
    headline: dict | None = None
