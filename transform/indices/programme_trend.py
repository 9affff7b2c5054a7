"""A programme's adoption index against its previous wave: the whole-wave trend.

The latest wave with results (indices.latest) is compared with the newest older ADKAR
wave whose whole-wave figure is shown, each over the responses submitted by the day and
under the same disclosure control as the dashboard. Waves are independent samples, so
the change carries Welch's 95% interval (scoring.trend); a previous wave whose whole
figure is below the threshold contributes nothing.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from transform.indices.service import adkar_waves
from transform.loaders import wave_frames
from transform.models import Programme, Wave
from transform.scoring.adkar import ADKAR, respondent_adoption
from transform.scoring.anonymity import CellState, disclosure
from transform.scoring.estimate import Estimate
from transform.scoring.items import dimension_scale_points, dimension_scores
from transform.scoring.trend import trend


@dataclass(frozen=True)
class WholeTrend:
    #: The older wave compared with; None when no older wave has a whole figure shown.
    previous: Wave | None
    previous_n: int | None
    change: Estimate


def whole_wave_trend(programme: Programme, latest: Wave, as_of: date) -> WholeTrend:
    """Change of the whole-wave adoption index from the previous shown wave to `latest`."""
    state, current = _progress(programme, latest, as_of)
    if state != CellState.SHOWN:
        return WholeTrend(None, None, Estimate.missing("below the anonymity threshold"))
    waves = adkar_waves(programme, opened_by=as_of)
    older = waves[waves.index(latest) + 1 :] if latest in waves else []
    for wave in older:
        state, previous = _progress(programme, wave, as_of)
        if state == CellState.SHOWN:
            return WholeTrend(wave, int(previous.notna().sum()), trend(previous, current))
    return WholeTrend(None, None, Estimate.missing("no previous wave"))


def _progress(programme: Programme, wave: Wave, as_of: date) -> tuple[CellState, pd.Series]:
    """Whether the whole wave is shown, and each respondent's ADKAR progress."""
    frames = wave_frames(wave.id, as_of)
    scale = int(dimension_scale_points(frames.items).max()) if len(frames.items) else 5
    elements = dimension_scores(frames.answers, frames.items).reindex(columns=["team_id", *ADKAR])
    counts = elements.groupby("team_id").size().to_dict()
    control = disclosure(counts, frames.parents, programme.anonymity_threshold)
    return control.total_state, respondent_adoption(elements, scale)["progress"]
