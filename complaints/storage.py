"""Complaint attachments: stored outside the web root, type decided by the content.

The name and the browser's Content-Type say nothing about a file: its first bytes do
(puremagic reads them). Only images (JPEG, PNG) and PDF are kept, up to
COMPLAINT_ATTACHMENT_MAX_BYTES; the file is saved under a random name."""

import os
import uuid
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

# MIME type (from content) -> the extension the file is stored with.
ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


@deconstructible
class PrivateAttachmentStorage(FileSystemStorage):
    """A file system storage with no URL: nothing under it is reachable except through the
    view that checks who is asking. The folder is read from settings on each use, so tests
    (and deployments) point it elsewhere."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.COMPLAINT_ATTACHMENTS_DIR)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("complaint attachments have no public URL")


@dataclass(frozen=True)
class CheckedAttachment:
    file: File
    name: str
    content_type: str
    size: int
    stored_name: str


def attachment_check(*, upload: File) -> CheckedAttachment:
    """Refuse a file that is too large or whose content is not an image or PDF."""
    max_bytes = settings.COMPLAINT_ATTACHMENT_MAX_BYTES
    size = upload.size or 0
    if size > max_bytes:
        raise ValidationFailed(
            _("The attachment is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)},
            fields={"attachment": [_("At most %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}]},
        )
    if size == 0:
        raise ValidationFailed(
            _("The attachment is empty."), fields={"attachment": [_("The file is empty.")]}
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    try:
        detected = puremagic.from_string(head, mime=True)
    except puremagic.PureError:
        detected = ""
    if detected not in ALLOWED_TYPES:
        message = _("Only JPEG or PNG images and PDF documents can be attached.")
        raise ValidationFailed(message, fields={"attachment": [message]})
    original = os.path.basename(upload.name or "") or f"lampiran.{ALLOWED_TYPES[detected]}"
    return CheckedAttachment(
        file=upload,
        name=original[:120],
        content_type=detected,
        size=size,
        stored_name=f"{uuid.uuid4().hex}.{ALLOWED_TYPES[detected]}",
    )
