"""Score the dashboards people open first into the shared cache before they open them.

A dashboard entry is keyed by the day and carries the data stamp, whose code part moves
with every deployment that changes the report or chart modules. So after a deployment, and again
each morning, every dashboard is cold, and its first viewers wait for pandas (an
enterprise wave of 40,000 respondents takes seconds). `flask dashboards warm`, run
after `flask db upgrade` on a deployment and daily from cron just after midnight, scores
each active programme's opened ADKAR waves for the whole programme (the view the
adoption page, the programme page and the reports open) into the shared cache.

Only worth it with REDIS_URL: without it each web process keeps its own cache, which a
command run in a process of its own cannot fill.
"""

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from transform.extensions import db
from transform.indices.cache import cached_dashboard
from transform.indices.service import adkar_waves
from transform.models import Programme, ProgrammeStatus


@dataclass(frozen=True)
class Warmed:
    programme: str
    wave: str
    seconds: float


def warm_dashboards(today: date) -> list[Warmed]:
    """Score (or find current) every active programme's opened ADKAR waves as of today."""
    warmed = []
    programmes = db.session.scalars(
        select(Programme)
        .where(Programme.status != ProgrammeStatus.ARCHIVED)
        .order_by(Programme.id)
    )
    for programme in programmes:
        for wave in adkar_waves(programme, opened_by=today):
            started = time.perf_counter()
            cached_dashboard(programme, wave, None, today)
            seconds = time.perf_counter() - started
            warmed.append(Warmed(programme.name, wave.name, seconds))
    return warmed
