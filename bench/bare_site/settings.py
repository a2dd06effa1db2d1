from pathlib import Path

SECRET_KEY = "bench-bare-site-" + "x" * 50  # noqa: S105 - a benchmark's throwaway site
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare_site.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_I18N = False
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [Path(__file__).resolve().parent / "templates"],
    "OPTIONS": {"loaders": [("django.template.loaders.cached.Loader",
                             ["django.template.loaders.filesystem.Loader"])]},
}]
WSGI_APPLICATION = "bench.bare_site.wsgi.application"
