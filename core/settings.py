"""Coderr settings, read from the environment (and `.env`) through python-decouple.

Every key is documented in `.env.example`. Defaults are safe: DEBUG off, local hosts only, and no
secret key fallback outside DEBUG.
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from decouple import Csv, config
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from core.observability.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = config("DEBUG", default=False, cast=bool)

SECRET_KEY = config("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-only-key"

ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="127.0.0.1,localhost", cast=Csv())
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", default="", cast=Csv())

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "django_filters",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "general_app",
    "auth_app",
    "profile_app",
    "offer_app",
    "order_app",
    "reviews_app",
]

MIDDLEWARE = [
    # Outermost: the request id is set before anything logs, and the access line and metrics time everything.
    "core.observability.middleware.RequestTelemetryMiddleware",
    # First of the rest, so that every answer, the JSON ones the two middleware below build too, is in the caller's
    # language (Accept-Language) and says so (Content-Language, Vary: Accept-Language).
    "django.middleware.locale.LocaleMiddleware",
    # Before the middleware that answer on their own (413, 503), so that every answer carries the security headers
    # (X-Content-Type-Options: nosniff, the Content-Security-Policy of core/csp.py).
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "core.api.middleware.JsonErrorMiddleware",
    "core.api.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out admin login into the lockout page (AXES_ONLY_ADMIN_SITE: never an API answer).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"
ASGI_APPLICATION = "core.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The CSP nonce for the admin's scripts and styles (core/csp.py).
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        config("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=config("DB_CONN_MAX_AGE", default=60, cast=int),
        conn_health_checks=True,
    )
}
# No request transactions: reads run in autocommit (one statement each, no BEGIN/COMMIT round trips), and
# every write is a service function that owns its transaction (each app's services.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "core.db.sqlite_backend"
    # WAL lets readers run while one writer writes; IMMEDIATE transactions (only write services open them)
    # take the write lock up front so concurrent writers queue instead of failing with "database is
    # locked" (see core/db/sqlite_backend).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": config("SQLITE_BUSY_TIMEOUT", default=20, cast=int),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Checks a reused connection (one more round trip) only after it sat idle (core/db/postgresql_backend).
        DATABASES["default"]["ENGINE"] = "core.db.postgresql_backend"
    DATABASES["default"].setdefault("OPTIONS", {})
    # Fail fast (then answer 503) instead of hanging when the server is unreachable.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", config("DB_CONNECT_TIMEOUT", default=3, cast=int))

# PostgreSQL (core/db/postgresql_backend): seconds a connection may sit idle between requests and still be reused
# without a health check; and whether the hot statements whose plan fits every parameter value are prepared on the
# server once per connection (turn off behind a pooler in transaction mode without prepared-statement support).
DB_HEALTH_CHECK_AFTER_IDLE = config("DB_HEALTH_CHECK_AFTER_IDLE", default=1.0, cast=float)
DB_REUSE_PLANS = config("DB_REUSE_PLANS", default=True, cast=bool)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "auth_app.User"

# --- Cache (shared throttle counters when REDIS_URL is set) -----------------------------------------------
REDIS_URL = config("REDIS_URL", default="")
# Seconds a Redis connect or reply may take before the call counts as failed.
CACHE_SOCKET_TIMEOUT = config("CACHE_SOCKET_TIMEOUT", default=1.0, cast=float)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": config("CACHE_KEY_PREFIX", default="coderr"),
            "OPTIONS": {"socket_connect_timeout": CACHE_SOCKET_TIMEOUT, "socket_timeout": CACHE_SOCKET_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# When Redis is down or silent the throttles let requests through (core/cache.py); after a failed call each
# process skips Redis for this many seconds, so only one request per back-off waits for the socket timeout.
CACHE_FAILURE_BACKOFF = config("CACHE_FAILURE_BACKOFF", default=5.0, cast=float)

# --- API tokens (django-rest-knox) ------------------------------------------------------------------------
# One token per sign-in; the database keeps only its SHA-512 digest (and its first 15 characters, to find it).
# A token expires after TOKEN_IDLE_DAYS without use. Every authenticated request renews it, but knox writes
# the new expiry only when it moves by more than MIN_REFRESH_INTERVAL seconds: one UPDATE per token and minute.
TOKEN_IDLE_DAYS = config("TOKEN_IDLE_DAYS", default=14, cast=int)
if TOKEN_IDLE_DAYS < 1:
    raise ImproperlyConfigured("TOKEN_IDLE_DAYS must be at least 1 (see .env.example).")
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=TOKEN_IDLE_DAYS),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}

# --- Admin login lockout (django-axes) ---------------------------------------------------------------------
# Failed logins at /admin/login/ are counted in the database (all workers and hosts share the count, on
# SQLite and PostgreSQL, with or without Redis); after ADMIN_LOGIN_FAILURE_LIMIT failures the address or the
# account is refused for ADMIN_LOGIN_COOLOFF_MINUTES. The API's login has its own throttle and never reaches
# axes (it does not call django.contrib.auth.authenticate).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = config("ADMIN_LOGIN_LOCKOUT", default=True, cast=bool)
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = config("ADMIN_LOGIN_FAILURE_LIMIT", default=5, cast=int)
AXES_COOLOFF_TIME = timedelta(minutes=config("ADMIN_LOGIN_COOLOFF_MINUTES", default=15, cast=int))
# "ip_address,username": an address or an account is locked; "ip_address+username": only the pair.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in config("ADMIN_LOGIN_LOCKOUT_BY", default="ip_address,username", cast=Csv())
]
if not AXES_LOCKOUT_PARAMETERS or not {
    name for item in AXES_LOCKOUT_PARAMETERS for name in ([item] if isinstance(item, str) else item)
} <= {"ip_address", "username"}:
    raise ImproperlyConfigured("ADMIN_LOGIN_LOCKOUT_BY takes ip_address and username, joined by , or + (.env.example).")
AXES_RESET_ON_SUCCESS = True
# The client address as the throttles see it (NUM_PROXIES), not REMOTE_ADDR of the reverse proxy.
AXES_CLIENT_IP_CALLABLE = "core.api.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "auth_app.admin.admin_lockout_response"
# Masked in the form data axes keeps of each failed attempt (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]

# --- Passwords --------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Messages follow the caller's Accept-Language: German or English, English when it names neither. Coderr's own
# translations live in locale/ (the compiled .mo is committed; see README "Languages").
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(config("STATIC_ROOT", default="") or BASE_DIR / "staticfiles")
# Until `collectstatic` has run (make serve does), whitenoise warns on every start; the finders serve in DEBUG.
warnings.filterwarnings("ignore", message="No directory at")
STORAGES = {
    # Django's FileSystemStorage, with write failures answered as 503 (core/storage.py); S3 below.
    "default": {"BACKEND": "core.storage.LocalMediaStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(config("MEDIA_ROOT", default="") or BASE_DIR / "media")
# Development convenience; in production a web server or object storage serves /media/ (see README).
SERVE_MEDIA = config("SERVE_MEDIA", default=True, cast=bool)

# Media on S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, Ceph, ...) instead of MEDIA_ROOT, so that
# several app servers share them. Objects are public and their URLs unsigned (the frontend keeps them), and
# url() is string formatting only: without a custom domain, the public address is derived from the endpoint.
MEDIA_STORAGE = config("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
if MEDIA_STORAGE == "s3":
    from botocore.config import Config as BotocoreConfig

    from core.storage import s3_public_domain

    AWS_STORAGE_BUCKET_NAME = config("AWS_STORAGE_BUCKET_NAME", default="")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (see .env.example).")
    AWS_S3_ENDPOINT_URL = config("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = config("AWS_S3_REGION_NAME", default="") or None
    # Empty: boto3 finds credentials itself (its environment variables, ~/.aws, an instance role).
    AWS_ACCESS_KEY_ID = config("AWS_ACCESS_KEY_ID", default="") or None
    AWS_SECRET_ACCESS_KEY = config("AWS_SECRET_ACCESS_KEY", default="") or None
    AWS_S3_ADDRESSING_STYLE = config("AWS_S3_ADDRESSING_STYLE", default="") or None
    AWS_LOCATION = config("AWS_LOCATION", default="")
    AWS_S3_CUSTOM_DOMAIN = config("AWS_S3_CUSTOM_DOMAIN", default="")
    AWS_S3_URL_PROTOCOL = config("AWS_S3_URL_PROTOCOL", default="") or "https:"
    if not AWS_S3_CUSTOM_DOMAIN:
        AWS_S3_CUSTOM_DOMAIN, AWS_S3_URL_PROTOCOL = s3_public_domain(
            bucket=AWS_STORAGE_BUCKET_NAME,
            endpoint_url=AWS_S3_ENDPOINT_URL,
            region=AWS_S3_REGION_NAME,
            addressing_style=AWS_S3_ADDRESSING_STYLE,
        )
    # Public reads come from the bucket policy; set public-read only where the bucket still uses ACLs.
    AWS_DEFAULT_ACL = config("AWS_DEFAULT_ACL", default="") or None
    # An unreachable storage must fail an upload quickly (503), not hold a worker for botocore's 60 s defaults.
    AWS_S3_CLIENT_CONFIG = BotocoreConfig(
        connect_timeout=config("AWS_S3_CONNECT_TIMEOUT", default=2, cast=float),
        read_timeout=config("AWS_S3_READ_TIMEOUT", default=5, cast=float),
        retries={"mode": "standard", "total_max_attempts": config("AWS_S3_MAX_ATTEMPTS", default=2, cast=int)},
        s3={"addressing_style": AWS_S3_ADDRESSING_STYLE},
    )
    # Unsigned URLs (AWS_QUERYSTRING_AUTH off), overwrite, caching and transfer are fixed by the backend.
    STORAGES["default"] = {"BACKEND": "core.storage_s3.S3MediaStorage"}

# Uploads: images are checked against these limits; whole requests larger than MAX_REQUEST_BODY_BYTES are
# refused with 413 before the body is read.
MAX_IMAGE_UPLOAD_BYTES = config("MAX_IMAGE_UPLOAD_BYTES", default=5 * 1024 * 1024, cast=int)
MAX_IMAGE_PIXELS = config("MAX_IMAGE_PIXELS", default=25_000_000, cast=int)
MAX_REQUEST_BODY_BYTES = config("MAX_REQUEST_BODY_BYTES", default=MAX_IMAGE_UPLOAD_BYTES + 1024 * 1024, cast=int)
DATA_UPLOAD_MAX_MEMORY_SIZE = config("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024, cast=int)
FILE_UPLOAD_MAX_MEMORY_SIZE = config("FILE_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024, cast=int)

# --- CORS ---------------------------------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = config("CORS_ALLOWED_ORIGINS", default="http://127.0.0.1:5500,http://localhost:5500", cast=Csv())
CORS_ALLOW_METHODS = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "origin", "user-agent", "x-requested-with"]

# --- REST framework -------------------------------------------------------------------------------------
THROTTLING_ENABLED = config("THROTTLING_ENABLED", default=True, cast=bool)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    # DRF's, failing open when the cache is down (core/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": (
        ["core.api.throttling.AnonRateThrottle", "core.api.throttling.UserRateThrottle"] if THROTTLING_ENABLED else []
    ),
    "DEFAULT_THROTTLE_RATES": {
        "anon": config("THROTTLE_ANON_RATE", default="1000/day"),
        "user": config("THROTTLE_USER_RATE", default="10000/day"),
        "login": config("THROTTLE_LOGIN_RATE", default="20/min"),
        "registration": config("THROTTLE_REGISTRATION_RATE", default="20/min"),
    },
    "NUM_PROXIES": config("NUM_PROXIES", default=0, cast=int),
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Coderr API",
    "DESCRIPTION": "REST API of the Coderr freelance marketplace. Authenticate with `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's assets come from the installed sidecar package, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_unsupported_media_type",
        "core.api.schema.document_languages",
    ],
}

# --- Production hardening (all from the environment; see README "Deployment") -----------------------------
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", default=False, cast=bool)
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", default=0, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False, cast=bool)
SECURE_HSTS_PRELOAD = config("SECURE_HSTS_PRELOAD", default=False, cast=bool)
SESSION_COOKIE_SECURE = config("SESSION_COOKIE_SECURE", default=False, cast=bool)
CSRF_COOKIE_SECURE = config("CSRF_COOKIE_SECURE", default=False, cast=bool)
if config("USE_X_FORWARDED_PROTO", default=False, cast=bool):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The API answers JSON only: nothing in an answer may load, run or frame anything. The admin and the Swagger UI
# get their own policies (core/csp.py).
SECURE_CSP = {"default-src": [CSP.NONE], "frame-ancestors": [CSP.NONE]}

# --- Operating: logs, readiness, metrics, error reports (README "Operating Coderr") ---------------------------
# console: readable lines (development); json: one JSON object per line (production). Both to stdout.
LOG_FORMAT = config("LOG_FORMAT", default="console")
LOG_LEVEL = config("LOG_LEVEL", default="WARNING")
# One `coderr.access` line per request (method, path, status, duration, user id, request id).
ACCESS_LOG = config("ACCESS_LOG", default=True, cast=bool)
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL, access_log=ACCESS_LOG)
# manage.py test: the same, without an access line per test request (core/runner.py).
TEST_RUNNER = "core.runner.CoderrTestRunner"

# /api/health/: seconds the media storage may take to answer (the database and cache have their own timeouts).
HEALTH_CHECK_TIMEOUT = config("HEALTH_CHECK_TIMEOUT", default=2.0, cast=float)

# /metrics answers a bearer token equal to METRICS_TOKEN or a client (TCP peer) in METRICS_ALLOWED_IPS (addresses
# or networks); everyone else gets 404. Under gunicorn, PROMETHEUS_MULTIPROC_DIR lets the workers share counts.
METRICS_TOKEN = config("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = config("METRICS_ALLOWED_IPS", default="", cast=Csv())
PROMETHEUS_MULTIPROC_DIR = config("PROMETHEUS_MULTIPROC_DIR", default="")
# prometheus-client reads the environment when it is imported (after the settings): give it the .env value too.
if PROMETHEUS_MULTIPROC_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = PROMETHEUS_MULTIPROC_DIR
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)
else:
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
# No X-Forwarded-Proto when Prometheus scrapes a server directly: answer it rather than redirect it to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^metrics$"]

# Error reports to Sentry, only when SENTRY_DSN is set; no personal data, no request bodies (core/observability).
SENTRY_DSN = config("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core.observability.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=config("SENTRY_ENVIRONMENT", default=""),
        release=config("SENTRY_RELEASE", default=""),
        traces_sample_rate=config("SENTRY_TRACES_SAMPLE_RATE", default=0.0, cast=float),
    )
