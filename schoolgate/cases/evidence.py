"""Checking and storing evidence bytes: size cap, type from content, corrupted files refused, SHA-256.

The client's filename and content type are never trusted: the type comes from the bytes, the stored
name from the hash.
"""

from __future__ import annotations

import hashlib
import io

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from schoolgate.photos.images import MAX_PIXELS, load_fully

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
OTHER_TYPES = {"application/pdf": "pdf", "video/mp4": "mp4", "text/plain": "txt"}


class EvidenceRejected(ValueError):
    """The upload cannot be kept; the message says why in words for the member of staff."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "CASE_UPLOAD_MAX_BYTES", MAX_UPLOAD_BYTES))


def read_upload(upload) -> bytes:
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise EvidenceRejected(f"That file is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB. Save a smaller copy or a screenshot.")
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            raise EvidenceRejected(f"That file is larger than {limit // 1048576} MB, the limit for evidence.")
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise EvidenceRejected("That file is empty.")
    return data


def detect_type(data: bytes) -> tuple[str, str]:
    """(content type, extension) from the bytes; refuses what we do not keep or cannot open."""
    kind = filetype.guess(data[:8192])
    if kind is None:
        if b"\x00" not in data[:8192]:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return "text/plain", "txt"
        raise EvidenceRejected(
            "That file's type could not be recognised from its content. Evidence can be a screenshot "
            "(PNG, JPEG, GIF, WebP), a PDF, an MP4 video or plain text."
        )
    mime = kind.mime
    if mime in IMAGE_TYPES:
        _check_image(data)
        return mime, IMAGE_TYPES[mime]
    if mime == "application/pdf":
        _check_pdf(data)
        return mime, "pdf"
    if mime in OTHER_TYPES:
        return mime, OTHER_TYPES[mime]
    raise EvidenceRejected(
        f"Files of type {mime} are not kept as evidence. Use a screenshot (PNG, JPEG, GIF, WebP), a PDF, an MP4 video or plain text."
    )


def _check_image(data: bytes) -> None:
    from PIL import Image

    try:
        # The size comes from the header, before any pixel is decoded in this request: a bigger claim is a
        # decompression bomb, or a scan nobody needs at full size (the photo check's own limit).
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise EvidenceRejected(
                    f"That image is too large to keep as evidence ({img.width:,} × {img.height:,} pixels). "
                    f"Please take a screenshot or export it at a smaller size (at most {MAX_PIXELS // 1_000_000} megapixels)."
                )
            img.verify()
        # verify() does not decode pixels; load() catches truncated files.
        with Image.open(io.BytesIO(data)) as img:
            load_fully(img)
    except EvidenceRejected:
        raise
    except Exception as exc:
        raise EvidenceRejected("That image is damaged or incomplete and cannot be opened, so it was not added. Take the screenshot again and upload the new file.") from exc


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        reader.pages[0].extract_text()
    except Exception as exc:
        raise EvidenceRejected("That PDF is damaged or incomplete and cannot be opened, so it was not added.") from exc


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(case, data: bytes, digest: str, ext: str, folder: str = "evidence") -> str:
    name = f"cases/{case.school.slug}/{case.pk}/{folder}/{digest}.{ext}"
    if default_storage.exists(name):
        return name  # same bytes, same name: the stored copy is already the right one
    return default_storage.save(name, ContentFile(data))
