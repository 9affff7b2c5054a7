"""Which report kinds exist, what each needs, and where its builder lives.

Builders are imported on first use, so the pages and the CLI load only what they render.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import import_module

from transform.models import Programme, ReportKind
from transform.reports.content import ReportContent

Builder = Callable[..., ReportContent]


@dataclass(frozen=True)
class ReportSpec:
    kind: ReportKind
    label: str
    description: str
    #: "module:function" of `build(programme, as_of, *, team_id=None, wave_id=None)`.
    builder: str
    needs_team: bool = False
    needs_wave: bool = False

    @property
    def slug(self) -> str:
        return self.kind.value.replace("_", "-")


REPORTS: dict[ReportKind, ReportSpec] = {
    spec.kind: spec
    for spec in (
        ReportSpec(
            ReportKind.SPONSOR_PROGRESS,
            "Sponsor progress report",
            "Phases and gates, KPIs against plan, adoption and the main risks, for sponsors.",
            "transform.reports.sponsor:build",
        ),
        ReportSpec(
            ReportKind.OPERATIONAL_ASSESSMENT,
            "Operational assessment",
            "Scope, KPI baseline, readiness baseline, the assessment's findings and priorities.",
            "transform.reports.assessment:build",
        ),
        ReportSpec(
            ReportKind.TEAM_ADOPTION,
            "Team adoption report",
            "One team's adoption over time, its feedback and follow-ups.",
            "transform.reports.team_adoption:build",
            needs_team=True,
        ),
        ReportSpec(
            ReportKind.SURVEY_WAVE,
            "Survey wave report",
            "Results of one survey wave by team and dimension, within the anonymity rules.",
            "transform.reports.survey_wave:build",
            needs_wave=True,
        ),
    )
}


def spec_for_slug(slug: str) -> ReportSpec | None:
    """The report kind a URL names, as `sponsor-progress` or `sponsor_progress`."""
    try:
        return REPORTS[ReportKind(slug.replace("-", "_"))]
    except ValueError:
        return None


def load_builder(kind: ReportKind) -> Builder:
    """Import the kind's builder function."""
    module, _, name = REPORTS[kind].builder.partition(":")
    return getattr(import_module(module), name)


def build(
    kind: ReportKind,
    programme: Programme,
    as_of: date,
    *,
    team_id: int | None = None,
    wave_id: int | None = None,
    **extra,
) -> ReportContent:
    """The report's content, from its builder; `extra` goes to builders that take it
    (the sponsor report's commentary)."""
    return load_builder(kind)(programme, as_of, team_id=team_id, wave_id=wave_id, **extra)
