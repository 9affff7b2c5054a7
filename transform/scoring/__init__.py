"""The scoring core: pure functions over plain values and pandas frames.

No Flask, no SQLAlchemy, no I/O, no clock: callers pass `today` and data in.
"""

from transform.scoring.adkar import (
    ADKAR,
    barrier_points,
    observed_vs_survey,
    progress,
    team_adoption,
)
from transform.scoring.anonymity import (
    CellState,
    Disclosure,
    comment_visible,
    disclosure,
    suppressed_teams,
)
from transform.scoring.estimate import CONFIDENCE, Estimate
from transform.scoring.forecast import Forecast, WaveRate, forecast_adoption
from transform.scoring.items import (
    dimension_scale_points,
    dimension_scores,
    item_matrices,
    item_matrix,
    normalise,
    reverse_code,
    scored_answers,
)
from transform.scoring.kpi import (
    DEFAULT_AT_RISK,
    DEFAULT_OFF_TRACK,
    KpiLine,
    KpiStatus,
    Reading,
    Shape,
    Status,
    Trend,
    kpi_status,
    planned_progress_at,
    planned_values,
    readings,
    shape_fraction,
    status_of,
    value_problem,
)
from transform.scoring.kpi import progress as kpi_progress
from transform.scoring.readiness import ReadinessResult, readiness_index
from transform.scoring.reliability import (
    ALPHA_FLAG,
    alpha_by_dimension,
    cronbach_alpha,
    is_flagged,
)
from transform.scoring.rollup import pooled, rollup_adoption, subtree_members
from transform.scoring.schedule import (
    AMBER_VARIANCE,
    RED_VARIANCE,
    Rag,
    ScheduleVariance,
    schedule_variance,
)
from transform.scoring.stats import (
    bounded_mean_ci,
    difference_ci,
    proportion_ci,
    rwg,
    rwg_j,
)
from transform.scoring.trend import rate_trend, trend

__all__ = [
    "AMBER_VARIANCE",
    "CONFIDENCE",
    "Estimate",
    "RED_VARIANCE",
    "Rag",
    "ScheduleVariance",
    "schedule_variance",
    "ALPHA_FLAG",
    "alpha_by_dimension",
    "cronbach_alpha",
    "difference_ci",
    "dimension_scale_points",
    "dimension_scores",
    "is_flagged",
    "item_matrices",
    "item_matrix",
    "bounded_mean_ci",
    "normalise",
    "proportion_ci",
    "reverse_code",
    "rwg",
    "rwg_j",
    "scored_answers",
    "ADKAR",
    "barrier_points",
    "observed_vs_survey",
    "progress",
    "team_adoption",
    "CellState",
    "Disclosure",
    "comment_visible",
    "disclosure",
    "suppressed_teams",
    "ReadinessResult",
    "readiness_index",
    "pooled",
    "rollup_adoption",
    "subtree_members",
    "Forecast",
    "WaveRate",
    "forecast_adoption",
    "rate_trend",
    "trend",
    "DEFAULT_AT_RISK",
    "DEFAULT_OFF_TRACK",
    "KpiLine",
    "KpiStatus",
    "Reading",
    "Shape",
    "Status",
    "Trend",
    "kpi_progress",
    "kpi_status",
    "planned_progress_at",
    "planned_values",
    "readings",
    "shape_fraction",
    "status_of",
    "value_problem",
]
