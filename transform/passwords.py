"""Password hashing with argon2 (parameters lighter in tests only) and new-password rules."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_production_hasher = PasswordHasher()
_test_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher() -> PasswordHasher:
    return _test_hasher if current_app.config.get("PASSWORD_HASH_FAST") else _production_hasher


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against for unknown emails, so they cost a wrong password's time."""
    return hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; an absent hash costs the same time and is False."""
    hasher = _hasher()
    try:
        matched = hasher.verify(password_hash or _dummy_hash(hasher), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


# Rules for a new password, after NIST SP 800-63B: length and a block list, no
# composition rules. Applied where a person chooses a password (forms), not where the
# demo or the tests create accounts directly.
NEW_PASSWORD_MIN_LENGTH = 12
NEW_PASSWORD_MAX_LENGTH = 128
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def new_password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why this password may not be chosen, or None when it may."""
    if len(password) < NEW_PASSWORD_MIN_LENGTH:
        return f"Use at least {NEW_PASSWORD_MIN_LENGTH} characters."
    if len(password) > NEW_PASSWORD_MAX_LENGTH:
        return f"Use at most {NEW_PASSWORD_MAX_LENGTH} characters."
    lowered = password.lower()
    if len(set(lowered)) < 4:
        return "Use more than a few different characters."
    if lowered in common_passwords():
        return "This password is too common. Choose one that is harder to guess."
    squashed = "".join(lowered.split())
    personal = {email.strip().lower(), email.strip().lower().partition("@")[0]}
    personal.add("".join(name.lower().split()))
    if any(len(word) >= 4 and word in squashed for word in personal):
        return "Do not use your email address or name in your password."
    return None
