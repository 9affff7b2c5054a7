"""Importing KPI actuals from a CSV or Excel extract, all or nothing."""

from flask import Blueprint, Response, current_app, flash, render_template
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from transform import clock
from transform.access import ProgrammeAccess, programme_access_or_404
from transform.extensions import db
from transform.htmx import redirect_after_post
from transform.kpis import imports
from transform.kpis.imports import ImportRefused, ImportSummary, Problem
from transform.kpis.status import format_value
from transform.models import Role
from transform.spreadsheets import csv_text
from transform.templating import format_date, size_label

bp = Blueprint("kpi_imports", __name__, url_prefix="/programmes/<int:programme_id>/kpis/import")

#: Replaced actuals named in the flash message, names shortened; the rest are counted:
#: flash messages ride in the session cookie, which browsers cap at 4 KB.
REPLACED_LISTED = 5
NAME_SHOWN = 60
RACE_LOST = (
    "The KPIs changed while this file was being imported, so nothing was imported. "
    "Upload it again."
)


class UploadForm(FlaskForm):
    file = FileField("CSV or Excel file", validators=[FileRequired("Choose a file to import.")])

    def validate_file(self, field) -> None:
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        FileSize(limit, message=f"The file is larger than the {size_label(limit)} limit.")(
            self, field
        )


@bp.before_request
@login_required
def require_login():
    """Importing actuals changes programme data: every page needs a login."""


def _admin_access(programme_id: int) -> ProgrammeAccess:
    return programme_access_or_404(programme_id, Role.ADMIN, for_write=True)


@bp.get("")
def new(programme_id: int):
    return _page(_admin_access(programme_id), UploadForm())


@bp.post("")
def create(programme_id: int):
    access = _admin_access(programme_id)
    form, refused, status = UploadForm(), None, 422
    if form.validate_on_submit():
        upload = form.file.data
        filename = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1][-120:]
        try:
            summary = imports.import_actuals(access.programme, filename, upload.read())
            db.session.commit()
        except ImportRefused as error:
            refused = error
        except (IntegrityError, StaleDataError):
            db.session.rollback()
            refused, status = ImportRefused([Problem(RACE_LOST)]), 409
        else:
            for category, message in _messages(filename, summary):
                flash(message, category)
            return redirect_after_post("scorecards.index", programme_id=programme_id)
    return _page(access, form, refused), status


@bp.get("/template.csv")
def template(programme_id: int):
    access = _admin_access(programme_id)
    rows = imports.template_rows(access.programme, clock.today())
    return Response(
        csv_text(imports.TEMPLATE_COLUMNS, rows).encode("utf-8-sig"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=kpi-actuals-template.csv"},
    )


def _page(access: ProgrammeAccess, form: UploadForm, refused: ImportRefused | None = None):
    return render_template(
        "kpi_imports/new.html",
        access=access,
        programme=access.programme,
        form=form,
        refused=refused,
        kpis=imports.programme_kpis(access.programme),
        columns=imports.COLUMNS,
        max_rows=imports.MAX_ROWS,
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
