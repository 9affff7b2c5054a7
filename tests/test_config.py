import os
import subprocess
import sys

import pytest

from transform import Config, ConfigError, DevelopmentConfig, create_app

SETTINGS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "TRANSFORM_ENV",
    "MAX_UPLOAD_MB",
    "RATELIMIT_STORAGE_URI",
    "REDIS_URL",
    "IMPORT_QUEUE_MIN_ROWS",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Config.load(tmp_path)


def test_production_uses_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-enough-production-secret")
    settings = Config.load(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = DevelopmentConfig.load(tmp_path)["SECRET_KEY"]
    second = DevelopmentConfig.load(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32
    assert first == second
    assert (tmp_path / "secret_key").read_text() == first


def test_default_database_is_sqlite_under_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-enough-production-secret")
    assert Config.load(tmp_path)["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'transform.db'}"
    )


def test_postgres_urls_use_psycopg3(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-enough-production-secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/transform")
    assert Config.load(tmp_path)["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u@db.example/transform"
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAX_UPLOAD_MB", "lots", "MAX_UPLOAD_MB must be a whole number"),
        ("MAX_UPLOAD_MB", "0", "MAX_UPLOAD_MB must be at least 1"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be a sqlite"),
        ("TRANSFORM_ENV", "staging", "TRANSFORM_ENV must be production or development"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 16 characters"),
        ("RATELIMIT_STORAGE_URI", "memroy://", "RATELIMIT_STORAGE_URI must be memory:// or"),
        ("RATELIMIT_STORAGE_URI", "memcached://cache:11211", "got one starting 'memcached'"),
        ("REDIS_URL", "cache.internal:6379", "REDIS_URL must be a redis:// or rediss:// URL"),
        ("IMPORT_QUEUE_MIN_ROWS", "0", "IMPORT_QUEUE_MIN_ROWS must be at least 1"),
    ],
)
def test_a_malformed_setting_is_named_at_start(tmp_path, monkeypatch, name, value, message):
    monkeypatch.setenv("SECRET_KEY", "a-long-enough-production-secret")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app()


def test_imports_queue_from_2000_rows_unless_told(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-enough-production-secret")
    assert Config.load(tmp_path)["IMPORT_QUEUE_MIN_ROWS"] == 2000
    monkeypatch.setenv("IMPORT_QUEUE_MIN_ROWS", "500")
    assert Config.load(tmp_path)["IMPORT_QUEUE_MIN_ROWS"] == 500


def test_rate_limits_count_in_each_process_unless_a_store_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-enough-production-secret")
    assert Config.load(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"


def test_redis_url_is_the_rate_limit_store_unless_one_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-enough-production-secret")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    assert Config.load(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/0"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://limits.internal:6379/1")
    assert Config.load(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://limits.internal:6379/1"


def test_a_redis_rate_limit_store_is_what_the_limiter_counts_in(tmp_path):
    """RATELIMIT_STORAGE_URI reaches Flask-Limiter, so every worker shares the counts.

    In a process of its own: the limiter is one per process, and the suite's app uses it.
    """
    environment = {
        **{k: v for k, v in os.environ.items() if k not in SETTINGS},
        "SECRET_KEY": "a-long-enough-production-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'transform.db'}",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "RATELIMIT_STORAGE_URI": "redis://cache.internal:6390/3",
    }
    script = (
        "from transform import create_app\n"
        "from transform.extensions import limiter\n"
        "create_app()\n"
        "print(type(limiter.storage).__name__, limiter.storage.storage.connection_pool"
        ".connection_kwargs)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "RedisStorage {'host': 'cache.internal', 'port': 6390, 'db': 3}"
    )
