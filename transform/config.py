"""Settings read from the environment; SQLite under instance/ by default."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

#: The checkout: templates/, static/, migrations/ and instance/ sit here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


def _int_setting(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _origins(raw: str) -> tuple[str, ...]:
    """Comma-separated origins, each scheme://host[:port] exactly as a browser sends it."""
    origins = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest or origin == "*":
            raise ConfigError(
                f"CORS_ORIGINS lists origins like https://bi.example.com, got {origin!r}"
            )
    return origins


def _bool_setting(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'transform.db'}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError(
            "DATABASE_URL must be a sqlite:/// or postgresql:// URL, "
            f"got one starting {url.split(':', 1)[0]!r}"
        )
    return url


#: Where rate limits can be counted: each process's memory, or Redis (the client is
#: installed) shared by every worker and server.
RATE_LIMIT_STORES = (
    "memory://",
    "redis://",
    "rediss://",
    "redis+unix://",
    "redis+sentinel://",
    "redis+cluster://",
)


def _redis_url(default: str | None) -> str | None:
    url = os.environ.get("REDIS_URL", "").strip() or default
    if url and not url.startswith(("redis://", "rediss://")):
        raise ConfigError(
            "REDIS_URL must be a redis:// or rediss:// URL, "
            f"got one starting {url.split(':', 1)[0]!r}"
        )
    return url or None


def _rate_limit_storage_uri(default: str, redis_url: str | None) -> str:
    # With REDIS_URL every worker and host counts in one place unless told otherwise.
    uri = os.environ.get("RATELIMIT_STORAGE_URI", "").strip() or redis_url or default
    if not uri.startswith(RATE_LIMIT_STORES):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must be memory:// or a Redis URL (redis://host:6379), "
            f"got one starting {uri.split(':', 1)[0]!r}"
        )
    return uri


def _development_secret(instance_path: Path) -> str:
    """Generate a secret once and keep it under instance/, so sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _class_settings(cls: type) -> dict:
    """The upper-case attributes of `cls` and of every class it derives from."""
    settings = {}
    for klass in reversed(cls.__mro__):
        settings.update({k: v for k, v in vars(klass).items() if k.isupper()})
    return settings


class Config:
    """Production-leaning settings; `load()` fills in what depends on the environment."""

    TESTING = False
    ENV_NAME = "production"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    #: Requests per token (or per address without one) to /api/v1.
    API_RATE_LIMIT = "600 per minute"
    #: Redis shared by every web server and job worker: rate limits, the dashboard cache
    #: and the job queue live there. None keeps them in each process (the laptop).
    REDIS_URL: str | None = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: While Redis is down, count in the process rather than refuse every limited page.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Login and two-factor code posts per address.
    LOGIN_RATE_LIMIT = "20 per minute"
    #: Failed logins (passwords or codes) for one email within the window lock it out.
    LOGIN_LOCK_THRESHOLD = 5
    LOGIN_LOCK_WINDOW = timedelta(minutes=15)
    LOGIN_LOCK_DURATION = timedelta(minutes=15)
    #: Site administrators must enrol in two-factor login before using the app.
    REQUIRE_ADMIN_2FA = False
    #: How long a scored dashboard may be served after its data moved on (see
    #: adoption/dashboard_cache.py); 0 rescores on every change.
    DASHBOARD_MAX_STALENESS_SECONDS = 15
    #: Survey invitations: the sender, and how many messages a minute go to the server.
    MAIL_DEFAULT_SENDER = "transform <surveys@localhost>"
    MAIL_MESSAGES_PER_MINUTE = 120
    MAIL_TIMEOUT = 10
    #: Reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    #: (Werkzeug's ProxyFix); 0 trusts none.
    PROXY_COUNT = 0
    #: Origins whose browser scripts may call /api/v1 (CORS); empty keeps CORS closed.
    CORS_ORIGINS: tuple[str, ...] = ()
    #: Without REDIS_URL, webhook deliveries (and their retries) run in a thread of the
    #: web process (transform/webhooks_out.py).
    WEBHOOK_THREADS = True
    #: With REDIS_URL, a response import of this many rows or more is written by a job
    #: worker, not in the request (transform/wave_data/import_jobs.py).
    IMPORT_QUEUE_MIN_ROWS = 2000

    @classmethod
    def load(cls, instance_path: Path) -> dict:
        """Return the settings as a dict, raising ConfigError naming a bad setting."""
        env_name = os.environ.get("TRANSFORM_ENV", cls.ENV_NAME).strip().lower()
        if env_name not in {"production", "development"}:
            raise ConfigError(f"TRANSFORM_ENV must be production or development, got {env_name!r}")
        settings = _class_settings(cls)
        settings["ENV_NAME"] = env_name if cls is Config else cls.ENV_NAME
        settings["SQLALCHEMY_DATABASE_URI"] = _database_url(instance_path)
        settings["UPLOAD_MAX_BYTES"] = _int_setting("MAX_UPLOAD_MB", 20) * 1024 * 1024
        # A little headroom over the file limit lets the form say "too large" at the field.
        settings["MAX_CONTENT_LENGTH"] = settings["UPLOAD_MAX_BYTES"] + 1024 * 1024
        settings["UPLOAD_FOLDER"] = os.environ.get("UPLOAD_FOLDER", str(instance_path / "uploads"))
        settings["SESSION_ABSOLUTE_LIFETIME"] = timedelta(
            hours=_int_setting("SESSION_ABSOLUTE_HOURS", 12)
        )
        settings["SESSION_IDLE_LIFETIME"] = timedelta(
            minutes=_int_setting("SESSION_IDLE_MINUTES", 30)
        )
        secret = os.environ.get("SECRET_KEY", "").strip()
        if settings["ENV_NAME"] == "development":
            settings["SESSION_COOKIE_SECURE"] = _bool_setting("SESSION_COOKIE_SECURE", False)
            secret = secret or _development_secret(instance_path)
        else:
            settings["SESSION_COOKIE_SECURE"] = _bool_setting("SESSION_COOKIE_SECURE", True)
        if not secret and not settings.get("TESTING"):
            raise ConfigError(
                "SECRET_KEY is not set: production refuses to start without one "
                "(set TRANSFORM_ENV=development to use a generated key)"
            )
        if secret and len(secret) < 16:
            raise ConfigError("SECRET_KEY must be at least 16 characters long")
        settings["SECRET_KEY"] = secret
        settings["API_RATE_LIMIT"] = os.environ.get("API_RATE_LIMIT", cls.API_RATE_LIMIT)
        # memory:// counts in each worker process, so with 3 gunicorn workers an address
        # gets about 3 times each limit; redis://… (REDIS_URL by default) shares the counts.
        settings["REDIS_URL"] = _redis_url(cls.REDIS_URL)
        settings["RATELIMIT_STORAGE_URI"] = _rate_limit_storage_uri(
            cls.RATELIMIT_STORAGE_URI, settings["REDIS_URL"]
        )
        settings["LOGIN_RATE_LIMIT"] = os.environ.get("LOGIN_RATE_LIMIT", cls.LOGIN_RATE_LIMIT)
        settings["REQUIRE_ADMIN_2FA"] = _bool_setting("REQUIRE_ADMIN_2FA", cls.REQUIRE_ADMIN_2FA)
        settings["DASHBOARD_MAX_STALENESS_SECONDS"] = _int_setting(
            "DASHBOARD_MAX_STALENESS_SECONDS", cls.DASHBOARD_MAX_STALENESS_SECONDS, minimum=0
        )
        settings.update(_mail_settings(cls, instance_path))
        settings["PROXY_COUNT"] = _int_setting("PROXY_COUNT", cls.PROXY_COUNT, minimum=0)
        settings["IMPORT_QUEUE_MIN_ROWS"] = _int_setting(
            "IMPORT_QUEUE_MIN_ROWS", cls.IMPORT_QUEUE_MIN_ROWS
        )
        settings["CORS_ORIGINS"] = _origins(os.environ.get("CORS_ORIGINS", ""))
        return settings


def _mail_settings(cls: type, instance_path: Path) -> dict:
    """SMTP from MAIL_SERVER and friends; without MAIL_SERVER, the outbox folder."""
    server = os.environ.get("MAIL_SERVER", "").strip()
    settings = {
        "MAIL_OUTBOX": str(instance_path / "outbox"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", cls.MAIL_DEFAULT_SENDER),
        "MAIL_MESSAGES_PER_MINUTE": _int_setting(
            "MAIL_MESSAGES_PER_MINUTE", cls.MAIL_MESSAGES_PER_MINUTE
        ),
    }
    if not server:
        return settings | {"MAIL_BACKEND": "transform.mail.OutboxEmailBackend"}
    return settings | {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": server,
        "MAIL_PORT": _int_setting("MAIL_PORT", 587),
        "MAIL_USE_TLS": _bool_setting("MAIL_USE_TLS", True),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
    }


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    """Settings for the test suite: database from TEST_DATABASE_URL, fast hashing."""

    TESTING = True
    ENV_NAME = "test"
    SECRET_KEY = "test-secret-key-not-for-production"
    SESSION_COOKIE_SECURE = False
    PASSWORD_HASH_FAST = True
    #: Tests post forms directly; the csrf_enabled fixture switches it back on.
    WTF_CSRF_ENABLED = False
    #: High enough for schemathesis; a test of the limit lowers it.
    API_RATE_LIMIT = "100000 per minute"
    LOGIN_RATE_LIMIT = "100000 per minute"
    #: Without Redis, webhook deliveries wait in the database instead of starting a thread
    #: on the test's connection; tests/webhooks/ deliver them in the test's own thread.
    WEBHOOK_THREADS = False
    #: A test sees every change at once; tests/indices/test_dashboard_cache.py sets a window.
    DASHBOARD_MAX_STALENESS_SECONDS = 0

    @classmethod
    def load(cls, instance_path: Path) -> dict:
        settings = _class_settings(cls)
        settings["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
            "TEST_DATABASE_URL", "sqlite:///:memory:"
        )
        # Small enough that test bodies stay in memory in werkzeug's test client.
        settings["UPLOAD_MAX_BYTES"] = 256 * 1024
        settings["MAX_CONTENT_LENGTH"] = 384 * 1024
        settings["UPLOAD_FOLDER"] = str(instance_path / "test-uploads")
        settings["SESSION_ABSOLUTE_LIFETIME"] = timedelta(hours=12)
        settings["SESSION_IDLE_LIFETIME"] = timedelta(minutes=30)
        if cls.REDIS_URL and cls.RATELIMIT_STORAGE_URI == Config.RATELIMIT_STORAGE_URI:
            settings["RATELIMIT_STORAGE_URI"] = cls.REDIS_URL
        # Tests send to an SMTP server of their own (tests/invitations), else to memory.
        settings["MAIL_BACKEND"] = "locmem"
        settings["MAIL_OUTBOX"] = str(instance_path / "test-outbox")
        settings["MAIL_MESSAGES_PER_MINUTE"] = 0
        return settings
