"""Uploaded files: the type is decided by what the file starts with, not its name alone; files
are kept under random names outside static/ (UPLOAD_FOLDER/<area>/)."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from .filesize import format_filesize

ATTACHMENT_KINDS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
              (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".ppt": ("application/vnd.ms-powerpoint", (b"\xd0\xcf\x11\xe0",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


class UploadError(ValueError):
    """A refused file; the message is for the user."""


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size: int


def store_upload(upload, area: str) -> StoredFile:
    """Check and keep one uploaded file under UPLOAD_FOLDER/<area>/, or raise UploadError."""
    name = Path(upload.filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_KINDS:
        raise UploadError(_("只接受 PDF、Word、Excel、PowerPoint 文件和 PNG、JPG 图片。"))
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = upload.read(limit + 1)
    if not data:
        raise UploadError(_("文件是空的。"))
    if len(data) > limit:
        raise UploadError(_("文件超过 %(size)s。", size=format_filesize(limit)))
    content_type, magics = ATTACHMENT_KINDS[suffix]
    if not data.startswith(magics):
        raise UploadError(_("文件内容与扩展名 %(ext)s 不符。", ext=suffix))
    stored = secrets.token_hex(16) + suffix
    folder = stored_path(area, "").parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(data)
    return StoredFile(name[:255], stored, content_type, len(data))


def stored_path(area: str, stored_name: str) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / area / (stored_name or "_")
