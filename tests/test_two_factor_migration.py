"""Migration 0019 (two-factor sign-in) goes up and down keeping every account."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from ist_flask.extensions import db

ACCOUNTS = "SELECT email, role FROM users ORDER BY email"


def test_two_factor_goes_down_and_up_keeping_the_accounts(empty_app: Flask) -> None:
    with empty_app.app_context():
        downgrade(revision="0017")
        db.session.execute(
            text(
                "INSERT INTO users (email, password_hash, created_at, role) VALUES "
                "('a@example.org', 'x', '2026-01-01 00:00:00', 'admin'), "
                "('b@example.org', 'y', '2026-01-02 00:00:00', 'editor')"
            )
        )
        db.session.commit()
        before = db.session.execute(text(ACCOUNTS)).all()
        db.session.remove()

        upgrade(revision="0019")
        assert db.session.execute(text(ACCOUNTS)).all() == before
        # Nobody has it on after the upgrade; then one enrols.
        assert (
            db.session.execute(
                text("SELECT count(*) FROM users WHERE totp_enabled_at IS NOT NULL")
            ).scalar_one()
            == 0
        )
        db.session.execute(
            text(
                "UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP', "
                "totp_enabled_at = '2026-11-28 12:00:00', totp_last_step = 1 "
                "WHERE email = 'a@example.org'"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO recovery_codes (user_id, code_sha256) "
                "SELECT id, 'abc' FROM users WHERE email = 'a@example.org'"
            )
        )
        db.session.commit()
        db.session.remove()

        downgrade(revision="0017")
        assert db.session.execute(text(ACCOUNTS)).all() == before
        assert "recovery_codes" not in inspect(db.engine).get_table_names()
        columns = {column["name"] for column in inspect(db.engine).get_columns("users")}
        assert not {"totp_secret", "totp_enabled_at", "totp_last_step"} & columns
        db.session.remove()

        upgrade()
        assert db.session.execute(text(ACCOUNTS)).all() == before
