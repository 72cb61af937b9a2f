"""Upload handling, once for the whole product.

Every uploaded file goes through ``clean_upload``: its size is checked before anything is
read, its type is taken from its content (never from its name or the client's word), images
are re-encoded so that no metadata (GPS position, author) survives, and the result gets a
random name. Files are kept in the ``private`` storage and served only by views that check
permission, through ``private_file_response``.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError


@dataclass(frozen=True)
class FileKind:
    mime_type: str
    extension: str
    is_image: bool = False


PDF = FileKind("application/pdf", "pdf")
PNG = FileKind("image/png", "png", is_image=True)
JPEG = FileKind("image/jpeg", "jpg", is_image=True)
DOCUMENT_KINDS = (PDF, PNG, JPEG)

# A decompression bomb is refused before it is decoded.
MAX_IMAGE_PIXELS = 50_000_000
_SNIFF_BYTES = 8192


class PrivateStorage(FileSystemStorage):
    """Where uploaded documents live: outside the web root, and without any URL.

    A private file reaches a browser only through a view that checks permission and answers
    with ``private_file_response``.
    """

    def url(self, name):
        raise ValueError("A private file has no URL: serve it through a permission-checking view.")


def private_storage():
    return storages["private"]


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Keeps at most REGIA_UPLOAD_MAX_BYTES of an uploaded file on disk.

    Past the limit it only counts: the file then reports its real size, which clean_upload
    refuses with a clear message, without the server ever storing more than the limit.
    (Limit the request body at the reverse proxy too, so nobody streams gigabytes at us.)
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = settings.REGIA_UPLOAD_MAX_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        room = self.limit - self.received
        if room > 0:
            self.file.write(raw_data[:room])
        self.received += len(raw_data)


def clean_upload(uploaded, *, kinds: tuple[FileKind, ...] = DOCUMENT_KINDS) -> ContentFile:
    """Return a safe copy of ``uploaded``, or raise ValidationError saying why it is refused."""
    limit = settings.REGIA_UPLOAD_MAX_BYTES
    if uploaded.size is None or uploaded.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")

    uploaded.seek(0)
    head = uploaded.read(_SNIFF_BYTES)
    detected = magic.from_buffer(head, mime=True)
    kind = next((kind for kind in kinds if kind.mime_type == detected), None)
    if kind is None:
        allowed = ", ".join(k.extension.upper() for k in kinds)
        raise ValidationError(
            _("This kind of file is not accepted (only %(allowed)s).") % {"allowed": allowed},
            code="file_type",
        )

    uploaded.seek(0)
    content = _reencode_image(uploaded, kind) if kind.is_image else uploaded.read()
    return ContentFile(content, name=f"{secrets.token_hex(16)}.{kind.extension}")


def _reencode_image(uploaded, kind: FileKind) -> bytes:
    try:
        with Image.open(uploaded) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image is too large."), code="image_too_large")
            # Keep the picture upright, then copy only its pixels: no EXIF, no text chunks.
            upright = ImageOps.exif_transpose(image)
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P":
                pixels.putpalette(upright.getpalette())
            if kind is JPEG and pixels.mode not in ("RGB", "L"):
                pixels = pixels.convert("RGB")
            out = io.BytesIO()
            pixels.save(out, format="JPEG" if kind is JPEG else "PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The image cannot be read."), code="image_invalid") from error


def private_file_response(field_file, *, download_name: str) -> FileResponse:
    """Serve a private file as a download; the caller has already checked permission."""
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
