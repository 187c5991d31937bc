"""Comparing two texts word by word, paragraph by paragraph (no app needed)."""

from __future__ import annotations

from ist_flask.revision_diff import Piece, changed, paragraphs, text_diff, word_diff


def test_one_changed_word_shows_as_one_word() -> None:
    assert word_diff("We stand with the strikers.", "We stand with the nurses.") == [
        Piece("same", "We stand with the "),
        Piece("removed", "strikers."),
        Piece("added", "nurses."),
    ]


def test_joining_the_pieces_gives_each_text_back() -> None:
    old, new = "One  two\tthree four", "One two three five four"
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.kind != "added") == old
    assert "".join(p.text for p in pieces if p.kind != "removed") == new


def test_paragraphs_are_matched_before_words() -> None:
    diff = text_diff("First.\n\nSecond one.\n\nThird.", "First.\n\nSecond two.\n\nThird.\n\nNew.")
    assert diff == [
        [Piece("same", "First.")],
        [Piece("same", "Second "), Piece("removed", "one."), Piece("added", "two.")],
        [Piece("same", "Third.")],
        [Piece("added", "New.")],
    ]


def test_a_removed_paragraph_is_removed_whole() -> None:
    assert text_diff("Kept.\n\nGone.", "Kept.") == [
        [Piece("same", "Kept.")],
        [Piece("removed", "Gone.")],
    ]


def test_the_same_text_has_no_change() -> None:
    assert not changed(text_diff("A\n\nB", "A\n\n\nB"))
    assert changed(text_diff(None, "Now"))
    assert paragraphs("  \n\n ") == []
