"""The programme adoption dashboard: ADKAR heatmap, indices with n and CI, barriers."""

from flask import abort, render_template, request
from markupsafe import Markup

from transform import clock
from transform.access import login_blueprint, programme_access_or_404
from transform.htmx import is_htmx_request
from transform.indices import service
from transform.indices.cache import cached_dashboard
from transform.indices.latest import latest_with_results
from transform.models import InstrumentKind
from transform.scoring.adkar import ADKAR

bp = login_blueprint("adoption", __name__, url_prefix="/programmes/<int:programme_id>/adoption")


@bp.get("/")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    waves = service.adkar_waves(access.programme)
    choice = latest_with_results(access.programme, InstrumentKind.ADKAR, clock.today())
    wave = _chosen_wave(waves, choice)
    team_id = request.args.get("team", type=int)
    context = dict(
        programme=access.programme,
        waves=waves,
        wave=wave,
        dashboard=None,
        computed_at=None,
        elements=[element.capitalize() for element in ADKAR],
        team_id=team_id,
        choice=choice,
    )
    if wave is None:
        html = Markup(render_template("adoption/_dashboard.html", **context))
    else:
        cached = cached_dashboard(access.programme, wave, team_id, clock.today())
        context.update(dashboard=cached.dashboard, computed_at=cached.computed_at)
        html = cached.html(lambda: render_template("adoption/_dashboard.html", **context))
    if is_htmx_request():
        return html
    return render_template("adoption/index.html", access=access, dashboard_html=html, **context)


def _chosen_wave(waves, choice):
    """The wave asked for; else the latest with results; else the newest."""
    wave_id = request.args.get("wave", type=int)
    if wave_id is None:
        return choice.wave or (waves[0] if waves else None)
    for wave in waves:
        if wave.id == wave_id:
            return wave
    abort(404)
