"""The desk's reading of texts: paragraphs side by side, and what changed in
the original, word by word. Pure functions, no Flask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest
from typing import Literal

import lxml.html

# One or more blank lines end a paragraph (Markdown's rule).
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# What imported HTML starts with: the sanitiser's block elements.
_HTML_BLOCK = re.compile(r"<(p|h[1-6]|ul|ol|blockquote|pre|div|figure|table|hr)\b", re.IGNORECASE)

Kind = Literal["same", "added", "removed"]


@dataclass(frozen=True)
class Piece:
    """A run of words that stayed, came or went."""

    kind: Kind
    text: str


@dataclass(frozen=True)
class ChangedParagraph:
    """One paragraph of the original's diff; ``pieces`` joined by spaces."""

    kind: Literal["same", "added", "removed", "changed"]
    pieces: tuple[Piece, ...]


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a Markdown text, blank lines between them dropped;
    a browser's CRLF newlines read as newlines. Imported HTML (a translation
    with no Markdown) is read by its blocks, as words without their tags: a
    translator compares what readers see, not markup."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found: list[str] = []
    for part in _PARAGRAPH_BREAK.split(text.strip()):
        part = part.strip()
        if _HTML_BLOCK.match(part):
            found.extend(_html_paragraphs(part))
        elif part:
            found.append(part)
    return found


def _html_paragraphs(html: str) -> list[str]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    found = [root.text or ""]
    for node in root:
        # A list's items are its paragraphs; any other block is one.
        blocks = node.findall("li") if node.tag in ("ul", "ol") else [node]
        found.extend(block.text_content() for block in blocks)
        found.append(node.tail or "")
    return [words for words in (" ".join(text.split()) for text in found) if words]


def side_by_side(original: str, translation: str) -> list[tuple[str, str]]:
    """Paragraph n of the original beside paragraph n of the translation; the
    shorter side is padded with empty strings."""
    return list(zip_longest(paragraphs(original), paragraphs(translation), fillvalue=""))


def word_diff(before: str, after: str) -> tuple[Piece, ...]:
    """The words of ``after`` against those of ``before``: kept, added, removed."""
    old, new = before.split(), after.split()
    pieces: list[Piece] = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", " ".join(new[j1:j2])))
    return tuple(pieces)


def text_diff(before: str, after: str) -> list[ChangedParagraph]:
    """The original's change from ``before`` to ``after``, paragraph by
    paragraph: paragraphs kept, added, removed, or changed (with their words)."""
    old, new = paragraphs(before), paragraphs(after)
    result: list[ChangedParagraph] = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(ChangedParagraph("same", (Piece("same", p),)) for p in old[i1:i2])
        elif tag == "delete":
            result.extend(ChangedParagraph("removed", (Piece("removed", p),)) for p in old[i1:i2])
        elif tag == "insert":
            result.extend(ChangedParagraph("added", (Piece("added", p),)) for p in new[j1:j2])
        else:
            # Replaced paragraphs are compared in order, word by word; extra
            # ones on either side were added or removed whole.
            for was, now in zip_longest(old[i1:i2], new[j1:j2]):
                if now is None:
                    result.append(ChangedParagraph("removed", (Piece("removed", was),)))
                elif was is None:
                    result.append(ChangedParagraph("added", (Piece("added", now),)))
                else:
                    result.append(ChangedParagraph("changed", word_diff(was, now)))
    return result
