"""Opening untrusted pictures safely: shared by the QR scanner and the photo sanitiser.

The type is decided by the content (magic bytes, then a decoder restricted to the allowed
formats), never by a file name or a declared content type: without ``formats=`` Pillow
would happily open a ".jpg" that is really an EPS through Ghostscript. Pixel bombs are
refused from the header, before anything is decoded.

``load_reduced`` is the bounded decoder of the photo sanitiser: it estimates from the header
what decoding will hold in memory (``decode_bytes``), refuses a picture above a budget, and
decodes at reduced size where the format allows (JPEG at 1/2, 1/4 or 1/8 scale; HEIC reduced
strip by strip from libheif's buffer), so a 50 MP photo never costs a full-size bitmap
when it can be avoided.
"""
from __future__ import annotations

import io
import math

import pillow_heif
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# Only the main picture of a HEIC/HEIF file is wanted: no thumbnails, depth maps or other
# auxiliary images are read (less work, less attack surface).
register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

MAX_BYTES = 15 * 1024 * 1024
# 48 MP (iPhone 8064 x 6048) and 50 MP (Android 8160 x 6120) full-resolution photos fit; a
# bomb does not. Formats that cannot be decoded at reduced size meet DECODE_BUDGET first.
MAX_PIXELS = 50_000_000
# What decoding one picture may hold in memory at once, estimated from its header before
# anything is decoded (decode_bytes). 128 MiB admits an iPhone's default 24 MP HEIC
# (5712 x 4284 x 5 bytes), any phone JPEG up to MAX_PIXELS (decoded at 1/4 scale: ~12 MB), a
# 33 MP PNG without transparency; it refuses a 50 MP PNG (200 MB decoded, ~1 GB with the
# copies the old pipeline made) and a 48 MP HEIC (measured in bench/photos_memory.py).
DECODE_BUDGET = 128 * 1024 * 1024
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# Start-of-scan markers a JPEG may hold (a marker byte pair never occurs inside the
# entropy-coded data, where 0xFF is always followed by 0x00).
MAX_JPEG_SCANS = 64
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
    if expected == "JPEG" and data.count(b"\xff\xda") > MAX_JPEG_SCANS:
        # Each scan of a progressive JPEG is decoded over the whole picture: thousands of
        # tiny scans in 200 KB cost seconds of CPU without any memory (measured: 1,000 scans,
        # 11 s). Cameras write one scan, progressive encoders about ten.
        raise error_class(
            _("Ảnh JPEG có cấu trúc bất thường và không được chấp nhận. Vui lòng chụp lại "
              "hoặc lưu ảnh ở định dạng khác."),
            code="too_many_scans",
        )
    if expected == "WEBP":
        # libwebp allocates its whole canvas when the file is opened, before any check
        # after Image.open could run: a WebP is measured from its header first.
        size = webp_size(data[:30])
        if size is None:
            raise _not_an_image(error_class)
        pixels = size[0] * size[1]
        if pixels > MAX_PIXELS or pixels * WEBP_BYTES_PER_PIXEL > DECODE_BUDGET:
            raise too_many_pixels(error_class, pixel_limit(WEBP_BYTES_PER_PIXEL))
    try:
        image = Image.open(io.BytesIO(data), formats=[expected])
    except Image.DecompressionBombError as exc:
        raise too_many_pixels(error_class) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _not_an_image(error_class) from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise _not_an_image(error_class)
    if width * height > MAX_PIXELS:
        image.close()
        raise too_many_pixels(error_class)
    return image


def webp_size(head: bytes) -> tuple[int, int] | None:
    """Canvas size announced by the first 30 bytes of a WebP file (lossy, lossless or
    extended layout), None when they do not announce one."""
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        return (int.from_bytes(head[26:28], "little") & 0x3FFF,
                int.from_bytes(head[28:30], "little") & 0x3FFF)
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(head) >= 30:
        return (int.from_bytes(head[24:27], "little") + 1,
                int.from_bytes(head[27:30], "little") + 1)
    return None


def _not_an_image(error_class: type[ValidationError]) -> ImageRejected:
    return error_class(
        _("Tệp không phải là ảnh JPEG, PNG, HEIC hoặc WebP."), code="not_an_image"
    )


def pixel_limit(bytes_per_pixel: float) -> int:
    """The most pixels a picture costing `bytes_per_pixel` to decode may have."""
    return min(MAX_PIXELS, int(DECODE_BUDGET / bytes_per_pixel))


def too_many_pixels(error_class: type[ValidationError], limit: int = MAX_PIXELS) -> ImageRejected:
    return error_class(
        _("Ảnh có kích thước quá lớn (tối đa %(mp)s megapixel).") % {"mp": limit // 10**6},
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
            draft(image, mode, max_side)
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


# --- bounded decoding (photos) --------------------------------------------------------------

# Bytes per pixel a WebP holds while Pillow decodes it: libwebp's canvas (allocated on open),
# the frame handed to Python, Pillow's bitmap and the decoder's own planes (measured: 16
# without, 20 with transparency; bench/photos_memory.py). Pillow cannot decode a WebP at
# reduced size, so WebPs stop at ~6.7 MP: phones do not save camera photos as WebP.
WEBP_BYTES_PER_PIXEL = 20
# HEIC: libheif's YCbCr planes and its interleaved RGB(A) buffer; the picture is reduced
# from that buffer strip by strip, so Pillow never holds it at full size (measured 4.6 for
# RGB, hence bands + 2).
_HEIF_EXTRA_BYTES_PER_PIXEL = 2
# Pillow keeps RGB, CMYK, I, F (and LA) as 4 bytes per pixel. Before a picture can be
# reduced, some modes need a full-size copy: 1 -> L, P -> RGB (RGBA when transparent),
# I;16 -> I; and Image.reduce of a transparent picture makes a premultiplied copy.
_WORKING_BYTES_PER_PIXEL = {
    "1": 2, "L": 1, "P": 5, "PA": 12, "LA": 8, "RGBA": 8,
    "I;16": 6, "I;16L": 6, "I;16B": 6, "I;16N": 6,
}
_STRIP_BYTES = 8 * 1024 * 1024


def load_reduced(
    image: Image.Image, data: bytes, *, mode: str, max_side: int,
    error_class: type[ValidationError],
) -> Image.Image:
    """Decode ``image`` (opened from ``data`` by open_image) in ``mode``, upright, long side
    <= max_side, holding about DECODE_BUDGET bytes at most while doing it.

    What the decode would hold is estimated from the header first: a picture above the
    budget is refused (too_many_pixels, with the limit for its format) before anything is
    decoded. JPEGs decode at 1/2, 1/4 or 1/8 scale (draft); HEICs are reduced strip by strip
    from libheif's buffer; PNG and WebP decode at full size and are reduced (box filter,
    integer factor, in their own mode) before anything else is copied. ``image`` is
    consumed: its full-size bitmap is released as soon as the reduced copy exists. A
    truncated or corrupt file raises error_class.
    """
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # see load_scaled
    full_size = image.size
    try:
        if image.format in ("JPEG", "MPO"):
            draft(image, mode, max_side)
        cost = decode_bytes(image, data, full_size=full_size)
        if cost > DECODE_BUDGET:
            raise too_many_pixels(
                error_class, pixel_limit(cost / (full_size[0] * full_size[1])))
        if image.format == "HEIF" and (reduced := _heif_reduced(data, max_side)) is not None:
            image.close()
        else:
            image.load()
            reduced = _reduced(image, max_side)
        target = _fitted(full_size, max_side)  # the original's proportions, not the reduced
        if reduced.size != target:
            resized = reduced.resize(target, Image.Resampling.LANCZOS)
            reduced.close()
            reduced = resized
        ImageOps.exif_transpose(reduced, in_place=True)
        return reduced if reduced.mode == mode else _to_mode(reduced, mode)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure is a bad file, not a 500
        raise error_class(
            _("Không đọc được ảnh: tệp bị hỏng hoặc không đầy đủ."), code="corrupt"
        ) from exc


def decode_bytes(image: Image.Image, data: bytes, *, full_size: tuple[int, int]) -> int:
    """What load_reduced will hold in memory for ``image`` (after any draft), in bytes,
    from the header alone; ``full_size`` is the picture's size before the draft."""
    width, height = full_size
    pixels = width * height
    if image.format == "WEBP":
        return pixels * WEBP_BYTES_PER_PIXEL
    if image.format == "HEIF":
        per_pixel = len(image.getbands()) + _HEIF_EXTRA_BYTES_PER_PIXEL
        if image.info.get("bit_depth", 8) > 8:
            per_pixel *= 3  # libheif's 16-bit planes, then the 8-bit copy (10-bit 4:4:4:
            #                 14.7 bytes a pixel measured)
        elif image.info.get("chroma") == 444:
            per_pixel = per_pixel * 3 // 2
        return pixels * per_pixel
    per_pixel = _WORKING_BYTES_PER_PIXEL.get(image.mode, 4)
    if image.mode == "P" and "transparency" in image.info:
        per_pixel = 9
    cost = image.width * image.height * per_pixel  # JPEG: at the draft's scale
    if image.format in ("JPEG", "MPO") and _jpeg_keeps_coefficients(image, data):
        # libjpeg then keeps every DCT coefficient of the whole picture (2 bytes each), at
        # full size whatever the draft scale: 3 bytes per pixel for 4:2:0, 6 for 4:4:4.
        layers = image.layer
        h_max = max(h for _id, h, _v, _q in layers) or 1
        v_max = max(v for _id, _h, v, _q in layers) or 1
        cost += int(pixels * 2 * sum(h * v for _id, h, v, _q in layers) / (h_max * v_max))
    return cost


def _fitted(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """`size` scaled so that its long side is at most max_side."""
    width, height = size
    if max(width, height) <= max_side:
        return size
    if width >= height:
        return max_side, max(1, round(height * max_side / width))
    return max(1, round(width * max_side / height)), max_side


def draft(image: Image.Image, mode: str, max_side: int) -> None:
    scale = max_side / max(image.size)
    if scale < 1:
        image.draft(mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _jpeg_keeps_coefficients(image: Image.Image, data: bytes) -> bool:
    """Whether libjpeg buffers the whole picture's coefficients: a progressive file, or a
    sequential one whose first scan does not carry every component (libjpeg's
    has_multiple_scans). Read from the segments before the first scan."""
    if image.info.get("progressive"):
        return True
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return True  # not where a marker should be: assume the costly case
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        length = int.from_bytes(data[index + 2:index + 4], "big")
        if marker == 0xDA:  # start of scan: its first byte is the number of components
            return index + 4 >= len(data) or data[index + 4] < len(image.layer)
        index += 2 + length
    return True


def _reduced(image: Image.Image, max_side: int) -> Image.Image:
    """``image`` (loaded) reduced by the largest integer factor that keeps its long side at
    least max_side, in its own mode where Pillow can (a box filter, as JPEG's DCT scaling);
    the full-size bitmaps are released on the way."""
    work = image
    if image.mode == "1":
        work = image.convert("L")
    elif image.mode in ("P", "PA"):
        work = image.convert("RGBA" if image.mode == "PA" or "transparency" in image.info
                             else "RGB")
    elif image.mode.startswith("I;16"):
        work = image.convert("I")
    if work is not image:
        image.close()
    factor = max(work.size) // max_side
    if factor < 2:
        return work
    reduced = work.reduce(factor)
    work.close()
    return reduced


def _heif_reduced(data: bytes, max_side: int) -> Image.Image | None:
    """The primary picture of a HEIC/HEIF reduced from libheif's buffer strip by strip (box
    filter, integer factor), so that Pillow never holds it at full size; None for a layout
    this does not handle (then the plugin decodes it). libheif has already applied the
    file's rotation and mirroring, as the Pillow plugin does."""
    heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
    frame = heif[heif.primary_index]
    if frame.mode not in ("RGB", "RGBA", "L", "LA"):
        return None
    mode, (width, height), stride = frame.mode, frame.size, frame.stride
    buffer = memoryview(frame.data)
    factor = max(1, max(width, height) // max_side)
    rows = max(1, _STRIP_BYTES // stride // factor) * factor
    reduced = Image.new(mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, rows):
        count = min(rows, height - top)
        strip = Image.frombuffer(mode, (width, count), buffer[top * stride:(top + count) * stride],
                                 "raw", mode, stride, 1)
        reduced.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    return reduced
