"""Creating, finding and revoking personal API tokens. Only a SHA-256 of each secret is
kept: the secret is 256 random bits, so a fast hash is enough to make a leaked table
useless, and lookups stay one indexed query."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from transform.audit import record_change
from transform.extensions import db
from transform.models import ApiToken, User
from transform.models.base import utcnow

PREFIX = "tfm_"
#: How stale last_used_at may get before a request writes it again.
USE_RESOLUTION = timedelta(minutes=10)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown to its owner once."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=digest(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.flush()
    record_change("api_token.created", token, None, None, {"name": name, "prefix": token.prefix})
    return token, secret


def active_token(secret: str) -> ApiToken | None:
    """The live token with this secret, or None (unknown, revoked, or owner deactivated)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or not token.is_active or not token.user.is_active:
        return None
    return token


def note_use(token: ApiToken) -> bool:
    """Stamp last_used_at when it is older than USE_RESOLUTION; True if it changed."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < USE_RESOLUTION:
        return False
    token.last_used_at = now
    return True


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def revoke(token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    db.session.flush()
    record_change("api_token.revoked", token, None, {"name": token.name}, None)
