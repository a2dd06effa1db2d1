"""Settings of the Celery worker that integration tests start as a subprocess: the test
settings, but a real broker, the test's own PostgreSQL database (pytest-django's
"test_<name>"), and outboxes and private storage in the test's temporary directory."""
import os

from vssid_portal.settings.test import *  # noqa: F401,F403
from vssid_portal.settings.test import DATABASES, STORAGES

CELERY_TASK_ALWAYS_EAGER = False
DATABASES["default"]["NAME"] = os.environ["WORKER_DATABASE_NAME"]
SMS_BACKEND = os.environ.get(
    "WORKER_SMS_BACKEND", "notifications.sms.backends.file.FileSMSBackend"
)
SMS_FILE_PATH = os.environ["WORKER_SMS_FILE_PATH"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["WORKER_EMAIL_DIR"]
STORAGES["default"]["OPTIONS"]["location"] = os.environ["WORKER_PRIVATE_STORAGE"]
MEDIA_ROOT = os.environ["WORKER_PRIVATE_STORAGE"]
# A killed worker's task comes back after seconds, not ten minutes.
NOTIFICATIONS_SENDING_TIMEOUT = int(os.environ.get("WORKER_SENDING_TIMEOUT", "300"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("WORKER_VISIBILITY_TIMEOUT", "600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    # Each test's own keys: parallel test runs never take each other's tasks.
    "global_keyprefix": os.environ.get("WORKER_KEYPREFIX", ""),
}
