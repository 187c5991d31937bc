"""search: plain text of each translation, FTS5 on SQLite, tsvector on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 15:00:00

"""

import html
import re

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# PostgreSQL's own stemmers for the site's languages; any other language uses "simple".
POSTGRES_CONFIGURATIONS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "de": "german",
    "el": "greek",
    "tr": "turkish",
    "ru": "russian",
    "ca": "catalan",
    "it": "italian",
    "pt": "portuguese",
}
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _plain(body: str) -> str:
    # A frozen copy of content.plain_text: migrations must not change with the app.
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body))).strip()


def upgrade():
    op.add_column(
        "translations", sa.Column("search_text", sa.Text(), server_default="", nullable=False)
    )
    connection = op.get_bind()
    # A thousand rows at a time, so a large site's texts are never all in memory.
    last_id = 0
    while rows := connection.execute(
        sa.text("SELECT id, body FROM translations WHERE id > :last ORDER BY id LIMIT 1000"),
        {"last": last_id},
    ).all():
        connection.execute(
            sa.text("UPDATE translations SET search_text = :text WHERE id = :id"),
            [{"id": row.id, "text": _plain(row.body)} for row in rows],
        )
        last_id = rows[-1].id
    if connection.dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def _sqlite_upgrade():
    op.execute(
        "CREATE VIRTUAL TABLE translations_fts USING fts5("
        "title, search_text, content='translations', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    add = "INSERT INTO translations_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text)"
    remove = (
        "INSERT INTO translations_fts(translations_fts, rowid, title, search_text) "
        "VALUES ('delete', old.id, old.title, old.search_text)"
    )
    op.execute(
        f"CREATE TRIGGER translations_fts_insert AFTER INSERT ON translations BEGIN {add}; END"
    )
    op.execute(
        f"CREATE TRIGGER translations_fts_delete AFTER DELETE ON translations BEGIN {remove}; END"
    )
    op.execute(
        f"CREATE TRIGGER translations_fts_update AFTER UPDATE ON translations BEGIN {remove}; {add}; END"
    )
    op.execute("INSERT INTO translations_fts(translations_fts) VALUES ('rebuild')")


def _postgresql_upgrade():
    # unaccent lets "garcia" find "García"; it is a trusted extension the database owner may add.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for code, configuration in [*POSTGRES_CONFIGURATIONS.items(), ("simple", "simple")]:
        name = f"ist_{code}"
        stem = "simple" if configuration == "simple" else f"{configuration}_stem"
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {configuration})")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stem}"
        )
    cases = " ".join(
        f"WHEN '{code}' THEN 'ist_{code}'::regconfig" for code in POSTGRES_CONFIGURATIONS
    )
    op.execute(
        "CREATE FUNCTION ist_search_configuration(language text) RETURNS regconfig "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE language {cases} "
        "ELSE 'ist_simple'::regconfig END $$"
    )
    op.execute(
        "ALTER TABLE translations ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector(ist_search_configuration(language), title), 'A') || "
        "setweight(to_tsvector(ist_search_configuration(language), search_text), 'B')) STORED"
    )
    op.execute(
        "CREATE INDEX ix_translations_search_vector ON translations USING gin (search_vector)"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_translations_search_vector")
        op.execute("ALTER TABLE translations DROP COLUMN search_vector")
        op.execute("DROP FUNCTION ist_search_configuration(text)")
        for code in [*POSTGRES_CONFIGURATIONS, "simple"]:
            op.execute(f"DROP TEXT SEARCH CONFIGURATION ist_{code}")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER translations_fts_{event}")
        op.execute("DROP TABLE translations_fts")
    op.drop_column("translations", "search_text")
