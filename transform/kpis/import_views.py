"""Importing KPI actuals from a CSV or Excel extract: upload, review how it reads, import.

Step 1 uploads the file and keeps it (transform.pending_uploads); step 2 (`?upload=` the
token) shows how every date and value reads, asks for the order of day and month or the
decimal mark where the file does not settle them, and imports all or nothing.
"""

from flask import Response, flash, render_template, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SubmitField

from transform import clock, pending_uploads
from transform.access import ProgrammeAccess, login_blueprint, programme_access_or_404
from transform.extensions import db
from transform.formatting import format_value
from transform.htmx import redirect_after_post
from transform.import_forms import ReviewForm, UploadForm
from transform.import_problems import ImportRefused, Problem
from transform.kpis import imports
from transform.kpis.actual_values import ImportSummary, programme_kpis
from transform.models import Role
from transform.spreadsheets import csv_text
from transform.templating import format_date

bp = login_blueprint(
    "kpi_imports", __name__, url_prefix="/programmes/<int:programme_id>/kpis/import"
)

#: Replaced actuals named in the flash message, names shortened; the rest are counted:
#: flash messages ride in the session cookie, which browsers cap at 4 KB.
REPLACED_LISTED = 5
NAME_SHOWN = 60
RACE_LOST = (
    "The KPIs changed while this file was being imported, so nothing was imported. "
    "Upload it again."
)


class ActualsReviewForm(ReviewForm):
    submit = SubmitField("Import actuals")


def _admin_access(programme_id: int) -> ProgrammeAccess:
    return programme_access_or_404(programme_id, Role.ADMIN, for_write=True)


def _scope(access: ProgrammeAccess) -> str:
    return f"kpi-actuals:{access.programme.id}"


@bp.get("")
def new(programme_id: int):
    access = _admin_access(programme_id)
    token = request.args.get("upload")
    if token is None:
        return _page(access, UploadForm())
    return _review(access, ActualsReviewForm(data={"upload": token}))


@bp.post("")
def create(programme_id: int):
    access = _admin_access(programme_id)
    if "upload" in request.form:
        return _review(access, ActualsReviewForm())
    form, refused = UploadForm(), None
    if form.validate_on_submit():
        filename, data = form.filename(), form.file.data.read()
        try:
            imports.read_file(filename, data)
        except ImportRefused as error:
            refused = error
        else:
            pending = pending_uploads.store(data, filename, _scope(access), current_user.id)
            return _to_import(access, pending.token)
    return _page(access, form, refused=refused), 422


def _review(access: ProgrammeAccess, form: ActualsReviewForm):
    """Step 2: the upload read with the form's choices; imported once confirmed."""
    loaded = pending_uploads.load_mine(form.upload.data, _scope(access))
    if loaded is None:
        return _to_import(access)
    pending, data = loaded
    if form.cancel.data:
        pending_uploads.discard_on_request(pending)
        return _to_import(access)
    if form.is_submitted() and not form.validate_on_submit():
        return _page(access, UploadForm(formdata=None), review_form=form, pending=pending), 422
    review = imports.review_file(access.programme, pending.filename, data, form.choices())
    form.explain(review.dates, review.values)
    refused = review.refusal()
    if refused is None and form.is_confirmed():
        return _import(access, pending, review)
    if refused is None:
        form.mark_previewed()
    page = _page(access, None, review_form=form, pending=pending, review=review, refused=refused)
    return page, 422 if refused else 200


def _import(access: ProgrammeAccess, pending, review: imports.Review):
    try:
        summary = imports.import_reviewed(access.programme, review, pending.filename)
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        return _page(access, UploadForm(), refused=ImportRefused([Problem(RACE_LOST)])), 409
    pending_uploads.discard(pending.token)
    for category, message in _messages(pending.filename, summary):
        flash(message, category)
    return redirect_after_post("kpis.index", programme_id=access.programme.id)


def _to_import(access: ProgrammeAccess, token: str | None = None):
    return redirect_after_post("kpi_imports.new", programme_id=access.programme.id, upload=token)


@bp.get("/template.csv")
def template(programme_id: int):
    access = _admin_access(programme_id)
    rows = imports.template_rows(access.programme, clock.today())
    return Response(
        csv_text(imports.TEMPLATE_COLUMNS, rows).encode("utf-8-sig"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=kpi-actuals-template.csv"},
    )


def _page(access: ProgrammeAccess, form: UploadForm | None, **context):
    context.setdefault("refused", None)
    return render_template(
        "kpi_imports/new.html",
        access=access,
        programme=access.programme,
        form=form,
        kpis=programme_kpis(access.programme),
        columns=imports.COLUMNS,
        max_rows=imports.MAX_ROWS,
        **context,
    )


def _messages(filename: str, summary: ImportSummary) -> list[tuple[str, str]]:
    """The flash messages of a successful import: the counts, then what was replaced."""
    actuals = _count(summary.imported, "actual")
    created = _count(summary.created, "new checkpoint")
    message = f"{actuals} imported from {filename}: {summary.updated} updated, {created}"
    if summary.unchanged:
        message += f", {summary.unchanged} unchanged"
    messages = [("success", message + ".")]
    if summary.replaced:
        listed = "; ".join(
            f"{_shorten(r.kpi_name)} on {format_date(r.on_date)}: "
            f"{format_value(r.old, r.unit)} → {format_value(r.new, r.unit)}"
            for r in summary.replaced[:REPLACED_LISTED]
        )
        more = len(summary.replaced) - REPLACED_LISTED
        if more > 0:
            listed += f"; and {more} more"
        replaced = _count(len(summary.replaced), "earlier actual")
        messages.append(("info", f"Replaced {replaced}: {listed}."))
    return messages


def _shorten(name: str) -> str:
    return name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1].rstrip() + "…"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
