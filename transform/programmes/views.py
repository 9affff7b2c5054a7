from flask import abort, flash, render_template, request

from transform import clock
from transform.access import login_blueprint, programme_access_or_404, programmes_of_current_user
from transform.extensions import db
from transform.htmx import redirect_after_post
from transform.indices.latest import adoption_headline
from transform.models import Role
from transform.programmes import service
from transform.programmes.forms import ArchiveForm, ProgrammeUpdateForm
from transform.programmes.queries import programme_overview

bp = login_blueprint("programmes", __name__, url_prefix="/programmes")


@bp.get("/")
def index():
    show_archived = request.args.get("archived") == "1"
    return render_template(
        "programmes/index.html",
        memberships=programmes_of_current_user(include_archived=show_archived),
        show_archived=show_archived,
    )


@bp.get("/<int:programme_id>")
def show(programme_id: int):
    access = programme_access_or_404(programme_id)
    today = clock.today()
    return render_template(
        "programmes/show.html",
        access=access,
        programme=access.programme,
        overview=programme_overview(access.programme, today),
        adoption=adoption_headline(access.programme, today),
        archive_form=ArchiveForm(),
        today=today,
    )


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
def update(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    programme = access.programme
    form = ProgrammeUpdateForm(obj=programme)
    status = 200
    if form.validate_on_submit():
        if form.version.data != programme.version:
            form.form_errors.append(
                "Someone changed this programme since you opened it. Reload to see their "
                "changes, then make yours again."
            )
            status = 409
        else:
            changes = {name: getattr(form, name).data for name in service.PROGRAMME_FIELDS}
            changes["target_adoption_rate"] = float(changes["target_adoption_rate"])
            try:
                service.update_programme(programme, changes)
            except service.ProgrammeRuleBroken as error:
                db.session.rollback()
                getattr(form, error.field).errors.append(str(error))
                status = 422
            else:
                flash("Programme saved.", "success")
                return redirect_after_post("programmes.show", programme_id=programme_id)
    elif form.errors:
        status = 422
    return render_template(
        "programmes/update.html", access=access, programme=programme, form=form
    ), status


@bp.post("/<int:programme_id>/archive")
def archive(programme_id: int):
    return _set_archived(programme_id, archived=True)


@bp.post("/<int:programme_id>/restore")
def restore(programme_id: int):
    return _set_archived(programme_id, archived=False)


def _set_archived(programme_id: int, archived: bool):
    access = programme_access_or_404(programme_id, Role.ADMIN)
    if not ArchiveForm().validate():
        abort(400)
    service.set_archived(access.programme, archived)
    flash(
        "Programme archived: it is read-only and hidden from the default list."
        if archived
        else "Programme restored.",
        "success",
    )
    return redirect_after_post("programmes.show", programme_id=programme_id)
