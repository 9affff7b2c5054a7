"""Survey link tokens: made here, shown once, stored only as a SHA-256 hash.

A token is 32 random bytes in URL-safe base64. Only its hash reaches the database,
and `redact` strips tokens from anything that is logged.
"""

import hashlib
import logging
import re
import secrets

TOKEN_BYTES = 32
#: Paths that carry a token: single-use links and team links.
TOKEN_PATH = re.compile(r"(/(?:s|t)/)[A-Za-z0-9_\-]{16,}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", errors="replace")).hexdigest()


def redact(text: str) -> str:
    """The text with every survey token replaced by a marker."""
    return TOKEN_PATH.sub(r"\1[token]", text)


class RedactTokens(logging.Filter):
    """A logging filter that keeps survey tokens out of log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_log_redaction(*logger_names: str) -> None:
    """Attach the token filter to the named loggers (and their handlers' records)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
