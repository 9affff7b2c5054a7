"""TOTP codes for two-factor login: secrets, QR codes and one-time verification."""

import base64
import hashlib
import hmac
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup

from transform import clock

ISSUER = "Transform"


def enrolment_secret(key: str, user_id: int, nonce: str) -> str:
    """A base32 secret derived from the app key, so the session holds only a nonce."""
    digest = hmac.new(key.encode(), f"totp-enrol:{user_id}:{nonce}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()[:20]).decode()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """An inline SVG QR code: markup made by segno, the URI only encoded in the path."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, light="#fff"))


def formatted_secret(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, last_step: int | None, now: datetime | None = None):
    """The time step whose code this is (now ±1 step), or None; a used step never matches."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or clock.now())
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
