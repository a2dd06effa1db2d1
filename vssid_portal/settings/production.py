"""Production: refuses to start with a development key or with DEBUG on."""
from django.core.exceptions import ImproperlyConfigured

from vssid_portal.settings.base import *  # noqa: F401,F403
from vssid_portal.settings.base import DATABASES, DEFAULT_SECRET_KEY, SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")

# Persistent database connections: a connection opened per request cost more than most
# pages themselves (look-up pages at ~100 req/s, most of it PostgreSQL's
# connection start-up). Each web process (or gthread thread) keeps one connection for
# CONN_MAX_AGE seconds and checks it (one `SELECT 1`) before the first query of each new
# request, so a restarted database costs a reconnection, not an error page. A
# `conn_max_age` in DATABASE_URL wins. Celery workers still open one per task (celery's
# Django fix-up closes it before and after each task): their use is unchanged.
if "conn_max_age" not in env("DATABASE_URL", default=""):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Provinces, offices and facilities are served from each process's memory; the version in
# Redis that says they changed is read at most every 2 s per process rather than on every
# request (registry/reference.py): an edit made on another node shows there within 2 s.
REFERENCE_DATA_RECHECK_SECONDS = env.float("REFERENCE_DATA_RECHECK_SECONDS", default=2.0)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
DEMO_DATA_ALLOWED = False
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=True)
