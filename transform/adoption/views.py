"""The programme adoption dashboard: ADKAR heatmap, indices with n and CI, barriers."""

from datetime import date

from flask import Blueprint, abort, request
from flask_login import login_required

from transform.access import programme_access_or_404
from transform.adoption import service
from transform.htmx import render_page_or_fragment
from transform.scoring.adkar import ADKAR

bp = Blueprint("adoption", __name__, url_prefix="/programmes/<int:programme_id>/adoption")


@bp.before_request
@login_required
def require_login():
    """Every dashboard needs a login."""


@bp.get("/")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    waves = service.adkar_waves(access.programme)
    wave = _chosen_wave(waves)
    dashboard = None
    if wave is not None:
        dashboard = service.wave_dashboard(
            access.programme, wave, request.args.get("team", type=int), date.today()
        )
    return render_page_or_fragment(
        "adoption/index.html",
        "adoption/_dashboard.html",
        access=access,
        programme=access.programme,
        waves=waves,
        wave=wave,
        dashboard=dashboard,
        elements=[element.capitalize() for element in ADKAR],
        team_id=request.args.get("team", type=int),
    )


def _chosen_wave(waves):
    wave_id = request.args.get("wave", type=int)
    if wave_id is None:
        return waves[0] if waves else None
    for wave in waves:
        if wave.id == wave_id:
            return wave
    abort(404)
