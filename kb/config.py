"""Settings read from the environment (KB_ prefix)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "development-only-secret-key-change-me"
MIN_SECRET_BYTES = 32


class SettingsError(ValueError):
    """A setting is missing or unusable."""


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'kb.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    """SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db."""
    secret_key: str = DEV_SECRET
    """Signs session cookies; must be set outside development."""
    environment: str = "development"
    """development, test or production."""
    host: str = "127.0.0.1"
    """Address `serve` binds to."""
    port: int = 8000
    """Port `serve` listens on."""
    corpus_dir: Path = PROJECT_ROOT.parent / "shared" / "corpus"
    """Where the seeded sources' article texts are read from."""
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    """The curated seed files."""
    max_upload_bytes: int = 10 * 1024 * 1024
    """Largest article accepted by the ingest form."""
    workers: int = 1
    """Processes `serve` starts; they share the database, sessions and login throttle."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks of reverse proxies whose X-Forwarded-For names the real client."""
    session_idle_hours: float = 12
    """A session unused this long ends."""
    session_max_days: float = 14
    """A session ends this long after login, used or not."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_development(self) -> bool:
        return self.environment in ("development", "test")

    def check(self) -> "Settings":
        """Refuse settings that would be unsafe or cannot work."""
        if not self.is_development and self.secret_key == DEV_SECRET:
            raise SettingsError("KB_SECRET_KEY must be set when KB_ENV is not development or test")
        if not self.is_development and len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(f"KB_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes outside development "
                                f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
        if self.environment not in ("development", "test", "production"):
            raise SettingsError(f"KB_ENV must be development, test or production, not {self.environment!r}")
        if self.workers < 1:
            raise SettingsError("KB_WORKERS must be at least 1")
        if self.session_idle_hours <= 0 or self.session_max_days <= 0:
            raise SettingsError("KB_SESSION_IDLE_HOURS and KB_SESSION_MAX_DAYS must be positive")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise SettingsError(f"KB_TRUSTED_PROXIES: {proxy!r} is not an address or network") from None
        scheme = self.database_url.split(":", 1)[0]
        if scheme not in ("sqlite", "postgresql", "postgresql+psycopg"):
            raise SettingsError(
                f"KB_DATABASE_URL must be an sqlite:/// or postgresql+psycopg:// URL, not {scheme!r}"
            )
        return self


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    """Build settings from KB_* variables, with safe local defaults."""
    env = os.environ if env is None else env
    values: dict = {}
    if env.get("KB_DATABASE_URL"):
        url = env["KB_DATABASE_URL"]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        values["database_url"] = url
    if env.get("KB_SECRET_KEY"):
        values["secret_key"] = env["KB_SECRET_KEY"]
    if env.get("KB_ENV"):
        values["environment"] = env["KB_ENV"]
    if env.get("KB_HOST"):
        values["host"] = env["KB_HOST"]
    if env.get("KB_PORT"):
        try:
            values["port"] = int(env["KB_PORT"])
        except ValueError:
            raise SettingsError(f"KB_PORT must be a number, not {env['KB_PORT']!r}") from None
    for name, key, kind in (("KB_WORKERS", "workers", int), ("KB_SESSION_IDLE_HOURS", "session_idle_hours", float),
                            ("KB_SESSION_MAX_DAYS", "session_max_days", float)):
        if env.get(name):
            try:
                values[key] = kind(env[name])
            except ValueError:
                raise SettingsError(f"{name} must be a number, not {env[name]!r}") from None
    if env.get("KB_TRUSTED_PROXIES"):
        values["trusted_proxies"] = tuple(p.strip() for p in env["KB_TRUSTED_PROXIES"].split(",") if p.strip())
    if env.get("KB_CORPUS_DIR"):
        values["corpus_dir"] = Path(env["KB_CORPUS_DIR"])
    return Settings(**values).check()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return settings_from_env()
