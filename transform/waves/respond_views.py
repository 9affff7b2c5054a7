"""The respondent's pages: open a link, answer on one page, get a thank-you. No login.

Nothing here records who answered: no IP address, user agent, link id or time is
stored with a response, and tokens are redacted from the logs.
"""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from transform import clock
from transform.answers import DONT_KNOW_VALUE, item_spec
from transform.extensions import db
from transform.waves.answers import field_name, read_answers
from transform.waves.responding import (
    Invitation,
    LinkState,
    find_invitation,
    spend_link,
    store_response,
)

bp = Blueprint("respond", __name__)

STATE_PAGES = {
    LinkState.UNKNOWN: (
        404,
        "This survey link is not valid",
        "Check that you copied the whole link from your invitation.",
    ),
    LinkState.USED: (
        410,
        "This link has already been used",
        "Each personal link takes one response, and this one has been answered. "
        "Thank you for taking part.",
    ),
    LinkState.NOT_OPEN_YET: (
        403,
        "This survey is not open yet",
        "Please come back once the survey opens.",
    ),
    LinkState.CLOSED: (
        410,
        "This survey has closed",
        "Responses are no longer being collected. Thank you for your interest.",
    ),
    LinkState.FULL: (
        410,
        "This team's survey is complete",
        "It has as many responses as the team has people, so it takes no more. If you have "
        "not answered yet, ask the survey's organiser for a personal link.",
    ),
}


class RespondForm(FlaskForm):
    """Carries only the CSRF token; answers are read by `read_answers`."""


@bp.route("/s/<token>", methods=["GET", "POST"])
def single_use(token: str):
    return _respond(token, is_team_link=False)


@bp.route("/t/<token>", methods=["GET", "POST"])
def team_link(token: str):
    return _respond(token, is_team_link=True)


@bp.get("/survey/thanks")
def thanks():
    return render_template("respond/thanks.html")


def _respond(token: str, is_team_link: bool):
    today = clock.today()
    invitation = find_invitation(token, is_team_link, today)
    if invitation.state != LinkState.OPEN:
        return _state_page(invitation.state, invitation)
    items = [item_spec(item) for item in invitation.instrument.items]
    form = RespondForm()
    if request.method == "POST":
        if not form.validate():
            return _survey_page(
                invitation,
                form,
                {},
                {},
                status=400,
                problem="The form expired. Please answer again and submit.",
            )
        answers = read_answers(items, request.form)
        if answers.foreign:
            return _survey_page(
                invitation,
                form,
                {},
                {},
                status=400,
                problem="The answers sent do not match this survey.",
            )
        if answers.errors:
            return _survey_page(invitation, form, request.form, answers.errors, status=422)
        if invitation.link_id is not None and not spend_link(invitation.link_id):
            db.session.rollback()
            return _state_page(LinkState.USED, invitation)
        store_response(invitation, answers.values, answers.comment, today)
        return redirect(url_for("respond.thanks"), code=303)
    return _survey_page(invitation, form, {}, {})


def _survey_page(
    invitation: Invitation, form, chosen, errors, status: int = 200, problem: str | None = None
):
    return render_template(
        "respond/survey.html",
        invitation=invitation,
        form=form,
        chosen=chosen,
        errors=errors,
        problem=problem,
        field_name=field_name,
        dont_know=DONT_KNOW_VALUE,
    ), status


def _state_page(state: LinkState, invitation: Invitation):
    code, title, message = STATE_PAGES[state]
    return render_template(
        "respond/state.html", title=title, message=message, programme=invitation.programme
    ), code
