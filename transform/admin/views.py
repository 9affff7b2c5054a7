from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from transform.access import require_site_admin
from transform.admin import service
from transform.admin.forms import ProgrammeForm, UserForm, UserUpdateForm
from transform.auth import service as auth_service
from transform.extensions import db
from transform.mail import OUTBOX_LISTED, outbox_messages
from transform.models import MethodologyTemplate, User, utcnow
from transform.programmes.service import ProgrammeDraft, create_programme_from_template

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    """Only site administrators see this area; others get 404."""
    require_site_admin()


def _get_or_404(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users():
    return render_template("admin/users.html", users=service.all_users())


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = UserForm()
    if form.validate_on_submit():
        if auth_service.find_user_by_email(form.email.data):
            form.email.errors.append("A user with this email already exists.")
        else:
            user = auth_service.create_user(
                form.email.data, form.name.data, form.password.data, form.is_site_admin.data
            )
            flash(f"Created {user.email}.", "success")
            return redirect(url_for("admin.users"), code=303)
    return render_template("admin/create_user.html", form=form), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def update_user(user_id: int):
    user = _get_or_404(User, user_id)
    form = UserUpdateForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and not (form.is_site_admin.data and form.is_enabled.data):
            form.is_site_admin.errors.append("You cannot remove your own administrator access.")
        else:
            user.name = form.name.data.strip()
            user.is_site_admin = form.is_site_admin.data
            if user.is_enabled and not form.is_enabled.data:
                user.session_counter += 1
            user.is_enabled = form.is_enabled.data
            flash(f"Saved {user.email}.", "success")
            return redirect(url_for("admin.users"), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/update_user.html", form=form, user=user, now=utcnow()), status


@bp.post("/users/<int:user_id>/reset-two-factor")
def reset_two_factor(user_id: int):
    """Recovery for a lost authenticator: the person enrols again at their next login."""
    user = _get_or_404(User, user_id)
    auth_service.disable_two_factor(user)
    flash(f"Two-factor login is off for {user.email}; they can set it up again.", "success")
    return redirect(url_for("admin.update_user", user_id=user.id), code=303)


@bp.post("/users/<int:user_id>/unlock")
def unlock_user(user_id: int):
    """Lift a lock-out after too many failed logins."""
    user = _get_or_404(User, user_id)
    auth_service.unlock(user)
    flash(f"{user.email} may log in again.", "success")
    return redirect(url_for("admin.update_user", user_id=user.id), code=303)


@bp.get("/programmes")
def programmes():
    return render_template(
        "admin/programmes.html", rows=service.all_programmes_with_member_counts()
    )


@bp.route("/programmes/new", methods=["GET", "POST"])
def create_programme():
    form = ProgrammeForm()
    form.template_id.choices = [SelectChoice(t.id, t.name) for t in service.templates_for_choice()]
    if form.validate_on_submit():
        template = _get_or_404(MethodologyTemplate, form.template_id.data)
        draft = ProgrammeDraft(
            name=form.name.data,
            organisation=form.organisation.data or "",
            description=form.description.data or "",
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            target_adoption_rate=float(form.target_adoption_rate.data),
            anonymity_threshold=form.anonymity_threshold.data,
            comment_threshold=form.comment_threshold.data,
        )
        programme = create_programme_from_template(draft, template, current_user)
        flash(f"Created {programme.name} with {len(programme.phases)} phases.", "success")
        return redirect(url_for("programmes.show", programme_id=programme.id), code=303)
    return render_template("admin/create_programme.html", form=form), 422 if form.errors else 200


@bp.get("/outbox")
def outbox():
    """The messages written to the outbox folder when no mail server is configured."""
    return render_template(
        "admin/outbox.html",
        messages=outbox_messages(current_app.config["MAIL_OUTBOX"]),
        is_smtp=current_app.config["MAIL_BACKEND"] == "smtp",
        folder=current_app.config["MAIL_OUTBOX"],
        listed=OUTBOX_LISTED,
    )
