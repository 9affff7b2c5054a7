import secrets

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from transform import clock
from transform.auth import service
from transform.auth import two_factor as totp
from transform.auth.forms import ChangePasswordForm, CodeForm, LoginForm
from transform.auth.sessions import end_all_sessions, start_session
from transform.extensions import db, limiter
from transform.models import User
from transform.passwords import verify_password
from transform.redirect_targets import local_target

bp = Blueprint("auth", __name__, url_prefix="/auth")

LOGIN_FAILED = "That email and password do not match an account."
CODE_FAILED = "That code is not right. Check the time on your device and try again."
SECRET_UNREADABLE = (
    "Your two-factor login cannot be checked on this server: its secret key has changed "
    "since you set it up. Ask a site administrator to reset your two-factor login."
)
LOCKED = "Too many failed attempts. Try again after {:%H:%M} UTC, or ask an administrator."
#: The password step is good for this long while the code is asked for.
PENDING_SECONDS = 5 * 60
PENDING = "two_factor_pending"
ENROL_NONCE = "two_factor_enrol"
#: Pages a site administrator may reach before enrolling when REQUIRE_ADMIN_2FA is on.
ENROLMENT_OPEN = {"auth.two_factor", "auth.logout", "static"}


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


#: One budget per address shared by the password, code and two-factor posts.
login_limit = limiter.shared_limit(
    _login_limit,
    scope="login",
    methods=["POST"],
    error_message="Too many login attempts from your address. Wait a minute and try again.",
)


def _next_page(target: str | None) -> str:
    """The page a login goes on to: the one asked for if it is on this site."""
    return local_target(target, url_for("programmes.index"))


def _finish_login(user: User, next_page: str):
    service.complete_login(user)
    session.pop(PENDING, None)
    login_user(user)
    start_session()
    return redirect(next_page, code=303)


def _refusal(form, attempt: service.LoginAttempt, message: str) -> int:
    db.session.commit()  # the failure count must stick
    if attempt.locked_until is not None:
        form.form_errors.append(LOCKED.format(attempt.locked_until))
        return 429
    if attempt.secret_unreadable:
        form.form_errors.append(SECRET_UNREADABLE)
        return 409
    form.form_errors.append(message)
    return 401


@bp.before_app_request
def require_admin_two_factor():
    """With REQUIRE_ADMIN_2FA, a site administrator must enrol before anything else."""
    if (
        not current_app.config["REQUIRE_ADMIN_2FA"]
        or request.blueprint == "api"
        or request.endpoint in ENROLMENT_OPEN
        or not current_user.is_authenticated
        or not current_user.is_site_admin
        or current_user.has_two_factor
    ):
        return None
    flash("Site administrators must set up two-factor login before going on.", "info")
    return redirect(url_for("auth.two_factor"))


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    if current_user.is_authenticated:
        return redirect(url_for("programmes.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        attempt = service.authenticate(form.email.data, form.password.data)
        user = attempt.user
        next_page = _next_page(request.args.get("next"))
        if user is not None and user.has_two_factor:
            session[PENDING] = {
                "user": user.get_id(),
                "at": clock.now().timestamp(),
                "next": next_page,
            }
            return redirect(url_for("auth.verify_code"), code=303)
        if user is not None:
            return _finish_login(user, next_page)
        status = _refusal(form, attempt, LOGIN_FAILED)
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


def _pending_user() -> tuple[User | None, str | None]:
    """The user who gave the right password moments ago, if the session still says so."""
    pending = session.get(PENDING) or {}
    if clock.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user_id, _, counter = str(pending.get("user", "")).partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or str(user.session_counter) != counter or not user.has_two_factor:
        return None, None
    return user, pending.get("next")


@bp.route("/code", methods=["GET", "POST"])
@login_limit
def verify_code():
    """The second login step: nobody is logged in until the code is right."""
    user, next_url = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Please log in again.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        attempt = service.check_second_factor(user, form.code.data)
        if attempt.user is not None:
            # Checked again on the way out: the session kept it across a request.
            return _finish_login(user, _next_page(next_url))
        if attempt.locked_until is not None:
            session.pop(PENDING, None)
        status = _refusal(form, attempt, CODE_FAILED)
    elif form.is_submitted():
        status = 422
    return render_template("auth/verify_code.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user)
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
            logout_user()
            flash("Password changed. Please log in with the new password.", "success")
            return redirect(url_for("auth.login"), code=303)
        form.current_password.errors.append("That is not your current password.")
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
@login_limit
def two_factor():
    """Enrol in two-factor login: scan the code, confirm with a code from the app."""
    if current_user.has_two_factor:
        return render_template("auth/two_factor.html", form=CodeForm(), enrolled=True)
    nonce = session.get(ENROL_NONCE) or secrets.token_hex(16)
    session[ENROL_NONCE] = nonce
    secret = totp.enrolment_secret(current_app.secret_key, current_user.id, nonce)
    form = CodeForm()
    if form.validate_on_submit():
        if service.enable_two_factor(current_user, secret, form.code.data):
            session.pop(ENROL_NONCE, None)
            flash("Two-factor login is on. You will be asked for a code at login.", "success")
            return redirect(url_for("auth.two_factor"), code=303)
        form.code.errors.append(CODE_FAILED)
    uri = totp.provisioning_uri(secret, current_user.email)
    return render_template(
        "auth/two_factor.html",
        form=form,
        enrolled=False,
        qr_code=totp.qr_svg(uri),
        secret=totp.formatted_secret(secret),
    ), 422 if form.errors else 200


@bp.post("/two-factor/disable")
@login_required
@login_limit
def disable_two_factor():
    """Turning two-factor login off takes a current code; wrong ones count as failures."""
    form = CodeForm()
    if form.validate_on_submit():
        attempt = service.check_second_factor(current_user, form.code.data)
        if attempt.user is not None:
            service.disable_two_factor(current_user)
            flash("Two-factor login is off.", "success")
            return redirect(url_for("auth.two_factor"), code=303)
        _refusal(form, attempt, CODE_FAILED)
    return render_template("auth/two_factor.html", form=form, enrolled=True), 422
