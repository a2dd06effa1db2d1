"""QR decoding of realistic phone photos: decode rate and time per engine, side by side.

A corpus of 300 generated 12 MP photos (4000 x 3000 JPEG) of CCCD and BHYT cards, rotated,
tilted, blurred, dim, unevenly lit, noisy, with small QR codes in large frames and low
JPEG quality (tests/fixtures/qr_photos.py), is generated once into
var/bench-cache/qr-photos-v1/ from a fixed seed. Each engine then decodes every photo from
its JPEG bytes (image decoding included); a photo counts as read when the payload bytes
are exactly the ones printed. Run: ``python -m bench.qr_decode`` or ``python -m bench``.
"""
from __future__ import annotations

import json
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

COUNT = 300
WIDTH, HEIGHT = 4000, 3000
CORPUS_VERSION = "v2"


def _setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vssid_portal.settings.dev")
        django.setup()


def _cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "bench-cache" / f"qr-photos-{CORPUS_VERSION}"


def _make(index: int, directory: str) -> dict:
    from tests.fixtures.qr_photos import photo

    kind = "cccd" if index % 2 == 0 else "bhyt"
    data, payload, shot = photo(kind, seed=10_000 + index, width=WIDTH, height=HEIGHT)
    (Path(directory) / f"{index:03d}.jpg").write_bytes(data)
    return {"index": index, "kind": kind, "payload": payload, "shot": asdict(shot)}


def corpus(count: int = COUNT) -> list[dict]:
    """The photos' manifest, generating the missing photos first (deterministic)."""
    directory = _cache_dir()
    manifest_path = directory / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if len(manifest) >= count and all(
            (directory / f"{m['index']:03d}.jpg").exists() for m in manifest[:count]
        ):
            return manifest[:count]
    directory.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        manifest = list(pool.map(_make, range(count), [str(directory)] * count))
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _shaken(item: dict) -> bool:
    from tests.fixtures.qr_photos import modules_of

    shot = item["shot"]
    return shot["blur"] >= 0.45 * shot["qr_side"] / modules_of(item["payload"])


def measure(engine: str, manifest: list[dict]) -> dict:
    from accounts.scanning import decode_qr

    directory = _cache_dir()
    times, cpu, read, missed = [], [], 0, []
    decode_qr((directory / "000.jpg").read_bytes(), engine=engine)  # warm-up (library load)
    for item in manifest:
        data = (directory / f"{item['index']:03d}.jpg").read_bytes()
        start, start_cpu = time.perf_counter(), time.process_time()
        found = decode_qr(data, engine=engine)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if item["payload"].encode("utf-8") in found:
            read += 1
        else:
            missed.append(item["index"])
    shaken = [item["index"] for item in manifest if _shaken(item)]
    read_of_readable = sum(1 for item in manifest
                           if item["index"] not in missed and item["index"] not in shaken)
    return {
        "photos": len(manifest),
        "read": read,
        "read_pct": round(100 * read / len(manifest), 1),
        # Photos blurred by half a QR module or more (about 1 in 50, on purpose): no
        # decoder or pre-processing tried reads them. The rate over the others:
        "shaken_beyond_reading": len(shaken),
        "read_pct_of_readable": round(100 * read_of_readable / (len(manifest) - len(shaken)), 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 95), 1),
        # CPU time of this process: what the numbers would be on an idle machine (the
        # decoders are single-threaded), less disturbed by other load.
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(_percentile(cpu, 95), 1),
        "max_ms": round(max(times), 1),
        "missed": missed,
    }


def run() -> dict:
    _setup_django()
    manifest = corpus()
    return {f"qr_decode_{engine}": measure(engine, manifest) for engine in ("zxing", "zbar")}


if __name__ == "__main__":
    for name, numbers in run().items():
        print(name, json.dumps(numbers))
