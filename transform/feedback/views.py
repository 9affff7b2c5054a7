from flask import abort, flash, render_template, request, url_for
from flask_login import current_user

from transform import clock
from transform.access import login_blueprint, programme_access_or_404
from transform.feedback import queries, service
from transform.feedback.forms import FeedbackForm, FeedFilterForm
from transform.feedback.themes_view import themes_context
from transform.htmx import is_htmx_request, redirect_after_post
from transform.indices.history import team_history
from transform.models import Adkar, BarrierCategory, Resistance
from transform.scoring.adkar import ADKAR
from transform.teams.queries import impacted_teams

bp = login_blueprint("feedback", __name__, url_prefix="/programmes/<int:programme_id>")

RETURN_PAGES = {"feed": "feedback.index", "team": "feedback.team", "mine": "feedback.my_teams"}


def feedback_form(access, formdata=None, team_id: int | None = None) -> FeedbackForm:
    """The quick-log form, offering only the teams this user may log for."""
    form = FeedbackForm(
        queries.loggable_teams(access, current_user),
        queries.members(access.programme),
        clock.today(),
        access.programme.starts_on,
        formdata=formdata,
    )
    if team_id is not None and formdata is None:
        form.team_id.data = team_id
    return form


def feed_filters(access) -> tuple[FeedFilterForm, queries.FeedFilters]:
    """The filter form read from the query string; invalid filters are shown, not applied."""
    form = FeedFilterForm(
        impacted_teams(access.programme),
        queries.change_agents(access.programme),
        formdata=request.args,
    )
    form.validate()

    def value(field):
        return None if field.errors else (field.data or None)

    return form, queries.FeedFilters(
        team_id=value(form.team),
        agent_id=value(form.agent),
        stage=value(form.stage),
        barrier=value(form.barrier),
        date_from=value(form.date_from),
        date_to=value(form.date_to),
    )


@bp.get("/feedback")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    return render_feed(access)


def render_feed(access, form: FeedbackForm | None = None, status: int = 200):
    filter_form, filters = feed_filters(access)
    cursor = request.args.get("after")
    page = queries.feed_page(access.programme, filters, cursor)
    context = dict(
        access=access,
        programme=access.programme,
        filter_form=filter_form,
        page=page,
        entries=page.entries,
        more_url=_more_url(access, page),
        today=clock.today(),
        form=form or feedback_form(access),
        return_page="feed",
    )
    if is_htmx_request() and form is None:
        template = "feedback/_feed_page.html" if cursor else "feedback/_feed.html"
    else:
        template = "feedback/index.html"
    return render_template(template, **context), status


@bp.post("/feedback")
def create(programme_id: int):
    access = programme_access_or_404(programme_id, for_write=True)
    form = feedback_form(access, formdata=request.form)
    return_page = request.form.get("return_page", "feed")
    if return_page not in RETURN_PAGES:
        abort(400)
    if not form.validate():
        if is_htmx_request():
            return _quick_log(access, form, return_page, status=422)
        return render_feed(access, form, 422)
    entry = service.log_feedback(access.programme, current_user, _observation(form))
    if is_htmx_request():
        fresh = feedback_form(access, team_id=entry.team_id)
        return _quick_log(access, fresh, return_page, logged=entry)
    flash("Feedback logged.", "success")
    if return_page == "team":
        return redirect_after_post(
            "feedback.team", programme_id=programme_id, team_id=entry.team_id
        )
    return redirect_after_post(RETURN_PAGES[return_page], programme_id=programme_id)


def _more_url(access, page: queries.FeedPage) -> str | None:
    """The next page's address, keeping the filters; None at the end of the feed."""
    if page.next_cursor is None:
        return None
    kept = {key: value for key, value in request.args.items() if key != "after"}
    return url_for(
        "feedback.index", programme_id=access.programme.id, after=page.next_cursor, **kept
    )


def _quick_log(access, form, return_page: str, status: int = 200, logged=None):
    return render_template(
        "feedback/_quick_log.html",
        access=access,
        programme=access.programme,
        form=form,
        return_page=return_page,
        logged=logged,
        today=clock.today(),
    ), status


def _observation(form: FeedbackForm) -> service.Observation:
    return service.Observation(
        team_id=form.team_id.data,
        observed_on=form.observed_on.data,
        observed_stage=Adkar(form.observed_stage.data),
        sentiment=form.sentiment.data,
        resistance=Resistance(form.resistance.data),
        barrier=BarrierCategory(form.barrier.data),
        text=form.text.data,
        follow_up_action=form.follow_up_action.data,
        follow_up_owner_id=form.follow_up_owner_id.data or None,
        follow_up_due_on=form.follow_up_due_on.data,
    )


@bp.get("/feedback/themes")
def themes(programme_id: int):
    access = programme_access_or_404(programme_id)
    filter_form, filters = feed_filters(access)
    context = themes_context(access.programme, filters, clock.today())
    return render_template(
        "feedback/themes.html",
        access=access,
        programme=access.programme,
        filter_form=filter_form,
        **context,
    )


@bp.get("/teams/<int:team_id>")
def team(programme_id: int, team_id: int):
    access = programme_access_or_404(programme_id)
    found = queries.impacted_team_or_none(access.programme, team_id)
    if found is None:
        abort(404)
    team, impacted = found
    filters = queries.FeedFilters(team_id=team.id)
    return render_template(
        "feedback/team.html",
        access=access,
        programme=access.programme,
        team=team,
        impacted=impacted,
        agents=queries.team_agents(access.programme, team.id),
        entries=queries.feed(access.programme, filters),
        follow_ups=queries.open_follow_ups(access.programme, team_id=team.id),
        form=feedback_form(access, team_id=team.id),
        return_page="team",
        today=clock.today(),
        history=team_history(access.programme, team.id, clock.today()),
        elements=[element.capitalize() for element in ADKAR],
    )


@bp.get("/my-teams")
def my_teams(programme_id: int):
    access = programme_access_or_404(programme_id)
    teams = queries.assigned_teams(access.programme, current_user)
    entries = queries.feed(access.programme, queries.FeedFilters(agent_id=current_user.id))
    return render_template(
        "feedback/my_teams.html",
        access=access,
        programme=access.programme,
        teams=teams,
        last_logged=queries.last_feedback_on(access.programme, [t.id for t in teams]),
        entries=entries,
        follow_ups=queries.open_follow_ups(access.programme, owner_id=current_user.id),
        form=feedback_form(access),
        return_page="mine",
        today=clock.today(),
    )
