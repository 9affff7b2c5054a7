"""The respondent's pages: open a link, answer on one page, get a thank-you. No login.

Nothing here records who answered: no IP address, user agent, link id or time is
stored with a response, and tokens are redacted from the logs. The page is worded in
the language of `?lang=` (an invitation adds it) or one the respondent picks; answers
are stored by item whatever the language, so results pool across languages.
"""

from functools import lru_cache

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup

from transform import clock
from transform.answers import DONT_KNOW_VALUE
from transform.extensions import db, limiter
from transform.languages import ENGLISH, PAGE_TEXT, language_name, normalise, time_estimate
from transform.survey_cache import MAX_KEPT, Survey, survey, survey_wording
from transform.waves.answers import field_name, read_answers
from transform.waves.responding import (
    Invitation,
    LinkState,
    find_invitation,
    spend_link,
    store_response,
)

bp = Blueprint("respond", __name__)


@limiter.request_filter
def _not_rate_limited() -> bool:
    """No rate limit applies to respondents: their requests skip the limiter altogether."""
    return request.blueprint == bp.name


STATE_CODES = {
    LinkState.UNKNOWN: 404,
    LinkState.USED: 410,
    LinkState.NOT_OPEN_YET: 403,
    LinkState.CLOSED: 410,
    LinkState.FULL: 410,
}
#: From this many items a survey shows how far through it the respondent is.
LONG_SURVEY_ITEMS = 8


class RespondForm(FlaskForm):
    """Checks only the CSRF token of a post; answers are read by `read_answers`. The
    page writes the token itself (csrf_token()), so a page view builds no form."""


@bp.route("/s/<token>", methods=["GET", "POST"])
def single_use(token: str):
    return _respond(token, is_team_link=False)


@bp.route("/t/<token>", methods=["GET", "POST"])
def team_link(token: str):
    return _respond(token, is_team_link=True)


@bp.get("/survey/thanks")
def thanks():
    language = _asked_language()
    return render_template("respond/thanks.html", text=PAGE_TEXT[language], language=language)


def _asked_language() -> str:
    """The language of `?lang=` when the pages can be worded in it, else English."""
    return normalise(request.args.get("lang")) or ENGLISH


def _respond(token: str, is_team_link: bool):
    today = clock.today()
    invitation = find_invitation(token, is_team_link, today)
    if invitation.state != LinkState.OPEN:
        return _state_page(invitation.state, invitation)
    kept = survey(invitation.instrument_id, invitation.instrument_revision)
    if request.method == "POST":
        if not RespondForm().validate():
            return _survey_page(invitation, kept, status=400, problem="form_expired")
        answers = read_answers(kept.items, request.form)
        if answers.foreign:
            return _survey_page(invitation, kept, status=400, problem="foreign_answers")
        if answers.errors:
            return _survey_page(invitation, kept, request.form, status=422)
        if invitation.link_id is not None and not spend_link(invitation.link_id):
            db.session.rollback()
            return _state_page(LinkState.USED, invitation)
        store_response(invitation, answers.values, answers.comment, today)
        language = _asked_language()
        lang = None if language == ENGLISH else language
        return redirect(url_for("respond.thanks", lang=lang), code=303)
    return _survey_page(invitation, kept)


def _language(offered: list[str]) -> tuple[str, str | None]:
    """The language to word the page in, and why it is not the one asked for, if it is
    not: an unknown code or an incomplete translation is shown in English, saying so."""
    asked = request.args.get("lang")
    if not asked:
        return ENGLISH, None
    code = normalise(asked)
    if code in offered:
        return code, None
    name = language_name(code) if code else "the language asked for"
    return ENGLISH, f"This survey is not available in {name}; it is shown in English."


def _survey_page(
    invitation: Invitation,
    kept: Survey,
    chosen=None,
    status: int = 200,
    problem: str | None = None,
):
    """The survey in the respondent's language; with `chosen`, the answers given are
    read again to word their errors in it. Not on the path of a valid submission."""
    language, notice = _language([choice.code for choice in kept.languages])
    words = survey_wording(invitation.instrument_id, invitation.instrument_revision, language)
    if chosen is None:
        errors = {}
        questions = _untouched_questions(
            invitation.instrument_id, invitation.instrument_revision, language
        )
    else:
        errors = read_answers(kept.items, chosen, words.page).errors
        questions = None
    return render_template(
        "respond/survey.html",
        invitation=invitation,
        questions=questions,
        items=kept.items,
        chosen=chosen or {},
        errors=errors,
        problem=getattr(words.page, problem) if problem else None,
        notice=notice,
        words=words,
        text=words.page,
        language=language,
        languages=kept.languages,
        time_estimate=time_estimate(len(kept.items), language),
        show_progress=len(kept.items) >= LONG_SURVEY_ITEMS,
        field_name=field_name,
        dont_know=DONT_KNOW_VALUE,
    ), status


@lru_cache(maxsize=MAX_KEPT)
def _untouched_questions(instrument_id: int, revision: int, language: str) -> Markup:
    """The questions of a form nobody has answered yet, the same for every respondent in
    the language: rendered once per instrument revision and language."""
    words = survey_wording(instrument_id, revision, language)
    return Markup(
        render_template(
            "respond/_questions.html",
            items=survey(instrument_id, revision).items,
            chosen={},
            errors={},
            words=words,
            text=words.page,
            field_name=field_name,
            dont_know=DONT_KNOW_VALUE,
        )
    )


def _state_page(state: LinkState, invitation: Invitation):
    language = _asked_language()
    title, message = PAGE_TEXT[language].states[state.value]
    return render_template(
        "respond/state.html",
        title=title,
        message=message,
        programme=invitation.programme,
        text=PAGE_TEXT[language],
        language=language,
    ), STATE_CODES[state]
