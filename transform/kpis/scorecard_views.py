"""The programme's balanced scorecard: every KPI by perspective with its status."""

from flask import Blueprint, render_template
from flask_login import login_required

from transform.access import programme_access_or_404
from transform.kpis.queries import scorecard

bp = Blueprint("scorecards", __name__, url_prefix="/programmes/<int:programme_id>/kpis")


@bp.before_request
@login_required
def require_login():
    """The scorecard needs a login."""


@bp.get("/")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    return render_template(
        "scorecards/index.html",
        access=access,
        programme=access.programme,
        card=scorecard(access.programme),
    )
