"""A dashboard rescored ahead of its window by a `flask worker` (REDIS_URL set).

A view late in an entry's staleness window takes the key's lock and queues `run` with
it (transform/indices/shared_cache.py); the worker scores the wave with the data stamp
of the moment, stores the entry in Redis for every web server, and releases the lock.

The job is queued without retries: a rescore that fails leaves the older entry, and the
first view after the window scores in its request. A programme or wave deleted while
the job waited ends it at once with a failure that says so; the lock is released.
"""

import logging
from datetime import date

from rq import get_current_job

from transform.extensions import db
from transform.indices.cache import MAX_ENTRIES, REFRESH_AHEAD, scored_entry
from transform.indices.shared_cache import RedisDashboardCache
from transform.models import Programme, Wave

logger = logging.getLogger(__name__)


class WaveGone(Exception):
    """The programme or wave of a queued rescore was deleted meanwhile."""


def run(key: tuple[int, int, int | None, date], token: str) -> str:
    """Score the dashboard `key` into the shared cache and release its lock `token`."""
    programme_id, wave_id, root_team_id, today = key
    cache = RedisDashboardCache(get_current_job().connection, MAX_ENTRIES, REFRESH_AHEAD)
    programme = db.session.get(Programme, programme_id)
    wave = db.session.get(Wave, wave_id)
    if programme is None or wave is None or wave.programme_id != programme_id:
        cache.release(key, token)
        raise WaveGone(
            f"Programme {programme_id} or its wave {wave_id} was deleted while the "
            "dashboard waited to be rescored; there is nothing to score."
        )
    cache.rescore(key, token, lambda: scored_entry(programme, wave, root_team_id, today))
    return "rescored"
