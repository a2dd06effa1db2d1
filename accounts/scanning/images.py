"""Opening untrusted pictures safely: shared by the QR scanner and the photo sanitiser.

The type is decided by the content (magic bytes, then a decoder restricted to the allowed
formats), never by a file name or a declared content type: without ``formats=`` Pillow
would happily open a ".jpg" that is really an EPS through Ghostscript. Pixel bombs are
refused from the header, before anything is decoded.
"""
from __future__ import annotations

import io
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# Only the main picture of a HEIC/HEIF file is wanted: no thumbnails, depth maps or other
# auxiliary images are read (less work, less attack surface).
register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 48 MP phone sensor fits; a bomb does not
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class ImageRejected(ValidationError):
    """Base for pictures refused by the opener (message in Vietnamese)."""


def sniff_format(head: bytes) -> str | None:
    """The Pillow format name the first bytes announce, among the allowed ones."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and (
        head[8:12] in HEIF_BRANDS
        or any(head[i:i + 4] in HEIF_BRANDS for i in range(16, min(len(head), 64), 4))
    ):
        return "HEIF"
    return None


def open_image(data: bytes, *, error_class: type[ValidationError] = ImageRejected) -> Image.Image:
    """Open (header only, nothing decoded yet) an uploaded picture, or raise error_class."""
    if not data:
        raise error_class(_("Tệp ảnh trống."), code="empty")
    if len(data) > MAX_BYTES:
        raise error_class(
            _("Ảnh quá lớn: tối đa %(max)s MB.") % {"max": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    expected = sniff_format(data[:64])
    if expected is None:
        raise _not_an_image(error_class)
    try:
        image = Image.open(io.BytesIO(data), formats=[expected])
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(error_class) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _not_an_image(error_class) from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise _not_an_image(error_class)
    if width * height > MAX_PIXELS:
        image.close()
        raise _too_many_pixels(error_class)
    return image


def _not_an_image(error_class: type[ValidationError]) -> ImageRejected:
    return error_class(
        _("Tệp không phải là ảnh JPEG, PNG, HEIC hoặc WebP."), code="not_an_image"
    )


def _too_many_pixels(error_class: type[ValidationError]) -> ImageRejected:
    return error_class(
        _("Ảnh có kích thước quá lớn (tối đa %(mp)s megapixel).") % {"mp": MAX_PIXELS // 10**6},
        code="too_many_pixels",
    )


def load_scaled(
    image: Image.Image, *, mode: str, max_side: int | None, error_class: type[ValidationError]
) -> Image.Image:
    """Fully decode ``image`` in ``mode``, upright (EXIF), long side <= max_side.

    JPEGs are decoded at a reduced scale straight away (draft), the cheap path for 12 MP
    phone photos. A truncated or corrupt file raises error_class.
    """
    # WeasyPrint switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on when imported (in
    # a worker that renders PDFs, or after an in-process render); a truncated upload would
    # then decode silently, padded with grey. Uploads must always be complete.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        if max_side and image.format in ("JPEG", "MPO"):  # MPO: a JPEG with extra frames
            scale = max_side / max(image.size)
            if scale < 1:
                image.draft(mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
        image.load()
        upright = ImageOps.exif_transpose(image)
        if upright.mode != mode:
            upright = _to_mode(upright, mode)
        if max_side and max(upright.size) > max_side:
            # Photos: Lanczos. QR decoding: bilinear (measured: fewer photos needing the
            # costly full-size pass than with box or Lanczos).
            upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS if mode != "L"
                              else Image.Resampling.BILINEAR)
        return upright
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure is a bad file, not a 500
        raise error_class(
            _("Không đọc được ảnh: tệp bị hỏng hoặc không đầy đủ."), code="corrupt"
        ) from exc


def _to_mode(image: Image.Image, mode: str) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels become white, as on paper, not black.
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        image = background
    return image.convert(mode)
