"""Peak memory of the photo clean-up: one photo through sanitize_photo, and a whole
POST /api/v1/registrations/ with three photos, each case in a process of its own (the
peak resident size is per process).

Cases (files generated once into var/bench-cache/photos-memory-v1/):
- review_png_7071: the outside review's file, an all-zero RGBA PNG of 7071 x 7071 (50 MP,
  ~190 KB). It cost ~1 GB per photo before the decode budget; now refused from its header.
- png_rgb_33mp, png_rgba_16mp, webp_6mp: the largest PNGs (without and with transparency)
  and WebP the budget (accounts.scanning.images.DECODE_BUDGET) accepts, all-zero.
- jpeg_50mp (8160 x 6120, Android's 50 MP mode), jpeg_12mp: phone-like photos.
- jpeg_progressive_50mp: progressive 4:4:4, refused (libjpeg would keep 300 MB of DCT
  coefficients whatever the scale).
- heic_12mp, heic_24mp (an iPhone's default since the 15 Pro), heic_48mp (refused).
- api_3x_review_png, api_3x_png_rgb_33mp, api_3x_jpeg_50mp: the API request with three such
  photos and valid data (the request is built before the measurement, as a server would
  have it in its socket buffer and temporary files).

Each case reports the resident size after set-up (baseline_mb), the peak while the case
ran (peak_mb, VmHWM reset before the case), their difference (growth_mb) and what came out.
Numbers only, nothing is asserted. Run: ``python -m bench.photos_memory``.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

CORPUS_VERSION = "v1"
ROOT = Path(__file__).resolve().parent.parent
SINGLE = (
    "review_png_7071", "png_rgb_33mp", "png_rgba_16mp", "webp_6mp", "jpeg_12mp", "jpeg_50mp",
    "jpeg_progressive_50mp", "heic_12mp", "heic_24mp", "heic_48mp",
)
API = {
    "api_3x_review_png": "review_png_7071",
    "api_3x_png_rgb_33mp": "png_rgb_33mp",
    "api_3x_jpeg_50mp": "jpeg_50mp",
}
SUFFIX = {"png": ".png", "webp": ".webp", "jpeg": ".jpg", "heic": ".heic", "review": ".png"}


def _setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vssid_portal.settings.test")
        django.setup()


def _cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "bench-cache" / f"photos-memory-{CORPUS_VERSION}"


def _path(case: str) -> Path:
    return _cache_dir() / f"{case}{SUFFIX[case.split('_')[0]]}"


def _phone_photo(width: int, height: int):
    """A card photo from the QR corpus generator, scaled to the sensor's size."""
    from PIL import Image

    from tests.fixtures.qr_photos import photo

    data, _payload, _shot = photo("cccd", seed=31_000, quality=95, blur=0.0)
    return Image.open(io.BytesIO(data)).convert("RGB").resize((width, height))


def _make(case: str) -> bytes:
    from PIL import Image

    import accounts.scanning.images  # noqa: F401  (registers the HEIF codec)
    from tests.fixtures.blank_png import blank_png

    if case == "review_png_7071":
        return blank_png(7071, 7071, "RGBA")
    if case == "png_rgb_33mp":
        return blank_png(5792, 5792, "RGB")  # 4 bytes per pixel in Pillow: 128 MiB
    if case == "png_rgba_16mp":
        return blank_png(4096, 4096, "RGBA")  # 8 bytes per pixel with the reduce copy
    out = io.BytesIO()
    if case == "webp_6mp":
        Image.new("RGB", (2560, 2560)).save(out, "WEBP", quality=80)
    elif case == "jpeg_progressive_50mp":
        Image.new("RGB", (8160, 6120)).save(out, "JPEG", quality=92, progressive=True,
                                            subsampling=0)
    elif case.startswith("jpeg"):
        size = {"jpeg_12mp": (4032, 3024), "jpeg_50mp": (8160, 6120)}[case]
        _phone_photo(*size).save(out, "JPEG", quality=92)
    else:
        size = {"heic_12mp": (4032, 3024), "heic_24mp": (5712, 4284),
                "heic_48mp": (8064, 6048)}[case]
        _phone_photo(*size).save(out, "HEIF", quality=50)
    return out.getvalue()


def corpus() -> dict[str, Path]:
    """The case files, generating the missing ones first (deterministic)."""
    _cache_dir().mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in SINGLE:
        path = _path(case)
        if not path.exists():
            path.write_bytes(_make(case))
        paths[case] = path
    return paths


# --- in the measured process ------------------------------------------------------------

def _status(key: str) -> int:
    """A /proc/self/status value in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux >= 4.0)
        return True
    except OSError:
        return False


def _measured(run) -> dict:
    import gc

    gc.collect()
    baseline = _status("VmRSS")
    reset = _reset_peak()
    started = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    return {"outcome": outcome, "baseline_mb": baseline, "peak_mb": peak,
            "growth_mb": peak - baseline if reset else None, "seconds": round(seconds, 2)}


def _one_photo(case: str) -> dict:
    _setup_django()
    from declarations.photos import PhotoRejected, sanitize_photo

    data = _path(case).read_bytes()

    def run():
        try:
            photo = sanitize_photo(data)
        except PhotoRejected as exc:
            return f"refused: {exc.code}"
        return f"{photo.width}x{photo.height}"

    return {"file_kb": len(data) // 1024, **_measured(run)}


def _api_request(case: str) -> dict:
    from bench.registration_submit import CCCD, _people, api_environment

    with api_environment():
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client, RequestFactory

        data = _path(API[case]).read_bytes()
        (person,), office = _people(1)
        fields = {
            "bhxh_code": person.bhxh_code, "full_name": person.full_name,
            "date_of_birth": "1990-05-17", "sex": "F", "id_type": "cccd", "id_number": CCCD,
            "address": "Số 12 phố Huế, Hà Nội", "phone": "0912345678", "office": office.code,
        }
        for kind in ("portrait", "id_front", "id_back"):
            fields[kind] = SimpleUploadedFile(f"{kind}.bin", data, content_type="image/jpeg")
        environ = RequestFactory().post("/api/v1/registrations/", fields).environ
        handler = Client().handler
        del fields

        def run():
            response = handler(environ)
            if response.status_code == 201:
                return "201 created"
            return f"{response.status_code} {response.content[:70].decode(errors='replace')}"

        return {"file_kb": len(data) // 1024, **_measured(run)}


def _child(case: str) -> dict:
    return _api_request(case) if case in API else _one_photo(case)


# --- the runner ---------------------------------------------------------------------------

def run() -> dict:
    _setup_django()
    corpus()
    results = {}
    for case in (*SINGLE, *API):
        process = subprocess.run(
            [sys.executable, "-m", "bench.photos_memory", "--case", case],
            cwd=ROOT, capture_output=True, text=True,
        )
        lines = process.stdout.strip().splitlines()
        if process.returncode != 0 or not lines:
            results[case] = {"error": (process.stderr or "no output").strip()[-300:]}
            continue
        results[case] = json.loads(lines[-1])
    return {"photos_memory": results}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(_child(sys.argv[2]), ensure_ascii=False))
    else:
        for name, numbers in run().items():
            print(name, json.dumps(numbers, ensure_ascii=False, indent=1))
