"""Uploaded photos: accepted formats, hostile files, and what the clean copy keeps."""
import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from declarations.photos import PhotoRejected, SanitizedPhoto, sanitize_photo


def picture(size=(1200, 900), mode="RGB") -> Image.Image:
    image = Image.linear_gradient("L").resize(size).convert(mode)
    return image


def encode(image: Image.Image, fmt="JPEG", **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kw)
    return out.getvalue()


def segments(jpeg: bytes) -> list[int]:
    """JPEG marker codes up to the start of scan."""
    assert jpeg[:2] == b"\xff\xd8"
    markers, i = [], 2
    while i < len(jpeg):
        marker = jpeg[i + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        (length,) = struct.unpack(">H", jpeg[i + 2:i + 4])
        i += 2 + length
    return markers


def assert_clean(result: SanitizedPhoto):
    assert isinstance(result, SanitizedPhoto)
    assert result.content_type == "image/jpeg"
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    assert result.content.endswith(b"\xff\xd9")
    markers = segments(result.content)
    assert 0xE1 not in markers  # APP1: EXIF / XMP
    assert 0xFE not in markers  # COM
    assert 0xE2 not in markers  # APP2: ICC profile
    reopened = Image.open(io.BytesIO(result.content))
    assert reopened.format == "JPEG"
    assert reopened.size == (result.width, result.height)
    assert not reopened.getexif()


def test_plain_jpeg_is_reencoded():
    result = sanitize_photo(SimpleUploadedFile("a.jpg", encode(picture()), "image/jpeg"))
    assert_clean(result)
    assert (result.width, result.height) == (1200, 900)


def test_twelve_megapixel_photo_is_scaled_to_2000px():
    result = sanitize_photo(encode(picture((4000, 3000)), quality=90))
    assert_clean(result)
    assert (result.width, result.height) == (2000, 1500)


def test_gps_exif_is_dropped():
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (21.0, 1.0, 42.0)
    gps[3] = "E"
    gps[4] = (105.0, 51.0, 0.0)
    original = encode(picture(), exif=exif)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test can fail
    result = sanitize_photo(original)
    assert_clean(result)
    assert b"Apple" not in result.content


def test_exif_rotation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    result = sanitize_photo(encode(picture((1200, 900)), exif=exif))
    assert (result.width, result.height) == (900, 1200)


def test_appended_zip_is_dropped():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("shell.php", "<?php system($_GET['c']); ?>")
    data = encode(picture()) + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data))  # it really is a polyglot
    result = sanitize_photo(data)
    assert_clean(result)
    assert b"PK\x03\x04" not in result.content
    assert not zipfile.is_zipfile(io.BytesIO(result.content))


def test_html_php_polyglot_is_neutralised():
    payload = b"<?php echo 'pwned'; ?><script>alert(1)</script>"
    data = encode(picture(), comment=payload) + b"<html><body>" + payload + b"</body></html>"
    assert payload in data
    result = sanitize_photo(data)
    assert_clean(result)
    for needle in (b"<?php", b"<script", b"<html"):
        assert needle not in result.content


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n",
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>",
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    b"BM" + b"\x00" * 60,
    b"<?php system($_GET['c']); ?>",
])
def test_not_an_allowed_picture_even_if_named_jpg(data):
    upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(upload)
    assert exc.value.code == "not_an_image"
    assert exc.value.messages == ["Tệp không phải là ảnh JPEG, PNG, HEIC hoặc WebP."]


def test_type_comes_from_content_not_name_or_declared_type():
    upload = SimpleUploadedFile("scan.pdf", encode(picture(), "PNG"), "application/pdf")
    assert_clean(sanitize_photo(upload))


def test_jpeg_magic_with_eps_body_is_not_handed_to_ghostscript():
    data = b"\xff\xd8\xff" + b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(data)
    assert exc.value.code == "not_an_image"


def test_truncated_jpeg_is_refused():
    data = encode(picture((1600, 1200)), quality=90)
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(data[: len(data) // 2])
    assert exc.value.code == "corrupt"
    assert "hỏng" in exc.value.messages[0]


def _png_bomb(width: int, height: int) -> bytes:
    """A real 1-bit PNG of width x height: tiny on disk, huge once decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width,height", [(8000, 7000), (12000, 9000), (40000, 40000)])
def test_pixel_bombs_are_refused_before_decoding(width, height):
    data = _png_bomb(width, height)
    assert len(data) < 15 * 1024 * 1024
    with pytest.warns(Image.DecompressionBombWarning) if width * height > 89_478_485 \
            and width * height <= 2 * 89_478_485 else _no_warning():
        with pytest.raises(PhotoRejected) as exc:
            sanitize_photo(data)
    assert exc.value.code == "too_many_pixels"
    assert "quá lớn" in exc.value.messages[0]


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_empty_file():
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(SimpleUploadedFile("a.jpg", b"", "image/jpeg"))
    assert exc.value.code == "empty"


def test_sixteen_megabyte_file_is_refused_unread():
    data = encode(picture()) + b"\x00" * (16 * 1024 * 1024)
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(SimpleUploadedFile("big.jpg", data, "image/jpeg"))
    assert exc.value.code == "too_large"
    assert exc.value.messages == ["Ảnh quá lớn: tối đa 15 MB."]
    with pytest.raises(PhotoRejected):
        sanitize_photo(data)  # bytes too


@pytest.mark.parametrize("fmt,kw", [
    ("PNG", {}), ("WEBP", {"quality": 80}), ("HEIF", {"quality": 80}),
])
def test_other_formats_are_accepted(fmt, kw):
    result = sanitize_photo(encode(picture((2400, 1800)), fmt, **kw))
    assert_clean(result)
    assert (result.width, result.height) == (2000, 1500)


def test_transparent_png_gets_a_white_background():
    image = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
    result = sanitize_photo(encode(image, "PNG"))
    assert Image.open(io.BytesIO(result.content)).convert("L").getpixel((50, 40)) > 240


def test_rejection_is_a_validation_error():
    assert issubclass(PhotoRejected, ValidationError)


def test_mpo_keeps_only_the_first_picture():
    """Phones save JPEGs with extra frames (MPO); only the photo itself is kept."""
    first, hidden = Image.new("RGB", (400, 300), "red"), Image.new("RGB", (400, 300), "blue")
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[hidden])
    assert out.getvalue().count(b"\xff\xd8\xff") == 2
    result = sanitize_photo(out.getvalue())
    assert_clean(result)
    assert result.content.count(b"\xff\xd8\xff") == 1
    assert Image.open(io.BytesIO(result.content)).getpixel((5, 5))[0] > 240


@pytest.mark.parametrize("mode,fmt", [("CMYK", "JPEG"), ("LA", "PNG"), ("P", "PNG"),
                                      ("1", "PNG"), ("I;16", "PNG"), ("L", "JPEG")])
def test_unusual_modes_become_rgb(mode, fmt):
    image = Image.new("I;16", (300, 200), 30000) if mode == "I;16" else picture((300, 200), mode)
    result = sanitize_photo(encode(image, fmt))
    assert Image.open(io.BytesIO(result.content)).mode == "RGB"


def test_truncated_jpeg_is_refused_after_weasyprint_was_imported():
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on when imported: a process that has
    rendered a PDF must still refuse truncated uploads."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what weasyprint's import does
    data = encode(picture((1600, 1200)), quality=90)
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(data[: len(data) // 2])
    assert exc.value.code == "corrupt"


# --- memory: the decode budget (accounts.scanning.images.load_reduced) -------------------

def _no_decoding(monkeypatch):
    """Make any full decode fail the test: the refusal must come from the header."""
    from PIL import ImageFile

    def fail(self, *args, **kwargs):
        pytest.fail(f"a {self.format} picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", fail)


def test_reviews_all_zero_png_is_refused_from_its_header(monkeypatch):
    """The outside review's file: 7071 x 7071 RGBA, 190 KB, 200 MB decoded (~1 GB with the
    copies the clean-up used to make), three per request."""
    from tests.fixtures.blank_png import blank_png

    data = blank_png(7071, 7071, "RGBA")
    assert len(data) < 256 * 1024
    _no_decoding(monkeypatch)
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(data)
    assert exc.value.code == "too_many_pixels"
    # What the budget allows a transparent picture (8 bytes per pixel): 16 MP.
    assert exc.value.messages == ["Ảnh có kích thước quá lớn (tối đa 16 megapixel)."]


def test_budget_refusal_in_english(monkeypatch):
    from django.utils import translation

    from tests.fixtures.blank_png import blank_png

    with translation.override("en"):
        with pytest.raises(PhotoRejected) as exc:
            sanitize_photo(blank_png(7071, 7071, "RGB"))
    assert "33" in exc.value.messages[0] and "megapixel" in exc.value.messages[0]
    assert "Ảnh" not in exc.value.messages[0]


def test_webp_over_budget_is_refused_before_libwebp_opens_it(monkeypatch):
    """libwebp allocates its canvas when the file is opened: the header decides first."""
    data = encode(Image.new("RGB", (2600, 2600)), "WEBP", quality=50)
    from accounts.scanning import images

    monkeypatch.setattr(images.Image, "open", lambda *a, **k: pytest.fail("opened"))
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(data)
    assert exc.value.code == "too_many_pixels"
    assert "tối đa 6 megapixel" in exc.value.messages[0]


@pytest.mark.parametrize("size", [(8, 8), (1000, 700), (16383, 3)])
def test_webp_size_is_read_from_every_header_layout(size):
    from accounts.scanning.images import webp_size

    lossy = encode(Image.new("RGB", size), "WEBP", quality=50)
    lossless = encode(Image.new("RGBA", size), "WEBP", lossless=True)
    extended = encode(Image.new("RGBA", size, (1, 2, 3, 4)), "WEBP", quality=50,
                      exif=Image.Exif().tobytes())
    for data in (lossy, lossless, extended):
        assert webp_size(data[:30]) == size


def test_progressive_jpeg_counts_its_whole_size_coefficients(monkeypatch):
    """libjpeg keeps every DCT coefficient of a progressive JPEG, whatever the draft scale."""
    from accounts.scanning import images

    picture_ = picture((1600, 1200))
    baseline = encode(picture_, quality=90, subsampling=0)
    progressive = encode(picture_, quality=90, subsampling=0, progressive=True)
    monkeypatch.setattr(images, "DECODE_BUDGET", 9 * 1024 * 1024)  # 1600x1200x4 = 7.7 MB
    assert_clean(sanitize_photo(baseline))
    with pytest.raises(PhotoRejected) as exc:  # + 1600 x 1200 x 3 bands x 2 bytes
        sanitize_photo(progressive)
    assert exc.value.code == "too_many_pixels"


def test_heic_over_budget_is_refused(monkeypatch):
    from accounts.scanning import images

    data = encode(picture((1000, 800)), "HEIF", quality=60)
    monkeypatch.setattr(images, "DECODE_BUDGET", 3 * 1024 * 1024)  # 1000 x 800 x 5 = 4 MB
    with pytest.raises(PhotoRejected) as exc:
        sanitize_photo(data)
    assert exc.value.code == "too_many_pixels"


@pytest.mark.parametrize("size", [(4100, 1001), (1001, 4100)])
def test_heic_is_reduced_strip_by_strip_like_a_whole_decode(monkeypatch, size):
    """Many strips (the last one shorter, the height not a multiple of the factor) give the
    same picture as decoding the whole HEIC through the Pillow plugin."""
    from PIL import ImageChops, ImageStat

    from accounts.scanning import images

    rows = Image.linear_gradient("L").resize(size)
    original = Image.merge("RGB", [rows, rows.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
                                   Image.new("L", size, 90)])
    data = encode(original, "HEIF", quality=90)
    monkeypatch.setattr(images, "_STRIP_BYTES", 64 * 1024)
    result = sanitize_photo(data)
    reference = Image.open(io.BytesIO(data)).convert("RGB")
    reference.thumbnail((2000, 2000), Image.Resampling.LANCZOS)
    got = Image.open(io.BytesIO(result.content))
    assert got.size == reference.size
    assert max(ImageStat.Stat(ImageChops.difference(got, reference)).mean) < 3


def test_large_png_is_reduced_in_its_own_mode():
    from tests.fixtures.blank_png import blank_png

    result = sanitize_photo(blank_png(4500, 3000, "L"))
    assert (result.width, result.height) == (2000, 1333)
    assert Image.open(io.BytesIO(result.content)).mode == "RGB"


def _peak_growth(tmp_path, data: bytes) -> dict:
    from tests.fixtures.peak_rss import peak_growth

    return peak_growth(tmp_path, data, call="declarations.photos.sanitize_photo",
                       rejected="declarations.photos.PhotoRejected", success="clean")


def test_memory_of_the_reviews_png_stays_flat(tmp_path):
    """Before the budget: +955 MB for one photo (2.9 GB for the review's three)."""
    from tests.fixtures.blank_png import blank_png

    result = _peak_growth(tmp_path, blank_png(7071, 7071, "RGBA"))
    assert result["outcome"] == "too_many_pixels"
    assert result["growth"] < 32 * 1024 * 1024


def test_memory_of_the_largest_png_accepted_stays_within_the_budget(tmp_path):
    """The worst photo accepted (an all-zero 33 MP PNG, exactly the decode budget): the
    decode budget plus 96 MB for the reduced copies and the encoder (measured: +160 MB;
    +317 MB before)."""
    from accounts.scanning.images import DECODE_BUDGET
    from tests.fixtures.blank_png import blank_png

    result = _peak_growth(tmp_path, blank_png(5792, 5792, "RGB"))
    assert result["outcome"] == "clean"
    assert result["growth"] < DECODE_BUDGET + 96 * 1024 * 1024
