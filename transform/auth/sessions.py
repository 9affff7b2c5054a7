"""Server-checked login sessions: session counter, absolute and idle lifetimes.

The login cookie carries "user id:session counter" (User.get_id). Bumping the user's
counter at logout or password change makes every cookie issued before it worthless,
so logging out ends the session on the server, not only in this browser.
"""

from flask import Flask, current_app, flash, session
from flask_login import current_user, logout_user

from transform import clock
from transform.extensions import db, login

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
SEEN_REFRESH_SECONDS = 60
#: Where flask-login keeps the logged-in user's id in the session.
USER_KEY = "_user_id"


def _now_ts() -> float:
    return clock.now().timestamp()


def init_sessions(app: Flask) -> None:
    login.login_view = "auth.login"
    login.login_message = "Please log in to see that page."
    login.login_message_category = "info"
    login.session_protection = "basic"

    @login.user_loader
    def load_user(user_key: str):
        from transform.models import User

        user_id, _, counter = user_key.partition(":")
        if not user_id.isdigit() or not counter.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_counter != int(counter) or not user.is_enabled:
            return None
        return user

    @app.before_request
    def expire_stale_sessions():
        # Nobody is logged in without a user in the session (logins are never remembered
        # by cookie): respondents' requests skip loading a user and flask-login's session
        # protection, which would rewrite their session cookie on every post.
        if USER_KEY not in session or not current_user.is_authenticated:
            return None
        now = _now_ts()
        absolute = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
        idle = current_app.config["SESSION_IDLE_LIFETIME"].total_seconds()
        login_at = session.get(LOGIN_AT, 0)
        seen_at = session.get(SEEN_AT, 0)
        if now - login_at > absolute or now - seen_at > idle:
            logout_user()
            session.clear()
            flash("Your session has expired. Please log in again.", "info")
            return None
        if now - seen_at > SEEN_REFRESH_SECONDS:
            session[SEEN_AT] = now
        return None


def start_session() -> None:
    """Stamp a fresh login; call right after login_user()."""
    now = _now_ts()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def end_all_sessions(user) -> None:
    """Invalidate every session the user holds, this one included."""
    user.session_counter += 1
    db.session.flush()
