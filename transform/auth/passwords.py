"""Password hashing with argon2; parameters lighter in tests only."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 10

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
