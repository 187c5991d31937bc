"""Cutting a body into units and putting a translation together again (no app)."""

from __future__ import annotations

from translation_file_helpers import fill_xliff

from ist_flask.po_format import po_segment, po_text
from ist_flask.translation_files import StatementToTranslate
from ist_flask.translation_targets import aligned_targets, check_target, rebuilt_body
from ist_flask.translation_units import (
    Close,
    Open,
    Void,
    body_units,
    same_source,
    statement_units,
)
from ist_flask.xliff_format import read_xliff, write_xliff

BODY = (
    '<p>See <a href="https://example.org">our <em>paper</em></a>.<br>Today.</p>\n'
    "<pre><code>  two  spaces\nkept</code></pre>\n"
    "<table><tr><th>Year</th><td> </td></tr></table>"
)


def test_codes_stand_for_inline_elements_and_white_space_stays_in_pre() -> None:
    units = body_units(BODY)
    assert [u.block for u in units] == ["p", "pre", "th"]
    assert units[0].source == (
        "See ", Open(1), "our ", Open(2), "paper", Close(2), Close(1), ".", Void(3), "Today.",
    )  # fmt: skip
    assert units[0].codes[1].attributes == (("href", "https://example.org"),)
    assert units[1].source == (Open(1), "  two  spaces\nkept", Close(1))


def test_a_translation_may_move_and_drop_codes_and_keeps_the_blocks() -> None:
    units = body_units(BODY)
    targets = {
        "b1": (Open(2), "Notre texte", Close(2), " : ", Open(1), "voir", Close(1), "."),
        "b2": (Open(1), "  deux  espaces\ngardés", Close(1)),
        "b3": ("Année",),
    }
    assert all(not check_target(u, targets[u.id]) for u in units)
    body = rebuilt_body(BODY, targets, units)
    assert body == (
        '<p><em>Notre texte</em> : <a href="https://example.org">voir</a>.</p>\n'
        "<pre><code>  deux  espaces\ngardés</code></pre>\n"
        "<table><tr><th>Année</th><td> </td></tr></table>"
    )


def test_codes_the_original_lacks_or_badly_nested_are_named() -> None:
    unit = body_units(BODY)[0]
    assert check_target(unit, ("x", Open(7), "y", Close(7))) == ["code 7 is not in the original"]
    assert check_target(unit, (Open(1), Open(2), Close(1), Close(2)))[0] == (
        "code 1 is closed where it is not open"
    )
    assert check_target(unit, (Open(3), "x", Close(3)))[0] == "code 3 is a lone code"
    assert check_target(unit, (Open(1), "x")) == ["code 1 is never closed"]
    assert check_target(unit, (Void(3), Void(3))) == ["code 3 is used twice"]


def test_an_existing_translation_with_other_blocks_gives_no_body_targets() -> None:
    original = body_units("<p>One</p><p>Two</p>")
    assert aligned_targets(original, body_units("<p>Un</p><p>Deux</p>")) == {
        "b1": ("Un",), "b2": ("Deux",),
    }  # fmt: skip
    assert aligned_targets(original, body_units("<p>Un et deux</p>")) == {}


def test_sources_compare_with_white_space_folded() -> None:
    assert same_source(("a\n  b", Void(1)), ("a b", Void(1)))
    assert not same_source(("a b",), ("a b", Void(1)))


def test_po_text_round_trips_codes_and_keeps_other_brackets() -> None:
    segment = ("a < b & ", Open(1), "c", Close(1), Void(2))
    assert po_text(segment) == "a < b & <g1>c</g1><x2/>"
    assert po_segment(po_text(segment)) == segment


def test_a_source_that_begins_with_a_code_keeps_its_words_through_a_cat_tool() -> None:
    units = statement_units("T", None, "<p><em>Only emphasis.</em></p>")
    written = write_xliff([StatementToTranslate(1, "en", "fr", units, {})])
    assert b"<source><g" in written  # no layout white space inside a unit
    (read,) = read_xliff(fill_xliff(written, lambda text: text), 10)
    assert [unit.source for unit in read.units] == [unit.source for unit in units]
    assert [unit.target for unit in read.units] == [unit.source for unit in units]
