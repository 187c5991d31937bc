"""`flask organisations` and `flask topics`, and topics and signatories
carried through export and import."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from groups_data import add_grouped, import_document


def test_organisations_add_and_list(empty_app: Flask) -> None:
    runner = empty_app.test_cli_runner()
    added = runner.invoke(
        args=[
            "organisations", "add", "example-collective", "Example Collective",
            "--country", "fr", "--web-address", "https://example.net/",
            "--name-in", "fr=Collectif exemple",
        ]
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = runner.invoke(args=["organisations", "list"])
    assert listed.output == "example-collective\tExample Collective\tFR\thttps://example.net/\n"
    again = runner.invoke(args=["organisations", "add", "example-collective", "Other"])
    assert again.exit_code != 0 and "another organisation has the slug" in again.output
    page = empty_app.test_client().get("/fr/organisations/example-collective")
    assert "Collectif exemple" in page.get_data(as_text=True)


def test_organisations_add_refuses_bad_details(empty_app: Flask) -> None:
    runner = empty_app.test_cli_runner()
    for args, words in (
        (["Bad Slug", "Name"], "lower-case"),
        (["good", "Name", "--country", "Narnia"], "country code"),
        (["good", "Name", "--web-address", "javascript:alert(1)"], "http"),
        (["good", "Name", "--name-in", "xx=Nom"], "not a supported language"),
    ):
        result = runner.invoke(args=["organisations", "add", *args])
        assert result.exit_code != 0 and words in result.output, result.output
    assert runner.invoke(args=["organisations", "list"]).output == "No organisation yet.\n"


def test_topics_add_and_list(empty_app: Flask) -> None:
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["topics", "add", "en=Housing", "fr=Logement"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["topics", "list"]).output == (
        "en:housing:Housing\tfr:logement:Logement\n"
    )
    assert empty_app.test_client().get("/fr/topics/logement").status_code == 200


def export(runner: FlaskCliRunner, path: Path) -> str:
    result = runner.invoke(args=["statements", "export", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_text("utf-8")


def test_export_import_export_keeps_topics_and_signatories(
    empty_app: Flask,
    configured_app,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    add_grouped(empty_app)
    first = export(empty_app.test_cli_runner(), tmp_path / "first.json")
    document = json.loads(first)
    assert list(document) == ["topics", "organisations", "statements"]
    assert document["topics"]["anti-war"]["fr"] == {
        "name": "Contre la guerre",
        "slug": "contre-la-guerre",
    }
    stop = next(
        s for s in document["statements"] if s["translations"]["en"]["title"] == "Stop the war"
    )
    assert stop["topics"] == ["anti-war"]
    assert stop["signatories"] == ["example-socialist-group", "fictional-workers-league"]

    # Into an empty database, and out again: the same bytes.
    with empty_app.app_context():
        from flask_migrate import downgrade, upgrade

        downgrade(revision="base")
        upgrade()
    runner = empty_app.test_cli_runner()
    imported = runner.invoke(args=["statements", "import", str(tmp_path / "first.json")])
    assert imported.exit_code == 0, imported.output
    assert export(runner, tmp_path / "second.json") == first


def test_a_file_naming_an_unknown_topic_is_refused_whole(empty_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "statements": [
                    {
                        "published": "2024-01-01T00:00:00Z",
                        "topics": ["nowhere"],
                        "signatories": ["nobody"],
                        "translations": {"en": {"title": "T", "body": "<p>B</p>"}},
                    }
                ]
            }
        )
    )
    result = empty_app.test_cli_runner().invoke(args=["statements", "import", str(path)])
    assert result.exit_code != 0
    assert '"nowhere" is no topic of the file or of the site' in result.output
    assert '"nobody" is no organisation of the file or of the site' in result.output
    assert "No statements have been published" in empty_app.test_client().get("/en/").get_data(
        as_text=True
    )


def test_a_file_may_name_groups_the_site_already_has(empty_app: Flask) -> None:
    add_grouped(empty_app)
    import_document(
        empty_app,
        {
            "statements": [
                {
                    "published": "2024-04-01T00:00:00Z",
                    "topics": ["declarations"],
                    "signatories": ["fictional-workers-league"],
                    "translations": {"en": {"title": "Later declaration", "body": "<p>B</p>"}},
                }
            ]
        },
    )
    body = empty_app.test_client().get("/en/topics/declarations").get_data(as_text=True)
    assert "Later declaration" in body


def test_groups_after_the_statements_are_refused(empty_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "late.json"
    path.write_text('{"statements": [], "topics": {}}')
    result = empty_app.test_cli_runner().invoke(args=["statements", "import", str(path)])
    assert result.exit_code != 0 and '"topics" must come before "statements"' in result.output


def test_bad_group_definitions_are_reported(empty_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "bad-groups.json"
    path.write_text(
        json.dumps(
            {
                "topics": {"war": {"en": {"name": "War", "slug": "Not A Slug"}}},
                "organisations": {"x": {"name": "X", "country": "gbr", "web_address": "ftp://x"}},
                "statements": [],
            }
        )
    )
    result = empty_app.test_cli_runner().invoke(args=["statements", "import", str(path)])
    assert result.exit_code != 0
    assert "topics.war.en.slug" in result.output
    assert "organisations.x.country" in result.output
    assert "organisations.x.web_address" in result.output
