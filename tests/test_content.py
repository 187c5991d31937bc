"""Pure rules on a statement's text, tested without an app."""

from __future__ import annotations

import pytest

from ist_flask.content import excerpt, is_valid_slug, make_slug, plain_text, sanitise


def test_excerpt_strips_tags_and_folds_white_space() -> None:
    body = "<p>One  <em>two</em>\n three</p><p>four&amp;five</p><ul><li>six</li></ul>"
    assert excerpt(body) == "One two three four&five six"


def test_excerpt_keeps_a_text_a_few_words_over_the_limit_whole() -> None:
    body = "<p>" + " ".join(["w"] * 160) + "</p>"
    assert excerpt(body) == " ".join(["w"] * 160)


def test_excerpt_cuts_a_long_text_at_150_words_and_marks_the_cut() -> None:
    body = "<p>" + " ".join(f"w{n}" for n in range(200)) + "</p>"
    assert excerpt(body) == " ".join(f"w{n}" for n in range(150)) + " ..."


def test_excerpt_prefers_the_summary() -> None:
    assert excerpt("<p>body</p>", "  The  summary ") == "The summary"
    assert excerpt("<p>body</p>", "   ") == "body"


def test_plain_text_drops_script_content() -> None:
    assert plain_text("<p>a</p><script>alert(1)</script><p>b</p>") == "a b"


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "<style>body{display:none}</style>",
        '<p style="color:red" onclick="x()">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
    ],
)
def test_sanitise_removes_anything_that_could_run(dirty: str) -> None:
    clean = sanitise(dirty).lower()
    for forbidden in (
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "<style",
        "style=",
        "<iframe",
    ):
        assert forbidden not in clean


def test_sanitise_keeps_ordinary_markup() -> None:
    html = '<p>A <a href="https://example.org/x">link</a>, <em>emphasis</em></p><blockquote>q</blockquote>'
    clean = sanitise(html)
    assert '<a href="https://example.org/x" rel="noopener noreferrer">link</a>' in clean
    assert "<em>emphasis</em>" in clean and "<blockquote>q</blockquote>" in clean


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Libérez Frank García Hernández et ses camarades", "liberez-frank-garcia-hernandez-et-ses-camarades"),
        ("Социализм снизу", "sotsializm-snizu"),
        ("Σοσιαλισμός από τα κάτω", "sosialismos-apo-ta-kato"),
        ("Aşağıdan Sosyalizm", "asagidan-sosyalizm"),
        ("!!!", "statement"),
    ],
)  # fmt: skip
def test_slugs_are_transliterated_from_the_title(title: str, slug: str) -> None:
    assert make_slug(title) == slug
    assert is_valid_slug(slug)


@pytest.mark.parametrize("slug", ["", "Upper", "two--hyphens", "-edge", "sp ace", "é"])
def test_invalid_slugs_are_recognised(slug: str) -> None:
    assert not is_valid_slug(slug)
