"""Local development: `make run`. Demo data allowed, the dev outbox visible."""
from vssid_portal.settings.base import *  # noqa: F401,F403
from vssid_portal.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
DEMO_DATA_ALLOWED = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
