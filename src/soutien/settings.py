"""One settings module, configured by environment variables.

DATABASE_URL      sqlite:///path or postgres://user@host:port/name (default: SQLite in var/)
DJANGO_DEBUG      1 only when asked for (`make run` does); off by default
DJANGO_SECRET_KEY the signing key; unset: one generated once in var/secret_key
                  (DJANGO_DEBUG=1 without it: a fixed development key)
DJANGO_ALLOWED_HOSTS  comma-separated (default: localhost names; tests add testserver)
SOUTIEN_ALLOWED_PORTS comma-separated ports a Host header may name (default: the site
                  address's port); production settings: README.md « Production »
SOUTIEN_PROGRAM_DATE  ISO date (2019-10-15) that pins the program's date for a demonstration
                  (unset in production: the real clock; see soutien.core.clock)
"""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
_checkout = PACKAGE_DIR.parents[1]
# The project folder when run from a checkout (src/ layout), else the working directory.
PROJECT_DIR = _checkout if (_checkout / "pyproject.toml").exists() else Path.cwd()
VAR_DIR = Path(os.environ.get("SOUTIEN_VAR_DIR", PROJECT_DIR / "var"))

# --- Safe defaults (issue 10) -----------------------------------------------------------
# DEBUG only when asked for: `make run` sets DJANGO_DEBUG=1; anything else runs as production.
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"


def _generated_secret_key(path: Path) -> str:
    """A key made once for this installation and kept beside its data (never in the code)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic: two processes starting together keep one key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = (
        "dev-only-insecure-key-soutien-mission"
        if DEBUG
        else _generated_secret_key(VAR_DIR / "secret_key")
    )
# `testserver` is not a host outside tests: Django's test set-up adds it.
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
# --- end of safe defaults ---------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "soutien.core",
    "soutien.accounts",
    "soutien.organizations",
    "soutien.applications",
    # The stages, in the order of the life cycle (each imports only those before it) ...
    "soutien.evaluations",
    "soutien.budget",
    "soutien.agreements",
    "soutien.payments",
    "soutien.accountability",
    # the retention schedule and persons' rights: they read every stage (clause 7)
    "soutien.privacy",
    # ... and the two faces, which import the stages.
    "soutien.portal",
    "soutien.workspace",
]

# Email is the login identifier; roles and organization memberships (issue 3).
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): the throttle backend comes first; it refuses any attempt for
# an email address that failed too often from the same address, then Django's backend
# authenticates.
AUTHENTICATION_BACKENDS = [
    "soutien.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SOUTIEN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SOUTIEN_LOGIN_COOLOFF_MINUTES", "15")))
# Lock the pair (email, IP address): an attacker cannot lock a person out from everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_USERNAME_CALLABLE = "soutien.accounts.backends.attempted_email"
AXES_VERBOSE = False

# The program clock (soutien.core.clock): a demonstration pins the program's date, e.g.
# SOUTIEN_PROGRAM_DATE=2019-10-15 (`make run`); today() is that date and now() that date at the
# real time of day in America/Montreal. Unset (production): the real clock. Sessions, login
# throttling and the signed links below always keep the real time.
try:
    SOUTIEN_PROGRAM_DATE = (
        date.fromisoformat(os.environ["SOUTIEN_PROGRAM_DATE"].strip())
        if os.environ.get("SOUTIEN_PROGRAM_DATE", "").strip()
        else None
    )
except ValueError:
    raise ImproperlyConfigured(
        "SOUTIEN_PROGRAM_DATE doit être une date AAAA-MM-JJ, par exemple 2019-10-15."
    ) from None

# Signed links sent by email: email confirmation and colleague invitations (seconds).
ACCOUNT_CONFIRMATION_MAX_AGE = 3 * 24 * 3600
INVITATION_MAX_AGE = 14 * 24 * 3600
PASSWORD_RESET_TIMEOUT = 24 * 3600

# The privacy officer's address, shown in the privacy notice and page (Loi 25).
PRIVACY_CONTACT_EMAIL = os.environ.get(
    "SOUTIEN_PRIVACY_CONTACT_EMAIL", "confidentialite@soutien-mission.example"
)

MIDDLEWARE = [
    # Safe defaults (issue 10): a Host whose port is not the site's is refused first.
    "soutien.core.headers.HostPortMiddleware",
    # Then an oversized request body, before anything reads it (issue 10).
    "soutien.core.limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "soutien.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "soutien.core.middleware.AdminListErrorsMiddleware",
    # Last: turns a locked-out login attempt into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "soutien.urls"
WSGI_APPLICATION = "soutien.wsgi.application"

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
                "soutien.core.context_processors.program_clock",
                "soutien.core.context_processors.staff_reads",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'soutien.sqlite3'}",
        # Persistent connections, checked before each request reuses them (issue 11): a new
        # connection per request cost more than the page itself. 0 opens one per request.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL;", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Passwords (issue 10): the name written together (« JeanTremblay ») and the demo's
    # published password are refused too.
    {"NAME": "soutien.accounts.validators.FullNameSimilarityValidator"},
    {"NAME": "soutien.accounts.validators.DemoPasswordValidator"},
]

LANGUAGE_CODE = "fr-ca"
# Django's fr_CA time format prints « 16 04 36 »: the site's own formats say « 16 h 04 ».
FORMAT_MODULE_PATH = ["soutien.core.formats"]
LANGUAGES = [("fr-ca", "Français")]
TIME_ZONE = "America/Montreal"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # `soutien-mission collectstatic` fills it for production
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True  # also serve the apps' static files before collectstatic

# Documents: outside any public URL, served only by a view that checks access (no MEDIA_URL).
DOCUMENTS_ROOT = Path(os.environ.get("SOUTIEN_DOCUMENTS_ROOT", VAR_DIR / "documents"))
DOCUMENT_MAX_BYTES = int(os.environ.get("SOUTIEN_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))
# Requests for correction or information (5.1): answer expected within this many days by default.
CORRECTION_DEFAULT_DAYS = int(os.environ.get("SOUTIEN_CORRECTION_DEFAULT_DAYS", "15"))
# The yearly report (clause 8): reminders at these days from the due date (negative: before),
# each sent once; a report this many days late is proposed for a non-compliance case (5.5);
# a claim for the program's funds left unused at the agreement's end is due this many days
# after the report that declares them is accepted (clause 7).
REPORT_REMINDER_OFFSETS = tuple(
    int(days)
    for days in os.environ.get("SOUTIEN_REPORT_REMINDER_OFFSETS", "-30,-7,0,7,30").split(",")
    if days.strip()
)
REPORT_LATE_CASE_DAYS = int(os.environ.get("SOUTIEN_REPORT_LATE_CASE_DAYS", "60"))
UNUSED_FUNDS_CLAIM_DAYS = int(os.environ.get("SOUTIEN_UNUSED_FUNDS_CLAIM_DAYS", "30"))
# Retention of what clause 7 does not govern (Loi sur l'accès, art. 73: destroyed once its
# purpose is served): a colleague's invitation (its address) and the accounts of the persons
# who represented organizations whose last dossier is closed (`soutien.rules.retention`).
PRIVACY_INVITATION_RETENTION_DAYS = int(
    os.environ.get("SOUTIEN_PRIVACY_INVITATION_RETENTION_DAYS", "365")
)
PRIVACY_ACCOUNT_RETENTION_YEARS = int(
    os.environ.get("SOUTIEN_PRIVACY_ACCOUNT_RETENTION_YEARS", "6")
)
# A person's access or correction request is answered within 20 days, 30 with notice
# (Loi sur l'accès, art. 98).
PRIVACY_REQUEST_DAYS = int(os.environ.get("SOUTIEN_PRIVACY_REQUEST_DAYS", "20"))
# Milliseconds the retention worker waits between two items: spreads a large run's disk work.
RETENTION_THROTTLE_MS = int(os.environ.get("SOUTIEN_RETENTION_THROTTLE_MS", "0"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Uploads (issue 10). Office and OpenDocument files (zips) are decompressed within these
# limits before they are kept (`core.files.check_archive`): entries, expanded bytes, and the
# ratio of expanded to deposited size (checked beyond 1 Mo expanded).
ZIP_MAX_ENTRIES = int(os.environ.get("SOUTIEN_ZIP_MAX_ENTRIES", "1000"))
ZIP_MAX_EXPANDED_BYTES = int(
    os.environ.get("SOUTIEN_ZIP_MAX_EXPANDED_BYTES", str(100 * 1024 * 1024))
)
ZIP_MAX_RATIO = int(os.environ.get("SOUTIEN_ZIP_MAX_RATIO", "100"))
# A request body beyond this is refused (413) before it is read (`core.limits`): the most
# documents one form takes (the nine of clause 5.1), each at the document limit, plus a margin
# for the other fields and the multipart framing.
REQUEST_MAX_DOCUMENTS = int(os.environ.get("SOUTIEN_REQUEST_MAX_DOCUMENTS", "9"))
REQUEST_BODY_MARGIN_BYTES = int(
    os.environ.get("SOUTIEN_REQUEST_BODY_MARGIN_BYTES", str(1024 * 1024))
)
REQUEST_MAX_BYTES = DOCUMENT_MAX_BYTES * REQUEST_MAX_DOCUMENTS + REQUEST_BODY_MARGIN_BYTES
# Files in the documents folder that no row names are removed by
# `soutien-mission documents orphans --delete` once older than this (an upload in progress
# has written its file but not yet committed its row).
DOCUMENTS_ORPHAN_GRACE_HOURS = int(os.environ.get("SOUTIEN_DOCUMENTS_ORPHAN_GRACE_HOURS", "24"))

# Audit trail: the history is read-only in the back office (no revert).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Links in emails sent outside a request (acknowledgments, the ministry's notices).
SITE_URL = os.environ.get("SOUTIEN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Soutien à la mission <ne-pas-repondre@soutien-mission.invalid>"
)
# Background work (django-tasks): tasks are rows of the database, run by
# `soutien-mission db_worker` (started by `make run`; more workers: docs/operations.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SMTP by settings: DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "0") == "1"


# --- Production (issue 10): every setting below is documented in README.md « Production » ---
def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0") == "1"


# Cookies only over HTTPS unless debugging (DJANGO_SECURE_COOKIES=0 for plain HTTP).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _flag("DJANGO_SECURE_HSTS_PRELOAD", False)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto.
if _flag("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Ports a Host header may name (Django's ALLOWED_HOSTS ignores the port): the site
# address's own port by default (soutien.core.headers.HostPortMiddleware).
SOUTIEN_ALLOWED_PORTS = [
    p.strip() for p in os.environ.get("SOUTIEN_ALLOWED_PORTS", "").split(",") if p.strip()
]
# Content-Security-Policy: no inline script, no inline style (pages have none; the PDF
# templates' <style> is read by the PDF renderer, never by a browser).
SOUTIEN_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SOUTIEN_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
CSRF_FAILURE_VIEW = "soutien.core.errors.csrf_failure"
# --- end of production --------------------------------------------------------------------
