"""Degree and level of a change's impact on a team, from a change impact assessment.

Each aspect of work (processes, systems, roles, reporting lines, skills, location,
workload, customer interaction) is scored 0 (no change) to 5 (transformed). The degree
of impact is the mean score over the assessed aspects as a share of the maximum,
0-100: a change that transforms every aspect is 100. Levels: below LOW_BELOW is low,
from HIGH_FROM up is high, medium between.
"""

import enum
from collections.abc import Mapping

MAX_ASPECT_SCORE = 5
LOW_BELOW = 34.0
HIGH_FROM = 67.0


class Level(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def impact_degree(scores: Mapping[str, int]) -> float | None:
    """Mean aspect score as a percentage of the maximum; None when nothing is assessed."""
    if not scores:
        return None
    for aspect, score in scores.items():
        if not 0 <= score <= MAX_ASPECT_SCORE:
            raise ValueError(f"{aspect} scored {score}; scores run 0 to {MAX_ASPECT_SCORE}")
    return 100.0 * sum(scores.values()) / (MAX_ASPECT_SCORE * len(scores))


def impact_level(degree: float) -> Level:
    if degree >= HIGH_FROM:
        return Level.HIGH
    if degree >= LOW_BELOW:
        return Level.MEDIUM
    return Level.LOW
