from datetime import date

from flask import Blueprint, render_template
from flask_login import login_required

from transform.access import programme_access_or_404, programmes_of_current_user
from transform.programmes.queries import programme_overview

bp = Blueprint("programmes", __name__, url_prefix="/programmes")


@bp.before_request
@login_required
def require_login():
    """Every programme page needs a login."""


@bp.get("/")
def index():
    return render_template("programmes/index.html", memberships=programmes_of_current_user())


@bp.get("/<int:programme_id>")
def show(programme_id: int):
    access = programme_access_or_404(programme_id)
    today = date.today()
    overview = programme_overview(access.programme, today)
    return render_template("programmes/show.html", access=access, overview=overview, today=today)
