"""Settings shared by every environment, read from the environment.

With nothing set the portal runs on the embedded default: SQLite, Celery tasks executed
in-process after commit, e-mail and SMS written to local outboxes under ``var/``.
"""
import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

# Development-only key; production.py refuses to start with it.
DEFAULT_SECRET_KEY = "dev-insecure-vssid-portal-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "vssid_portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The portal's apps, ground floor first (an app imports only from those above it).
    "audit",
    "registry",
    "accounts",
    "declarations",
    "guardians",
    "notifications",
    # Project-level commands (demo data) and templates.
    "vssid_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vssid_portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vssid_portal.middleware.HostileRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vssid_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "vssid_portal.middleware.MalformedParametersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vssid_portal.script_redirects.ScriptRedirectMiddleware",
]

ROOT_URLCONF = "vssid_portal.urls"
# Proxies (addresses or networks) whose X-Forwarded-For is believed when finding the
# client's address (audit.context.client_address); empty: REMOTE_ADDR is the client.
# Health probes answer over plain HTTP too (behind TLS termination a probe must see a 503,
# not a redirect to HTTPS).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Or: how many reverse proxies stand in front of the portal (audit.context.client_address).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address") from _error
WSGI_APPLICATION = "vssid_portal.wsgi.application"
ASGI_APPLICATION = "vssid_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vssid_portal.context_processors.portal",
            ],
        },
    },
]

# Django's form renderer with the <input>s and <select>s written in Python, to the same
# HTML (vssid_portal/form_renderer.py: ~25 µs per option and 0.1 ms per text box saved).
FORM_RENDERER = "vssid_portal.form_renderer.PortalFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Failed log-ins (web, API token, admin): per login name, growing delays then a lock of
# LOGIN_LOCK_SECONDS after LOGIN_FAILURES_PER_NAME; per client address, a lock after
# LOGIN_FAILURES_PER_ADDRESS in 15 minutes; known devices pass (accounts/login_throttle.py).
LOGIN_FAILURES_PER_NAME = env.int("LOGIN_FAILURES_PER_NAME", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=100)
LOGIN_LOCK_SECONDS = env.int("LOGIN_LOCK_SECONDS", default=15 * 60)
# One-time codes (accounts/services/otp.py).
OTP_VALID_SECONDS = 300
OTP_RESEND_SECONDS = 60
OTP_THROTTLE_FACTOR = 1
OTP_PER_DESTINATION_HOUR = env.int("OTP_PER_DESTINATION_HOUR", default=5)
OTP_PER_DESTINATION_DAY = env.int("OTP_PER_DESTINATION_DAY", default=10)
OTP_PER_ADDRESS_HOUR = env.int("OTP_PER_ADDRESS_HOUR", default=30)
# Staff must give a TOTP code (django-otp) to open the admin; on in production.
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = "VssID"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PersonalDataPasswordValidator"},
]

# Internationalisation: Vietnamese first, English switchable.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# locale/thirdparty: Vietnamese for DRF messages its own catalogue leaves in English.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "thirdparty"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "vssid_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Personal data (ID photos, declaration PDFs) lives in private storage: no public URL,
# served only through views that check who is asking. On local disk, or with
# PRIVATE_STORAGE_BUCKET in a bucket of an S3-compatible object store that every node
# shares (vssid_portal/storage.py; README, "Private files on object storage").
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private")))
PRIVATE_STORAGE_BUCKET = env("PRIVATE_STORAGE_BUCKET", default="")
if PRIVATE_STORAGE_BUCKET:
    _endpoint_url = env("PRIVATE_STORAGE_ENDPOINT_URL", default="")
    _private_storage_options = {
        "bucket_name": PRIVATE_STORAGE_BUCKET,
        # Path-style (endpoint/bucket/key) unless told: on-premises stores rarely have the
        # wildcard DNS that bucket.endpoint needs; AWS itself is asked in its own way.
        "addressing_style": env("PRIVATE_STORAGE_ADDRESSING_STYLE",
                                default="path" if _endpoint_url else "auto"),
        "location": env("PRIVATE_STORAGE_PREFIX", default=""),
        **{option: value for option, value in {
            "endpoint_url": _endpoint_url,
            "region_name": env("PRIVATE_STORAGE_REGION", default=""),
            # Unset: boto3's own chain (AWS_* variables, the instance's role).
            "access_key": env("PRIVATE_STORAGE_ACCESS_KEY_ID", default=""),
            "secret_key": env("PRIVATE_STORAGE_SECRET_ACCESS_KEY", default=""),
        }.items() if value},
    }
    _private_storage = {"BACKEND": "vssid_portal.storage.PrivateS3Storage",
                        "OPTIONS": _private_storage_options}
else:
    _private_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None}}
# Public files, readable by a front server running as another user (uploads are 0600).
STATIC_FILE_PERMISSIONS = {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755}
STORAGES = {
    "default": _private_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
                    "OPTIONS": STATIC_FILE_PERMISSIONS},
}
MEDIA_ROOT = str(PRIVATE_STORAGE_ROOT)
MEDIA_URL = None
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads (registry/uploads.py): a multipart body announcing more than three photos and the
# form is refused before any of it is read, a file is stopped as soon as it passes the photo
# limit (accounts.scanning.images.MAX_BYTES); both are a 413. Nothing over the limits
# reaches the temporary directory.
UPLOAD_FILE_MAX_BYTES = 15 * 1024 * 1024
UPLOAD_REQUEST_MAX_BYTES = 3 * UPLOAD_FILE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "registry.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Form fields and JSON bodies (files are not counted here): Django's default.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Redis: broker and cache when REDIS_URL is set; otherwise in-process tasks and local cache.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, and a per-process fallback while it cannot be reached (cache.py).
            "BACKEND": "vssid_portal.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "vssid",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    # No broker: run each task in-process (services dispatch them after commit).
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A worker killed mid-task leaves the message unacknowledged, so the broker hands the task
# to another worker: every task must therefore be safe to run twice (they check their
# row's state before acting).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
# A task not acknowledged within this time (its worker was killed) is handed out again.
# Must exceed the longest countdown of a retry (notifications cap theirs at 5 minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing happens inside web requests (on commit): with the broker down, give up fast
# and leave the row queued for the sweepers rather than keep the citizen waiting.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2
}
CELERY_WORKER_SEND_TASK_EVENTS = False
# Safety net: a pool process past 400 MB is replaced after its current task (PDF renders
# reuse fonts and images and stay near 130 MB; see bench/pipeline_pdf.py).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB
CELERY_TASK_DEFAULT_QUEUE = "default"
# Separate queues: an OTP SMS never waits behind a slow PDF. In production run one worker
# per queue (`celery -A vssid_portal worker -Q messages` and `... -Q pdf`).
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "messages"},
    "declarations.tasks.*": {"queue": "pdf"},
}
CELERY_BEAT_SCHEDULE: dict = {
    "notifications-sweep": {
        "task": "notifications.tasks.messages_sweep_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Hourly: a draft photo lives at most a session (8 h) + 1 h + 1 h, which with the
    # photos rate limit bounds what one address can leave on disk (README, ID photos).
    "declarations-drafts-purge": {
        "task": "declarations.tasks.registration_drafts_purge_task",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
    "guardians-coming-of-age": {
        "task": "guardians.tasks.guardianships_end_coming_of_age_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "declarations-pdf-sweep": {
        "task": "declarations.tasks.declarations_pdf_sweep_task",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
}
CELERY_TIMEZONE = TIME_ZONE

# Outboxes: e-mail through Django's backend, SMS through the portal's own backends.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "outbox" / "email")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="VssID <no-reply@vssid.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SMS_BACKEND = env("SMS_BACKEND", default="notifications.sms.backends.file.FileSMSBackend")
SMS_FILE_PATH = str(VAR_DIR / "outbox" / "sms.jsonl")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_USERNAME = env("SMS_GATEWAY_USERNAME", default="")
SMS_GATEWAY_PASSWORD = env("SMS_GATEWAY_PASSWORD", default="")
SMS_GATEWAY_SENDER = env("SMS_GATEWAY_SENDER", default="VssID")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)

# QR decoding engine: "zxing" (default, measured faster and more robust) or "zbar".
QR_DECODER = env("QR_DECODER", default="zxing")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Logged in, and no temporary password left to replace (accounts.permissions).
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsAuthenticatedWithOwnPassword"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only, a browser included: no browsable API (its page breaks the portal's CSP
    # and is a second, form-driven way into every endpoint; README, "API").
    # /api/v1/docs/ is the interactive documentation.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "vssid_portal.api.exceptions.exception_handler",
    # Every API body through the parsers that answer in the client's language.
    "DEFAULT_PARSER_CLASSES": [
        "registry.parsers.JSONParser", "registry.parsers.FormParser",
        "registry.parsers.MultiPartParser",
    ],
    # DRF's own reading of X-Forwarded-For; the portal's throttles ask client_address().
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_CLASSES": [
        "vssid_portal.throttling.AnonRateThrottle",
        "vssid_portal.throttling.UserRateThrottle",
        "vssid_portal.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="300/hour"),
        "user": env("THROTTLE_USER", default="2000/hour"),
        # Per client address: mobile carriers put many people behind one, so these stay
        # generous; guessing is stopped per account (accounts/login_throttle.py, OTP tries).
        "auth": env("THROTTLE_AUTH", default="600/hour"),
        "lookup": env("THROTTLE_LOOKUP", default="30/hour"),
        "registration": env("THROTTLE_REGISTRATION", default="20/hour"),
        "scan": env("THROTTLE_SCAN", default="60/hour"),
        # Per client address: photos uploaded to the web forms' photo steps, each one counted
        # before it is decoded (what one address can leave on disk as draft photos).
        "photos": env("THROTTLE_PHOTOS", default="120/hour"),
        "otp": env("THROTTLE_OTP", default="300/hour"),
        # Per guardian account: checks of a child's BHXH code and name (web step 1, API).
        "child_check": env("THROTTLE_CHILD_CHECK", default="30/hour"),
        # Per account: a declaration sent on by e-mail to an address the citizen types.
        "declaration_share": env("THROTTLE_DECLARATION_SHARE", default="5/hour"),
        # Per client address: unknown or expired short links (/s/<token>) opened; once
        # spent, every short link is refused for the hour. Links that work never count.
        "short_link": env("THROTTLE_SHORT_LINK", default="30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VssID portal API",
    "DESCRIPTION": "Self-service of Vietnam Social Security: registry look-ups, "
    "account registration, declarations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name for the guardian-relationship choices wherever they appear.
    "ENUM_NAME_OVERRIDES": {
        "GuardianRelationshipEnum": "guardians.models.GuardianLink.Relationship",
    },
    # The error answers every operation can give (400/401/403/404/413/415/429) and their
    # shapes, decided from each operation (vssid_portal/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vssid_portal.api.schema.add_error_responses",
    ],
}

# Django's database sessions, a new one stored without first asking whether its random key
# is taken (vssid_portal/sessions.py).
SESSION_ENGINE = "vssid_portal.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Whether the demo accounts may be created (only the dev setup turns this on).
DEMO_DATA_ALLOWED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Tokens in paths (SMS and PDF links) are masked in every record (log_filters).
    "filters": {"tokens": {"()": "vssid_portal.log_filters.TokenPathFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
SPECTACULAR_SETTINGS.update(
    {"SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR", "REDOC_DIST": "SIDECAR"}
)
