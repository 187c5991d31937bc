"""stemmed search on SQLite: an FTS5 index of each translation's stems

SQLite's FTS5 has no stemmer, so "arrests" did not find "arrest" there as it
does on PostgreSQL. This index holds the stems of each translation's title
and text, made by the same Snowball stemmers PostgreSQL uses (ist_stems,
which every connection registers: extensions.py), and its triggers keep it
in step with every write. It replaces translations_fts, whose snippets are
now made in Python. PostgreSQL needs nothing: its tsvector stems already.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 11:00:00

"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ADD = (
    "INSERT INTO translations_search(rowid, title, body) VALUES "
    "(new.id, ist_stems(new.language, new.title), ist_stems(new.language, new.search_text))"
)
REMOVE = "DELETE FROM translations_search WHERE rowid = old.id"


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER translations_fts_{event}")
    op.execute("DROP TABLE translations_fts")
    # Not contentless: a row is deleted by its id alone, whatever stems a
    # newer stemmer would make of its old text.
    op.execute(
        "CREATE VIRTUAL TABLE translations_search USING fts5("
        "title, body, tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        f"CREATE TRIGGER translations_search_insert AFTER INSERT ON translations BEGIN {ADD}; END"
    )
    op.execute(
        f"CREATE TRIGGER translations_search_delete AFTER DELETE ON translations BEGIN {REMOVE}; END"
    )
    op.execute(
        "CREATE TRIGGER translations_search_update "
        "AFTER UPDATE OF language, title, search_text ON translations "
        f"BEGIN {REMOVE}; {ADD}; END"
    )
    op.execute(
        "INSERT INTO translations_search(rowid, title, body) SELECT id, "
        "ist_stems(language, title), ist_stems(language, search_text) FROM translations"
    )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER translations_search_{event}")
    op.execute("DROP TABLE translations_search")
    # As migration 0004 made it.
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
