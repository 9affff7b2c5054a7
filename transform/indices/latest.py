"""Which survey wave a page or report shows: the latest with results, and a newer one
still collecting.

A new wave opens with no responses; scoring it would blank every figure. The rule
(docs/scoring.md, "Latest wave"): as of a day, a wave opened by then has results to show
- once its close date has passed, when the wave as a whole reached the anonymity
  threshold of responses submitted by then;
- while it is still open, when at least one of its teams (a team's figure pools its
  subtree) reached the threshold.
Pages and reports take the newest wave with results and name the newer one still
collecting, its count said only as "fewer than N" below the threshold. Dates decide,
not the wave's status, so a report re-rendered for its date picks the same wave.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from transform.extensions import db
from transform.indices.cache import cached_dashboard
from transform.indices.service import TeamFigures
from transform.indices.waves import opened_waves
from transform.models import InstrumentKind, Programme, Response, Wave
from transform.orgtree import load_parents
from transform.scoring.anonymity import CellState, Disclosure, disclosure, effective_threshold
from transform.templating import format_date


@dataclass(frozen=True)
class WaveChoice:
    #: The newest wave opened by the day that has results to show; None when none has.
    wave: Wave | None
    #: The newest wave opened after it (or at all, when none has results) without results.
    collecting: Wave | None
    #: The collecting wave's responses by the day.
    collecting_responses: int
    threshold: int
    as_of: date

    @property
    def collecting_note(self) -> str | None:
        """What a reader should know of the newer wave, in one sentence; None if none."""
        if self.collecting is None:
            return None
        wave = self.collecting
        if self.collecting_responses == 0:
            so_far = "no responses yet"
        elif self.collecting_responses < self.threshold:
            so_far = f"fewer than {self.threshold} responses so far"
        else:
            so_far = (
                f"{self.collecting_responses} responses so far, no team at {self.threshold} yet"
            )
        if wave.closes_on < self.as_of:
            closed = format_date(wave.closes_on)
            return f"“{wave.name}” closed on {closed} without results to show."
        return f"“{wave.name}” is open until {format_date(wave.closes_on)}: {so_far}."


def latest_with_results(
    programme: Programme, kind: InstrumentKind | None, as_of: date
) -> WaveChoice:
    """The wave of `kind` (None: any) whose results to show as of a day, and any newer one
    collecting."""
    waves = opened_waves(programme, kind, opened_by=as_of)
    parents = load_parents() if waves else {}
    collecting, collecting_responses = None, 0
    for wave in waves:
        counts = own_counts(wave, as_of)
        control = disclosure(counts, parents, programme.anonymity_threshold)
        if has_results(wave, control, as_of):
            return WaveChoice(wave, collecting, collecting_responses, control.threshold, as_of)
        if collecting is None:
            collecting, collecting_responses = wave, sum(counts.values())
    threshold = effective_threshold(programme.anonymity_threshold)
    return WaveChoice(None, collecting, collecting_responses, threshold, as_of)


def has_results(wave: Wave, control: Disclosure, as_of: date) -> bool:
    """The rule above, over the wave's disclosure control as of the day."""
    if wave.closes_on < as_of:
        return control.total_state == CellState.SHOWN
    return any(control.cell_state(team) == CellState.SHOWN for team in control.pooled)


def own_counts(wave: Wave, as_of: date) -> dict[int, int]:
    """Responses per team (its own, not its subtree's) submitted by the day."""
    return dict(
        db.session.execute(
            select(Response.team_id, func.count(Response.id))
            .where(Response.wave_id == wave.id, Response.submitted_on <= as_of)
            .group_by(Response.team_id)
        ).all()
    )


@dataclass(frozen=True)
class Headline:
    """The programme's adoption in one line: the latest wave with results, whole wave."""

    choice: WaveChoice
    #: The whole wave's figures (under anonymity); None when no wave has results.
    total: TeamFigures | None


def adoption_headline(programme: Programme, as_of: date) -> Headline:
    """The whole-wave figures of the latest ADKAR wave with results, from the dashboard
    cache the adoption dashboard fills."""
    choice = latest_with_results(programme, InstrumentKind.ADKAR, as_of)
    if choice.wave is None:
        return Headline(choice, None)
    return Headline(choice, cached_dashboard(programme, choice.wave, None, as_of).dashboard.total)
