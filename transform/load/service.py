"""Changes to what a team can absorb: flush and leave an audit event; the request commits."""

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import Team


def set_capacity(team: Team, capacity: int | None) -> bool:
    """Set the team's change capacity (None for the default); False if it was unchanged.

    The team's version column refuses the write if someone saved first.
    """
    before = snapshot(team, "change_capacity")
    team.change_capacity = capacity
    after = snapshot(team, "change_capacity")
    if after == before:
        return False
    db.session.flush()
    record_change("team.capacity_updated", team, None, before=before, after=after)
    return True
