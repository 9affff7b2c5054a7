"""The org tree: shared by every programme; org editors change it, everyone reads it."""

from flask import Response, abort, flash, g, render_template, request
from flask_login import current_user

from transform import clock, pending_uploads
from transform.access import login_blueprint, may_edit_shared_content, programmes_of_current_user
from transform.extensions import db
from transform.htmx import redirect_after_post, render_page_or_fragment
from transform.import_problems import Problem
from transform.indices.team_marks import team_marks
from transform.models import Team
from transform.tabular_files import TableRefused
from transform.teams import queries, service
from transform.teams.extract_forms import (
    PEOPLE,
    PeopleReviewForm,
    TeamUploadForm,
    initial_columns,
)
from transform.teams.forms import (
    OTHER_PROGRAMMES_TEAM,
    STALE_TEAM,
    ImportReviewForm,
    MergeForm,
    TeamEditForm,
    TeamForm,
)
from transform.teams.hr_extract import read_extract, suggest_columns
from transform.teams.import_files import COLUMNS, read_file
from transform.teams.importing import ImportRefused
from transform.wave_groups import open_wave_groups

bp = login_blueprint("teams", __name__, url_prefix="/teams")

SEARCH_MAX = 160
#: Past this many teams the org chart opens as the searchable list; either is a click away.
CHART_MAX = 150


def can_edit_org() -> bool:
    """Site administrators and the PMO admins of any programme change the org tree."""
    if "can_edit_org" not in g:
        g.can_edit_org = may_edit_shared_content()
    return g.can_edit_org


def _require_editor() -> None:
    if not can_edit_org():
        abort(403, description="Only site administrators and PMO admins change the org chart.")


def may_change_team(team_id: int) -> bool:
    return queries.may_change_team(current_user, team_id)


def _require_team_editor(team: Team) -> None:
    _require_editor()
    if not may_change_team(team.id):
        abort(403, description=OTHER_PROGRAMMES_TEAM)


def _team_or_404(team_id: int) -> Team:
    team = queries.find_team(team_id)
    if team is None:
        abort(404)
    return team


@bp.context_processor
def org_helpers():
    return {"can_edit_org": can_edit_org}


@bp.get("/")
def index():
    query = request.args.get("q", "").strip()[:SEARCH_MAX]
    tree = queries.org_tree()
    view = request.args.get("view") or ("chart" if len(tree) <= CHART_MAX else "list")
    if view == "chart" and not query:
        programmes = [programme for programme, _role in programmes_of_current_user()]
        marks = team_marks(programmes, clock.today())
        return render_template("teams/chart.html", tree=tree, marks=marks, query=query)
    return render_page_or_fragment(
        "teams/index.html", "teams/_tree.html", tree=tree, rows=tree.rows(query), query=query
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    _require_editor()
    form = TeamForm(queries.org_tree(), data={"parent_id": request.args.get("parent", type=int)})
    if form.validate_on_submit():
        team = service.create_team(form.draft())
        flash(f"Added {team.name}.", "success")
        return redirect_after_post("teams.index", _anchor=f"team-{team.id}")
    return render_template("teams/create.html", form=form), 422 if form.errors else 200


@bp.route("/<int:team_id>/edit", methods=["GET", "POST"])
def update(team_id: int):
    team = _team_or_404(team_id)
    _require_team_editor(team)
    form = TeamEditForm(queries.org_tree(), obj=team, team=team)
    if form.is_submitted() and form.is_stale(team.version):
        form.form_errors.append(STALE_TEAM)
        return render_template("teams/update.html", form=form, team=team, stale=True), 409
    if form.validate_on_submit():
        service.update_team(team, form.draft())
        flash(f"Saved {team.name}.", "success")
        return redirect_after_post("teams.index", _anchor=f"team-{team.id}")
    status = 422 if form.errors else 200
    return render_template("teams/update.html", form=form, team=team), status


@bp.route("/<int:team_id>/merge", methods=["GET", "POST"])
def merge(team_id: int):
    team = _team_or_404(team_id)
    _require_team_editor(team)
    tree = queries.org_tree()
    rules = {
        "open_waves": [
            (wave.name, wave.closes_on)
            for wave, group in open_wave_groups({team.id}, clock.today())
            if group.is_target
        ],
        "editable": may_change_team,
    }
    if request.method == "GET":
        chosen = "into" in request.args
        form = MergeForm(
            tree, team, formdata=request.args if chosen else None, meta={"csrf": False}, **rules
        )
        return _merge_page(form, team, 422 if chosen and not form.validate() else 200)
    form = MergeForm(tree, team, **rules)
    if form.is_stale(team.version):
        form.form_errors.append(STALE_TEAM)
        return _merge_page(form, team, 409)
    if not form.validate():
        return _merge_page(form, team, 422)
    target = _team_or_404(form.into.data)
    merged_name = team.name
    result = service.merge_teams(team, target)
    flash(_merge_message(merged_name, target.name, result), "success")
    return redirect_after_post("teams.index", _anchor=f"team-{target.id}")


def _merge_page(form: MergeForm, team: Team, status: int):
    page = render_page_or_fragment(
        "teams/merge.html",
        "teams/_merge_preview.html",
        form=form,
        team=team,
        counts=queries.reference_counts(team.id),
    )
    return page, status


def _merge_message(merged: str, target: str, result: service.MergeResult) -> str:
    moved = ", ".join(f"{label} ({count})" for label, count in result.moved) or "nothing"
    message = f"Merged {merged} into {target}. Moved: {moved}."
    if result.combined:
        both = ", ".join(f"{label} ({count})" for label, count in result.combined)
        message += f" {target} already had these, so {merged}'s were folded in: {both}."
    return message


#: What a pending org upload is for: the org tree is one, shared by every programme.
IMPORT_SCOPE = "org-tree"


@bp.route("/import", methods=["GET", "POST"])
def import_teams():
    """Step 1 uploads a file; step 2 (`?upload=` its token) shows how it reads, imports."""
    _require_editor()
    token = request.values.get("upload")
    if token is not None and request.values.get("people"):
        return _review_extract(token)
    if token is not None:
        return _review_import(ImportReviewForm(data={"upload": token}))
    form, problems = TeamUploadForm(), []
    if form.validate_on_submit():
        filename, data = form.filename(), form.file.data.read()
        people = form.holds.data == PEOPLE
        try:
            read_extract(filename, data) if people else read_file(filename, data)
        except ImportRefused as refused:
            problems = refused.problems
        except TableRefused as refused:
            problems = [Problem(refused.message)]
        else:
            pending = pending_uploads.store(data, filename, IMPORT_SCOPE, current_user.id)
            more = {"people": "1"} if people else {}
            return redirect_after_post("teams.import_teams", upload=pending.token, **more)
    status = 422 if form.errors or problems else 200
    return _import_page(form=form, problems=problems), status


def _pending_or_redirect(form):
    """The upload under review, or a redirect to step 1 (unknown, or discarded now)."""
    loaded = pending_uploads.load_mine(form.upload.data, IMPORT_SCOPE)
    if loaded is None:
        return None, redirect_after_post("teams.import_teams")
    if form.cancel.data:
        pending_uploads.discard_on_request(loaded[0])
        return None, redirect_after_post("teams.import_teams")
    return loaded, None


def _review_import(form: ImportReviewForm):
    loaded, away = _pending_or_redirect(form)
    if away:
        return away
    pending, data = loaded
    context = {"review_form": form, "pending": pending}
    if form.is_submitted() and not form.validate_on_submit():
        return _import_page(**context), 422
    review = service.review_import(read_file(pending.filename, data), form.choices().decimal_mark)
    form.explain(numbers=review.headcounts)
    return _import_reviewed(form, pending, review)


def _review_extract(token: str):
    """Step 2 of a person-level HR extract: choose its columns, see the teams, import."""
    loaded = pending_uploads.load_mine(token, IMPORT_SCOPE)
    if loaded is None:
        return redirect_after_post("teams.import_teams")
    extract = read_extract(loaded[0].filename, loaded[1])
    suggested = initial_columns(suggest_columns(extract.headers), token)
    form = PeopleReviewForm(extract.headers, data=suggested)
    loaded, away = _pending_or_redirect(form)
    if away:
        return away
    context = {"review_form": form, "pending": loaded[0], "people": True}
    if request.method == "GET" and form.columns().team is None:
        return _import_page(**context)
    if request.method == "POST" and not form.validate_on_submit():
        return _import_page(**context), 422
    return _import_reviewed(form, loaded[0], service.review_extract(extract, form.columns()))


def _import_reviewed(form, pending, review):
    """Import a reviewed plan once confirmed; else show the review."""
    context = {"review_form": form, "pending": pending, "people": bool(form.data.get("people"))}
    if review.plan and form.is_confirmed():
        try:
            summary = service.write_plan(review.plan, may_change=may_change_team)
        except ImportRefused as refused:
            db.session.rollback()
            return _import_page(review=review, problems=refused.problems, **context), 422
        pending_uploads.discard(pending.token)
        flash(
            f"Imported {pending.filename}: {summary.created} created, {summary.updated} "
            f"updated, {summary.unchanged} unchanged.",
            "success",
        )
        return redirect_after_post("teams.index")
    if review.plan:
        form.mark_previewed()
    page = _import_page(review=review, problems=review.problems, **context)
    return page, 422 if review.problems else 200


def _import_page(**context):
    context.setdefault("problems", [])
    return render_template("teams/import.html", columns=COLUMNS, **context)


@bp.get("/import/template.csv")
def import_template():
    return Response(
        ",".join(COLUMNS) + "\r\n",
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=team-import-template.csv"},
    )
