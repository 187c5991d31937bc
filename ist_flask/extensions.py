"""Flask extensions, created unbound here and bound to the app in create_app."""

import sqlite3
from typing import Any

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event, text
from sqlalchemy.orm import DeclarativeBase

from .stemming import fold, stemmed_text


class Base(DeclarativeBase):
    # Named constraints let later migrations alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


def without_statement_timeout() -> None:
    """No statement time limit for the rest of this transaction: imports and
    exports run long on purpose (DATABASE_TIMEOUT is for readers' requests)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL statement_timeout = 0"))


def _fold_or_none(text: str | None) -> str | None:
    return fold(text) if text is not None else None


# How long a SQLite connection waits for another's lock before it fails.
SQLITE_BUSY_TIMEOUT_MS = 5000


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Every SQLite connection enforces foreign keys, waits on a lock instead of
    failing at once, and uses WAL so readers don't block the writer."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # The search index's triggers stem text in Python (migration 0008), and
    # the editor folds titles for its search: every connection must know how.
    dbapi_connection.create_function("ist_stems", 2, stemmed_text, deterministic=True)
    dbapi_connection.create_function("ist_fold", 1, _fold_or_none, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
