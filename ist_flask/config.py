"""Default settings. Each can be overridden by an IST_-prefixed environment variable
(IST_TIMEZONE=Europe/Athens) or, in tests, by the mapping given to create_app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .content import DEFAULT_LIMITS
from .i18n import DEFAULT_LANGUAGE, DEFAULT_LANGUAGES
from .images import DEFAULT_MAX_BYTES


def default_config(instance_path: str, project_root: Path) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'ist_flask.sqlite3'}",
        # The supported languages, in the order pages list them.
        "LANGUAGES": DEFAULT_LANGUAGES,
        "BABEL_DEFAULT_LOCALE": DEFAULT_LANGUAGE,
        # Absolute, because Flask-Babel looks inside the package by default.
        "BABEL_TRANSLATION_DIRECTORIES": str(project_root / "translations"),
        # The zone dates are written in.
        "TIMEZONE": "UTC",
        # The public address, such as https://example.org; the request's host when unset.
        "SITE_URL": None,
        # Author of every feed entry, and the publisher's name.
        "ORGANISATION_NAME": "International Socialist Tendency",
        "ENTRIES_PER_PAGE": 20,
        "FEED_SIZE": 20,
        # Seconds a feed reader or proxy may keep a feed before asking again.
        "FEED_MAX_AGE": 300,
        # Addresses in one sitemap file; past it /sitemap.xml becomes an index.
        # 5,000 addresses with all eight translations are about 6 MB: small
        # enough for the page cache to keep (a quarter of PAGE_CACHE_BYTES).
        "SITEMAP_MAX_URLS": 5_000,
        # Seconds a browser or proxy may keep a page before revalidating it.
        "PAGE_MAX_AGE": 60,
        # Bytes of rendered pages and feeds each process keeps (0: none).
        "PAGE_CACHE_BYTES": 32 * 1024 * 1024,
        # Seconds a process trusts its last reading of the content version:
        # how long another process's change may take to show here.
        "CONTENT_VERSION_MAX_AGE": 1.0,
        # Check connections before use, so the site recovers by itself after
        # the database has been away.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Seconds PostgreSQL may take to accept a connection, to run one
        # statement, or to free a pooled connection, before the page answers
        # 503: a database that hangs never holds every thread.
        "DATABASE_TIMEOUT": 5,
        # Longest title, slug, summary and body (characters) the editor and the
        # import accept; titles at most 500 and slugs at most 200 (the columns).
        "TITLE_MAX_LENGTH": DEFAULT_LIMITS.title,
        "SLUG_MAX_LENGTH": DEFAULT_LIMITS.slug,
        "SUMMARY_MAX_LENGTH": DEFAULT_LIMITS.summary,
        "BODY_MAX_LENGTH": DEFAULT_LIMITS.body,
        # The largest lead image the editor takes, in bytes (JPEG, PNG or WebP).
        "IMAGE_MAX_BYTES": DEFAULT_MAX_BYTES,
        # The largest XLIFF or PO file the import and the editor's upload read, in bytes.
        "TRANSLATION_FILE_MAX_BYTES": 16 * 1024 * 1024,
        # Signs the editor's session cookie. Unset: a key is made once and kept in
        # the instance folder, unless PRODUCTION is on, where it must be given.
        "SECRET_KEY": None,
        "PRODUCTION": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        # A CSRF token lasts as long as the editor's session, so that a long
        # piece of writing is never refused for an expired token.
        "WTF_CSRF_TIME_LIMIT": None,
        # Sign-in tries allowed per account from one address before a pause
        # (a successful sign-in forgives them), per address whatever the
        # account, and per account from browsers it never signed in from
        # (throttle.py says why there are three).
        "LOGIN_FAILURE_LIMIT": "5 per 15 minutes",
        "LOGIN_ADDRESS_LIMIT": "20 per 15 minutes",
        "LOGIN_ACCOUNT_LIMIT": "100 per 15 minutes",
        # Failed sign-ins the audit log keeps (the latest): strangers make
        # them, so they are bounded; every other event is a maintainer's.
        "AUDIT_FAILED_SIGN_INS_KEPT": 10_000,
        # Admins and editors without two-factor sign-in are sent to enrol
        # after signing in and can open nothing else until they have
        # (translators are not). Off unless IST_REQUIRE_2FA=1.
        "REQUIRE_2FA": False,
        # Days a browser stays trusted for an account once it signed in there.
        "TRUSTED_DEVICE_DAYS": 365,
        # How long an editor's session lasts without a request (Flask's own
        # setting, in seconds: two days); signing out or a new password ends
        # it everywhere at once.
        "PERMANENT_SESSION_LIFETIME": 2 * 24 * 3600,
        # Where login failures are counted: memory:// (one process) or redis://host:6379.
        "RATELIMIT_STORAGE_URI": "memory://",
        # How passwords are hashed (werkzeug's method string). The default,
        # scrypt with werkzeug's parameters, takes a tenth of a second a
        # password on purpose; only the tests make it cheaper.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Put before the keys in that storage, to keep sites sharing one Redis apart.
        "RATELIMIT_KEY_PREFIX": "ist_flask",
        # The job queue (jobs.py): sqlite:///<path> (one machine), or
        # redis://host:6379/0 when several processes or machines serve the site.
        "QUEUE_URL": f"sqlite:///{Path(instance_path) / 'queue.sqlite3'}",
        # Whether wsgi.py runs the queue's consumer itself: "embedded" or
        # "none"; unset, embedded on SQLite and none on Redis (`flask worker`).
        "QUEUE_CONSUMER": None,
        # WebSub hubs told of every changed feed: comma-separated URLs.
        "WEBSUB_HUBS": "",
        # Email subscriptions (subscriptions.py, mail.py): off unless MAIL_SERVER
        # and MAIL_FROM are set; then SITE_URL must be too, for the links.
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        # STARTTLS on MAIL_PORT, or TLS from the first byte (port 465): not both.
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        # The From header, such as "IST <news@example.org>".
        "MAIL_FROM": None,
        # How many messages the worker may send, in the `limits` notation; it
        # waits for room past that (counted in RATELIMIT_STORAGE_URI).
        "MAIL_RATE": "5 per second",
        # Seconds an SMTP conversation may stall before the delivery is retried.
        "MAIL_TIMEOUT": 30,
        # An address that unsubscribes whoever writes to it, offered in the
        # List-Unsubscribe header beside the link; none: the link only.
        "MAIL_UNSUBSCRIBE_ADDRESS": None,
        # DKIM signing, when all three are set.
        "DKIM_SELECTOR": None,
        "DKIM_DOMAIN": None,
        "DKIM_PRIVATE_KEY_FILE": None,
        # The longest an editor's preview link to an unpublished statement may
        # last, in days (preview_links.py); each link says its own, 7 by default.
        "PREVIEW_MAX_DAYS": 30,
        # Seconds a confirmation link stays valid (two days).
        "SUBSCRIBE_LINK_MAX_AGE": 2 * 24 * 3600,
        # Subscription requests per address (each sends one confirmation) and
        # per client address, so that the form cannot flood anyone's inbox.
        "SUBSCRIBE_ADDRESS_LIMIT": "1 per 10 minutes",
        "SUBSCRIBE_CLIENT_LIMIT": "10 per hour",
        # The fediverse: an actor per language and one for all (@fr@host,
        # @ist@host) that servers such as Mastodon can follow. Off by default:
        # it needs IST_SITE_URL (the ids) and the job queue (deliveries).
        "ACTIVITYPUB": False,
        # Let the worker fetch keys from and deliver to http:// and private,
        # loopback or link-local addresses: for tests and local development
        # only, never where strangers can name an address.
        "ACTIVITYPUB_PRIVATE_NETWORKS": False,
        # The desk's machine pre-fill (machine_translation.py): off, or
        # "libretranslate" (needs the URL) or "deepl" (needs the key).
        "MACHINE_TRANSLATION": None,
        "MACHINE_TRANSLATION_URL": None,
        "MACHINE_TRANSLATION_KEY": None,
    }


# Seconds Redis (the job queue, the throttle's counts) may take to connect or
# to answer: past it the request answers 503 rather than hang for ever on a
# Redis that accepts connections and says nothing. Above huey's blocking
# read of 1 s, which a consumer waits on for its next task.
REDIS_TIMEOUT = 5
