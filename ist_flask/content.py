"""Pure rules about a statement's text: sanitising, excerpts and slugs.

Nothing here imports Flask, so these rules are tested without an app.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import markdown
import nh3
from slugify import slugify

# A statement is a draft until it is published; readers see only published ones.
DRAFT = "draft"
PUBLISHED = "published"
STATUSES = (DRAFT, PUBLISHED)

# The earliest and latest publication times accepted: a day inside the
# calendar's ends, so that the time falls inside it in every time zone.
EARLIEST_PUBLICATION = datetime(1, 1, 2, tzinfo=UTC)
LATEST_PUBLICATION = datetime(9998, 12, 31, tzinfo=UTC)


def publishable(moment: datetime) -> bool:
    """Whether ``moment`` (aware) lies between the earliest and latest publication times."""
    return EARLIEST_PUBLICATION <= moment <= LATEST_PUBLICATION


# What the database columns hold at most (models.py); the limits below may be lower.
TITLE_COLUMN_LENGTH = 500
SLUG_COLUMN_LENGTH = 200


@dataclass(frozen=True)
class TextLimits:
    """The longest texts, in characters, that the editor and the import accept.

    Set by IST_TITLE_MAX_LENGTH, IST_SLUG_MAX_LENGTH, IST_SUMMARY_MAX_LENGTH and
    IST_BODY_MAX_LENGTH; the defaults are these.
    """

    title: int = 300
    slug: int = 120
    summary: int = 2_000
    body: int = 500_000

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TextLimits:
        return cls(
            title=int(config["TITLE_MAX_LENGTH"]),
            slug=int(config["SLUG_MAX_LENGTH"]),
            summary=int(config["SUMMARY_MAX_LENGTH"]),
            body=int(config["BODY_MAX_LENGTH"]),
        )

    def problems(self) -> list[str]:
        """Limits the database cannot hold, or that make no sense."""
        found = []
        if not 1 <= self.title <= TITLE_COLUMN_LENGTH:
            found.append(f"TITLE_MAX_LENGTH must be between 1 and {TITLE_COLUMN_LENGTH}")
        if not 1 <= self.slug <= SLUG_COLUMN_LENGTH:
            found.append(f"SLUG_MAX_LENGTH must be between 1 and {SLUG_COLUMN_LENGTH}")
        if self.summary < 1 or self.body < 1:
            found.append("SUMMARY_MAX_LENGTH and BODY_MAX_LENGTH must be positive")
        return found


EXCERPT_WORDS = 150
# A text only a few words over the limit is shown whole: cutting 150 words
# down to 150 and adding " ..." would hide almost nothing and read worse.
EXCERPT_SLACK = 15
ELLIPSIS = " ..."

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
    "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Tags after which words must not run together once tags are stripped.
_BLOCK_NAMES = {
    "p", "br", "div", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "tr", "td", "th", "pre", "hr", "ul", "ol", "dl", "figure", "figcaption", "table",
}  # fmt: skip
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCK_NAMES))})\b[^>]*>", re.IGNORECASE)


DEFAULT_LIMITS = TextLimits()


# Characters XML 1.0 cannot carry, so that lxml refuses a feed holding one: the
# C0 controls but tab, line feed and carriage return; lone surrogates; U+FFFE
# and U+FFFF. They come with text pasted from Word or a PDF, or in imports.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Word writes a vertical tab for a line break and a form feed for a page break.
_BREAKS = {"\x0b": "\n", "\x0c": "\n"}


# _NOT_XML's characters one by one, for _fits_xml: the controls, which any
# text may hold, then those only a text beyond ASCII may.
_CONTROLS = tuple(chr(code) for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_NONCHARACTERS = ("\ufffe", "\uffff")


def _fits_xml(text: str) -> bool:
    """Whether ``text`` holds none of _NOT_XML's characters: the answer of
    its search, three times faster on long texts (an import cleans 2 GB).
    ``in`` scans for one character at memchr's speed, where the regular
    expression tests each character against its whole class."""
    if any(control in text for control in _CONTROLS):
        return False
    if text.isascii():  # known without a scan
        return True
    if any(nonchar in text for nonchar in _NONCHARACTERS):
        return False
    try:  # a Python string holds a surrogate only alone, which UTF-16 refuses
        text.encode("utf-16-le")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids; line and page breaks
    become new lines. Every text a statement stores passes through here."""
    if _fits_xml(text):  # the usual case: no copy
        return text
    return _NOT_XML.sub(lambda found: _BREAKS.get(found.group(), ""), text)


def sanitise(body_html: str) -> str:
    """Return ``body_html`` reduced to the allow-list: no script, style, event
    handler or javascript: URL survives."""
    return nh3.clean(
        body_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(source: str) -> str:
    """The sanitised HTML of a Markdown text: whatever HTML the text holds is
    cleaned like any other, so Markdown is no way around the allow-list."""
    return sanitise(markdown.markdown(source, extensions=["extra", "sane_lists"]))


def plain_text(body_html: str) -> str:
    """The words of ``body_html``: tags stripped, entities decoded, white space folded."""
    spaced = _BLOCK_TAG.sub(" ", body_html)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    # split() and join: four times faster than a regex on long texts, same result.
    return " ".join(text.split())


# A tag as sanitise writes it: a lower-case name, attribute values in double
# quotes (where ">" would be read as text), no comments, "<" in text escaped.
_SANITISED_TAG = re.compile(r'<(/?)([a-z0-9]+)(?:[^>"]|"[^"]*")*>')


def _tag_gap(tag: re.Match[str]) -> str:
    return " " if tag.group(2) in _BLOCK_NAMES else ""


def words_of_sanitised(body_html: str) -> list[str]:
    """The words of sanitise's output, which plain_text joins, found faster:
    its tags are regular enough for a regular expression, where plain_text
    must parse whatever HTML it gets (an import's words, then its stems)."""
    return html.unescape(_SANITISED_TAG.sub(_tag_gap, body_html)).split()


def excerpt(body_html: str, summary: str | None = None) -> str:
    """The text shown under a title in listings and feeds.

    The summary when there is one; else the first words of the body, followed
    by " ..." when the body was cut.
    """
    return excerpt_of_text(plain_text(body_html), summary)


def excerpt_of_text(text: str, summary: str | None = None) -> str:
    """excerpt, from the body's words (plain_text) already at hand."""
    if summary and summary.strip():
        return " ".join(summary.split())
    # Only the words an excerpt may show: splitting a long body whole cost
    # more than the rest of the excerpt.
    words = text.split(" ", EXCERPT_WORDS + EXCERPT_SLACK)
    if len(words) <= EXCERPT_WORDS + EXCERPT_SLACK:
        return text
    return " ".join(words[:EXCERPT_WORDS]) + ELLIPSIS


def derived_texts(body_html: str, summary: str | None) -> dict[str, str]:
    """What a translation stores beside its body and summary, made once when
    they are written rather than on every page and feed that shows them: its
    words for the search index, and its excerpt."""
    text = plain_text(body_html)
    return {"search_text": text, "excerpt": excerpt_of_text(text, summary)}


# An apostrophe joins the parts of a word: "women's" is "womens", not "women-s".
_APOSTROPHES = [["'", ""], ["’", ""], ["ʼ", ""]]


# Search engines show about this many characters of a page's description.
DESCRIPTION_LENGTH = 160


def short_description(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` in at most ``limit`` characters, cut at a word, with "…" when cut:
    for meta, OpenGraph and Twitter descriptions."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return cut + "…"


def make_slug(title: str, max_length: int = DEFAULT_LIMITS.slug) -> str:
    """A URL slug for ``title`` of at most ``max_length`` characters (IST_SLUG_MAX_LENGTH),
    transliterated to ASCII ("Libérez" -> "liberez"), cut at a word."""
    slug = slugify(title, max_length=max_length, word_boundary=True, replacements=_APOSTROPHES)
    return slug or "statement"[:max_length]


SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_valid_slug(slug: str) -> bool:
    """Whether ``slug`` is lower-case ASCII words joined by single hyphens."""
    return bool(SLUG_PATTERN.match(slug)) and len(slug) <= SLUG_COLUMN_LENGTH
