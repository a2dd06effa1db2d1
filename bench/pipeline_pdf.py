"""Declaration PDFs rendered by one process (as one prefork worker child renders them):
renders per second, latency, and resident memory after 50 and after 1,000 renders (the
FontConfiguration and image cache are reused, so memory must stay flat).

Run: ``python -m bench pipeline_pdf`` (or ``make bench``).
"""
from __future__ import annotations

import io
import statistics
import time

RENDERS = 1000
EARLY = 50
DECLARATIONS = 20  # distinct people and portraits, cycled


def _portrait(i: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), (200 + i % 40, 210, 230 - i % 50))
    ImageDraw.Draw(image).ellipse((150, 100, 450, 450), fill=(230, 190, 160 - i))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def run() -> dict:
    from bench._pipeline_setup import django_test_environment, rss_mb

    with django_test_environment():
        from declarations.pdf import render_declaration_pdf
        from tests.integration.declarations import make_declaration

        declarations = [
            make_declaration(portrait=_portrait(i), full_name=f"Nguyễn Thị Ánh {i}")
            for i in range(DECLARATIONS)
        ]
        for declaration in declarations:  # keep the ORM out of the timing
            declaration.office.province  # noqa: B018
        rss_start = rss_mb()
        started = time.perf_counter()
        render_declaration_pdf(declarations[0])  # first render: imports WeasyPrint, fonts
        first_render_s = time.perf_counter() - started
        timings: list[float] = []
        sizes: list[int] = []
        rss_after_early = None
        wall = time.perf_counter()
        for i in range(RENDERS):
            t = time.perf_counter()
            pdf = render_declaration_pdf(declarations[i % DECLARATIONS])
            timings.append(time.perf_counter() - t)
            sizes.append(len(pdf))
            if i + 1 == EARLY:
                rss_after_early = rss_mb()
        wall = time.perf_counter() - wall
        rss_end = rss_mb()
    return {
        "renders": RENDERS,
        "pdfs_per_s": round(RENDERS / wall, 1),
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(_percentile(timings, 95) * 1000, 1),
        "first_render_s": round(first_render_s, 2),
        "pdf_kb_median": round(statistics.median(sizes) / 1024, 1),
        "rss_mb_before": rss_start,
        f"rss_mb_after_{EARLY}": rss_after_early,
        f"rss_mb_after_{RENDERS}": rss_end,
        "rss_growth_mb": round(rss_end - rss_after_early, 1),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
