"""QR decoding engines behind one function, ``decode_qr``: raw payload bytes, never text.

- "zxing" (default): zxing-cpp on a grayscale ~1600 px copy, then on the full picture.
- "zbar": libzbar through ctypes with the QR *binary* config set, so zbar hands back the
  payload bytes instead of guessing a character set (it turns unmarked UTF-8 Vietnamese
  into Shift-JIS/Big5 garbage otherwise), plus a ladder of scales and binarisations
  for phone photos. pyzbar does not expose that config, hence the small wrapper here.
"""
from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageChops, ImageFilter, ImageOps

from .images import (
    DECODE_BUDGET,
    ImageRejected,
    decode_bytes,
    draft,
    load_reduced,
    load_scaled,
    open_image,
    pixel_limit,
    too_many_pixels,
)

ENGINES = ("zxing", "zbar")
FIRST_PASS_SIDE = 1600
SHARPEN_SIDE = 1000
ZBAR_MIDDLE_SIDE = 2600
LARGEST_PASS_SIDE = 4000
NON_JPEG_FULL_PASS_SIDE = 2000


def decode_qr(data: bytes, *, engine: str | None = None,
              error_class: type[ValidationError] = ImageRejected) -> list[bytes]:
    """Payloads (raw bytes) of the QR codes in an encoded picture; [] when none is found.

    Raises error_class when ``data`` is not an acceptable picture.
    """
    engine = engine or getattr(settings, "QR_DECODER", "zxing")
    if engine not in ENGINES:
        raise ValueError(f"QR_DECODER must be one of {ENGINES}, not {engine!r}")
    reader = _zxing_read if engine == "zxing" else _zbar_read
    variants = _zbar_variants if engine == "zbar" else _zxing_variants
    for gray in _grayscale_ladder(data, engine=engine, error_class=error_class):
        for variant in variants(gray):
            found = reader(variant)
            if found:
                return found
    return []


def _decode_cost(data: bytes, max_side: int | None, error_class) -> tuple[int, tuple]:
    """What decoding ``data`` for a pass of long side ``max_side`` (None: full size) would
    hold, estimated from the header (JPEGs decode at a reduced scale when they can)."""
    image = open_image(data, error_class=error_class)
    full_size = image.size
    if max_side and image.format in ("JPEG", "MPO"):
        draft(image, "L", max_side)
    try:
        return decode_bytes(image, data, full_size=full_size), full_size
    finally:
        image.close()


def _grayscale_ladder(data: bytes, *, engine: str,
                      error_class: type[ValidationError]) -> Iterator[Image.Image]:
    """Grayscale copies to try, cheapest first: a ~1600 px copy, then larger ones, each
    within DECODE_BUDGET: a picture whose first pass would cost more (a PNG or progressive
    JPEG near the pixel limit: an all-zero 7071×7071 PNG cost 1.15 GB here) is refused
    from its header; a JPEG too big for a full-size pass gets the largest reduced one that
    fits."""
    cost, full_size = _decode_cost(data, FIRST_PASS_SIDE, error_class)
    if cost > DECODE_BUDGET:
        raise too_many_pixels(error_class,
                              pixel_limit(cost / (full_size[0] * full_size[1])))
    long_side = max(full_size)
    image = open_image(data, error_class=error_class)
    is_jpeg = image.format in ("JPEG", "MPO")
    if is_jpeg:
        small = load_scaled(image, mode="L", max_side=FIRST_PASS_SIDE, error_class=error_class)
    else:
        # Decoded whole whatever the size asked: reduced in its own mode before any copy.
        small = load_reduced(image, data, mode="L", max_side=FIRST_PASS_SIDE,
                             error_class=error_class)
    yield small
    if long_side <= max(small.size) or (not is_jpeg and long_side > NON_JPEG_FULL_PASS_SIDE):
        # A PNG, WebP or HEIC is decoded whole for every pass: past ~4 MP one pass it is
        # (a 16 MP RGBA PNG cost 257 MB over two passes; a screenshot's QR is crisp).
        return
    if engine == "zbar" and long_side > ZBAR_MIDDLE_SIDE:
        # zbar's finder needs a few pixels per module: a small QR in a 12 MP frame only
        # shows up at a larger scale (measured: most of zbar's second-chance reads).
        yield load_scaled(open_image(data, error_class=error_class), mode="L",
                          max_side=ZBAR_MIDDLE_SIDE, error_class=error_class)
    # The last pass at most LARGEST_PASS_SIDE: a 12 MP phone photo at full size; beyond
    # that the reader's own buffers grow with the picture (a 33 MP PNG at full size: +430
    # MB measured) while a QR printed on a card is readable long before.
    side = None if long_side <= LARGEST_PASS_SIDE else LARGEST_PASS_SIDE
    while _decode_cost(data, side, error_class)[0] > DECODE_BUDGET:
        side = (side or long_side) // 2
        if side <= max(small.size):
            return  # no larger pass fits the budget
    if is_jpeg:
        yield load_scaled(open_image(data, error_class=error_class), mode="L",
                          max_side=side, error_class=error_class)
    else:
        # Reduced in its own mode before any copy (alpha compositing or EXIF rotation at
        # full size cost a 16 MP RGBA PNG 318 MB).
        yield load_reduced(open_image(data, error_class=error_class), data, mode="L",
                           max_side=side or long_side, error_class=error_class)


# --- zxing-cpp ------------------------------------------------------------------------


def _zxing_variants(gray: Image.Image) -> Iterator[Image.Image]:
    """The picture as is; for the first (~1600 px) copy, also a sharpened ~1000 px one.

    Out-of-focus phone photos: at ~1000 px an unsharp mask restores module edges that
    zxing's binariser loses, for a few milliseconds, before the costly full-size pass.
    """
    yield gray
    if max(gray.size) == FIRST_PASS_SIDE:
        scale = SHARPEN_SIDE / FIRST_PASS_SIDE
        small = gray.resize((round(gray.width * scale), round(gray.height * scale)),
                            Image.Resampling.BOX)
        yield small.filter(ImageFilter.UnsharpMask(radius=2, percent=200, threshold=0))


def _zxing_read(gray: Image.Image) -> list[bytes]:
    import zxingcpp

    results = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    return [bytes(result.bytes) for result in results if result.valid]


# --- zbar -----------------------------------------------------------------------------


def _zbar_variants(gray: Image.Image) -> Iterator[Image.Image]:
    """The picture as is, then binarised against its local mean (uneven light; skipped at
    full size, where it never helped and costs most), then against a global threshold.

    (Measured on the bench corpus: a contrast-stretched grey picture and an 800 px copy
    never read anything the other steps missed, so they are not tried.)
    """
    yield gray
    stretched = ImageOps.autocontrast(gray, cutoff=1)
    if max(gray.size) <= ZBAR_MIDDLE_SIDE:
        radius = max(8, max(gray.size) // 60)
        local_mean = stretched.filter(ImageFilter.BoxBlur(radius))
        # pixel - local mean + 128: > ~122 is "lighter than surroundings" -> white.
        yield ImageChops.subtract(stretched, local_mean, scale=1.0, offset=128).point(
            lambda v: 255 if v > 122 else 0
        )
    yield stretched.point(lambda v: 255 if v > 128 else 0)


class _Zbar:
    """Just what we need of libzbar's C API, with the QR binary config on."""

    def __init__(self) -> None:
        from pyzbar import zbar_library

        lib, _deps = zbar_library.load()
        self.lib = lib
        self._deps = _deps
        p = ctypes.c_void_p
        lib.zbar_image_scanner_create.restype = p
        lib.zbar_image_scanner_destroy.argtypes = [p]
        lib.zbar_image_scanner_set_config.argtypes = [p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.zbar_parse_config.argtypes = [ctypes.c_char_p] + [ctypes.POINTER(ctypes.c_int)] * 3
        lib.zbar_image_create.restype = p
        lib.zbar_image_destroy.argtypes = [p]
        lib.zbar_image_set_format.argtypes = [p, ctypes.c_ulong]
        lib.zbar_image_set_size.argtypes = [p, ctypes.c_uint, ctypes.c_uint]
        lib.zbar_image_set_data.argtypes = [p, p, ctypes.c_ulong, p]
        lib.zbar_scan_image.argtypes = [p, p]
        lib.zbar_image_first_symbol.argtypes = [p]
        lib.zbar_image_first_symbol.restype = p
        lib.zbar_symbol_next.argtypes = [p]
        lib.zbar_symbol_next.restype = p
        lib.zbar_symbol_get_type.argtypes = [p]
        lib.zbar_symbol_get_data.argtypes = [p]
        lib.zbar_symbol_get_data.restype = p
        lib.zbar_symbol_get_data_length.argtypes = [p]
        lib.zbar_symbol_get_data_length.restype = ctypes.c_uint
        self.qrcode, self.cfg_enable, _ = self._parse(b"qrcode.enable")
        # Ask the library itself for the number of its "binary" config (4 in zbar 0.23,
        # ZBAR_CFG_BINARY after ENABLE, ADD_CHECK, EMIT_CHECK, ASCII).
        _sym, self.cfg_binary, _ = self._parse(b"qrcode.binary")
        self.y800 = int.from_bytes(b"Y800", "little")
        self._local = threading.local()

    def _parse(self, spec: bytes) -> tuple[int, int, int]:
        sym, cfg, val = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        if self.lib.zbar_parse_config(spec, ctypes.byref(sym), ctypes.byref(cfg),
                                      ctypes.byref(val)):
            raise RuntimeError(f"this libzbar does not understand {spec!r} (need >= 0.23)")
        return sym.value, cfg.value, val.value

    def scanner(self) -> int:
        """One scanner per thread (zbar scanners are not thread-safe), configured once."""
        scanner = getattr(self._local, "scanner", None)
        if scanner is None:
            scanner = self.lib.zbar_image_scanner_create()
            set_config = self.lib.zbar_image_scanner_set_config
            set_config(scanner, 0, self.cfg_enable, 0)  # every symbology off ...
            set_config(scanner, self.qrcode, self.cfg_enable, 1)  # ... but QR
            if set_config(scanner, self.qrcode, self.cfg_binary, 1):
                raise RuntimeError("libzbar refused the QR binary config")
            self._local.scanner = scanner
        return scanner

    def read(self, gray: Image.Image) -> list[bytes]:
        lib = self.lib
        width, height = gray.size
        raw = gray.tobytes()
        buffer = ctypes.create_string_buffer(raw, len(raw))
        image = lib.zbar_image_create()
        try:
            lib.zbar_image_set_format(image, self.y800)
            lib.zbar_image_set_size(image, width, height)
            lib.zbar_image_set_data(image, ctypes.addressof(buffer), len(raw), None)
            if lib.zbar_scan_image(self.scanner(), image) <= 0:
                return []
            found = []
            symbol = lib.zbar_image_first_symbol(image)
            while symbol:
                if lib.zbar_symbol_get_type(symbol) == self.qrcode:
                    length = lib.zbar_symbol_get_data_length(symbol)
                    found.append(ctypes.string_at(lib.zbar_symbol_get_data(symbol), length))
                symbol = lib.zbar_symbol_next(symbol)
            return found
        finally:
            lib.zbar_image_destroy(image)


_zbar: _Zbar | None = None
_zbar_lock = threading.Lock()


def _zbar_read(gray: Image.Image) -> list[bytes]:
    global _zbar
    if _zbar is None:
        with _zbar_lock:
            if _zbar is None:
                _zbar = _Zbar()
    return _zbar.read(gray)
