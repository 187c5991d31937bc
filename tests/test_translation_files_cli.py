"""`flask statements export-xliff|import-xliff|export-po|import-po`: a
translator's tool reads what we write, and what it writes comes back whole."""

from __future__ import annotations

from pathlib import Path

import polib
from builders import add, statement
from flask import Flask
from translate.storage import xliff
from translation_file_helpers import (
    RICH_BODY,
    add_rich,
    fill_po,
    fill_xliff,
    shape,
    stored,
)

from ist_flask.extensions import db
from ist_flask.models import Statement


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["statements", *args])
    return result.exit_code, result.output


def exported(app: Flask, tmp_path: Path, kind: str, *options: str) -> bytes:
    path = tmp_path / f"out.{kind}"
    code, output = run(app, f"export-{kind}", "--language", "fr", *options, str(path))
    assert code == 0, output
    return path.read_bytes()


def imported(
    app: Flask, tmp_path: Path, kind: str, content: bytes, *options: str
) -> tuple[int, str]:
    path = tmp_path / f"in.{kind}"
    path.write_bytes(content)
    return run(app, f"import-{kind}", *options, str(path))


def test_an_xliff_round_trip_writes_the_translated_units_in_the_originals_structure(
    empty_app: Flask, tmp_path: Path
) -> None:
    sid = add_rich(empty_app)
    content = exported(empty_app, tmp_path, "xliff")
    # A CAT tool's reader finds one unit a block, plus title and summary.
    units = xliff.xlifffile.parsestring(content).getunits()
    assert [u.getid().split("\x04")[1] for u in units] == [
        "title", "summary", "b1", "b2", "b3", "b4", "b5", "b6",
    ]  # fmt: skip
    assert units[2].source == "Why we strike"

    code, output = imported(empty_app, tmp_path, "xliff", fill_xliff(content))

    assert code == 0, output
    assert "Imported 1 translation" in output
    french = stored(empty_app, sid, "fr")
    assert french is not None
    assert (french.title, french.summary) == ("CALL TO STRIKE", "A CALL.")
    assert french.slug == "call-to-strike"
    assert shape(french.body) == shape(stored(empty_app, sid, "en").body)  # type: ignore[union-attr]
    assert "<h2>WHY WE <em>STRIKE</em></h2>" in french.body
    assert (
        '<a href="https://example.org/world" rel="noopener noreferrer">THE <strong>WORLD</strong></a>'
        in french.body
    )
    assert "UNITE.<br>NOW." in french.body
    assert "ALL POWER TO THE COUNCILS." in french.search_text


def test_a_po_round_trip_through_polib(empty_app: Flask, tmp_path: Path) -> None:
    sid = add_rich(empty_app)
    content = exported(empty_app, tmp_path, "po")
    catalog = polib.pofile(content.decode("utf-8"))
    assert catalog.metadata["Language"] == "fr"
    link = next(e for e in catalog if e.msgctxt == f"statement/{sid} b2")
    assert link.msgid == "Workers of <g1>the <g2>world</g2></g1>, unite.<x3/>Now."

    code, output = imported(empty_app, tmp_path, "po", fill_po(content))

    assert code == 0, output
    french = stored(empty_app, sid, "fr")
    assert french is not None
    assert shape(french.body) == shape(stored(empty_app, sid, "en").body)  # type: ignore[union-attr]
    assert "<li>PEACE\n<ul><li>LAND</li></ul>\n</li>" in french.body


def test_an_export_gives_the_existing_translation_as_targets_and_filters(
    empty_app: Flask, tmp_path: Path
) -> None:
    french_body = RICH_BODY.replace("Bread", "Du pain")
    sid = add_rich(empty_app, fr={"title": "Appel", "body": french_body})
    other = add_rich(empty_app, title="Another call")
    units = xliff.xlifffile.parsestring(exported(empty_app, tmp_path, "xliff")).getunits()
    bread = next(u for u in units if u.getid() == f"statement/{sid}\x04b3")
    assert bread.target == "Du pain"
    missing = exported(empty_app, tmp_path, "po", "--missing").decode()
    assert f"statement/{other} " in missing and f"statement/{sid} " not in missing
    outdated = exported(empty_app, tmp_path, "po", "--outdated").decode()
    assert "statement/" not in outdated


def test_units_marked_for_review_are_refused_unless_accepted(
    empty_app: Flask, tmp_path: Path
) -> None:
    sid = add_rich(empty_app)
    unreviewed = fill_xliff(exported(empty_app, tmp_path, "xliff"), needs_review=True)
    code, output = imported(empty_app, tmp_path, "xliff", unreviewed)
    assert code != 0 and "needing review" in output and "--accept-unreviewed" in output
    assert stored(empty_app, sid, "fr") is None
    fuzzy = fill_po(exported(empty_app, tmp_path, "po"), fuzzy=True)
    code, output = imported(empty_app, tmp_path, "po", fuzzy)
    assert code != 0 and "unit 'b1'" in output and stored(empty_app, sid, "fr") is None

    code, output = imported(empty_app, tmp_path, "po", fuzzy, "--accept-unreviewed")
    assert code == 0, output
    assert stored(empty_app, sid, "fr") is not None


def test_a_file_whose_original_changed_is_refused_naming_the_unit(
    empty_app: Flask, tmp_path: Path
) -> None:
    sid = add_rich(empty_app)
    filled = fill_xliff(exported(empty_app, tmp_path, "xliff"))
    with empty_app.app_context():
        original = db.session.get(Statement, sid).translation("en")  # type: ignore[union-attr]
        original.body = original.body.replace("Bread", "Roses")  # type: ignore[union-attr]
        db.session.commit()
    code, output = imported(empty_app, tmp_path, "xliff", filled)
    assert code != 0
    assert f"statement {sid}, unit 'b3'" in output and "no longer matches" in output
    assert stored(empty_app, sid, "fr") is None


def test_a_new_translation_gets_a_slug_no_other_statement_has(
    empty_app: Flask, tmp_path: Path
) -> None:
    add(empty_app, statement("2020-01-01T00:00:00Z", {"fr": {"title": "CALL TO STRIKE"}}))
    sid = add_rich(empty_app)
    code, output = imported(empty_app, tmp_path, "po", fill_po(exported(empty_app, tmp_path, "po")))
    assert code == 0, output
    assert stored(empty_app, sid, "fr").slug == "call-to-strike-2"  # type: ignore[union-attr]


def test_a_partly_translated_statement_is_refused_and_an_untouched_one_left_alone(
    empty_app: Flask, tmp_path: Path
) -> None:
    sid = add_rich(empty_app)
    content = exported(empty_app, tmp_path, "po")
    catalog = polib.pofile(fill_po(content).decode())
    catalog[3].msgstr = ""
    code, output = imported(empty_app, tmp_path, "po", str(catalog).encode())
    assert code != 0 and "unit 'b2' has no translation" in output
    code, output = imported(empty_app, tmp_path, "po", content)
    assert code == 0 and "left alone" in output
    assert stored(empty_app, sid, "fr") is None


def test_importing_the_same_words_again_writes_nothing(empty_app: Flask, tmp_path: Path) -> None:
    sid = add_rich(empty_app)
    filled = fill_po(exported(empty_app, tmp_path, "po"))
    assert imported(empty_app, tmp_path, "po", filled)[0] == 0
    with empty_app.app_context():
        version = db.session.get(Statement, sid).version  # type: ignore[union-attr]
    code, output = imported(empty_app, tmp_path, "po", fill_po(exported(empty_app, tmp_path, "po")))
    assert code == 0, output
    with empty_app.app_context():
        assert db.session.get(Statement, sid).version == version  # type: ignore[union-attr]


def test_outdated_and_missing_cannot_be_asked_together(empty_app: Flask, tmp_path: Path) -> None:
    code, output = run(empty_app, "export-po", "--language", "fr", "--outdated", "--missing", "x")
    assert code != 0 and "cannot be given together" in output
    code, output = run(empty_app, "export-xliff", "--language", "xx", str(tmp_path / "x"))
    assert code != 0 and "not a supported language" in output
