"""Scored wave dashboards kept per process, so a busy wave is not rescored on every view.

Scoring a wave takes tens of milliseconds of pandas even on small data, and a dashboard
is opened far more often than its figures change. An entry is keyed by (programme, wave,
team filter, date) and carries the programme's data stamp (`reports.store.data_stamp`:
responses, audited changes, feedback and KPI versions) from when it was computed:

- while the stamp is unchanged, the entry is served as it is: nothing it shows has moved;
- once the stamp has moved, the entry is still served for DASHBOARD_MAX_STALENESS_SECONDS
  after it was computed. While a wave takes a hundred responses a second the stamp moves
  on every one, and this bounds rescoring to once per window per process; the page says
  when its figures were computed. A window of 0 rescores on every change;
- only one request rescores a key at a time; the others meanwhile get the entry there is;
- the dashboard's HTML is rendered once per entry (it shows no one's own data: links and
  figures only), which halves the cost of a view that finds its entry.

ORM objects are not kept across requests (their session is gone by the next one): an
entry holds the dashboard with its waves taken out, and `cached_dashboard` puts the
request's own Wave rows back.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from cachetools import LRUCache
from flask import Flask, current_app
from markupsafe import Markup

from transform.adoption.service import WaveDashboard
from transform.extensions import db
from transform.models import Programme, Wave
from transform.reports.store import data_stamp

#: Enough for every team filter a programme office opens in a day; an enterprise
#: dashboard of 2,000 teams is about a megabyte.
MAX_ENTRIES = 128
EXTENSION = "transform.dashboard_cache"


@dataclass(frozen=True)
class _Entry:
    stamp: str
    computed_monotonic: float
    computed_at: datetime
    dashboard: WaveDashboard
    readiness_wave_id: int | None
    #: The dashboard's HTML once rendered; it is the same for every viewer.
    html: dict[str, Markup] = field(default_factory=dict)


@dataclass(frozen=True)
class CachedDashboard:
    dashboard: WaveDashboard
    computed_at: datetime
    entry: _Entry

    def html(self, render: Callable[[], str]) -> Markup:
        """The dashboard rendered by `render` once per entry, then kept with it."""
        html = self.entry.html.get("dashboard")
        if html is None:
            html = self.entry.html["dashboard"] = Markup(render())
        return html


class DashboardCache:
    def __init__(self) -> None:
        self._entries: LRUCache = LRUCache(maxsize=MAX_ENTRIES)
        self._refreshing: set[tuple] = set()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(
        self,
        key: tuple,
        stamp: str,
        max_staleness_s: float,
        compute: Callable[[], WaveDashboard],
    ) -> _Entry:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (
                entry.stamp == stamp
                or now - entry.computed_monotonic < max_staleness_s
                or key in self._refreshing
            ):
                return entry
            self._refreshing.add(key)
        try:
            entry = _detached(stamp, compute())
            with self._lock:
                self._entries[key] = entry
            return entry
        finally:
            with self._lock:
                self._refreshing.discard(key)


def init_dashboard_cache(app: Flask) -> None:
    app.extensions[EXTENSION] = DashboardCache()


def dashboard_cache(app: Flask | None = None) -> DashboardCache:
    return (app or current_app).extensions[EXTENSION]


def cached_dashboard(
    programme: Programme,
    wave: Wave,
    root_team_id: int | None,
    today: date,
    compute: Callable[[], WaveDashboard],
) -> CachedDashboard:
    """The wave's dashboard from the cache, or computed by `compute` and kept."""
    entry = dashboard_cache().get(
        (programme.id, wave.id, root_team_id, today),
        data_stamp(programme.id),
        current_app.config["DASHBOARD_MAX_STALENESS_SECONDS"],
        compute,
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


def _detached(stamp: str, dashboard: WaveDashboard) -> _Entry:
    readiness = dashboard.readiness
    return _Entry(
        stamp=stamp,
        computed_monotonic=time.monotonic(),
        computed_at=datetime.now(UTC).replace(tzinfo=None),
        dashboard=replace(dashboard, wave=None, readiness=replace(readiness, wave=None)),
        readiness_wave_id=readiness.wave.id if readiness.wave is not None else None,
    )
