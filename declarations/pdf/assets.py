"""What a declaration PDF may load: the fonts shipped in static/fonts/ and the images handed
over in memory for one render. Anything else stops the render (no half-broken PDF, and no
request to another host from a worker that holds personal data)."""
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

ASSET_SCHEME = "vssid-asset"

FONT_FACES = (
    # (file, weight, style)
    ("DejaVuSans.ttf", "normal", "normal"),
    ("DejaVuSans-Bold.ttf", "bold", "normal"),
    ("DejaVuSans-Oblique.ttf", "normal", "italic"),
)


class PDFAssetError(RuntimeError):
    """An asset of the PDF is missing or not allowed: the render must fail."""


def font_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "fonts"


def font_faces() -> list[dict]:
    """@font-face entries for the template: family, file URL, weight, style."""
    faces = []
    for name, weight, style in FONT_FACES:
        path = (font_dir() / name).resolve()
        if not path.is_file():
            raise PDFAssetError(f"Font file missing: static/fonts/{name}")
        faces.append({"url": path.as_uri(), "weight": weight, "style": style})
    return faces


def asset_url(name: str) -> str:
    return f"{ASSET_SCHEME}:{name}"


def make_url_fetcher(images: dict[str, tuple[bytes, str]]):
    """A WeasyPrint URL fetcher allowing only the shipped fonts and `images`
    ({name: (bytes, mime type)}, referenced as vssid-asset:<name>)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed_fonts = {(font_dir() / name).resolve() for name, _, _ in FONT_FACES}

    class DeclarationURLFetcher(URLFetcher):
        def __init__(self) -> None:
            # fail_on_errors: a fetch error is fatal instead of a warning and a hole.
            super().__init__(allowed_protocols=("file", ASSET_SCHEME), fail_on_errors=True)

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == ASSET_SCHEME:
                name = unquote(url.split(":", 1)[1])
                if name not in images:
                    raise PDFAssetError(f"Unknown in-memory asset: {name}")
                data, mime = images[name]
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if path in allowed_fonts:
                    mime = mimetypes.guess_type(path.name)[0] or "font/ttf"
                    return URLFetcherResponse(
                        url, path.read_bytes(), {"Content-Type": mime}
                    )
            raise PDFAssetError(f"Asset not allowed in a declaration PDF: {url[:80]}")

    return DeclarationURLFetcher()
