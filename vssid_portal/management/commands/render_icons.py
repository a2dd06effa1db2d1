"""`manage.py render_icons`: draws the portal's icons (a white shield with a tick on the
portal's blue) into static/icons/: the SVG, the PNGs of the web app manifest, the Apple
touch icon and favicon.ico. The files are committed; run this again only to change them.

One drawing, two renderings: the SVG gets the shapes as paths, Pillow draws the same points
(curves sampled) four times larger and scales down, which smooths the edges."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

BLUE = "#0b5cab"  # --blue in static/css/portal.css, the header (vssid_portal.pwa.THEME_COLOUR)
WHITE = "#ffffff"
# On a 512 × 512 grid. The shield: top point, shoulders, sides curving to the bottom point.
SHIELD_TOP = [(256, 84), (400, 132), (400, 244)]
SHIELD_RIGHT_CURVE = [(400, 244), (400, 340), (338, 404), (256, 440)]
SHIELD_LEFT_CURVE = [(256, 440), (174, 404), (112, 340), (112, 244)]
SHIELD_END = [(112, 132)]
TICK = [(180, 262), (236, 318), (336, 206)]
TICK_WIDTH = 44
CORNER_RADIUS = 112  # the "any" icon is a rounded square; maskable ones fill the square
# Maskable icons: the launcher may cut everything outside a circle of 40 % of the width
# around the centre; the shield (farthest point 194 units from the centre) is drawn at 85 %.
MASKABLE_SCALE = 0.85
CENTRE = (256, 262)
SUPERSAMPLE = 4


def _bezier(points: list[tuple[float, float]], steps: int = 24) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    out = []
    for i in range(1, steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        out.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return out


def _shield_polygon() -> list[tuple[float, float]]:
    return (SHIELD_TOP + _bezier(SHIELD_RIGHT_CURVE)[:-1] + _bezier(SHIELD_LEFT_CURVE)
            + SHIELD_END)


def _scaled(points, scale: float):
    cx, cy = CENTRE
    return [(cx + (x - cx) * scale, cy + (y - cy) * scale) for x, y in points]


def render_png(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    unit = big / 512
    scale = MASKABLE_SCALE if maskable else 1.0
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER_RADIUS * unit, fill=BLUE)
    draw.polygon([(x * unit, y * unit) for x, y in _scaled(_shield_polygon(), scale)],
                 fill=WHITE)
    tick = [(x * unit, y * unit) for x, y in _scaled(TICK, scale)]
    width = TICK_WIDTH * scale * unit
    draw.line(tick, fill=BLUE, width=round(width), joint="curve")
    for x, y in (tick[0], tick[-1]):  # round ends
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=BLUE)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    return image.convert("RGB") if maskable else image


def render_svg() -> str:
    def pt(p):
        return f"{p[0]} {p[1]}"

    right, left = SHIELD_RIGHT_CURVE, SHIELD_LEFT_CURVE
    shield = (
        f"M{pt(SHIELD_TOP[0])}L{pt(SHIELD_TOP[1])}L{pt(SHIELD_TOP[2])}"
        f"C{pt(right[1])} {pt(right[2])} {pt(right[3])}"
        f"C{pt(left[1])} {pt(left[2])} {pt(left[3])}L{pt(SHIELD_END[0])}Z"
    )
    tick = " ".join(pt(p) for p in TICK)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" rx="{CORNER_RADIUS}" fill="{BLUE}"/>'
        f'<path d="{shield}" fill="{WHITE}"/>'
        f'<polyline points="{tick}" fill="none" stroke="{BLUE}" stroke-width="{TICK_WIDTH}"'
        ' stroke-linecap="round" stroke-linejoin="round"/></svg>\n'
    )


class Command(BaseCommand):
    help = "Draw the portal's icons into static/icons/ (SVG, PNGs, favicon.ico)."
    requires_system_checks: list = []  # draws files; needs no database nor URLs

    def handle(self, *args, **options) -> None:
        target = Path(settings.BASE_DIR) / "static" / "icons"
        target.mkdir(parents=True, exist_ok=True)
        (target / "icon.svg").write_text(render_svg(), encoding="utf-8")
        for name, size, maskable in [
            ("icon-192.png", 192, False),
            ("icon-512.png", 512, False),
            ("icon-maskable-512.png", 512, True),
            # iOS rounds the corners itself and shows transparency as black: full square.
            ("apple-touch-icon.png", 180, True),
        ]:
            # Two colours and their blends: a 32-colour palette keeps every edge and makes
            # the files 4-8 times smaller (the 512 px icon ≈ 5 kB) for phones on 3G.
            image = render_png(size, maskable=maskable)
            image.quantize(32, method=Image.Quantize.FASTOCTREE).save(target / name,
                                                                      optimize=True)
        # Each size drawn on its own (sharper than one image scaled down by the encoder).
        render_png(48, maskable=False).save(
            target / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)],
            append_images=[render_png(16, maskable=False), render_png(32, maskable=False)],
        )
        self.stdout.write(f"Icons written to {target}")
