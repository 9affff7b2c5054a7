"""Evidence for activities: links, and uploaded files kept outside the web root.

A file is stored under UPLOAD_FOLDER/evidence with a random name; the uploader's
file name is kept only as the download name. Its first bytes must match its
extension, so a renamed executable or HTML page is refused.
"""

import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import Activity, Evidence, User

OOXML = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...]


ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", OOXML
    ),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", OOXML),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", OOXML
    ),
    "doc": FileType("application/msword", OLE),
    "xls": FileType("application/vnd.ms-excel", OLE),
    "ppt": FileType("application/vnd.ms-powerpoint", OLE),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": FileType("image/gif", (b"GIF87a", b"GIF89a")),
}


class EvidenceRefused(ValueError):
    """The file's type is not allowed or its content does not match its extension."""


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check_upload(upload: FileStorage) -> FileType:
    """The file's type, refusing unknown extensions and content that does not match."""
    extension = extension_of(upload.filename or "")
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        raise EvidenceRefused(
            "Upload a PDF, Office document (Word, Excel, PowerPoint) or image (PNG, JPEG, GIF)."
        )
    head = upload.stream.read(16)
    upload.stream.seek(0)
    if not any(head.startswith(signature) for signature in file_type.signatures):
        raise EvidenceRefused(f"The file's content is not a .{extension} file.")
    return file_type


def evidence_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(evidence: Evidence) -> Path:
    return evidence_folder() / evidence.stored_name


def add_file(activity: Activity, title: str, upload: FileStorage, by: User) -> Evidence:
    """Store the uploaded file and attach it; the caller commits."""
    file_type = check_upload(upload)
    extension = extension_of(upload.filename)
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    path = evidence_folder() / stored_name
    upload.save(path)
    evidence = Evidence(
        activity=activity,
        title=title.strip() or secure_filename(upload.filename),
        stored_name=stored_name,
        original_filename=secure_filename(upload.filename) or f"evidence.{extension}",
        content_type=file_type.content_type,
        size_bytes=path.stat().st_size,
        uploaded_by_id=by.id,
    )
    return _attach(evidence, activity)


def add_link(activity: Activity, title: str, url: str, by: User) -> Evidence:
    evidence = Evidence(
        activity=activity, title=title.strip(), url=url.strip(), uploaded_by_id=by.id
    )
    return _attach(evidence, activity)


def remove(evidence: Evidence, programme_id: int) -> Path | None:
    """Detach the evidence; returns its stored file for the caller to delete after commit."""
    before = snapshot(evidence, "title", "url", "original_filename")
    path = stored_path(evidence) if evidence.stored_name else None
    record_change("evidence.deleted", evidence, programme_id, before, None)
    db.session.delete(evidence)
    db.session.flush()
    return path


def _attach(evidence: Evidence, activity: Activity) -> Evidence:
    db.session.add(evidence)
    db.session.flush()
    record_change(
        "evidence.added",
        evidence,
        activity.phase.programme_id,
        None,
        snapshot(evidence, "title", "url", "original_filename", "size_bytes"),
    )
    return evidence
