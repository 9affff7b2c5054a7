"""Two-factor secrets sealed at rest, with a key derived from SECRET_KEY.

A copy of the database alone then yields no authenticator seeds: the key lives only in
the server's settings. Fernet (AES-128-CBC with HMAC-SHA256) comes from `cryptography`;
HKDF gives it its own key rather than reusing the session-signing key as is. Rotating
SECRET_KEY makes sealed secrets unreadable: `unseal` raises SealBroken, the user is told
to ask an administrator, who resets their two-factor login.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PURPOSE = b"transform two-factor secret"


class SealBroken(Exception):
    """A sealed secret cannot be opened with this server's key."""


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise SealBroken("the two-factor secret was sealed with another SECRET_KEY") from error


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        current_app.secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))
