"""Restore a programme archive into an empty database, ids kept, in one transaction."""

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import Integer, func, select, text

from transform.backup import FORMAT, FORMAT_VERSION, ArchiveRefused
from transform.backup.schema import decode, schema_revision, tables
from transform.extensions import db


@dataclass(frozen=True)
class RestoreSummary:
    programme_id: int
    counts: dict[str, int]
    files: int


def restore_archive(path: Path) -> RestoreSummary:
    """Insert the archive's rows and files; the caller commits. Raises ArchiveRefused."""
    refuse_unless_empty()
    with _open(path) as archive:
        manifest = _manifest(archive)
        data = _verified_members(archive, manifest)
    counts = {}
    for table in tables():
        raw = data.get(f"tables/{table.name}.json")
        if raw is None:
            raise ArchiveRefused(f"The archive has no rows file for table {table.name}.")
        rows = _rows(table, raw)
        if len(rows) != manifest["counts"].get(table.name, -1):
            raise ArchiveRefused(f"The archive's {table.name} rows do not match its manifest.")
        if rows:
            db.session.execute(table.insert(), rows)
        counts[table.name] = len(rows)
    db.session.flush()
    reset_sequences()
    files = _write_files(data)
    return RestoreSummary(manifest["programme_id"], counts, files)


def refuse_unless_empty() -> None:
    for table in tables() + [db.metadata.tables["api_token"]]:
        if db.session.scalar(select(func.count()).select_from(table)):
            raise ArchiveRefused(
                f"The database is not empty (table {table.name} has rows); "
                "restore into an empty, migrated database."
            )


def reset_sequences() -> None:
    """On PostgreSQL, move each id sequence past the restored ids."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables():
        id_column = table.c.get("id")
        if id_column is None or not isinstance(id_column.type, Integer):
            continue
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table.name}"'
            )
        )


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveRefused(f"{path} is not a readable .zip archive: {error}.") from error


def _manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ArchiveRefused("The archive has no readable manifest.json.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused("This is not a transform programme export.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveRefused(
            f"The archive has format version {manifest.get('format_version')}; "
            f"this version of transform reads version {FORMAT_VERSION}."
        )
    here = schema_revision()
    if manifest.get("schema_revision") != here:
        raise ArchiveRefused(
            f"The archive was exported at schema revision {manifest.get('schema_revision')}; "
            f"this database is at {here}. Restore with the matching version of transform."
        )
    return manifest


def _verified_members(archive: zipfile.ZipFile, manifest: dict) -> dict[str, bytes]:
    checksums = manifest.get("sha256") or {}
    data = {}
    for name, expected in checksums.items():
        try:
            content = archive.read(name)
        except (KeyError, zipfile.BadZipFile) as error:
            raise ArchiveRefused(f"The archive is damaged: {name} is missing.") from error
        if hashlib.sha256(content).hexdigest() != expected:
            raise ArchiveRefused(f"The archive is damaged: {name} fails its checksum.")
        data[name] = content
    return data


def _rows(table, raw: bytes) -> list[dict]:
    try:
        rows = json.loads(raw)
        return [{c.name: decode(c, row.get(c.name)) for c in table.columns} for row in rows]
    except (ValueError, TypeError, AttributeError) as error:
        raise ArchiveRefused(
            f"The archive's {table.name} rows cannot be read: {error}."
        ) from error


def _write_files(data: dict[str, bytes]) -> int:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, content in data.items():
        member = PurePosixPath(name)
        if member.parts[:2] != ("files", "evidence") or len(member.parts) != 3:
            continue
        if member.name in ("", ".", "..") or "\\" in member.name:
            raise ArchiveRefused(f"The archive holds a file with an unsafe name: {name}.")
        (folder / member.name).write_bytes(content)
        written += 1
    return written
