"""The adoption dashboard is kept while its data is unchanged, and is never staler than set.

Every test runs twice: with the in-process cache and with the cache in Redis (REDIS_URL).
"""

import re
from concurrent.futures import Future

import pytest
from sqlalchemy import select

from tests import factories
from transform.demo import DEMO_PASSWORD
from transform.extensions import db
from transform.indices import service
from transform.indices.cache import EXTENSION, MAX_ENTRIES, REFRESH_AHEAD, dashboard_cache
from transform.indices.service import adkar_waves
from transform.indices.shared_cache import RedisDashboardCache
from transform.models import Programme, Team, WaveTeam
from transform.waves.service import issue_team_link

BACKOFFICE = "Back-office optimisation"


@pytest.fixture(autouse=True, params=["memory", "redis"])
def cache_kind(request, app, monkeypatch):
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
        cache = RedisDashboardCache(client, MAX_ENTRIES, REFRESH_AHEAD)
        monkeypatch.setitem(app.extensions, EXTENSION, cache)
    return request.param


@pytest.fixture
def scorings(monkeypatch):
    """Counts how often the dashboard is scored from the database."""
    calls = []
    score = service.wave_dashboard

    def counted(*args, **kwargs):
        calls.append(args)
        return score(*args, **kwargs)

    monkeypatch.setattr(service, "wave_dashboard", counted)
    return calls


def _dashboard(page: str) -> str:
    """The page's main content, without the per-request CSRF token and CSP nonce."""
    main = re.search(r"<main.*</main>", page, re.S).group(0)
    main = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", main)
    return re.sub(r'nonce="[^"]*"', "", main)


def _billing_operations_n(page: str) -> int:
    row = page[page.index(">Billing Operations<") :]
    return int(re.search(r'<td class="num">(\d+)</td>', row[: row.index("</tr>")]).group(1))


def _answer_for_billing_operations(app, programme: Programme) -> None:
    wave = adkar_waves(programme)[0]
    team_id = db.session.scalar(select(Team.id).where(Team.name == "Billing Operations"))
    wave_team = db.session.scalar(
        select(WaveTeam).where(WaveTeam.wave_id == wave.id, WaveTeam.team_id == team_id)
    )
    token = issue_team_link(wave_team)
    db.session.commit()
    client = app.test_client()
    page = client.get(f"/t/{token}").get_data(as_text=True)
    answers = dict.fromkeys(re.findall(r'name="(item-[^"]+)"', page), "2")
    assert client.post(f"/t/{token}", data=answers).status_code == 303


def test_an_unchanged_programme_is_scored_once_however_often_it_is_viewed(app, demo, scorings):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    url = f"/programmes/{demo.id}/adoption/"
    pages = [client.get(url).get_data(as_text=True) for _ in range(3)]
    assert len(scorings) == 1
    assert _dashboard(pages[0]) == _dashboard(pages[2])
    # The kept dashboard still names its waves, taken from each request's own session.
    wave = adkar_waves(demo)[0]
    assert wave.name in pages[2] and "with the readiness survey" in pages[2]


def test_a_new_response_shows_at_once_with_no_staleness_window(app, demo, scorings):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    url = f"/programmes/{demo.id}/adoption/"
    before = _billing_operations_n(client.get(url).get_data(as_text=True))
    _answer_for_billing_operations(app, demo)
    after = client.get(url).get_data(as_text=True)
    assert _billing_operations_n(after) == before + 1
    assert len(scorings) == 2
    assert "at most every" not in after


def test_within_the_window_a_busy_wave_is_not_rescored_and_the_page_says_so(
    app, demo, scorings, monkeypatch
):
    monkeypatch.setitem(app.config, "DASHBOARD_MAX_STALENESS_SECONDS", 3600)
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    url = f"/programmes/{demo.id}/adoption/"
    first = client.get(url).get_data(as_text=True)
    _answer_for_billing_operations(app, demo)
    second = client.get(url).get_data(as_text=True)
    assert len(scorings) == 1
    assert _billing_operations_n(second) == _billing_operations_n(first)
    computed = re.search(r"Figures computed at (\d\d:\d\d:\d\d) UTC", first).group(1)
    assert f"Figures computed at {computed} UTC" in second
    assert "at most every 3600 seconds" in second


class QueuedExecutor:
    """Stands in for the background thread: holds each rescore until the test runs it,
    so the test sees what a viewer gets while the rescore is under way."""

    def __init__(self):
        self.queued = []

    def submit(self, work, *args):
        self.queued.append((work, args))
        return Future()

    def run_queued(self):
        queued, self.queued = self.queued, []
        for work, args in queued:
            work(*args)


class WindowedCache:
    """The cache with a 10 s window, a clock the test moves and a queued background."""

    WINDOW_S = 10

    def __init__(self, app, monkeypatch):
        monkeypatch.setitem(app.config, "DASHBOARD_MAX_STALENESS_SECONDS", self.WINDOW_S)
        cache = dashboard_cache(app)
        self.background = QueuedExecutor()
        monkeypatch.setattr(cache, "_background", self.background)
        self.now = 1000.0
        monkeypatch.setattr(cache, "clock", lambda: self.now)


@pytest.fixture
def windowed(app, monkeypatch):
    return WindowedCache(app, monkeypatch)


def _billing_operations_n_at(client, url: str) -> int:
    return _billing_operations_n(client.get(url).get_data(as_text=True))


def test_late_in_the_window_a_view_is_answered_at_once_and_rescored_in_the_background(
    app, demo, scorings, windowed
):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    url = f"/programmes/{demo.id}/adoption/"
    before = _billing_operations_n_at(client, url)
    _answer_for_billing_operations(app, demo)

    windowed.now += 4  # under half the window: the kept figures, nothing queued
    assert _billing_operations_n_at(client, url) == before
    assert not windowed.background.queued

    windowed.now += 2  # past half the window: still the kept figures, and one rescore queued
    assert _billing_operations_n_at(client, url) == before
    assert _billing_operations_n_at(client, url) == before
    assert len(windowed.background.queued) == 1 and len(scorings) == 1

    windowed.background.run_queued()
    assert _billing_operations_n_at(client, url) == before + 1
    assert len(scorings) == 2


def test_after_the_window_a_view_waits_for_fresh_figures(app, demo, scorings, windowed):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    url = f"/programmes/{demo.id}/adoption/"
    before = _billing_operations_n_at(client, url)
    _answer_for_billing_operations(app, demo)
    windowed.now += WindowedCache.WINDOW_S
    assert _billing_operations_n_at(client, url) == before + 1
    assert len(scorings) == 2
    assert not windowed.background.queued


def test_each_team_filter_and_wave_is_kept_apart(app, demo, scorings):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    waves = adkar_waves(demo)
    billing = db.session.scalar(select(Team.id).where(Team.name == "Billing"))
    url = f"/programmes/{demo.id}/adoption/"
    whole = client.get(url).get_data(as_text=True)
    subtree = client.get(f"{url}?team={billing}").get_data(as_text=True)
    earlier = client.get(f"{url}?wave={waves[-1].id}").get_data(as_text=True)
    assert len(scorings) == 3
    assert "Records Management" in whole and "Records Management" not in subtree
    assert waves[-1].name in earlier


def test_an_audited_change_rescores(app, demo, scorings):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    url = f"/programmes/{demo.id}/adoption/"
    client.get(url)
    team = db.session.scalar(select(Team).where(Team.name == "Billing Operations"))
    response = client.post(
        f"/teams/{team.id}/edit",
        data={
            "name": "Billing Ops",
            "headcount": team.headcount,
            "parent_id": team.parent_id,
            "version": team.version,
        },
    )
    assert response.status_code in (302, 303)
    page = client.get(url).get_data(as_text=True)
    assert len(scorings) == 2
    # The wave shows its groups as they stood when it opened: the rename is not in it.
    assert ">Billing Operations<" in page and ">Billing Ops<" not in page
