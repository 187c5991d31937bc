"""Alembic environment: migrations run on the Flask app's own database engine."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None and not logging.getLogger().handlers:
    # Only when nobody configured logging (plain `flask db …`): wsgi.py's own
    # setup, with its access log, must survive an upgrade at start.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline() -> None:
    """Write the SQL of the migrations instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a connection of the app's engine."""

    def skip_empty_revision(context, revision, directives) -> None:  # type: ignore[no-untyped-def]
        # `flask db migrate` with no model change should write no empty file.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    def include_object(object_, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        # The search index lives outside the models: FTS5 tables on SQLite, a
        # generated tsvector column and its index on PostgreSQL (migration 0004).
        if type_ == "table" and name.startswith(("translations_fts", "translations_search")):
            return False
        return name not in ("search_vector", "ix_translations_search_vector")

    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("include_object", include_object)
    configure_args.setdefault("process_revision_directives", skip_empty_revision)
    configure_args.setdefault("render_as_batch", True)
    configure_args.setdefault("compare_type", True)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with
            # foreign keys on, that drop would cascade and delete every
            # translation. Off for the migration (before any transaction),
            # checked afterwards, on again before the connection is reused.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            # End SQLAlchemy's implicit transaction, so that Alembic's own
            # transaction below is the one that commits.
            connection.commit()
        context.configure(
            connection=connection, target_metadata=target_db.metadata, **configure_args
        )
        before = context.get_context().get_current_heads()
        connection.commit()  # that read began a transaction; Alembic's must be the one
        with context.begin_transaction():
            if not sqlite:
                # A migration may rewrite every row: the site's statement
                # time limit (DATABASE_TIMEOUT) is for readers' requests.
                connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
            context.run_migrations()
        # The check reads every row: only worth it when a migration ran, so
        # that starting the site on a large, current database stays quick.
        if sqlite and context.get_context().get_current_heads() != before:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left broken references: {broken[:5]}")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
