"""`flask dashboards warm`: after a deployment or at midnight, the first viewer of a
programme's dashboard finds it scored instead of waiting for it."""

from tests import factories
from transform.demo import DEMO_PASSWORD
from transform.indices import service


def test_a_dashboard_warmed_by_the_command_is_not_scored_again_by_its_first_viewer(
    redis_app_factory, db, monkeypatch
):
    programme = factories.demo_programme()
    calls = []
    score = service.wave_dashboard
    monkeypatch.setattr(
        service, "wave_dashboard", lambda *args: calls.append(args[1].id) or score(*args)
    )
    deploying, serving = redis_app_factory(), redis_app_factory()
    with deploying.app_context():
        warmed = deploying.test_cli_runner().invoke(args=["dashboards", "warm"])
    assert warmed.exit_code == 0, warmed.output
    adkar_waves = [wave.id for wave in service.adkar_waves(programme)]
    assert adkar_waves and set(adkar_waves) <= set(calls)
    assert f"{programme.name} / " in warmed.output
    scored_by_warming = len(calls)

    client = factories.logged_in(serving, "pmo@example.com", DEMO_PASSWORD)
    page = client.get(f"/programmes/{programme.id}/adoption/")
    assert page.status_code == 200 and "Billing Operations" in page.get_data(as_text=True)
    assert len(calls) == scored_by_warming


def test_without_redis_the_command_says_there_is_nothing_it_can_warm(app):
    result = app.test_cli_runner().invoke(args=["dashboards", "warm"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output
