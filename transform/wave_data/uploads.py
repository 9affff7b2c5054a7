"""Uploads waiting for their column mapping, kept on the server between the two steps.

Step 1 reads the file and stores the table it holds under
UPLOAD_FOLDER/imports/<token>.table.json, beside a note of that table's SHA-256, the
wave and the uploader; step 2 names the upload by its random token only. The table is
read back only for the same wave and user, and only while it still hashes to the
noted SHA-256, so the rows imported are exactly the rows the user mapped, and a large
workbook is parsed once, not again at each step. Both files are deleted after the
import, on cancel, and when older than a day.
"""

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app

from transform.wave_data.import_files import Row, Table

MAX_AGE_SECONDS = 24 * 60 * 60
TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class PendingUpload:
    token: str
    #: The uploaded file's name, shown on the mapping page; never stored in the database.
    filename: str
    #: SHA-256 of the stored table: it must not change between the steps, and the same
    #: file is imported into a wave only once.
    sha256: str
    wave_id: int
    user_id: int


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    """The note and the table of an upload."""
    return _folder() / f"{token}.json", _folder() / f"{token}.table.json"


def store(table: Table, filename: str, wave_id: int, user_id: int) -> PendingUpload:
    """Keep the file's table for step 2; old uploads are swept on the way."""
    sweep()
    data = json.dumps(
        {"headers": table.headers, "rows": [[row.line, row.cells] for row in table.rows]},
        ensure_ascii=False,
    ).encode()
    token = secrets.token_hex(16)
    pending = PendingUpload(token, filename, hashlib.sha256(data).hexdigest(), wave_id, user_id)
    note, table_path = _paths(token)
    _write_private(table_path, data)
    _write_private(note, json.dumps(asdict(pending)).encode())
    return pending


def load(token: str, wave_id: int, user_id: int) -> tuple[PendingUpload, Table] | None:
    """The upload and its table, or None if gone, expired, changed or someone else's."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    note, table_path = _paths(token)
    try:
        if time.time() - note.stat().st_mtime > MAX_AGE_SECONDS:
            discard(token)
            return None
        pending = PendingUpload(**json.loads(note.read_text()))
        data = table_path.read_bytes()
    except (OSError, ValueError, TypeError):
        return None
    if (pending.wave_id, pending.user_id) != (wave_id, user_id):
        return None
    if hashlib.sha256(data).hexdigest() != pending.sha256:
        current_app.logger.warning("A pending response import changed on disk; discarded.")
        discard(token)
        return None
    stored = json.loads(data)
    rows = tuple(Row(line, tuple(cells)) for line, cells in stored["rows"])
    return pending, Table(tuple(stored["headers"]), rows)


def discard(token: str) -> None:
    """Delete the upload's files; a missing file is fine."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)


def sweep() -> None:
    """Delete uploads older than a day: abandoned mappings must not keep files around."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
