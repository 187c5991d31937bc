"""ist_flask: the International Socialist Tendency's website."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None, migrations: bool = True) -> Flask:
    """Build the app: configuration, extensions, blueprints and commands.

    ``migrations=False`` leaves Flask-Migrate out (alembic, mako and pygments:
    about 11 MB that a serving process would carry all its life): wsgi.py
    upgrades the database in a child process instead (init_migrations).
    """
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .config import default_config
    from .config_checks import (
        bound_request_bodies,
        check_activitypub,
        check_limits,
        check_mail,
        check_previews,
        database_timeouts,
        ensure_secret_key,
        secure_cookies_on_https,
        websub_hubs,
    )
    from .machine_translation import check_machine_translation

    app.config.from_mapping(default_config(app.instance_path, PROJECT_ROOT))
    if test_config is None:
        app.config.from_prefixed_env("IST")
    else:
        app.config.from_mapping(test_config)
    ensure_secret_key(app.config, app.instance_path)
    check_limits(app.config)
    check_mail(app.config)
    check_activitypub(app.config)
    check_previews(app.config)
    check_machine_translation(app.config)
    bound_request_bodies(app.config)
    secure_cookies_on_https(app.config)
    database_timeouts(app.config)
    websub_hubs(app.config)

    from . import (
        account_cli,
        accounts,
        audit,
        caching,
        channels,
        cli,
        errors,
        i18n,
        jobs,
        outage,
        pictures,
        security,
        throttle,
        translate,
        urls,
    )
    from .extensions import babel, csrf, db

    db.init_app(app)
    if migrations:
        init_migrations(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    # Order matters twice, and tests show it. outage first: during a
    # database outage nothing else may wait on the database
    # (test_database_hangs.py). security before csrf: it bounds the request
    # body before CSRFProtect reads any form (test_request_limits.py).
    outage.init_app(app)
    caching.init_app(app)
    security.init_app(app)
    csrf.init_app(app)
    throttle.init_app(app)
    accounts.init_app(app)
    account_cli.init_app(app)
    audit.init_app(app)
    i18n.init_app(app)
    urls.init_app(app)
    pictures.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    translate.init_app(app)
    channels.init_app(app)
    jobs.init_app(app)

    from . import (  # noqa: F401  (routes join site's and feeds' blueprints)
        admin,
        discovery,
        feeds,
        group_feeds,
        group_pages,
        health,
        preview_pages,
        site,
        subscribe_pages,
    )
    from .cache_front import CacheFront

    app.register_blueprint(site.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(discovery.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pictures.bp)
    app.register_blueprint(subscribe_pages.bp)
    app.register_blueprint(preview_pages.bp)
    if app.config["ACTIVITYPUB"]:
        from . import activitypub, inbox  # noqa: F401  (the inboxes join activitypub's blueprint)

        app.register_blueprint(activitypub.bp)
    if app.config["PAGE_CACHE_BYTES"] > 0:
        # Kept pages are answered before Flask dispatches (cache_front.py).
        app.wsgi_app = CacheFront(app.wsgi_app, app)  # type: ignore[method-assign]
    return app


def init_migrations(app: Flask) -> None:
    """Flask-Migrate on ``app``: the `flask db` commands and flask_migrate.upgrade."""
    from flask_migrate import Migrate

    from .extensions import db

    Migrate(app, db, directory=str(PROJECT_ROOT / "migrations"))
