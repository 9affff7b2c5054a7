"""PDF reports of a programme: prepare drafts, download them, publish, the history.

Any member may prepare and download any kind of report: what a role may not see (survey
answers of small teams, comments) is withheld in the content itself, as on the pages.
Only the programme's PMO admins publish.
"""

from io import BytesIO

from flask import (
    Response,
    abort,
    flash,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from transform import clock
from transform.access import login_blueprint, programme_access_or_404
from transform.extensions import db
from transform.htmx import is_htmx_request, redirect_after_post
from transform.indices.team_marks import teams_with_results
from transform.job_queue import QueueUnavailable, check_available, job_queue
from transform.models import Job, JobStatus, Report, ReportKind, Role
from transform.reports import jobs, store
from transform.reports.commentary import (
    COMMENTARY_SECTIONS,
    CommentaryForm,
    latest_commentary,
)
from transform.reports.forms import PublishForm, ReportForm
from transform.reports.registry import REPORTS, ReportSpec, spec_for_slug
from transform.reports.slides import PPTX_MIMETYPE, sponsor_pack
from transform.teams.queries import impacted_teams
from transform.waves import queries as survey_queries

bp = login_blueprint("reports", __name__, url_prefix="/programmes/<int:programme_id>/reports")


@bp.get("/")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    programme = access.programme
    teams, waves = _choices(programme)
    shown = teams_with_results(programme, clock.today())
    forms = {
        spec: ReportForm(
            spec, programme, teams, waves, clock.today(), formdata=None, teams_with_results=shown
        )
        for spec in REPORTS.values()
    }
    return render_template(
        "reports/index.html",
        access=access,
        programme=programme,
        forms=forms,
        history=store.published_reports(programme),
        report_labels={spec.kind: spec.label for spec in REPORTS.values()},
        team_names={team.id: team.name for team in teams},
        wave_names={wave.id: wave.name for wave in waves},
    )


@bp.post("/<kind>/prepare")
def prepare(programme_id: int, kind: str):
    access = programme_access_or_404(programme_id)
    spec, form = _report_form(access.programme, kind, request.form)
    if not form.validate():
        return render_template("reports/_ready.html", spec=spec, error=form.first_error()), 422
    queue = job_queue()
    if queue is not None:
        return _queue_render(access, queue, spec, form)
    report = _draft(access.programme, spec, form)
    location = _download_url(access.programme, spec, form)
    if request.form.get("download") or not is_htmx_request():
        # The file itself: htmx navigates to it, which downloads without leaving the page.
        target = (
            url_for(**location, download=1)
            if request.form.get("download")
            else url_for(**location)
        )
        return _redirect_to(target)
    return render_template(
        "reports/_ready.html",
        access=access,
        programme=access.programme,
        spec=spec,
        report=report,
        preview_url=url_for(**location),
        download_url=url_for(**location, download=1),
        publish_form=PublishForm(),
    )


def _queue_render(access, queue, spec: ReportSpec, form: ReportForm):
    try:
        check_available(queue)
    except QueueUnavailable as unavailable:
        if not is_htmx_request():
            abort(503, description=str(unavailable))
        return render_template("reports/_ready.html", spec=spec, error=str(unavailable)), 503
    job = jobs.queue_report(
        queue,
        spec.kind,
        access.programme,
        form.as_of.data,
        form.team_id,
        form.wave_id,
        current_user,
    )
    if is_htmx_request():
        return _job_page(access, job)
    return redirect_after_post("reports.job", programme_id=access.programme.id, job_id=job.id)


@bp.get("/jobs/<int:job_id>")
def job(programme_id: int, job_id: int):
    access = programme_access_or_404(programme_id)
    found = jobs.job_or_none(access.programme, job_id)
    if found is None:
        abort(404)
    return _job_page(access, found)


@bp.post("/jobs/<int:job_id>/retry")
def retry(programme_id: int, job_id: int):
    access = programme_access_or_404(programme_id)
    found = jobs.job_or_none(access.programme, job_id)
    if found is None:
        abort(404)
    if not PublishForm().validate():
        abort(400)
    queue = job_queue()
    if found.status == JobStatus.FAILED and queue is None:
        jobs.render_now(found, access.programme, current_user)
    elif found.status == JobStatus.FAILED:
        try:
            check_available(queue)
        except QueueUnavailable as unavailable:
            abort(503, description=str(unavailable))
        jobs.retry(queue, found)
    if is_htmx_request():
        return _job_page(access, found)
    return redirect_after_post("reports.job", programme_id=programme_id, job_id=job_id)


def _job_page(access, job: Job):
    report = db.session.get(Report, job.report_id) if job.report_id is not None else None
    template = "reports/_job.html" if is_htmx_request() else "reports/job.html"
    return render_template(
        template,
        access=access,
        programme=access.programme,
        job=job,
        spec=REPORTS[job.report_kind],
        report=report,
        publish_form=PublishForm(),
    )


@bp.get("/<kind>.pdf")
def download(programme_id: int, kind: str):
    access = programme_access_or_404(programme_id)
    spec, form = _report_form(access.programme, kind, request.args, meta={"csrf": False})
    if not form.validate():
        abort(400, description=form.first_error())
    report = _draft(access.programme, spec, form)
    return _pdf_response(access.programme, report)


@bp.get("/<int:report_id>.pdf")
def published(programme_id: int, report_id: int):
    access = programme_access_or_404(programme_id)
    report = store.report_or_none(access.programme, report_id)
    if report is None:
        abort(404)
    return _pdf_response(access.programme, report)


@bp.get("/<int:report_id>/commentary")
def commentary(programme_id: int, report_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN)
    draft = _sponsor_report_or_404(access.programme, report_id)
    form = CommentaryForm()
    form.prefill(latest_commentary(access.programme.id))
    return _commentary_page(access, draft, form)


@bp.post("/<int:report_id>/publish")
def publish(programme_id: int, report_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    draft = store.report_or_none(access.programme, report_id)
    if draft is None:
        abort(404, description="That draft has been replaced; prepare the report again.")
    form = CommentaryForm() if draft.kind == ReportKind.SPONSOR_PROGRESS else PublishForm()
    if draft.is_published:
        flash("That report is already published.", "info")
    elif not form.validate():
        if isinstance(form, CommentaryForm) and "csrf_token" not in form.errors:
            return _commentary_page(access, draft, form, status=422)
        abort(400)
    else:
        commentary = form.commentary() if isinstance(form, CommentaryForm) else None
        store.publish(draft, current_user, commentary)
        flash(f"Published the {REPORTS[draft.kind].label.lower()}.", "success")
    return redirect_after_post("reports.index", programme_id=programme_id)


@bp.get("/<int:report_id>.pptx")
def slides(programme_id: int, report_id: int):
    access = programme_access_or_404(programme_id)
    report = _sponsor_report_or_404(access.programme, report_id)
    response = send_file(
        BytesIO(sponsor_pack(access.programme, report)),
        mimetype=PPTX_MIMETYPE,
        as_attachment=True,
        download_name=store.report_filename(access.programme, report).replace(".pdf", ".pptx"),
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _sponsor_report_or_404(programme, report_id: int) -> Report:
    report = store.report_or_none(programme, report_id)
    if report is None or report.kind != ReportKind.SPONSOR_PROGRESS:
        abort(404)
    return report


def _commentary_page(access, draft: Report, form: CommentaryForm, status: int = 200):
    return render_template(
        "reports/commentary.html",
        access=access,
        programme=access.programme,
        report=draft,
        form=form,
        sections=COMMENTARY_SECTIONS,
    ), status


def _choices(programme):
    teams = impacted_teams(programme)
    waves = [wave for wave, _responses in survey_queries.waves_of(programme)]
    return teams, waves


def _report_form(programme, kind: str, formdata, **kwargs) -> tuple[ReportSpec, ReportForm]:
    spec = spec_for_slug(kind)
    if spec is None:
        abort(404, description="There is no such kind of report.")
    teams, waves = _choices(programme)
    shown = teams_with_results(programme, clock.today()) if spec.needs_team else set()
    form = ReportForm(
        spec,
        programme,
        teams,
        waves,
        clock.today(),
        formdata=formdata,
        teams_with_results=shown,
        **kwargs,
    )
    return spec, form


def _draft(programme, spec: ReportSpec, form: ReportForm) -> Report:
    return store.report_pdf(
        spec.kind, programme, form.as_of.data, form.team_id, form.wave_id, user=current_user
    )


def _download_url(programme, spec: ReportSpec, form: ReportForm) -> dict:
    values = {"as_of": form.as_of.data.isoformat()}
    if spec.needs_team:
        values["team"] = form.team_id
    if spec.needs_wave:
        values["wave"] = form.wave_id
    return {
        "endpoint": "reports.download",
        "programme_id": programme.id,
        "kind": spec.slug,
        **values,
    }


def _redirect_to(location: str) -> Response:
    if is_htmx_request():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
    else:
        response = make_response("", 303)
        response.headers["Location"] = location
    return response


def _pdf_response(programme, report: Report) -> Response:
    response = send_file(
        BytesIO(report.pdf),
        mimetype="application/pdf",
        as_attachment=request.args.get("download") == "1",
        download_name=store.report_filename(programme, report),
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
