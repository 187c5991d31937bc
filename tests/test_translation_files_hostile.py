"""Hostile and broken XLIFF and PO files: a clear message naming the place,
never a traceback, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from test_translation_files_cli import exported, imported
from translation_file_helpers import add_rich, fill_po, fill_xliff, stored

from ist_flask.translation_files import TranslationFileError
from ist_flask.translation_units import statement_units
from ist_flask.xliff_format import read_xliff

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="statement/1" source-language="en" target-language="fr"><body>
  <trans-unit id="title"><source>x</source><target>&lol4;</target></trans-unit>
 </body></file>
</xliff>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff version="1.2"><file original="statement/1" target-language="fr"><body>
<trans-unit id="title"><source>x</source><target>&secret;</target></trans-unit>
</body></file></xliff>"""


@pytest.mark.parametrize("content", [BOMB, EXTERNAL])
def test_entities_are_never_expanded_and_the_file_is_refused(
    empty_app: Flask, tmp_path: Path, content: bytes
) -> None:
    sid = add_rich(empty_app)
    code, output = imported(
        empty_app, tmp_path, "xliff", content.replace(b"/1", f"/{sid}".encode())
    )
    assert code != 0 and "DOCTYPE" in output and "Traceback" not in output
    assert "root:" not in output
    assert stored(empty_app, sid, "fr") is None


def test_a_file_past_the_size_bound_is_not_read(configured_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = configured_app(TRANSLATION_FILE_MAX_BYTES=10_000)
    sid = add_rich(app)
    content = fill_xliff(exported(app, tmp_path, "xliff")) + b"<!--" + b"x" * 20_000 + b"-->"
    code, output = imported(app, tmp_path, "xliff", content)
    assert code != 0 and "largest accepted is 10,000" in output
    assert stored(app, sid, "fr") is None


def test_wrong_languages_unknown_statements_and_bad_codes_are_each_named(
    empty_app: Flask, tmp_path: Path
) -> None:
    sid = add_rich(empty_app)
    good = fill_xliff(exported(empty_app, tmp_path, "xliff"))
    cases = {
        good.replace(b'target-language="fr"', b'target-language="xx"'): "'xx' is not a supported",
        good.replace(b'target-language="fr"', b'target-language="en"'): "original language",
        good.replace(f"statement/{sid}".encode(), b"statement/999999"): "no such statement",
        good.replace(f"statement/{sid}".encode(), b"statement/nope"): "names no statement",
        good.replace(
            b'<x id="3" ctype="lb"/>NOW', b'<x id="9"/>NOW'
        ): "code 9 is not in the original",
        good.replace(b"<target", b"<target><g id='1'>", 1): "not well-formed",
        good.replace(b'source-language="en"', b'source-language="de"'): "original is in 'en'",
        b"<html/>": "not an XLIFF file",
        b'<xliff version="2.0"/>': "XLIFF 2.0 is not read",
    }
    for content, message in cases.items():
        code, output = imported(empty_app, tmp_path, "xliff", content)
        assert code != 0 and message in output, (message, output)
        assert "Traceback" not in output
    assert stored(empty_app, sid, "fr") is None


def test_broken_po_files_are_refused_with_their_line(empty_app: Flask, tmp_path: Path) -> None:
    sid = add_rich(empty_app)
    good = fill_po(exported(empty_app, tmp_path, "po"))
    cases = {
        b'msgid "unterminated\nmsgstr': "not a PO file",
        b"\xff\xfe": "not UTF-8",
        good.replace(f"statement/{sid} b1".encode(), b"nothing"): "msgctxt names no statement",
        good.replace(b"<x3/>NOW", b"</g1>NOW"): "closed where it is not open",
        good.replace(b'"Language: fr', b'"Language: xx'): "'xx' is not a supported",
    }
    for content, message in cases.items():
        code, output = imported(empty_app, tmp_path, "po", content)
        assert code != 0 and message in output, (message, output)
    # An XLIFF file given to import-po is named for what it is.
    code, output = imported(empty_app, tmp_path, "po", b"<xliff/>")
    assert code != 0 and "not a PO file" in output
    assert stored(empty_app, sid, "fr") is None


def test_reading_refuses_a_doctype_before_anything_else() -> None:
    with pytest.raises(TranslationFileError, match="DOCTYPE"):
        read_xliff(BOMB, 1000)


def test_units_are_one_a_block_with_inline_codes() -> None:
    units = statement_units("T", None, "<p>a <b>b</b></p><ol><li>c<br>d</li></ol><hr>")
    assert [(u.id, u.block) for u in units] == [("title", "title"), ("b1", "p"), ("b2", "li")]
