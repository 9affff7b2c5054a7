"""Who a user is: authentication, lock-out after failures, two-factor codes, passwords."""

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from transform.auth import two_factor
from transform.auth.sealed import SealBroken, seal, unseal
from transform.auth.sessions import end_all_sessions
from transform.extensions import db, limiter
from transform.models import User, utcnow
from transform.passwords import hash_password, verify_password


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of a password or code: the user when right, the lock-out end when locked."""

    user: User | None = None
    locked_until: datetime | None = None
    #: The stored two-factor secret cannot be opened (SECRET_KEY changed since enrolment).
    secret_unreadable: bool = False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> LoginAttempt:
    """Check email and password without saying which was wrong, counting failures.

    A right password does not clear the failures: that waits for complete_login(), so
    someone who knows the password still has only a few tries at the second factor.
    """
    user = find_user_by_email(email)
    now = utcnow()
    locked_until = _locked_until(user, email, now)
    if locked_until is not None:
        return LoginAttempt(locked_until=locked_until)
    if not verify_password(user.password_hash if user else None, password):
        return LoginAttempt(locked_until=_record_failure(user, email, now))
    if user is None or not user.is_enabled:
        return LoginAttempt()
    return LoginAttempt(user=user)


def check_second_factor(user: User, code: str) -> LoginAttempt:
    """Check a TOTP code at login; wrong codes count towards the same lock-out."""
    now = utcnow()
    locked_until = _locked_until(user, user.email, now)
    if locked_until is not None:
        return LoginAttempt(locked_until=locked_until)
    try:
        accepted = user.is_enabled and use_code(user, code)
    except SealBroken:
        return LoginAttempt(secret_unreadable=True)
    if not accepted:
        return LoginAttempt(locked_until=_record_failure(user, user.email, now))
    return LoginAttempt(user=user)


def complete_login(user: User) -> None:
    """Every factor was right: clear the failures and stamp the login."""
    user.failed_logins = 0
    user.last_failed_login_at = None
    user.locked_until = None
    user.last_login_at = utcnow()


def unlock(user: User) -> None:
    """An administrator lifts a lock-out."""
    user.failed_logins = 0
    user.last_failed_login_at = None
    user.locked_until = None


def _lock_end(now: datetime) -> datetime:
    """Now plus the lock duration, rounded up to the minute the message names."""
    end = now + current_app.config["LOGIN_LOCK_DURATION"]
    if end.second or end.microsecond:
        end = end.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end


def _unknown_key(email: str, kind: str) -> str:
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
    return f"login-{kind}:{digest}"


def _locked_until(user: User | None, email: str, now: datetime) -> datetime | None:
    if user is not None:
        return user.locked_until if user.locked_until and user.locked_until > now else None
    # Unknown emails are counted in the rate-limit store, so they lock out alike.
    storage = _unknown_email_store()
    if storage is None or not storage.get(_unknown_key(email, "lock")):
        return None
    expiry = datetime.fromtimestamp(storage.get_expiry(_unknown_key(email, "lock")), UTC)
    return expiry.replace(tzinfo=None, second=0, microsecond=0)


def _record_failure(user: User | None, email: str, now: datetime) -> datetime | None:
    """Count a failure; return the lock-out end if this failure starts one."""
    threshold = current_app.config["LOGIN_LOCK_THRESHOLD"]
    window = current_app.config["LOGIN_LOCK_WINDOW"]
    if user is None:
        return _record_unknown_failure(email, now, threshold, window)
    if user.last_failed_login_at is None or now - user.last_failed_login_at > window:
        user.failed_logins = 0
    user.failed_logins += 1
    user.last_failed_login_at = now
    if user.failed_logins >= threshold:
        user.failed_logins = 0
        user.locked_until = _lock_end(now)
        return user.locked_until
    return None


def _unknown_email_store():
    """The rate-limit store, or None while it does not answer (Redis down): real accounts
    still lock through the database, and the per-address limit falls back to memory."""
    storage = limiter.storage
    return storage if storage is not None and storage.check() else None


def _record_unknown_failure(email, now, threshold, window) -> datetime | None:
    storage = _unknown_email_store()
    if storage is None:
        return None
    count_key = _unknown_key(email, "count")
    if storage.incr(count_key, int(window.total_seconds())) < threshold:
        return None
    storage.clear(count_key)
    end = _lock_end(now)
    storage.incr(_unknown_key(email, "lock"), math.ceil((end - now).total_seconds()))
    return end


def use_code(user: User, code: str) -> bool:
    """True when the code is the user's current one (±1 step) and not used before."""
    if user.totp_secret is None:
        return False
    step = two_factor.matching_step(unseal(user.totp_secret), code, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def enable_two_factor(user: User, secret: str, code: str) -> bool:
    """Store the secret once a code from it proves the authenticator has it."""
    step = two_factor.matching_step(secret, code, None)
    if step is None:
        return False
    user.totp_secret = seal(secret)
    user.totp_last_step = step
    return True


def disable_two_factor(user: User) -> None:
    """Turn two-factor login off (after a current code, or by an administrator)."""
    user.totp_secret = None
    user.totp_last_step = None


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
