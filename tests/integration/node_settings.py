"""Settings of the portal processes of the two-node test (tests/integration/test_two_nodes.py),
both web nodes and the Celery worker: the portal's own settings as a deployment reads them
from the environment (vssid_portal/settings/base.py: DATABASE_URL, REDIS_URL,
PRIVATE_STORAGE_*, VAR_DIR, THROTTLE_*, LOGIN_*), with what a test adds: pytest-django's
database ("test_<name>"), MD5 password hashes (the test process writes them), Redis keys
under the test's own prefixes, static files found in the source tree."""
import os

from vssid_portal.settings.base import *  # noqa: F401,F403
from vssid_portal.settings.base import CACHES, DATABASES, REDIS_URL, STORAGES

if not REDIS_URL:
    raise RuntimeError("The two-node test's processes share Redis: set REDIS_URL.")
DEBUG = False
DATABASES["default"]["NAME"] = os.environ["WORKER_DATABASE_NAME"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = os.environ["NODE_CACHE_PREFIX"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 600,
    "global_keyprefix": os.environ["WORKER_KEYPREFIX"],
}
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
