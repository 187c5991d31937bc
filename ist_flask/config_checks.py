"""What create_app does with a loaded configuration (config.py's defaults,
then IST_ variables or the tests' mapping): it refuses settings that keep the
site from starting safely (ConfigurationError), and derives the settings that
follow from others (request body bounds, database timeouts, WebSub hubs,
secure cookies, the secret key). Its own module because these rules run on
whatever was loaded, while config.py only says what each setting is and its
default.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from .content import TextLimits
from .images import ALT_MAX_LENGTH, CAPTION_MAX_LENGTH, CREDIT_MAX_LENGTH


class ConfigurationError(RuntimeError):
    """A setting that keeps the site from starting safely."""


# Keys that appear in examples and tutorials are not secrets.
_PLACEHOLDER_KEYS = {"dev", "secret", "change-me", "changeme", "secret-key", "your-secret-key"}
MIN_SECRET_KEY_LENGTH = 32


def check_activitypub(config: dict[str, Any]) -> None:
    """ActivityPub ids must not follow the request's host: they are kept for
    ever by other servers, and the worker that signs deliveries has no request."""
    if config.get("ACTIVITYPUB") and not config.get("SITE_URL"):
        raise ConfigurationError("IST_ACTIVITYPUB needs IST_SITE_URL (https://example.org)")


def check_previews(config: dict[str, Any]) -> None:
    """A preview link lasts a whole number of days, at least one."""
    days = config.get("PREVIEW_MAX_DAYS")
    if type(days) is not int or days < 1:
        raise ConfigurationError(
            f"IST_PREVIEW_MAX_DAYS must be a whole number of days (1 or more), not {days!r}"
        )


def check_limits(config: dict[str, Any]) -> None:
    """Refuse text limits that the database columns cannot hold."""
    problems = TextLimits.from_config(config).problems()
    if problems:
        raise ConfigurationError("; ".join(problems))


# A character takes at most four bytes in UTF-8, which the editor's form
# (multipart/form-data) sends as they are.
BYTES_PER_CHARACTER = 4
# The statement form's other fields (time, status, language, version, CSRF
# token) and the multipart framing around every field.
FORM_FRAMING_BYTES = 64 * 1024


def bound_request_bodies(config: dict[str, Any]) -> None:
    """Derive the largest request body (MAX_CONTENT_LENGTH, which wsgi.py also
    gives waitress) and form field (MAX_FORM_MEMORY_SIZE) from the largest form
    the editor can legitimately send: every language at every text limit,
    and a lead image of IMAGE_MAX_BYTES; or an upload of a translated file of
    TRANSLATION_FILE_MAX_BYTES (security.py bounds each form to its own)."""
    limits = TextLimits.from_config(config)
    per_language = limits.title + limits.slug + limits.summary + limits.body
    per_language += ALT_MAX_LENGTH + CAPTION_MAX_LENGTH + CREDIT_MAX_LENGTH
    languages = len(config["LANGUAGES"])
    config["MAX_CONTENT_LENGTH"] = max(
        languages * per_language * BYTES_PER_CHARACTER
        + int(config["IMAGE_MAX_BYTES"])
        + FORM_FRAMING_BYTES,
        int(config["TRANSLATION_FILE_MAX_BYTES"]) + FORM_FRAMING_BYTES,
    )
    config["MAX_FORM_MEMORY_SIZE"] = limits.body * BYTES_PER_CHARACTER + FORM_FRAMING_BYTES


def check_mail(config: dict[str, Any]) -> None:
    """Refuse email settings that could only fail later, in the worker."""
    if not (config.get("MAIL_SERVER") and config.get("MAIL_FROM")):
        return
    if not config.get("SITE_URL"):
        raise ConfigurationError("IST_SITE_URL must be set for email: every message links to it")
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        raise ConfigurationError("set IST_MAIL_USE_TLS (STARTTLS) or IST_MAIL_USE_SSL, not both")
    dkim = [config.get(name) for name in ("DKIM_SELECTOR", "DKIM_DOMAIN", "DKIM_PRIVATE_KEY_FILE")]
    if any(dkim) and not all(dkim):
        raise ConfigurationError(
            "DKIM needs IST_DKIM_SELECTOR, IST_DKIM_DOMAIN and IST_DKIM_PRIVATE_KEY_FILE together"
        )


def database_timeouts(config: dict[str, Any]) -> None:
    """Give PostgreSQL connections DATABASE_TIMEOUT for connecting, for each
    statement (imports, exports and migrations lift it for themselves) and
    for unacknowledged network writes, and the pool as long to free one."""
    if not str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        return  # SQLite waits on a lock for its busy timeout (extensions.py)
    seconds = float(config["DATABASE_TIMEOUT"])
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = {
        # libpq counts whole seconds, 2 at least.
        "connect_timeout": max(2, round(seconds)),
        "options": f"-c statement_timeout={int(seconds * 1000)}",
        "tcp_user_timeout": int(seconds * 1000),
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    options["connect_args"] = {**connect_args, **options.get("connect_args", {})}
    options.setdefault("pool_timeout", seconds)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def websub_hubs(config: dict[str, Any]) -> None:
    """Read WEBSUB_HUBS (comma-separated, or a JSON list from the environment)
    into a tuple of hub URLs; a hub needs IST_SITE_URL, since pings name the
    feeds by their public address outside any request."""
    hubs = config.get("WEBSUB_HUBS") or ()
    if isinstance(hubs, str):
        hubs = hubs.split(",")
    cleaned = tuple(str(hub).strip() for hub in hubs if str(hub).strip())
    for hub in cleaned:
        if not hub.startswith(("http://", "https://")):
            raise ConfigurationError(f"IST_WEBSUB_HUBS: {hub!r} is not an http(s) URL")
    if cleaned and not config.get("SITE_URL"):
        raise ConfigurationError("IST_WEBSUB_HUBS needs IST_SITE_URL (the feeds' public address)")
    config["WEBSUB_HUBS"] = cleaned


def secure_cookies_on_https(config: dict[str, Any]) -> None:
    """The session cookie goes over HTTPS only whenever the site is served
    over HTTPS (IST_SITE_URL) or in production, whatever else is set."""
    https = str(config.get("SITE_URL") or "").startswith("https://")
    if https or config.get("PRODUCTION"):
        config["SESSION_COOKIE_SECURE"] = True


def ensure_secret_key(config: dict[str, Any], instance_path: str) -> None:
    """Check the secret key, or in the embedded setup make one and keep it.

    In production a missing, placeholder or short key stops the site: sessions
    signed with a guessable key would let anyone in as a maintainer.
    """
    key = config.get("SECRET_KEY")
    if config.get("PRODUCTION"):
        if (
            not key
            or str(key).lower() in _PLACEHOLDER_KEYS
            or len(str(key)) < MIN_SECRET_KEY_LENGTH
        ):
            raise ConfigurationError(
                "IST_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters in production "
                '(python -c "import secrets; print(secrets.token_hex(32))")'
            )
        return
    if key:
        return
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        _write_once(path, secrets.token_hex(32))
    config["SECRET_KEY"] = path.read_text(encoding="utf-8").strip()


def _write_once(path: Path, text: str) -> None:
    """Create ``path`` holding ``text`` (mode 600), unless another process did
    first. The text is written whole to a file of its own, then linked into
    place in one step, so no process ever reads a key half written, and the
    first link wins for everyone."""
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        os.unlink(draft)
