"""Who a user is: authentication and password changes."""

from sqlalchemy import select

from transform.auth.passwords import hash_password, verify_password
from transform.auth.sessions import end_all_sessions
from transform.extensions import db
from transform.models import User, utcnow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, else None, without saying which was wrong."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_enabled:
        return None
    user.last_login_at = utcnow()
    return user


def create_user(email: str, name: str, password: str, is_site_admin: bool = False) -> User:
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        is_site_admin=is_site_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every session the user had."""
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
