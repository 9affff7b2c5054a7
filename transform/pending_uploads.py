"""Uploads waiting to be reviewed before they are imported, kept on the server.

An import reads the file, shows how it reads, and writes only when the user confirms:
the upload is kept between those steps under UPLOAD_FOLDER/imports/<token>.upload,
beside a note of its SHA-256, its scope (what it is to be imported into, such as
"wave:4") and its uploader. Later steps name it by its random token only; it is read
back only for the same scope and user, and only while it still hashes to the noted
SHA-256, so what is imported is exactly what was reviewed. Both files are deleted after
the import, on discard, and when older than a day.

A large import queued for a worker holds its upload (a `<token>.held` marker): it is
kept for a week rather than a day, so a job that waits or fails and is retried still
finds it. Once imported, its data is deleted and only the note stays, for the job page
to name the file, until it is swept.
"""

import hashlib
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app, flash
from flask_login import current_user

from transform import clock

MAX_AGE_SECONDS = 24 * 60 * 60
#: How long an upload held for a queued import is kept: as long as RQ keeps a failed job.
HELD_MAX_AGE_SECONDS = 7 * 24 * 60 * 60
TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class PendingUpload:
    token: str
    #: The uploaded file's name, shown while reviewing; never stored in the database.
    filename: str
    #: SHA-256 of the stored data: it must not change between the steps.
    sha256: str
    scope: str
    user_id: int


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    """The note and the data of an upload."""
    return _folder() / f"{token}.json", _folder() / f"{token}.upload"


def store(data: bytes, filename: str, scope: str, user_id: int) -> PendingUpload:
    """Keep the data for the next step; old uploads are swept on the way."""
    sweep()
    token = secrets.token_hex(16)
    pending = PendingUpload(token, filename, hashlib.sha256(data).hexdigest(), scope, user_id)
    note, data_path = _paths(token)
    _write_private(data_path, data)
    _write_private(note, json.dumps(asdict(pending)).encode())
    return pending


def load(token: str, scope: str, user_id: int) -> tuple[PendingUpload, bytes] | None:
    """The upload and its data, or None if gone, expired, changed or someone else's."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    note, data_path = _paths(token)
    try:
        if clock.system_now().timestamp() - note.stat().st_mtime > _max_age(token):
            discard(token)
            return None
        pending = PendingUpload(**json.loads(note.read_text()))
        data = data_path.read_bytes()
    except (OSError, ValueError, TypeError):
        return None
    if (pending.scope, pending.user_id) != (scope, user_id):
        return None
    if hashlib.sha256(data).hexdigest() != pending.sha256:
        current_app.logger.warning("A pending import changed on disk; discarded.")
        discard(token)
        return None
    return pending, data


def load_mine(token: str, scope: str) -> tuple[PendingUpload, bytes] | None:
    """The current user's upload for the scope, or None after telling them it is gone."""
    loaded = load(token, scope, current_user.id)
    if loaded is None:
        flash("That upload has expired or was already imported: upload the file again.", "info")
    return loaded


def discard_on_request(pending: PendingUpload) -> None:
    """Delete an upload its uploader chose to discard, telling them nothing was imported."""
    discard(pending.token)
    flash(f"Discarded {pending.filename}; nothing was imported.", "info")


def discard(token: str) -> None:
    """Delete the upload's files; a missing file is fine."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return
    for path in (*_paths(token), _held(token)):
        path.unlink(missing_ok=True)


def hold(token: str) -> None:
    """Keep the upload for a queued import: a week from now rather than a day."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return
    _held(token).touch()
    for path in _paths(token):
        try:
            os.utime(path)
        except OSError:
            continue


def release(token: str) -> None:
    """Delete an imported upload's data; its note stays, naming the file, until swept."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return
    _paths(token)[1].unlink(missing_ok=True)
    _held(token).unlink(missing_ok=True)


def filename(token: str) -> str | None:
    """The name of the file uploaded under the token, while its note is kept."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    try:
        return json.loads(_paths(token)[0].read_text())["filename"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def sweep() -> None:
    """Delete uploads older than a day (a week if held): abandoned reviews must not keep
    files around."""
    now = clock.system_now().timestamp()
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < now - _max_age(path.name.split(".", 1)[0]):
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _held(token: str) -> Path:
    return _folder() / f"{token}.held"


def _max_age(token: str) -> int:
    return HELD_MAX_AGE_SECONDS if _held(token).exists() else MAX_AGE_SECONDS


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
