from datetime import date, datetime

from flask import abort, flash, request
from flask_login import current_user

from transform import clock
from transform.access import login_blueprint, may_edit_shared_content
from transform.extensions import db
from transform.htmx import is_htmx_request, redirect_after_post, render_page_or_fragment
from transform.load import org, queries, service
from transform.load.forms import (
    STALE_MESSAGE,
    CapacityForm,
    WindowForm,
    default_window,
    is_plannable,
)
from transform.load.org import TeamInfo
from transform.models import Team
from transform.scoring import change_load as definitions

bp = login_blueprint("load", __name__, url_prefix="/change-load")

#: The query-string arguments that make up the heatmap's window, kept across its pages.
WINDOW_ARGS = ("from", "months", "team")


@bp.context_processor
def load_helpers():
    return {"definitions": definitions, "window_args": _window_args}


@bp.get("")
def index():
    teams = org.org_teams()
    today = clock.today()
    form = WindowForm(teams, formdata=request.args, data=default_window(today))
    window = form.window(today)
    shown = org.subtree(teams, window.team_id) if window.team_id else teams
    page = render_page_or_fragment(
        "load/index.html",
        "load/_grid.html",
        form=form,
        window=window,
        view=queries.change_load(current_user, shown, window.first, window.months),
        can_edit=may_edit_shared_content(),
    )
    # The page still shows, with defaults in place of what could not be read.
    return page, 400 if form.errors else 200


@bp.get("/teams/<int:team_id>/<month>")
def cell(team_id: int, month: str):
    team = _team_or_404(team_id)
    return _render_cell(team, _month_or_404(month), _current_capacity(team))


@bp.post("/teams/<int:team_id>/capacity")
def update_capacity(team_id: int):
    if not may_edit_shared_content():
        abort(403, description="Only site administrators and PMO admins set team capacity.")
    record = db.session.get(Team, team_id) or abort(404)
    month = _month_or_404(request.args.get("month", f"{clock.today():%Y-%m}"))
    form = CapacityForm()
    if form.is_submitted() and form.is_stale(record.version):
        stale = _current_capacity(record, error=STALE_MESSAGE)
        return _render_cell(_team_or_404(team_id), month, stale, status=409)
    if not form.validate_on_submit():
        return _render_cell(_team_or_404(team_id), month, form, status=422)
    service.set_capacity(record, form.capacity.data)
    message = f"Saved the capacity of {record.name}."
    if not is_htmx_request():
        flash(message, "success")
        return redirect_after_post(
            "load.cell", team_id=team_id, month=f"{month:%Y-%m}", **_window_args()
        )
    team = _team_or_404(team_id)
    page, status = _render_cell(team, month, _current_capacity(team), message=message)
    # The heatmap listens for this and redraws its rows with the new capacity.
    return page, status, {"HX-Trigger": "capacity-changed"}


def _current_capacity(team: Team | TeamInfo, error: str | None = None) -> CapacityForm:
    """The capacity form filled with the team's capacity and version as they are now."""
    form = CapacityForm(
        formdata=None, data={"capacity": team.change_capacity, "version": team.version}
    )
    if error:
        form.form_errors.append(error)
    return form


def _team_or_404(team_id: int) -> TeamInfo:
    team = org.team_info(team_id)
    if team is None:
        abort(404)
    return team


def _month_or_404(text: str) -> date:
    try:
        month = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        abort(404)
    if not is_plannable(month):
        abort(404)
    return month


def _window_args() -> dict[str, str]:
    """The heatmap window the visitor came from, to link back to it."""
    return {name: request.args[name] for name in WINDOW_ARGS if request.args.get(name)}


def _render_cell(team: TeamInfo, month: date, form: CapacityForm, status=200, message=None):
    page = render_page_or_fragment(
        "load/cell.html",
        "load/_cell.html",
        detail=queries.cell(current_user, team, month),
        form=form,
        can_edit=may_edit_shared_content(),
        message=message,
    )
    return page, status
