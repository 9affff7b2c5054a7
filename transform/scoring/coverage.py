"""Change agent coverage of a programme: who covers which impacted team, and how heavily.

People per agent is the total headcount of the programme's impacted teams divided by
the number of distinct agents assigned to them; the programme's target (default 50)
implies ceil(people / target) agents, so the agents still needed are that less the
agents there are, never below zero. An agent's load is the summed headcount of the
teams they cover: a team shared by two agents counts in full for each, as each answers
for the whole team. An agent is over target when their load exceeds the target.

An agent is quiet when their last feedback entry in the programme was observed more
than QUIET_AFTER_DAYS days before `today`, or when they never logged one.

Assignments to teams the programme no longer impacts do not count.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from transform.scoring.impact import Level, impact_level

#: Days without a feedback entry after which an agent counts as quiet.
QUIET_AFTER_DAYS = 14
LEVEL_ORDER = {Level.HIGH: 0, Level.MEDIUM: 1, Level.LOW: 2}


@dataclass(frozen=True)
class ImpactedTeam:
    team_id: int
    name: str
    headcount: int
    level: Level


@dataclass(frozen=True)
class AgentLoad:
    agent_id: int
    team_ids: tuple[int, ...]
    people: int
    #: People covered as a share of the target, 1.0 being exactly on target.
    ratio: float
    is_over_target: bool


@dataclass(frozen=True)
class QuietAgent:
    agent_id: int
    last_entry_on: date | None
    #: Days since the last entry; None when the agent never logged one.
    days_quiet: int | None


@dataclass(frozen=True)
class Coverage:
    people: int
    agents: int
    target: int
    #: People per agent; None when no agent is assigned.
    people_per_agent: float | None
    agents_needed: int
    #: Agents still needed to meet the target; 0 when it is met.
    agents_short: int
    #: Impacted teams nobody covers: high impact first, then the largest.
    uncovered: tuple[ImpactedTeam, ...]
    #: One row per agent: the heaviest load first.
    loads: tuple[AgentLoad, ...]
    #: Agents without a recent entry: those who never logged first, then the longest quiet.
    quiet: tuple[QuietAgent, ...]

    @property
    def is_over_target(self) -> bool:
        """True when each agent has more people than the target, or people have no agent."""
        if self.people_per_agent is None:
            return self.people > 0
        return self.people_per_agent > self.target

    @property
    def people_uncovered(self) -> int:
        return sum(team.headcount for team in self.uncovered)


def effective_level(degree: float | None, level: Level | str) -> Level:
    """The assessed level when the impact was assessed, else the level set by hand."""
    return impact_level(degree) if degree is not None else Level(level)


def agents_needed(people: int, target: int) -> int:
    """Agents the target ratio implies for this many people."""
    if target <= 0:
        raise ValueError("the target of people per agent must be positive")
    return math.ceil(people / target)


def is_quiet(last_entry_on: date | None, today: date) -> bool:
    return last_entry_on is None or (today - last_entry_on).days > QUIET_AFTER_DAYS


def coverage(
    teams: Iterable[ImpactedTeam],
    assignments: Iterable[tuple[int, int]],
    last_entries: Mapping[int, date],
    target: int,
    today: date,
) -> Coverage:
    """Coverage of the impacted teams by the (agent id, team id) assignments on `today`."""
    teams_by_id = {team.team_id: team for team in teams}
    covered_by: dict[int, list[int]] = {}
    for agent_id, team_id in assignments:
        if team_id in teams_by_id and team_id not in covered_by.get(agent_id, []):
            covered_by.setdefault(agent_id, []).append(team_id)
    people = sum(team.headcount for team in teams_by_id.values())
    agents = len(covered_by)
    needed = agents_needed(people, target)
    covered = {team_id for team_ids in covered_by.values() for team_id in team_ids}
    uncovered = sorted(
        (team for team in teams_by_id.values() if team.team_id not in covered),
        key=lambda team: (LEVEL_ORDER[team.level], -team.headcount, team.name, team.team_id),
    )
    loads = []
    for agent_id, team_ids in covered_by.items():
        load = sum(teams_by_id[team_id].headcount for team_id in team_ids)
        loads.append(AgentLoad(agent_id, tuple(team_ids), load, load / target, load > target))
    loads.sort(key=lambda row: (-row.people, row.agent_id))
    quiet = [
        QuietAgent(
            agent_id,
            last_entries.get(agent_id),
            None if agent_id not in last_entries else (today - last_entries[agent_id]).days,
        )
        for agent_id in covered_by
        if is_quiet(last_entries.get(agent_id), today)
    ]
    quiet.sort(key=lambda row: (row.days_quiet is not None, -(row.days_quiet or 0), row.agent_id))
    return Coverage(
        people=people,
        agents=agents,
        target=target,
        people_per_agent=people / agents if agents else None,
        agents_needed=needed,
        agents_short=max(0, needed - agents),
        uncovered=tuple(uncovered),
        loads=tuple(loads),
        quiet=tuple(quiet),
    )
