"""Photo clean-up on the request path: sanitize_photo time per 12 MP phone photo.

Corpus (generated once into var/bench-cache/photos-v1/, fixed seed): 4000 x 3000 photos
of ID cards on a table (tests/fixtures/qr_photos.py) saved the way phones save them:
JPEG quality 92 with EXIF (camera, GPS, orientation), and HEIC (iPhone). Each is cleaned
from its bytes: magic bytes, restricted open, pixel check, decode (JPEG at half size),
EXIF rotation, scale to <= 2000 px, JPEG re-encode. Run: ``python -m bench.photos_sanitize``.
"""
from __future__ import annotations

import io
import json
import os
import random
import statistics
import time
from pathlib import Path

JPEG_COUNT = 24
HEIC_COUNT = 8
CORPUS_VERSION = "v1"


def _setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vssid_portal.settings.dev")
        django.setup()


def _cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "bench-cache" / f"photos-{CORPUS_VERSION}"


def _phone_exif(rng: random.Random):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 13"
    exif[0x0112] = rng.choice([1, 1, 6, 3, 8])
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (21.0, 1.0, rng.uniform(0, 59))
    gps[3], gps[4] = "E", (105.0, 51.0, rng.uniform(0, 59))
    return exif


def corpus() -> list[Path]:
    """Paths of the photos, generating the missing ones first (deterministic)."""
    from PIL import Image

    import accounts.scanning.images  # noqa: F401  (registers the HEIF codec)
    from tests.fixtures.qr_photos import photo

    directory = _cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(JPEG_COUNT + HEIC_COUNT):
        heic = index >= JPEG_COUNT
        path = directory / f"{index:03d}.{'heic' if heic else 'jpg'}"
        paths.append(path)
        if path.exists():
            continue
        rng = random.Random(20_000 + index)
        data, _payload, _shot = photo("cccd", seed=20_000 + index, quality=95, blur=0.0)
        image = Image.open(io.BytesIO(data))
        out = io.BytesIO()
        if heic:
            image.save(out, "HEIF", quality=80, exif=_phone_exif(rng))
        else:
            image.save(out, "JPEG", quality=92, exif=_phone_exif(rng))
        path.write_bytes(out.getvalue())
    return paths


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _measure(paths: list[Path], rounds: int = 2) -> dict:
    from declarations.photos import sanitize_photo

    sanitize_photo(paths[0].read_bytes())  # warm-up
    times, cpu, sizes_in, sizes_out = [], [], [], []
    for _ in range(rounds):
        for path in paths:
            data = path.read_bytes()
            start, start_cpu = time.perf_counter(), time.process_time()
            result = sanitize_photo(data)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            sizes_in.append(len(data))
            sizes_out.append(len(result.content))
    return {
        "photos": len(paths),
        "runs": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 95), 1),
        # CPU time of this process: what the numbers would be on an idle machine (the
        # decoders are single-threaded), less disturbed by other load.
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(_percentile(cpu, 95), 1),
        "mean_in_kb": round(statistics.mean(sizes_in) / 1024),
        "mean_out_kb": round(statistics.mean(sizes_out) / 1024),
    }


def run() -> dict:
    _setup_django()
    paths = corpus()
    return {
        "photos_sanitize_jpeg_12mp": _measure([p for p in paths if p.suffix == ".jpg"]),
        "photos_sanitize_heic_12mp": _measure([p for p in paths if p.suffix == ".heic"]),
    }


if __name__ == "__main__":
    for name, numbers in run().items():
        print(name, json.dumps(numbers))
