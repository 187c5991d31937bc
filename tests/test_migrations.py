"""Migrations create the schema, match the models and go back down cleanly."""

from __future__ import annotations

from admin_helpers import make_maintainer, sign_in
from builders import add, statement
from flask import Flask
from flask_migrate import downgrade, upgrade
from groups_data import add_grouped
from preview_helpers import add_unpublished, link_urls, make_link
from sqlalchemy import inspect, select, text

from ist_flask.extensions import db
from ist_flask.models import Translation, source_text, text_fingerprint


def tables(app: Flask) -> set[str]:
    """The site's tables; SQLite's FTS5 index tables aside."""
    with app.app_context():
        names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {
        name for name in names if not name.startswith(("translations_fts", "translations_search"))
    }


def test_downgrade_to_base_and_upgrade_again(empty_app: Flask) -> None:
    with empty_app.app_context():
        downgrade(revision="base")
    assert tables(empty_app) == set()
    with empty_app.app_context():
        upgrade()
    assert tables(empty_app) == {
        "statements",
        "translations",
        "slug_redirects",
        "users",
        "site_state",
        "topics",
        "topic_names",
        "statement_topics",
        "organisations",
        "organisation_names",
        "statement_signatories",
        "topic_old_slugs",
        "organisation_old_slugs",
        "images",
        "renditions",
        "statement_images",
        "announcements",
        "delivered_keys",
        "subscribers",
        "subscriber_languages",
        "subscriber_topics",
        "actor_keys",
        "remote_actors",
        "followers",
        "pending_activities",
        "sent_articles",
        "user_languages",
        "revisions",
        "audit_events",
        "preview_links",
        "recovery_codes",
        "translation_drafts",
    }


def test_the_models_and_the_migrations_agree(empty_app: Flask) -> None:
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_topics_and_organisations_go_down_and_up_keeping_statements(empty_app: Flask) -> None:
    """Down to 0009 drops the groups (organisations first, 0011, then topics,
    0010) and keeps every statement; up again, they can be written anew and
    raise the content version."""
    add_grouped(empty_app)
    with empty_app.app_context():
        downgrade(revision="0010")
        assert "organisations" not in tables(empty_app) and "topics" in tables(empty_app)
        downgrade(revision="0009")
        db.session.remove()
    assert not {"topics", "topic_names", "statement_topics"} & tables(empty_app)
    with empty_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM statements")).scalar_one() == 4
        db.session.remove()
        upgrade()
        before = db.session.execute(text("SELECT content_version FROM site_state")).scalar_one()
        db.session.remove()
    added = empty_app.test_cli_runner().invoke(args=["topics", "add", "en=Anti-war"])
    assert added.exit_code == 0, added.output
    with empty_app.app_context():
        after = db.session.execute(text("SELECT content_version FROM site_state")).scalar_one()
    assert after > before


def test_old_group_slugs_go_down_and_up_keeping_the_groups(empty_app: Flask) -> None:
    """0012 down keeps every topic, organisation and statement; up again, a
    moved topic's old address is recorded and raises the content version."""
    add_grouped(empty_app)
    with empty_app.app_context():
        downgrade(revision="0011")
        db.session.remove()
    assert not {"topic_old_slugs", "organisation_old_slugs"} & tables(empty_app)
    with empty_app.app_context():
        counts = [
            db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("statements", "topics", "topic_names", "organisations")
        ]
        assert counts == [4, 2, 3, 2]
        db.session.remove()
        upgrade()
        before = db.session.execute(text("SELECT content_version FROM site_state")).scalar_one()
        db.session.execute(
            text(
                "INSERT INTO topic_old_slugs (topic_id, language, slug) "
                "SELECT id, 'en', 'against-war' FROM topics ORDER BY id LIMIT 1"
            )
        )
        db.session.commit()
        after = db.session.execute(text("SELECT content_version FROM site_state")).scalar_one()
    assert after > before
    assert empty_app.test_client().get("/en/topics/against-war").status_code == 301


def test_preview_links_go_down_and_up_keeping_statements_and_accounts(app: Flask) -> None:
    """0020 down drops the preview links and nothing else; up again, a link
    can be stored anew."""
    make_maintainer(app)
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO preview_links (statement_id, created_by, created_at, expires_at) "
                "SELECT s.id, u.id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM statements s, users u "
                "ORDER BY s.id LIMIT 1"
            )
        )
        db.session.commit()
        counts = [
            db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("statements", "translations", "users")
        ]
        # Dropping the table's foreign keys waits for every reader of the
        # tables they name (PostgreSQL): this session's included.
        db.session.remove()
        downgrade(revision="0017")
        db.session.remove()
    assert "preview_links" not in tables(app)
    with app.app_context():
        assert [
            db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("statements", "translations", "users")
        ] == counts
        db.session.remove()
        upgrade()
        assert db.session.execute(text("SELECT count(*) FROM preview_links")).scalar_one() == 0
    draft = add_unpublished(app)[0]
    editor = app.test_client()
    sign_in(editor)
    assert make_link(editor, draft).status_code == 302
    assert app.test_client().get(link_urls(editor, draft)[0]).status_code == 302


def test_the_desk_migration_goes_down_and_up_keeping_translations(empty_app: Flask) -> None:
    """0021 down keeps every statement and translation (drafts, unpublished,
    go with their table); up again, each translation's fingerprint is what the
    models compute, so no translation reads as out of date for it."""
    add(
        empty_app,
        statement(
            "2024-01-01T10:00:00+00:00",
            {"en": {"title": "One", "summary": "Short."}, "fr": {"title": "Un"}},
        ),
    )
    with empty_app.app_context():
        downgrade(revision="0017")
        db.session.remove()
    assert "translation_drafts" not in tables(empty_app)
    with empty_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM translations")).scalar_one() == 2
        db.session.remove()
        upgrade()
        translations = db.session.execute(select(Translation)).scalars().all()
        assert len(translations) == 2
        for translation in translations:
            assert translation.text_sha256 == text_fingerprint(source_text(translation))
            assert translation.version == 1 and translation.source_markdown is None
            assert not translation.may_be_outdated()
