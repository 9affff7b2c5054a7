"""Survey waves of a programme: create, open and close, hand out links, watch responses."""

import re
from dataclasses import dataclass

from flask import Response, abort, flash, render_template, url_for
from wtforms.fields.choices import SelectChoice

from transform import clock
from transform.access import login_blueprint, programme_access_or_404
from transform.extensions import db
from transform.htmx import is_htmx_request, redirect_after_post
from transform.models import Instrument, Role, Team, WaveCollection
from transform.request_transaction import keep_nothing
from transform.spreadsheets import csv_text
from transform.teams.queries import impacted_teams
from transform.waves import queries, service
from transform.waves.forms import AllLinksForm, ConfirmForm, LinksForm, TeamLinkForm, WaveForm
from transform.waves.queries import wave_or_404

bp = login_blueprint("waves", __name__, url_prefix="/programmes/<int:programme_id>/waves")


@bp.get("/")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    return render_template(
        "waves/index.html",
        access=access,
        programme=access.programme,
        waves=queries.waves_of(access.programme),
    )


@bp.route("/new", methods=["GET", "POST"])
def create(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    teams = impacted_teams(access.programme)
    form = WaveForm(access.programme, queries.instruments(), teams)
    if form.validate_on_submit():
        chosen = [team for team in teams if team.id in set(form.team_ids.data)]
        draft = service.WaveDraft(
            form.name.data,
            db.session.get(Instrument, form.instrument_id.data),
            form.opens_on.data,
            form.closes_on.data,
            chosen,
            WaveCollection(form.collection.data),
        )
        wave = service.create_wave(access.programme, draft)
        flash(f"Created {wave.name}. Open it when you are ready to collect responses.", "success")
        return redirect_after_post("waves.show", programme_id=programme_id, wave_id=wave.id)
    return render_template(
        "waves/create.html", access=access, programme=access.programme, form=form
    ), 422 if form.errors else 200


@bp.get("/<int:wave_id>")
def show(programme_id: int, wave_id: int):
    access, wave = wave_or_404(programme_id, wave_id)
    return _wave_page(access, wave)


def _team_choices(access, wave) -> list[SelectChoice]:
    counts = queries.wave_counts(wave, access.programme.anonymity_threshold)
    return [SelectChoice(rate.team_id, rate.name) for rate in counts.rates]


def _wave_page(access, wave, status: int = 200, **extra):
    counts = queries.wave_counts(wave, access.programme.anonymity_threshold)
    choices = [SelectChoice(rate.team_id, rate.name) for rate in counts.rates]
    links_form = extra.pop("links_form", None) or LinksForm(formdata=None)
    links_form.team_id.choices = choices
    team_link_form = TeamLinkForm(formdata=None)
    team_link_form.team_id.choices = choices
    template = "waves/_rates.html" if is_htmx_request() else "waves/show.html"
    return render_template(
        template,
        access=access,
        programme=access.programme,
        wave=wave,
        counts=counts,
        groups=queries.wave_tree(wave),
        links_form=links_form,
        team_link_form=team_link_form,
        confirm_form=ConfirmForm(),
        today=clock.today(),
        **extra,
    ), status


@bp.post("/<int:wave_id>/open")
def open_wave(programme_id: int, wave_id: int):
    return _transition(programme_id, wave_id, service.open_wave, "open")


@bp.post("/<int:wave_id>/close")
def close_wave(programme_id: int, wave_id: int):
    return _transition(programme_id, wave_id, service.close_wave, "closed")


def _transition(programme_id: int, wave_id: int, move, verb: str):
    _access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    if not ConfirmForm().validate():
        abort(400)
    try:
        move(wave)
    except ValueError as error:
        keep_nothing()
        flash(str(error), "error")
    else:
        flash(f"{wave.name} is {verb}.", "success")
    return redirect_after_post("waves.show", programme_id=programme_id, wave_id=wave_id)


@bp.post("/<int:wave_id>/links")
def issue_links(programme_id: int, wave_id: int):
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    form = LinksForm()
    form.team_id.choices = _team_choices(access, wave)
    if not form.validate():
        return _wave_page(access, wave, 422, links_form=form)
    team = db.session.get(Team, form.team_id.data)
    try:
        tokens = service.issue_links(wave, team, form.count.data)
    except service.LinksRefused as refused:
        db.session.rollback()
        form.count.errors.append(str(refused))
        return _wave_page(access, wave, 422, links_form=form)
    return _links_csv(
        [(team, token) for token in tokens], f"{_slug(wave.name)}-{_slug(team.name)}"
    )


@bp.route("/<int:wave_id>/links/all", methods=["GET", "POST"])
def issue_all_links(programme_id: int, wave_id: int):
    """Every team's links in one CSV, each count pre-filled with what the team may take."""
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    rows = _all_links_rows(access, wave)
    form = AllLinksForm.for_teams(rows)
    problems: dict[int, str] = {}
    if form.validate_on_submit():
        teams = queries.teams_by_id(form.counts())
        try:
            pairs = service.issue_links_for_teams(
                wave, [(teams[team_id], count) for team_id, count in form.counts().items()]
            )
        except service.AllLinksRefused as refused:
            db.session.rollback()
            problems = refused.problems
        else:
            return _links_csv(pairs, f"{_slug(wave.name)}-all-teams")
    for team_id, problem in problems.items():
        if team_id:
            form.count_field(team_id).errors = [problem]
    return render_template(
        "waves/issue_all_links.html",
        access=access,
        programme=access.programme,
        wave=wave,
        form=form,
        rows=rows,
        problem=problems.get(0),
    ), 422 if form.errors or problems else 200


@dataclass(frozen=True)
class _LinksRow:
    team_id: int
    name: str
    headcount: int
    #: The count the form starts with: the headcount (as the wave froze it) less the
    #: team's answered links where its counts may be shown; else the headcount, since a
    #: small team's answered count is shown nowhere, this form included.
    prefill: int


def _all_links_rows(access, wave) -> list[_LinksRow]:
    counts = queries.wave_counts(wave, access.programme.anonymity_threshold)
    return [
        _LinksRow(
            rate.team_id,
            rate.name,
            rate.headcount,
            max(rate.headcount - rate.links_used, 0) if rate.count_shown else rate.headcount,
        )
        for rate in counts.rates
    ]


def _links_csv(pairs: list[tuple[Team, str]], name: str) -> Response:
    """The links as a CSV download, one row per link with its team; never cached."""
    rows = [
        (
            team.external_id or "",
            team.name,
            url_for("respond.single_use", token=token, _external=True),
        )
        for team, token in pairs
    ]
    return Response(
        csv_text(["team_id", "team", "survey_link"], rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-links.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/<int:wave_id>/team-link")
def issue_team_link(programme_id: int, wave_id: int):
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    form = TeamLinkForm()
    form.team_id.choices = _team_choices(access, wave)
    if not form.validate():
        abort(400)
    wave_team = service.wave_team_or_none(wave, form.team_id.data) or abort(404)
    try:
        token = service.issue_team_link(wave_team)
    except service.LinksRefused as refused:
        db.session.rollback()
        return _wave_page(access, wave, 422, team_link_problem=str(refused))
    link = url_for("respond.team_link", token=token, _external=True)
    page, _ = _wave_page(access, wave, issued_team_link=(wave_team.team.name, link))
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "wave"
