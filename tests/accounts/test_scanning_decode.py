"""QR decoding of generated phone photos, with both engines on the same pictures."""
import io

import pytest
from PIL import Image

from accounts.scanning import ScanError, decode_qr, scan_image
from accounts.scanning.decoders import _Zbar
from tests.fixtures import qr_photos
from tests.fixtures.qr_photos import MISGUESSED_CCCD, Shot, photo, qr_image, render

ENGINES = ["zxing", "zbar"]
SIZE = {"width": 3000, "height": 2250}


def shot(**kw) -> Shot:
    base = dict(SIZE, qr_side=420, angle=12.0, tilt=0.1, blur=1.0, brightness=0.8,
                contrast=0.8, light=0.3, noise=6.0, quality=60)
    return Shot(**{**base, **kw})


# Conditions a phone photo has; each is readable by a good decoder.
SHOTS = {
    "tilted-dim-uneven": shot(angle=-25, tilt=0.22, brightness=0.45, light=0.6),
    "upside-down-low-quality": shot(angle=178, quality=38, noise=10),
    "small-qr-large-frame": shot(qr_side=230, angle=5, blur=0.5),
    "blurred": shot(qr_side=600, blur=2.5, angle=-7),
    "sideways-low-contrast": shot(angle=90, contrast=0.5, brightness=0.7),
}


@pytest.fixture(scope="module")
def photos():
    rng = qr_photos.random.Random(7)
    out = {}
    for i, (name, conditions) in enumerate(SHOTS.items()):
        person = qr_photos.fake_person(rng)
        payload = (qr_photos.cccd_payload(person) if i % 2 == 0
                   else qr_photos.bhyt_payload(person, new_card=i % 4 == 1))
        out[name] = (render(payload, conditions, seed=i), payload)
    return out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(SHOTS))
def test_engines_read_phone_photos(photos, name, engine):
    data, payload = photos[name]
    assert decode_qr(data, engine=engine) == [payload.encode("utf-8")]


@pytest.mark.parametrize("engine", ENGINES)
def test_vietnamese_payload_comes_back_as_exact_utf8_bytes(engine):
    data = render(MISGUESSED_CCCD, shot(), seed=3)
    assert decode_qr(data, engine=engine) == [MISGUESSED_CCCD.encode("utf-8")]
    result = scan_image(data, engine=engine)
    assert result.kind == "cccd"
    assert result.fields["full_name"] == "Trần Văn Đức"
    assert result.fields["address"] == "Xã Đức Phổ"


def test_zbar_without_binary_mode_would_garble_that_payload():
    """Why the binary config matters: plain pyzbar guesses Shift-JIS for this payload."""
    from pyzbar import pyzbar

    picture = qr_image(MISGUESSED_CCCD, side=400)
    plain = pyzbar.decode(picture)[0].data
    assert plain != MISGUESSED_CCCD.encode("utf-8")
    assert _Zbar().read(picture) == [MISGUESSED_CCCD.encode("utf-8")]


def test_zbar_binary_config_number_comes_from_the_library():
    zbar = _Zbar()
    assert (zbar.qrcode, zbar.cfg_binary) == (64, 4)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["cccd", "bhyt"])
def test_scan_image_fills_fields(engine, kind):
    data, payload, _shot = photo(kind, seed=11, **SIZE, qr_side=500, blur=0.5, angle=20.0)
    result = scan_image(data, kind=kind, engine=engine)
    assert result.kind == kind
    assert result.fields["full_name"]
    assert ("id_number" if kind == "cccd" else "bhxh_code") in result.fields


def test_settings_choose_the_engine(settings, monkeypatch):
    from accounts.scanning import decoders

    calls = []
    monkeypatch.setattr(decoders, "_zbar_read", lambda gray: calls.append("zbar") or [])
    monkeypatch.setattr(decoders, "_zxing_read", lambda gray: calls.append("zxing") or [])
    data = _jpeg(Image.new("L", (300, 200), 255))
    settings.QR_DECODER = "zbar"
    decode_qr(data)
    assert set(calls) == {"zbar"}
    calls.clear()
    settings.QR_DECODER = "zxing"
    decode_qr(data)
    assert set(calls) == {"zxing"}
    settings.QR_DECODER = "opencv"
    with pytest.raises(ValueError):
        decode_qr(data)


def _jpeg(image: Image.Image, **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **kw)
    return out.getvalue()


def _qr_picture(payload: str) -> Image.Image:
    frame = Image.new("RGB", (1200, 900), (180, 170, 160))
    frame.paste(qr_image(payload, side=400).convert("RGB"), (300, 200))
    return frame


@pytest.mark.parametrize("engine", ENGINES)
def test_exif_orientation_is_applied(engine):
    """A picture stored sideways with EXIF orientation 6 is decoded upright."""
    from accounts.scanning.images import load_scaled, open_image

    picture = _qr_picture(MISGUESSED_CCCD)  # 1200 x 900
    exif = Image.Exif()
    exif[0x0112] = 6
    data = _jpeg(picture, exif=exif)
    assert load_scaled(open_image(data), mode="L", max_side=600,
                       error_class=ScanError).size == (450, 600)
    assert scan_image(data, engine=engine).kind == "cccd"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_other_picture_formats(fmt):
    out = io.BytesIO()
    _qr_picture(MISGUESSED_CCCD).save(out, fmt, quality=90) if fmt != "PNG" else \
        _qr_picture(MISGUESSED_CCCD).save(out, fmt)
    assert scan_image(out.getvalue()).fields["id_number"] == "001099012345"


@pytest.mark.parametrize("engine", ENGINES)
def test_no_qr_found(engine):
    with pytest.raises(ScanError) as exc:
        scan_image(_jpeg(Image.new("RGB", (800, 600), (120, 130, 140))), engine=engine)
    assert exc.value.code == "no_qr"
    assert "Không tìm thấy mã QR" in exc.value.messages[0]


def test_qr_of_something_else():
    with pytest.raises(ScanError) as exc:
        scan_image(_jpeg(_qr_picture("https://example.com/khuyen-mai")))
    assert exc.value.code == "not_a_card"
    assert "không phải mã QR của thẻ CCCD hoặc thẻ BHYT" in exc.value.messages[0]


def test_wrong_kind_is_explained():
    data = _jpeg(_qr_picture(MISGUESSED_CCCD))
    with pytest.raises(ScanError) as exc:
        scan_image(data, kind="bhyt")
    assert exc.value.code == "wrong_kind"
    assert "thẻ CCCD, không phải thẻ BHYT" in exc.value.messages[0]
    assert scan_image(data, kind="cccd").kind == "cccd"


def test_bhyt_asked_cccd_given_the_other_way():
    payload = qr_photos.bhyt_payload(qr_photos.fake_person(qr_photos.random.Random(1)))
    with pytest.raises(ScanError) as exc:
        scan_image(_jpeg(_qr_picture(payload)), kind="cccd")
    assert "thẻ BHYT, không phải thẻ CCCD" in exc.value.messages[0]


@pytest.mark.parametrize("data,code", [
    (b"", "empty"),
    (b"%PDF-1.7\n" + b"0" * 200, "not_an_image"),
    (b"%!PS-Adobe-3.0 EPSF-3.0\n", "not_an_image"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "not_an_image"),  # JPEG magic, garbage after
    (b"\xff\xd8\xff" + b"x" * (16 * 1024 * 1024), "too_large"),
])
def test_bad_files_are_refused_with_a_message(data, code):
    with pytest.raises(ScanError) as exc:
        scan_image(data)
    assert exc.value.code == code


def test_kind_argument_is_checked():
    with pytest.raises(ValueError):
        scan_image(b"x", kind="passport")


def _scan_peak(tmp_path, data: bytes) -> dict:
    from tests.fixtures.peak_rss import peak_growth

    return peak_growth(tmp_path, data, call="accounts.scanning.decoders.decode_qr",
                       rejected="accounts.scanning.images.ImageRejected", success="read")


def test_scanning_the_reviews_png_is_refused_from_its_header(tmp_path):
    """An all-zero 7071×7071 PNG cost the QR scanner 1.15 GB."""
    from tests.fixtures.blank_png import blank_png

    result = _scan_peak(tmp_path, blank_png(7071, 7071, "RGBA"))
    assert result["outcome"] == "too_many_pixels"
    assert result["growth"] < 32 * 1024 * 1024


def test_scanning_the_largest_png_accepted_stays_within_the_budget(tmp_path):
    """33 MP all-zero PNG (the decode budget): one reduced pass, no full-size one
    (measured +142 MB; +430 MB before)."""
    from accounts.scanning.images import DECODE_BUDGET
    from tests.fixtures.blank_png import blank_png

    result = _scan_peak(tmp_path, blank_png(5792, 5792, "RGB"))
    assert result["outcome"] == "read"
    assert result["growth"] < DECODE_BUDGET + 48 * 1024 * 1024
