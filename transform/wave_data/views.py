"""A wave's raw responses: import them from another survey tool, export them."""

from flask import Response, abort, flash, render_template, request
from flask_login import current_user

from transform import clock, pending_uploads
from transform.access import ProgrammeAccess, login_blueprint
from transform.htmx import is_htmx_request, redirect_after_post
from transform.import_forms import UploadForm
from transform.job_queue import QueueUnavailable, job_queue
from transform.models import ImportJob, Role, Wave
from transform.wave_data import exporting, import_jobs, queries, service
from transform.wave_data.forms import MappingForm, RetryForm, initial_data, mapping_form
from transform.wave_data.import_files import Table, read_table, table_bytes, table_from_bytes
from transform.wave_data.importing import (
    ImportRefused,
    check_mapping,
    default_day,
)
from transform.wave_data.layouts import RESPONSE_ID_HEADERS
from transform.wave_data.suggesting import suggest_mapping
from transform.waves.queries import wave_or_404

bp = login_blueprint(
    "wave_data", __name__, url_prefix="/programmes/<int:programme_id>/waves/<int:wave_id>"
)


def _to_import(wave: Wave, token: str | None = None):
    """To step 1, or with a token to step 2."""
    return redirect_after_post(
        "wave_data.import_responses",
        programme_id=wave.programme_id,
        wave_id=wave.id,
        upload=token,
    )


def _to_wave(wave: Wave):
    return redirect_after_post("waves.show", programme_id=wave.programme_id, wave_id=wave.id)


def _to_job(wave: Wave, job: ImportJob):
    return redirect_after_post(
        "wave_data.import_job", programme_id=wave.programme_id, wave_id=wave.id, job_id=job.id
    )


# Import: step 1 uploads the file; step 2 maps its columns, shows how they read, imports


@bp.route("/import", methods=["GET", "POST"])
def import_responses(programme_id: int, wave_id: int):
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    token = request.values.get("upload")
    if token is None:
        return _upload_step(access, wave)
    return _mapping_step(access, wave, token)


def _upload_step(access: ProgrammeAccess, wave: Wave):
    form, refused = UploadForm(), None
    try:
        service.refuse_padding(wave, current_user)
    except service.CollectionRefused as error:
        return _page(access, wave, upload_form=form, refused=error), 409
    if form.validate_on_submit():
        filename, data = form.filename(), form.file.data.read()
        try:
            table = read_table(filename, data)
        except ImportRefused as error:
            refused = error
        else:
            stored = table_bytes(table)
            pending = pending_uploads.store(
                stored, filename, import_jobs.scope(wave), current_user.id
            )
            return _to_import(wave, pending.token)
    status = 422 if form.errors or refused else 200
    return _page(access, wave, upload_form=form, refused=refused), status


def _mapping_step(access: ProgrammeAccess, wave: Wave, token: str):
    job = import_jobs.job_of_upload(wave, token)
    if job is not None:
        return _to_job(wave, job)
    loaded = pending_uploads.load_mine(token, import_jobs.scope(wave))
    if loaded is None:
        return _to_import(wave)
    pending, table = loaded[0], table_from_bytes(loaded[1])
    items = queries.answer_specs(wave)
    default = default_day(wave.opens_on, wave.closes_on, clock.today())
    if request.method == "GET":
        suggested = suggest_mapping(
            table.headers, items, table.statements, RESPONSE_ID_HEADERS.get(table.tool or "")
        )
        form = mapping_form(table.headers, items, default, data=initial_data(suggested, token))
        if check_mapping(suggested, items, table.labels()):
            return _page(access, wave, form=form, pending=pending, table=table)
        return _review(access, wave, form, pending, table)
    form = mapping_form(table.headers, items, default)
    if form.cancel.data:
        pending_uploads.discard_on_request(pending)
        return _to_import(wave)
    if not form.validate_on_submit():
        return _page(access, wave, form=form, pending=pending, table=table), 422
    return _review(access, wave, form, pending, table)


def _review(access, wave: Wave, form: MappingForm, pending, table: Table):
    """The table read through the form's mapping and choices; imported once confirmed,
    by a job worker when the file is large and there is a queue."""
    context = {"form": form, "pending": pending, "table": table}
    queue = import_jobs.import_queue(len(table.rows)) if form.is_confirmed() else None
    if queue is not None:
        try:
            return _to_job(wave, _queue_import(queue, wave, form, pending, table))
        except QueueUnavailable as unavailable:
            context["unavailable"] = str(unavailable)
    try:
        review = service.review(
            wave, table, form.mapping(), clock.today(), pending.sha256, form.choices().date_order
        )
    except ImportRefused as error:
        return _page(access, wave, refused=error, **context), 422
    form.explain(review.dates)
    refused = review.refusal()
    if refused is None and form.is_confirmed() and queue is None:
        summary = service.write_responses(
            wave, review.responses, pending.sha256, current_user, "import", review.already_imported
        )
        pending_uploads.discard(pending.token)
        flash(_summary(pending.filename, wave, summary), "success")
        return _to_wave(wave)
    if refused is None:
        form.mark_previewed()
    page = _page(access, wave, review=review, refused=refused, **context)
    return page, 422 if refused else 503 if queue is not None else 200


def _queue_import(queue, wave: Wave, form: MappingForm, pending, table: Table) -> ImportJob:
    return import_jobs.queue_import(
        queue,
        wave,
        pending,
        form.mapping(),
        form.choices().date_order,
        default_day(wave.opens_on, wave.closes_on, clock.today()),
        len(table.rows),
        current_user,
    )


@bp.get("/imports/<int:job_id>")
def import_job(programme_id: int, wave_id: int, job_id: int):
    access, wave, job = _job_or_404(programme_id, wave_id, job_id)
    return _job_page(access, wave, job)


@bp.post("/imports/<int:job_id>/retry")
def retry_import(programme_id: int, wave_id: int, job_id: int):
    access, wave, job = _job_or_404(programme_id, wave_id, job_id)
    if not RetryForm().validate():
        abort(400)
    if job.can_retry:
        try:
            import_jobs.retry(job_queue(), job)
        except QueueUnavailable as unavailable:
            abort(503, description=str(unavailable))
    if is_htmx_request():
        return _job_page(access, wave, job)
    return _to_job(wave, job)


def _job_or_404(programme_id: int, wave_id: int, job_id: int):
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, for_write=True)
    job = import_jobs.job_or_none(wave, job_id)
    if job is None:
        abort(404)
    return access, wave, job


def _job_page(access, wave: Wave, job: ImportJob):
    filename = pending_uploads.filename(job.upload_token) or "the uploaded file"
    template = "wave_data/_import_job.html" if is_htmx_request() else "wave_data/import_job.html"
    return render_template(
        template,
        access=access,
        programme=access.programme,
        wave=wave,
        job=job,
        filename=filename,
        summary=_summary(filename, wave, import_jobs.summary_of(job)),
        refused=import_jobs.refusal_of(job),
        retry_form=RetryForm(),
    )


def _page(access, wave, upload_form: UploadForm | None = None, **context):
    context.setdefault("form", None)
    return render_template(
        "wave_data/import_responses.html",
        access=access,
        programme=access.programme,
        wave=wave,
        upload_form=upload_form or UploadForm(formdata=None),
        **context,
    )


def _summary(filename: str, wave: Wave, summary: service.ImportSummary) -> str:
    teams = ", ".join(f"{name} {count:,}" for name, count in summary.per_team)
    responses = "1 response" if summary.responses == 1 else f"{summary.responses:,} responses"
    done = f"Imported {responses} from {filename} into {wave.name}: {teams}."
    if summary.skipped:
        done += f" Skipped {summary.skipped:,} imported before."
    return done


# Export: raw responses, without the teams anonymity withholds


@bp.get("/responses.csv")
def export_csv(programme_id: int, wave_id: int):
    access, wave = _closed_wave_or_409(programme_id, wave_id)
    export = queries.wave_export(access.programme, wave)
    return _download(exporting.to_csv(export), exporting.filename(export, "csv"), "text/csv")


@bp.get("/responses.xlsx")
def export_xlsx(programme_id: int, wave_id: int):
    access, wave = _closed_wave_or_409(programme_id, wave_id)
    export = queries.wave_export(access.programme, wave)
    data = exporting.to_xlsx(export, clock.today())
    return _download(data, exporting.filename(export, "xlsx"), exporting.XLSX_TYPE)


def _closed_wave_or_409(programme_id: int, wave_id: int):
    """Raw rows only once the wave has closed: two exports of an open wave, a minute
    apart, would hold a new respondent's complete answers as the one new row."""
    access, wave = wave_or_404(programme_id, wave_id, Role.ADMIN, Role.SPONSOR)
    refusal = queries.still_collecting(wave, clock.today())
    if refusal:
        abort(409, description=refusal)
    return access, wave


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Raw survey data: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response
