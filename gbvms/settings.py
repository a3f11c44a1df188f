"""GBVMS settings: one module, configured by environment variables (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gbvms.envconf import (
    dev_keys,
    env_bool,
    env_date,
    env_int,
    env_list,
    env_mandatory,
    env_networks,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("GBVMS_DEBUG", default=False)

if DEBUG:
    _dev = dev_keys(Path(env_str("GBVMS_DEV_KEYS_FILE", str(BASE_DIR / ".dev-keys.json"))))
    SECRET_KEY = env_str("GBVMS_SECRET_KEY") or _dev["secret_key"]
    FIELD_KEYS = env_list("GBVMS_FIELD_KEYS") or [_dev["field_keys"]]
    BLIND_INDEX_KEY = env_str("GBVMS_BLIND_INDEX_KEY") or _dev["blind_index_key"]
else:
    SECRET_KEY = env_mandatory("GBVMS_SECRET_KEY")
    FIELD_KEYS = env_list("GBVMS_FIELD_KEYS") or [env_mandatory("GBVMS_FIELD_KEYS")]
    # Unset: derived from the secret key (so rotating the field keys never changes the index).
    BLIND_INDEX_KEY = env_str("GBVMS_BLIND_INDEX_KEY") or "derived-from-secret-key:" + SECRET_KEY

ALLOWED_HOSTS = env_list(
    "GBVMS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("GBVMS_CSRF_TRUSTED_ORIGINS")

# Demo data (the load_demo command) is refused unless this is on; on by default only in debug.
DEMO_ALLOWED = env_bool("GBVMS_DEMO_ALLOWED", default=DEBUG)
DEMO_PASSWORD = env_str("GBVMS_DEMO_PASSWORD", "gbvms-demo-2026")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "django_htmx",
    "template_partials",
    "gbvms.core",
    "gbvms.geo",
    "gbvms.orgs",
    "gbvms.cases",
    "gbvms.plans",
    "gbvms.referrals",
    "gbvms.programme",
    "gbvms.indicators",
    "gbvms.reports",
    "gbvms.api",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "gbvms.core.metrics.RequestLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "gbvms.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gbvms.core.inputs.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gbvms.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gbvms.core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gbvms.urls"
WSGI_APPLICATION = "gbvms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gbvms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gbvms.core.context_processors.gbvms",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("GBVMS_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing with "database is locked": every
    # transaction takes the write lock when it begins (BEGIN IMMEDIATE; a deferred one that
    # read first cannot wait when it later writes), and waits up to 20 s (busy timeout) for it.
    # WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Lockout (django-axes): per account OR per IP address, whichever reaches the limit first.
AXES_FAILURE_LIMIT = env_int("GBVMS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("GBVMS_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "gbvms.core.views_auth.lockout_response"
# The client's address (lockout, rate limits, access log) is read by one function; behind a
# reverse proxy, list the proxy's address(es) here so X-Forwarded-For is believed from it only.
AXES_CLIENT_IP_CALLABLE = "gbvms.core.clientip.client_ip"
TRUSTED_PROXIES = env_networks("GBVMS_TRUSTED_PROXIES")
if env_str("GBVMS_PROXY_COUNT").strip() not in ("", "0"):
    raise ImproperlyConfigured(
        "GBVMS_PROXY_COUNT is replaced by GBVMS_TRUSTED_PROXIES (the reverse proxy's addresses "
        "or networks); see docs/configuration.md"
    )

# Second factor: TOTP available to everyone, enforced for these roles.
OTP_TOTP_ISSUER = "GBVMS"
SECOND_FACTOR_REQUIRED_ROLES = env_list("GBVMS_2FA_REQUIRED_ROLES", ["administrator"])

# Sessions expire after this many idle minutes (cookie age renewed on every request).
SESSION_IDLE_MINUTES = env_int("GBVMS_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "gbvms" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("GBVMS_TESTING")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("GBVMS_TESTING")

# Security headers. The CSP allows no inline script or style; HTMX runs with eval off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("GBVMS_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("GBVMS_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("GBVMS_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Case management: "supported in time" threshold, and whether only supervisors close cases.
SUPPORT_IN_TIME_HOURS = env_int("GBVMS_SUPPORT_IN_TIME_HOURS", 24)
CASE_CLOSURE_NEEDS_SUPERVISOR = env_bool("GBVMS_CASE_CLOSURE_NEEDS_SUPERVISOR", default=True)
# What a case needs before it is closed (comma-separated): "classified" (a GBV type is
# recorded) and "service_or_reason" (a service delivered, a need declined, or a closure reason
# that explains why there was none: no contact, the survivor's request, moved away, ...).
CASE_CLOSURE_CHECKLIST = env_list(
    "GBVMS_CASE_CLOSURE_CHECKLIST", ["classified", "service_or_reason"]
)
# Times of case records: nothing dated before this day (detection, incident), and nothing
# "already done" later than now plus this clock skew (services, measures, interventions).
EARLIEST_DATE = env_date("GBVMS_EARLIEST_DATE", "2000-01-01")
CLOCK_SKEW_MINUTES = env_int("GBVMS_CLOCK_SKEW_MINUTES", 5)
# Referrals: hours the receiving provider has to accept or decline, by urgency.
REFERRAL_RESPONSE_HOURS = {
    "emergency": env_int("GBVMS_REFERRAL_EMERGENCY_HOURS", 1),
    "urgent": env_int("GBVMS_REFERRAL_URGENT_HOURS", 24),
    "routine": env_int("GBVMS_REFERRAL_ROUTINE_HOURS", 72),
}
# Days after a referral is completed during which the provider still sees the survivor's
# identity (access also ends at once when the consent is withdrawn or expires, or the case is
# closed; see gbvms/referrals/access.py).
REFERRAL_ACCESS_DAYS = env_int("GBVMS_REFERRAL_ACCESS_DAYS", 30)
# Notifications: SMS sender (the console backend logs instead of sending) and the link base.
SMS_BACKEND = env_str("GBVMS_SMS_BACKEND", "gbvms.referrals.notify.ConsoleSMSBackend")
SITE_URL = env_str("GBVMS_SITE_URL", "").rstrip("/")
# Where the public site's quick-exit button goes (a neutral page).
QUICK_EXIT_URL = env_str("GBVMS_QUICK_EXIT_URL", "https://www.google.com/search?q=thoi+tiet")
# Public help requests: per client, at most this many per hour; status checks per tracking code.
PUBLIC_REQUESTS_PER_HOUR = env_int("GBVMS_PUBLIC_REQUESTS_PER_HOUR", 5)
PUBLIC_STATUS_CHECKS_PER_HOUR = env_int("GBVMS_PUBLIC_STATUS_CHECKS_PER_HOUR", 10)
# Reminders of plan deadlines: this many days before each due date (comma-separated).
PLAN_REMINDER_DAYS = [int(d) for d in env_list("GBVMS_PLAN_REMINDER_DAYS", ["14", "3"])]

# Uploads (gbvms/core/uploads.py): a plan document's size; what a DOCX/XLSX may unpack to
# (declared sizes, read before any parser opens the file); the text kept from any source.
UPLOAD_MAX_BYTES = env_int("GBVMS_UPLOAD_MAX_MB", 20) * 1024 * 1024
UPLOAD_MAX_UNPACKED_BYTES = env_int("GBVMS_UPLOAD_MAX_UNPACKED_MB", 50) * 1024 * 1024
UPLOAD_MAX_RATIO = env_int("GBVMS_UPLOAD_MAX_RATIO", 100)
UPLOAD_MAX_MEMBERS = env_int("GBVMS_UPLOAD_MAX_MEMBERS", 1000)
# evidence files of programme records: encrypted with the field keys, outside the web root
FILES_DIR = Path(env_str("GBVMS_FILES_DIR", str(BASE_DIR / "var" / "files")))
EVIDENCE_MAX_MB = env_int("GBVMS_EVIDENCE_MAX_MB", 10)
TEXT_MAX_CHARS = env_int("GBVMS_TEXT_MAX_CHARS", 2_000_000)
# A pasted text of TEXT_MAX_CHARS characters (3 bytes each at most in UTF-8) fits in a request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * TEXT_MAX_CHARS + 1024 * 1024
# The service directory import (CSV/XLSX): file size and data rows.
DIRECTORY_IMPORT_MAX_BYTES = env_int("GBVMS_DIRECTORY_IMPORT_MAX_MB", 5) * 1024 * 1024
DIRECTORY_IMPORT_MAX_ROWS = env_int("GBVMS_DIRECTORY_IMPORT_MAX_ROWS", 5000)

# Aggregates shown outside case work suppress cells below this count.
SMALL_CELL_THRESHOLD = env_int("GBVMS_SMALL_CELL_THRESHOLD", 5)
# DHIS2 server that `manage.py push_dhis2` sends to (docs/dhis2.md): its base URL, and either a
# username and password or a personal access token; the request timeout in seconds.
DHIS2_URL = env_str("GBVMS_DHIS2_URL")
DHIS2_USERNAME = env_str("GBVMS_DHIS2_USERNAME")
DHIS2_PASSWORD = env_str("GBVMS_DHIS2_PASSWORD")
DHIS2_TOKEN = env_str("GBVMS_DHIS2_TOKEN")
DHIS2_TIMEOUT = env_int("GBVMS_DHIS2_TIMEOUT", 60)

# Background work (indicator recomputation): django-tasks with its database backend; run the
# worker with `manage.py db_worker` (make run starts one). See docs/indicators.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Dirty keys the worker handles per task run, and the age of the oldest pending change after
# which pages say the figures are behind.
INDICATOR_BATCH = env_int("GBVMS_INDICATOR_BATCH", 500)
INDICATOR_STALE_SECONDS = env_int("GBVMS_INDICATOR_STALE_SECONDS", 60)

# Backups (manage.py backup/restore; docs/backup.md) and /metrics (docs/operations.md).
BACKUP_KEY = env_str("GBVMS_BACKUP_KEY")
METRICS_TOKEN = env_str("GBVMS_METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_networks("GBVMS_METRICS_ALLOWED_IPS")

EMAIL_BACKEND = env_str("GBVMS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("GBVMS_FROM_EMAIL", "gbvms@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GBVMS_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies and query strings are never logged; axes logs usernames, so quiet it.
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

NINJA_PAGINATION_MAX_LIMIT = 500
