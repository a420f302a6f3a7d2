"""Uploaded files: the type is decided by what the file really is, not its name — PDFs by their
%PDF- header, images by their magic bytes, Office files by their container (a ZIP whose
[Content_Types].xml names the right main part, and that part present). Files are kept under
random names outside static/ (UPLOAD_ROOT/<area>/), leave the disk with their row (deleted, or
never committed), and go back to the browser only as downloads."""

import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

from flask import abort, current_app, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from .errors import Refused
from .extensions import db
from .filesize import format_filesize

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .doc/.xls/.ppt compound file
ATTACHMENT_KINDS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
              (b"PK\x03\x04",)),
    ".doc": ("application/msword", (OLE,)),
    ".xls": ("application/vnd.ms-excel", (OLE,)),
    ".ppt": ("application/vnd.ms-powerpoint", (OLE,)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
# An Office Open XML file names its main part in [Content_Types].xml with this type; a
# macro-enabled file (.docm renamed .docx) names another and is refused with the rest.
OFFICE_MAIN_PARTS = {
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
              _l("Word 文档")),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
              _l("Excel 工作簿")),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
              _l("PowerPoint 演示文稿")),
}
CONTENT_TYPES_MAX_BYTES = 256 * 1024
CT_NAMESPACE = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class UploadError(Refused):
    """A refused file; the message is for the user, next to the file field."""

    def __init__(self, message):
        super().__init__(message, field="file")


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size: int


def store_upload(upload, area: str) -> StoredFile:
    """Check and keep one uploaded file under UPLOAD_ROOT/<area>/, or raise UploadError. The
    file is removed again if the transaction it belongs to does not commit."""
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
    if suffix in OFFICE_MAIN_PARTS and not is_office_container(data, suffix):
        raise UploadError(_("「%(name)s」不是有效的%(kind)s（%(ext)s）：文件内容并非该格式，"
                            "请上传用 Office 或 WPS 正常保存的文件。", name=name,
                            kind=OFFICE_MAIN_PARTS[suffix][1], ext=suffix))
    stored = secrets.token_hex(16) + suffix
    folder = stored_path(area, "").parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(data)
    _pending(db.session(), _WRITTEN).append(folder / stored)
    return StoredFile(name[:255], stored, content_type, len(data))


def is_office_container(data: bytes, suffix: str) -> bool:
    """A real .docx/.xlsx/.pptx: a readable ZIP whose [Content_Types].xml declares the format's
    main part, and that part is in the archive (word/document.xml for a Word file)."""
    main_type = OFFICE_MAIN_PARTS[suffix][0]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX_BYTES:
                return False
            root = ElementTree.fromstring(archive.read(info))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, RuntimeError,
            ValueError, NotImplementedError, EOFError):
        return False
    for override in root.iter(f"{CT_NAMESPACE}Override"):
        if override.get("ContentType") == main_type:
            part = (override.get("PartName") or "").lstrip("/")
            return part in names
    return False


def stored_path(area: str, stored_name: str) -> Path:
    return Path(current_app.config["UPLOAD_ROOT"]) / area / (stored_name or "_")


def send_stored(path: Path, content_type: str, name: str):
    """A stored file as a download, never rendered in the page's origin: attachment with the
    UTF-8 name (filename*), nosniff, a sandboxing policy, and not kept in shared caches."""
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=name,
                         max_age=0)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def attachment_header(filename: str, fallback: str) -> str:
    """attachment with an ASCII fallback and the RFC 5987 UTF-8 name for Chinese filenames."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def content_disposition(name: str) -> str:
    """attachment; an ASCII fallback made from *name* for old clients, and the exact name as
    RFC 5987 UTF-8 (the same header the exports send)."""
    suffix = Path(name).suffix
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "attachment"
    if not fallback.lower().endswith(suffix.lower()):
        fallback += re.sub(r"[^A-Za-z0-9.]", "", suffix)
    return attachment_header(name, fallback)


# -- files follow their rows ---------------------------------------------------------------

_WRITTEN, _DOOMED = "uploads_written", "uploads_doomed"


def _pending(session, key: str) -> list[Path]:
    return session.info.setdefault(key, [])


def remove_when_deleted(model, area: str) -> None:
    """When a row of *model* (with a stored_name under *area*) is deleted, its file leaves the
    disk once the deletion commits (not before: a rollback keeps both)."""
    @event.listens_for(model, "after_delete")
    def _doom(mapper, connection, target):
        session = object_session(target)
        if session is not None and target.stored_name:
            _pending(session, _DOOMED).append(stored_path(area, target.stored_name))


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    session.info.pop(_WRITTEN, None)  # committed: the new files are owned by their rows now
    for path in session.info.pop(_DOOMED, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    for path in session.info.pop(_WRITTEN, []):  # written for a transaction that did not commit
        path.unlink(missing_ok=True)
    session.info.pop(_DOOMED, None)
