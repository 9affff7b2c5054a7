"""The teams a programme changes, with go-live dates and change impact assessments."""

from flask import abort, flash, render_template

from transform.access import login_blueprint, programme_access_or_404
from transform.htmx import redirect_after_post
from transform.models import ImpactedTeam, Role
from transform.teams import impact_service, queries
from transform.teams.forms import STALE_IMPACT, ImpactAssessmentForm, ImpactedTeamForm

bp = login_blueprint("impact", __name__, url_prefix="/programmes/<int:programme_id>/impact")


@bp.context_processor
def impact_labels():
    return {"aspect_labels": queries.ASPECT_LABELS}


def _impacted_or_404(programme_id: int, impacted_team_id: int) -> ImpactedTeam:
    impacted = queries.find_impacted_team(programme_id, impacted_team_id)
    if impacted is None:
        abort(404)
    return impacted


@bp.get("")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    overview = queries.impact_overview(programme_id)
    return render_template(
        "impact/index.html", access=access, programme=access.programme, overview=overview
    )


@bp.route("/new", methods=["GET", "POST"])
def add(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    impacted_ids = queries.impacted_team_ids(programme_id)
    form = ImpactedTeamForm(access.programme, queries.org_tree(), impacted_ids)
    if form.validate_on_submit():
        impacted = impact_service.add_impacted_team(
            access.programme, form.team_id.data, form.go_live_on.data, form.impact_level.data
        )
        flash(f"Added {impacted.team.name}. Now assess how much its work changes.", "success")
        return redirect_after_post(
            "impact.update", programme_id=programme_id, impacted_team_id=impacted.id
        )
    status = 422 if form.errors else 200
    return render_template("impact/add.html", access=access, form=form), status


@bp.route("/<int:impacted_team_id>/edit", methods=["GET", "POST"])
def update(programme_id: int, impacted_team_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    impacted = _impacted_or_404(programme_id, impacted_team_id)
    form = ImpactAssessmentForm(access.programme, impacted)
    row = queries.impact_row(impacted)
    context = {"access": access, "form": form, "impacted": impacted, "row": row}
    if form.is_submitted() and form.is_stale(impacted.version):
        form.form_errors.append(STALE_IMPACT)
        return render_template("impact/update.html", stale=True, **context), 409
    if form.validate_on_submit():
        impact_service.update_impacted_team(
            impacted, form.go_live_on.data, form.impact_level.data, form.scores()
        )
        flash(f"Saved the impact on {impacted.team.name}.", "success")
        return redirect_after_post("impact.index", programme_id=programme_id)
    status = 422 if form.errors else 200
    return render_template("impact/update.html", **context), status


@bp.post("/<int:impacted_team_id>/remove")
def remove(programme_id: int, impacted_team_id: int):
    programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    impacted = _impacted_or_404(programme_id, impacted_team_id)
    name = impacted.team.name
    impact_service.remove_impacted_team(impacted)
    flash(f"{name} is no longer marked as impacted; its assessment was removed.", "success")
    return redirect_after_post("impact.index", programme_id=programme_id)
