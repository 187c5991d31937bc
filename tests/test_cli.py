"""`flask statements import|export|outdated` as maintainers run them."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from ist_flask.extensions import db
from ist_flask.models import Translation


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Translation.id))).scalar_one()


def test_export_import_export_gives_the_same_file(
    runner: FlaskCliRunner, empty_app: Flask, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    result = runner.invoke(args=["statements", "export", str(first)])
    assert result.exit_code == 0, result.output
    assert "Exported 2 statements" in result.output

    empty_runner = empty_app.test_cli_runner()
    # The "app" and "empty_app" fixtures share one database file, so start afresh.
    with empty_app.app_context():
        db.session.execute(Translation.__table__.delete())
        db.session.execute(db.metadata.tables["statements"].delete())
        db.session.commit()
    assert empty_runner.invoke(args=["statements", "import", str(first)]).exit_code == 0
    assert empty_runner.invoke(args=["statements", "export", str(second)]).exit_code == 0
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_a_bad_file_changes_nothing_and_exits_non_zero(
    runner: FlaskCliRunner, app: Flask, tmp_path: Path
) -> None:
    before = count(app)
    bad = tmp_path / "bad.json"
    good = {
        "published": "2022-01-01T00:00:00Z",
        "translations": {"en": {"title": "Fine", "body": "<p>x</p>"}},
    }
    broken = {"published": "2022-01-02T00:00:00Z", "translations": {"en": {"body": "<p>x</p>"}}}
    bad.write_text(json.dumps({"statements": [good, broken]}), encoding="utf-8")

    result = runner.invoke(args=["statements", "import", str(bad)])

    assert result.exit_code != 0
    assert "statement 2" in result.output and "translations.en.title" in result.output
    assert "Traceback" not in result.output
    assert count(app) == before


def test_a_slug_already_in_the_database_is_refused(
    runner: FlaskCliRunner, app: Flask, tmp_path: Path
) -> None:
    before = count(app)
    clash = tmp_path / "clash.json"
    clash.write_text(
        json.dumps(
            {
                "statements": [
                    {
                        "published": "2022-01-01T00:00:00Z",
                        "translations": {
                            "en": {
                                "title": "Again",
                                "slug": "release-frank-garcia-hernandez-and-his-comrades",
                                "body": "<p>x</p>",
                            }
                        },
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["statements", "import", str(clash)])
    assert result.exit_code != 0
    assert 'statement 1 ("Again"): translations.en.slug' in result.output
    assert count(app) == before


def test_a_missing_or_unreadable_file_is_a_clear_error(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(args=["statements", "import", str(tmp_path / "nothing.json")])
    assert result.exit_code != 0
    assert "cannot read" in result.output and "Traceback" not in result.output
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"statements": ["é"]}'.encode("latin-1"))
    result = runner.invoke(args=["statements", "import", str(latin1)])
    assert result.exit_code != 0
    assert "not valid JSON: lexical error: invalid bytes in UTF8 string." in result.output


def test_import_never_stores_script_or_event_handlers(
    runner: FlaskCliRunner, app: Flask, tmp_path: Path
) -> None:
    dirty = tmp_path / "dirty.json"
    body = '<p onmouseover="steal()">Hi</p><script>alert(1)</script><a href="javascript:x()">l</a><style>p{}</style>'
    dirty.write_text(
        json.dumps(
            {
                "statements": [
                    {
                        "published": "2022-01-01T00:00:00Z",
                        "translations": {"en": {"title": "Dirty", "body": body}},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    assert runner.invoke(args=["statements", "import", str(dirty)]).exit_code == 0
    with app.app_context():
        stored = db.session.execute(
            select(Translation.body).where(Translation.title == "Dirty")
        ).scalar_one()
    for forbidden in ("script", "onmouseover", "javascript:", "style"):
        assert forbidden not in stored
