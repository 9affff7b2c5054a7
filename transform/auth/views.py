from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from transform.auth import service
from transform.auth.forms import ChangePasswordForm, LoginForm
from transform.auth.passwords import verify_password
from transform.auth.sessions import end_all_sessions, start_session
from transform.extensions import db

bp = Blueprint("auth", __name__, url_prefix="/auth")

LOGIN_FAILED = "That email and password do not match an account."


def _safe_next(target: str | None) -> str:
    """Only same-site paths may follow a login, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("programmes.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("programmes.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            start_session()
            return redirect(_safe_next(request.args.get("next")), code=303)
        form.form_errors.append(LOGIN_FAILED)
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash("You have logged out on every device.", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            service.change_password(current_user, form.new_password.data)
            db.session.commit()
            logout_user()
            flash("Password changed. Please log in with the new password.", "success")
            return redirect(url_for("auth.login"), code=303)
        form.current_password.errors.append("That is not your current password.")
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status
