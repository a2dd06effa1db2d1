"""Shared set-up of the pipeline benchmarks: Django with the test settings, a throwaway
test database and private storage in a temporary directory."""
from __future__ import annotations

import contextlib
import os
import tempfile


def rss_mb() -> float:
    """Resident memory of this process, from /proc (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


@contextlib.contextmanager
def django_test_environment():
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vssid_portal.settings.test")
        django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as directory:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                **settings.STORAGES["default"],
                "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"],
                            "location": os.path.join(directory, "private")},
            },
        }
        settings.SMS_FILE_PATH = os.path.join(directory, "sms.jsonl")
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            yield directory
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
