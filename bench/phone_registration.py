"""The registration on a cheap phone over 3G, in Chromium, timed.

Chromium (Debian's, driven by Playwright) at 360x740 with its network emulation set to
DevTools' "Fast 3G" (562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up) and its CPU
slowed 4x, against the portal served as in production (gunicorn, 2 workers, production
settings, compressed static files, SQLite in a temporary directory). Reported:

- ``photos_to_step3_s``: from choosing three 12 MP phone photos on step 2 to step 3 shown
  (the photos are shrunk in the page by photos.js; goal: under 15 s);
- ``photos_prepared_s``: of which choosing, shrinking and re-encoding them in the page;
- ``photos_uploaded_kb``: what those three photos weighed on the wire, and
  ``photos_chosen_kb`` what they weighed on the phone;
- ``qr_photo_open_to_filled_s``: from opening step 1 (cold cache) to a form filled from a
  12 MP photo of a CCCD's QR code (shrunk in the page, read by the server);
- ``qr_live_click_to_filled_s``: from "Quét mã QR bằng camera" (cold cache: the QR reader's
  WebAssembly is fetched) to the form filled, with Chromium's fake camera showing the code;
- ``*_no_js_s`` (only with BENCH_PHONE_BASELINE=1): the same photos sent by the browser's own
  form, without the script: the figure the shrinking replaces.

Each figure is the median of BENCH_PHONE_ROUNDS rounds (default 3); every round in ``runs``.
Run: ``python -m bench phone_registration``.
"""
from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect

from bench.http_home import (
    ROOT,
    _environment,
    _free_port,
    _manage,
    _static_root,
    _stop,
    _wait_ready,
)

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 1_440_000 / 8,
           "uploadThroughput": 675_000 / 8}
CPU_SLOWDOWN = 4
PHONE = {"width": 360, "height": 740}
BHXH_CODE = "0190000017"
CCCD_PAYLOAD = ("001190123456|012345678|Nguyễn Thị Ánh|17051990|Nữ|"
                "Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội|01012021")

SEED = f"""
import datetime
from registry.models import InsuredPerson, Office, Province
province, _ = Province.objects.get_or_create(code="01", defaults={{"name": "Hà Nội"}})
parent, _ = Office.objects.get_or_create(code="001", defaults={{
    "name": "BHXH TP. Hà Nội", "level": "province", "province": province}})
Office.objects.get_or_create(code="00106", defaults={{
    "name": "BHXH cơ sở Đống Đa", "level": "local", "province": province, "parent": parent}})
InsuredPerson.objects.get_or_create(bhxh_code="{BHXH_CODE}", defaults={{
    "full_name": "Nguyễn Thị Ánh", "date_of_birth": datetime.date(1990, 5, 17),
    "birth_year": 1990, "sex": "F"}})
"""


def _phone_photo(path: Path, seed: int, *, qr: bytes | None = None) -> Path:
    """A 4000x3000 JPEG with the entropy of a phone photo (smooth shapes, texture, sensor
    noise, quality 95: about 3-4 MB, as a 12 MP phone camera writes), optionally with a
    CCCD's QR code on a card in it."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    small = Image.new("RGB", (40, 30))
    small.putdata([tuple(rng.randrange(60, 220) for _ in range(3)) for _ in range(40 * 30)])
    picture = small.resize((4000, 3000), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(picture)
    for _ in range(60):
        x, y = rng.randrange(4000), rng.randrange(3000)
        draw.rectangle((x, y, x + rng.randrange(50, 900), y + rng.randrange(20, 400)),
                       fill=tuple(rng.randrange(256) for _ in range(3)))
    picture = picture.filter(ImageFilter.GaussianBlur(2))
    if qr is not None:
        card = Image.new("RGB", (1900, 1200), (226, 220, 205))
        code = Image.open(io.BytesIO(qr)).convert("RGB").resize((700, 700),
                                                                 Image.Resampling.NEAREST)
        card.paste(code, (1100, 80))
        picture.paste(card.rotate(3, expand=True, fillcolor=(90, 90, 90)), (1000, 900))
    # Texture that survives scaling to 2000 px (as a real scene's does), and sensor noise.
    texture = Image.effect_noise((1000, 750), 60).resize((4000, 3000),
                                                         Image.Resampling.BICUBIC)
    noise = Image.effect_noise((4000, 3000), 40)
    grain = Image.merge("RGB", [Image.blend(texture, noise, 0.5)] * 3)
    picture = Image.blend(picture, grain, 0.15)
    picture.save(path, "JPEG", quality=95)
    return path


def _qr_png(payload: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(payload, error="m", encoding="utf-8").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def _slow_phone(browser, base: str, *, javascript: bool = True):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="vi-VN", base_url=base, java_script_enabled=javascript)
    context.grant_permissions(["camera"], origin=base)
    context.set_default_timeout(300_000)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page


def _fill_step1(page) -> None:
    page.goto("/to-khai/dang-ky/")
    page.fill("[name=bhxh_code]", BHXH_CODE)
    page.fill("[name=full_name]", "Nguyễn Thị Ánh")
    dob = page.locator("[name=date_of_birth]")
    dob.fill("1990-05-17" if dob.get_attribute("type") == "date" else "17/05/1990")
    page.select_option("[name=sex]", "F")
    page.select_option("[name=id_type]", "cccd")
    page.fill("[name=id_number]", "001190123456")
    page.fill("[name=address]", "Số 12 phố Huế, Hà Nội")
    page.fill("[name=phone]", "0912345678")
    page.get_by_test_id("next").click()
    page.wait_for_selector("[data-testid=photos-form]")


def _photos_round(browser, base: str, photos: list[Path], *, javascript: bool) -> dict:
    context, page = _slow_phone(browser, base, javascript=javascript)
    uploaded = []
    posted_at = []
    page.on("request", lambda r: r.method == "POST" and posted_at.append(time.monotonic()))
    page.on("requestfinished", lambda r: r.method == "POST" and
            uploaded.append(int(r.header_value("content-length") or 0)))
    try:
        _fill_step1(page)
        uploaded.clear()
        posted_at.clear()
        started = time.monotonic()
        for kind, photo in zip(("portrait", "id_front", "id_back"), photos, strict=True):
            page.get_by_test_id(f"photo-{kind}").set_input_files(str(photo))
        page.get_by_test_id("next").click()
        page.wait_for_selector("[name=office]", state="attached")
        page.wait_for_load_state("load")
        return {"seconds": round(time.monotonic() - started, 2),
                "prepared_s": round(posted_at[0] - started, 2) if posted_at else None,
                "uploaded_kb": round(sum(uploaded) / 1024)}
    finally:
        context.close()


def _qr_photo_round(browser, base: str, photo: Path) -> float:
    context, page = _slow_phone(browser, base)
    try:
        started = time.monotonic()
        page.goto("/to-khai/dang-ky/")
        page.get_by_test_id("scan-cccd").set_input_files(str(photo))
        expect(page.locator("[name=id_number]")).to_have_value("001190123456",
                                                               timeout=300_000)
        return round(time.monotonic() - started, 2)
    finally:
        context.close()


def _qr_live_round(browser, base: str) -> float:
    context, page = _slow_phone(browser, base)
    try:
        page.goto("/to-khai/dang-ky/")
        page.wait_for_selector("[data-testid=scan-live]:visible")
        started = time.monotonic()
        page.get_by_test_id("scan-live").click()
        expect(page.locator("[name=id_number]")).to_have_value("001190123456",
                                                               timeout=300_000)
        return round(time.monotonic() - started, 2)
    finally:
        context.close()


def run() -> dict:
    from playwright.sync_api import sync_playwright

    from tests.fixtures.fake_camera import qr_video

    rounds = int(os.environ.get("BENCH_PHONE_ROUNDS", "3"))
    baseline = os.environ.get("BENCH_PHONE_BASELINE") == "1"
    with tempfile.TemporaryDirectory(prefix="bench-phone-") as name:
        directory = Path(name)
        photos = [_phone_photo(directory / f"photo{i}.jpg", i) for i in range(3)]
        qr_photo = _phone_photo(directory / "qr.jpg", 9, qr=_qr_png(CCCD_PAYLOAD))
        video = qr_video(directory / "camera.y4m", CCCD_PAYLOAD)
        env = _environment(directory)
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "shell", "-c", SEED)
        static_root = _static_root()
        env["STATIC_ROOT"] = str(static_root)
        if not (static_root / "staticfiles.json").exists():
            _manage(env, "collectstatic", "--noinput", "-v", "0")
        port = _free_port()
        base = f"http://localhost:{port}"  # a secure context (camera, Secure cookies)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "vssid_portal.wsgi:application",
             "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
             # A sync worker reads the body itself: the no-JS baseline's 11 MB on 3G take
             # over two minutes (in production a buffering proxy reads slow bodies).
             "--timeout", "300"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        runs: dict[str, list] = {"photos": [], "qr_photo": [], "qr_live": [], "no_js": []}
        try:
            _wait_ready(f"http://127.0.0.1:{port}/healthz", server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                          "--disable-background-networking", "--disable-component-update",
                          "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                          f"--use-file-for-fake-video-capture={video}"])
                try:
                    for _ in range(rounds):
                        runs["photos"].append(_photos_round(browser, base, photos,
                                                            javascript=True))
                        runs["qr_photo"].append(_qr_photo_round(browser, base, qr_photo))
                        runs["qr_live"].append(_qr_live_round(browser, base))
                    if baseline:
                        runs["no_js"].append(_photos_round(browser, base, photos,
                                                           javascript=False))
                finally:
                    browser.close()
        finally:
            _stop(server)
        result = {
            "profile": "Fast 3G (562.5 ms, 1440/675 kbit/s), CPU 4x slower, 360x740",
            "photos_to_step3_s": statistics.median(r["seconds"] for r in runs["photos"]),
            "photos_prepared_s": statistics.median(r["prepared_s"] or 0 for r in runs["photos"]),
            "photos_uploaded_kb": statistics.median(r["uploaded_kb"] for r in runs["photos"]),
            "photos_chosen_kb": round(sum(p.stat().st_size for p in photos) / 1024),
            "qr_photo_kb": round(qr_photo.stat().st_size / 1024),
            "qr_photo_open_to_filled_s": statistics.median(runs["qr_photo"]),
            "qr_live_click_to_filled_s": statistics.median(runs["qr_live"]),
            "rounds": rounds,
            "runs": runs,
        }
        if baseline:
            result["photos_to_step3_no_js_s"] = runs["no_js"][0]["seconds"]
        return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
