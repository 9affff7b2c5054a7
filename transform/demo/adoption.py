"""Latent adoption levels that drive both the demo's survey answers and its agents' notes.

A programme has a typical ADKAR curve (each element's level on the 1..5 answer scale at
the start and its growth per month); a team departs from it by being ahead or behind, by
an overall offset, by per-element offsets, or by staying stuck at one element.
"""

from dataclasses import dataclass

from transform.models import Adkar

ELEMENTS = tuple(Adkar)
LOWEST_LEVEL, HIGHEST_LEVEL = 1.3, 4.7
#: Where a stuck team's barrier element sits, whatever else improves around it.
STUCK_LEVEL = 2.4
#: Below this level a change agent sees the team still working on the element.
OBSERVED_THRESHOLD = 3.6
NO_OFFSETS = (0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class AdoptionCurve:
    start: tuple[float, float, float, float, float]
    monthly_growth: tuple[float, float, float, float, float]


@dataclass(frozen=True)
class TeamProfile:
    months_ahead: float = 0.0
    offset: float = 0.0
    element_offsets: tuple[float, float, float, float, float] = NO_OFFSETS
    stuck_at: Adkar | None = None
    #: Latent readiness-survey levels: change commitment and change efficacy.
    commitment: float = 3.5
    efficacy: float = 3.2


def adkar_levels(curve: AdoptionCurve, profile: TeamProfile, months: float) -> dict[str, float]:
    """The team's latent level per ADKAR element, months after the programme started."""
    levels = [
        start + growth * (months + profile.months_ahead) + profile.offset + element_offset
        for start, growth, element_offset in zip(
            curve.start, curve.monthly_growth, profile.element_offsets, strict=True
        )
    ]
    if profile.stuck_at is not None:
        stuck = ELEMENTS.index(profile.stuck_at)
        for index in range(len(levels)):
            if index < stuck:
                # Teams stuck further along tend to be the keen ones who got the message.
                levels[index] += 0.4
            elif index == stuck:
                levels[index] = STUCK_LEVEL + 0.01 * months
            else:
                levels[index] = min(levels[index], STUCK_LEVEL - 0.2)
    return {element.value: _clip(level) for element, level in zip(ELEMENTS, levels, strict=True)}


def readiness_levels(profile: TeamProfile) -> dict[str, float]:
    """The team's latent level per readiness subscale."""
    return {"commitment": profile.commitment, "efficacy": profile.efficacy}


def observed_stage(levels: dict[str, float]) -> Adkar:
    """The element a change agent would see the team working on: the first not yet secured."""
    for element in ELEMENTS:
        if levels[element.value] < OBSERVED_THRESHOLD:
            return element
    return Adkar.REINFORCEMENT


def _clip(level: float) -> float:
    return min(HIGHEST_LEVEL, max(LOWEST_LEVEL, level))
