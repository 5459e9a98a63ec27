"""Django settings for Schoolgate, read from environment variables with safe defaults.

- SCHOOLGATE_DATA_DIR: where the SQLite database, uploads and the generated secret key live
  (default: `data/` in the checkout for a source install, else ~/.local/share/schoolgate).
- DATABASE_URL: e.g. postgres://user:pass@host/db for production; SQLite in the data directory otherwise.
- SECRET_KEY: generated on first run and stored (mode 600) in the data directory when not given
  (by `schoolgate.datadir.prepare()`, which the entry points call: importing the settings writes nothing).
- DEBUG: off unless set to 1/true.
- ALLOWED_HOSTS: comma-separated; defaults to the loopback names.
- EMAIL_BACKEND / EMAIL_HOST / DEFAULT_FROM_EMAIL: console e-mail by default (nothing leaves the server);
  EMAIL_HOST alone turns SMTP on, with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/SSL.
- SCHOOLGATE_HTTPS: 1 when served behind HTTPS (HSTS, Secure cookies, redirect to https, X-Forwarded-Proto).
- SESSION_IDLE_MINUTES / SESSION_MAX_HOURS: timeouts for an account with no school (each school sets its own);
  REAUTH_SECONDS: how long "confirm it's you" lasts before exports and the audit log (300).
- RATE_LIMIT_COMMENTS / _CONCERNS / _LIVE_CHECK / _REMINDERS: uses per user per window (see RATE_LIMITS).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from schoolgate import datadir

PACKAGE_DIR = Path(__file__).resolve().parent


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = datadir.data_dir()

# The entry points (`schoolgate ...`, wsgi.py) run `datadir.prepare()` first, so the key file exists
# there. A process that imports the settings without them (the test suite) gets a key of its own.
SECRET_KEY = os.environ.get("SECRET_KEY") or datadir.read_secret_key() or secrets.token_urlsafe(50)
DEBUG = _truthy(os.environ.get("DEBUG"))
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: `schoolgate runserver` (Django's development server) leaves static files to WhiteNoise,
    # as `schoolgate serve` does, instead of Django's own static handler, which answers a 500 to an encoded '..'.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    # Two-factor log-in for staff (schoolgate/schools/two_factor.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "schoolgate.audit",
    "schoolgate.schools",
    "schoolgate.policies",
    "schoolgate.consent",
    "schoolgate.channel",
    "schoolgate.cases",
    "schoolgate.chats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "schoolgate.middleware.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Log-in security (issue 13): idle and absolute timeouts, then the second factor before any page.
    "schoolgate.schools.reauth.SessionTimeoutMiddleware",
    "schoolgate.schools.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "schoolgate.urls"
WSGI_APPLICATION = "schoolgate.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schoolgate.schools.context.school_context",
            ],
        },
    },
]

# Persistent connections: each web server thread keeps its database connection for up to 10 minutes rather
# than opening one per request (on PostgreSQL a new connection is a new server process). The health check
# (one cheap round trip on a connection's first use in a request) replaces a connection the database closed
# meanwhile (a restart, a failover, an idle timeout) instead of failing that request with a server error.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'schoolgate.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while the background worker writes; a busy timeout instead of
    # "database is locked" errors under short write bursts.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed log-ins allowed per account and per address before a cool-down.
LOGIN_THROTTLE_ATTEMPTS = int(os.environ.get("LOGIN_THROTTLE_ATTEMPTS", "5"))
LOGIN_THROTTLE_SECONDS = int(os.environ.get("LOGIN_THROTTLE_SECONDS", "900"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"  # created by datadir.prepare(); WhiteNoise serves from the package
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic step for a school's IT person
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Console e-mail by default: nothing leaves the school's server until an SMTP relay is configured
# (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, or EMAIL_HOST alone). The relay's log-in and
# encryption come from the environment as Django 6.1's MAILERS OPTIONS: EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS (STARTTLS, port 587 by default) or EMAIL_USE_SSL (port 465 by default), EMAIL_TIMEOUT.
_email_backend = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("EMAIL_HOST") else "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {"default": {"BACKEND": _email_backend}}
if _email_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ["EMAIL_PORT"]) if os.environ.get("EMAIL_PORT") else None,  # None: 25, 587 or 465
        "username": os.environ.get("EMAIL_HOST_USER") or None,
        "password": os.environ.get("EMAIL_HOST_PASSWORD") or None,
        "use_tls": _truthy(os.environ.get("EMAIL_USE_TLS")),
        "use_ssl": _truthy(os.environ.get("EMAIL_USE_SSL")),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "schoolgate@localhost")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "schoolgate_cache",
    }
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Tasks queued per chat scan: that many task workers can scan one long chat's batches at once (chats/scans.py).
SCHOOLGATE_SCAN_LANES = int(os.environ.get("SCHOOLGATE_SCAN_LANES", "2"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# -- Security (issue 13, first slice) ------------------------------------------------------------------------
# Files: uploads (evidence, chat originals, letters) readable by the server's own account only. The entry
# points' datadir.prepare() also sets the process umask to 077, so the database and keys are made 0600 too.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# The header a trusted reverse proxy puts the client's address in (e.g. X-Real-IP, or X-Forwarded-For, whose
# last entry is used). Unset: REMOTE_ADDR. Only set it behind a proxy that always sets the header itself.
SCHOOLGATE_TRUSTED_PROXY_HEADER = os.environ.get("SCHOOLGATE_TRUSTED_PROXY_HEADER", "").strip()
# Log-in throttling (schoolgate/accounts.py): failures from one address across accounts before it is slowed,
# and the slow-down's first and longest turn once an account (or an address) is over its limit.
LOGIN_THROTTLE_ADDRESS_ATTEMPTS = int(os.environ.get("LOGIN_THROTTLE_ADDRESS_ATTEMPTS", "30"))
LOGIN_SLOWDOWN_SECONDS = int(os.environ.get("LOGIN_SLOWDOWN_SECONDS", "5"))
LOGIN_SLOWDOWN_MAX_SECONDS = int(os.environ.get("LOGIN_SLOWDOWN_MAX_SECONDS", "120"))
# Password reset requests per client address and per e-mail address typed, in a window.
PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT", "3"))
PASSWORD_RESET_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_WINDOW_SECONDS", "3600"))
# Sessions (schoolgate/schools/reauth.py): each school sets its idle and absolute timeouts; these are the
# defaults for an account with no school. The cookie never outlives the longest a school may choose (24 hours).
# Before exports, the audit log and revealing a chat participant, the password (and code) must have been
# given within REAUTH_SECONDS.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = 24 * 3600
REAUTH_SECONDS = int(os.environ.get("REAUTH_SECONDS", "300"))
OTP_TOTP_ISSUER = "Schoolgate"
# Per-user limits: (uses, seconds, what the page calls it). A parent commenting, a school office replying to
# concerns, the live check as someone types (one check per pause of 400 ms) and reminders to every parent.
RATE_LIMITS = {
    "comments": (int(os.environ.get("RATE_LIMIT_COMMENTS", "20")), 3600, "comments",
                 "The comment you just wrote was not sent: keep a copy if you want to send it later."),
    "concerns": (int(os.environ.get("RATE_LIMIT_CONCERNS", "10")), 3600, "messages",
                 "The message you just wrote was not sent: keep a copy. If a child is in danger, phone the school or call 999."),
    "live_check": (int(os.environ.get("RATE_LIMIT_LIVE_CHECK", "120")), 600, "checks of what you are writing",
                   "You can still send your comment: the school reads every comment before it appears."),
    "reminders": (int(os.environ.get("RATE_LIMIT_REMINDERS", "10")), 24 * 3600, "policy reminders",
                  "No reminder was sent this time."),
}
# The throttles live in the database cache: Django's default of 300 entries would let a flood of attempts
# cull the counts it is meant to keep.
CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 200_000
# Console e-mail prints messages with their password links removed; the whole e-mail goes to this file,
# created mode 0600 (schoolgate.accounts.RedactingConsoleBackend).
CONSOLE_MAIL_FILE = Path(os.environ.get("CONSOLE_MAIL_FILE") or DATA_DIR / "outbox.eml.txt")
if MAILERS["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    MAILERS["default"]["BACKEND"] = "schoolgate.accounts.RedactingConsoleBackend"
# The audit chain's HMAC key: AUDIT_KEY, or the file datadir.prepare() creates (mode 0600) in the data
# directory. Never in the database: someone who can write the database must not be able to re-key the chain.
AUDIT_KEY = os.environ.get("AUDIT_KEY") or datadir.read_audit_key() or secrets.token_urlsafe(32)
# Where `schoolgate daily` appends the audit log's head and count, outside the data directory (so a copy
# of the data directory, or someone who can rewrite it, does not carry the anchor along). Back it up apart.
AUDIT_ANCHOR_FILE = Path(os.environ.get("AUDIT_ANCHOR_FILE") or DATA_DIR.parent / f"{DATA_DIR.name}-audit-anchor")

# -- Served behind HTTPS (issue 13 item 5) ---------------------------------------------------------------------
# SCHOOLGATE_HTTPS=1: the site is only ever reached over HTTPS, through a reverse proxy that ends TLS and sets
# X-Forwarded-Proto itself (replacing whatever a client sent). Then: HSTS for a year on the host and its
# subdomains (preload only when asked: it is hard to undo and binds the whole domain), session and CSRF cookies
# sent over HTTPS only, plain-HTTP requests redirected, and the forwarded protocol trusted, so links built
# from a request (password resets, invitations) are https:// and CSRF's origin check sees https.
SCHOOLGATE_HTTPS = _truthy(os.environ.get("SCHOOLGATE_HTTPS"))
if SCHOOLGATE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SCHOOLGATE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _truthy(os.environ.get("SCHOOLGATE_HSTS_PRELOAD"))
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # preload is a deliberate choice, off by default (see above)
# SECURE_COOKIES=1, the older (undocumented) switch for Secure cookies alone, still gives them, so an upgrade
# never loosens a running server's cookies; SCHOOLGATE_HTTPS=1 is the setting to use.
SESSION_COOKIE_SECURE = SCHOOLGATE_HTTPS or _truthy(os.environ.get("SECURE_COOKIES"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Content-Security-Policy on every response (Django's own middleware): scripts, styles, images, fonts and
# requests from this site only, and nothing inline. Every script and stylesheet is a static file; an inline
# style attribute, <style> block, <script> block or on*= handler is refused by the browser, so an injected one
# does nothing. The one inline block allowed, by its hash, is the indicator style htmx adds to <head> on load
# (HTMX_INDICATOR_STYLE; tests/security/test_csp.py checks it against the vendored htmx). Pages are never
# framed, never post forms elsewhere, and load no plugins.
HTMX_INDICATOR_STYLE_HASH = "'sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk='"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, HTMX_INDICATOR_STYLE_HASH],
    # data: for the photo check's preview of the blurred photo, drawn for the one member of staff and never
    # stored before they confirm (channel.views._preview). An image cannot run script.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Browser features no page of Schoolgate uses, turned off for every page (schoolgate.middleware). Pages are
# never framed (X_FRAME_OPTIONS above; CSP's frame-ancestors comes with the Content-Security-Policy).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=()"
)

# `schoolgate daily` writes a backup here (schoolgate-YYYYMMDDTHHMMSSZ.tar.gz, without the keys); unset: none.
SCHOOLGATE_BACKUP_DIR = os.environ.get("SCHOOLGATE_BACKUP_DIR") or None
SCHOOLGATE_BACKUP_KEEP = int(os.environ.get("SCHOOLGATE_BACKUP_KEEP", "7"))
