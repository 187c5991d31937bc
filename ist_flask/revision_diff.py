"""Word by word differences between two texts, paragraph by paragraph, for
comparing revisions. Pure: no Flask, no database.

A text is split into paragraphs at blank lines; paragraphs are matched up,
then the words of each changed pair are compared, so that one edited word
shows as one word, not as a whole paragraph replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Kind = Literal["same", "added", "removed"]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Words and the spaces between them, so that joining the pieces gives the text back.
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    kind: Kind
    text: str


Paragraph = list[Piece]


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs, without the blank lines between them."""
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text.strip()) if part.strip()]


def word_diff(old: str, new: str) -> Paragraph:
    """The words of ``old`` and ``new`` as kept, removed and added pieces."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    pieces: Paragraph = []
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(pieces, "same", "".join(old_words[i1:i2]))
            continue
        _add(pieces, "removed", "".join(old_words[i1:i2]))
        _add(pieces, "added", "".join(new_words[j1:j2]))
    return pieces


def _add(pieces: Paragraph, kind: Kind, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))


def text_diff(old: str | None, new: str | None) -> list[Paragraph]:
    """``old`` against ``new``, paragraph by paragraph: paragraphs only in
    one are wholly removed or added, paragraphs changed are compared by word."""
    before, after = paragraphs(old or ""), paragraphs(new or "")
    result: list[Paragraph] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend([Piece("same", text)] for text in before[i1:i2])
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            result.append(word_diff(before[i1 + k], after[j1 + k]))
        result.extend([Piece("removed", text)] for text in before[i1 + paired : i2])
        result.extend([Piece("added", text)] for text in after[j1 + paired : j2])
    return result


def changed(diff: list[Paragraph]) -> bool:
    return any(piece.kind != "same" for paragraph in diff for piece in paragraph)
