"""Members pages: a programme's People tab for its PMO admins, and the same page in the
Administration area for site administrators."""

from flask import abort, flash, render_template
from wtforms.fields.choices import SelectChoice

from transform.access import login_blueprint, programme_access_or_404, require_site_admin
from transform.extensions import db
from transform.htmx import redirect_after_post
from transform.memberships import service
from transform.memberships.forms import MembershipForm
from transform.models import Membership, Programme, Role, User
from transform.request_transaction import keep_nothing

bp = login_blueprint("memberships", __name__)


@bp.route("/programmes/<int:programme_id>/members", methods=["GET", "POST"])
def update(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN)
    return _members_page(access.programme, "memberships.update", access=access)


@bp.post("/programmes/<int:programme_id>/members/<int:membership_id>/remove")
def remove(programme_id: int, membership_id: int):
    programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    return _remove(programme_id, membership_id, "memberships.update")


@bp.route("/admin/programmes/<int:programme_id>/members", methods=["GET", "POST"])
def admin_update(programme_id: int):
    require_site_admin()
    programme = db.session.get(Programme, programme_id) or abort(404)
    return _members_page(programme, "memberships.admin_update")


@bp.post("/admin/programmes/<int:programme_id>/members/<int:membership_id>/remove")
def admin_remove(programme_id: int, membership_id: int):
    require_site_admin()
    return _remove(programme_id, membership_id, "memberships.admin_update")


def _members_page(programme: Programme, endpoint: str, access=None):
    """The members and the form; a PMO admin's save needs a programme they may write."""
    form = MembershipForm()
    form.user_id.choices = [
        SelectChoice(u.id, f"{u.name} <{u.email}>") for u in service.people_for_choice()
    ]
    status = 200
    if form.validate_on_submit():
        if access is not None:
            programme_access_or_404(programme.id, Role.ADMIN, for_write=True)
        user = db.session.get(User, form.user_id.data) or abort(404)
        try:
            service.set_membership(programme, user, Role(form.role.data))
        except service.MembershipError as error:
            form.role.errors.append(str(error))
            status = 422
        else:
            flash(f"{user.name} is now {Role(form.role.data).label}.", "success")
            return redirect_after_post(endpoint, programme_id=programme.id)
    elif form.is_submitted():
        status = 422
    template = "memberships/admin_update.html" if access is None else "memberships/update.html"
    return render_template(
        template,
        access=access,
        programme=programme,
        memberships=service.members_of(programme),
        form=form,
        remove_endpoint=endpoint.replace("update", "remove"),
    ), status


def _remove(programme_id: int, membership_id: int, endpoint: str):
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.programme_id != programme_id:
        abort(404)
    try:
        service.remove_membership(membership)
    except service.MembershipError as error:
        keep_nothing()
        flash(str(error), "error")
    else:
        flash("Removed from the programme.", "success")
    return redirect_after_post(endpoint, programme_id=programme_id)
