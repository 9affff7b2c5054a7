"""Scored wave dashboards kept per process, so a busy wave is not rescored on every view.

With REDIS_URL set they are kept in Redis instead, shared by every worker and host
(transform/indices/shared_cache.py); what follows holds for both.

Scoring a wave takes tens of milliseconds of pandas even on small data, and a dashboard
is opened far more often than its figures change. An entry is keyed by (programme, wave,
team filter, date) and carries the programme's data stamp (`transform.data_stamp`:
responses, audited changes, feedback and KPI versions) from when it was computed:

- while the stamp is unchanged, the entry is served as it is: nothing it shows has moved;
- once the stamp has moved, the entry is still served for DASHBOARD_MAX_STALENESS_SECONDS
  after it was computed. While a wave takes a hundred responses a second the stamp moves
  on every one, and this bounds rescoring to once per window per process; the page says
  when its figures were computed. A window of 0 rescores on every change;
- from halfway through the window, the first view of a moved stamp starts a rescore in a
  background thread (with REDIS_URL, a job for a `flask worker`: see
  `transform.indices.rescore`) and is answered from the entry at once, so under steady traffic no
  viewer waits for pandas: the fresh entry is usually in place before the window ends.
  Only a view after the window with no rescore under way scores in the request;
- only one rescore of a key runs at a time; the others meanwhile get the entry there is;
- the dashboard's HTML is rendered once per entry (it shows no one's own data: links and
  figures only), which halves the cost of a view that finds its entry.

ORM objects are not kept across requests (their session is gone by the next one): an
entry holds the dashboard with its waves taken out, and `cached_dashboard` puts the
request's own Wave rows back.
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from cachetools import LRUCache
from flask import Flask, current_app
from markupsafe import Markup
from rq import Queue

from transform import clock
from transform.data_stamp import data_stamp
from transform.extensions import db
from transform.indices import service
from transform.indices.service import WaveDashboard
from transform.indices.shared_cache import RedisDashboardCache
from transform.job_queue import QUEUE_NAME
from transform.models import Programme, Wave
from transform.redis_store import redis_client
from transform.templating import user_locale

#: Enough for every team filter a programme office opens in a day; an enterprise
#: dashboard of 2,000 teams is about a megabyte.
MAX_ENTRIES = 128
EXTENSION = "transform.dashboard_cache"
#: The part of the window after which a moved stamp starts a background rescore.
REFRESH_AHEAD = 0.5

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Entry:
    stamp: str
    computed_at: datetime
    dashboard: WaveDashboard
    readiness_wave_id: int | None
    #: On the cache's clock, when scoring began: the window is measured from it.
    computed_monotonic: float = 0.0
    #: The dashboard's HTML once rendered, by locale: the same for every viewer who
    #: writes dates the same way.
    html: dict[str, Markup] = field(default_factory=dict)


@dataclass(frozen=True)
class CachedDashboard:
    dashboard: WaveDashboard
    computed_at: datetime
    entry: _Entry

    def html(self, render: Callable[[], str]) -> Markup:
        """The dashboard rendered by `render` once per entry and locale, then kept with it."""
        key = user_locale()
        html = self.entry.html.get(key)
        if html is None:
            html = self.entry.html[key] = Markup(render())
        return html


class DashboardCache:
    def __init__(self) -> None:
        self._entries: LRUCache = LRUCache(maxsize=MAX_ENTRIES)
        self._refreshing: set[tuple] = set()
        self._lock = threading.Lock()
        # One thread: background rescores queue rather than crowd the worker's cores.
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard")
        self.clock: Callable[[], float] = time.monotonic

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(
        self,
        key: tuple,
        stamp: str,
        max_staleness_s: float,
        compute: Callable[[], _Entry],
        compute_in_background: Callable[[], _Entry],
    ) -> _Entry:
        """The entry for `key`; `compute` scores in this request, the other in a thread."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                age = now - entry.computed_monotonic
                if entry.stamp == stamp or key in self._refreshing:
                    return entry
                if age < max_staleness_s:
                    if age >= max_staleness_s * REFRESH_AHEAD:
                        self._refreshing.add(key)
                        self._background.submit(self._refresh, key, compute_in_background)
                    return entry
            self._refreshing.add(key)
        try:
            return self._store(key, compute)
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _refresh(self, key: tuple, compute: Callable[[], _Entry]) -> None:
        try:
            self._store(key, compute)
        except Exception:
            # The entry stays; a view after the window rescores in its request and fails
            # visibly there if the fault is still present.
            logger.exception("Rescoring the dashboard %s in the background failed", key)
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _store(self, key: tuple, compute: Callable[[], _Entry]) -> _Entry:
        started = self.clock()
        entry = replace(compute(), computed_monotonic=started)
        with self._lock:
            self._entries[key] = entry
        return entry


def init_dashboard_cache(app: Flask) -> None:
    """Keep dashboards in Redis when the app has one, so workers score each stamp once,
    and rescore ahead of the window on its job queue."""
    client = redis_client(app)
    app.extensions[EXTENSION] = (
        DashboardCache()
        if client is None
        else RedisDashboardCache(
            client, MAX_ENTRIES, REFRESH_AHEAD, Queue(QUEUE_NAME, connection=client)
        )
    )


def dashboard_cache(app: Flask | None = None) -> "DashboardCache | RedisDashboardCache":
    return (app or current_app).extensions[EXTENSION]


def cached_dashboard(
    programme: Programme,
    wave: Wave,
    root_team_id: int | None,
    today: date,
    *,
    stamp: str | None = None,
    max_staleness_s: float | None = None,
) -> CachedDashboard:
    """The wave's dashboard from the cache, or scored and kept.

    `stamp` is the programme's data stamp when the caller has it already;
    `max_staleness_s` overrides DASHBOARD_MAX_STALENESS_SECONDS.
    """
    stamp = data_stamp(programme.id) if stamp is None else stamp
    if max_staleness_s is None:
        max_staleness_s = current_app.config["DASHBOARD_MAX_STALENESS_SECONDS"]
    app = current_app._get_current_object()
    programme_id, wave_id = programme.id, wave.id

    def in_background() -> _Entry:
        with app.app_context():
            try:
                scored = service.wave_dashboard(
                    db.session.get_one(Programme, programme_id),
                    db.session.get_one(Wave, wave_id),
                    root_team_id,
                    today,
                )
                return _detached(stamp, scored)
            finally:
                db.session.remove()

    entry = dashboard_cache().get(
        (programme_id, wave_id, root_team_id, today),
        stamp,
        max_staleness_s,
        lambda: _detached(stamp, service.wave_dashboard(programme, wave, root_team_id, today)),
        in_background,
    )
    readiness_wave = (
        db.session.get(Wave, entry.readiness_wave_id)
        if entry.readiness_wave_id is not None
        else None
    )
    dashboard = replace(
        entry.dashboard,
        wave=wave,
        readiness=replace(entry.dashboard.readiness, wave=readiness_wave),
    )
    return CachedDashboard(dashboard, entry.computed_at, entry)


def scored_entry(programme: Programme, wave: Wave, root_team_id: int | None, today: date):
    """A fresh entry for the key, stamped with the data stamp read before scoring."""
    stamp = data_stamp(programme.id)
    return _detached(stamp, service.wave_dashboard(programme, wave, root_team_id, today))


def current_dashboard(
    programme: Programme, wave: Wave, root_team_id: int | None, as_of: date
) -> WaveDashboard:
    """The wave's dashboard for the data as it stands: the cached one when it was scored
    from the current data stamp (a dashboard view has usually just scored it), else
    scored now and kept for the pages.

    For what must match its data stamp exactly, such as a report stored under that
    stamp: a page may show an entry a little stale, this never does.
    """
    stamp = data_stamp(programme.id)
    cached = cached_dashboard(
        programme, wave, root_team_id, as_of, stamp=stamp, max_staleness_s=0.0
    )
    if cached.entry.stamp == stamp:
        return cached.dashboard
    # Another process is rescoring an older entry: do not wait for it, score here.
    return service.wave_dashboard(programme, wave, root_team_id, as_of)


def _detached(stamp: str, dashboard: WaveDashboard) -> _Entry:
    readiness = dashboard.readiness
    return _Entry(
        stamp=stamp,
        computed_at=clock.utcnow(),
        dashboard=replace(dashboard, wave=None, readiness=replace(readiness, wave=None)),
        readiness_wave_id=readiness.wave.id if readiness.wave is not None else None,
    )
